/**
 * Image transforms and augmentation on CHW float tensors, torchvision-style:
 *
 *   const t = Compose([RandomCrop(28, { padding: 2 }), RandomHorizontalFlip(), Normalize(0.1307, 0.3081)]);
 *
 * Each factory returns a plain function Tensor -> Tensor. Pixels are read once with dataSync, the
 * maths runs on typed arrays, and a new tensor (same dtype) comes back; inputs are never modified.
 * Random transforms draw from `opts.generator` (default: the global one, seeded by manualSeed).
 */
import { fromArray } from '../tensor/creation.js';
import { allocArray, isFloat, type FloatArray } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { finite, noExtra, options, positional, show } from '../ops/args.js';
import { assertTensor, fail } from '../ops/validate.js';

export type Transform<I = Tensor, O = Tensor> = (x: I) => O;

export interface RandomOptions {
  generator?: Generator;
}

interface Chw {
  c: number;
  h: number;
  w: number;
  v: FloatArray;
  dtype: 'float32' | 'float64';
}

function read(op: string, x: Tensor): Chw {
  if (x.ndim !== 3) throw new Error(`${op}: expected an image tensor [C,H,W], got [${x.shape.join(',')}]`);
  if (!isFloat(x.dtype)) throw new Error(`${op}: expected a float image (values in [0,1]), got dtype ${x.dtype}; use ToTensor or cast first`);
  return { c: x.shape[0], h: x.shape[1], w: x.shape[2], v: x.dataSync() as FloatArray, dtype: x.dtype as 'float32' | 'float64' };
}

function make(dtype: 'float32' | 'float64', c: number, h: number, w: number): FloatArray {
  return allocArray(dtype, c * h * w) as FloatArray;
}

function pair(op: string, name: string, v: number | readonly number[]): [number, number] {
  if (typeof v !== 'number' && (!Array.isArray(v) || v.length !== 2)) throw new Error(`${op}: ${name} must be a number or [h, w], got ${show(v)}`);
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`${op}: ${name} must be positive integers, got ${show(v)}`);
  return p;
}

const gen = (o: RandomOptions) => o.generator ?? defaultGenerator;

/** Checks a random transform's options (keys and the generator) once, when the transform is made. */
function randomOptions<T extends RandomOptions>(op: string, opts: unknown, keys: readonly (keyof T & string)[]): Partial<T> {
  const o = options<T>(op, opts, keys);
  checkGenerator(op, o.generator);
  return o;
}

function checkGenerator(op: string, g: unknown): void {
  if (g !== undefined && (g === null || typeof g !== 'object' || typeof (g as Partial<Generator>).random !== 'function')) fail(op, `generator must be a Generator, got ${show(g)}`);
}
const uniform = (g: Generator, lo: number, hi: number) => lo + g.random() * (hi - lo);

/** Applies transforms left to right. */
export function Compose<T = Tensor>(transforms: readonly Transform<any, any>[]): Transform<T, any> {
  if (!Array.isArray(transforms)) fail('Compose', `transforms must be an array of functions, got ${show(transforms)}`);
  transforms.forEach((t, i) => { if (typeof t !== 'function') fail('Compose', `transforms[${i}] must be a function, got ${show(t)}`); });
  noExtra('Compose', arguments, 1);
  return (x) => transforms.reduce((acc, t) => t(acc), x as unknown);
}

/** An image as bytes in HWC order (a decoded PNG/JPEG, a canvas ImageData). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Default: data.length / (width * height). */
  channels?: number;
}

