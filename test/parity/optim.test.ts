/**
 * SGDStep, the fused SGD update: wasm vs reference bit for bit (both round every operation to float32),
 * over every option combination, lengths with SIMD tails, and parameters large enough to split across
 * threads; and the fused reference vs the separate Mul/Add/Neg kernels the rule is made of, bit for bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { KernelSpecs } from '../../src/kernels/specs.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import type { Buf } from '../../src/backends/reference/types.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend, SIMD_BUILDS } from './harness.js';

type SGDAttrs = KernelSpecs['SGDStep'];
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

for (const [threads, simd] of [1, 2].flatMap((t) => SIMD_BUILDS.map((b) => [t, b] as const))) {
  describe(`SGDStep parity, ${threads} thread(s), ${simd} SIMD`, () => {
    it('every option combination, with and without a momentum buffer, bit for bit', async () => {
      const be = await wasmBackend(threads, simd);
      const rand = prng(7 + threads);
      for (const n of [1, 3, 4, 7, 37, 4099]) {
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
