/** Option checks shared by the zoo's builders: errors name the model and the option. */
import { fail } from '../ops/validate.js';
import { isPlainObject, options, show } from '../ops/args.js';

export function posInt(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(model, `${name} must be a positive integer, got ${show(v)}`);
  return v;
}

export function posNumber(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail(model, `${name} must be a positive number, got ${show(v)}`);
  return v;
}

export function oneOf<T extends string | number | boolean>(model: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(model, `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(v)}`);
  return v as T;
}

/** A probability in [0, 1). */
export function prob(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail(model, `${name} must be in [0, 1), got ${show(v)}`);
  return v;
}

export function checkKeys(model: string, opts: object | undefined, known: readonly string[]): void {
  options<Record<string, unknown>>(model, opts, known);
}

/** The options bag of a wrapper that spreads it into another builder: refused unless a plain object. */
export function plainOptions<T extends object>(model: string, o: T | undefined): T {
  if (o !== undefined && !isPlainObject(o)) fail(model, `options must be an object, got ${show(o)}`);
  return (o ?? {}) as T;
}

/** torchvision's _make_divisible: v rounded to a multiple of divisor, never below 90% of v. */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let nv = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (nv < 0.9 * v) nv += divisor;
  return nv;
}
