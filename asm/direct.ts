// AssemblyScript: stride-1 convolution as an implicit GEMM over a zero-padded image (no im2col).
// Flatten the padded image [C][Hp][Wp]; output position p = oy*Wp + ox reads tap k = (c, ky, kx) at
// xpad[off[k] + p] with off[k] = c*Hp*Wp + ky*dh*Wp + kx*dw, so 8 consecutive outputs are one
// contiguous 8-float load per tap. Columns ox >= OW of that "virtual" output are wasted work
// (fraction (Wp - OW) / Wp) and dropped by the epilogue. Offset tables hold byte offsets.

import { madd } from './fma';
import { copyFloats } from './mem';
import { micro4x8, POOL_AVG, POOL_MAX, ROW, TAIL2, TAIL4 } from './micro';
import { relu4 } from './relu';

/**
 * Copies one image [C][H][W] into dst as zero-padded planes [C][Hp][Wp] (pt rows, pl columns before), after
 * zeroing `total` floats at dst (0: the zeros an earlier image wrote into this scratch are still there).
 */
export function padImage(src: usize, C: i32, H: i32, W: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, dst: usize, total: i32): void {
  memory.fill(dst, 0, <usize>total << 2);
  for (let c = 0; c < C; c++) {
    const s = src + (<usize>(c * H * W) << 2);
    const d = dst + (<usize>((c * Hp + pt) * Wp + pl) << 2);
    for (let y = 0; y < H; y++) copyFloats(d + (<usize>(y * Wp) << 2), s + (<usize>(y * W) << 2), W);
  }
}

/** Stores a 4 x 8 tile (rows `ldc` bytes apart). */
// @ts-ignore: decorator
@inline function store4x8(c: usize, ldc: usize, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldc;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
  v128.store(c, c30); v128.store(c, c31, 16);
}

/** Taps per block: a tile's block of taps (8 KiB) stays in L1 while every row panel reads it. */
const KC: i32 = 256;

/**
 * Output tiles [t0, t1) of every 4-row panel: yv[row][8t + j] = sum_k Ap[row][k] * xpad[off[k] + o_t + j].
 * Tile t starts at o_t = 8t of the virtual output (tpr = 0), or, when output rows are whole tiles (tpr
 * tiles a row), at row t / tpr, column 8 * (t % tpr) of the padded planes (Wp floats a row): then no
 * column is wasted and yv is the compact output. Ap: packA of the [rows x ckk] weights; yv has `ldy`
 * floats per row and ceil(rows/4)*4 rows.
 */
export function convTaps(xpad: usize, offs: usize, ckk: i32, Ap: usize, rows: i32, yv: usize, ldy: i32, t0: i32, t1: i32, tpr: i32, Wp: i32): void {
  const ldc = <usize>ldy << 2;
  // Balanced tap blocks of at most KC (blocks are summed in order: results do not depend on t0, t1).
  const nk = (ckk + KC - 1) / KC;
  const kcb = (ckk + nk - 1) / nk;
  for (let pc = 0; pc < ckk; pc += kcb) {
    const kc = min(kcb, ckk - pc);
    const o = offs + (<usize>pc << 2);
    for (let t = t0; t < t1; t++) {
      const x = xpad + (tpr == 0 ? <usize>t << 5 : <usize>((t / tpr) * Wp + (t % tpr) * 8) << 2);
      for (let i = 0; i < rows; i += 4) {
        const a = Ap + ((<usize>(i >> 2) * <usize>ckk + <usize>pc) << 4), c = yv + <usize>i * ldc + (<usize>t << 5);
        // Rows past `rows` are zero weights: a last panel of 1-2 real rows skips the other two.
        if (rows - i <= 2) micro4x8(kc, a, x, o, 0, c, ldc, pc > 0, true, true);
        else micro4x8(kc, a, x, o, 0, c, ldc, pc > 0, false, true);
      }
    }
  }
}

