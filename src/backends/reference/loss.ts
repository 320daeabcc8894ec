/**
 * The negative log-likelihood of class targets, fused (nllLoss without class weights or ignored targets):
 * the same sums and roundings as its composite (gather, neg, sum, div), in one pass each way.
 */
import { allocArray } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Buf, KernelFn, RefKernelTable } from './types.js';

/** Calls at(flat index into logp) for each target in order; a target outside [0, C) throws. */
function eachTarget(op: string, inputShape: number[], target: Buf, at: (i: number) => void): void {
  const C = inputShape[1], inner = sizeOf(inputShape.slice(2)), t = target.values;
  if (inputShape.length < 2 || t.length !== inputShape[0] * inner) {
    throw new Error(`${op}: ${t.length} targets for an input of shape [${inputShape.join(', ')}]; expected one per [N, d1, ...] position`);
  }
  for (let j = 0; j < t.length; j++) {
    const c = t[j];
    if (!(c >= 0 && c < C)) throw new Error(`${op}: target ${c} is outside the ${C} classes`);
    const n = Math.floor(j / inner), s = j - n * inner;
    at((n * C + c) * inner + s);
  }
}

const round = (dtype: string) => (dtype === 'float32' ? Math.fround : (v: number) => v);

const NllLoss: KernelFn<{ reduction: 'mean' | 'sum' }> = ([logp, target], { reduction }) => {
  let acc = 0;
  eachTarget('NllLoss', logp.shape, target, (i) => { acc += -logp.values[i]; });
  const r = round(logp.dtype), total = r(acc), out = allocArray(logp.dtype, 1);
  out[0] = reduction === 'mean' ? r(total / r(target.values.length)) : total;
  return [{ values: out, shape: [], dtype: logp.dtype }];
};

const NllLossGrad: KernelFn<{ reduction: 'mean' | 'sum'; inputShape: number[] }> = ([dy, target], { reduction, inputShape }) => {
  const r = round(dy.dtype), out = allocArray(dy.dtype, sizeOf(inputShape));
  const g = reduction === 'mean' ? r(dy.values[0] / r(target.values.length)) : dy.values[0];
  // 0 + -g: a zero gradient lands as +0, as the composite's scatter-add into zeros leaves it.
  eachTarget('NllLossGrad', inputShape, target, (i) => { out[i] = 0 + -g; });
  return [{ values: out, shape: [...inputShape], dtype: dy.dtype }];
};

export const lossKernels = { NllLoss, NllLossGrad } satisfies Pick<RefKernelTable, 'NllLoss' | 'NllLossGrad'>;
