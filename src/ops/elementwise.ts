/** Broadcasting arithmetic, comparisons and unary maths, each with its gradient rule beside it. */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, fmtShape } from '../tensor/shape.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { asTensor, scalar, sumToShape, type TensorLike } from './util.js';
import { assertNumber, assertTensor, fail } from './validate.js';
import { positional } from './args.js';

function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a !== 'number') assertTensor(op, 'input', a);
  if (typeof b !== 'number') assertTensor(op, 'other', b);
  if (typeof a === 'number' && typeof b === 'number') fail(op, 'at least one argument must be a Tensor');
  const ta = typeof a === 'number' ? asTensor(a, b as Tensor) : a;
  const tb = typeof b === 'number' ? asTensor(b, ta) : b;
  assertTensor(op, 'input', ta);
  assertTensor(op, 'other', tb);
  if (!broadcastShapes(ta.shape, tb.shape)) {
    fail(op, `shapes ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)} cannot be broadcast together`, 'trailing dims must be equal or 1');
  }
  return [ta, tb];
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('add', a, b);
  return record('add', run1('Add', [x, y], {}), [x, y], (dy) => [sumToShape(dy, x.shape), sumToShape(dy, y.shape)]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('sub', a, b);
  return record('sub', run1('Sub', [x, y], {}), [x, y], (dy) => [sumToShape(dy, x.shape), sumToShape(run1('Neg', [dy], {}), y.shape)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('mul', a, b);
  return record('mul', run1('Mul', [x, y], {}), [x, y], (dy) => [
    x.requiresGrad ? sumToShape(run1('Mul', [dy, y], {}), x.shape) : null,
    y.requiresGrad ? sumToShape(run1('Mul', [dy, x], {}), y.shape) : null,
  ]);
}

/** True division: integer inputs give float32, like PyTorch. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = operands('div', a, b);
  if (x.dtype === 'int32' && y.dtype === 'int32') [x, y] = [cast(x, 'float32'), cast(y, 'float32')];
  const out = run1('Div', [x, y], {});
  return record('div', out, [x, y], (dy) => [
    x.requiresGrad ? sumToShape(run1('Div', [dy, y], {}), x.shape) : null,
    // d(x/y)/dy = -out / y
    y.requiresGrad ? sumToShape(run1('Neg', [run1('Div', [run1('Mul', [dy, out], {}), y], {})], {}), y.shape) : null,
  ]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('pow', a, b);
  const out = run1('Pow', [x, y], {});
  return record('pow', out, [x, y], (dy) => [
    x.requiresGrad ? sumToShape(run1('Mul', [dy, run1('Mul', [y, run1('Pow', [x, run1('Sub', [y, scalar(1, y.dtype)], {})], {})], {})], {}), x.shape) : null,
    y.requiresGrad ? sumToShape(run1('Mul', [dy, run1('Mul', [out, run1('Log', [x], {})], {})], {}), y.shape) : null,
  ]);
}

/** maximum/minimum: ties split the gradient evenly, as PyTorch does. */
function extremum(op: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  const out = run1(op === 'maximum' ? 'Maximum' : 'Minimum', [x, y], {});
  return record(op, out, [x, y], (dy) => {
    const wins = (p: Tensor, q: Tensor) => {
      const strict = run1(op === 'maximum' ? 'Greater' : 'Less', [p, q], {});
      const half = run1('Mul', [run1('Equal', [p, q], {}), scalar(0.5, dy.dtype)], {});
      return run1('Mul', [dy, run1('Add', [strict, half], {})], {});
    };
    return [sumToShape(wins(x, y), x.shape), sumToShape(wins(y, x), y.shape)];
  });
}
export const maximum = (a: TensorLike, b: TensorLike) => extremum('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => extremum('minimum', a, b);

// Comparisons give int32 0/1 masks and carry no gradient.
export const eq = (a: TensorLike, b: TensorLike) => run1('Equal', operands('eq', a, b), {});
export const ne = (a: TensorLike, b: TensorLike) => run1('NotEqual', operands('ne', a, b), {});
export const gt = (a: TensorLike, b: TensorLike) => run1('Greater', operands('gt', a, b), {});
export const ge = (a: TensorLike, b: TensorLike) => run1('GreaterEqual', operands('ge', a, b), {});
export const lt = (a: TensorLike, b: TensorLike) => run1('Less', operands('lt', a, b), {});
export const le = (a: TensorLike, b: TensorLike) => run1('LessEqual', operands('le', a, b), {});

/** where(cond, a, b): a where cond is non-zero, else b. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor('where', 'condition', cond);
  const [x, y] = operands('where', a, b);
  if (!broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape)!)) {
    fail('where', `condition ${fmtShape(cond.shape)} cannot be broadcast with ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  }
  const zero = scalar(0, x.dtype);
  return record('where', run1('Where', [cond, x, y], {}), [null, x, y], (dy) => [
    null,
    sumToShape(run1('Where', [cond, dy, zero], {}), x.shape),
    sumToShape(run1('Where', [cond, zero, dy], {}), y.shape),
  ]);
}

function unaryFloat(op: string, x: Tensor): Tensor {
  assertTensor(op, 'input', x);
  return isFloat(x.dtype) ? x : cast(x, 'float32');
}

export function neg(x: Tensor): Tensor {
  assertTensor('neg', 'input', x);
  return record('neg', run1('Neg', [x], {}), [x], (dy) => [run1('Neg', [dy], {})]);
}

export function exp(x: Tensor): Tensor {
  assertTensor('exp', 'x', x);
  x = unaryFloat('exp', x);
  const out = run1('Exp', [x], {});
  return record('exp', out, [x], (dy) => [run1('Mul', [dy, out], {})]);
}

export function log(x: Tensor): Tensor {
  assertTensor('log', 'x', x);
  x = unaryFloat('log', x);
  return record('log', run1('Log', [x], {}), [x], (dy) => [run1('Div', [dy, x], {})]);
}

export function log1p(x: Tensor): Tensor {
  assertTensor('log1p', 'x', x);
  x = unaryFloat('log1p', x);
  return record('log1p', run1('Log1p', [x], {}), [x], (dy) => [run1('Div', [dy, run1('Add', [x, scalar(1, x.dtype)], {})], {})]);
}

export function sqrt(x: Tensor): Tensor {
  x = unaryFloat('sqrt', x);
  const out = run1('Sqrt', [x], {});
  return record('sqrt', out, [x], (dy) => [run1('Div', [dy, run1('Mul', [out, scalar(2, x.dtype)], {})], {})]);
}

export function abs(x: Tensor): Tensor {
  assertTensor('abs', 'input', x);
  return record('abs', run1('Abs', [x], {}), [x], (dy) => [run1('Mul', [dy, run1('Sign', [x], {})], {})]);
}

export function sign(x: Tensor): Tensor {
  assertTensor('sign', 'input', x);
  return run1('Sign', [x], {});
}

export function square(x: Tensor): Tensor {
  return mul(x, x);
}

export interface ClampOptions { min?: number | null; max?: number | null }

/**
 * clamp(x, min, max) as torch.clamp, or clamp(x, { min, max }); a null or missing bound is no bound.
 * The gradient passes where min <= x <= max.
 */
export function clamp(x: Tensor, opts: ClampOptions | number | null = {}, ...rest: [max?: number | null]): Tensor {
  assertTensor('clamp', 'input', x);
  const o = positional<ClampOptions>('clamp', [opts, ...rest], ['min', 'max']);
  const min = o.min == null ? -Infinity : assertNumber('clamp', 'min', o.min);
  const max = o.max == null ? Infinity : assertNumber('clamp', 'max', o.max);
  if (min > max) fail('clamp', `min (${min}) must not exceed max (${max})`);
  return record('clamp', run1('Clamp', [x], { min, max }), [x], (dy) => {
    const inside = run1('Mul', [run1('GreaterEqual', [x, scalar(min, x.dtype)], {}), run1('LessEqual', [x, scalar(max, x.dtype)], {})], {});
    return [run1('Mul', [dy, inside], {})];
  });
}

/** Converts dtype; float-to-float casts pass gradients through. */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', 'input', x);
  const out = run1('Cast', [x], { dtype });
  if (!isFloat(dtype) || !isFloat(x.dtype)) return out;
  return record('cast', out, [x], (dy) => [run1('Cast', [dy], { dtype: x.dtype })]);
}

/** A copy with its own storage; gradients pass through. */
export function clone(x: Tensor): Tensor {
  assertTensor('clone', 'input', x);
  return record('clone', run1('Cast', [x], { dtype: x.dtype }), [x], (dy) => [dy]);
}
