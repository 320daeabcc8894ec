/**
 * Atomic file writes: the bytes go to a temp file beside the target, are flushed to disk, then renamed
 * over it, so a crash mid-write never leaves a half-written checkpoint or log under the real name.
 * (src/data/download.ts has an older copy of writeFileAtomic; it can be pointed here.)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

/** A file path argument: a non-empty string (Node's own message would not name the neocog function). */
export function checkPath(op: string, arg: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') fail(op, `${arg} must be a file path (a non-empty string), got ${show(v)}`);
}

/** Writes `data` (bytes or UTF-8 text) to a temp file beside `path`, fsyncs it, then renames it over `path`. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  checkPath('writeFileAtomic', 'path', path);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) fail('writeFileAtomic', `data must be a Uint8Array or a string, got ${show(data)}`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes `value` as pretty JSON, atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  checkPath('writeJsonAtomic', 'path', path);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (e) {
    fail('writeJsonAtomic', `value cannot be written as JSON (${(e as Error).message})`);
  }
  // JSON.stringify gives undefined for undefined, a function or a symbol: nothing JSON could read back.
  if (text === undefined) fail('writeJsonAtomic', `value must be JSON data, got ${show(value)}`);
  writeFileAtomic(path, `${text}\n`);
}
