/** BatchMatMul: wasm GEMM vs the reference kernel, every transpose combination, 1 and 2 threads. */
import { afterAll, describe, it } from 'vitest';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend, SIMD_BUILDS } from './harness.js';
import { THREAD_MIN_WORK } from '../../src/backends/wasm/runtime.js';
import { expect } from 'vitest';

// [batch, M, K, N]: odd sizes, sizes not multiple of 4/8, K across KC=256 block edges, M or N tiny.
const SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 5, 3, 7], [2, 13, 17, 19], [1, 37, 300, 53], [3, 64, 64, 64],
  [1, 70, 513, 130], [1, 130, 257, 9], [1, 9, 260, 300], [2, 100, 100, 100], [1, 4, 8, 16], [1, 33, 0, 5], [40, 20, 30, 50], [3, 0, 4, 5],
  // Threads split M, each chunk packing its rows of A and its own small B: K across two blocks, N of 5 panels;
  // N across two blocks of 1024 columns (the second 6 wide). Then B over 64K floats, packed once and shared
  // by the chunks (B_PACKED), K across two blocks.
  [1, 520, 300, 40], [1, 1060, 24, 1030], [1, 260, 300, 230],
];

afterAll(closeBackends);

for (const [threads, simd] of [1, 2].flatMap((t) => SIMD_BUILDS.map((b) => [t, b] as const))) {
  describe(`BatchMatMul parity, ${threads} thread(s), ${simd} SIMD`, () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          const be = await wasmBackend(threads, simd);
          const rand = prng(7 + threads);
          for (const [batch, M, K, N] of SHAPES) {
            const a = randBuf(rand, transposeA ? [batch, K, M] : [batch, M, K]);
            const b = randBuf(rand, transposeB ? [batch, N, K] : [batch, K, N]);
            const r = runBoth(be, 'BatchMatMul', [a, b], { transposeA, transposeB });
            expectClose(r, K, `[${batch},${M},${K},${N}]`);
            if (threads > 1 && batch * M * N * K >= THREAD_MIN_WORK) expect(r.threaded, `[${batch},${M},${K},${N}] used the worker`).toBe(true);
          }
        });
      }
    }
  });
}

describe('BatchMatMul fallbacks', () => {
  it('float64 and int32 inputs run the reference kernel (same values)', async () => {
    const be = await wasmBackend(1);
    const rand = prng(3);
    for (const dtype of ['float64', 'int32'] as const) {
      const r = runBoth(be, 'BatchMatMul', [randBuf(rand, [1, 5, 6], dtype), randBuf(rand, [1, 6, 7], dtype)], { transposeA: false, transposeB: false }, true);
      expectClose(r, 0, dtype);
    }
    expect(be.stats.get('BatchMatMul')?.reason).toMatch(/float32 only/);
  });
});