/**
 * Tiles [t0, t1) of a stride-1 convolution with at most KC taps, finished in registers: the sums get the
 * bias (bias != 0) and ReLU (relu != 0) and go straight to y ([Kg][OH][OW]), with no tile buffer and no
 * epilogue pass. Tiles t < OH*rowTiles are row tiles (8 columns of one row, at 8*(t % rowTiles)); the
 * rest are tail tiles of the `tail` (2 or 4) columns past them, 8/tail rows each, whose inputs are read
 * from the rows as 64- or 128-bit pieces. Sums and their rounding are convTaps' then convEpilogue's.
 */
export function convTilesOut(
  xpad: usize, offs: usize, ckk: i32, Ap: usize, Kg: i32, y: usize, OH: i32, OW: i32, Wp: i32, rowTiles: i32, tail: i32,
  t0: i32, t1: i32, bias: usize, relu: i32,
): void {
  if (relu != 0) tilesOut(xpad, offs, ckk, Ap, Kg, y, OH, OW, Wp, rowTiles, tail, t0, t1, bias, true);
  else tilesOut(xpad, offs, ckk, Ap, Kg, y, OH, OW, Wp, rowTiles, tail, t0, t1, bias, false);
}

// @ts-ignore: decorator
@inline function tilesOut(
  xpad: usize, offs: usize, ckk: i32, Ap: usize, Kg: i32, y: usize, OH: i32, OW: i32, Wp: i32, rowTiles: i32, tail: i32,
  t0: i32, t1: i32, bias: usize, relu: bool,
): void {
  const rowT = OH * rowTiles, plane = <usize>(OH * OW) << 2, inRow = <usize>Wp << 2, outRow = <usize>OW << 2;
  const c0 = rowTiles << 3, R = tail == 4 ? 2 : 4;
  for (let t = t0; t < t1; t++) {
    let x: usize, out: usize, last = 0;
    if (t < rowT) {
      const oy = t / rowTiles, ox = (t - oy * rowTiles) << 3;
      x = xpad + (<usize>(oy * Wp + ox) << 2);
      out = y + (<usize>(oy * OW + ox) << 2);
    } else {
      const oy = (t - rowT) * R;
      // Rows past the output (a last, partial tile) repeat its last row; their lanes are not stored.
      last = min(R, OH - oy) - 1;
      x = xpad + (<usize>(oy * Wp + c0) << 2);
      out = y + (<usize>(oy * OW + c0) << 2);
    }
    const s1 = <usize>min(1, last) * inRow, s2 = <usize>min(2, last) * inRow, s3 = <usize>min(3, last) * inRow;
    // A last panel of 1-2 rows runs two row tiles at once (t and t + 1, from an even t - t0).
    const first = ((t - t0) & 1) == 0, paired = t < rowT && (first ? t + 1 < min(t1, rowT) : true);
    let x2: usize = 0, out2: usize = 0;
    if (paired && first) {
      const oy = (t + 1) / rowTiles, ox = (t + 1 - oy * rowTiles) << 3;
      x2 = xpad + (<usize>(oy * Wp + ox) << 2);
      out2 = y + (<usize>(oy * OW + ox) << 2);
    }
    for (let i = 0; i < Kg; i += 4) {
      const a = Ap + (<usize>(i >> 2) * <usize>ckk << 4), o = out + <usize>i * plane, nr = min(4, Kg - i);
      const b = bias != 0 ? bias + (<usize>i << 2) : 0;
      // A last panel of 1-2 real rows skips the other two (zero weights).
      if (t < rowT) {
        if (nr <= 2 && paired) {
          if (first) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, ROW, 0, 0, 0, true, nr, outRow, last, b, relu, 0, 0, true, x2, out2 + <usize>i * plane);
        } else if (nr <= 2) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, ROW, 0, 0, 0, true, nr, outRow, last, b, relu);
        else micro4x8(ckk, a, x, offs, 0, o, plane, false, false, true, ROW, 0, 0, 0, true, nr, outRow, last, b, relu);
      } else if (tail == 4) {
        if (nr <= 2) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, TAIL4, s1, 0, 0, true, nr, outRow, last, b, relu);
        else micro4x8(ckk, a, x, offs, 0, o, plane, false, false, true, TAIL4, s1, 0, 0, true, nr, outRow, last, b, relu);
      } else if (nr <= 2) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, TAIL2, s1, s2, s3, true, nr, outRow, last, b, relu);
      else micro4x8(ckk, a, x, offs, 0, o, plane, false, false, true, TAIL2, s1, s2, s3, true, nr, outRow, last, b, relu);
    }
  }
}

