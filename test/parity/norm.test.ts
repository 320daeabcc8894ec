/**
 * BatchNormTrain and BatchNormTrainGrad: the wasm kernels sum each channel in f64 in another order than
 * the reference, so outputs match within the reduction tolerance; shapes cover [N, C] (BatchNorm1d),
 * [N, C, L] and [N, C, H, W], rows shorter than a SIMD step, and channels split across threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

const SHAPES: number[][] = [[16, 5], [4, 3, 7], [2, 3, 5, 5], [8, 24, 28, 28], [3, 7, 1, 1], [64, 96, 3, 3], [1, 4, 9, 13]];

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`batch norm parity, ${threads} thread(s)`, () => {
    it('BatchNormTrain and BatchNormTrainGrad', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(31 + threads);
      for (const shape of SHAPES) {
        const C = shape[1], M = shape.reduce((a, b) => a * b, 1) / C;
        const x = randBuf(rand, shape), w = randBuf(rand, [C]), b = randBuf(rand, [C]);
        // An offset mean, as real activations have: the variance must not lose it to cancellation.
        for (let i = 0; i < x.values.length; i++) x.values[i] = 3 + 2 * x.values[i];
        const fwd = runBoth(be, 'BatchNormTrain', [x, w, b], { eps: 1e-5 });
        expectClose(fwd, M, `BatchNormTrain ${shape}`);
        const [, mean, variance] = fwd.ref;
        const dy = randBuf(rand, shape);
        const bwd = runBoth(be, 'BatchNormTrainGrad', [dy, x, mean, variance, w], { eps: 1e-5 });
        expectClose(bwd, M, `BatchNormTrainGrad ${shape}`);
        if (threads === 2 && 8 * M * C >= 2 ** 19) expect(bwd.threaded, `${shape} split across threads`).toBe(true);
      }
    });
  });
}
