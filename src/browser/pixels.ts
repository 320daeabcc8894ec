/**
 * Tensors from pixels and back, like tf.browser.fromPixels / toPixels but in PyTorch's layout:
 * fromPixels gives float32 [C,H,W] in [0,1] (what torchvision's ToTensor gives for a PIL image).
 * Sources: ImageData (or any { data, width, height } RGBA object), canvas / OffscreenCanvas,
 * HTMLImageElement, HTMLVideoElement, ImageBitmap; everything but ImageData is drawn on a canvas first.
 */
import { fromArray } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';

/** RGBA bytes, row-major, 4 per pixel (ImageData or an object shaped like it). */
export interface ImageDataLike {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type PixelSource = ImageDataLike | CanvasImageSource | OffscreenCanvas;

export interface FromPixelsOptions {
  /** 1 (grey: ITU-R 601-2 luma, exactly as Pillow's convert('L')), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
}

export interface ToImageDataOptions {
  /** The value shown black (default 0). */
  min?: number;
  /** The value shown white (default 1). */
  max?: number;
}

function isImageDataLike(s: unknown): s is ImageDataLike {
  const o = s as ImageDataLike;
  return typeof o === 'object' && o !== null && (o.data instanceof Uint8ClampedArray || o.data instanceof Uint8Array)
    && Number.isInteger(o.width) && Number.isInteger(o.height);
}

function sizeOf(s: CanvasImageSource | OffscreenCanvas): [number, number] {
  const o = s as { naturalWidth?: number; naturalHeight?: number; videoWidth?: number; videoHeight?: number; width?: unknown; height?: unknown };
  if (typeof o.naturalWidth === 'number' && o.naturalWidth > 0) return [o.naturalWidth, o.naturalHeight ?? 0];
  if (typeof o.videoWidth === 'number' && o.videoWidth > 0) return [o.videoWidth, o.videoHeight ?? 0];
  const w = typeof o.width === 'number' ? o.width : Number((o.width as { baseVal?: { value: number } })?.baseVal?.value);
  const h = typeof o.height === 'number' ? o.height : Number((o.height as { baseVal?: { value: number } })?.baseVal?.value);
  return [w, h];
}

/** Draws any drawable source on a canvas and reads its RGBA bytes back. */
function rasterize(s: CanvasImageSource | OffscreenCanvas): ImageDataLike {
  const [w, h] = sizeOf(s);
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0)) {
    throw new Error(`fromPixels: the source has no pixels yet (size ${w}x${h}); wait for the image to load (img.decode()) or the video to play`);
  }
  const g = globalThis as { OffscreenCanvas?: typeof OffscreenCanvas; document?: Document };
  let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (typeof g.OffscreenCanvas === 'function') {
    ctx = new g.OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
  } else if (g.document) {
    const c = g.document.createElement('canvas');
    c.width = w;
    c.height = h;
    ctx = c.getContext('2d', { willReadFrequently: true });
  } else {
    throw new Error('fromPixels: this environment has no canvas to draw the source on; pass ImageData or { data, width, height } instead');
  }
  if (!ctx) throw new Error('fromPixels: could not get a 2d canvas context');
  ctx.drawImage(s as CanvasImageSource, 0, 0);
  return ctx.getImageData(0, 0, w, h);
}

/** The pixels of `source` as a float32 tensor [channels, H, W] in [0, 1]. */
export function fromPixels(source: PixelSource, { channels = 3, ...rest }: FromPixelsOptions = {}): Tensor {
  const extra = Object.keys(rest);
  if (extra.length) throw new TypeError(`fromPixels: unknown option '${extra[0]}' (expected channels)`);
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new TypeError(`fromPixels: channels must be 1, 3 or 4, got ${String(channels)}`);
  if (source === null || typeof source !== 'object') throw new TypeError(`fromPixels: expected ImageData, a canvas, an image, a video or an ImageBitmap, got ${source === null ? 'null' : typeof source}`);
  const img = isImageDataLike(source) ? source : rasterize(source as CanvasImageSource);
  const { data, width: w, height: h } = img;
  const n = w * h;
  if (data.length !== 4 * n) throw new Error(`fromPixels: ${data.length} bytes do not hold ${w}x${h} RGBA pixels (expected ${4 * n})`);
  const out = new Float32Array(channels * n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) {
      // Pillow's convert('L') in 16-bit fixed point (libImaging/Convert.c, L24), then /255 as ToTensor does.
      out[i] = ((data[4 * i] * 19595 + data[4 * i + 1] * 38470 + data[4 * i + 2] * 7471 + 0x8000) >> 16) / 255;
    }
  } else {
    for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) out[c * n + i] = data[4 * i + c] / 255;
  }
  return fromArray(out, [channels, h, w]);
}

/**
 * A tensor [H,W], [1,H,W] (grey), [3,H,W] (RGB) or [4,H,W] (RGBA) as RGBA pixels: `min` maps to 0
 * and `max` to 255, clamped. Returns ImageData where it exists, else a { data, width, height } object.
 */
export function toImageData(x: Tensor, { min = 0, max = 1, ...rest }: ToImageDataOptions = {}): ImageData | ImageDataLike {
  const extra = Object.keys(rest);
  if (extra.length) throw new TypeError(`toImageData: unknown option '${extra[0]}' (expected min, max)`);
  if (!(x instanceof Tensor)) throw new TypeError(`toImageData: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) throw new RangeError(`toImageData: need finite min < max, got min ${min}, max ${max}`);
  const s = x.shape;
  const [c, h, w] = s.length === 2 ? [1, s[0], s[1]] : s.length === 3 ? [s[0], s[1], s[2]] : [0, 0, 0];
  if (!(c === 1 || c === 3 || c === 4) || h === 0 || w === 0) {
    throw new Error(`toImageData: expected shape [H,W] or [C,H,W] with C 1, 3 or 4 and H, W > 0, got [${s.join(',')}]`);
  }
  const v = x.dataSync();
  const n = h * w;
  const data = new Uint8ClampedArray(4 * n);
  const k = 255 / (max - min);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) data[4 * i + ch] = Math.round((Number(v[(c === 1 ? 0 : ch) * n + i]) - min) * k);
    data[4 * i + 3] = c === 4 ? Math.round((Number(v[3 * n + i]) - min) * k) : 255;
  }
  const g = globalThis as { ImageData?: typeof ImageData };
  return typeof g.ImageData === 'function' ? new g.ImageData(data, w, h) : { data, width: w, height: h };
}
