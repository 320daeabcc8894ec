// AssemblyScript: Winograd F(4x4, 3x3) transforms: a 6x6 input patch d becomes V = B^T d B, a 3x3
// filter g becomes U = G g G^T, the 36 products M = U . V (summed over channels) are 36 GEMMs, and
// Y = A^T M A gives a 4x4 output tile: 36 multiplies per tile and channel instead of 144 (F(2x2, 3x3):
// 64). Four horizontally adjacent tiles share each vector. The interpolation points are 0, 1, -1, 1/2,
// -2 and infinity, not Lavin & Gray's 0, +-1, +-2: float32 errors ~1.7x smaller (Barabasz et al. 2020;
// a float32 simulation here agreed), which keeps F(4x4) within the parity tolerances.
//   B^T = [1 -3/2 -2 3/2 1 0; 0 -1 1/2 5/2 1 0; 0 1 -5/2 1/2 1 0; 0 -2 -1 2 1 0; 0 1/2 -1 -1/2 1 0;
//          0 1 -3/2 -2 3/2 1]
//   G   = [1 0 0; 1/3 1/3 1/3; -1/3 1/3 -1/3; -16/15 -8/15 -4/15; 1/15 -2/15 4/15; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0; 0 1 -1 1/8 -8 1]
import { madd } from './fma';
import { gather4, scatterRow } from './winograd';

// @ts-ignore: decorator
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** B^T applied to (d0..d5), stored to 6 vectors `step` bytes apart. */
// @ts-ignore: decorator
@inline function inputRow(out: usize, step: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128): void {
  const s31 = f32x4.sub(d3, d1), s42 = f32x4.sub(d4, d2), m2 = splat(-2), half = splat(0.5), h3 = splat(1.5);
  v128.store(out, madd(h3, s31, madd(m2, d2, f32x4.add(d0, d4))));
  v128.store(out + step, madd(splat(2.5), d3, madd(half, d2, f32x4.sub(d4, d1))));
  v128.store(out + 2 * step, madd(half, d3, madd(splat(-2.5), d2, f32x4.add(d4, d1))));
  v128.store(out + 3 * step, madd(splat(2), s31, s42));
  v128.store(out + 4 * step, madd(splat(-0.5), s31, s42));
  v128.store(out + 5 * step, madd(h3, s42, madd(m2, d3, f32x4.add(d1, d5))));
}

/**
 * V[xi][c][t] for tiles t = ty*TW + tx of the zero-padded planes xpad [C][Hp][Wp] (Hp >= 4*TH + 2, TW a
 * multiple of 4). With tpi = 0, tiles are adjacent, 4 columns apart (Wp >= 4*TW + 4: the last vector
 * reads 2 floats past the patches). With tpi = 1 or 2, images sit `slot` columns apart and hold tpi
 * tiles each, tile t at column (t / tpi)*slot + (t % tpi)*4 (Wp >= (TW / tpi)*slot). xi = 6*i + j; V has
 * T floats per (xi, c) row and xi rows start xiStride floats apart (>= C*T). `tmp`: 576 bytes.
 */
export function wino4Input(xpad: usize, C: i32, Hp: i32, Wp: i32, TH: i32, TW: i32, tpi: i32, slot: i32, V: usize, T: i32, xiStride: i32, tmp: usize): void {
  if (tpi == 0) inputTiles(xpad, C, Hp, Wp, TH, TW, 16, 32, 48, 64, V, T, xiStride, tmp, true);
  else {
    const s = <usize>slot << 2;
    if (tpi == 1) inputTiles(xpad, C, Hp, Wp, TH, TW, s, 2 * s, 3 * s, 4 * s, V, T, xiStride, tmp, false);
    else inputTiles(xpad, C, Hp, Wp, TH, TW, 16, s, s + 16, 2 * s, V, T, xiStride, tmp, false);
  }
}

