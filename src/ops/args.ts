/**
 * Argument handling shared by every public boundary (ops, layers, creation, loaders). JavaScript
 * callers have no type checker, so an argument is either used or rejected here with a message that
 * names the function and the argument — never ignored, never left to fail deep inside.
 */
import { NeocogError } from './validate.js';

/**
 * A value as a message should print it: JSON where JSON is faithful, and NaN, Infinity, undefined,
 * 1n, Symbol(x), functions and class instances by name where JSON.stringify would say `null` or throw.
 */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return v.name ? `function ${v.name}` : 'a function';
  if (v === undefined || v === null || typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length ?? v.byteLength})`;
  if (Array.isArray(v)) {
    if (depth > 2) return `[${v.length} items]`;
    const items = v.slice(0, 16).map((x) => show(x, depth + 1));
    return `[${items.join(',')}${v.length > 16 ? `,... ${v.length - 16} more` : ''}]`;
  }
  const o = v as object;
  if ('shape' in o && 'dtype' in o && Array.isArray((o as { shape: unknown }).shape)) {
    return `a Tensor [${(o as { shape: number[] }).shape.join(',')}] ${(o as { dtype: string }).dtype}`;
  }
  if (!isPlainObject(o)) return `a ${o.constructor?.name ?? 'object'}`;
  if (depth > 2) return '{...}';
  const keys = Object.keys(o);
  const body = keys.slice(0, 8).map((k) => `${JSON.stringify(k)}:${show((o as Record<string, unknown>)[k], depth + 1)}`);
  return `{${body.join(',')}${keys.length > 8 ? ',...' : ''}}`;
}

/** An object literal (or a null-prototype record): options bags are these, never class instances or arrays. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Damerau-free edit distance; small inputs only (option names, model names). */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest candidate to a misspelled name, if one is close enough to be a likely typo. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** ` (did you mean 'x'?)`, or the list of valid names when nothing is close. */
export function suggest(name: string, candidates: readonly string[]): string {
  const near = didYouMean(name, candidates);
  if (near) return `did you mean '${near}'?`;
  return candidates.length ? `valid: ${candidates.join(', ')}` : 'it takes no options';
}

/**
 * Checks an options bag: undefined means none; anything but a plain object is refused, and so is
 * every key outside `keys` (with a did-you-mean). Returns the bag typed.
 */
export function options<T extends object>(op: string, value: unknown, keys: readonly (keyof T & string)[], arg = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(op, `${arg} must be an object like { ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''} }, got ${show(value)}`);
  for (const k of Object.keys(value)) {
    if (!(keys as readonly string[]).includes(k)) fail(op, `unknown option '${k}'`, suggest(k, keys));
  }
  return value as Partial<T>;
}

/**
 * PyTorch-style calls: the values after the required arguments may come positionally (in `names`
 * order), as one options object, or positionally followed by an options object. A value given both
 * ways is refused, and so are more positional values than the function takes.
 */
export function positional<T extends object>(op: string, rest: readonly unknown[], names: readonly (keyof T & string)[], keys: readonly (keyof T & string)[] = names): Partial<T> {
  let pos = rest;
  let opts: Record<string, unknown> = {};
  // Trailing undefined values are "not given" (a wrapper forwarding its own optional arguments).
  while (pos.length && pos[pos.length - 1] === undefined) pos = pos.slice(0, -1);
  if (pos.length && isPlainObject(pos[pos.length - 1])) {
    opts = options<T>(op, pos[pos.length - 1], keys) as Record<string, unknown>;
    pos = pos.slice(0, -1);
  }
  if (pos.length > names.length) {
    const extra = pos[names.length];
    fail(op, `too many arguments: got ${show(extra)} after ${names.join(', ')}`, names.length ? `the optional arguments are (${names.join(', ')}), or pass an options object` : 'it takes no further arguments');
  }
  const out: Record<string, unknown> = { ...opts };
  pos.forEach((v, i) => {
    if (v === undefined) return;
    if (names[i] in opts) fail(op, `${names[i]} given twice: positionally (${show(v)}) and in options (${show(opts[names[i]])})`);
    out[names[i]] = v;
  });
  return out as Partial<T>;
}

/** Refuses arguments beyond those a function declares (a JS caller's extra value is never silently dropped). */
export function noExtra(op: string, args: ArrayLike<unknown>, declared: number): void {
  for (let i = args.length - 1; i >= declared; i--) {
    if (args[i] !== undefined) fail(op, `takes ${declared} argument${declared === 1 ? '' : 's'}, got an extra one: ${show(args[i])}`);
  }
}

/** The most elements one tensor may hold: kernels index with int32, and typed arrays stop near there. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Checks every dim is a non-negative integer and the product stays under MAX_ELEMENTS — before anything is allocated. */
export function checkSizes(op: string, arg: string, shape: readonly unknown[], max = MAX_ELEMENTS): number[] {
  let total = 1;
  shape.forEach((d, i) => {
    const where = shape.length === 1 ? arg : `${arg}[${i}]`;
    if (typeof d !== 'number' || !Number.isInteger(d)) fail(op, `${where} must be an integer, got ${show(d)}`);
    if (d < 0) fail(op, `${where} must be >= 0, got ${d}`);
    total *= d;
  });
  if (total > max) fail(op, `${arg} ${show(shape)} has ${total.toExponential(3)} elements, over the limit of ${max}`, 'a tensor holds at most 2^31-1 elements');
  return shape as number[];
}

/** A finite number (NaN and Infinity refused), optionally in [min, max]. */
export function finite(op: string, arg: string, v: unknown, { min = -Infinity, max = Infinity } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(op, `${arg} must be a finite number, got ${show(v)}`);
  if (v < min || v > max) fail(op, `${arg} must be in [${min}, ${max}], got ${v}`);
  return v;
}

/** An integer in [min, max] (NaN, Infinity, 1.5 and non-numbers refused). */
export function integer(op: string, arg: string, v: unknown, { min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(op, `${arg} must be an integer, got ${show(v)}`);
  if (v < min || v > max) fail(op, `${arg} must be in [${min}, ${max}], got ${v}`);
  return v;
}

export function bool(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(op, `${arg} must be true or false, got ${show(v)}`);
  return v;
}

/** One of a fixed set of strings, with a did-you-mean for near misses. */
export function oneOf<T extends string>(op: string, arg: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    fail(op, `${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`, typeof v === 'string' ? didYouMean(v, allowed) && `did you mean '${didYouMean(v, allowed)}'?` : undefined);
  }
  return v as T;
}

function fail(op: string, message: string, hint?: string): never {
  throw new NeocogError(op, message, hint);
}