/** HWC bytes -> float32 tensor [C,H,W] in [0,1] (torchvision's ToTensor). */
export function toTensor(img: RawImage): Tensor {
  const raw = img as Partial<RawImage> | null;
  if (raw === null || typeof raw !== 'object' || !(raw.data instanceof Uint8Array || raw.data instanceof Uint8ClampedArray)) {
    fail('toTensor', `img must be { data: Uint8Array (HWC bytes), width, height, channels? }, got ${show(img)}`);
  }
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(raw[k]) || (raw[k] as number) < 1) fail('toTensor', `img.${k} must be a positive integer, got ${show(raw[k])}`);
  }
  if (raw.channels !== undefined && (!Number.isInteger(raw.channels) || raw.channels < 1)) fail('toTensor', `img.channels must be a positive integer, got ${show(raw.channels)}`);
  const { data, width: w, height: h } = img;
  const c = img.channels ?? data.length / (w * h);
  if (!Number.isInteger(c) || c < 1 || data.length !== c * h * w) {
    throw new Error(`toTensor: ${data.length} bytes do not make a ${h}x${w} image with ${img.channels ?? '?'} channels`);
  }
  const out = new Float32Array(c * h * w);
  for (let i = 0, p = 0; p < h * w; p++) for (let k = 0; k < c; k++, i++) out[k * h * w + p] = data[i] / 255;
  return fromArray(out, [c, h, w]);
}

export function ToTensor(): Transform<RawImage, Tensor> {
  noExtra('ToTensor', arguments, 0);
  return toTensor;
}

/** (x - mean[c]) / std[c] per channel; mean and std are one number or one per channel. */
export function Normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const perChannel = (name: string, v: unknown): number[] => {
    if (typeof v === 'number') return [finite('Normalize', name, v)];
    if (!Array.isArray(v) || v.length === 0) fail('Normalize', `${name} must be a number or an array of one per channel, got ${show(v)}`);
    return v.map((x, i) => finite('Normalize', `${name}[${i}]`, x));
  };
  const means = perChannel('mean', mean);
  const stds = perChannel('std', std);
  noExtra('Normalize', arguments, 2);
  if (stds.some((s) => s === 0)) throw new Error(`Normalize: std ${show(std)} contains a zero`);
  return (x) => {
    const { c, h, w, v, dtype } = read('Normalize', x);
    for (const [name, a] of [['mean', means], ['std', stds]] as const) {
      if (a.length !== 1 && a.length !== c) throw new Error(`Normalize: ${name} has ${a.length} values but the image has ${c} channels`);
    }
    const out = make(dtype, c, h, w);
    const hw = h * w;
    for (let k = 0; k < c; k++) {
      const m = means[means.length === 1 ? 0 : k];
      const s = stds[stds.length === 1 ? 0 : k];
      for (let i = k * hw; i < (k + 1) * hw; i++) out[i] = (v[i] - m) / s;
    }
    return fromArray(out, [c, h, w]);
  };
}

