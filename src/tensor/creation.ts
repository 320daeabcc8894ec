/** Creating tensors: from JS data, constants, ranges and seeded random values. */
import { getBackend } from '../backends/registry.js';
import { allocArray, arrayDType, isFloat, type DType, type TypedArray } from './dtype.js';
import { sizeOf } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type ShapeLike = number | readonly number[];

function checkShape(op: string, shape: ShapeLike): number[] {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape ${JSON.stringify(s)} must contain non-negative integers`);
  }
  return s;
}

/** Wraps an array the caller hands over (no copy). */
export function fromArray(values: TypedArray, shape: number[], opts: TensorOptions = {}): Tensor {
  const dtype = arrayDType(values);
  if (values.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${values.length} values do not fill shape [${shape.join(',')}] (${sizeOf(shape)} elements)`);
  }
  const backend = getBackend();
  const t = new Tensor({ dataId: backend.write(values, dtype), shape, dtype }, backend);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(data: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat = (Array.isArray(data) ? data : [data]).flat(Infinity as 1) as unknown[];
  if (flat.length !== sizeOf(shape)) throw new Error(`${op}: nested arrays are ragged; every row must have the same length (shape starts ${JSON.stringify(shape)})`);
  return shape;
}

/**
 * tensor(data, shape?, { dtype, requiresGrad }): data is a number, nested arrays or a typed array
 * (copied). The dtype defaults to float32, or the typed array's own type.
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], shape?: ShapeLike, opts: TensorOptions = {}): Tensor {
  const isTyped = ArrayBuffer.isView(data);
  const dtype = opts.dtype ?? (isTyped ? arrayDType(data as TypedArray) : 'float32');
  const flat = isTyped ? (data as TypedArray) : typeof data === 'number' ? [data] : ((data as unknown[]).flat(Infinity as 1) as number[]);
  const resolved = shape !== undefined ? checkShape('tensor', shape) : isTyped ? [flat.length] : typeof data === 'number' ? [] : inferShape(data as NestedArray, 'tensor');
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number') throw new Error(`tensor: element ${i} is ${typeof flat[i]}, expected a number`);
  }
  const values = allocArray(dtype, flat.length);
  values.set(flat as ArrayLike<number>);
  return fromArray(values, resolved, opts);
}

export function full(shape: ShapeLike, value: number, opts: TensorOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const values = allocArray(opts.dtype ?? 'float32', sizeOf(s));
  values.fill(value);
  return fromArray(values, s, opts);
}

export const zeros = (shape: ShapeLike, opts: TensorOptions = {}) => full(shape, 0, opts);
export const ones = (shape: ShapeLike, opts: TensorOptions = {}) => full(shape, 1, opts);
export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 0, { dtype: t.dtype, ...opts });
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 1, { dtype: t.dtype, ...opts });
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) => full(t.shape, value, { dtype: t.dtype, ...opts });

/** arange(end) or arange(start, end, step): int32 when all arguments are integers, like PyTorch. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromArray(values, [n], opts);
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  const values = allocArray(opts.dtype ?? 'float32', steps);
  for (let i = 0; i < steps; i++) values[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return fromArray(values, [steps], opts);
}

function random(op: string, shape: ShapeLike, opts: RandomOptions, sample: (g: Generator) => number): Tensor {
  const s = checkShape(op, shape);
  const dtype = opts.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new Error(`${op}: dtype must be float32 or float64, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const values = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = sample(g);
  return fromArray(values, s, opts);
}

/** Uniform samples in [0, 1). */
export const rand = (shape: ShapeLike, opts: RandomOptions = {}) => random('rand', shape, opts, (g) => g.random());
/** Standard normal samples. */
export const randn = (shape: ShapeLike, opts: RandomOptions = {}) => random('randn', shape, opts, (g) => g.normal());
export const randLike = (t: Tensor, opts: RandomOptions = {}) => rand(t.shape, { dtype: t.dtype, ...opts });
export const randnLike = (t: Tensor, opts: RandomOptions = {}) => randn(t.shape, { dtype: t.dtype, ...opts });

/** Integers in [low, high) as int32. */
export function randint(low: number, high: number, shape: ShapeLike, opts: { generator?: Generator } = {}): Tensor {
  const s = checkShape('randint', shape);
  if (!(high > low)) throw new Error(`randint: high (${high}) must be greater than low (${low})`);
  const g = opts.generator ?? defaultGenerator;
  const values = new Int32Array(sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = g.randint(low, high);
  return fromArray(values, s);
}

export function eye(n: number, opts: TensorOptions = {}): Tensor {
  const values = allocArray(opts.dtype ?? 'float32', n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return fromArray(values, [n, n], opts);
}
