/**
 * PyTorch-style methods on Tensor (x.add(y), x.sum(1), x.backward()). They delegate to ops; kept
 * apart from tensor.ts so the core class has no dependency on the op layer.
 */
import { Tensor } from './tensor.js';
import type { DType } from './dtype.js';
import type { TensorLike } from '../ops/util.js';
import type { Dims } from '../ops/reduce.js';
import type { ValuesIndices } from '../ops/sort.js';
import * as E from '../ops/elementwise.js';
import * as R from '../ops/reduce.js';
import * as S from '../ops/shape.js';
import * as M from '../ops/matmul.js';
import * as A from '../ops/activation.js';
import { runBackward, type BackwardOptions } from '../autograd/backward.js';
import { noExtra } from '../ops/args.js';

declare module './tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    /** x.clamp(min, max) or x.clamp({ min, max }), as torch. */
    clamp(opts?: { min?: number | null; max?: number | null } | number | null, max?: number | null): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    sum(dim?: Dims, keepDim?: boolean): Tensor;
    mean(dim?: Dims, keepDim?: boolean): Tensor;
    /** max(): the largest value; max(dim, keepDim): [values, indices] (also .values / .indices); max(other): elementwise. */
    max(): Tensor;
    max(dim: number, keepDim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, keepDim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: Dims, keepDim?: boolean): Tensor;
    amin(dim?: Dims, keepDim?: boolean): Tensor;
    argmax(dim?: number, keepDim?: boolean): Tensor;
    argmin(dim?: number, keepDim?: boolean): Tensor;
    var(dim?: Dims, keepDim?: boolean, opts?: { unbiased?: boolean }): Tensor;
    std(dim?: Dims, keepDim?: boolean, opts?: { unbiased?: boolean }): Tensor;
    matmul(other: Tensor): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** 2-D transpose. */
    t(): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    flip(...dims: number[] | [readonly number[]]): Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    clone(): Tensor;
    /** Computes gradients of this tensor w.r.t. every leaf that requires grad, accumulating into .grad. */
    backward(grad?: Tensor | null, options?: BackwardOptions): void;
    /** Clears .grad. */
    zeroGrad(): void;
  }
}

const shapeArgs = (args: number[] | [readonly number[]]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);

const proto = Tensor.prototype;
proto.add = function (o) { return E.add(this, o); };
proto.sub = function (o) { return E.sub(this, o); };
proto.mul = function (o) { return E.mul(this, o); };
proto.div = function (o) { return E.div(this, o); };
proto.pow = function (o) { return E.pow(this, o); };
proto.maximum = function (o) { return E.maximum(this, o); };
proto.minimum = function (o) { return E.minimum(this, o); };
proto.eq = function (o) { return E.eq(this, o); };
proto.ne = function (o) { return E.ne(this, o); };
proto.gt = function (o) { return E.gt(this, o); };
proto.ge = function (o) { return E.ge(this, o); };
proto.lt = function (o) { return E.lt(this, o); };
proto.le = function (o) { return E.le(this, o); };
proto.neg = function () { return E.neg(this); };
proto.exp = function () { return E.exp(this); };
proto.log = function () { return E.log(this); };
proto.sqrt = function () { return E.sqrt(this); };
proto.abs = function () { return E.abs(this); };
proto.square = function () { return E.square(this); };
proto.clamp = function (opts, max) { noExtra('clamp', arguments, 2); return E.clamp(this, opts, max); };
proto.relu = function () { return A.relu(this); };
proto.sigmoid = function () { return A.sigmoid(this); };
proto.tanh = function () { return A.tanh(this); };
proto.softmax = function (dim) { return A.softmax(this, dim); };
proto.logSoftmax = function (dim) { return A.logSoftmax(this, dim); };
proto.sum = function (dim, keepDim) { return R.sum(this, dim, keepDim); };
proto.mean = function (dim, keepDim) { return R.mean(this, dim, keepDim); };
proto.max = function (this: Tensor, ...args: unknown[]) { return (R.max as (...a: unknown[]) => Tensor | ValuesIndices)(this, ...args); } as Tensor['max'];
proto.min = function (this: Tensor, ...args: unknown[]) { return (R.min as (...a: unknown[]) => Tensor | ValuesIndices)(this, ...args); } as Tensor['min'];
proto.amax = function (dim, keepDim) { return R.amax(this, dim, keepDim); };
proto.amin = function (dim, keepDim) { return R.amin(this, dim, keepDim); };
proto.argmax = function (dim, keepDim) { return R.argmax(this, dim, keepDim); };
proto.argmin = function (dim, keepDim) { return R.argmin(this, dim, keepDim); };
proto.var = function (dim, keepDim, opts) { return R.variance(this, dim, keepDim, opts); };
proto.std = function (dim, keepDim, opts) { return R.std(this, dim, keepDim, opts); };
proto.matmul = function (o) { return M.matmul(this, o); };
proto.reshape = function (...s) { return S.reshape(this, shapeArgs(s)); };
proto.view = function (...s) { return S.reshape(this, shapeArgs(s)); };
proto.flatten = function (startDim, endDim) { return S.flatten(this, startDim, endDim); };
proto.permute = function (...d) { return S.permute(this, shapeArgs(d)); };
proto.transpose = function (a, b) { return S.transpose(this, a, b); };
proto.t = function () { return S.transpose(this, 0, 1); };
proto.squeeze = function (dim) { return S.squeeze(this, dim); };
proto.unsqueeze = function (dim) { return S.unsqueeze(this, dim); };
proto.slice = function (dim, start, end, step) { return S.slice(this, dim, start, end, step); };
proto.narrow = function (dim, start, length) { return S.narrow(this, dim, start, length); };
proto.flip = function (...d) { return S.flip(this, shapeArgs(d)); };
proto.expand = function (...s) { return S.expand(this, shapeArgs(s)); };
proto.expandAs = function (o) { return S.expandAs(this, o); };
proto.gather = function (dim, index) { return S.gather(this, dim, index); };
proto.split = function (s, dim) { return S.split(this, s, dim); };
proto.chunk = function (c, dim) { return S.chunk(this, c, dim); };
proto.to = function (dtype) { return dtype === this.dtype ? this : E.cast(this, dtype); };
proto.float = function () { return this.to('float32'); };
proto.double = function () { return this.to('float64'); };
proto.int = function () { return this.to('int32'); };
proto.clone = function () { return E.clone(this); };
proto.backward = function (grad, options) { runBackward(this, grad ?? undefined, options); };
proto.zeroGrad = function () { this.grad = null; };