/**
 * Tiles [t0, t1) of a stride-1 convolution with at most KC taps, then the bias, ReLU (relu != 0) and a 2x2
 * stride-2 pooling (pool: 1 mean, 2 maximum; floor mode), finished in registers and stored into the pooled
 * y ([Kg][PH][PW]): the full-size output is never written. Tiles t < PH * (PW >> 1) hold two pooled
 * columns of one pooled row (2 convolution rows of 4 columns); when PW is odd, the rest hold its last
 * column, two pooled rows a tile (4 convolution rows of 2 columns; a last tile of one repeats its rows).
 * Convolution outputs no window covers (a last odd row or column) are not computed.
 */
export function convPoolOut(
  xpad: usize, offs: usize, ckk: i32, Ap: usize, Kg: i32, y: usize, PH: i32, PW: i32, Wp: i32,
  t0: i32, t1: i32, bias: usize, relu: i32, pool: i32,
): void {
  if (pool == POOL_AVG) {
    if (relu != 0) poolTiles(xpad, offs, ckk, Ap, Kg, y, PH, PW, Wp, t0, t1, bias, true, POOL_AVG);
    else poolTiles(xpad, offs, ckk, Ap, Kg, y, PH, PW, Wp, t0, t1, bias, false, POOL_AVG);
  } else if (relu != 0) poolTiles(xpad, offs, ckk, Ap, Kg, y, PH, PW, Wp, t0, t1, bias, true, POOL_MAX);
  else poolTiles(xpad, offs, ckk, Ap, Kg, y, PH, PW, Wp, t0, t1, bias, false, POOL_MAX);
}

// @ts-ignore: decorator
@inline function poolTiles(
  xpad: usize, offs: usize, ckk: i32, Ap: usize, Kg: i32, y: usize, PH: i32, PW: i32, Wp: i32,
  t0: i32, t1: i32, bias: usize, relu: bool, pool: i32,
): void {
  const pairs = PW >> 1, pairT = PH * pairs, plane = <usize>(PH * PW) << 2, inRow = <usize>Wp << 2, outRow = <usize>PW << 2;
  for (let t = t0; t < t1; t++) {
    let x: usize, out: usize, last = 0;
    if (t < pairT) {
      const py = t / pairs, j = t - py * pairs;
      x = xpad + (<usize>(2 * py * Wp + 4 * j) << 2);
      out = y + (<usize>(py * PW + 2 * j) << 2);
    } else {
      const u = t - pairT;
      // A last tile of one pooled row reads its two convolution rows again (their results are not stored).
      last = min(2, PH - 2 * u) - 1;
      x = xpad + (<usize>(4 * u * Wp + 2 * PW - 2) << 2);
      out = y + (<usize>(2 * u * PW + PW - 1) << 2);
    }
    const s2: usize = last > 0 ? 2 * inRow : 0, s3: usize = last > 0 ? 3 * inRow : inRow;
    // A last panel of 1-2 rows runs two tiles at once (t and t + 1, from an even t - t0).
    const first = ((t - t0) & 1) == 0, paired = t < pairT && (first ? t + 1 < min(t1, pairT) : true);
    let x2: usize = 0, out2: usize = 0;
    if (paired && first) {
      const py = (t + 1) / pairs, j = t + 1 - py * pairs;
      x2 = xpad + (<usize>(2 * py * Wp + 4 * j) << 2);
      out2 = y + (<usize>(py * PW + 2 * j) << 2);
    }
    for (let i = 0; i < Kg; i += 4) {
      const a = Ap + (<usize>(i >> 2) * <usize>ckk << 4), o = out + <usize>i * plane, nr = min(4, Kg - i);
      const b = bias != 0 ? bias + (<usize>i << 2) : 0;
      // A last panel of 1-2 real rows skips the other two (zero weights).
      if (t < pairT) {
        if (nr <= 2 && paired) {
          if (first) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, TAIL4, inRow, 0, 0, true, nr, outRow, 0, b, relu, 0, pool, true, x2, out2 + <usize>i * plane);
        } else if (nr <= 2) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, TAIL4, inRow, 0, 0, true, nr, outRow, 0, b, relu, 0, pool);
        else micro4x8(ckk, a, x, offs, 0, o, plane, false, false, true, TAIL4, inRow, 0, 0, true, nr, outRow, 0, b, relu, 0, pool);
      } else if (nr <= 2) micro4x8(ckk, a, x, offs, 0, o, plane, false, true, true, TAIL2, inRow, s2, s3, true, nr, outRow, last, b, relu, 0, pool);
      else micro4x8(ckk, a, x, offs, 0, o, plane, false, false, true, TAIL2, inRow, s2, s3, true, nr, outRow, last, b, relu, 0, pool);
    }
  }
}

