/**
 * IDX files (the MNIST / Fashion-MNIST format): a big-endian header `0x00 0x00 <type> <ndims>`,
 * one uint32 per dimension, then the values row-major. Raw and gzip files are both accepted; gzip is
 * detected by its magic bytes (0x1f 0x8b), not by the file name.
 */
import { fileLimits, readFileBounded } from './limits.js';
import { NeocogError, fail } from '../ops/validate.js';
import { integer, options, show } from '../ops/args.js';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Magic numbers of the two MNIST file kinds. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips when the bytes start with the gzip magic; errors name `name`. */
export function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    // Capped: a few MB of gzip can expand to gigabytes.
    return gunzipSync(bytes, { maxOutputLength: fileLimits().maxDecodedBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|buffer/i.test((e as Error).message)) {
      throw new NeocogError(name, `gzip data expands past the limit of ${fileLimits().maxDecodedBytes} bytes`, 'raise it with setFileLimits({ maxDecodedBytes }) if you trust the file');
    }
    throw new Error(`${name}: corrupt gzip data (${(e as Error).message}); the file is probably truncated, download it again`);
  }
}

/**
 * Parses IDX bytes (raw or gzip). `expectMagic` checks the whole 32-bit magic (e.g.
 * IDX_IMAGES_MAGIC); `name` (usually the file path) appears in every error.
 */
export function parseIdx(bytes: Uint8Array, opts: { name?: string; expectMagic?: number } = {}): IdxArray {
  if (!(bytes instanceof Uint8Array)) fail('parseIdx', `bytes must be a Uint8Array (or Buffer), got ${show(bytes)}`);
  opts = options<typeof opts>('parseIdx', opts, ['name', 'expectMagic']);
  if (opts.name !== undefined && typeof opts.name !== 'string') fail('parseIdx', `name must be a string, got ${show(opts.name)}`);
  if (opts.expectMagic !== undefined) integer('parseIdx', 'expectMagic', opts.expectMagic, { min: 0, max: 0xffffffff });
  const name = opts.name ?? 'IDX data';
  const raw = maybeGunzip(bytes, name);
  if (raw.length < 4) throw new Error(`${name}: truncated IDX file: expected at least 4 header bytes, got ${raw.length}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  const what = opts.expectMagic === IDX_IMAGES_MAGIC ? ' (images)' : opts.expectMagic === IDX_LABELS_MAGIC ? ' (labels)' : '';
  if (raw[0] !== 0 || raw[1] !== 0) {
    const expected = opts.expectMagic !== undefined ? hex(opts.expectMagic) + what : '0x0000TTNN';
    throw new Error(`${name}: wrong magic ${hex(magic)}: expected ${expected}; this is not an IDX file (MNIST images have 0x00000803, labels 0x00000801)`);
  }
  const typeCode = raw[2];
  const ndims = raw[3];
  if (typeCode !== 0x08) {
    const t = TYPE_NAMES[typeCode] ? `${TYPE_NAMES[typeCode]} (0x${typeCode.toString(16).padStart(2, '0')})` : `0x${typeCode.toString(16).padStart(2, '0')}`;
    throw new Error(`${name}: unsupported IDX type code ${t}; only unsigned bytes (0x08) are supported`);
  }
  if (opts.expectMagic !== undefined && magic !== opts.expectMagic) {
    throw new Error(`${name}: wrong magic ${hex(magic)}: expected ${hex(opts.expectMagic)}${what} (MNIST images have 0x00000803, labels 0x00000801)`);
  }
  if (ndims === 0) throw new Error(`${name}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) throw new Error(`${name}: truncated IDX file: expected ${headerBytes} header bytes, got ${raw.length}`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count;
  if (raw.length < expected) {
    throw new Error(`${name}: truncated IDX file: expected ${expected} bytes for dims [${dims.join(',')}], got ${raw.length}`);
  }
  if (raw.length > expected) {
    throw new Error(`${name}: IDX file has ${raw.length - expected} trailing bytes: expected ${expected} bytes for dims [${dims.join(',')}], got ${raw.length}`);
  }
  return { dims, data: raw.subarray(headerBytes, expected) };
}

/** Reads an IDX file (raw or gzip) from disk. */
export function readIdx(path: string, opts: { expectMagic?: number } = {}): IdxArray {
  const bytes = readFileBounded('readIdx', path);
  return parseIdx(bytes, { name: path, expectMagic: opts.expectMagic });
}

/** An images/labels pair, checked for matching counts. */
export function readIdxPair(imagesPath: string, labelsPath: string): { images: IdxArray; labels: IdxArray } {
  const images = readIdx(imagesPath, { expectMagic: IDX_IMAGES_MAGIC });
  const labels = readIdx(labelsPath, { expectMagic: IDX_LABELS_MAGIC });
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`image/label count mismatch: ${imagesPath} has ${images.dims[0]} images but ${labelsPath} has ${labels.dims[0]} labels`);
  }
  return { images, labels };
}
