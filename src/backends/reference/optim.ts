/** Fused optimizer steps: the same arithmetic as the optimizer's separate ops, one pass, each result rounded to the dtype. */
import { allocArray } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { KernelSpecs } from '../../kernels/specs.js';
import type { Buf, RefKernel, RefKernelTable } from './types.js';

/** Every operand has the parameter's shape and dtype, a float one. */
function checkOperands(op: string, p: Buf, others: readonly Buf[], names: readonly string[]): void {
  others.forEach((t, i) => {
    if (!shapesEqual(t.shape, p.shape) || t.dtype !== p.dtype) {
      throw new Error(`${op}: ${names[i]} [${t.shape.join(',')}] ${t.dtype} does not match the parameter [${p.shape.join(',')}] ${p.dtype}`);
    }
  });
  if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new Error(`${op}: parameters must be float32 or float64, got ${p.dtype}`);
}

/** The scalars of an SGD step as the separate ops see them: JS numbers, rounded to the dtype by the kernel. */
export function sgdScalars(a: KernelSpecs['SGDStep']): number[] {
  return [a.weightDecay, a.momentum, 1 - a.dampening, -a.lr];
}

const SGDStep: RefKernel<'SGDStep'> = (inputs, a) => {
  const [p, g, buf] = inputs;
  checkOperands('SGDStep', p, inputs.slice(1), ['grad', 'momentum buffer']);
  // Scalars become tensors of the parameter's dtype in the separate ops: round them the same way.
  const r = p.dtype === 'float32' ? Math.fround : (v: number) => v;
  const [wd, m, keep, step] = sgdScalars(a).map(r);
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

/** The scalars of an Adam step as the separate ops see them: JS numbers, rounded to the dtype by the kernel. */
export function adamScalars(a: KernelSpecs['AdamStep']): number[] {
  const bc1 = 1 - a.beta1 ** a.step, bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
  return [a.weightDecay, 1 - a.lr * a.weightDecay, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, bc2Sqrt, a.eps, -a.lr / bc1];
}

const AdamStep: RefKernel<'AdamStep'> = (inputs, a) => {
  const [p, g, m, v, vmax] = inputs;
  const names = ['grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'];
  if (inputs.length !== (a.amsgrad ? 5 : 4)) throw new Error(`AdamStep: expected ${a.amsgrad ? 5 : 4} inputs (amsgrad ${a.amsgrad}), got ${inputs.length}`);
  checkOperands('AdamStep', p, inputs.slice(1), names);
  const r = p.dtype === 'float32' ? Math.fround : (x: number) => x;
  const [wd, decay, b1, k1, b2, k2, bc2Sqrt, eps, step] = adamScalars(a).map(r);
  const n = p.values.length, pv = p.values, gv = g.values, mv = m.values, vv = v.values, xv = vmax?.values;
  const outP = allocArray(p.dtype, n), outM = allocArray(p.dtype, n), outV = allocArray(p.dtype, n), outX = xv ? allocArray(p.dtype, n) : null;
  for (let i = 0; i < n; i++) {
    let d = a.maximize ? -gv[i] : gv[i], pi = pv[i];
    if (a.weightDecay !== 0) {
      if (a.decoupled) pi = r(pi * decay);
      else d = r(d + r(pi * wd));
    }
    const mi = r(r(mv[i] * b1) + r(d * k1));
    const vi = r(r(vv[i] * b2) + r(r(d * d) * k2));
    let second = vi;
    if (outX) {
      const x = xv![i];
      second = x !== x || vi !== vi ? NaN : x > vi ? x : vi;
      outX[i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2Sqrt) + eps);
    outM[i] = mi;
    outV[i] = vi;
    outP[i] = r(pi + r(r(mi / denom) * step));
  }
  const out = [outP, outM, outV, ...(outX ? [outX] : [])];
  return out.map((values) => ({ values, shape: [...p.shape], dtype: p.dtype }));
};

export const optimKernels = { SGDStep, AdamStep } satisfies Pick<RefKernelTable, 'SGDStep' | 'AdamStep'>;
