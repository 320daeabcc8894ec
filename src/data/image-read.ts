/**
 * Reads any image the datasets use (PNG, JPEG, TIFF, GIF) as a Raster or a float tensor, keeping
 * 16-bit TIFF samples at full precision (decodeImage / readImage give 8-bit bytes).
 */
import { readFileSync, statSync } from 'node:fs';
import { decodeImage, type ImageMode } from './image-folder.js';
import { decodeGif, isGif } from './image-gif.js';
import { checkBytes, convertRaster, decodeOptions, MAX_IMAGE_SAMPLES, rasterToTensor, type Raster } from './image-raster.js';
import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';
import { decodeTiff, isTiff } from './image-tiff.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ReadRasterOptions {
  mode?: ImageMode;
  name?: string;
  maxSamples?: number;
}

/** Decodes PNG / JPEG / TIFF / GIF bytes (by magic bytes) to a Raster in the requested mode. */
export function decodeRaster(bytes: Uint8Array, opts?: ReadRasterOptions): Raster {
  checkBytes('decodeRaster', bytes);
  const { mode = 'auto', name = 'image', maxSamples = MAX_IMAGE_SAMPLES } = decodeOptions<ReadRasterOptions>('decodeRaster', opts, ['mode', 'name', 'maxSamples']);
  let r: Raster;
  if (isTiff(bytes)) r = decodeTiff(bytes, { name, maxSamples });
  else if (isGif(bytes)) r = decodeGif(bytes, { name, maxSamples });
  else {
    const img = decodeImage(bytes, { mode, name });
    return { width: img.width, height: img.height, channels: img.channels ?? img.data.length / (img.width * img.height), bits: 8, data: Uint8Array.from(img.data) };
  }
  return convertRaster(r, mode);
}

/** The largest file readRaster accepts (compressed images of the cap's size stay far below it). */
export const MAX_IMAGE_FILE_BYTES = 1 << 30;

function checkPath(op: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') fail(op, `path must be a file path (a non-empty string), got ${show(path)}`);
}

export function readRaster(path: string, opts?: Omit<ReadRasterOptions, 'name'>): Raster {
  checkPath('readRaster', path);
  opts = decodeOptions<ReadRasterOptions>('readRaster', opts, ['mode', 'maxSamples']);
  let bytes: Uint8Array;
  try {
    const size = statSync(path).size;
    if (size > MAX_IMAGE_FILE_BYTES) throw new Error(`${size} bytes is over the ${MAX_IMAGE_FILE_BYTES}-byte limit`);
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readRaster: cannot read ${path} (${(e as Error).message})`);
  }
  return decodeRaster(bytes, { ...opts, name: path });
}

/** Any supported image file as float32 [C,H,W] in [0,1]. */
export function readImageTensor(path: string, opts?: Omit<ReadRasterOptions, 'name'>): Tensor {
  checkPath('readImageTensor', path);
  opts = decodeOptions<ReadRasterOptions>('readImageTensor', opts, ['mode', 'maxSamples']);
  return rasterToTensor(readRaster(path, opts));
}
