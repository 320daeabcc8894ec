/** Fused optimizer steps: the same arithmetic as the optimizer's separate ops, one pass, each result rounded to the dtype. */
import { allocArray } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { RefKernel, RefKernelTable } from './types.js';

const SGDStep: RefKernel<'SGDStep'> = (inputs, a) => {
  const [p, g, buf] = inputs;
  for (const [name, t] of [['grad', g], ['momentum buffer', buf]] as const) {
    if (t && (!shapesEqual(t.shape, p.shape) || t.dtype !== p.dtype)) {
      throw new Error(`SGDStep: ${name} [${t.shape.join(',')}] ${t.dtype} does not match the parameter [${p.shape.join(',')}] ${p.dtype}`);
    }
  }
  if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new Error(`SGDStep: parameters must be float32 or float64, got ${p.dtype}`);
  // Scalars become tensors of the parameter's dtype in the separate ops: round them the same way.
  const r = p.dtype === 'float32' ? Math.fround : (v: number) => v;
  const wd = r(a.weightDecay), m = r(a.momentum), keep = r(1 - a.dampening), step = r(-a.lr);
  const n = p.values.length, pv = p.values, gv = g.values, bv = buf?.values;
  const outP = allocArray(p.dtype, n), outB = a.momentum !== 0 ? allocArray(p.dtype, n) : null;
  for (let i = 0; i < n; i++) {
    let d = a.maximize ? -gv[i] : gv[i];
    if (a.weightDecay !== 0) d = r(d + r(pv[i] * wd));
    if (outB) {
      const b = bv ? r(r(bv[i] * m) + (a.dampening === 0 ? d : r(d * keep))) : d;
      outB[i] = b;
      d = a.nesterov ? r(d + r(b * m)) : b;
    }
    outP[i] = r(pv[i] + r(d * step));
  }
  const out = [{ values: outP, shape: [...p.shape], dtype: p.dtype }];
  if (outB) out.push({ values: outB, shape: [...p.shape], dtype: p.dtype });
  return out;
};

export const optimKernels = { SGDStep } satisfies Pick<RefKernelTable, 'SGDStep'>;
