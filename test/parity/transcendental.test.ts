/**
 * Exp, Tanh and Sigmoid in wasm are polynomials (asm/transcendental.ts), not the reference's f64 Math
 * functions: they must stay within a few float32 ulp of the reference over the whole range, including
 * overflow, subnormal results, signed zeros, infinities and NaN, on 1 and 2 threads.
 * Log, Log1p and Pow compute in f64 lanes and round once: within 1 ulp (differing only where the exact
 * value lies within ~2^-45 of a rounding midpoint); Elu's f32 expm1 is within 2 ulp.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';
import { floatSweep, expectUlps as expectWithinUlps } from './floats.js';
import type { Buf } from '../../src/backends/reference/types.js';

afterAll(closeBackends);

/** |wasm - ref| <= 4 ulp of ref (2^-21 relative), exact for infinities, NaN for NaN; subnormal refs within 2^-149 * 4. */
function expectUlps(wasm: ArrayLike<number>, ref: ArrayLike<number>, input: ArrayLike<number>, label: string): void {
  for (let i = 0; i < ref.length; i++) {
    const a = wasm[i], b = ref[i];
    const ok = Number.isNaN(b) ? Number.isNaN(a)
      : !Number.isFinite(b) ? a === b
        : Math.abs(a - b) <= Math.max(Math.abs(b) * 2 ** -21, 4 * 2 ** -149);
    if (!ok) expect.fail(`${label}[${i}] (x = ${input[i]}): wasm ${a} vs reference ${b}`);
  }
}

const SPECIAL = [0, -0, 1e-45, -1e-45, 1e-30, -1e-7, 0.3, 0.6249, 0.625, -0.625, 1, -1, 9, 9.1, -9.1, 20, 44, 88.5, 88.72, 88.73, 89, 100,
  -87.3, -88, -100, -103.9, -104, -120, Infinity, -Infinity, NaN];

for (const threads of [1, 2]) {
  describe(`Exp, Tanh, Sigmoid, ${threads} thread(s)`, () => {
    for (const name of ['Exp', 'Tanh', 'Sigmoid'] as const) {
      it(`${name} over the whole float range`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(90 + threads);
        for (const shape of [[1], [3], [7], [SPECIAL.length], [5, 129], [1 << 20]]) {
          const x = randBuf(rand, shape);
          // Spread values over [-110, 110] with a dense core around 0.
          for (let i = 0; i < x.values.length; i++) x.values[i] = (rand() * 2 - 1) * (i % 3 === 0 ? 110 : i % 3 === 1 ? 4 : 0.7);
          x.values.set(SPECIAL.slice(0, x.values.length));
          const r = runBoth(be, name, [x], {});
          expectUlps(r.wasm[0].values, r.ref[0].values, x.values, `${name} [${shape}]`);
          if (threads > 1 && x.values.length >= 1 << 20) expect(r.threaded).toBe(true);
        }
      });
    }
  });
}

/** x scaled by each of `scales` in turn: dense cores around 0 next to wide ranges. */
function mixed(rand: () => number, shape: number[], scales: number[], signed = true): Buf {
  const x = randBuf(rand, shape);
  for (let i = 0; i < x.values.length; i++) x.values[i] = (signed ? rand() * 2 - 1 : rand()) * scales[i % scales.length];
  return x;
}

const f32 = (values: number[]): Buf => ({ values: Float32Array.from(values), shape: [values.length], dtype: 'float32' });

