/**
 * Joint augmentation of image and mask (and field of view): the same geometric change for all three
 * (image bilinear; masks and weight maps nearest; borders reflected), then intensity jitter on the image only.
 *   flips, 90° rotations    exact permutations of pixels
 *   affine                  rotation, isotropic scale, shift about the centre
 *   elastic                 the U-Net paper's: random displacements (normal, sigma px) on a coarse grid,
 *                           interpolated to every pixel with bicubic (Catmull-Rom) splines
 *   intensity               brightness shift, contrast factor, gamma
 */
import { defaultGenerator, Generator } from '../tensor/random.js';
import { bool, finite, integer, options as checkOptions, show } from '../ops/args.js';
import { reflectIndex as reflect, type SampleTransform, type SegSample } from './sample.js';

export interface AugmentOptions {
  /** Random horizontal and vertical flips (default true). */
  flip?: boolean;
  /** Random multiples of 90° (default true; square samples only, others keep 0°/180°). */
  rot90?: boolean;
  /** Max rotation in degrees for the affine part (default 0: off). */
  rotate?: number;
  /** Scale drawn from [1 - scale, 1 + scale] (default 0). */
  scale?: number;
  /** Shift up to this fraction of the side (default 0). */
  shift?: number;
  /** Elastic deformation: { grid (default 3), sigma in px (default 10) }, or false (default). */
  elastic?: { grid?: number; sigma?: number } | false;
  /** Intensity jitter: brightness +-b, contrast x [1-c, 1+c], gamma in [1-g, 1+g] (default all 0). */
  brightness?: number;
  contrast?: number;
  gamma?: number;
  generator?: Generator;
}

const KEYS: (keyof AugmentOptions)[] = ['flip', 'rot90', 'rotate', 'scale', 'shift', 'elastic', 'brightness', 'contrast', 'gamma', 'generator'];

function nonNeg(name: string, v: unknown, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new Error(`augmentSample: ${name} must be a number in [0, ${max}], got ${show(v)}`);
  return v;
}

/** Resamples every plane at source coordinates (sy, sx) per output pixel. */
function remap(s: SegSample, sy: Float32Array, sx: Float32Array): SegSample {
  const { height: h, width: w, channels: c } = s;
  const hw = h * w;
  const image = new Float32Array(c * hw);
  const mask = new Uint8Array(hw);
  const fov = s.fov ? new Uint8Array(hw) : null;
  const weight = s.weight ? new Float32Array(hw) : null;
  for (let p = 0; p < hw; p++) {
    const y = sy[p];
    const x = sx[p];
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    const fy = y - y0;
    const fx = x - x0;
    const ya = reflect(y0, h);
    const yb = reflect(y0 + 1, h);
    const xa = reflect(x0, w);
    const xb = reflect(x0 + 1, w);
    for (let k = 0; k < c; k++) {
      const b = k * hw;
      const v = s.image;
      image[b + p] = (v[b + ya * w + xa] * (1 - fx) + v[b + ya * w + xb] * fx) * (1 - fy) + (v[b + yb * w + xa] * (1 - fx) + v[b + yb * w + xb] * fx) * fy;
    }
    const q = reflect(Math.round(y), h) * w + reflect(Math.round(x), w);
    mask[p] = s.mask[q];
    if (fov) fov[p] = s.fov![q];
    if (weight) weight[p] = s.weight![q];
  }
  return { ...s, image, mask, fov, weight };
}

/** Flips and quarter turns as exact index maps. */
function permute(s: SegSample, flipH: boolean, flipV: boolean, quarter: number): SegSample {
  const { height: h, width: w, channels: c } = s;
  const turn = quarter % 2 === 1;
  const H = turn ? w : h;
  const W = turn ? h : w;
  const hw = h * w;
  const src = new Int32Array(hw);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = flipH ? W - 1 - x : x;
      const v = flipV ? H - 1 - y : y;
      let yy: number;
      let xx: number;
      // (v, u) in the output -> (yy, xx) in the input, rotating counter-clockwise by quarter x 90°.
      switch (quarter) {
        case 1: yy = u; xx = w - 1 - v; break;
        case 2: yy = h - 1 - v; xx = w - 1 - u; break;
        case 3: yy = h - 1 - u; xx = v; break;
        default: yy = v; xx = u;
      }
      src[y * W + x] = yy * w + xx;
    }
  }
  const image = new Float32Array(c * hw);
  for (let k = 0; k < c; k++) for (let p = 0; p < hw; p++) image[k * hw + p] = s.image[k * hw + src[p]];
  const mask = new Uint8Array(hw);
  for (let p = 0; p < hw; p++) mask[p] = s.mask[src[p]];
  let fov: Uint8Array | null = null;
  if (s.fov) {
    fov = new Uint8Array(hw);
    for (let p = 0; p < hw; p++) fov[p] = s.fov[src[p]];
  }
  const weight = s.weight ? Float32Array.from(src, (i) => s.weight![i]) : null;
  return { ...s, height: H, width: W, image, mask, fov, weight };
}

/** Catmull-Rom weights for fraction t. */
function cubic(t: number): [number, number, number, number] {
  const t2 = t * t;
  const t3 = t2 * t;
  return [(-t3 + 2 * t2 - t) / 2, (3 * t3 - 5 * t2 + 2) / 2, (-3 * t3 + 4 * t2 + t) / 2, (t3 - t2) / 2];
}

