/** Creating tensors: from JS data, constants, ranges and seeded random values. */
import { getBackend } from '../backends/registry.js';
import { allocArray, arrayDType, isFloat, type DType, type TypedArray } from './dtype.js';
import { sizeOf } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';
import { bool, checkSizes, finite, integer, isPlainObject, options, show } from '../ops/args.js';
import { NeocogError } from '../ops/validate.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type ShapeLike = number | readonly number[];

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

function checkShape(op: string, shape: ShapeLike): number[] {
  if (typeof shape !== 'number' && !Array.isArray(shape)) throw new NeocogError(op, `shape must be a number or an array of integers, got ${show(shape)}`);
  return checkSizes(op, 'shape', typeof shape === 'number' ? [shape] : [...shape]);
}

/** Checks { dtype, requiresGrad } (and `extra` keys) and returns the dtype, defaulting to `fallback`. */
function checkOpts(op: string, opts: unknown, extra: readonly string[] = []): { dtype?: DType; requiresGrad?: boolean; generator?: Generator } {
  const o = options<RandomOptions>(op, opts, ['dtype', 'requiresGrad', ...(extra as 'generator'[])]);
  if (o.dtype !== undefined && !DTYPES.includes(o.dtype)) {
    throw new NeocogError(op, `dtype must be one of ${DTYPES.join(', ')}, got ${show(o.dtype)}`, o.dtype === ('int64' as string) ? 'neocog stores integers as int32' : undefined);
  }
  if (o.requiresGrad !== undefined) bool(op, 'requiresGrad', o.requiresGrad);
  if (o.generator !== undefined && (o.generator === null || typeof (o.generator as Generator).random !== 'function')) throw new NeocogError(op, `generator must be a Generator, got ${show(o.generator)}`);
  return o;
}

