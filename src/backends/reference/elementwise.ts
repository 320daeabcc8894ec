/** Elementwise kernels: broadcasting binary ops, comparisons, unary maths (and relu's gradient), cast and select. */
import { allocArray, promoteTypes, type DType, type TypedArray } from '../../tensor/dtype.js';
import { shapesEqual, sizeOf } from '../../tensor/shape.js';
import type { Buf, RefKernel, RefKernelTable } from './types.js';
import { broadcastOffsets } from './broadcast.js';

type BinaryFn = (a: number, b: number) => number;
/** Kernels without attributes share one signature (the generic RefKernel<K> would pin a single name). */
type PlainKernel = (inputs: Buf[], attrs: Record<string, never>) => Buf[];

function binary(fn: BinaryFn, resultDType?: DType): PlainKernel {
  return ([a, b]) => {
    const dtype = resultDType ?? promoteTypes(a.dtype, b.dtype);
    const av = a.values, bv = b.values;
    if (shapesEqual(a.shape, b.shape)) {
      const out = allocArray(dtype, av.length);
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], bv[i]);
      return [{ values: out, shape: [...a.shape], dtype }];
    }
    if (bv.length === 1 && a.shape.length >= b.shape.length) {
      const out = allocArray(dtype, av.length);
      const s = bv[0];
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], s);
      return [{ values: out, shape: [...a.shape], dtype }];
    }
    const { outShape, offsets: [oa, ob] } = broadcastOffsets([a.shape, b.shape]);
    const out = allocArray(dtype, sizeOf(outShape));
    for (let i = 0; i < out.length; i++) out[i] = fn(av[oa[i]], bv[ob[i]]);
    return [{ values: out, shape: outShape, dtype }];
  };
}

function unary(fn: (x: number) => number): PlainKernel {
  return ([x]) => {
    const out = allocArray(x.dtype, x.values.length);
    const v = x.values;
    for (let i = 0; i < out.length; i++) out[i] = fn(v[i]);
    return [{ values: out, shape: [...x.shape], dtype: x.dtype }];
  };
}

// int32 division truncates like C; PyTorch's true division of ints gives floats, which the op handles by casting.
const intSafe = (dtype: DType, v: number) => (dtype === 'int32' ? Math.trunc(v) : v);

const Where: RefKernel<'Where'> = ([cond, a, b]) => {
  const dtype = promoteTypes(a.dtype, b.dtype);
  const { outShape, offsets: [oc, oa, ob] } = broadcastOffsets([cond.shape, a.shape, b.shape]);
  const out = allocArray(dtype, sizeOf(outShape));
  const cv = cond.values, av = a.values, bv = b.values;
  for (let i = 0; i < out.length; i++) out[i] = cv[oc[i]] !== 0 ? av[oa[i]] : bv[ob[i]];
  return [{ values: out, shape: outShape, dtype }];
};

const Cast: RefKernel<'Cast'> = ([x], { dtype }) => {
  const out: TypedArray = allocArray(dtype, x.values.length);
  if (dtype === 'int32') for (let i = 0; i < out.length; i++) out[i] = Math.trunc(x.values[i]);
  else out.set(x.values);
  return [{ values: out, shape: [...x.shape], dtype }];
};

const Elu: RefKernel<'Elu'> = (inputs, { alpha }) => unary((x) => (x > 0 ? x : alpha * Math.expm1(x)))(inputs, {});
const LeakyRelu: RefKernel<'LeakyRelu'> = (inputs, { negativeSlope }) =>
  unary((x) => (x > 0 ? x : x * negativeSlope))(inputs, {});
const Clamp: RefKernel<'Clamp'> = (inputs, { min, max }) =>
  unary((x) => (x < min ? min : x > max ? max : x))(inputs, {});

/** Relu's backward from its output: select, not multiply, so dy = inf or NaN at y <= 0 still gives 0. */
const ReluGrad: RefKernel<'ReluGrad'> = ([dy, y]) => {
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new Error(`ReluGrad: dy [${dy.shape.join(',')}] and y [${y.shape.join(',')}] must have the same shape`);
  }
  const out = allocArray(dy.dtype, dy.values.length);
  const g = dy.values, yv = y.values;
  for (let i = 0; i < out.length; i++) out[i] = yv[i] <= 0 ? 0 : g[i];
  return [{ values: out, shape: [...dy.shape], dtype: dy.dtype }];
};

// PyTorch's maximum/minimum propagate NaN.
const maxNaN: BinaryFn = (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);
const minNaN: BinaryFn = (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b);

export const elementwiseKernels = {
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: ((inputs: Buf[], attrs: Record<string, never>) => {
    const dtype = promoteTypes(inputs[0].dtype, inputs[1].dtype);
    return binary((a, b) => intSafe(dtype, a / b))(inputs, attrs);
  }) satisfies RefKernel<'Div'>,
  Pow: binary((a, b) => Math.pow(a, b)),
  Maximum: binary(maxNaN),
  Minimum: binary(minNaN),
  Equal: binary((a, b) => (a === b ? 1 : 0), 'int32'),
  NotEqual: binary((a, b) => (a !== b ? 1 : 0), 'int32'),
  Greater: binary((a, b) => (a > b ? 1 : 0), 'int32'),
  GreaterEqual: binary((a, b) => (a >= b ? 1 : 0), 'int32'),
  Less: binary((a, b) => (a < b ? 1 : 0), 'int32'),
  LessEqual: binary((a, b) => (a <= b ? 1 : 0), 'int32'),
  Neg: unary((x) => -x),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Log1p: unary(Math.log1p),
  Sqrt: unary(Math.sqrt),
  Abs: unary(Math.abs),
  Sign: unary((x) => (x > 0 ? 1 : x < 0 ? -1 : x)),
  Relu: unary((x) => (x > 0 ? x : x !== x ? x : 0)),
  ReluGrad,
  // Split on sign so exp never overflows.
  Sigmoid: unary((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  Tanh: unary(Math.tanh),
  Elu,
  LeakyRelu,
  Clamp,
  Cast,
  Where,
} satisfies Pick<RefKernelTable,
  | 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum'
  | 'Equal' | 'NotEqual' | 'Greater' | 'GreaterEqual' | 'Less' | 'LessEqual'
  | 'Neg' | 'Exp' | 'Log' | 'Log1p' | 'Sqrt' | 'Abs' | 'Sign' | 'Relu' | 'ReluGrad' | 'Sigmoid' | 'Tanh'
  | 'Elu' | 'LeakyRelu' | 'Clamp' | 'Cast' | 'Where'>;
