/**
 * SGDStep and AdamStep, the fused optimizer updates: wasm vs reference bit for bit (both round every
 * operation to float32), over every option combination, lengths with SIMD tails, and parameters large
 * enough to split across threads; and the fused references vs the separate kernels their rules are made
 * of, bit for bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { KernelSpecs } from '../../src/kernels/specs.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import type { Buf } from '../../src/backends/reference/types.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend, SIMD_BUILDS } from './harness.js';

/** Thread counts and SIMD builds; lengths with every SIMD tail, and one of ~1K vectors. */
const BUILDS = [1, 2].flatMap((t) => SIMD_BUILDS.map((b) => [t, b] as const));
const LENGTHS = [1, 3, 4, 7, 37, 4099];

type SGDAttrs = KernelSpecs['SGDStep'];
type AdamAttrs = KernelSpecs['AdamStep'];
const ADAM: AdamAttrs = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, maximize: false, step: 1 };
const ADAM_OPTIONS: Partial<AdamAttrs>[] = [
  {}, { step: 7 }, { weightDecay: 1e-2 }, { weightDecay: 1e-2, decoupled: true, step: 3 }, { amsgrad: true, step: 5 },
  { maximize: true, amsgrad: true, weightDecay: 5e-4, step: 2 }, { lr: 0.5, beta1: 0.5, beta2: 0.6, eps: 1e-3, step: 40 },
];
const BASE: SGDAttrs = { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
const OPTIONS: Partial<SGDAttrs>[] = [
  {}, { momentum: 0.9 }, { momentum: 0.9, nesterov: true }, { momentum: 0.5, dampening: 0.3 }, { weightDecay: 1e-2 },
  { maximize: true, momentum: 0.9, weightDecay: 5e-4 }, { momentum: 0.9, dampening: 2, lr: 1 }, { lr: 2, momentum: 1 },
];

afterAll(closeBackends);

/** The rule as optim.SGD wrote it before it was fused: one reference kernel per operation. */
function separateOps(p: Buf, g: Buf, buf: Buf | undefined, a: SGDAttrs): Buf[] {
  const k = referenceKernels, scalar = (v: number): Buf => ({ values: p.dtype === 'float32' ? new Float32Array([v]) : new Float64Array([v]), shape: [], dtype: p.dtype });
  const mul = (x: Buf, v: number) => k.Mul([x, scalar(v)], {})[0], add = (x: Buf, y: Buf) => k.Add([x, y], {})[0];
  let d = a.maximize ? k.Neg([g], {})[0] : g;
  if (a.weightDecay !== 0) d = add(d, mul(p, a.weightDecay));
  let b: Buf | undefined;
  if (a.momentum !== 0) {
    b = buf ? add(mul(buf, a.momentum), a.dampening === 0 ? d : mul(d, 1 - a.dampening)) : d;
    d = a.nesterov ? add(d, mul(b, a.momentum)) : b;
  }
  const next = add(p, mul(d, -a.lr));
  return b ? [next, b] : [next];
}

/** optim.Adam's rule as it was written before it was fused: one reference kernel per operation. */
function adamSeparateOps(p: Buf, g: Buf, m: Buf, v: Buf, vmax: Buf | undefined, a: AdamAttrs): Buf[] {
  const k = referenceKernels, scalar = (x: number): Buf => ({ values: p.dtype === 'float32' ? new Float32Array([x]) : new Float64Array([x]), shape: [], dtype: p.dtype });
  const mul = (x: Buf, y: Buf | number) => k.Mul([x, typeof y === 'number' ? scalar(y) : y], {})[0];
  const add = (x: Buf, y: Buf | number) => k.Add([x, typeof y === 'number' ? scalar(y) : y], {})[0];
  const div = (x: Buf, y: Buf | number) => k.Div([x, typeof y === 'number' ? scalar(y) : y], {})[0];
  let d = a.maximize ? k.Neg([g], {})[0] : g;
  if (a.weightDecay !== 0) {
    if (a.decoupled) p = mul(p, 1 - a.lr * a.weightDecay);
    else d = add(d, mul(p, a.weightDecay));
  }
  const m2 = add(mul(m, a.beta1), mul(d, 1 - a.beta1));
  const v2 = add(mul(v, a.beta2), mul(mul(d, d), 1 - a.beta2));
  const bc1 = 1 - a.beta1 ** a.step, bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
  const second = vmax ? k.Maximum([vmax, v2], {})[0] : v2;
  const denom = add(div(k.Sqrt([second], {})[0], bc2Sqrt), a.eps);
  const next = add(p, mul(div(m2, denom), -a.lr / bc1));
  return vmax ? [next, m2, v2, second] : [next, m2, v2];
}

/** Adam's state as it is after some steps: m of either sign, v and vmax >= 0. */
function adamInputs(rand: () => number, n: number, amsgrad: boolean, dtype: 'float32' | 'float64' = 'float32'): Buf[] {
  const [p, g, m, v, x] = [0, 1, 2, 3, 4].map(() => randBuf(rand, [n], dtype));
  for (const b of [v, x]) for (let i = 0; i < n; i++) b.values[i] = Math.abs(b.values[i]) * 0.01;
  return amsgrad ? [p, g, m, v, x] : [p, g, m, v];
}

for (const [threads, simd] of BUILDS) {
  describe(`AdamStep parity, ${threads} thread(s), ${simd} SIMD`, () => {
    it('every option combination, bit for bit', async () => {
      const be = await wasmBackend(threads, simd);
      const rand = prng(17 + threads);
      for (const n of LENGTHS) {
        for (const options of ADAM_OPTIONS) {
          const a = { ...ADAM, ...options };
          expectClose(runBoth(be, 'AdamStep', adamInputs(rand, n, a.amsgrad), a), 0, `n ${n} ${JSON.stringify(options)}`);
        }
      }
    });
    it('large parameters split across threads', async () => {
      const be = await wasmBackend(threads, simd);
      const r = runBoth(be, 'AdamStep', adamInputs(prng(4), (1 << 19) + 5, true), { ...ADAM, amsgrad: true, weightDecay: 1e-2, decoupled: true, step: 9 });
      expectClose(r, 0, 'AdamStep 2^19 + 5');
      expect(r.threaded).toBe(threads > 1);
    });
  });
}

describe('AdamStep reference', () => {
  it('equals the separate Mul / Add / Div / Sqrt / Maximum / Neg kernels bit for bit (float32 and float64)', () => {
    const rand = prng(6), n = 4099;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const options of ADAM_OPTIONS) {
        const a = { ...ADAM, ...options }, inputs = adamInputs(rand, n, a.amsgrad, dtype);
        const fused = referenceKernels.AdamStep(inputs, a);
        const separate = adamSeparateOps(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], a);
        expect(fused.map((o) => Array.from(o.values)), `${dtype} ${JSON.stringify(options)}`).toEqual(separate.map((o) => Array.from(o.values)));
      }
    }
  });
  it('refuses missing state and mismatched operands', () => {
    const p: Buf = { values: new Float32Array(3), shape: [3], dtype: 'float32' };
    expect(() => referenceKernels.AdamStep([p, p, p, p], { ...ADAM, amsgrad: true })).toThrow('AdamStep: expected 5 inputs (amsgrad true), got 4');
    expect(() => referenceKernels.AdamStep([p, p, { ...p, shape: [1, 3] }, p], ADAM)).toThrow(/AdamStep: expAvg \[1,3\] float32 does not match the parameter \[3\] float32/);
  });
});

