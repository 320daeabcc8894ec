// AssemblyScript: single-precision GEMM, GotoBLAS loop order with the 4x8 f32x4 microkernel of micro.ts
// (8 accumulators: V8 gives wasm SIMD 15 xmm registers, see ../shared/bench/KERNELS.md).
// All memory is owned by the JS side (no static data, no allocator): pointers are byte addresses;
// strides and leading dimensions are in elements. Panel layouts: pack.ts.
import { micro4x8 } from './micro';
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
              micro4x8(kc, ap, bp, 0, 32, cp, ldcb, acc, false, false);
            } else {
              // Edge tiles go through tmp; one of 1-2 real rows skips the zero rows.
              if (mr <= 2) micro4x8(kc, ap, bp, 0, 32, tmp, 32, false, true, false);
              else micro4x8(kc, ap, bp, 0, 32, tmp, 32, false, false, false);
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
