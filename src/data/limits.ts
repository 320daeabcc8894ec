/**
 * Size limits for reading untrusted files, checked before anything is allocated, and the one file
 * reader loaders share: regular files only (a FIFO would hang, /dev/zero would never end), size
 * known up front, read bounded.
 *
 * Override (documented in README, "Untrusted files"): `setFileLimits({ maxFileBytes: 4 * 2 ** 30 })`
 * in code, or the environment variables NEOCOG_MAX_FILE_BYTES / NEOCOG_MAX_DECODED_BYTES.
 */
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { NeocogError } from '../ops/validate.js';
import { integer, noExtra, options, show } from '../ops/args.js';

export interface FileLimits {
  /** Largest file any loader reads (default 2 GiB). */
  maxFileBytes: number;
  /** Largest decoded payload: image pixels x channels x bytes, gunzipped IDX, a dataset's tensors (default 1 GiB). */
  maxDecodedBytes: number;
}

function fromEnv(name: string, fallback: number): number {
  const v = typeof process !== 'undefined' ? process.env?.[name] : undefined;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new NeocogError('limits', `${name} must be a positive integer number of bytes, got ${show(v)}`);
  return n;
}

const limits: FileLimits = {
  maxFileBytes: fromEnv('NEOCOG_MAX_FILE_BYTES', 2 * 2 ** 30),
  maxDecodedBytes: fromEnv('NEOCOG_MAX_DECODED_BYTES', 2 ** 30),
};

export function fileLimits(): Readonly<FileLimits> {
  noExtra('fileLimits', arguments, 0);
  return { ...limits };
}

/** Raises or lowers the limits (e.g. for a 3 GB dataset you trust). Returns the previous values. */
export function setFileLimits(next: Partial<FileLimits>): FileLimits {
  const o = options<FileLimits>('setFileLimits', next, ['maxFileBytes', 'maxDecodedBytes']);
  const prev = { ...limits };
  if (o.maxFileBytes !== undefined) limits.maxFileBytes = integer('setFileLimits', 'maxFileBytes', o.maxFileBytes, { min: 1 });
  if (o.maxDecodedBytes !== undefined) limits.maxDecodedBytes = integer('setFileLimits', 'maxDecodedBytes', o.maxDecodedBytes, { min: 1 });
  return prev;
}

const HINT = 'raise the limit with setFileLimits() or NEOCOG_MAX_FILE_BYTES / NEOCOG_MAX_DECODED_BYTES if you trust the file';

/** Refuses a decoded size over the limit, before allocating it. */
export function checkDecodedSize(op: string, what: string, bytes: number): void {
  if (!(bytes <= limits.maxDecodedBytes)) throw new NeocogError(op, `${what} would take ${bytes} bytes, over the limit of ${limits.maxDecodedBytes}`, HINT);
}

/**
 * Reads a whole regular file, refusing anything else (directory, FIFO, device, socket) and files
 * over the limit. The descriptor is opened non-blocking, so even a FIFO swapped in after a check
 * cannot hang the open, and fstat decides on what was actually opened.
 */
export function readFileBounded(op: string, path: string, maxBytes = limits.maxFileBytes): Buffer {
  if (typeof path !== 'string' || path === '') throw new NeocogError(op, `path must be a non-empty string, got ${show(path)}`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new NeocogError(op, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new NeocogError(op, `${path} is ${kind}; only regular files are read`);
    }
    if (st.size > maxBytes) throw new NeocogError(op, `${path} is ${st.size} bytes, over the limit of ${maxBytes}`, HINT);
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    // A file that shrank while being read is refused rather than padded with stale memory.
    if (off !== st.size) throw new NeocogError(op, `${path} changed size while being read (${off} of ${st.size} bytes)`);
    return buf;
  } finally {
    closeSync(fd);
  }
}
