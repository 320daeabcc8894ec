/**
 * Every public function and class reachable from src/index.ts (namespaces walked recursively), with
 * its parameter list read from its source, so tests over "all exports" cover new ones automatically.
 */
import * as neocog from '../../src/index.js';

export interface Export {
  path: string;
  value: (...args: unknown[]) => unknown;
  isClass: boolean;
  /** Parameter source texts, e.g. ['x', '{ p = 0.5 } = {}']; null when the source could not be read. */
  params: string[] | null;
}

/** Splits the text between the first '(' at or after `from` and its matching ')' on top-level commas. */
function paramList(src: string, from: number): string[] | null {
  const open = src.indexOf('(', from);
  if (open < 0) return null;
  let depth = 0;
  let cur = '';
  const out: string[] = [];
  let quote: string | null = null;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      cur += c;
      if (c === '\\') cur += src[++i];
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') { quote = c; cur += c; continue; }
    if (c === '(' || c === '[' || c === '{') { depth++; if (depth === 1) continue; }
    if (c === ')' || c === ']' || c === '}') { depth--; if (depth === 0) { if (cur.trim()) out.push(cur.trim()); return out; } }
    if (c === ',' && depth === 1) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  return null;
}

function paramsOf(fn: (...a: unknown[]) => unknown, isClass: boolean): string[] | null {
  const src = Function.prototype.toString.call(fn);
  if (!isClass) {
    if (/^(async\s+)?function\b/.test(src) || /^\(/.test(src) || /^async\s*\(/.test(src)) return paramList(src, 0);
    const arrow = src.match(/^(async\s+)?([\w$]+)\s*=>/);
    return arrow ? [arrow[2]] : null;
  }
  // A class: its own constructor, else the nearest ancestor's.
  for (let c: unknown = fn; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const s = Function.prototype.toString.call(c);
    const at = s.search(/\bconstructor\s*\(/);
    if (at >= 0) return paramList(s, at);
  }
  return [];
}

function isNamespace(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype || Object.prototype.toString.call(v) === '[object Module]';
}

export function publicExports(): Export[] {
  const seen = new Set<unknown>();
  const out: Export[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const key of Object.keys(obj).sort()) {
      const v = obj[key];
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof v === 'function') {
        if (seen.has(v)) continue;
        seen.add(v);
        const isClass = /^class\b/.test(Function.prototype.toString.call(v));
        out.push({ path, value: v as Export['value'], isClass, params: paramsOf(v as Export['value'], isClass) });
      } else if (isNamespace(v)) {
        if (!seen.has(v)) { seen.add(v); walk(v as Record<string, unknown>, path); }
      }
    }
  };
  walk(neocog as unknown as Record<string, unknown>, '');
  return out;
}
