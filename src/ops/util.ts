/** Small helpers ops share: scalars as tensors, and folding broadcast gradients back to a shape. */
import { Tensor, shareStorage } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { allocArray, isFloat, type DType } from '../tensor/dtype.js';
import { run1 } from './kernel.js';

export type TensorLike = Tensor | number;

/** A 0-d tensor for a JS number, typed to sit beside `like` without changing its dtype. */
export function scalar(v: number, dtype: DType): Tensor {
  const d: DType = dtype === 'int32' && !Number.isInteger(v) ? 'float32' : dtype;
  const values = allocArray(d, 1);
  values[0] = v;
  return fromArray(values, []);
}

export function asTensor(v: TensorLike, like: Tensor): Tensor {
  return v instanceof Tensor ? v : scalar(v, like.dtype);
}

/** Sums a broadcast gradient back down to `shape` (the adjoint of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? run1('Sum', [g], { axes }) : g;
  return shareStorage(summed, [...shape]);
}


export function floatDType(t: Tensor): DType {
  return isFloat(t.dtype) ? t.dtype : 'float32';
}
