/**
 * TIFF decoding through utif2 (Photopea's decoder: uncompressed, LZW, Deflate, PackBits, JPEG):
 * the first image of the file as a Raster with 1-4 channels at 8 or 16 bits per sample. The header is
 * parsed and its size checked against a cap before any pixel is decompressed; layouts outside
 * grey/RGB(A) at 8/16 bits (palette, CMYK, float, 1-bit, tiled planar) are refused with their tags.
 */
import UTIF from 'utif2';
import { checkBytes, checkRasterSize, decodeOptions, MAX_IMAGE_SAMPLES, type Raster } from './image-raster.js';

export function isTiff(b: Uint8Array): boolean {
  checkBytes('isTiff', b);
  return b.length >= 8 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a));
}

function tag(ifd: Record<string, unknown>, id: number, fallback: number): number {
  const v = ifd[`t${id}`] as ArrayLike<number> | undefined;
  return v && v.length > 0 ? Number(v[0]) : fallback;
}

export interface DecodeTiffOptions {
  name?: string;
  /** Refuse images with more than this many samples (width x height x channels). */
  maxSamples?: number;
}

export function decodeTiff(bytes: Uint8Array, opts?: DecodeTiffOptions): Raster {
  checkBytes('decodeTiff', bytes);
  const { name = 'image', maxSamples = MAX_IMAGE_SAMPLES } = decodeOptions<DecodeTiffOptions>('decodeTiff', opts, ['name', 'maxSamples']);
  const op = `${name}: TIFF`;
  if (!isTiff(bytes)) throw new Error(`${op}: not a TIFF file (no II*/MM* header)`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let ifds: UTIF.IFD[];
  try {
    ifds = UTIF.decode(buf);
  } catch (e) {
    throw new Error(`${op}: cannot parse the header (${(e as Error).message})`);
  }
  if (ifds.length === 0) throw new Error(`${op}: no image directory`);
  const ifd = ifds[0] as unknown as Record<string, unknown>;
  const width = tag(ifd, 256, 0);
  const height = tag(ifd, 257, 0);
  const spp = tag(ifd, 277, 1);
  const bps = tag(ifd, 258, 1);
  const photometric = tag(ifd, 262, -1);
  const planar = tag(ifd, 284, 1);
  const format = tag(ifd, 339, 1);
  if (!(bps === 8 || bps === 16) || format !== 1) {
    throw new Error(`${op}: ${bps}-bit ${format === 3 ? 'float' : format === 2 ? 'signed' : 'unsigned'} samples are not supported (expected 8 or 16-bit unsigned)`);
  }
  if (!((photometric === 0 || photometric === 1) && (spp === 1 || spp === 2)) && !(photometric === 2 && (spp === 3 || spp === 4))) {
    throw new Error(`${op}: photometric interpretation ${photometric} with ${spp} samples per pixel is not supported (expected grey or RGB[A])`);
  }
  if (planar !== 1) throw new Error(`${op}: planar configuration ${planar} is not supported (expected interleaved samples)`);
  checkRasterSize(op, width, height, spp, maxSamples);
  // Every strip (or tile) must lie inside the file: utif2 would read past a truncated one as zeros.
  const offsets = (ifd.t273 ?? ifd.t324) as ArrayLike<number> | undefined;
  const counts = (ifd.t279 ?? ifd.t325) as ArrayLike<number> | undefined;
  if (!offsets || !counts || offsets.length !== counts.length) throw new Error(`${op}: missing or mismatched strip offsets / byte counts`);
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] + counts[i] > bytes.length) throw new Error(`${op}: strip ${i} (${counts[i]} bytes at ${offsets[i]}) runs past the end of the ${bytes.length}-byte file (truncated?)`);
  }
  try {
    UTIF.decodeImage(buf, ifds[0]);
  } catch (e) {
    throw new Error(`${op}: cannot decode the pixels (${(e as Error).message})`);
  }
  const raw = ifds[0].data;
  const n = width * height * spp;
  const bytesPer = bps / 8;
  if (!raw || raw.length < n * bytesPer) throw new Error(`${op}: the pixel data is truncated (${raw?.length ?? 0} of ${n * bytesPer} bytes)`);
  let data: Uint8Array | Uint16Array;
  if (bps === 8) data = Uint8Array.from(raw.subarray(0, n));
  else {
    // utif2 leaves 16-bit samples in the file's byte order.
    const big = bytes[0] === 0x4d;
    data = new Uint16Array(n);
    for (let i = 0; i < n; i++) data[i] = big ? (raw[2 * i] << 8) | raw[2 * i + 1] : raw[2 * i] | (raw[2 * i + 1] << 8);
  }
  if (photometric === 0) {
    // WhiteIsZero: invert so that larger means brighter, as everywhere else.
    const max = bps === 16 ? 65535 : 255;
    for (let i = 0; i < n; i += spp) data[i] = max - data[i];
  }
  return { width, height, channels: spp, bits: bps, data };
}
