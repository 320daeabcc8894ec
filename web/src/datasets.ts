/** The embedded datasets (gzipped NCDS files written by tools/web-data.ts), and IDX files from disk. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Caps what an opened file may claim before anything is allocated (60k 28x28 images is 47 MB). */
const MAX_IMAGES = 200_000;

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parses an NCDS file: 'NCDS', u32 LE count, rows, cols, pixels, labels. */
export function parseNcds(b: Uint8Array, source: string): ImageSet {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 16 || String.fromCharCode(b[0], b[1], b[2], b[3]) !== 'NCDS') throw new Error(`${source}: not an NCDS dataset file`);
  const count = v.getUint32(4, true), rows = v.getUint32(8, true), cols = v.getUint32(12, true);
  if (count > MAX_IMAGES || rows !== 28 || cols !== 28 || b.length !== 16 + count * rows * cols + count) throw new Error(`${source}: bad NCDS header (${count} x ${rows}x${cols}, ${b.length} bytes)`);
  return { images: b.subarray(16, 16 + count * rows * cols), labels: b.subarray(16 + count * rows * cols), count, rows, cols };
}

export async function fetchSet(url: string): Promise<ImageSet> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseNcds(await gunzip(new Uint8Array(await res.arrayBuffer())), url);
}

/** An IDX file (MNIST / Fashion-MNIST layout, optionally gzipped): magic 0x803 images or 0x801 labels. */
export async function parseIdxFile(file: Blob & { name?: string }): Promise<{ kind: 'images' | 'labels'; data: Uint8Array; count: number }> {
  const name = file.name ?? 'file';
  if (file.size > 64 * 2 ** 20) throw new Error(`${name}: ${file.size} bytes is more than an MNIST-sized IDX file`);
  const b = await gunzip(new Uint8Array(await file.arrayBuffer()));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 8) throw new Error(`${name}: too short for an IDX file`);
  const magic = v.getUint32(0, false), count = v.getUint32(4, false);
  if (count > MAX_IMAGES) throw new Error(`${name}: claims ${count} items (at most ${MAX_IMAGES})`);
  if (magic === 0x801) {
    if (b.length !== 8 + count) throw new Error(`${name}: ${b.length} bytes, expected ${8 + count} for ${count} labels`);
    return { kind: 'labels', data: b.subarray(8), count };
  }
  if (magic === 0x803) {
    const rows = v.getUint32(8, false), cols = v.getUint32(12, false);
    if (rows !== 28 || cols !== 28) throw new Error(`${name}: images are ${rows}x${cols}, the playground trains on 28x28`);
    if (b.length !== 16 + count * 784) throw new Error(`${name}: ${b.length} bytes, expected ${16 + count * 784}`);
    return { kind: 'images', data: b.subarray(16), count };
  }
  throw new Error(`${name}: magic 0x${magic.toString(16)} is neither IDX images (0x803) nor labels (0x801)`);
}
