// AssemblyScript: single-precision GEMM, GotoBLAS loop order with a 4x8 f32x4 microkernel
// (8 accumulators: V8 gives wasm SIMD 15 xmm registers, see ../shared/bench/KERNELS.md).
// All memory is owned by the JS side (no static data, no allocator): pointers are byte addresses;
// strides and leading dimensions are in elements. Panel layouts: pack.ts.
import { madd } from './fma';
import { packB, packIm2col, packIm2colT } from './pack';

const MC: i32 = 128;
const NC: i32 = 1024;
const KC: i32 = 256;


/** Floats of B-block scratch `gemm` needs per thread. */
export function bpFloats(): i32 {
  return KC * NC;
}

export function heapBase(): usize {
  return __heap_base;
}

/**
 * C[4x8] (+)= Ap[kc x 4]^T . Bp[kc x 8]; ldc in bytes. 8 accumulators: V8 keeps them all in xmm registers.
 * With `half` (a constant once inlined) only rows 0-1: an edge panel with 1-2 real rows.
 */
// @ts-ignore: decorator
@inline function micro(kc: i32, a: usize, b: usize, c: usize, ldc: usize, accumulate: bool, half: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    if (!half) {
      const a2 = v128.load32_splat(a, 8);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(a, 12);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
    }
    a += 16;
    b += 32;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
    v128.store(c, c10); v128.store(c, c11, 16);
    if (!half) {
      c += ldc;
      c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16));
      v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
      c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
      v128.store(c, c30); v128.store(c, c31, 16);
    }
  } else {
    v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
    v128.store(c, c10); v128.store(c, c11, 16);
    if (!half) {
      c += ldc;
      v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
      v128.store(c, c30); v128.store(c, c31, 16);
    }
  }
}

/** B block sources for `gemm`. */
const B_MATRIX = 0; // prm: [B, rsB, csB]
const B_IM2COL = 1; // prm: im2col parameters (pack.ts), B = col
const B_IM2COL_T = 2; // prm: im2col parameters, B = col^T

/**
 * C[M x N] (+)= A . B[:, j0 .. j0+N), GotoBLAS order jc(NC) -> pc(KC) -> pack B block -> ic(MC) -> jr -> ir.
 * A is packed (packA, all K); B blocks (kc x nc) are packed into Bp (>= KC*NC floats) from the source
 * that `mode` / `prm` describe. C has leading dimension ldc; `accumulate` adds to C. `tmp`: 256 bytes.
 */
export function gemm(
  mode: i32, prm: usize, M: i32, N: i32, K: i32, j0: i32, Ap: usize, C: usize, ldc: i32, accumulate: i32, Bp: usize, tmp: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(C + (<usize>i * <usize>ldc << 2), 0, <usize>N << 2);
    return;
  }
  // Balanced K blocks of at most KC.
  const nk = (K + KC - 1) / KC;
  const kcb = (K + nk - 1) / nk;
  const ldcb = <usize>ldc << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      if (mode == B_MATRIX) {
        const B = <usize>load<i32>(prm), rsB = load<i32>(prm, 4), csB = load<i32>(prm, 8);
        packB(B + ((<usize>pc * <usize>rsB + <usize>(j0 + jc) * <usize>csB) << 2), rsB, csB, kc, nc, Bp);
      } else if (mode == B_IM2COL) {
        packIm2col(prm, pc, kc, j0 + jc, nc, Bp, tmp);
      } else {
        packIm2colT(prm, pc, kc, j0 + jc, nc, Bp, tmp);
      }
      const acc = accumulate != 0 || pc > 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        for (let jr = 0; jr < nc; jr += 8) {
          const nr = min(8, nc - jr);
          const bp = Bp + (<usize>(jr >> 3) * <usize>kc << 5);
          for (let ir = 0; ir < mc; ir += 4) {
            const mr = min(4, mc - ir);
            const ap = Ap + ((<usize>((ic + ir) >> 2) * <usize>K + <usize>pc) << 4);
            const cp = C + ((<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) << 2);
            if (mr == 4 && nr == 8) {
              micro(kc, ap, bp, cp, ldcb, acc, false);
            } else {
              // Edge tiles go through tmp; one of 1-2 real rows skips the zero rows.
              if (mr <= 2) micro(kc, ap, bp, tmp, 32, false, true);
              else micro(kc, ap, bp, tmp, 32, false, false);
              for (let i = 0; i < mr; i++) {
                const crow = cp + <usize>i * ldcb, trow = tmp + (<usize>i << 5);
                for (let j = 0; j < nr; j++) {
                  const o = <usize>j << 2;
                  const v = load<f32>(trow + o);
                  store<f32>(crow + o, acc ? load<f32>(crow + o) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/** Fills n floats at ptr with zeros. */
export function zero(ptr: usize, n: i32): void {
  memory.fill(ptr, 0, <usize>n << 2);
}