for (const threads of [1, 2]) {
  describe(`Log, Log1p, Elu, Pow, ${threads} thread(s)`, () => {
    it('Log and Log1p within 1 ulp over the whole float range, near 1 and near -1', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(100 + threads);
      for (const name of ['Log', 'Log1p'] as const) {
        const nearOne = mixed(rand, [5, 129], [1e-7, 1e-4, 0.3]);
        for (let i = 0; i < nearOne.values.length; i++) nearOne.values[i] += name === 'Log' ? 1 : i % 2 ? 0 : -1;
        for (const x of [floatSweep(4093), nearOne, mixed(rand, [7], [1e-30, 1, 1e30], false), f32([1, -1, 2 ** -29, -(2 ** -29), 2 ** -30, 3e38])]) {
          const r = runBoth(be, name, [x], {});
          expectWithinUlps(r.wasm[0].values, r.ref[0].values, 1, `${name} [${x.shape}]`, [x.values]);
          if (threads > 1 && x.values.length >= 1 << 20) expect(r.threaded).toBe(true);
        }
      }
    });

    it('Elu within 2 ulp over the whole float range (alpha 1, 0.3, 1.7: f64 attributes)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(110 + threads);
      for (const alpha of [1, 0.3, 1.7]) {
        // Dense near 0 (expm1's polynomial), around -ln2/2 and -ln2 (its reduction's seams), far out.
        const x = mixed(rand, [3, 1001], [1e-6, 0.01, 0.35, 0.36, 0.7, 1.1, 5, 20, 110]);
        for (const input of [floatSweep(4093), x]) {
          const r = runBoth(be, 'Elu', [input], { alpha });
          expectWithinUlps(r.wasm[0].values, r.ref[0].values, 2, `Elu alpha ${alpha}`, [input.values]);
        }
      }
    });

    it('Pow within 1 ulp: random bases and exponents (negative bases with integer ones), broadcasting', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(120 + threads);
      for (const [sx, sy] of [[[1 << 20], [1 << 20]], [[7], [7]], [[64, 1], [1, 33]], [[3, 1, 5], [4, 1]]]) {
        const x = randBuf(rand, sx), y = randBuf(rand, sy);
        for (let i = 0; i < x.values.length; i++) x.values[i] = (i % 4 ? 1 : -1) * 2 ** (rand() * 40 - 20);
        for (let i = 0; i < y.values.length; i++) {
          y.values[i] = i % 3 === 0 ? Math.round(rand() * 40 - 20) : (rand() * 2 - 1) * (i % 3 === 1 ? 4 : 60);
        }
        const r = runBoth(be, 'Pow', [x, y], {});
        expectWithinUlps(r.wasm[0].values, r.ref[0].values, 1, `Pow [${sx}] [${sy}]`, [x.values, y.values]);
        if (threads > 1 && x.values.length >= 1 << 20) expect(r.threaded).toBe(true);
      }
    });

    it('Pow on every pair of special values (±0, ±1, ±inf, NaN, odd/even/non-integer exponents): JS rules', async () => {
      const be = await wasmBackend(threads);
      const s = [0, -0, 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, 1e-45, -1e-45, 1e-20, 0.999, 1.001, 127.9, 2 ** 24 + 2, 3e38, -3e38, Infinity, -Infinity, NaN];
      const x: Buf = { values: Float32Array.from(s), shape: [s.length, 1], dtype: 'float32' };
      const y: Buf = { values: Float32Array.from(s), shape: [s.length], dtype: 'float32' };
      const r = runBoth(be, 'Pow', [x, y], {});
      expectWithinUlps(r.wasm[0].values, r.ref[0].values, 1, 'Pow specials', [Float32Array.from(s.flatMap((v) => s.map(() => v))), y.values]);
      for (let i = 0; i < r.ref[0].values.length; i++) {
        const v = r.ref[0].values[i];
        if (!Number.isFinite(v) || v === 0 || v === 1) expect(Object.is(r.wasm[0].values[i], v) || (Number.isNaN(v) && Number.isNaN(r.wasm[0].values[i])), `Pow specials[${i}]`).toBe(true);
      }
    });

    it('Pow with scalar exponents that have no shortcut, over the whole float range', async () => {
      const be = await wasmBackend(threads);
      const x = floatSweep(8191);
      for (const e of [3, -2, 1.5, 0, -0.5, 7.25, Infinity, NaN]) {
        const r = runBoth(be, 'Pow', [x, f32([e])], {});
        expectWithinUlps(r.wasm[0].values, r.ref[0].values, 1, `Pow x^${e}`, [x.values]);
      }
    });
  });
}

describe('Log, Log1p, Elu, Pow fallbacks', () => {
  it('float64, int32 inputs and int32 exponents beyond 2^24 run the reference', async () => {
    const be = await wasmBackend(1);
    const rand = prng(130);
    for (const name of ['Log', 'Log1p'] as const) expectClose(runBoth(be, name, [randBuf(rand, [4, 5], 'float64')], {}, true), 0, `${name} float64`);
    expectClose(runBoth(be, 'Elu', [randBuf(rand, [4, 5], 'int32')], { alpha: 1 }, true), 0, 'Elu int32');
    const big = randBuf(rand, [5], 'int32');
    big.values[2] = (1 << 24) + 1;
    expectClose(runBoth(be, 'Pow', [randBuf(rand, [4, 5]), big], {}, true), 0, 'Pow int32 exponent beyond 2^24');
    expectClose(runBoth(be, 'Pow', [randBuf(rand, [4, 5], 'int32'), randBuf(rand, [5], 'int32')], {}, true), 0, 'Pow int32 pair');
  });
});
