/** RGBA images as plain data (browser-safe): from tensors, scaled, overlaid; ImageData in the browser. */
import type { Tensor } from '../tensor/tensor.js';
import { show } from '../ops/args.js';
import { checkColor, checkImage, checkTensor, fail } from './check.js';

export interface RGBAImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8ClampedArray;
}

export function blank(width: number, height: number, rgba: readonly number[] = [255, 255, 255, 255]): RGBAImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 1 << 26) fail('blank', `image size ${show(width)} x ${show(height)} must be positive integers (at most 64 Mpixel)`);
  checkColor('blank', 'rgba', rgba);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
}

/** A grey [H,W] / [1,H,W] or RGB [3,H,W] tensor with values in [0,1] (clamped) as RGBA. */
export function fromTensor(x: Tensor): RGBAImage {
  checkTensor('fromTensor', 'x', x);
  const shape = x.ndim === 2 ? [1, ...x.shape] : x.ndim === 4 && x.shape[0] === 1 ? x.shape.slice(1) : x.shape;
  if (shape.length !== 3 || (shape[0] !== 1 && shape[0] !== 3)) throw new Error(`render.fromTensor: expected [H,W], [1,H,W] or [3,H,W] with values in [0,1], got [${x.shape.join(',')}]`);
  const [c, h, w] = shape, v = x.dataSync(), img = blank(w, h);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < 3; k++) img.data[p * 4 + k] = Math.round(255 * v[(c === 1 ? 0 : k) * h * w + p]);
  return img;
}

/** Nearest-neighbour enlargement by an integer factor (small maps stay crisp). */
export function scale(img: RGBAImage, factor: number): RGBAImage {
  checkImage('scale', 'img', img);
  if (!Number.isInteger(factor) || factor < 1) fail('scale', `factor must be a positive integer, got ${show(factor)}`);
  if (factor === 1) return img;
  const out = blank(img.width * factor, img.height * factor);
  for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) {
    const s = (Math.floor(y / factor) * img.width + Math.floor(x / factor)) * 4;
    out.data.set(img.data.subarray(s, s + 4), (y * out.width + x) * 4);
  }
  return out;
}

/** base * (1 - alpha) + heat * alpha (same size). */
export function overlay(base: RGBAImage, heat: RGBAImage, alpha = 0.5): RGBAImage {
  checkImage('overlay', 'base', base);
  checkImage('overlay', 'heat', heat);
  if (base.width !== heat.width || base.height !== heat.height) throw new Error(`render.overlay: sizes differ (${base.width}x${base.height} vs ${heat.width}x${heat.height}); scale one first`);
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) fail('overlay', `alpha must be in [0, 1], got ${show(alpha)}`);
  const out = blank(base.width, base.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = (i & 3) === 3 ? 255 : base.data[i] * (1 - alpha) + heat.data[i] * alpha;
  return out;
}

/** The browser's ImageData for a canvas (putImageData). */
export function toImageData(img: RGBAImage): ImageData {
  checkImage('toImageData', 'img', img);
  const Ctor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (!Ctor) throw new Error('render.toImageData: ImageData is a browser API; in Node write PNG files with the node layer (writeRgbaPng)');
  return new Ctor(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height);
}
