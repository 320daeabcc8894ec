/** Float32 test inputs over the whole range, and ulp distances, for the parity tests of math kernels. */
import { expect } from 'vitest';
import type { Buf } from '../../src/backends/reference/types.js';

export const SPECIAL = [0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754944e-38, 0.5, -0.5, 1, -1, 6, -6, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];

/** Every `step`-th float32 bit pattern (all signs and exponents, NaNs included), with SPECIAL at the front. */
export function floatSweep(step: number): Buf {
  const n = Math.floor(2 ** 32 / step);
  const values = new Float32Array(n), bits = new Int32Array(values.buffer);
  for (let i = 0; i < n; i++) bits[i] = (i * step) | 0;
  values.set(SPECIAL);
  return { values, shape: [n], dtype: 'float32' };
}

const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);
/** Position on the float32 number line (-0 and +0 share 0; +inf is one past the largest float). */
function ordinal(x: number): number {
  f32[0] = x;
  return i32[0] < 0 ? -(i32[0] & 0x7fffffff) : i32[0];
}

/**
 * Float32 ulps between a and b: 0 when both are NaN or identical, Infinity when only one is NaN or for
 * +0 against -0 (a sign error, not a rounding one).
 */
export function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b) || (a === 0 && b === 0)) return Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}

/** Fails at the first element more than `maxUlps` from the reference. */
export function expectUlps(wasm: ArrayLike<number>, ref: ArrayLike<number>, maxUlps: number, label: string, inputs: ArrayLike<number>[]): void {
  expect(wasm.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const d = ulpDistance(wasm[i], ref[i]);
    if (d > maxUlps) expect.fail(`${label}[${i}] (${inputs.map((x) => x[i % x.length]).join(', ')}): wasm ${wasm[i]} vs reference ${ref[i]}, ${d} ulp`);
  }
}
