// AssemblyScript: packing of GEMM operands into the microkernel's panel layouts.
//   packed A: 4-row panels, k-major: Ap[panel][p][4] (panel stride K*4 floats), zero-padded rows;
//   packed B: 8-column panels, k-major: Bp[panel][p][8] (panel stride kc*8 floats), zero-padded columns.
// B blocks come from a strided matrix (packB), an image through im2col (packIm2col), or an image
// through transposed im2col (packIm2colT). Parameter blocks (`prm`) are i32 arrays written by JS.

// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/** First output index o >= 0 with o*s + off >= 0. */
// @ts-ignore: decorator
@inline export function tapLo(off: i32, s: i32): i32 {
  return max(0, -floorDiv(off, s));
}

/** One past the last output index o < outN with o*s + off <= n-1; never below `lo`. */
// @ts-ignore: decorator
@inline export function tapHi(off: i32, s: i32, n: i32, outN: i32, lo: i32): i32 {
  return max(lo, min(outN, floorDiv(n - 1 - off, s) + 1));
}

/** Stores 8 vectors of 4 (lane l = 4 consecutive k of column l) as 4 k-rows of 8 columns at dst. */
// @ts-ignore: decorator
@inline function store8x4(dst: usize, a: v128, b: v128, c: v128, d: v128, e: v128, f: v128, g: v128, h: v128): void {
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  const ef0 = v128.shuffle<i32>(e, f, 0, 4, 1, 5), ef1 = v128.shuffle<i32>(e, f, 2, 6, 3, 7);
  const gh0 = v128.shuffle<i32>(g, h, 0, 4, 1, 5), gh1 = v128.shuffle<i32>(g, h, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(ab0, cd0, 0, 2));
  v128.store(dst, v128.shuffle<i64>(ef0, gh0, 0, 2), 16);
  v128.store(dst, v128.shuffle<i64>(ab0, cd0, 1, 3), 32);
  v128.store(dst, v128.shuffle<i64>(ef0, gh0, 1, 3), 48);
  v128.store(dst, v128.shuffle<i64>(ab1, cd1, 0, 2), 64);
  v128.store(dst, v128.shuffle<i64>(ef1, gh1, 0, 2), 80);
  v128.store(dst, v128.shuffle<i64>(ab1, cd1, 1, 3), 96);
  v128.store(dst, v128.shuffle<i64>(ef1, gh1, 1, 3), 112);
}

/** Packs the M x K matrix A (element (i, p) at A[i*rsA + p*csA]) into 4-row panels at Ap. */
export function packA(A: usize, rsA: i32, csA: i32, M: i32, K: i32, Ap: usize): void {
  for (let i0 = 0; i0 < M; i0 += 4) {
    const mr = min(4, M - i0);
    let dst = Ap + (<usize>(i0 >> 2) * <usize>K << 4);
    if (mr == 4 && rsA == 1) {
      // Transposed A: the 4 rows of a panel are contiguous at every p.
      let src = A + (<usize>i0 << 2);
      const step = <usize>csA << 2;
      for (let p = 0; p < K; p++) {
        v128.store(dst, v128.load(src));
        dst += 16;
        src += step;
      }
    } else if (mr == 4 && csA == 1) {
      const r0 = A + (<usize>i0 * <usize>rsA << 2);
      const r1 = r0 + (<usize>rsA << 2), r2 = r1 + (<usize>rsA << 2), r3 = r2 + (<usize>rsA << 2);
      let p = 0;
      for (; p + 4 <= K; p += 4) {
        // 4x4 transpose: rows r0..r3 at columns p..p+3 -> 4 panel steps.
        const o = <usize>p << 2;
        const a = v128.load(r0 + o), b = v128.load(r1 + o), c = v128.load(r2 + o), d = v128.load(r3 + o);
        const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
        const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<i64>(ab0, cd0, 0, 2));
        v128.store(dst, v128.shuffle<i64>(ab0, cd0, 1, 3), 16);
        v128.store(dst, v128.shuffle<i64>(ab1, cd1, 0, 2), 32);
        v128.store(dst, v128.shuffle<i64>(ab1, cd1, 1, 3), 48);
        dst += 64;
      }
      for (; p < K; p++) {
        const o = <usize>p << 2;
        store<f32>(dst, load<f32>(r0 + o));
        store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8);
        store<f32>(dst, load<f32>(r3 + o), 12);
        dst += 16;
      }
    } else {
      for (let p = 0; p < K; p++) {
        for (let i = 0; i < 4; i++) {
          const v: f32 = i < mr ? load<f32>(A + ((<usize>(i0 + i) * <usize>rsA + <usize>p * <usize>csA) << 2)) : 0;
          store<f32>(dst + (<usize>i << 2), v);
        }
        dst += 16;
      }
    }
  }
}

