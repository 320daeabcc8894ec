/** Argument checks for segment's public functions: plain typed arrays and sizes, checked before any loop reads them. */
import { MAX_ELEMENTS, integer, isPlainObject, options, show } from '../ops/args.js';
import { NeocogError } from '../ops/validate.js';

export function fail(op: string, message: string, hint?: string): never {
  throw new NeocogError(op, message, hint);
}

/** A per-pixel map: a typed array or an array of numbers (a mask, probabilities, labels). */
export function checkMap(op: string, arg: string, v: unknown): asserts v is ArrayLike<number> {
  const ok = Array.isArray(v) ? v.every((x) => typeof x === 'number') : ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  if (!ok) fail(op, `${arg} must be a typed array (or an array of numbers), got ${show(v)}`);
}

/** Image height and width: positive integers whose product fits one array. */
export function checkHW(op: string, h: unknown, w: unknown): void {
  integer(op, 'h', h, { min: 1 });
  integer(op, 'w', w, { min: 1 });
  if ((h as number) * (w as number) > MAX_ELEMENTS) fail(op, `${h}x${w} is over the limit of ${MAX_ELEMENTS} pixels`);
}

export function checkFinite(op: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(op, `${arg} must be a finite number, got ${show(v)}`);
}

/** Functions returning a transform take no arguments: a value passed to them is a mistake, not an option. */
export function noArgs(op: string, args: ArrayLike<unknown>): void {
  for (let i = 0; i < args.length; i++) if (args[i] !== undefined) fail(op, `takes no arguments, got ${show(args[i])}`, `${op}() returns the transform`);
}

export { isPlainObject, options, show };