/**
 * Keeps the OW valid columns of each virtual output row: y[r][oy][ox] = yv[r][oy*Wp + ox] (+ bias[r] when
 * bias != 0, then ReLU when relu != 0), for rows [0, rows); y's rows are ldo floats apart (its planes OH*ldo).
 */
export function convEpilogue(yv: usize, ldy: i32, rows: i32, Wp: i32, OH: i32, OW: i32, ldo: i32, bias: usize, y: usize, relu: i32): void {
  if (relu != 0) epilogueRows(yv, ldy, rows, Wp, OH, OW, ldo, bias, y, true);
  else epilogueRows(yv, ldy, rows, Wp, OH, OW, ldo, bias, y, false);
}

/**
 * The output columns [c0, c0 + cols) that row tiles leave, gathered as a GEMM B matrix:
 * col[k][oy*cols + j] = xpad[off[k] + oy*Wp + c0 + j] for taps k < ckk (rows ldc floats apart).
 */
export function gatherColumns(xpad: usize, offs: usize, ckk: i32, Wp: i32, OH: i32, c0: i32, cols: i32, col: usize, ldc: i32): void {
  for (let k = 0; k < ckk; k++) {
    const src = xpad + <usize>load<i32>(offs + (<usize>k << 2)) + (<usize>c0 << 2);
    let dst = col + (<usize>(k * ldc) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const s = src + (<usize>(oy * Wp) << 2);
      for (let j = 0; j < cols; j++) store<f32>(dst + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
      dst += <usize>cols << 2;
    }
  }
}

/**
 * A dense layer's epilogue in place: y[r][c] += bias[c] (bias != 0), then ReLU (relu != 0), for rows
 * [r0, r1) of `cols` floats: the bias runs along the rows' vectors (convEpilogue's runs per row, one
 * value each when a row is one output).
 */
export function denseEpilogue(y: usize, cols: i32, r0: i32, r1: i32, bias: usize, relu: i32): void {
  if (relu != 0) denseRows(y, cols, r0, r1, bias, true);
  else denseRows(y, cols, r0, r1, bias, false);
}

// @ts-ignore: decorator
@inline function denseRows(y: usize, cols: i32, r0: i32, r1: i32, bias: usize, relu: bool): void {
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const row = y + (<usize>r * <usize>cols << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      const v = f32x4.add(v128.load(row + o), bias != 0 ? v128.load(bias + o) : zero);
      v128.store(row + o, relu ? relu4(v) : v);
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const v = load<f32>(row + o) + (bias != 0 ? load<f32>(bias + o) : <f32>0);
      store<f32>(row + o, relu ? max<f32>(v, 0) : v);
    }
  }
}

