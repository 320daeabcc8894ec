/**
 * A decoded raster of any bit depth: the common result of the TIFF and GIF decoders, kept at full
 * precision (16-bit samples stay 16-bit) until it becomes a float tensor in [0,1].
 */
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { integer, oneOf, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export interface Raster {
  width: number;
  height: number;
  /** Samples per pixel, interleaved (HWC): 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** 8 or 16: the largest value is 2^bits - 1. */
  bits: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/** The default cap on width x height x channels before anything is allocated (256 Mi samples). */
export const MAX_IMAGE_SAMPLES = 2 ** 28;

const MODES = ['auto', 'L', 'RGB', 'RGBA'] as const;

/** Encoded image bytes as the decoders take them (a Buffer is a Uint8Array). */
export function checkBytes(op: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) fail(op, `bytes must be a Uint8Array (or a Buffer), got ${show(bytes)}`);
}

/** The decoders' options bag: unknown keys refused, each value checked. */
export function decodeOptions<T extends { name?: string; maxSamples?: number; mode?: (typeof MODES)[number] }>(op: string, opts: unknown, keys: readonly (keyof T & string)[]): Partial<T> {
  const o = options<T>(op, opts, keys);
  if (o.name !== undefined && typeof o.name !== 'string') fail(op, `name must be a string, got ${show(o.name)}`);
  if (o.maxSamples !== undefined) integer(op, 'maxSamples', o.maxSamples, { min: 1 });
  if (o.mode !== undefined) oneOf(op, 'mode', o.mode, MODES);
  return o;
}

/** A Raster as the decoders return it: sizes, depth and sample count agree. */
export function checkRaster(op: string, r: unknown): asserts r is Raster {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) fail(op, `the raster must be { width, height, channels, bits, data }, got ${show(r)}`);
  const { width, height, channels, bits, data } = r as Record<string, unknown>;
  integer(op, 'width', width, { min: 1 });
  integer(op, 'height', height, { min: 1 });
  integer(op, 'channels', channels, { min: 1, max: 4 });
  if (bits !== 8 && bits !== 16) fail(op, `bits must be 8 or 16, got ${show(bits)}`);
  if (!(bits === 8 ? data instanceof Uint8Array : data instanceof Uint16Array)) fail(op, `data must be a ${bits === 8 ? 'Uint8Array' : 'Uint16Array'} for ${bits}-bit samples, got ${show(data)}`);
  const want = (width as number) * (height as number) * (channels as number);
  if ((data as Uint8Array).length !== want) fail(op, `data has ${(data as Uint8Array).length} samples, expected ${width}x${height}x${channels} = ${want}`);
}

/** Throws before decoding when the header's size is absurd or larger than the cap. */
export function checkRasterSize(op: string, width: number, height: number, channels: number, maxSamples = MAX_IMAGE_SAMPLES): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${op}: invalid image size ${width}x${height} in the header`);
  }
  if (width * height * channels > maxSamples) {
    throw new Error(`${op}: ${width}x${height}x${channels} samples exceed the limit of ${maxSamples} (pass a larger maxSamples if the file is trusted)`);
  }
}

/**
 * Converts channels: 'auto' keeps them; 'L' makes grey (ITU-R 601-2 luma, as PIL, from colour; alpha
 * dropped); 'RGB' and 'RGBA' replicate grey and add an opaque alpha where needed.
 */
export function convertRaster(r: Raster, mode: 'auto' | 'L' | 'RGB' | 'RGBA'): Raster {
  checkRaster('convertRaster', r);
  oneOf('convertRaster', 'mode', mode, MODES);
  const want = mode === 'auto' ? r.channels : mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
  if (want === r.channels) return r;
  const n = r.width * r.height;
  const src = r.data;
  const c = r.channels;
  const max = r.bits === 16 ? 65535 : 255;
  const out = r.bits === 16 ? new Uint16Array(n * want) : new Uint8Array(n * want);
  for (let p = 0; p < n; p++) {
    const s = p * c;
    const grey = c >= 3 ? Math.round(0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2]) : src[s];
    const alpha = c === 2 ? src[s + 1] : c === 4 ? src[s + 3] : max;
    const o = p * want;
    if (want === 1) out[o] = grey;
    else {
      out[o] = c >= 3 ? src[s] : grey;
      out[o + 1] = c >= 3 ? src[s + 1] : grey;
      out[o + 2] = c >= 3 ? src[s + 2] : grey;
      if (want === 4) out[o + 3] = alpha;
    }
  }
  return { ...r, channels: want, data: out };
}

/** HWC samples -> float32 [C,H,W] in [0,1] (divided by 255 or 65535). */
export function rasterToTensor(r: Raster): Tensor {
  checkRaster('rasterToTensor', r);
  const { width: w, height: h, channels: c, data } = r;
  const scale = 1 / (r.bits === 16 ? 65535 : 255);
  const hw = w * h;
  const out = new Float32Array(c * hw);
  for (let i = 0, p = 0; p < hw; p++) for (let k = 0; k < c; k++, i++) out[k * hw + p] = data[i] * scale;
  return fromArray(out, [c, h, w]);
}

/** 16-bit samples rounded to 8 bits (for callers that hold bytes, e.g. RawImage). */
export function rasterTo8Bit(r: Raster): Raster {
  if (r.bits === 8) return r;
  const out = new Uint8Array(r.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(r.data[i] / 257);
  return { ...r, bits: 8, data: out };
}
