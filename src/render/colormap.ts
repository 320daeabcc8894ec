/**
 * Colormaps for maps of numbers. Magnitudes (all >= 0) use a sequential map (viridis, from 0 to the
 * max); signed maps use a diverging map centred on 0 with a symmetric range (blue < 0 < red, white
 * at 0), so an all-negative map is shades of blue, never stretched into red.
 */
import { blank, type RGBAImage } from './image.js';
import { show } from '../ops/args.js';
import { checkNumbers, fail, int, opts } from './check.js';

export type ColormapName = 'auto' | 'viridis' | 'diverging' | 'grey';
export const COLORMAPS: readonly ColormapName[] = ['auto', 'viridis', 'diverging', 'grey'];

// Viridis as a degree-6 polynomial per channel (Matt Zucker's public-domain fit; within 4/255 of matplotlib's table).
const V = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

export function viridis(t: number): [number, number, number] {
  if (typeof t !== 'number' || Number.isNaN(t)) fail('viridis', `t must be a number in [0, 1], got ${show(t)}`);
  const x = Math.min(1, Math.max(0, t));
  const c = [0, 1, 2].map((k) => { let s = 0; for (let i = 6; i >= 0; i--) s = s * x + V[i][k]; return Math.round(255 * Math.min(1, Math.max(0, s))); });
  return [c[0], c[1], c[2]];
}

/** t in [-1, 1]: blue (-1) -> white (0) -> red (+1). */
export function diverging(t: number): [number, number, number] {
  if (typeof t !== 'number' || Number.isNaN(t)) fail('diverging', `t must be a number in [-1, 1], got ${show(t)}`);
  const x = Math.min(1, Math.max(-1, t));
  const end = x < 0 ? [59, 76, 192] : [180, 4, 38], a = Math.abs(x);
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as [number, number, number];
}

export interface ColorizeOptions {
  cmap?: ColormapName;
  /** Values mapped to the ends of the colormap (default: [0, max] sequential, [-max|v|, max|v|] diverging). */
  range?: readonly [number, number];
}

/** Values [height * width] -> RGBA, with the colormap and range chosen as described above. */
export function colorize(values: ArrayLike<number>, width: number, height: number, options?: ColorizeOptions): RGBAImage & { cmap: ColormapName; range: [number, number] } {
  checkNumbers('colorize', 'values', values);
  int('colorize', 'width', width, 1);
  int('colorize', 'height', height, 1);
  const { cmap = 'auto', range } = opts<ColorizeOptions>('colorize', options, ['cmap', 'range']);
  if (values.length !== width * height) fail('colorize', `${values.length} values for a ${width}x${height} image`);
  if (!COLORMAPS.includes(cmap)) fail('colorize', `unknown cmap ${typeof cmap === 'string' ? `'${cmap}'` : show(cmap)} (use one of ${COLORMAPS.join(', ')})`);
  if (range !== undefined && (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite))) fail('colorize', `range must be [low, high] (finite numbers), got ${show(range)}`);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) { const v = values[i]; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (lo === Infinity) { lo = 0; hi = 0; }
  const kind = cmap === 'auto' ? (lo < 0 ? 'diverging' : 'viridis') : cmap;
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const [a, b] = range ?? (kind === 'diverging' ? [-m, m] : kind === 'grey' ? [lo, hi] : [Math.min(0, lo), hi]);
  if (range && !(range[0] < range[1])) fail('colorize', `range must be [low, high] with low < high, got [${range.join(', ')}]`);
  const img = blank(width, height);
  const span = b - a || 1;
  for (let i = 0; i < values.length; i++) {
    const v = Number.isFinite(values[i]) ? values[i] : 0;
    const t = (v - a) / span;
    const rgb = kind === 'diverging' ? diverging(2 * t - 1) : kind === 'grey' ? ([1, 1, 1].map(() => Math.round(255 * Math.min(1, Math.max(0, t)))) as [number, number, number]) : viridis(t);
    img.data.set(rgb, i * 4);
  }
  return { ...img, cmap: kind, range: [a, b] };
}