/** Packs the kc x nc matrix B (element (p, j) at B[p*rsB + j*csB]) into 8-column panels at Bp. */
export function packB(B: usize, rsB: i32, csB: i32, kc: i32, nc: i32, Bp: usize): void {
  for (let j0 = 0; j0 < nc; j0 += 8) {
    const nr = min(8, nc - j0);
    let dst = Bp + (<usize>(j0 >> 3) * <usize>kc << 5);
    if (nr == 8 && csB == 1) {
      let src = B + (<usize>j0 << 2);
      const step = <usize>rsB << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
    } else if (nr == 8 && rsB == 1) {
      // Transposed B: each panel column is a contiguous run; 8x4 transposes.
      const cs = <usize>csB << 2;
      let s = B + (<usize>j0 * cs);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        store8x4(dst, v128.load(s), v128.load(s + cs), v128.load(s + 2 * cs), v128.load(s + 3 * cs),
          v128.load(s + 4 * cs), v128.load(s + 5 * cs), v128.load(s + 6 * cs), v128.load(s + 7 * cs));
        dst += 128;
        s += 16;
      }
      for (; p < kc; p++) {
        for (let j = 0; j < 8; j++) store<f32>(dst + (<usize>j << 2), load<f32>(s + <usize>j * cs));
        dst += 32;
        s += 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < 8; j++) {
          const v: f32 = j < nr ? load<f32>(B + ((<usize>p * <usize>rsB + <usize>(j0 + j) * <usize>csB) << 2)) : 0;
          store<f32>(dst + (<usize>j << 2), v);
        }
        dst += 32;
      }
    }
  }
}

/**
 * Packs rows [r0, r0+kc) x columns [j0, j0+nc) of one image's im2col matrix (rows (c, ky, kx),
 * columns oy*OW+ox) into 8-column panels. prm: [x, Cg, H, W, kh, kw, sh, sw, dh, dw, pt, pl, OW].
 * `tmp`: 64 bytes of scratch.
 */
