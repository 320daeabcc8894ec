/**
 * PNG structure checks with libpng's strictness, run before pngjs decodes (pngjs accepts corrupt
 * and short image data and hands back uninitialised pixels). Every chunk's CRC, one IHDR first with
 * a valid depth/colour pair, PLTE where required, consecutive IDATs, IEND last; the image data must
 * inflate without error to exactly the size the header implies, with valid row filters. The decoded
 * size is capped from the header before anything is inflated.
 */
import { crc32, inflateSync } from 'node:zlib';
import { checkDecodedSize } from './limits.js';
import { NeocogError } from '../ops/validate.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Allowed bit depths per colour type (PNG spec table 11.1) and samples per pixel. */
const DEPTHS: Record<number, { depths: number[]; samples: number }> = {
  0: { depths: [1, 2, 4, 8, 16], samples: 1 },
  2: { depths: [8, 16], samples: 3 },
  3: { depths: [1, 2, 4, 8], samples: 1 },
  4: { depths: [8, 16], samples: 2 },
  6: { depths: [8, 16], samples: 4 },
};
/** Adam7 pass origins and steps: [x0, y0, dx, dy]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** Rows (count, bytes each without the filter byte) of the filtered image data. */
function rowsOf(h: PngHeader): [number, number][] {
  const bpp = DEPTHS[h.colorType].samples * h.bitDepth;
  const rowBytes = (w: number) => Math.ceil((w * bpp) / 8);
  if (h.interlace === 0) return [[h.height, rowBytes(h.width)]];
  return ADAM7.map(([x0, y0, dx, dy]) => {
    const w = Math.max(0, Math.ceil((h.width - x0) / dx));
    const n = Math.max(0, Math.ceil((h.height - y0) / dy));
    return [w === 0 ? 0 : n, rowBytes(w)] as [number, number];
  });
}

export function checkPng(bytes: Uint8Array, name: string): PngHeader {
  const bad = (m: string): never => { throw new NeocogError(name, `invalid PNG: ${m}`); };
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) bad('bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let header: PngHeader | null = null;
  let sawPlte = false;
  let idatState: 'before' | 'in' | 'after' = 'before';
  const idat: Uint8Array[] = [];
  let ended = false;
  while (!ended) {
    if (pos + 12 > bytes.length) bad(`truncated at byte ${pos} (no IEND chunk)`);
    const len = view.getUint32(pos);
    if (len > 0x7fffffff) bad(`chunk length ${len} at byte ${pos} exceeds 2^31-1`);
    if (pos + 12 + len > bytes.length) bad(`chunk at byte ${pos} runs past the end of the file (length ${len})`);
    const typeBytes = bytes.subarray(pos + 4, pos + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) bad(`chunk type at byte ${pos} is not 4 letters`);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    const crc = view.getUint32(pos + 8 + len);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + len)) !== crc) bad(`CRC error in ${type} chunk at byte ${pos}`);
    if (!header && type !== 'IHDR') bad(`first chunk is ${type}, not IHDR`);
    if (idatState === 'in' && type !== 'IDAT') idatState = 'after';
    switch (type) {
      case 'IHDR': {
        if (header) bad('duplicate IHDR chunk');
        if (len !== 13) bad(`IHDR length ${len}, expected 13`);
        const d = new DataView(data.buffer, data.byteOffset, 13);
        const h: PngHeader = { width: d.getUint32(0), height: d.getUint32(4), bitDepth: data[8], colorType: data[9], interlace: data[12] };
        if (h.width < 1 || h.height < 1 || h.width > 0x7fffffff || h.height > 0x7fffffff) bad(`image size ${h.width}x${h.height} is invalid`);
        const spec = DEPTHS[h.colorType];
        if (!spec) bad(`colour type ${h.colorType} is invalid`);
        if (!spec.depths.includes(h.bitDepth)) bad(`bit depth ${h.bitDepth} is invalid for colour type ${h.colorType}`);
        if (data[10] !== 0 || data[11] !== 0) bad('unknown compression or filter method');
        if (h.interlace > 1) bad(`unknown interlace method ${h.interlace}`);
        // pngjs decodes to 8-bit RGBA (16-bit: 16-bit RGBA): cap that before inflating anything.
        checkDecodedSize(name, `a ${h.width}x${h.height} PNG`, h.width * h.height * 4 * (h.bitDepth === 16 ? 2 : 1));
        header = h;
        break;
      }
      case 'PLTE':
        if (sawPlte) bad('duplicate PLTE chunk');
        if (idatState !== 'before') bad('PLTE after IDAT');
        if (len === 0 || len % 3 !== 0 || len > 768) bad(`PLTE length ${len} is invalid`);
        sawPlte = true;
        break;
      case 'IDAT':
        if (idatState === 'after') bad('IDAT chunks are not consecutive');
        if (header!.colorType === 3 && !sawPlte) bad('palette image without a PLTE chunk before IDAT');
        idatState = 'in';
        idat.push(data);
        break;
      case 'IEND':
        if (len !== 0) bad('IEND chunk has data');
        ended = true;
        break;
      default:
        // Unknown critical chunks (upper-case first letter) cannot be skipped safely.
        if (typeBytes[0] < 0x61) bad(`unknown critical chunk ${type}`);
    }
    pos += 12 + len;
  }
  if (pos !== bytes.length) bad(`${bytes.length - pos} bytes after IEND`);
  if (!idat.length) bad('no image data (IDAT chunk)');
  const h = header!;
  const rows = rowsOf(h);
  const expected = rows.reduce((a, [n, rb]) => a + n * (rb + 1), 0);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    const msg = (e as Error).message;
    return bad(/maxOutputLength|buffer/i.test(msg) ? `image data inflates to more than the ${expected} bytes a ${h.width}x${h.height} image holds` : `corrupt image data (zlib: ${msg})`);
  }
  if (raw.length !== expected) bad(`image data is ${raw.length < expected ? 'short' : 'long'}: ${raw.length} bytes, expected ${expected} for ${h.width}x${h.height}`);
  let at = 0;
  for (const [n, rb] of rows) {
    for (let r = 0; r < n; r++, at += rb + 1) if (raw[at] > 4) bad(`row filter ${raw[at]} is invalid`);
  }
  return h;
}
