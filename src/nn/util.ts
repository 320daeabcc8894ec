/** Constructor-argument checks shared by layers, and repr formatting. Errors name the layer and the argument. */
import { assertInt as checkInt, fail } from '../ops/validate.js';
import { show } from '../ops/args.js';

export { fail, assertInt as checkInt, assertNumber as checkNumber } from '../ops/validate.js';

export function checkBool(layer: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(layer, `${arg} must be true or false, got ${show(v)}`);
  return v;
}

/** A dropout-style probability in [0, 1]. */
export function checkProb(layer: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(layer, `dropout probability p must be in [0, 1], got ${show(v)}`, 'p is the probability of zeroing, e.g. 0.5');
  return v;
}

/** An int or n ints (PyTorch's _pair / _single), each >= min. */
export function ntuple(layer: string, arg: string, v: unknown, n: number, { min = -Infinity } = {}): number[] {
  const arr = Array.isArray(v) ? v : [v];
  if (arr.length === 1) return Array(n).fill(checkInt(layer, arg, arr[0], { min }));
  if (arr.length !== n) fail(layer, `${arg} must be an integer or ${n} integers, got ${show(v)}`);
  return arr.map((x) => checkInt(layer, arg, x, { min }));
}

export function checkOneOf<T extends string>(layer: string, arg: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(layer, `${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
  return v as T;
}

/** A value as it appears in a module's repr: arrays compact ([5,5]), strings quoted ('nearest'). */
export function repr(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(repr).join(',')}]`;
  if (v === undefined) return 'undefined';
  return String(v);
}

/** `key=value` pairs joined by ', '. */
export function kv(pairs: [string, unknown][]): string {
  return pairs.map(([k, v]) => `${k}=${repr(v)}`).join(', ');
}

/**
 * A layer's constructor configuration: every constructor argument by name (positional ones too, e.g.
 * { inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 }), as plain JSON data. Each layer's
 * `config()` returns it, and a model spec (src/spec) stores it as the layer's options.
 */
export type LayerConfig = Record<string, unknown>;

/** A tuple whose entries are all equal, collapsed to the one number (every int-or-tuple argument accepts either). */
export function compact(v: unknown): unknown {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && x === v[0]) ? v[0] : v;
}

/** `cfg` without undefined entries and without those equal to their constructor default, so a spec lists what differs. */
export function layerConfig(cfg: LayerConfig, defaults: LayerConfig = {}): LayerConfig {
  const out: LayerConfig = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (v === undefined || (k in defaults && JSON.stringify(v) === JSON.stringify(defaults[k]))) continue;
    out[k] = v;
  }
  return out;
}
