/**
 * Exp, Tanh and Sigmoid in wasm are polynomials (asm/transcendental.ts), not the reference's f64 Math
 * functions: they must stay within a few float32 ulp of the reference over the whole range, including
 * overflow, subnormal results, signed zeros, infinities and NaN, on 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, prng, randBuf, runBoth, wasmBackend } from './harness.js';

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