/** ReLU as the Relu kernel (relu4): NaN kept, -0 turned into +0. */
// @ts-ignore: decorator
@inline function epilogueRows(yv: usize, ldy: i32, rows: i32, Wp: i32, OH: i32, OW: i32, ldo: i32, bias: usize, y: usize, relu: bool): void {
  for (let r = 0; r < rows; r++) {
    const b = bias != 0 ? load<f32>(bias + (<usize>r << 2)) : <f32>0;
    const bv = f32x4.splat(b);
    const src = yv + (<usize>(r * ldy) << 2);
    const dst = y + (<usize>(r * OH * ldo) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const s = src + (<usize>(oy * Wp) << 2), d = dst + (<usize>(oy * ldo) << 2);
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const o = <usize>ox << 2;
        const v = f32x4.add(v128.load(s + o), bv);
        v128.store(d + o, relu ? relu4(v) : v);
      }
      for (; ox < OW; ox++) {
        const o = <usize>ox << 2;
        const v = load<f32>(s + o) + b;
        store<f32>(d + o, relu ? max<f32>(v, 0) : v);
      }
    }
  }
}

/**
 * Packs dy of one image and group ([K][OH][OW]) into 8-filter panels, Bp[panel][p][8] for the P = OH*OW
 * positions p = oy*OW + ox: column j of panel q is filter 8q+j, zero for filters >= K.
 */
export function packDyPanels(dy: usize, K: i32, P: i32, Bp: usize): void {
  const panels = (K + 7) >> 3;
  if (K & 7) memory.fill(Bp + (<usize>((panels - 1) * P) << 5), 0, <usize>P << 5);
  for (let k = 0; k < K; k++) {
    const panel = Bp + (<usize>((k >> 3) * P) << 5) + (<usize>(k & 7) << 2);
    const src = dy + (<usize>(k * P) << 2);
    for (let p = 0; p < P; p++) store<f32>(panel + (<usize>p << 5), load<f32>(src + (<usize>p << 2)));
  }
}

/**
 * Filter gradient, transposed: dwt[tap][k] = sum_n sum_{oy < OH, ox < OW} x_n[off[tap] + oy*Wp + ox] *
 * Bp_n[k panel][oy*OW + ox][k % 8], for tap panels [i0, i1) (4 taps each; offs padded to a multiple of 4
 * entries). x images (padded planes, or the input itself when unpadded: rows of Wp floats) are `xStride`
 * bytes apart, dy panels (packDyPanels) `bStride`; dwt has ceil(K/8)*8 columns. Every element sums its
 * images in order 0..N-1 in registers, so the result does not depend on how tap panels are split.
 */
export function convFilterTaps(
  x: usize, xStride: i32, N: i32, offs: usize, Bp: usize, bStride: i32, K: i32, OH: i32, OW: i32, Wp: i32, dwt: usize, i0: i32, i1: i32,
): void {
  const Kp = ((K + 7) >> 3) << 3, P = OH * OW;
  const ldc = <usize>Kp << 2;
  for (let i = i0; i < i1; i++) {
    const o = offs + (<usize>i << 4);
    const o0 = <usize>load<i32>(o), o1 = <usize>load<i32>(o, 4), o2 = <usize>load<i32>(o, 8), o3 = <usize>load<i32>(o, 12);
    for (let q = 0; q < Kp; q += 8) {
      const c = dwt + (<usize>i << 2) * ldc + (<usize>q << 2);
      microRows(N, OH, OW, Wp, x + o0, x + o1, x + o2, x + o3, <usize>xStride, Bp + (<usize>((q >> 3) * P) << 5), <usize>bStride, c, ldc);
    }
  }
}

/**
 * C[4 x 8] = sum over images n < N and positions (oy, ox) of splat(row_i[n*xStride + (oy*Wp + ox)*4]) *
 * B_n[oy*OW + ox][0..8), B_n at b + n*bStride (8 floats a position); row i starts at r_i; ldc in bytes.
 */