/** Padding as [left, top, right, bottom] from a number, [horizontal, vertical] or four values. */
function padding4(op: string, p: number | readonly number[]): [number, number, number, number] {
  const q = typeof p === 'number' ? [p, p, p, p] : !Array.isArray(p) ? null : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? [...p] : null;
  if (!q || q.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${op}: padding must be a non-negative integer, [lr, tb] or [l, t, r, b], got ${show(p)}`);
  return q as [number, number, number, number];
}

/** Constant padding (default zero) of an image. */
export function pad(x: Tensor, padding: number | readonly number[], fill = 0): Tensor {
  assertTensor('pad', 'x', x);
  const [l, t, r, b] = padding4('pad', padding);
  const { c, h, w, v, dtype } = read('pad', x);
  const H = h + t + b;
  const W = w + l + r;
  const out = make(dtype, c, H, W);
  if (fill !== 0) out.fill(fill);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) out.set(v.subarray((k * h + y) * w, (k * h + y + 1) * w), (k * H + y + t) * W + l);
  return fromArray(out, [c, H, W]);
}

/** Pad(padding, fill) as torchvision, or Pad(padding, { fill }). */
export function Pad(padding: number | readonly number[], opts: { fill?: number } | number = {}, ...rest: never[]): Transform {
  padding4('Pad', padding);
  const { fill = 0 } = positional<{ fill?: number }>('Pad', [opts, ...rest], ['fill']);
  finite('Pad', 'fill', fill);
  return (x) => pad(x, padding, fill);
}

/** The window [top, top+h) x [left, left+w) of an image. */
export function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  assertTensor('crop', 'x', x);
  const { c, h, w, v, dtype } = read('crop', x);
  if (top < 0 || left < 0 || top + height > h || left + width > w) {
    throw new Error(`crop: window top=${top} left=${left} ${height}x${width} does not fit in a ${h}x${w} image`);
  }
  const out = make(dtype, c, height, width);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < height; y++) out.set(v.subarray((k * h + top + y) * w + left, (k * h + top + y) * w + left + width), (k * height + y) * width);
  }
  return fromArray(out, [c, height, width]);
}

export function CenterCrop(size: number | readonly number[]): Transform {
  const [ch, cw] = pair('CenterCrop', 'size', size);
  noExtra('CenterCrop', arguments, 1);
  return (x) => {
    const [, h, w] = x.shape;
    if (ch > h || cw > w) throw new Error(`CenterCrop: crop ${ch}x${cw} is larger than the image ${h}x${w}`);
    return crop(x, Math.round((h - ch) / 2), Math.round((w - cw) / 2), ch, cw);
  };
}

export interface RandomCropOptions extends RandomOptions {
  /** Padding added first: a number, [lr, tb] or [l, t, r, b]. */
  padding?: number | readonly number[];
  /** Pad further when the image is smaller than the crop. */
  padIfNeeded?: boolean;
  fill?: number;
}

/** A crop of `size` at a uniformly random position, after optional padding (the CIFAR/MNIST shift augmentation). */
export function RandomCrop(size: number | readonly number[], opts: RandomCropOptions | number | readonly number[] = {}, ...rest: [padIfNeeded?: boolean, fill?: number]): Transform {
  const [ch, cw] = pair('RandomCrop', 'size', size);
  // torchvision's RandomCrop(size, padding, pad_if_needed, fill) positionally, or one options object.
  const o = positional<RandomCropOptions>('RandomCrop', [opts, ...rest], ['padding', 'padIfNeeded', 'fill'], ['padding', 'padIfNeeded', 'fill', 'generator']);
  checkGenerator('RandomCrop', o.generator);
  if (o.padding !== undefined) padding4('RandomCrop', o.padding);
  if (o.padIfNeeded !== undefined && typeof o.padIfNeeded !== 'boolean') fail('RandomCrop', `padIfNeeded must be true or false, got ${show(o.padIfNeeded)}`);
  if (o.fill !== undefined) finite('RandomCrop', 'fill', o.fill);
  return randomCrop(ch, cw, o);
}

function randomCrop(ch: number, cw: number, opts: RandomCropOptions): Transform {
  return (x) => {
    let img = opts.padding !== undefined ? pad(x, opts.padding, opts.fill ?? 0) : x;
    if (img.ndim !== 3) read('RandomCrop', img);
    if (opts.padIfNeeded) {
      const dh = Math.max(0, ch - img.shape[1]);
      const dw = Math.max(0, cw - img.shape[2]);
      if (dh > 0 || dw > 0) img = pad(img, [dw, dh, dw, dh], opts.fill ?? 0);
    }
    const [, h, w] = img.shape;
    if (ch > h || cw > w) throw new Error(`RandomCrop: crop ${ch}x${cw} is larger than the (padded) image ${h}x${w}; add padding or padIfNeeded`);
    const g = gen(opts);
    const top = g.randint(0, h - ch + 1);
    const left = g.randint(0, w - cw + 1);
    return crop(img, top, left, ch, cw);
  };
}

/** Mirror left-right. */
export function hflip(x: Tensor): Tensor {
  assertTensor('hflip', 'x', x);
  const { c, h, w, v, dtype } = read('hflip', x);
  const out = make(dtype, c, h, w);
  for (let r = 0; r < c * h; r++) for (let j = 0; j < w; j++) out[r * w + j] = v[r * w + w - 1 - j];
  return fromArray(out, [c, h, w]);
}

/** Mirror top-bottom. */
export function vflip(x: Tensor): Tensor {
  assertTensor('vflip', 'x', x);
  const { c, h, w, v, dtype } = read('vflip', x);
  const out = make(dtype, c, h, w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) out.set(v.subarray((k * h + h - 1 - y) * w, (k * h + h - y) * w), (k * h + y) * w);
  return fromArray(out, [c, h, w]);
}

/** Mirrors with probability p (otherwise returns the input tensor itself). */
export function RandomHorizontalFlip(p = 0.5, opts: RandomOptions = {}): Transform {
  finite('RandomHorizontalFlip', 'p', p, { min: 0, max: 1 });
  const o = randomOptions<RandomOptions>('RandomHorizontalFlip', opts, ['generator']);
  noExtra('RandomHorizontalFlip', arguments, 2);
  return (x) => (gen(o).random() < p ? hflip(x) : x);
}

export function RandomVerticalFlip(p = 0.5, opts: RandomOptions = {}): Transform {
  finite('RandomVerticalFlip', 'p', p, { min: 0, max: 1 });
  const o = randomOptions<RandomOptions>('RandomVerticalFlip', opts, ['generator']);
  noExtra('RandomVerticalFlip', arguments, 2);
  return (x) => (gen(o).random() < p ? vflip(x) : x);
}

/**
 * Bilinear sampling through an inverse map: out(x, y) = in(a*x' + b*y' + cx, c*x' + d*y' + cy) with
 * x', y' relative to `shift`; neighbours outside the image contribute `fill`.
 */
function warp(src: Chw, outH: number, outW: number, inv: (x: number, y: number) => [number, number], fill: number): FloatArray {
  const { c, h, w, v, dtype } = src;
  const out = make(dtype, c, outH, outW);
  const at = (k: number, y: number, x: number) => (x >= 0 && x < w && y >= 0 && y < h ? v[(k * h + y) * w + x] : fill);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const [sx, sy] = inv(x, y);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
        for (let k = 0; k < c; k++) out[(k * outH + y) * outW + x] = fill;
        continue;
      }
      for (let k = 0; k < c; k++) {
        let s = (1 - fx) * (1 - fy) * at(k, y0, x0);
        if (fx !== 0) s += fx * (1 - fy) * at(k, y0, x0 + 1);
        if (fy !== 0) s += (1 - fx) * fy * at(k, y0 + 1, x0) + (fx !== 0 ? fx * fy * at(k, y0 + 1, x0 + 1) : 0);
        out[(k * outH + y) * outW + x] = s;
      }
    }
  }
  return out;
}

/**
 * Bilinear resize (half-pixel centres, like PyTorch's align_corners=false, no antialiasing).
 * A number resizes the shorter side to it keeping the aspect ratio; [h, w] sets both.
 */
export function Resize(size: number | readonly number[]): Transform {
  pair('Resize', 'size', size);
  // torchvision's interpolation / max_size / antialias are not implemented: refused, not ignored.
  noExtra('Resize', arguments, 1);
  return (x) => {
    const src = read('Resize', x);
    let oh: number;
    let ow: number;
    if (typeof size === 'number') {
      if (src.h <= src.w) [oh, ow] = [size, Math.max(1, Math.floor((size * src.w) / src.h))];
      else [oh, ow] = [Math.max(1, Math.floor((size * src.h) / src.w)), size];
    } else [oh, ow] = [size[0], size[1]];
    const sy = src.h / oh;
    const sx = src.w / ow;
    const clampTo = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
    const out = warp(src, oh, ow, (x, y) => [clampTo((x + 0.5) * sx - 0.5, src.w), clampTo((y + 0.5) * sy - 0.5, src.h)], 0);
    return fromArray(out, [src.c, oh, ow]);
  };
}

export interface RandomAffineOptions extends RandomOptions {
  /** Rotation in degrees, counter-clockwise: d for [-d, d], or [min, max]. */
  degrees: number | readonly [number, number];
  /** Maximum shift as fractions of [width, height]. */
  translate?: readonly [number, number];
  /** Scale factor range [min, max]. */
  scale?: readonly [number, number];
  /** Shear along x in degrees: s for [-s, s], or [min, max]. */
  shear?: number | readonly [number, number];
  /** Value for pixels mapped from outside the image. */
  fill?: number;
}

function range(op: string, name: string, v: number | readonly number[]): [number, number] {
  if (typeof v === 'number') {
    finite(op, name, v);
    if (v < 0) throw new Error(`${op}: ${name} must be non-negative when a single number, got ${v}`);
    return [-v, v];
  }
  if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || !(v[0] <= v[1])) throw new Error(`${op}: ${name} must be a number or [min, max], got ${show(v)}`);
  return [v[0], v[1]];
}

/**
 * Random rotation, translation, scale and shear about the image centre, sampled bilinearly with a
 * constant fill (zero by default). With zero degrees and no translate/scale/shear it is the identity.
 */
export function RandomAffine(opts: RandomAffineOptions | number | readonly [number, number], ...rest: [translate?: readonly [number, number], scale?: readonly [number, number], shear?: number | readonly [number, number]]): Transform {
  const op = 'RandomAffine';
  // torchvision's RandomAffine(degrees, translate, scale, shear) positionally, or one options object.
  const o = positional<RandomAffineOptions>(op, [opts, ...rest], ['degrees', 'translate', 'scale', 'shear'], ['degrees', 'translate', 'scale', 'shear', 'fill', 'generator']) as RandomAffineOptions;
  checkGenerator(op, o.generator);
  if (o.degrees === undefined) fail(op, 'degrees is required (0 for no rotation)');
  if (o.fill !== undefined) finite(op, 'fill', o.fill);
  return randomAffine(o);
}

function randomAffine(opts: RandomAffineOptions): Transform {
  const op = 'RandomAffine';
  const deg = range(op, 'degrees', opts.degrees);
  const shear = opts.shear !== undefined ? range(op, 'shear', opts.shear) : undefined;
  if (opts.translate !== undefined && (!Array.isArray(opts.translate) || opts.translate.length !== 2 || opts.translate.some((t) => !(t >= 0 && t <= 1)))) {
    throw new Error(`${op}: translate must be [fx, fy] with fractions in [0, 1], got ${show(opts.translate)}`);
  }
  if (opts.scale !== undefined && (!Array.isArray(opts.scale) || opts.scale.length !== 2 || !(opts.scale[0] > 0 && opts.scale[0] <= opts.scale[1]))) {
    throw new Error(`${op}: scale must be [min, max] with 0 < min <= max, got ${show(opts.scale)}`);
  }
  return (x) => {
    const src = read(op, x);
    const g = gen(opts);
    const angle = (uniform(g, deg[0], deg[1]) * Math.PI) / 180;
    const tx = opts.translate ? uniform(g, -opts.translate[0], opts.translate[0]) * src.w : 0;
    const ty = opts.translate ? uniform(g, -opts.translate[1], opts.translate[1]) * src.h : 0;
    const s = opts.scale ? uniform(g, opts.scale[0], opts.scale[1]) : 1;
    const sh = shear ? (uniform(g, shear[0], shear[1]) * Math.PI) / 180 : 0;
    return affine(x, { angle, translate: [tx, ty], scale: s, shear: sh, fill: opts.fill ?? 0 }, src);
  };
}

/**
 * A fixed affine warp about the centre: angle (radians, counter-clockwise as seen), translate in
 * pixels [x, y], scale, x-shear (radians). Forward map: p' = R(angle) · Shear · scale · (p - c) + c + t.
 */
export function affine(x: Tensor, p: { angle?: number; translate?: readonly [number, number]; scale?: number; shear?: number; fill?: number }, pre?: Chw): Tensor {
  assertTensor('affine', 'x', x);
  const src = pre ?? read('affine', x);
  const { angle = 0, scale = 1, shear = 0, fill = 0 } = p;
  const [tx, ty] = p.translate ?? [0, 0];
  // Image coordinates have y pointing down, so a visually counter-clockwise rotation is [[cos, sin], [-sin, cos]].
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const k = Math.tan(shear);
  // A = R · [[1, k], [0, 1]] · scale
  const a = cos * scale;
  const b = (cos * k + sin) * scale;
  const c = -sin * scale;
  const d = (-sin * k + cos) * scale;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new Error('affine: the transform is singular (scale 0 or shear ±90°)');
  const [ia, ib, ic, id] = [d / det, -b / det, -c / det, a / det];
  const cx = (src.w - 1) / 2;
  const cy = (src.h - 1) / 2;
  const out = warp(src, src.h, src.w, (ox, oy) => {
    const px = ox - cx - tx;
    const py = oy - cy - ty;
    return [ia * px + ib * py + cx, ic * px + id * py + cy];
  }, fill);
  return fromArray(out, [src.c, src.h, src.w]);
}

export interface ColorJitterOptions extends RandomOptions {
  /** f for factors in [max(0, 1-f), 1+f], or [min, max]. */
  brightness?: number | readonly [number, number];
  contrast?: number | readonly [number, number];
  saturation?: number | readonly [number, number];
  /** h in [0, 0.5] for hue shifts in [-h, h] (fractions of the colour wheel), or [min, max]. */
  hue?: number | readonly [number, number];
}

function factorRange(name: string, v: number | readonly [number, number] | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') {
    finite('ColorJitter', name, v);
    if (v < 0) throw new Error(`ColorJitter: ${name} must be non-negative, got ${v}`);
    return v === 0 ? undefined : [Math.max(0, 1 - v), 1 + v];
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isFinite(v[1]) || !(v[0] >= 0 && v[0] <= v[1])) throw new Error(`ColorJitter: ${name} must be a number or [min, max] with 0 <= min <= max, got ${show(v)}`);
  return [v[0], v[1]];
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
const gray = (r: number, g: number, b: number) => 0.2989 * r + 0.587 * g + 0.114 * b;

/**
 * Random brightness, contrast, saturation and hue changes, applied in a random order (torchvision's
 * ColorJitter; with mirroring and crops, the AlexNet-style colour augmentation). Works on 1-channel
 * (brightness/contrast only), RGB and RGBA (alpha untouched) images; results are clamped to [0, 1].
 */
export function ColorJitter(opts: ColorJitterOptions | number | readonly [number, number] = {}, ...rest: (number | readonly [number, number])[]): Transform {
  // torchvision's ColorJitter(brightness, contrast, saturation, hue) positionally, or one options object.
  const o = positional<ColorJitterOptions>('ColorJitter', [opts, ...rest], ['brightness', 'contrast', 'saturation', 'hue'], ['brightness', 'contrast', 'saturation', 'hue', 'generator']);
  checkGenerator('ColorJitter', o.generator);
  return colorJitter(o);
}

function colorJitter(opts: ColorJitterOptions): Transform {
  const brightness = factorRange('brightness', opts.brightness);
  const contrast = factorRange('contrast', opts.contrast);
  const saturation = factorRange('saturation', opts.saturation);
  let hue: [number, number] | undefined;
  if (opts.hue !== undefined) {
    const h = typeof opts.hue === 'number' ? [-opts.hue, opts.hue] : Array.isArray(opts.hue) && opts.hue.length === 2 ? [opts.hue[0], opts.hue[1]] : [NaN, NaN];
    if (!(h[0] >= -0.5 && h[1] <= 0.5 && h[0] <= h[1])) throw new Error(`ColorJitter: hue must be in [0, 0.5] or a [min, max] inside [-0.5, 0.5], got ${show(opts.hue)}`);
    if (h[0] !== 0 || h[1] !== 0) hue = [h[0], h[1]];
  }
  return (x) => {
    const { c, h, w, v, dtype } = read('ColorJitter', x);
    const g = gen(opts);
    const order = [0, 1, 2, 3];
    for (let i = 3; i > 0; i--) {
      const j = Math.floor(g.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const bf = brightness && uniform(g, brightness[0], brightness[1]);
    const cf = contrast && uniform(g, contrast[0], contrast[1]);
    const sf = saturation && uniform(g, saturation[0], saturation[1]);
    const hf = hue && uniform(g, hue[0], hue[1]);
    const out = make(dtype, c, h, w);
    out.set(v);
    const hw = h * w;
    const rgb = c >= 3;
    const colour = rgb ? 3 : c; // channels touched (alpha stays)
    for (const step of order) {
      if (step === 0 && bf !== undefined) {
        for (let i = 0; i < colour * hw; i++) out[i] = clamp01(out[i] * bf);
      } else if (step === 1 && cf !== undefined) {
        let m = 0;
        if (rgb) for (let p = 0; p < hw; p++) m += gray(out[p], out[hw + p], out[2 * hw + p]);
        else for (let p = 0; p < hw; p++) m += out[p];
        m /= hw;
        for (let i = 0; i < colour * hw; i++) out[i] = clamp01(cf * out[i] + (1 - cf) * m);
      } else if (step === 2 && sf !== undefined && rgb) {
        for (let p = 0; p < hw; p++) {
          const gr = gray(out[p], out[hw + p], out[2 * hw + p]);
          for (let k = 0; k < 3; k++) out[k * hw + p] = clamp01(sf * out[k * hw + p] + (1 - sf) * gr);
        }
      } else if (step === 3 && hf !== undefined && rgb) {
        for (let p = 0; p < hw; p++) shiftHue(out, p, hw, hf);
      }
    }
    return fromArray(out, [c, h, w]);
  };
}

/** Rotates the hue of pixel p (RGB planes hw apart) by `shift` turns, through HSV. */
function shiftHue(a: FloatArray, p: number, hw: number, shift: number): void {
  const r = a[p];
  const g = a[hw + p];
  const b = a[2 * hw + p];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  if (delta === 0) return; // grey: hue undefined, unchanged
  let hue = max === r ? (g - b) / delta : max === g ? 2 + (b - r) / delta : 4 + (r - g) / delta;
  hue = (hue / 6 + shift) % 1;
  if (hue < 0) hue += 1;
  const s = delta / max;
  const h6 = hue * 6;
  const i = Math.floor(h6) % 6;
  const f = h6 - Math.floor(h6);
  const pv = max * (1 - s);
  const qv = max * (1 - s * f);
  const tv = max * (1 - s * (1 - f));
  const [nr, ng, nb] = [[max, tv, pv], [qv, max, pv], [pv, max, tv], [pv, qv, max], [tv, pv, max], [max, pv, qv]][i];
  a[p] = nr;
  a[hw + p] = ng;
  a[2 * hw + p] = nb;
}

/** ImageNet RGB eigenvalues / eigenvectors used by AlexNet's PCA lighting noise. */
export const IMAGENET_EIGVAL: readonly number[] = [0.2175, 0.0188, 0.0045];
export const IMAGENET_EIGVEC: readonly (readonly number[])[] = [
  [-0.5675, 0.7192, 0.4009],
  [-0.5808, -0.0045, -0.814],
  [-0.5836, -0.6948, 0.4203],
];

/**
 * AlexNet's "colour perturbation": adds eigvec · (alpha ⊙ eigval) to the RGB channels, with
 * alpha ~ N(0, alphaStd) drawn per image (Krizhevsky et al. 2012, section 4.1).
 */
export function Lighting(opts: RandomOptions & { alphaStd?: number; eigval?: readonly number[]; eigvec?: readonly (readonly number[])[] } = {}): Transform {
  type LightingOptions = RandomOptions & { alphaStd?: number; eigval?: readonly number[]; eigvec?: readonly (readonly number[])[] };
  const o = randomOptions<LightingOptions>('Lighting', opts, ['alphaStd', 'eigval', 'eigvec', 'generator']);
  noExtra('Lighting', arguments, 1);
  const { alphaStd = 0.1, eigval = IMAGENET_EIGVAL, eigvec = IMAGENET_EIGVEC } = o;
  finite('Lighting', 'alphaStd', alphaStd, { min: 0 });
  if (!Array.isArray(eigval) || eigval.length !== 3 || !eigval.every(Number.isFinite)) fail('Lighting', `eigval must be 3 numbers, got ${show(eigval)}`);
  if (!Array.isArray(eigvec) || eigvec.length !== 3 || !eigvec.every((r) => Array.isArray(r) && r.length === 3 && r.every(Number.isFinite))) fail('Lighting', `eigvec must be a 3x3 array, got ${show(eigvec)}`);
  return (x) => {
    const { c, h, w, v, dtype } = read('Lighting', x);
    if (c !== 3) throw new Error(`Lighting: expected an RGB image [3,H,W], got [${x.shape.join(',')}]`);
    const g = gen(o);
    const alpha = eigval.map((e) => g.normal() * alphaStd * e);
    const out = make(dtype, c, h, w);
    const hw = h * w;
    for (let k = 0; k < 3; k++) {
      const shift = eigvec[k][0] * alpha[0] + eigvec[k][1] * alpha[1] + eigvec[k][2] * alpha[2];
      for (let i = k * hw; i < (k + 1) * hw; i++) out[i] = v[i] + shift;
    }
    return fromArray(out, [c, h, w]);
  };
}

export interface RandomErasingOptions extends RandomOptions {
  /** Probability of erasing an image (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the erased rectangle's aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Fill: one number, one per channel, or 'random' for standard-normal noise (default 0). */
  value?: number | readonly number[] | 'random';
}

/**
 * Random Erasing (Zhong et al. 2017; torchvision's RandomErasing): with probability p, fills one
 * random rectangle of the image, trying up to 10 draws of area and aspect ratio for one that fits
 * (if none does, the image passes unchanged). Use after ToTensor/Normalize, as in torchvision.
 */
export function RandomErasing(opts: RandomErasingOptions = {}): Transform {
  const op = 'RandomErasing';
  const o = randomOptions<RandomErasingOptions>(op, opts, ['p', 'scale', 'ratio', 'value', 'generator']);
  noExtra(op, arguments, 1);
  const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = o;
  finite(op, 'p', p, { min: 0, max: 1 });
  const range = (name: string, r: unknown, min: number) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v) && v > min) || r[0] > r[1]) fail(op, `${name} must be [min, max] with ${min} < min <= max, got ${show(r)}`);
  };
  range('scale', scale, 0);
  if (scale[1] > 1) fail(op, `scale must lie in (0, 1] (a fraction of the image area), got ${show(scale)}`);
  range('ratio', ratio, 0);
  if (value !== 'random' && typeof value !== 'number' && !(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number'))) fail(op, `value must be a number, one number per channel, or 'random', got ${show(value)}`);
  if (typeof value === 'number') finite(op, 'value', value);
  if (Array.isArray(value)) value.forEach((v, i) => finite(op, `value[${i}]`, v));
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  return (x) => {
    const { c, h, w, v, dtype } = read(op, x);
    if (Array.isArray(value) && value.length !== 1 && value.length !== c) throw new Error(`${op}: value has ${value.length} entries but the image has ${c} channels; give 1 or ${c}`);
    const g = gen(o);
    if (g.random() >= p) return x;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = h * w * uniform(g, scale[0], scale[1]);
      const aspect = Math.exp(uniform(g, logRatio[0], logRatio[1]));
      const eh = Math.round(Math.sqrt(area * aspect));
      const ew = Math.round(Math.sqrt(area / aspect));
      if (!(eh < h && ew < w)) continue;
      const top = g.randint(0, h - eh + 1);
      const left = g.randint(0, w - ew + 1);
      const out = make(dtype, c, h, w);
      out.set(v);
      for (let k = 0; k < c; k++) {
        const fill = typeof value === 'number' ? value : value === 'random' ? NaN : value.length === 1 ? value[0] : value[k];
        for (let y = top; y < top + eh; y++) {
          const row = (k * h + y) * w;
          for (let j = left; j < left + ew; j++) out[row + j] = value === 'random' ? g.normal() : fill;
        }
      }
      return fromArray(out, [c, h, w]);
    }
    return x;
  };
}
