/** Option checks shared by the zoo's builders: errors name the model and the option. */
import { fail } from '../ops/validate.js';

export function posInt(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(model, `${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

export function posNumber(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail(model, `${name} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string | number | boolean>(model: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(model, `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** A probability in [0, 1). */
export function prob(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail(model, `${name} must be in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

export function checkKeys(model: string, opts: object | undefined, known: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object') fail(model, `options must be an object, got ${JSON.stringify(opts)}`);
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(model, `unknown option '${k}'`, `options are ${known.join(', ')}`);
}

/** torchvision's _make_divisible: v rounded to a multiple of divisor, never below 90% of v. */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let nv = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (nv < 0.9 * v) nv += divisor;
  return nv;
}