/** A dense displacement field from grid x grid normal displacements (std sigma px), bicubic-interpolated. */
export function elasticField(h: number, w: number, grid: number, sigma: number, g: Generator): { dy: Float32Array; dx: Float32Array } {
  integer('elasticField', 'h', h, { min: 1, max: 1 << 15 });
  integer('elasticField', 'w', w, { min: 1, max: 1 << 15 });
  integer('elasticField', 'grid', grid, { min: 1, max: 1024 });
  finite('elasticField', 'sigma', sigma, { min: 0 });
  if (!(g instanceof Generator)) throw new Error(`elasticField: 'g' must be a Generator, got ${show(g)}`);
  const cy = new Float32Array(grid * grid);
  const cx = new Float32Array(grid * grid);
  for (let i = 0; i < grid * grid; i++) {
    cy[i] = g.normal() * sigma;
    cx[i] = g.normal() * sigma;
  }
  const dy = new Float32Array(h * w);
  const dx = new Float32Array(h * w);
  const at = (a: Float32Array, i: number, j: number) => a[Math.min(grid - 1, Math.max(0, i)) * grid + Math.min(grid - 1, Math.max(0, j))];
  for (let y = 0; y < h; y++) {
    const gy = h === 1 ? 0 : (y / (h - 1)) * (grid - 1);
    const iy = Math.min(grid - 2, Math.floor(gy));
    const wy = grid === 1 ? [0, 1, 0, 0] : cubic(gy - Math.max(0, iy));
    for (let x = 0; x < w; x++) {
      const gx = w === 1 ? 0 : (x / (w - 1)) * (grid - 1);
      const ix = Math.min(grid - 2, Math.floor(gx));
      const wx = grid === 1 ? [0, 1, 0, 0] : cubic(gx - Math.max(0, ix));
      let sy = 0;
      let sx = 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
        const wt = wy[a] * wx[b];
        sy += wt * at(cy, iy - 1 + a, ix - 1 + b);
        sx += wt * at(cx, iy - 1 + a, ix - 1 + b);
      }
      dy[y * w + x] = sy;
      dx[y * w + x] = sx;
    }
  }
  return { dy, dx };
}

/** A random joint augmentation of a sample; see AugmentOptions (everything off but flips and 90° turns by default). */
export function augmentSample(options?: AugmentOptions): SampleTransform {
  const opts = checkOptions<AugmentOptions>('augmentSample', options, KEYS);
  const flip = bool('augmentSample', 'flip', opts.flip ?? true);
  const rot90 = bool('augmentSample', 'rot90', opts.rot90 ?? true);
  if (opts.generator !== undefined && !(opts.generator instanceof Generator)) throw new Error(`augmentSample: generator must be a Generator, got ${show(opts.generator)}`);
  const rotate = nonNeg('rotate', opts.rotate ?? 0, 180);
  const scale = nonNeg('scale', opts.scale ?? 0, 0.9);
  const shift = nonNeg('shift', opts.shift ?? 0, 1);
  const brightness = nonNeg('brightness', opts.brightness ?? 0, 1);
  const contrast = nonNeg('contrast', opts.contrast ?? 0, 1);
  const gam = nonNeg('gamma', opts.gamma ?? 0, 0.9);
  const el = opts.elastic ?? false;
  if (el !== false) checkOptions('augmentSample', el, ['grid', 'sigma'], 'elastic');
  const grid = el ? el.grid ?? 3 : 0;
  const sigma = el ? nonNeg('elastic.sigma', el.sigma ?? 10) : 0;
  if (el && (!Number.isInteger(grid) || grid < 2)) throw new Error(`augmentSample: elastic.grid must be an integer >= 2, got ${show(grid)}`);
  return (s0) => {
    const g = opts.generator ?? defaultGenerator;
    let s = s0;
    if (flip || rot90) {
      const square = s.height === s.width;
      const q = rot90 ? (square ? Math.floor(g.random() * 4) : 2 * Math.floor(g.random() * 2)) : 0;
      s = permute(s, flip && g.random() < 0.5, flip && g.random() < 0.5, q);
    }
    if (rotate > 0 || scale > 0 || shift > 0 || el) {
      const { height: h, width: w } = s;
      const a = ((g.random() * 2 - 1) * rotate * Math.PI) / 180;
      const z = 1 + (g.random() * 2 - 1) * scale;
      const ty = (g.random() * 2 - 1) * shift * h;
      const tx = (g.random() * 2 - 1) * shift * w;
      const field = el ? elasticField(h, w, grid, sigma, g) : null;
      const sy = new Float32Array(h * w);
      const sx = new Float32Array(h * w);
      const oy = (h - 1) / 2;
      const ox = (w - 1) / 2;
      const cos = Math.cos(a) / z;
      const sin = Math.sin(a) / z;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const u = x - ox - tx;
        const v = y - oy - ty;
        sy[p] = oy + sin * u + cos * v + (field ? field.dy[p] : 0);
        sx[p] = ox + cos * u - sin * v + (field ? field.dx[p] : 0);
      }
      s = remap(s, sy, sx);
    }
    if (brightness > 0 || contrast > 0 || gam > 0) {
      const b = (g.random() * 2 - 1) * brightness;
      const c = 1 + (g.random() * 2 - 1) * contrast;
      const e = 1 + (g.random() * 2 - 1) * gam;
      let m = 0;
      for (let i = 0; i < s.image.length; i++) m += s.image[i];
      m /= s.image.length;
      s = { ...s, image: s.image.map((v) => {
        const t = (v - m) * c + m + b;
        return gam > 0 ? Math.sign(t) * Math.abs(t) ** e : t;
      }) };
    }
    return s;
  };
}