/** wino4Input for 4-tile groups `group` bytes apart whose tiles 1-3 start o1, o2, o3 bytes after tile 0. */
// @ts-ignore: decorator
@inline function inputTiles(xpad: usize, C: i32, Hp: i32, Wp: i32, TH: i32, TW: i32, o1: usize, o2: usize, o3: usize, group: usize, V: usize, T: i32, xiStride: i32, tmp: usize, adjacent: bool): void {
  const Wb = <usize>Wp << 2;
  const step = <usize>xiStride << 2;
  for (let c = 0; c < C; c++) {
    for (let ty = 0; ty < TH; ty++) {
      const rowBase = xpad + ((<usize>(c * Hp + 4 * ty) * <usize>Wp) << 2);
      let out = V + ((<usize>c * <usize>T + <usize>(ty * TW)) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        // Row i of the 4 patches (lane q = tile tx+q, its columns d0..d5), then u_i = B^T d_i into tmp[6i .. 6i+5].
        let r = rowBase + <usize>(tx >> 2) * group;
        for (let i = 0; i < 6; i++) {
          // Columns 0-3 of the 4 patches; a 4x4 transpose makes them d0..d3.
          const a = v128.load(r), b = v128.load(r + o1), e = v128.load(r + o2), f = v128.load(r + o3);
          const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
          const ef0 = v128.shuffle<i32>(e, f, 0, 4, 1, 5), ef1 = v128.shuffle<i32>(e, f, 2, 6, 3, 7);
          const d0 = v128.shuffle<i32>(ab0, ef0, 0, 1, 4, 5), d1 = v128.shuffle<i32>(ab0, ef0, 2, 3, 6, 7);
          const d2 = v128.shuffle<i32>(ab1, ef1, 0, 1, 4, 5), d3 = v128.shuffle<i32>(ab1, ef1, 2, 3, 6, 7);
          let d4: v128, d5: v128;
          if (adjacent) {
            // Patch q's columns 4, 5 are patch q+1's 0, 1: one-lane shifts with the vector after the 4 patches.
            const h = v128.load(r, 64);
            d4 = v128.shuffle<i32>(d0, h, 1, 2, 3, 4);
            d5 = v128.shuffle<i32>(d1, h, 1, 2, 3, 5);
          } else {
            // Columns 2-5 of each patch, lanes 2 and 3 transposed.
            const a2 = v128.load(r, 8), b2 = v128.load(r + o1, 8), e2 = v128.load(r + o2, 8), f2 = v128.load(r + o3, 8);
            const ab = v128.shuffle<i32>(a2, b2, 2, 6, 3, 7), ef = v128.shuffle<i32>(e2, f2, 2, 6, 3, 7);
            d4 = v128.shuffle<i32>(ab, ef, 0, 1, 4, 5);
            d5 = v128.shuffle<i32>(ab, ef, 2, 3, 6, 7);
          }
          inputRow(tmp + <usize>i * 96, 16, d0, d1, d2, d3, d4, d5);
          r += Wb;
        }
        // V = (B^T u) column by column: column j of u is tmp[6k + j], k = 0..5.
        for (let j = 0; j < 6; j++) {
          const u = tmp + (<usize>j << 4);
          inputRow(out + <usize>j * step, 6 * step,
            v128.load(u), v128.load(u, 96), v128.load(u, 192), v128.load(u, 288), v128.load(u, 384), v128.load(u, 480));
        }
        out += 16;
      }
    }
  }
}

/** A^T applied to (m0..m5): 4 vectors. */
// @ts-ignore: decorator
@inline function outputRow(out: usize, step: usize, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): void {
  const p12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2);
  v128.store(out, f32x4.add(f32x4.add(m0, p12), f32x4.add(m3, m4)));
  v128.store(out + step, madd(splat(0.5), m3, madd(splat(-2), m4, d12)));
  v128.store(out + 2 * step, madd(splat(0.25), m3, madd(splat(4), m4, p12)));
  v128.store(out + 3 * step, madd(splat(0.125), m3, madd(splat(-8), m4, f32x4.add(d12, m5))));
}

/**
 * Y = A^T M A for TH x TW tiles: M[xi][k][t] (K rows of T floats per xi, xi rows xiStride floats apart)
 * -> yv [K][yRows][4*TW], the output tiles side by side (convEpilogue then crops them and adds the
 * bias). `tmp`: 448 bytes.
 */
