/**
 * Transpose, Slice, BroadcastTo and Concat: the wasm copies must give the reference's elements exactly (float32 with
 * NaN payloads and -0, int32), for permutations that merge into fewer dims or none, slices with steps
 * and reversals (flip: negative steps), size-1 dims, concatenation along every axis (inputs of zero
 * width included), and rows that 2 threads split.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Buf } from '../../src/backends/reference/types.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

afterAll(closeBackends);

function withSpecials(b: Buf): Buf {
  if (b.dtype === 'float32' && b.values.length > 3) {
    b.values[0] = -0;
    b.values[1] = NaN;
    b.values[b.values.length - 1] = -Infinity;
  }
  return b;
}

const TRANSPOSES: [number[], number[]][] = [
  [[50, 320], [1, 0]], [[7, 1, 5], [2, 1, 0]], [[2, 3, 4, 5], [0, 2, 1, 3]], [[2, 3, 4, 5], [3, 2, 1, 0]],
  [[4, 6, 8], [0, 1, 2]], [[64, 3, 17, 19], [0, 2, 3, 1]], [[1], [0]], [[3, 1, 1, 2], [3, 1, 2, 0]],
  [[2, 2, 2, 2, 2, 3], [5, 0, 4, 1, 3, 2]], [[512, 1024], [1, 0]],
];

/** [shape, begin, size, step]. */
const SLICES: [number[], number[], number[], number[]][] = [
  [[10, 12], [2, 3], [5, 4], [1, 2]], [[4, 5, 6], [0, 1, 2], [4, 2, 2], [1, 2, 2]],
  [[3, 8, 9], [2, 7, 8], [3, 8, 9], [-1, -1, -1]],
  [[6, 7], [5, 0], [6, 7], [-1, 1]], [[1, 16, 16], [0, 4, 4], [1, 8, 8], [1, 1, 1]], [[2000, 600], [1, 0], [1000, 600], [2, 1]],
];

for (const threads of [1, 2]) {
  describe(`layout parity, ${threads} thread(s)`, () => {
    it('Transpose: every permutation gives the reference elements exactly', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(41 + threads);
      for (const dtype of ['float32', 'int32'] as const) {
        for (const [shape, perm] of TRANSPOSES) {
          const r = runBoth(be, 'Transpose', [withSpecials(randBuf(rand, shape, dtype))], { perm });
          expectClose(r, 0, `Transpose ${dtype} [${shape}] perm [${perm}]`);
          if (threads > 1 && shape[0] * shape[1] >= 1 << 19) expect(r.threaded, 'threads split the rows').toBe(true);
        }
      }
    });

    it('Slice: steps, reversals (negative steps) and sub-blocks give the reference elements exactly', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(43 + threads);
      for (const dtype of ['float32', 'int32'] as const) {
        for (const [shape, begin, size, step] of SLICES) {
          expectClose(runBoth(be, 'Slice', [withSpecials(randBuf(rand, shape, dtype))], { begin, size, step }), 0, `Slice ${dtype} [${shape}] begin [${begin}] step [${step}]`);
        }
      }
    });

    it('Concat: every axis, several inputs, one of zero width, U-Net skip maps', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(53 + threads);
      const cases: [number[][], number][] = [
        [[[2, 3, 4, 5], [2, 1, 4, 5], [2, 2, 4, 5]], 1], [[[3, 4], [5, 4]], 0], [[[2, 3, 4], [2, 3, 7]], 2],
        [[[2, 3, 4, 5], [2, 3, 4, 1], [2, 3, 4, 0], [2, 3, 4, 6]], 3], [[[7]], 0], [[[1, 1, 3], [1, 2, 3]], 1],
        [[[4, 64, 48, 48], [4, 64, 48, 48]], 1],
      ];
      for (const dtype of ['float32', 'int32'] as const) {
        for (const [shapes, axis] of cases) {
          const r = runBoth(be, 'Concat', shapes.map((s) => withSpecials(randBuf(rand, s, dtype))), { axis });
          expectClose(r, 0, `Concat ${dtype} [${shapes.map((s) => `[${s}]`).join(' ')}] axis ${axis}`);
          if (threads > 1 && shapes[0][1] === 64) expect(r.threaded, 'threads split the rows').toBe(true);
        }
      }
    });

    it('BroadcastTo: stretched dims (leading, inner, trailing, all) give the reference elements exactly', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(61 + threads);
      const cases: [number[], number[]][] = [
        [[1], [64, 10, 12, 12]], [[], [3, 5]], [[1, 1, 1, 1], [2, 3, 4, 5]], [[10, 1, 1], [64, 10, 24, 24]],
        [[64, 1], [64, 10]], [[1, 7], [5, 7]], [[3, 1, 5], [3, 4, 5]], [[2, 3], [4, 2, 3]], [[1, 3, 1], [2, 3, 6]],
        [[4, 5], [4, 5]], [[1, 16, 1, 1], [64, 16, 32, 32]],
      ];
      for (const dtype of ['float32', 'int32'] as const) {
        for (const [from, shape] of cases) {
          const r = runBoth(be, 'BroadcastTo', [withSpecials(randBuf(rand, from, dtype))], { shape });
          expectClose(r, 0, `BroadcastTo ${dtype} [${from}] -> [${shape}]`);
          if (threads > 1 && shape[1] === 16) expect(r.threaded, 'threads split the rows').toBe(true);
        }
      }
    });

    it('float64 and empty results run the reference', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(47);
      expectClose(runBoth(be, 'Transpose', [randBuf(rand, [3, 4], 'float64')], { perm: [1, 0] }, true), 0, 'Transpose float64');
      expectClose(runBoth(be, 'Slice', [randBuf(rand, [3, 4])], { begin: [0, 0], size: [0, 4], step: [1, 1] }, true), 0, 'Slice empty');
      expectClose(runBoth(be, 'Concat', [randBuf(rand, [2, 3], 'float64'), randBuf(rand, [2, 1], 'float64')], { axis: 1 }, true), 0, 'Concat float64');
      expectClose(runBoth(be, 'Concat', [randBuf(rand, [0, 3]), randBuf(rand, [0, 3])], { axis: 0 }, true), 0, 'Concat empty');
      expectClose(runBoth(be, 'BroadcastTo', [randBuf(rand, [3, 1], 'float64')], { shape: [3, 4] }, true), 0, 'BroadcastTo float64');
      expectClose(runBoth(be, 'BroadcastTo', [randBuf(rand, [3, 1])], { shape: [0, 3, 4] }, true), 0, 'BroadcastTo empty');
    });
  });
}
