/**
 * Argument checks shared by ops. Every message names the op and the argument, shows expected vs
 * actual, and where it helps, a hint — so bad input fails here, not deep inside a kernel.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { fmtShape } from '../tensor/shape.js';
import { show } from './args.js';

export class NeocogError extends Error {
  constructor(op: string, message: string, hint?: string) {
    super(`${op}: ${message}${hint ? ` (hint: ${hint})` : ''}`);
    this.name = 'NeocogError';
  }
}

export function fail(op: string, message: string, hint?: string): never {
  throw new NeocogError(op, message, hint);
}

export function assertTensor(op: string, arg: string, t: unknown): asserts t is Tensor {
  if (t === null || typeof t !== 'object' || !('shape' in t) || !('dataId' in t)) {
    fail(op, `${arg} must be a Tensor, got ${t === undefined ? 'nothing (undefined)' : show(t)}`);
  }
}

export function assertRank(op: string, arg: string, t: Tensor, ranks: number[], hint?: string): void {
  assertTensor(op, arg, t);
  if (!ranks.includes(t.ndim)) {
    const want = ranks.length === 1 ? `${ranks[0]}D` : ranks.map((r) => `${r}D`).join(' or ');
    fail(op, `${arg} must be ${want}, got ${t.ndim}D ${fmtShape(t.shape)}`, hint);
  }
}

export function assertFloat(op: string, arg: string, t: Tensor): void {
  if (!isFloat(t.dtype)) fail(op, `${arg} must be a floating-point tensor, got dtype ${t.dtype}`, `convert with .float()`);
}

export function assertDType(op: string, arg: string, t: Tensor, dtype: DType, hint?: string): void {
  if (t.dtype !== dtype) fail(op, `${arg} must have dtype ${dtype}, got ${t.dtype}`, hint);
}

export function assertSameDType(op: string, tensors: [string, Tensor | null | undefined][]): void {
  const present = tensors.filter((e): e is [string, Tensor] => !!e[1]);
  const first = present[0];
  for (const [name, t] of present.slice(1)) {
    if (t.dtype !== first[1].dtype) fail(op, `${name} has dtype ${t.dtype} but ${first[0]} has ${first[1].dtype}`, 'convert one of them with .float() or .double()');
  }
}

export function assertInt(op: string, arg: string, v: unknown, { min = -Infinity } = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(op, `${arg} must be an integer, got ${show(v)}`);
  if (v < min) fail(op, `${arg} must be >= ${min}, got ${v}`);
  return v;
}

export function assertNumber(op: string, arg: string, v: unknown, { min = -Infinity, max = Infinity, exclusiveMin = false } = {}): number {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${arg} must be a number, got ${show(v)}`);
  if (exclusiveMin ? v <= min : v < min) fail(op, `${arg} must be ${exclusiveMin ? '>' : '>='} ${min}, got ${v}`);
  if (v > max) fail(op, `${arg} must be <= ${max}, got ${v}`);
  return v;
}

/** Expands an int-or-tuple option (PyTorch's `_pair`) and checks every entry. */
export function tuple(op: string, arg: string, v: unknown, n: number, { min = -Infinity } = {}): number[] {
  const arr = Array.isArray(v) ? v : [v];
  if (arr.length === 1) return Array(n).fill(assertInt(op, arg, arr[0], { min }));
  if (arr.length !== n) fail(op, `${arg} must be an integer or an array of ${n} integers, got ${show(v)}`);
  return arr.map((x) => assertInt(op, arg, x, { min }));
}

/** Normalises a dim (negative counts from the end) and range-checks it. */
export function normDim(op: string, dim: number, rank: number, arg = 'dim'): number {
  assertInt(op, arg, dim);
  const d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= Math.max(rank, 1)) fail(op, `${arg} ${dim} is out of range for a ${rank}D tensor`, `use a value in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}]`);
  return d;
}
