/**
 * Max, Min, ArgMax, ArgMin: the wasm kernels apply the reference's comparison rules (the last NaN
 * sticks in Max/Min, the first NaN and the first extreme win in ArgMax/ArgMin, -0 and +0 tie), so they
 * must match it bit for bit on every form (rows, middle axis, flat groups) with 1 and 2 threads. Values
 * come from value sets that force ties, zero extremes of either sign, NaN and infinities.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Buf } from '../../src/backends/reference/types.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

type Values = 'random' | 'ties' | 'nonpositive' | 'nonnegative' | 'nans';
const SETS: Record<Exclude<Values, 'random'>, number[]> = {
  ties: [-1, -0.5, 0.5, 1],
  // The maximum is a zero of either sign: the first zero wins, wherever the lanes put it.
  nonpositive: [-1, -0.5, -0, 0, -Infinity],
  nonnegative: [0.5, 1, -0, 0, Infinity],
  // Several NaNs per reduction: ArgMax stops at the first.
  nans: [NaN, -1, 0.5, 1],
};

function valuesOf(rand: () => number, shape: number[], kind: Values): Buf {
  const x = randBuf(rand, shape);
  const v = x.values;
  if (kind === 'random') {
    // A few NaNs (some rows get several, most none).
    for (let k = 0; k < 3 && v.length > 0; k++) v[Math.floor(rand() * v.length)] = NaN;
    return x;
  }
  const set = SETS[kind];
  for (let i = 0; i < v.length; i++) v[i] = set[Math.floor(rand() * set.length)];
  return x;
}

const KINDS = ['random', 'ties', 'nonpositive', 'nonnegative', 'nans'] as const;

/** [shape, axes]: rows (softmax's class axis, full), middle (NCHW class axis, axis 0), flat, copies. */
const EXTREME_CASES: [number[], number[]][] = [
  [[256, 10], [1]], [[64, 1000], [1]], [[5, 16], [1]], [[3, 17], [1]], [[1, 37], [1]], [[37], [0]],
  [[2, 3, 4, 5], [0, 1, 2, 3]], [[1, 1, 1], [0, 1, 2]], [[8, 21, 13, 11], [1]], [[1, 5, 3, 3], [1]],
  [[6, 19], [0]], [[3, 2, 9], [1]], [[2, 3, 4, 5], [1, 3]], [[4, 6, 5], [0, 2]], [[3, 4, 5], []],
  [[2, 1, 7], [2]], [[3, 1, 40], [0, 1]], [[2, 5, 1], [1]],
];
const ARG_CASES: [number[], number][] = [
  [[256, 10], 1], [[64, 1000], 1], [[5, 16], 1], [[3, 17], 1], [[37], 0], [[1, 100], 1],
  [[8, 21, 13, 11], 1], [[6, 19], 0], [[2, 3, 4, 5], 2], [[4, 1, 6], 1], [[1, 9, 2], 1], [[3, 5, 1], 1],
];
/** Large enough to be split across threads. */
const BIG: [number[], number][] = [[[512, 1100], 1], [[16, 32, 32, 40], 1]];

/** Worker threads run only the exports that runtime.ts registers; the others must stay on one thread. */

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`reduction parity, ${threads} thread(s)`, () => {
    for (const name of ['Max', 'Min'] as const) {
      it(`${name} over axes (NaN, -0/+0 ties, infinities)`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(name.length + 10 * threads);
        for (const [shape, axes] of EXTREME_CASES) {
          for (const kind of KINDS) {
            expectClose(runBoth(be, name, [valuesOf(rand, shape, kind)], { axes }), 0, `${name} [${shape}] axes [${axes}] ${kind}`);
          }
        }
        for (const [shape, axis] of BIG) {
          const r = runBoth(be, name, [valuesOf(rand, shape, 'random')], { axes: [axis] });
          expectClose(r, 0, `${name} [${shape}] axis ${axis}`);
          const fn = shape.length === 2 ? 'extremeRows' : 'extremeMiddle';
          if (threads > 1) expect(r.threaded, 'split across threads').toBe(true);
        }
      });
    }

    for (const name of ['ArgMax', 'ArgMin'] as const) {
      it(`${name} (first extreme, first NaN, -0 == +0, int32 out)`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(name.length + 20 * threads);
        for (const [shape, axis] of ARG_CASES) {
          for (const kind of KINDS) {
            expectClose(runBoth(be, name, [valuesOf(rand, shape, kind)], { axis }), 0, `${name} [${shape}] axis ${axis} ${kind}`);
          }
        }
        for (const [shape, axis] of BIG) {
          const r = runBoth(be, name, [valuesOf(rand, shape, 'ties')], { axis });
          expectClose(r, 0, `${name} [${shape}] axis ${axis}`);
          const fn = shape.length === 2 ? 'argRows' : 'argMiddle';
          if (threads > 1) expect(r.threaded, 'split across threads').toBe(true);
        }
      });
    }

    it('rows whose NaNs, zeros and extremes sit at chosen places', async () => {
      const be = await wasmBackend(threads);
      const row = (values: number[]): Buf => ({ values: Float32Array.from(values), shape: [1, values.length], dtype: 'float32' });
      const long = (at: Record<number, number>, fill = -1) => Array.from({ length: 40 }, (_, i) => at[i] ?? fill);
      const rows = [
        long({ 3: -0, 30: 0 }), long({ 3: 0, 30: -0 }), long({ 17: -0, 18: 0, 19: -0 }, -Infinity),
        long({ 5: NaN, 33: NaN, 20: 7 }), long({ 0: NaN }), long({ 39: NaN }), long({}, -Infinity), long({ 39: 2, 38: 2 }),
        long({ 3: -0, 30: 0 }, 1), long({ 3: 0, 30: -0 }, 1),
      ];
      for (const values of rows) {
        for (const name of ['Max', 'Min'] as const) expectClose(runBoth(be, name, [row(values)], { axes: [1] }), 0, `${name} ${values}`);
        for (const name of ['ArgMax', 'ArgMin'] as const) expectClose(runBoth(be, name, [row(values)], { axis: 1 }), 0, `${name} ${values}`);
      }
    });
  });
}

describe('reduction fallbacks', () => {
  it.each([1, 2])('float64, int32 and more than 4 alternating dim groups run the reference (%i thread(s))', async (threads) => {
    const be = await wasmBackend(threads);
    const rand = prng(70 + threads);
    expectClose(runBoth(be, 'Max', [randBuf(rand, [4, 9], 'float64')], { axes: [1] }, true), 0, 'float64 Max');
    expectClose(runBoth(be, 'ArgMin', [randBuf(rand, [4, 9], 'int32')], { axis: 0 }, true), 0, 'int32 ArgMin');
    expectClose(runBoth(be, 'Min', [randBuf(rand, [2, 3, 2, 3, 2, 3])], { axes: [0, 2, 4] }, true), 0, 'Min alternating');
  });
});
