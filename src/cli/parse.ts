/** Option value parsers for commander: each throws InvalidArgumentError, which commander reports in one line. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number.');
  return n;
}

/** '1,28,28' (or '1x28x28') -> [1, 28, 28]. */
export function shape(value: string): number[] {
  const v = value.trim();
  if (!/^\d+(\s*[,x]\s*\d+)*$/.test(v)) throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 1,28,28.');
  const dims = v.split(/\s*[,x]\s*/).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 1,28,28.');
  return dims;
}

/** A JSON object of model options, e.g. '{"nHidden":100}'. */
export function jsonObject(value: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"nHidden":100}\'.');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError('expected a JSON object, e.g. \'{"nHidden":100}\'.');
  return v as Record<string, unknown>;
}
