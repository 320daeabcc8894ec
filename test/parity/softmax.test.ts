/**
 * Softmax, LogSoftmax and their gradients: the wasm kernels run the reference's f64 arithmetic per
 * slice (fdlibm exp and log, sums in order, one rounding), so they must match it bit for bit: class rows
 * ([N, C], axis last), NCHW maps (axis 1, slices K floats apart), axis 0, odd slice counts (a last slice in
 * both lanes), slices with NaN, ±inf (an infinite maximum takes the reference's 0/0 and x - inf paths),
 * large logits, both SIMD builds, 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Buf } from '../../src/backends/reference/types.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, SIMD_BUILDS, wasmBackend } from './harness.js';

const CASES: [number[], number][] = [
  [[64, 10], 1], [[7, 3], 1], [[1, 1], 1], [[5, 1], 0], [[3, 1000], 1], [[2, 4, 5, 3], 1], [[3, 5, 7], 2],
  [[6, 4], 0], [[2, 3, 4], 1], [[1, 2, 9, 9], 1], [[37], 0],
];
/** Large enough to be split across threads. */
const BIG: [number[], number][] = [[[1024, 100], 1], [[4, 21, 32, 32], 1]];

function scaled(rand: () => number, shape: number[], scale: number): Buf {
  const x = randBuf(rand, shape);
  for (let i = 0; i < x.values.length; i++) x.values[i] *= scale;
  return x;
}

/** Rows [1, 6] that take every special path: NaN, +inf, all -inf, -inf beside finite values, huge values beside +inf. */
const SPECIAL_ROWS = [
  [1, 2, NaN, 3, 4, 5], [1, Infinity, 2, -Infinity, 3, 4], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
  [-Infinity, 0, -Infinity, 1, -Infinity, 2], [800, Infinity, -800, 3, 0, Infinity], [0, 0, 0, 0, 0, -0],
  [-0, -0, -1, -2, -3, -4], [3e38, -3e38, 1e-45, 0, 88, 89], [NaN, Infinity, -Infinity, 0, 1, 2],
];

afterAll(closeBackends);

for (const simd of SIMD_BUILDS) {
  for (const threads of [1, 2]) {
    describe(`softmax parity, ${simd} SIMD, ${threads} thread(s)`, () => {
      it('Softmax and LogSoftmax along every kind of axis, bit-identical', async () => {
        const be = await wasmBackend(threads, simd);
        const rand = prng(31 + threads);
        for (const name of ['Softmax', 'LogSoftmax'] as const) {
          for (const [shape, axis] of CASES) {
            for (const scale of [1, 30]) expectClose(runBoth(be, name, [scaled(rand, shape, scale)], { axis }), 0, `${name} [${shape}] axis ${axis} x${scale}`);
          }
          for (const [shape, axis] of BIG) {
            const r = runBoth(be, name, [scaled(rand, shape, 4)], { axis });
            expectClose(r, 0, `${name} [${shape}] axis ${axis}`);
            if (threads > 1) expect(r.threaded, 'split across threads').toBe(true);
          }
        }
      });

      it('the gradients, on outputs of the forward kernels, bit-identical', async () => {
        const be = await wasmBackend(threads, simd);
        const rand = prng(47 + threads);
        for (const [fwd, grad] of [['Softmax', 'SoftmaxGrad'], ['LogSoftmax', 'LogSoftmaxGrad']] as const) {
          for (const [shape, axis] of [...CASES, ...BIG]) {
            const [y] = referenceKernels[fwd]([scaled(rand, shape, 3)], { axis });
            const r = runBoth(be, grad, [scaled(rand, shape, 2), y], { axis });
            expectClose(r, 0, `${grad} [${shape}] axis ${axis}`);
          }
        }
      });

      it('slices with NaN, infinities and extreme values', async () => {
        const be = await wasmBackend(threads, simd);
        const rows: Buf = { values: Float32Array.from(SPECIAL_ROWS.flat()), shape: [SPECIAL_ROWS.length, 6], dtype: 'float32' };
        // The same values as columns: slices 9 floats apart (axis 0), two to a vector.
        const cols: Buf = { values: Float32Array.from({ length: 54 }, (_, i) => SPECIAL_ROWS[i % 9][Math.floor(i / 9)]), shape: [6, 9], dtype: 'float32' };
        for (const name of ['Softmax', 'LogSoftmax'] as const) {
          expectClose(runBoth(be, name, [rows], { axis: 1 }), 0, `${name} special rows`);
          expectClose(runBoth(be, name, [cols], { axis: 0 }), 0, `${name} special columns`);
        }
        const dy: Buf = { values: Float32Array.from(SPECIAL_ROWS.flat(), (_, i) => (i % 7) - 3), shape: [9, 6], dtype: 'float32' };
        // A log-softmax output of -inf (its e^y is 0, not exp64's clamped e^-110), and huge gradients.
        const y: Buf = { values: Float32Array.from({ length: 54 }, (_, i) => (i % 5 === 0 ? -Infinity : -(i % 11) * 13.7)), shape: [9, 6], dtype: 'float32' };
        const big: Buf = { values: Float32Array.from({ length: 54 }, (_, i) => (i % 3 === 0 ? 3e38 : -1e30)), shape: [9, 6], dtype: 'float32' };
        for (const g of [dy, big]) {
          expectClose(runBoth(be, 'LogSoftmaxGrad', [g, y], { axis: 1 }), 0, 'LogSoftmaxGrad special');
          expectClose(runBoth(be, 'SoftmaxGrad', [g, y], { axis: 1 }), 0, 'SoftmaxGrad special');
        }
      });
    });
  }
}

describe('softmax fallbacks', () => {
  it('float64 runs the reference', async () => {
    const be = await wasmBackend(1);
    expectClose(runBoth(be, 'LogSoftmax', [randBuf(prng(5), [4, 9], 'float64')], { axis: 1 }, true), 0, 'float64 LogSoftmax');
  });
});
