/**
 * GEMM on the wasm runtime (asm/gemm.ts: GotoBLAS order, 4x8 SIMD microkernel, B blocks packed per
 * thread inside the loop nest) and BatchMatMul on top. Threads split N (each packs its own B blocks)
 * or, when N is small, M (each packs its rows of A, and a small B for itself, a large one shared); the
 * calling thread computes one share.
 */
import { MY_BP, MY_TMP, THREAD_MIN_WORK, splitRange, type Call, type WasmRuntime } from './runtime.js';
import { float32Only, type WasmKernel } from './types.js';

/** A matrix in the arena: element (i, j) at byte ptr + 4*(i*rs + j*cs). */
export interface Mat {
  ptr: number;
  rs: number;
  cs: number;
}

/** Where gemm's B blocks come from (asm/gemm.ts); B_PACKED: blocks packBlocks packed beforehand. */
export const B_MATRIX = 0, B_IM2COL = 1, B_IM2COL_T = 2, B_PACKED = 3;
/** asm/gemm.ts NC and KC: columns of one B block, and most rows (K splits into ceil(K / KC) blocks). */
const GEMM_NC = 1024, GEMM_KC = 256;
/** Largest B (floats, packed) that an M split packs once for all its chunks. */
const SHARED_B_MAX = 4 * 2 ** 20;
/** Floats packBlocks writes for an N-column, K-row B: whole 8-column panels per block of GEMM_NC columns. */
export const packedBFloats = (N: number, K: number) => K * (Math.floor(N / GEMM_NC) * GEMM_NC + Math.ceil((N % GEMM_NC) / 8) * 8);

/** Largest B (floats, packed) that every chunk of a row split packs for itself (gemm). */
const OWN_B_MAX = 64 * 1024;

/** Whether gemmPackedA's 'auto' split takes columns (wide B, or too few rows to split). */
const splitsColumns = (M: number, N: number) => N >= 32 && (N >= M || M < 16);

/** Floats of packed-A scratch for an M x K operand (4-row panels, zero-padded). */
export const packedASize = (M: number, K: number) => Math.ceil(M / 4) * 4 * K;

/** Packs rows [0, M) of A into Ap, in `S` chunks of 4-row panels. */
export function packA(rt: WasmRuntime, S: number, A: Mat, M: number, K: number, Ap: number): void {
  // Packing is memory-bound and quick: only very large operands are worth waking the workers for.
  const ranges = S > 1 && M * K >= 1 << 22 ? splitRange(M, S, 4) : [[0, M]];
  rt.run(ranges.map(([m0, m1]): Call[] => [['packA', A.ptr + 4 * m0 * A.rs, A.rs, A.cs, m1 - m0, K, Ap + 4 * m0 * K]]));
}

/**
 * C[M x N] (+)= A . B with A packed (packA) and B given by `mode` and the parameter block `prm`, in `S`
 * chunks for the threads: 'n' splits the columns (each chunk packs its own B blocks), 'm' the rows (each
 * chunk packs all B blocks), 'auto' picks.
 */
export function gemmPackedA(
  rt: WasmRuntime, S: number, mode: number, prm: number, M: number, N: number, K: number,
  Ap: number, C: number, ldc: number, accumulate: boolean, split: 'n' | 'm' | 'auto' = 'auto',
): void {
  const acc = accumulate ? 1 : 0;
  const byN = split === 'n' || (split === 'auto' && splitsColumns(M, N));
  if (S > 1 && byN && N >= 32) {
    rt.run(splitRange(N, S, 16).map(([n0, n1]): Call[] =>
      [['gemm', mode, prm, M, n1 - n0, K, n0, Ap, C + 4 * n0, ldc, acc, MY_BP, MY_TMP]]));
  } else if (S > 1 && M >= 16) {
    // Every chunk multiplies its rows by all of B: B is packed once here and the chunks read it
    // (packed per chunk, a ResNet stride-2 layer at 7x7, whose im2col columns gather element by
    // element, spent a third of its time packing).
    let bMode = mode, bPrm = prm;
    if (packedBFloats(N, K) <= SHARED_B_MAX) {
      // The blocks (of KC rows and GEMM_NC columns) are packed by all threads.
      const blocks = rt.alloc(packedBFloats(N, K)), count = Math.ceil(N / GEMM_NC) * Math.ceil(K / GEMM_KC);
      rt.run(splitRange(count, Math.min(S, count), 1).map(([b0, b1]): Call[] => [['packBlocks', mode, prm, N, K, blocks, b0, b1, MY_TMP]]));
      bMode = B_PACKED;
      bPrm = rt.alloc(1);
      rt.setI32(bPrm, [blocks]);
    }
    rt.run(splitRange(M, S, 4).map(([m0, m1]): Call[] =>
      [['gemm', bMode, bPrm, m1 - m0, N, K, 0, Ap + 4 * m0 * K, C + 4 * m0 * ldc, ldc, acc, MY_BP, MY_TMP]]));
  } else {
    rt.run([[['gemm', mode, prm, M, N, K, 0, Ap, C, ldc, acc, MY_BP, MY_TMP]]]);
  }
}

/** Packs all of B (given by `mode` and `prm`) into the blocks gemm reads in B_PACKED mode, at dst (packedBFloats(N, K) floats). */
export function packAllBlocks(rt: WasmRuntime, mode: number, prm: number, N: number, K: number, dst: number): void {
  const count = Math.ceil(N / GEMM_NC) * Math.ceil(K / GEMM_KC);
  rt.run([[['packBlocks', mode, prm, N, K, dst, 0, count, MY_TMP]]]);
}

