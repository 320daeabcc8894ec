// AssemblyScript: single-precision GEMM, GotoBLAS loop order with the 4x8 f32x4 microkernel of micro.ts
// (8 accumulators: V8 gives wasm SIMD 15 xmm registers, see ../shared/bench/KERNELS.md).
// All memory is owned by the JS side (no static data, no allocator): pointers are byte addresses;
// strides and leading dimensions are in elements. Panel layouts: pack.ts.
import { madd } from './fma';
import { micro4x8 } from './micro';
import { packB, packIm2col, packIm2colT } from './pack';
import { relu4 } from './relu';

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
const B_PACKED = 3; // prm: [Bp0]: every B block already packed by packBlocks, in gemm's loop order

/** Packs one B block (rows [pc, pc+kc) x columns [j, j+nc) of the source `mode` describes) into Bp. */
// @ts-ignore: decorator
@inline function packBlock(mode: i32, prm: usize, pc: i32, kc: i32, j: i32, nc: i32, Bp: usize, tmp: usize): void {
  if (mode == B_MATRIX) {
    const B = <usize>load<i32>(prm), rsB = load<i32>(prm, 4), csB = load<i32>(prm, 8);
    packB(B + ((<usize>pc * <usize>rsB + <usize>j * <usize>csB) << 2), rsB, csB, kc, nc, Bp);
  } else if (mode == B_IM2COL) {
    packIm2col(prm, pc, kc, j, nc, Bp, tmp);
  } else {
    packIm2colT(prm, pc, kc, j, nc, Bp, tmp);
  }
}

/**
 * Packs blocks [b0, b1) of the B blocks gemm(mode, prm, M, N, K, 0, ...) would pack, each at its place
 * in a run from dst, in gemm's loop order (a block of nc columns takes ceil(nc / 8) * 8 * kc floats):
 * threads that split M then share them (B_PACKED) instead of each packing all of B.
 */
export function packBlocks(mode: i32, prm: usize, N: i32, K: i32, dst: usize, b0: i32, b1: i32, tmp: usize): void {
  const nk = (K + KC - 1) / KC;
  const kcb = (K + nk - 1) / nk;
  let b = 0;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc), ncp = (nc + 7) & ~7;
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      if (b >= b0 && b < b1) packBlock(mode, prm, pc, kc, jc, nc, dst, tmp);
      dst += <usize>ncp * <usize>kc << 2;
      b++;
    }
  }
}

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
  // B_PACKED: the blocks lie one after another (packBlocks, j0 = 0), read where they are.
  let packed: usize = mode == B_PACKED ? <usize>load<i32>(prm) : 0;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      let Bb = Bp;
      if (mode == B_PACKED) {
        Bb = packed;
        packed += <usize>((nc + 7) & ~7) * <usize>kc << 2;
      } else {
        packBlock(mode, prm, pc, kc, j0 + jc, nc, Bp, tmp);
      }
      const acc = accumulate != 0 || pc > 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        for (let jr = 0; jr < nc; jr += 8) {
          const nr = min(8, nc - jr);
          const bp = Bb + (<usize>(jr >> 3) * <usize>kc << 5);
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

/**
 * One image's dense layer, a matrix-vector product: y[r] = sum_k Ap[r][k] * x[k] (+ bias[r] when bias != 0,
 * then ReLU when relu != 0) for rows [r0, r1), r0 a multiple of 4. Ap: packA's 4-row panels of the
 * [rows x K] weights. Four accumulators per panel hide the multiply-add latency. tmp: 16 bytes.
 */
export function gemvPanels(Ap: usize, K: i32, rows: i32, x: usize, y: usize, bias: usize, relu: i32, r0: i32, r1: i32, tmp: usize): void {
  const zero = f32x4.splat(0);
  for (let i = r0; i < r1; i += 4) {
    let a = Ap + (<usize>(i >> 2) * <usize>K << 4);
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    let k = 0;
    for (; k + 4 <= K; k += 4) {
      const xk = x + (<usize>k << 2);
      s0 = madd(v128.load(a), v128.load32_splat(xk), s0);
      s1 = madd(v128.load(a, 16), v128.load32_splat(xk, 4), s1);
      s2 = madd(v128.load(a, 32), v128.load32_splat(xk, 8), s2);
      s3 = madd(v128.load(a, 48), v128.load32_splat(xk, 12), s3);
      a += 64;
    }
    for (; k < K; k++) {
      s0 = madd(v128.load(a), v128.load32_splat(x + (<usize>k << 2)), s0);
      a += 16;
    }
    const n = min(4, rows - i), at = y + (<usize>i << 2);
    let s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    if (n == 4) {
      if (bias != 0) s = f32x4.add(s, v128.load(bias + (<usize>i << 2)));
      v128.store(at, relu != 0 ? relu4(s) : s);
    } else {
      v128.store(tmp, s);
      for (let l = 0; l < n; l++) {
        let v = load<f32>(tmp + (<usize>l << 2));
        if (bias != 0) v += load<f32>(bias + (<usize>(i + l) << 2));
        store<f32>(at + (<usize>l << 2), relu != 0 ? max<f32>(v, 0) : v);
      }
    }
  }
}