// @ts-ignore: decorator
@inline function microRows(N: i32, OH: i32, OW: i32, Wp: i32, r0: usize, r1: usize, r2: usize, r3: usize, xStride: usize, b: usize, bStride: usize, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowEnd = <usize>OW << 2, skip = <usize>(Wp - OW) << 2;
  for (let n = 0; n < N; n++) {
    let bp = b;
    // q: the byte offset of (oy, ox) in the image's rows; each row ends at q + rowEnd.
    let q: usize = 0;
    for (let oy = 0; oy < OH; oy++) {
      for (const end = q + rowEnd; q < end; q += 4) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        const a0 = v128.load32_splat(r0 + q);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        const a1 = v128.load32_splat(r1 + q);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        const a2 = v128.load32_splat(r2 + q);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        const a3 = v128.load32_splat(r3 + q);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
        bp += 32;
      }
      q += skip;
    }
    r0 += xStride; r1 += xStride; r2 += xStride; r3 += xStride;
    b += bStride;
  }
  store4x8(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * Input gradient of an unpadded stride-1 convolution, with col2im fused into the GEMM: for each dy tile
 * and each panel of 4 taps, the 4 x 8 products (W^T . dy) are added straight into dx at the taps'
 * origins, never stored as columns. Tiles as convTilesOut's: OH*rowTiles row tiles of 8 columns, then
 * tiles of the `tail` (0, 2 or 4) columns past them, 8/tail rows each.
 * dy: Kg planes kStep bytes apart, rows of OWd; Ap: packA of W^T [ckk x Kg], rows in any order (the
 * caller's: (tap, channel)); tapOffs[row]: byte offset of that row's dx origin (c*H*W + ky*dh*W + kx*dw
 * floats); dx (dxFloats, rows of W) is zeroed here. The microkernel adds each row's sums into dx itself.
 * Sums run in one fixed order per image.
 */
export function convAdjointTiles(
  dy: usize, kStep: usize, Kg: i32, Ap: usize, ckk: i32, tapOffs: usize, OH: i32, OWd: i32, rowTiles: i32, tail: i32, W: i32,
  dx: usize, dxFloats: i32,
): void {
  memory.fill(dx, 0, <usize>dxFloats << 2);
  const rowT = OH * rowTiles, tiles = rowT + ((OH * tail + 7) >> 3), inRow = <usize>OWd << 2, outRow = <usize>W << 2;
  const c0 = rowTiles << 3, R = tail == 4 ? 2 : 4;
  for (let t = 0; t < tiles; t++) {
    let oy: i32, ox: i32, last = 0;
    if (t < rowT) {
      oy = t / rowTiles;
      ox = (t - oy * rowTiles) << 3;
    } else {
      oy = (t - rowT) * R;
      ox = c0;
      // Rows past dy (a last, partial tile) repeat its last row; their lanes are not added.
      last = min(R, OH - oy) - 1;
    }
    const s1 = <usize>min(1, last) * inRow, s2 = <usize>min(2, last) * inRow, s3 = <usize>min(3, last) * inRow;
    const b = dy + (<usize>(oy * OWd + ox) << 2), at = dx + (<usize>(oy * W + ox) << 2);
    for (let i = 0; i < ckk; i += 4) {
      const a = Ap + (<usize>(i >> 2) * <usize>Kg << 4), rows = min(4, ckk - i), offs = tapOffs + (<usize>i << 2);
      // Rows past ckk are zero weights: a last panel of 1-2 real rows skips the other two. Each row's sums
      // are added into dx at its tap's origin.
      if (t < rowT) {
        if (rows <= 2) micro4x8(Kg, a, b, 0, kStep, at, 0, false, true, false, ROW, 0, 0, 0, true, rows, 0, 0, 0, false, offs);
        else micro4x8(Kg, a, b, 0, kStep, at, 0, false, false, false, ROW, 0, 0, 0, true, rows, 0, 0, 0, false, offs);
      } else if (tail == 4) {
        if (rows <= 2) micro4x8(Kg, a, b, 0, kStep, at, 0, false, true, false, TAIL4, s1, 0, 0, true, rows, outRow, last, 0, false, offs);
        else micro4x8(Kg, a, b, 0, kStep, at, 0, false, false, false, TAIL4, s1, 0, 0, true, rows, outRow, last, 0, false, offs);
      } else if (rows <= 2) micro4x8(Kg, a, b, 0, kStep, at, 0, false, true, false, TAIL2, s1, s2, s3, true, rows, outRow, last, 0, false, offs);
      else micro4x8(Kg, a, b, 0, kStep, at, 0, false, false, false, TAIL2, s1, s2, s3, true, rows, outRow, last, 0, false, offs);
    }
  }
}
