/**
 * GIF decoding through omggif: the first frame as a Raster (8-bit). Palettes whose colours are all
 * grey give one channel (DRIVE's masks), otherwise RGB; a transparent index adds an alpha channel.
 * The logical screen size is checked against the cap before the frame is decompressed.
 */
import { GifReader } from 'omggif';
import { checkBytes, checkRasterSize, decodeOptions, MAX_IMAGE_SAMPLES, type Raster } from './image-raster.js';

export function isGif(b: Uint8Array): boolean {
  checkBytes('isGif', b);
  return b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61;
}

export interface DecodeGifOptions {
  name?: string;
  maxSamples?: number;
}

export function decodeGif(bytes: Uint8Array, opts?: DecodeGifOptions): Raster {
  checkBytes('decodeGif', bytes);
  const { name = 'image', maxSamples = MAX_IMAGE_SAMPLES } = decodeOptions<DecodeGifOptions>('decodeGif', opts, ['name', 'maxSamples']);
  const op = `${name}: GIF`;
  if (!isGif(bytes)) throw new Error(`${op}: not a GIF file (no GIF87a/GIF89a header)`);
  if (bytes.length < 13) throw new Error(`${op}: truncated header`);
  // The logical screen size (bytes 6-9, little-endian) is known before omggif walks the blocks.
  checkRasterSize(op, bytes[6] | (bytes[7] << 8), bytes[8] | (bytes[9] << 8), 4, maxSamples);
  let reader: GifReader;
  const rgba = (w: number, h: number) => new Uint8Array(w * h * 4);
  let pixels: Uint8Array;
  let hasAlpha: boolean;
  try {
    reader = new GifReader(bytes);
    if (reader.numFrames() < 1) throw new Error('no frames');
    pixels = rgba(reader.width, reader.height);
    reader.decodeAndBlitFrameRGBA(0, pixels);
    hasAlpha = reader.frameInfo(0).transparent_index !== null;
  } catch (e) {
    throw new Error(`${op}: cannot decode (${(e as Error).message})`);
  }
  const { width, height } = reader;
  const n = width * height;
  let grey = true;
  for (let p = 0; p < n && grey; p++) grey = pixels[4 * p] === pixels[4 * p + 1] && pixels[4 * p] === pixels[4 * p + 2];
  const c = (grey ? 1 : 3) + (hasAlpha ? 1 : 0);
  const data = new Uint8Array(n * c);
  for (let p = 0; p < n; p++) {
    const o = p * c;
    if (grey) data[o] = pixels[4 * p];
    else {
      data[o] = pixels[4 * p];
      data[o + 1] = pixels[4 * p + 1];
      data[o + 2] = pixels[4 * p + 2];
    }
    if (hasAlpha) data[o + c - 1] = pixels[4 * p + 3];
  }
  return { width, height, channels: c, bits: 8, data };
}
