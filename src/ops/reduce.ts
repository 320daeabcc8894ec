/** Reductions over dims with keepDim, and their gradients (broadcast the upstream gradient back). */
import { Tensor, shareStorage } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { noGrad, record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { scalar } from './util.js';
import { cast, maximum, minimum } from './elementwise.js';
import { fromArray } from '../tensor/creation.js';
import { gather } from './shape.js';
import { valuesIndices, type ValuesIndices } from './sort.js';
import { assertTensor, fail, normDim } from './validate.js';

export type Dims = number | readonly number[] | undefined;

function resolveDims(op: string, x: Tensor, dim: Dims): number[] {
  if (dim === undefined) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const axes = list.map((d) => normDim(op, d, x.ndim));
  if (new Set(axes).size !== axes.length) fail(op, `dim ${show(dim)} repeats a dimension`);
  return axes.sort((a, b) => a - b);
}

const keptShape = (x: Tensor, axes: number[]) => x.shape.map((d, i) => (axes.includes(i) ? 1 : d));

function finish(x: Tensor, out: Tensor, axes: number[], keepDim: boolean): Tensor {
  return keepDim ? shareStorage(out, keptShape(x, axes)) : out;
}

/** Upstream gradient reshaped to keepDim form and broadcast over the reduced dims. */
function spread(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  return run1('BroadcastTo', [shareStorage(dy, keptShape(x, axes))], { shape: [...x.shape] });
}

export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('sum', 'input', x);
  const axes = resolveDims('sum', x, dim);
  const out = finish(x, run1('Sum', [x], { axes }), axes, keepDim);
  return record('sum', out, [x], (dy) => [spread(dy, x, axes)]);
}

export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('mean', 'input', x);
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  const axes = resolveDims('mean', xf, dim);
  const count = sizeOf(axes.map((a) => xf.shape[a]));
  const out = finish(xf, run1('Div', [run1('Sum', [xf], { axes }), scalar(count, xf.dtype)], {}), axes, keepDim);
  return record('mean', out, [xf], (dy) => [run1('Div', [spread(dy, xf, axes), scalar(count, dy.dtype)], {})]);
}

/** amax/amin over dims (all by default). Gradient is shared evenly among tied maxima, like torch.amax. */
function extreme(op: 'amax' | 'amin' | 'max' | 'min', x: Tensor, dim: Dims, keepDim: boolean): Tensor {
  assertTensor(op, 'input', x);
  if (x.size === 0) fail(op, `cannot reduce an empty tensor [${x.shape.join(',')}]`);
  const axes = resolveDims(op, x, dim);
  const raw = run1(op === 'amax' || op === 'max' ? 'Max' : 'Min', [x], { axes });
  return record(op, finish(x, raw, axes, keepDim), [x], (dy) => {
    const hit = run1('Equal', [x, spread(raw, x, axes)], {});
    const count = run1('Sum', [hit], { axes });
    const share = run1('Div', [dy, shareStorage(run1('Cast', [count], { dtype: dy.dtype }), dy.shape)], {});
    return [run1('Mul', [spread(share, x, axes), hit], {})];
  });
}
/** The largest values over `dim` (an int or a list; all dims by default), as torch.amax. */
export const amax = (x: Tensor, dim?: Dims, keepDim = false) => extreme('amax', x, dim, keepDim);
/** The smallest values over `dim` (an int or a list; all dims by default), as torch.amin. */
export const amin = (x: Tensor, dim?: Dims, keepDim = false) => extreme('amin', x, dim, keepDim);

/**
 * torch.max's three forms: max(x) the largest value (0-d); max(x, dim, keepDim) the largest values along
 * `dim` with their indices, as [values, indices] (also .values / .indices; the gradient goes to the index
 * picked); max(x, other) the elementwise maximum. Over several dims at once, use amax.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor, keepDim?: boolean): Tensor | ValuesIndices {
  return extremeForms('max', x, dim, keepDim, arguments.length);
}
/** torch.min's three forms, as max: min(x), min(x, dim, keepDim) -> [values, indices], min(x, other). */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor, keepDim?: boolean): Tensor | ValuesIndices {
  return extremeForms('min', x, dim, keepDim, arguments.length);
}

