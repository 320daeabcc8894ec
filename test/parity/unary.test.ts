/**
 * Neg, Abs, Sign, Sqrt, LeakyRelu, Clamp and Pow with an exact-shortcut scalar exponent (1, 2, 0.5, -1)
 * must equal the reference bit for bit: on random shapes (1 element, odd sizes) and over the whole
 * float32 range (a stride through all 2^32 bit patterns plus ±0, subnormals, infinities and NaN), with 1
 * and 2 threads. Attributes cover the awkward cases: f64 slopes and bounds that float32 cannot hold,
 * Clamp with min > max, NaN and infinite bounds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';
import type { Buf } from '../../src/backends/reference/types.js';
import { SPECIAL, floatSweep } from './floats.js';
import type { KernelName, KernelSpecs } from '../../src/kernels/specs.js';

afterAll(closeBackends);

const CASES: { [K in KernelName]?: KernelSpecs[K][] } = {
  Neg: [{}], Abs: [{}], Sign: [{}], Sqrt: [{}],
  LeakyRelu: [{ negativeSlope: 0.01 }, { negativeSlope: 0.2 }, { negativeSlope: -0.3 }, { negativeSlope: 1e-30 }],
  Clamp: [
    { min: 0, max: 6 }, { min: -0.1, max: 0.1 }, { min: -Infinity, max: 0.3 }, { min: 0.7, max: Infinity },
    // min > max (the reference tests min first), min between two float32s, NaN and out-of-range bounds.
    { min: 1 + 2 ** -30, max: 0 }, { min: NaN, max: 1 }, { min: -1e39, max: 1e39 }, { min: 1e39, max: -1e39 }, { min: 0, max: -0 },
  ],
};

for (const threads of [1, 2]) {
  describe(`unary parity (bit-identical), ${threads} thread(s)`, () => {
    for (const [name, attrList] of Object.entries(CASES) as [KernelName, KernelSpecs[KernelName][]][]) {
      for (const attrs of attrList) {
        it(`${name} ${JSON.stringify(attrs)}`, async () => {
          const be = await wasmBackend(threads);
          const rand = prng(name.length * 7 + threads);
          for (const shape of [[1], [3], [7], [SPECIAL.length], [5, 129], [2, 3, 1, 4, 5]]) {
            const x = randBuf(rand, shape);
            for (let i = 0; i < x.values.length; i++) x.values[i] *= 8;
            x.values.set(SPECIAL.slice(0, x.values.length));
            expectClose(runBoth(be, name, [x], attrs), 0, `${name} [${shape}]`);
          }
          const r = runBoth(be, name, [floatSweep(4093)], attrs);
          expectClose(r, 0, `${name} over the float range`);
          if (threads > 1) expect(r.threaded).toBe(true);
        });
      }
    }

    it('Pow with a scalar exponent 1, 2, 0.5 or -1 (float32 or int32, any rank)', async () => {
      const be = await wasmBackend(threads);
      const x = floatSweep(8191);
      for (const e of [1, 2, 0.5, -1]) {
        for (const y of [
          { values: new Float32Array([e]), shape: [], dtype: 'float32' },
          { values: new Float32Array([e]), shape: [1, 1], dtype: 'float32' },
          ...(Number.isInteger(e) ? [{ values: new Int32Array([e]), shape: [1], dtype: 'int32' } as Buf] : []),
        ] as Buf[]) {
          expectClose(runBoth(be, 'Pow', [x, y], {}), 0, `Pow x^${e} (exponent ${y.dtype} [${y.shape}])`);
        }
      }
    });
  });
}

describe('unary fallbacks', () => {
  it('float64 and int32 inputs run the reference', async () => {
    const be = await wasmBackend(1);
    const rand = prng(5);
    for (const name of ['Neg', 'Abs', 'Sign', 'Sqrt'] as const) {
      expectClose(runBoth(be, name, [randBuf(rand, [4, 5], 'float64')], {}, true), 0, `${name} float64`);
      expectClose(runBoth(be, name, [randBuf(rand, [4, 5], 'int32')], {}, true), 0, `${name} int32`);
    }
    expectClose(runBoth(be, 'Clamp', [randBuf(rand, [9], 'int32')], { min: 2, max: 5 }, true), 0, 'Clamp int32');
    expectClose(runBoth(be, 'LeakyRelu', [randBuf(rand, [9], 'float64')], { negativeSlope: 0.1 }, true), 0, 'LeakyRelu float64');
  });
});