/** int32 storage wraps silently; refuse values it cannot hold instead. */
function checkInt32(op: string, dtype: DType, v: number, where: string): void {
  if (dtype === 'int32' && !(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
    throw new NeocogError(op, `${where} ${show(v)} does not fit dtype int32 (integers in [-2^31, 2^31))`, 'use dtype float32 or float64');
  }
}

/** Wraps an array the caller hands over (no copy). */
export function fromArray(values: TypedArray, shape: number[], opts: TensorOptions = {}): Tensor {
  if (!(values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array)) {
    throw new NeocogError('fromArray', `values must be a Float32Array, Float64Array or Int32Array, got ${show(values)}`, 'tensor() copies from plain arrays and other typed arrays');
  }
  if (!Array.isArray(shape)) throw new NeocogError('fromArray', `shape must be an array of integers, got ${show(shape)}`);
  checkSizes('fromArray', 'shape', shape);
  if (opts !== undefined) {
    const o = checkOpts('fromArray', opts);
    if (o.dtype !== undefined && o.dtype !== arrayDType(values)) throw new NeocogError('fromArray', `dtype ${o.dtype} does not match the ${values.constructor.name} given`, 'omit dtype; it comes from the array');
  }
  const dtype = arrayDType(values);
  if (values.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${values.length} values do not fill shape [${shape.join(',')}] (${sizeOf(shape)} elements)`);
  }
  const backend = getBackend();
  const t = new Tensor({ dataId: backend.write(values, dtype), shape, dtype }, backend);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A new tensor whose values `fill(dst, at)` writes into `dst` from element `at` on (library use: dataset
 * batches). It may run now or whenever the values are needed, so it must read only arrays that never
 * change, write every element and run no tensor op.
 */
export function filledTensor(dtype: DType, shape: number[], fill: (dst: TypedArray, at: number) => void): Tensor {
  const backend = getBackend();
  if (backend.writeWith) return new Tensor({ dataId: backend.writeWith(dtype, sizeOf(shape), fill), shape, dtype }, backend);
  const values = allocArray(dtype, sizeOf(shape));
  fill(values, 0);
  return new Tensor({ dataId: backend.write(values, dtype), shape, dtype }, backend);
}

function inferShape(data: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (shape.length > 64) throw new NeocogError(op, 'nested arrays are more than 64 levels deep');
    level = level[0];
  }
  const flat = (Array.isArray(data) ? data : [data]).flat(Infinity as 1) as unknown[];
  if (flat.length !== sizeOf(shape)) throw new Error(`${op}: nested arrays are ragged; every row must have the same length (shape starts ${show(shape)})`);
  return shape;
}

/**
 * tensor(data, shape?, { dtype, requiresGrad }): data is a number, nested arrays or a typed array
 * (copied). The dtype defaults to float32, or the typed array's own type.
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], shape?: ShapeLike | TensorOptions, opts: TensorOptions = {}): Tensor {
  // tensor(data, { dtype }) as in torch.tensor(data, dtype=...): an options object in the shape's place.
  if (isPlainObject(shape) && arguments.length === 2) [shape, opts] = [undefined, shape as TensorOptions];
  const isTyped = ArrayBuffer.isView(data);
  if (isTyped && data instanceof DataView) throw new NeocogError('tensor', 'data must be a number, nested arrays or a typed array, got a DataView');
  if (!isTyped && typeof data !== 'number' && !Array.isArray(data)) throw new NeocogError('tensor', `data must be a number, nested arrays or a typed array, got ${show(data)}`);
  const o = checkOpts('tensor', opts);
  const dtype = o.dtype ?? (isTyped ? arrayDType(data as TypedArray) : 'float32');
  const resolvedArg = shape as ShapeLike | undefined;
  const resolved = resolvedArg !== undefined ? checkShape('tensor', resolvedArg) : isTyped ? [(data as TypedArray).length] : typeof data === 'number' ? [] : inferShape(data as NestedArray, 'tensor');
  const flat = isTyped ? (data as TypedArray) : typeof data === 'number' ? [data] : ((data as unknown[]).flat(Infinity as 1) as number[]);
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number') throw new NeocogError('tensor', `element ${i} is ${show(flat[i])}, expected a number`);
    checkInt32('tensor', dtype, flat[i], `element ${i}`);
  }
  if (flat.length !== sizeOf(resolved)) throw new NeocogError('tensor', `${flat.length} values do not fill shape [${resolved.join(',')}] (${sizeOf(resolved)} elements)`);
  const values = allocArray(dtype, flat.length);
  values.set(flat as ArrayLike<number>);
  return fromArray(values, resolved, { requiresGrad: o.requiresGrad });
}

function filled(op: string, shape: ShapeLike, value: unknown, opts: unknown): Tensor {
  const s = checkShape(op, shape);
  const o = checkOpts(op, opts);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new NeocogError(op, `fill value must be a number, got ${show(value)}`);
  const dtype = o.dtype ?? 'float32';
  checkInt32(op, dtype, Number(value), 'fill value');
  const values = allocArray(dtype, sizeOf(s));
  values.fill(Number(value));
  return fromArray(values, s, { requiresGrad: o.requiresGrad });
}

function like(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new NeocogError(op, `input must be a Tensor, got ${show(t)}`);
  return t;
}

export function full(shape: ShapeLike, value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

export const zeros = (shape: ShapeLike, opts: TensorOptions = {}) => filled('zeros', shape, 0, opts);
export const ones = (shape: ShapeLike, opts: TensorOptions = {}) => filled('ones', shape, 1, opts);
export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => filled('zerosLike', like('zerosLike', t).shape, 0, { dtype: t.dtype, ...checkOpts('zerosLike', opts) });
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => filled('onesLike', like('onesLike', t).shape, 1, { dtype: t.dtype, ...checkOpts('onesLike', opts) });
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) => filled('fullLike', like('fullLike', t).shape, value, { dtype: t.dtype, ...checkOpts('fullLike', opts) });

/** arange(end) or arange(start, end, step): int32 when all arguments are integers, like PyTorch. */
export function arange(start: number, end?: number | TensorOptions, step: number | TensorOptions = 1, opts: TensorOptions = {}): Tensor {
  // arange(end, { dtype }) / arange(start, end, { dtype }): options may follow any number of the numbers.
  if (isPlainObject(end)) [end, opts] = [undefined, end as TensorOptions];
  else if (isPlainObject(step)) [step, opts] = [1, step as TensorOptions];
  if (end === undefined) [start, end] = [0, start];
  finite('arange', 'start', start);
  finite('arange', 'end', end);
  finite('arange', 'step', step);
  if (step === 0) throw new NeocogError('arange', 'step must be non-zero');
  const n = Math.max(0, Math.ceil(((end as number) - start) / (step as number)));
  checkSizes('arange', 'length', [n]);
  const o = checkOpts('arange', opts);
  const dtype = o.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  checkInt32('arange', dtype, start, 'start');
  checkInt32('arange', dtype, start + (n - 1) * (step as number), 'last value');
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * (step as number);
  return fromArray(values, [n], { requiresGrad: o.requiresGrad });
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  finite('linspace', 'start', start);
  finite('linspace', 'end', end);
  checkSizes('linspace', 'steps', [integer('linspace', 'steps', steps, { min: 0 })]);
  const o = checkOpts('linspace', opts);
  if (o.dtype === 'int32') throw new NeocogError('linspace', 'dtype must be float32 or float64, got int32');
  const values = allocArray(o.dtype ?? 'float32', steps);
  for (let i = 0; i < steps; i++) values[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return fromArray(values, [steps], { requiresGrad: o.requiresGrad });
}

function random(op: string, shape: ShapeLike, opts: RandomOptions, sample: (g: Generator) => number): Tensor {
  const s = checkShape(op, shape);
  const o = checkOpts(op, opts, ['generator']);
  const dtype = o.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new NeocogError(op, `dtype must be float32 or float64, got ${dtype}`, 'randint makes integers');
  const g = o.generator ?? defaultGenerator;
  const values = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = sample(g);
  return fromArray(values, s, { requiresGrad: o.requiresGrad });
}

/** Uniform samples in [0, 1). */
export const rand = (shape: ShapeLike, opts: RandomOptions = {}) => random('rand', shape, opts, (g) => g.random());
/** Standard normal samples. */
export const randn = (shape: ShapeLike, opts: RandomOptions = {}) => random('randn', shape, opts, (g) => g.normal());
export const randLike = (t: Tensor, opts: RandomOptions = {}) => rand(like('randLike', t).shape, { dtype: t.dtype, ...checkOpts('randLike', opts, ['generator']) });
export const randnLike = (t: Tensor, opts: RandomOptions = {}) => randn(like('randnLike', t).shape, { dtype: t.dtype, ...checkOpts('randnLike', opts, ['generator']) });

/** Integers in [low, high) as int32. */
export function randint(low: number, high: number, shape: ShapeLike, opts: { generator?: Generator } = {}): Tensor {
  integer('randint', 'low', low, { min: -(2 ** 31) });
  integer('randint', 'high', high, { max: 2 ** 31 });
  const s = checkShape('randint', shape);
  if (!(high > low)) throw new NeocogError('randint', `high (${high}) must be greater than low (${low})`);
  const g = checkOpts('randint', opts, ['generator']).generator ?? defaultGenerator;
  const values = new Int32Array(sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = g.randint(low, high);
  return fromArray(values, s);
}

export function eye(n: number, opts: TensorOptions = {}): Tensor {
  checkSizes('eye', 'n', [integer('eye', 'n', n, { min: 0 }), n]);
  const o = checkOpts('eye', opts);
  const values = allocArray(o.dtype ?? 'float32', n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return fromArray(values, [n, n], { requiresGrad: o.requiresGrad });
}
