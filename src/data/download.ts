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
import { writeFileAtomic } from '../io/atomic.js';

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  statusText?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type FetchLike = (url: string) => Promise<FetchResponseLike>;

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Atomic writes (temp file + rename) are shared with src/io. */
export { writeFileAtomic };

/** The default fetch: file:// from disk, anything else through the global fetch. */
export const defaultFetch: FetchLike = async (url) => {
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

/**
 * Makes sure `dest` holds the file at `url`: a cached copy whose md5 matches is kept; otherwise the
 * file is fetched, verified and written atomically. Returns `dest`.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<string> {
  const expected = opts.md5?.toLowerCase();
  if (existsSync(dest)) {
    if (expected === undefined || md5Hex(readFileSync(dest)) === expected) return dest;
  }
  const res = await (opts.fetch ?? defaultFetch)(url);
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
  for (const [name, md5] of Object.entries(files)) {
    await downloadFile(joinUrl(baseUrl, name), join(cacheDir, name), { md5, fetch });
  }
  return cacheDir;
}