export function packIm2col(prm: usize, r0: i32, kc: i32, j0: i32, nc: i32, Bp: usize, tmp: usize): void {
  const x = <usize>load<i32>(prm), H = load<i32>(prm, 8), W = load<i32>(prm, 12);
  const kh = load<i32>(prm, 16), kw = load<i32>(prm, 20), sh = load<i32>(prm, 24), sw = load<i32>(prm, 28);
  const dh = load<i32>(prm, 32), dw = load<i32>(prm, 36), pt = load<i32>(prm, 40), pl = load<i32>(prm, 44);
  const OW = load<i32>(prm, 48);
  const Wb = <usize>W << 2;
  const c0 = r0 / (kh * kw), t0 = r0 - c0 * kh * kw, ky0 = t0 / kw, kx0 = t0 - ky0 * kw;
  for (let jp = 0; jp < nc; jp += 8) {
    const nr = min(8, nc - jp);
    let dst = Bp + (<usize>(jp >> 3) * <usize>kc << 5);
    const j = j0 + jp;
    const oy = j / OW, ox = j - oy * OW;
    let c = c0, ky = ky0, kx = kx0;
    if (nr == 8 && (sw == 1 || sw == 2) && ox + 8 <= OW) {
      // 8 neighbours on one output row: every (c, ky, kx) row reads x at ix, ix + sw, ..., a contiguous
      // run of 8 floats (stride 1) or the even lanes of 16 (stride 2: ResNet's stride-2 layers and 7x7
      // stems), so it packs at vector speed.
      const iyBase = oy * sh - pt, ixBase = sw * ox - pl, span = 8 * sw;
      for (let r = 0; r < kc; r++) {
        const iy = iyBase + ky * dh, ix = ixBase + kx * dw;
        if (<u32>iy >= <u32>H) {
          const z = f32x4.splat(0);
          v128.store(dst, z);
          v128.store(dst, z, 16);
        } else {
          const row = x + (<usize>c * <usize>H + <usize>iy) * Wb;
          if (ix >= 0 && ix + span <= W) {
            const s = row + (<usize>ix << 2);
            if (sw == 1) {
              v128.store(dst, v128.load(s));
              v128.store(dst, v128.load(s, 16), 16);
            } else {
              v128.store(dst, v128.shuffle<i32>(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
              v128.store(dst, v128.shuffle<i32>(v128.load(s, 32), v128.load(s, 48), 0, 2, 4, 6), 16);
            }
          } else {
            for (let l = 0; l < 8; l++) {
              const xx = ix + sw * l;
              store<f32>(dst + (<usize>l << 2), <u32>xx < <u32>W ? load<f32>(row + (<usize>xx << 2)) : 0);
            }
          }
        }
        dst += 32;
        if (++kx == kw) { kx = 0; if (++ky == kh) { ky = 0; c++; } }
      }
    } else {
      // General panel (row wrap, stride, edge): per-lane input origins; missing lanes read as zero.
      for (let l = 0; l < 8; l++) {
        let iy0 = -0x40000000, ix0 = -0x40000000;
        if (l < nr) {
          const jj = j + l;
          const oyl = jj / OW;
          iy0 = oyl * sh - pt;
          ix0 = (jj - oyl * OW) * sw - pl;
        }
        store<i32>(tmp + (<usize>l << 2), iy0);
        store<i32>(tmp + (<usize>l << 2), ix0, 32);
      }
      for (let r = 0; r < kc; r++) {
        const oyo = ky * dh, oxo = kx * dw;
        const xp = x + <usize>c * <usize>H * Wb;
        for (let l = 0; l < 8; l++) {
          const iy = load<i32>(tmp + (<usize>l << 2)) + oyo;
          const ix = load<i32>(tmp + (<usize>l << 2), 32) + oxo;
          const v: f32 = <u32>iy < <u32>H && <u32>ix < <u32>W ? load<f32>(xp + <usize>iy * Wb + (<usize>ix << 2)) : 0;
          store<f32>(dst + (<usize>l << 2), v);
        }
        dst += 32;
        if (++kx == kw) { kx = 0; if (++ky == kh) { ky = 0; c++; } }
      }
    }
  }
}

/**
 * Packs the transposed im2col matrix of one image as a B block: B[p][j] = col[j][p] for rows
 * (output positions) p in [p0, p0+kc) and columns (im2col rows (c, ky, kx)) j in [j0, j0+nc).
 * prm: [x, Cg, H, W, kh, kw, sh, sw, dh, dw, pt, pl, OW]. `tmp`: 160 bytes of scratch.
 */
export function packIm2colT(prm: usize, p0: i32, kc: i32, j0: i32, nc: i32, Bp: usize, tmp: usize): void {
  const x = <usize>load<i32>(prm), H = load<i32>(prm, 8), W = load<i32>(prm, 12);
  const kh = load<i32>(prm, 16), kw = load<i32>(prm, 20), sh = load<i32>(prm, 24), sw = load<i32>(prm, 28);
  const dh = load<i32>(prm, 32), dw = load<i32>(prm, 36), pt = load<i32>(prm, 40), pl = load<i32>(prm, 44);
  const OW = load<i32>(prm, 48);
  const taps = kh * kw;
  const Wb = <usize>W << 2;
  // Lane tables: offY, offX, oxLo, oxHi (i32) and the channel plane address, 8 lanes each.
  const tOffY = tmp, tOffX = tmp + 32, tLo = tmp + 64, tHi = tmp + 96, tPlane = tmp + 128;
  for (let jp = 0; jp < nc; jp += 8) {
    const nr = min(8, nc - jp);
    let minHi = 0x7fffffff, maxLo = 0;
    for (let l = 0; l < 8; l++) {
      const o = <usize>l << 2;
      let offY = -0x40000000, offX = 0, lo = 0, hi = 0, plane: usize = x;
      if (l < nr) {
        const r = j0 + jp + l;
        const c = r / taps, t = r - c * taps;
        const ky = t / kw, kx = t - ky * kw;
        offY = ky * dh - pt;
        offX = kx * dw - pl;
        lo = tapLo(offX, sw);
        hi = tapHi(offX, sw, W, OW, lo);
        plane = x + <usize>c * <usize>H * Wb;
      }
      store<i32>(tOffY + o, offY);
      store<i32>(tOffX + o, offX);
      store<i32>(tLo + o, lo);
      store<i32>(tHi + o, hi);
      store<usize>(tPlane + o, plane);
      maxLo = max(maxLo, lo);
      minHi = min(minHi, hi);
    }
    const panel = Bp + (<usize>(jp >> 3) * <usize>kc << 5);
    // Walk the output rows that [p0, p0+kc) touches.
    let p = p0;
    const pEnd = p0 + kc;
    while (p < pEnd) {
      const oy = p / OW;
      const oxA = p - oy * OW, oxB = min(OW, oxA + (pEnd - p));
      let dst = panel + (<usize>(p - p0) << 5);
      // Rows of every lane for this oy (address of x[c, iy, 0] or 0 when iy is outside).
      let allRows = nr == 8;
      for (let l = 0; l < 8; l++) {
        const o = <usize>l << 2;
        const iy = oy * sh + load<i32>(tOffY + o);
        let row: usize = 0;
        if (<u32>iy < <u32>H) row = load<usize>(tPlane + o) + <usize>iy * Wb + (<isize>load<i32>(tOffX + o) << 2);
        else allRows = false;
        store<usize>(tmp + 160 + o, row);
      }
      let ox = oxA;
      if (allRows && sw == 1) {
        const s0 = max(oxA, maxLo), s1 = min(oxB, minHi);
        for (; ox < s0; ox++) { scalarLanes(dst, ox, sw, tmp); dst += 32; }
        if (s0 < s1) {
          const r0 = load<usize>(tmp + 160), r1 = load<usize>(tmp + 164), r2 = load<usize>(tmp + 168), r3 = load<usize>(tmp + 172);
          const r4 = load<usize>(tmp + 176), r5 = load<usize>(tmp + 180), r6 = load<usize>(tmp + 184), r7 = load<usize>(tmp + 188);
          for (; ox + 4 <= s1; ox += 4) {
            const o = <usize>ox << 2;
            store8x4(dst, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o),
              v128.load(r4 + o), v128.load(r5 + o), v128.load(r6 + o), v128.load(r7 + o));
            dst += 128;
          }
        }
      }
      for (; ox < oxB; ox++) { scalarLanes(dst, ox, sw, tmp); dst += 32; }
      p += oxB - oxA;
    }
  }
}

/** One k-row of 8 lanes for output column ox from the lane tables (zeros where a lane is out). */
// @ts-ignore: decorator
@inline function scalarLanes(dst: usize, ox: i32, sw: i32, tmp: usize): void {
  for (let l = 0; l < 8; l++) {
    const o = <usize>l << 2;
    const row = load<usize>(tmp + 160 + o);
    const v: f32 = row != 0 && ox >= load<i32>(tmp + 64 + o) && ox < load<i32>(tmp + 96 + o)
      ? load<f32>(row + (<usize>(ox * sw) << 2)) : 0;
    store<f32>(dst + o, v);
  }
}