function extremeForms(op: 'max' | 'min', x: Tensor, dim: unknown, keepDim: unknown, count: number): Tensor | ValuesIndices {
  assertTensor(op, 'input', x);
  if (count > 3) fail(op, `takes at most 3 arguments (input, dim, keepDim), got ${count}`);
  if (dim === undefined) {
    if (keepDim !== undefined) fail(op, `keepDim needs a dim, got dim ${show(dim)}`, `${op}(x, dim, true)`);
    return extreme(op, x, undefined, false);
  }
  if (dim instanceof Tensor) {
    if (keepDim !== undefined) fail(op, `the elementwise form ${op}(x, other) takes no keepDim, got ${show(keepDim)}`);
    return op === 'max' ? maximum(x, dim) : minimum(x, dim);
  }
  if (Array.isArray(dim)) fail(op, `dim must be one integer, got ${show(dim)}`, `over several dims use ${op === 'max' ? 'amax' : 'amin'}(x, dims)`);
  if (typeof dim !== 'number' || !Number.isInteger(dim)) fail(op, `dim must be an integer or a tensor (elementwise ${op}), got ${show(dim)}`);
  const keep = keepDim === undefined ? false : bool(op, 'keepDim', keepDim);
  if (x.size === 0) fail(op, `cannot reduce an empty tensor [${x.shape.join(',')}]`);
  if (x.ndim === 0) {
    normDim(op, dim, 1);
    return valuesIndices(x, noGrad(() => fromArray(new Int32Array(1), [])));
  }
  const axis = normDim(op, dim, x.ndim);
  const indices = noGrad(() => argExtreme(op === 'max' ? 'argmax' : 'argmin', x, axis, true));
  const values = gather(x, axis, indices);
  if (keep) return valuesIndices(values, indices);
  const shape = x.shape.filter((_, i) => i !== axis);
  return valuesIndices(reshapeTo(values, shape), shareStorage(indices, shape));
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  assertTensor(op, 'input', x);
  if (x.size === 0) fail(op, 'cannot reduce an empty tensor');
  const kernel = op === 'argmax' ? 'ArgMax' : 'ArgMin';
  if (dim === undefined) {
    const flat = run1(kernel, [shareStorage(x, [x.size])], { axis: 0 });
    return keepDim ? shareStorage(flat, x.shape.map(() => 1)) : flat;
  }
  const axis = normDim(op, dim, x.ndim);
  return finish(x, run1(kernel, [x], { axis }), [axis], keepDim);
}
/** Index (int32) of the first maximum; over the flattened tensor when dim is omitted. */
export const argmax = (x: Tensor, dim?: number, keepDim = false) => argExtreme('argmax', x, dim, keepDim);
export const argmin = (x: Tensor, dim?: number, keepDim = false) => argExtreme('argmin', x, dim, keepDim);

/** Variance with Bessel's correction by default (unbiased: true), as torch.var. */
export function variance(x: Tensor, dim?: Dims, keepDim = false, opts: { unbiased?: boolean } = {}): Tensor {
  noExtra('var', arguments, 4);
  return varianceAs('var', x, dim, keepDim, opts);
}

/** var and std share this; `op` names the one the caller called. */
function varianceAs(op: string, x: Tensor, dim: Dims, keepDim: boolean, opts: unknown): Tensor {
  assertTensor(op, 'input', x);
  const axes = resolveDims(op, x, dim);
  const { unbiased = true } = options<{ unbiased?: boolean }>(op, opts, ['unbiased']);
  bool(op, 'unbiased', unbiased);
  const n = sizeOf(axes.map((a) => x.shape[a]));
  const mu = mean(x, axes, true);
  const centered = sub2(x, mu);
  const ss = sum(mul2(centered, centered), axes, keepDim);
  return div2(ss, Math.max(n - (unbiased ? 1 : 0), 0));
}

export function std(x: Tensor, dim?: Dims, keepDim = false, opts: { unbiased?: boolean } = {}): Tensor {
  noExtra('std', arguments, 4);
  return sqrt2(varianceAs('std', x, dim, keepDim, opts));
}

/** log(sum(exp(x))) computed stably by shifting with the (detached) max. */
export function logSumExp(x: Tensor, dim: Dims, keepDim = false): Tensor {
  assertTensor('logSumExp', 'input', x);
  const axes = resolveDims('logSumExp', x, dim);
  const m = run1('Max', [x], { axes });
  const mKept = shareStorage(m, keptShape(x, axes));
  // An all -inf row would give (-inf) - (-inf) = NaN; shifting by 0 there keeps it -inf.
  const safe = run1('Where', [run1('Equal', [run1('Abs', [mKept], {}), scalar(Infinity, x.dtype)], {}), scalar(0, x.dtype), mKept], {});
  const shifted = sub2(x, safe);
  const lse = add2(log2(sum(exp2(shifted), axes, true)), safe);
  return keepDim ? lse : reshapeTo(lse, x.shape.filter((_, i) => !axes.includes(i)));
}

// Late-bound differentiable helpers (elementwise/shape ops import this module's siblings).
import { add as add2, sub as sub2, mul as mul2, div as div2, sqrt as sqrt2, exp as exp2, log as log2 } from './elementwise.js';
import { reshape as reshapeTo } from './shape.js';
import { bool, noExtra, options, show } from './args.js';