export function wino4Output(M: usize, K: i32, T: i32, xiStride: i32, TH: i32, TW: i32, yv: usize, yRows: i32, tmp: usize): void {
  const Wo = 4 * TW;
  const rowBytes = <usize>Wo << 2;
  const step = <usize>xiStride << 2;
  for (let k = 0; k < K; k++) {
    for (let ty = 0; ty < TH; ty++) {
      let m = M + ((<usize>k * <usize>T + <usize>(ty * TW)) << 2);
      const y0 = yv + ((<usize>(k * yRows + 4 * ty) * <usize>Wo) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        // w = A^T M column by column (w[i][j] at tmp[6i + j]), then each row of w times A.
        for (let j = 0; j < 6; j++) {
          const p = m + <usize>j * step;
          outputRow(tmp + (<usize>j << 4), 96,
            v128.load(p), v128.load(p + 6 * step), v128.load(p + 12 * step), v128.load(p + 18 * step), v128.load(p + 24 * step), v128.load(p + 30 * step));
        }
        let o = y0 + (<usize>(4 * tx) << 2);
        for (let i = 0; i < 4; i++) {
          const w = tmp + <usize>i * 96;
          const y = tmp + 384;
          outputRow(y, 16, v128.load(w), v128.load(w, 16), v128.load(w, 32), v128.load(w, 48), v128.load(w, 64), v128.load(w, 80));
          // Lane q is tile tx+q: its 4 outputs of row i go to columns 4(tx+q) .. 4(tx+q)+3 (a 4x4 transpose).
          const y0v = v128.load(y), y1v = v128.load(y, 16), y2v = v128.load(y, 32), y3v = v128.load(y, 48);
          const a0 = v128.shuffle<i32>(y0v, y1v, 0, 4, 1, 5), a1 = v128.shuffle<i32>(y0v, y1v, 2, 6, 3, 7);
          const b0 = v128.shuffle<i32>(y2v, y3v, 0, 4, 1, 5), b1 = v128.shuffle<i32>(y2v, y3v, 2, 6, 3, 7);
          v128.store(o, v128.shuffle<i32>(a0, b0, 0, 1, 4, 5));
          v128.store(o, v128.shuffle<i32>(a0, b0, 2, 3, 6, 7), 16);
          v128.store(o, v128.shuffle<i32>(a1, b1, 0, 1, 4, 5), 32);
          v128.store(o, v128.shuffle<i32>(a1, b1, 2, 3, 6, 7), 48);
          o += rowBytes;
        }
        m += 16;
      }
    }
  }
}

/** G applied to (a, b, d): 6 vectors `step` bytes apart (the filter transform, plain multiplies: prepared once). */
// @ts-ignore: decorator
@inline function filterRow(out: usize, step: usize, a: v128, b: v128, d: v128): void {
  const third = splat(<f32>(1.0 / 3.0)), fifteenth = splat(<f32>(1.0 / 15.0)), ad = f32x4.add(a, d);
  v128.store(out, a);
  v128.store(out + step, f32x4.mul(f32x4.add(ad, b), third));
  v128.store(out + 2 * step, f32x4.mul(f32x4.sub(b, ad), third));
  // -(16a + 8b + 4d)/15 and (a - 2b + 4d)/15.
  v128.store(out + 3 * step, f32x4.mul(f32x4.neg(madd(splat(16), a, madd(splat(8), b, f32x4.mul(d, splat(4))))), fifteenth));
  v128.store(out + 4 * step, f32x4.mul(madd(splat(-2), b, madd(splat(4), d, a)), fifteenth));
  v128.store(out + 5 * step, d);
}

/**
 * U[xi] = (G g G^T)[xi] for filters [k0, k1) (k0 a multiple of 4) of Kg x Cg 3x3 filters, written straight
 * into the GEMM's packed A layout: 36 operands aSize floats apart, 4-filter panels, 4 floats per
 * channel (lanes are filters); rows beyond Kg are zero. Weights addressed as winoFilter's (fs, cs, flip).
 * `tmp`: 288 bytes.
 */