/** Rows [m0, m1) of C (+)= A . B as one chunk's calls: pack those rows of A, then multiply them by all of B (`mode`, `prm`). */
function rowChunk(A: Mat, m0: number, m1: number, K: number, Ap: number, mode: number, prm: number, N: number, C: number, ldc: number, acc: number): Call[] {
  return [
    ['packA', A.ptr + 4 * m0 * A.rs, A.rs, A.cs, m1 - m0, K, Ap + 4 * m0 * K],
    ['gemm', mode, prm, m1 - m0, N, K, 0, Ap + 4 * m0 * K, C + 4 * m0 * ldc, ldc, acc, MY_BP, MY_TMP],
  ];
}

/**
 * A dense layer on the arena: y[M x N] = x[M x K] . B (+ bias along each row, then ReLU), B packed beforehand
 * (packAllBlocks). One dispatch: each chunk of rows packs its rows of x, multiplies them by all of B and
 * finishes them (a GEMM, a separate packing of x and an epilogue pass were three, with x packed on one thread).
 * Sums are gemm's whatever the split.
 */
export function denseRows(
  rt: WasmRuntime, x: number, M: number, K: number, packedB: number, N: number, y: number, bias: number, relu: boolean,
): void {
  const S = rt.chunksFor(M * N * K), Ap = rt.alloc(packedASize(M, K)), prm = rt.alloc(1);
  rt.setI32(prm, [packedB]);
  const ranges = S > 1 && M >= 8 ? splitRange(M, S, 4) : [[0, M]];
  rt.run(ranges.map(([m0, m1]): Call[] => [
    ...rowChunk({ ptr: x, rs: K, cs: 1 }, m0, m1, K, Ap, B_PACKED, prm, N, y, N, 0),
    ...(bias || relu ? [['denseEpilogue', y, N, m0, m1, bias, relu ? 1 : 0] as Call] : []),
  ]));
}

/** C[M x N] (+)= A[M x K] . B[K x N] for matrices in the arena; Ap: packedASize(M, K) floats of scratch. */
export function gemm(rt: WasmRuntime, M: number, N: number, K: number, A: Mat, B: Mat, C: number, ldc: number, accumulate: boolean, Ap: number): void {
  if (M <= 0 || N <= 0) return;
  const S = rt.chunksFor(M * N * K);
  const prm = rt.alloc(3);
  rt.setI32(prm, [B.ptr, B.rs, B.cs]);
  if (S > 1 && !splitsColumns(M, N) && M >= 16 && packedBFloats(N, K) <= OWN_B_MAX) {
    // Rows split and B small (a Linear layer's weights): each chunk packs its rows of A and its own B
    // blocks, all in one dispatch (sharing B costs a dispatch of its own, packing A first a serial pass).
    rt.run(splitRange(M, S, 4).map(([m0, m1]) => rowChunk(A, m0, m1, K, Ap, B_MATRIX, prm, N, C, ldc, accumulate ? 1 : 0)));
    return;
  }
  packA(rt, S, A, M, K, Ap);
  gemmPackedA(rt, S, B_MATRIX, prm, M, N, K, Ap, C, ldc, accumulate);
}

export const BatchMatMul: WasmKernel<'BatchMatMul'> = (rt, inputs, { transposeA, transposeB }) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [a, b] = inputs;
  const [batch, ar, ac] = a.shape;
  const [, br, bc] = b.shape;
  const M = transposeA ? ac : ar, K = transposeA ? ar : ac, N = transposeB ? br : bc;
  const aPtr = rt.ptrOf(a), bPtr = rt.ptrOf(b), c = rt.output(batch * M * N);
  const A = (p: number): Mat => ({ ptr: aPtr + 4 * p * ar * ac, rs: transposeA ? 1 : ac, cs: transposeA ? ac : 1 });
  const B = (p: number): Mat => ({ ptr: bPtr + 4 * p * br * bc, rs: transposeB ? 1 : bc, cs: transposeB ? bc : 1 });
  if (batch > 1 && M * N * K < THREAD_MIN_WORK && batch <= 400 && M > 0 && N > 0) {
    // Small matrices: every chunk multiplies whole matrices (threads split the batch).
    const chunks = splitRange(batch, rt.chunksFor(batch * M * N * K), 1);
    const Aps = rt.alloc(chunks.length * packedASize(M, K)), prms = rt.alloc(3 * batch);
    rt.run(chunks.map(([p0, p1], i) => {
      const Ap = Aps + 4 * i * packedASize(M, K), calls: Call[] = [];
      for (let p = p0; p < p1; p++) {
        const a = A(p), b = B(p), prm = prms + 12 * p;
        rt.setI32(prm, [b.ptr, b.rs, b.cs]);
        calls.push(['packA', a.ptr, a.rs, a.cs, M, K, Ap], ['gemm', B_MATRIX, prm, M, N, K, 0, Ap, c + 4 * p * M * N, N, 0, MY_BP, MY_TMP]);
      }
      return calls;
    }));
  } else {
    const Ap = rt.alloc(packedASize(M, K));
    for (let p = 0; p < batch; p++) gemm(rt, M, N, K, A(p), B(p), c + 4 * p * M * N, N, false, Ap);
  }
  return [{ ptr: c, shape: [batch, M, N], dtype: 'float32' }];
};
