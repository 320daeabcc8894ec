/**
 * More of PyTorch's Tensor surface: numel()/dim()/tolist(), isnan()/isfinite(), T, and in-place
 * updates (add_, mul_, zero_, fill_, copy_, clamp_), which go through `assign` and so bump the
 * tensor's `version` (caches of prepared weights key on it). Kept apart from tensor.ts and methods.ts.
 */
import { Tensor, type NestedArray } from './tensor.js';
import { fmtShape, shapesEqual } from './shape.js';
import { isGradEnabled, noGrad } from '../autograd/graph.js';
import * as E from '../ops/elementwise.js';
import * as S from '../ops/shape.js';
import { full } from './creation.js';
import { finite, noExtra, options, show } from '../ops/args.js';
import { assertTensor, fail } from '../ops/validate.js';
import type { TensorLike } from '../ops/util.js';
import { sort as sortOp, topk as topkOp, type ValuesIndices } from '../ops/sort.js';
import { norm as normOp } from '../ops/norm-p.js';

declare module './tensor.js' {
  interface Tensor {
    /** The sorted values and their indices along dim, as torch's x.sort(). */
    sort(...args: Parameters<typeof sortOp> extends [Tensor, ...infer R] ? R : never): ValuesIndices;
    /** The k largest (or smallest) values and their indices, as torch's x.topk(k). */
    topk(k: number, ...args: Parameters<typeof topkOp> extends [Tensor, number, ...infer R] ? R : never): ValuesIndices;
    /** A p-norm, as torch's x.norm(). */
    norm(...args: Parameters<typeof normOp> extends [Tensor, ...infer R] ? R : never): Tensor;
    /** The slice at index along dim, that dim removed, as torch's x.select(dim, index). */
    select(dim: number, index: number): Tensor;
    /** Number of elements, as torch's numel(). */
    numel(): number;
    /** Number of dimensions, as torch's dim(). */
    dim(): number;
    /** Nested JS arrays (a number for a 0-d tensor), as torch's tolist(). */
    tolist(): NestedArray;
    /** 1 where the value is NaN, else 0. */
    isnan(): Tensor;
    /** 1 where the value is finite (not NaN, not ±Infinity), else 0. */
    isfinite(): Tensor;
    /** The dims reversed (the transpose of a matrix). */
    readonly T: Tensor;
    /** this += alpha * other, in place. */
    add_(other: TensorLike, opts?: { alpha?: number }): this;
    /** this *= other, in place. */
    mul_(other: TensorLike): this;
    zero_(): this;
    fill_(value: number): this;
    /** Copies src's values (broadcast to this shape, cast to this dtype) into this tensor. */
    copy_(src: Tensor): this;
    clamp_(opts?: { min?: number | null; max?: number | null } | number | null, max?: number | null): this;
  }
}

const proto = Tensor.prototype;

/** Runs `compute` without recording, checks it fits this tensor, and swaps it in. */
function inPlace<T extends Tensor>(t: T, op: string, compute: () => Tensor): T {
  if (isGradEnabled() && t.requiresGrad) {
    fail(op, `cannot modify a tensor that requires grad in place ${t.isLeaf ? '(a leaf: its gradient would be wrong)' : '(it is part of an autograd graph)'}`, `wrap the update in noGrad(() => x.${op}(...))`);
  }
  const v = noGrad(compute);
  if (!shapesEqual(v.shape, t.shape)) fail(op, `the result ${fmtShape(v.shape)} does not fit this tensor ${fmtShape(t.shape)} in place`, 'in-place operands must broadcast to the tensor\'s own shape');
  t.assign(v.dtype === t.dtype ? v : E.cast(v, t.dtype)); // assign bumps t.version
  return t;
}

proto.sort = function (...args) { return sortOp(this, ...args); };
proto.topk = function (k, ...args) { return topkOp(this, k, ...args); };
proto.norm = function (...args) { return normOp(this, ...args); };
proto.select = function (dim, index) { noExtra('select', arguments, 2); return S.select(this, dim, index); };
proto.numel = function () { noExtra('numel', arguments, 0); return this.size; };
proto.dim = function () { noExtra('dim', arguments, 0); return this.ndim; };
proto.tolist = function () { noExtra('tolist', arguments, 0); return this.toArray(); };
proto.isnan = function () { noExtra('isnan', arguments, 0); return E.ne(this, this); };
proto.isfinite = function () { noExtra('isfinite', arguments, 0); return E.lt(E.abs(this), Infinity); };
Object.defineProperty(proto, 'T', {
  get(this: Tensor) { return this.ndim < 2 ? this : S.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); },
  configurable: true,
});
proto.add_ = function (other, opts) {
  const { alpha = 1 } = options<{ alpha?: number }>('add_', opts, ['alpha']);
  finite('add_', 'alpha', alpha);
  noExtra('add_', arguments, 2);
  return inPlace(this, 'add_', () => E.add(this, alpha === 1 ? other : E.mul(asOperand('add_', other, this), alpha)));
};
proto.mul_ = function (other) { noExtra('mul_', arguments, 1); return inPlace(this, 'mul_', () => E.mul(this, other)); };
proto.zero_ = function () { noExtra('zero_', arguments, 0); return inPlace(this, 'zero_', () => full(this.shape, 0, { dtype: this.dtype })); };
proto.fill_ = function (value) {
  noExtra('fill_', arguments, 1);
  if (typeof value !== 'number') fail('fill_', `value must be a number, got ${show(value)}`);
  return inPlace(this, 'fill_', () => full(this.shape, value, { dtype: this.dtype }));
};
proto.copy_ = function (src) {
  noExtra('copy_', arguments, 1);
  assertTensor('copy_', 'src', src);
  return inPlace(this, 'copy_', () => (shapesEqual(src.shape, this.shape) ? E.clone(src) : S.expand(src, this.shape)));
};
proto.clamp_ = function (opts, max) { noExtra('clamp_', arguments, 2); return inPlace(this, 'clamp_', () => E.clamp(this, opts, max)); };

function asOperand(op: string, v: TensorLike, like: Tensor): Tensor {
  if (typeof v === 'number') return full([], v, { dtype: like.dtype === 'int32' && !Number.isInteger(v) ? 'float32' : like.dtype });
  assertTensor(op, 'other', v);
  return v;
}
