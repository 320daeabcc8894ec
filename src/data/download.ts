/**
 * Fetching dataset files into a cache directory: md5-verified, written atomically (temp file +
 * rename, so an interrupted download never leaves a half file under the real name), skipped when a
 * verified copy is already cached. The fetch function is injectable so tests never touch the network;
 * file:// URLs are read from disk.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPath, writeFileAtomic } from '../io/atomic.js';
import { noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  statusText?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type FetchLike = (url: string) => Promise<FetchResponseLike>;

export function md5Hex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) fail('md5Hex', `bytes must be a Uint8Array (or Buffer), got ${show(bytes)}`);
  return createHash('md5').update(bytes).digest('hex');
}

/** Atomic writes (temp file + rename) are shared with src/io. */
export { writeFileAtomic };

/** The default fetch: file:// from disk, anything else through the global fetch. */
/** An absolute URL string (http(s): or file:); a bare path or a non-string is refused by name. */
function checkUrl(op: string, arg: string, url: unknown): asserts url is string {
  if (typeof url !== 'string' || !URL.canParse(url)) fail(op, `${arg} must be an absolute URL string (https://... or file://...), got ${show(url)}`);
}

export const defaultFetch: FetchLike = async (url) => {
  checkUrl('defaultFetch', 'url', url);
  if (url.startsWith('file:')) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(url));
    } catch {
      return { ok: false, status: 404, statusText: 'file not found', arrayBuffer: async () => new ArrayBuffer(0) };
    }
    return { ok: true, status: 200, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  }
  if (typeof globalThis.fetch !== 'function') throw new Error(`download: no global fetch to get ${url}; pass { fetch } or use Node >= 18`);
  return globalThis.fetch(url);
};

export function joinUrl(base: string, name: string): string {
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

export interface DownloadOptions {
  /** Expected md5 (hex); when given, both cached and fetched bytes are checked against it. */
  md5?: string;
  fetch?: FetchLike;
}

function checkDownload(op: string, opts: unknown): DownloadOptions {
  const o = options<DownloadOptions>(op, opts, ['md5', 'fetch']);
  if (o.md5 !== undefined && (typeof o.md5 !== 'string' || !/^[0-9a-fA-F]{32}$/.test(o.md5))) fail(op, `md5 must be 32 hex digits, got ${show(o.md5)}`);
  if (o.fetch !== undefined && typeof o.fetch !== 'function') fail(op, `fetch must be a function (url) => Promise<Response>, got ${show(o.fetch)}`);
  return o;
}

/**
 * Makes sure `dest` holds the file at `url`: a cached copy whose md5 matches is kept; otherwise the
 * file is fetched, verified and written atomically. Returns `dest`.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<string> {
  checkUrl('downloadFile', 'url', url);
  checkPath('downloadFile', 'dest', dest);
  noExtra('downloadFile', arguments, 3);
  const o = checkDownload('downloadFile', opts);
  const expected = o.md5?.toLowerCase();
  if (existsSync(dest)) {
    if (expected === undefined || md5Hex(readFileSync(dest)) === expected) return dest;
  }
  const res = await (o.fetch ?? defaultFetch)(url);
  if (!res.ok) throw new Error(`download: ${url} failed with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (expected !== undefined) {
    const got = md5Hex(bytes);
    if (got !== expected) {
      throw new Error(`download: md5 mismatch for ${url} (${bytes.length} bytes): expected ${expected}, got ${got}; the file is corrupt or not the official one, nothing was written to ${dest}`);
    }
  }
  writeFileAtomic(dest, bytes);
  return dest;
}

/** Downloads several files from one base URL into `cacheDir` (name -> md5 map). Returns cacheDir. */
export async function downloadAll(baseUrl: string, cacheDir: string, files: Record<string, string | undefined>, fetch?: FetchLike): Promise<string> {
  checkUrl('downloadAll', 'baseUrl', baseUrl);
  checkPath('downloadAll', 'cacheDir', cacheDir);
  if (files === null || typeof files !== 'object' || Array.isArray(files) || Object.values(files).some((v) => v !== undefined && typeof v !== 'string')) {
    fail('downloadAll', `files must map file names to md5 strings (or undefined), got ${show(files)}`);
  }
  if (fetch !== undefined && typeof fetch !== 'function') fail('downloadAll', `fetch must be a function (url) => Promise<Response>, got ${show(fetch)}`);
  noExtra('downloadAll', arguments, 4);
  for (const [name, md5] of Object.entries(files)) {
    await downloadFile(joinUrl(baseUrl, name), join(cacheDir, name), { md5, fetch });
  }
  return cacheDir;
}