export function wino4Filter(w: usize, Kg: i32, Cg: i32, fs: i32, cs: i32, flip: bool, k0: i32, k1: i32, Ap: usize, aSize: i32, tmp: usize): void {
  const filterBytes = <usize>fs << 2, channelBytes = <usize>cs << 2;
  const step = <usize>aSize << 2;
  const t0: usize = flip ? 32 : 0;
  const dt: isize = flip ? -4 : 4;
  for (let k = k0; k < k1; k += 4) {
    const n = min(4, Kg - k);
    let out = Ap + (<usize>(k * Cg) << 2);
    for (let c = 0; c < Cg; c++) {
      const g = w + <usize>k * filterBytes + <usize>c * channelBytes + t0;
      // Gg (6 x 3) column by column into tmp[3i + j], then each row of Gg times G^T: 6 xi values.
      for (let j = 0; j < 3; j++) {
        filterRow(tmp + (<usize>j << 4), 48,
          gather4(g + <isize>j * dt, filterBytes, n), gather4(g + <isize>(3 + j) * dt, filterBytes, n), gather4(g + <isize>(6 + j) * dt, filterBytes, n));
      }
      for (let i = 0; i < 6; i++) {
        const r = tmp + <usize>i * 48;
        filterRow(out + <usize>(6 * i) * step, step, v128.load(r), v128.load(r, 16), v128.load(r, 32));
      }
      out += 16;
    }
  }
}

/** A applied to (y0..y3) (A = (A^T)^T, 6 x 4): 6 vectors `step` bytes apart. */
// @ts-ignore: decorator
@inline function gradRow(out: usize, step: usize, y0: v128, y1: v128, y2: v128, y3: v128): void {
  const p02 = f32x4.add(y0, y2), p13 = f32x4.add(y1, y3);
  v128.store(out, y0);
  v128.store(out + step, f32x4.add(p02, p13));
  v128.store(out + 2 * step, f32x4.sub(p02, p13));
  v128.store(out + 3 * step, madd(splat(0.125), y3, madd(splat(0.25), y2, madd(splat(0.5), y1, y0))));
  v128.store(out + 4 * step, madd(splat(-8), y3, madd(splat(4), y2, madd(splat(-2), y1, y0))));
  v128.store(out + 5 * step, y3);
}

/**
 * Z[xi][k][t] = (A dy A^T)[xi] for the 4x4 tiles of dy planes [K][Hd][Wd] (zero beyond the output;
 * Wd = 4*TW, TW a multiple of 4), xi rows xiStride floats apart: the filter gradient is then
 * G^T (sum over tiles of Z . V) G, 36 GEMMs over tiles. `tmp`: 384 bytes.
 */
export function wino4GradTransform(dy: usize, K: i32, Hd: i32, Wd: i32, TH: i32, TW: i32, Z: usize, T: i32, xiStride: i32, tmp: usize): void {
  const Wb = <usize>Wd << 2;
  const step = <usize>xiStride << 2;
  for (let k = 0; k < K; k++) {
    for (let ty = 0; ty < TH; ty++) {
      const rowBase = dy + ((<usize>(k * Hd + 4 * ty) * <usize>Wd) << 2);
      let out = Z + ((<usize>k * <usize>T + <usize>(ty * TW)) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        // Row a of the 4 tiles (lane q = tile tx+q) by a 4x4 transpose, times A^T into tmp[6a .. 6a+5].
        let r = rowBase + (<usize>(4 * tx) << 2);
        for (let a = 0; a < 4; a++) {
          const v0 = v128.load(r), v1 = v128.load(r, 16), v2 = v128.load(r, 32), v3 = v128.load(r, 48);
          const ab0 = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
          const ef0 = v128.shuffle<i32>(v2, v3, 0, 4, 1, 5), ef1 = v128.shuffle<i32>(v2, v3, 2, 6, 3, 7);
          gradRow(tmp + <usize>a * 96, 16,
            v128.shuffle<i32>(ab0, ef0, 0, 1, 4, 5), v128.shuffle<i32>(ab0, ef0, 2, 3, 6, 7),
            v128.shuffle<i32>(ab1, ef1, 0, 1, 4, 5), v128.shuffle<i32>(ab1, ef1, 2, 3, 6, 7));
          r += Wb;
        }
        // Z = A w column by column: column j of w is tmp[6a + j], a = 0..3.
        for (let j = 0; j < 6; j++) {
          const w = tmp + (<usize>j << 4);
          gradRow(out + <usize>j * step, 6 * step, v128.load(w), v128.load(w, 96), v128.load(w, 192), v128.load(w, 288));
        }
        out += 16;
      }
    }
  }
}

