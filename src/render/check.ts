/** Argument checks for render: a JS caller gets an error naming the function, never a TypeError from inside a pixel loop. */
import { Tensor } from '../tensor/tensor.js';
import { integer, isPlainObject, options, show } from '../ops/args.js';
import { NeocogError } from '../ops/validate.js';
import type { RGBAImage } from './image.js';

export function fail(fn: string, message: string, hint?: string): never {
  throw new NeocogError(`render.${fn}`, message, hint);
}

export function checkImage(fn: string, arg: string, v: unknown): asserts v is RGBAImage {
  const img = v as Partial<RGBAImage> | null;
  if (!isPlainObject(img) || !Number.isInteger(img.width) || !Number.isInteger(img.height) || !ArrayBuffer.isView(img.data)) {
    fail(fn, `${arg} must be an RGBA image { width, height, data }, got ${show(v)}`);
  }
  if ((img.data as Uint8ClampedArray).length !== img.width! * img.height! * 4) fail(fn, `${arg}.data must hold width * height * 4 = ${img.width! * img.height! * 4} bytes, got ${(img.data as Uint8ClampedArray).length}`);
}

export function checkTensor(fn: string, arg: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) fail(fn, `${arg} must be a Tensor, got ${show(v)}`);
}

/** An array or typed array of numbers (values to colour, coordinates, labels). */
export function checkNumbers(fn: string, arg: string, v: unknown): asserts v is ArrayLike<number> {
  const ok = Array.isArray(v) ? v.every((x) => typeof x === 'number') : ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  if (!ok) fail(fn, `${arg} must be an array or typed array of numbers, got ${show(v)}`);
}

export function checkString(fn: string, arg: string, v: unknown): asserts v is string {
  if (typeof v !== 'string') fail(fn, `${arg} must be a string, got ${show(v)}`);
}

/** A colour [r, g, b] or [r, g, b, a], each in [0, 255]. */
export function checkColor(fn: string, arg: string, v: unknown): asserts v is readonly number[] {
  if (!Array.isArray(v) || (v.length !== 3 && v.length !== 4) || !v.every((x) => typeof x === 'number' && x >= 0 && x <= 255)) fail(fn, `${arg} must be [r, g, b] or [r, g, b, a] in [0, 255], got ${show(v)}`);
}

export function opts<T extends object>(fn: string, v: unknown, keys: readonly (keyof T & string)[]): Partial<T> {
  return options<T>(`render.${fn}`, v, keys);
}

export function int(fn: string, arg: string, v: unknown, min: number, max?: number): number {
  return integer(`render.${fn}`, arg, v, { min, max });
}