for (const [threads, simd] of BUILDS) {
  describe(`SGDStep parity, ${threads} thread(s), ${simd} SIMD`, () => {
    it('every option combination, with and without a momentum buffer, bit for bit', async () => {
      const be = await wasmBackend(threads, simd);
      const rand = prng(7 + threads);
      for (const n of LENGTHS) {
        for (const options of OPTIONS) {
          const a = { ...BASE, ...options }, p = randBuf(rand, [n]), g = randBuf(rand, [n]), buf = randBuf(rand, [n]);
          for (const inputs of a.momentum !== 0 ? [[p, g], [p, g, buf]] : [[p, g]]) {
            expectClose(runBoth(be, 'SGDStep', inputs, a), 0, `n ${n} ${JSON.stringify(options)} buffer ${inputs.length === 3}`);
          }
        }
      }
    });
    it('large parameters split across threads', async () => {
      const be = await wasmBackend(threads, simd);
      const rand = prng(3), n = (1 << 19) + 5, shape = [n];
      const r = runBoth(be, 'SGDStep', [randBuf(rand, shape), randBuf(rand, shape), randBuf(rand, shape)], { ...BASE, momentum: 0.9, weightDecay: 1e-4 });
      expectClose(r, 0, 'SGDStep 2^19 + 5');
      expect(r.threaded).toBe(threads > 1);
    });
  });
}

describe('SGDStep reference', () => {
  it('equals the separate Mul / Add / Neg kernels bit for bit (float32 and float64)', () => {
    const rand = prng(5);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const options of OPTIONS) {
        const a = { ...BASE, ...options }, p = randBuf(rand, [33], dtype), g = randBuf(rand, [33], dtype), buf = randBuf(rand, [33], dtype);
        for (const withBuffer of a.momentum !== 0 ? [false, true] : [false]) {
          const fused = referenceKernels.SGDStep(withBuffer ? [p, g, buf] : [p, g], a);
          const separate = separateOps(p, g, withBuffer ? buf : undefined, a);
          expect(fused.map((o) => Array.from(o.values)), `${dtype} ${JSON.stringify(options)}`).toEqual(separate.map((o) => Array.from(o.values)));
          expect(fused.every((o) => o.dtype === dtype)).toBe(true);
        }
      }
    }
  });
  it('refuses a gradient of another shape or dtype, and integer parameters', () => {
    const p: Buf = { values: new Float32Array(3), shape: [3], dtype: 'float32' };
    expect(() => referenceKernels.SGDStep([p, { ...p, shape: [1, 3] }], BASE)).toThrow(/SGDStep: grad \[1,3\] float32 does not match the parameter \[3\] float32/);
    expect(() => referenceKernels.SGDStep([p, { values: new Float64Array(3), shape: [3], dtype: 'float64' }], BASE)).toThrow(/does not match/);
    const i: Buf = { values: new Int32Array(3), shape: [3], dtype: 'int32' };
    expect(() => referenceKernels.SGDStep([i, i], BASE)).toThrow(/SGDStep: parameters must be float32 or float64, got int32/);
  });
});