/** G^T applied to (s0..s5): 3 values (G^T is 3 x 6). */
// @ts-ignore: decorator
@inline function filterGradRow(out: usize, step: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128): void {
  const third = splat(<f32>(1.0 / 3.0)), fifteenth = splat(<f32>(1.0 / 15.0));
  const p = f32x4.mul(f32x4.add(s1, s2), third), m = f32x4.mul(f32x4.sub(s1, s2), third);
  // (-16 s3 + s4)/15, (-8 s3 - 2 s4)/15, (-4 s3 + 4 s4)/15.
  v128.store(out, f32x4.add(f32x4.add(s0, m), f32x4.mul(madd(splat(-16), s3, s4), fifteenth)));
  v128.store(out + step, f32x4.add(p, f32x4.mul(madd(splat(-8), s3, f32x4.mul(s4, splat(-2))), fifteenth)));
  v128.store(out + 2 * step, f32x4.add(f32x4.add(m, s5), f32x4.mul(f32x4.mul(f32x4.sub(s4, s3), splat(4)), fifteenth)));
}

/**
 * The filter gradient from its F(4x4) Winograd sums: dW[kc] = G^T m G (3x3 from 6x6), m[xi] = the sum
 * over `partials` partial sums (pStride floats apart) of S[xi][kc] (KC floats per xi row), for kc in
 * [kc0, kc1); dW [KC][3][3] at out. Lanes are 4 consecutive kc (reads past kc1 within the buffer are
 * ignored). `tmp`: 336 bytes.
 */
export function wino4FilterGrad(S: usize, partials: i32, pStride: i32, KC: i32, kc0: i32, kc1: i32, out: usize, tmp: usize): void {
  const xiBytes = <usize>KC << 2, pBytes = <usize>pStride << 2;
  for (let kc = kc0; kc < kc1; kc += 4) {
    const n = min(4, kc1 - kc);
    const base = S + (<usize>kc << 2);
    // Column j of m (summed over the partials), times G^T: r[p][j] at tmp[6p + j].
    for (let j = 0; j < 6; j++) {
      let m0 = f32x4.splat(0), m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0;
      for (let p = 0; p < partials; p++) {
        const at = base + <usize>p * pBytes + <usize>j * xiBytes;
        m0 = f32x4.add(m0, v128.load(at));
        m1 = f32x4.add(m1, v128.load(at + 6 * xiBytes));
        m2 = f32x4.add(m2, v128.load(at + 12 * xiBytes));
        m3 = f32x4.add(m3, v128.load(at + 18 * xiBytes));
        m4 = f32x4.add(m4, v128.load(at + 24 * xiBytes));
        m5 = f32x4.add(m5, v128.load(at + 30 * xiBytes));
      }
      filterGradRow(tmp + (<usize>j << 4), 96, m0, m1, m2, m3, m4, m5);
    }
    // Row p of r times G: dW[p][0..2].
    const o = out + (<usize>(kc * 9) << 2);
    for (let p = 0; p < 3; p++) {
      const r = tmp + <usize>p * 96;
      filterGradRow(tmp + 288, 16, v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80));
      scatterRow(o + <usize>(12 * p), n, v128.load(tmp, 288), v128.load(tmp, 304), v128.load(tmp, 320));
    }
  }
}
