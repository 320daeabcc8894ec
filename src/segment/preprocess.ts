/**
 * Preprocessing used by the published DRIVE recipes, as composable SampleTransforms (composeSample):
 * green channel or grey, per-image min-max rescale, CLAHE, gamma, standardisation. Masks pass through.
 *
 *   const prep = composeSample([toGrey(), rescale(), clahe({ clipLimit: 2, tiles: 8 }), gamma(1 / 1.2)]);
 */
import { checkSample, type SampleTransform, type SegSample } from './sample.js';
import { fail, noArgs, options, show } from './check.js';

const single = (s: SegSample, image: Float32Array): SegSample => ({ ...s, channels: 1, image });

function positive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${op}: ${name} must be a positive number, got ${show(v)}`);
  return v;
}

/** The green channel of an RGB image (where vessels contrast best). Grey images pass unchanged. */
export function greenChannel(): SampleTransform {
  noArgs('greenChannel', arguments);
  return (s) => {
    checkSample('greenChannel', s);
    if (s.channels === 1) return s;
    if (s.channels < 3) throw new Error(`greenChannel: ${s.name} has ${s.channels} channels, expected 1 or 3+`);
    const hw = s.height * s.width;
    return single(s, s.image.slice(hw, 2 * hw));
  };
}

/** ITU-R 601-2 luma (0.299 R + 0.587 G + 0.114 B), as retina-unet's rgb2gray. Grey images pass unchanged. */
export function toGrey(): SampleTransform {
  noArgs('toGrey', arguments);
  return (s) => {
    checkSample('toGrey', s);
    if (s.channels === 1) return s;
    if (s.channels < 3) throw new Error(`toGrey: ${s.name} has ${s.channels} channels, expected 1 or 3+`);
    const hw = s.height * s.width;
    const out = new Float32Array(hw);
    for (let p = 0; p < hw; p++) out[p] = 0.299 * s.image[p] + 0.587 * s.image[hw + p] + 0.114 * s.image[2 * hw + p];
    return single(s, out);
  };
}

/** Each channel linearly to [0,1] from its own min and max (a constant channel becomes 0). */
export function rescale(): SampleTransform {
  noArgs('rescale', arguments);
  return (s) => {
    checkSample('rescale', s);
    const hw = s.height * s.width;
    const out = new Float32Array(s.image.length);
    for (let k = 0; k < s.channels; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = k * hw; p < (k + 1) * hw; p++) {
        lo = Math.min(lo, s.image[p]);
        hi = Math.max(hi, s.image[p]);
      }
      const d = hi > lo ? 1 / (hi - lo) : 0;
      for (let p = k * hw; p < (k + 1) * hw; p++) out[p] = (s.image[p] - lo) * d;
    }
    return { ...s, image: out };
  };
}

/** x^g on images in [0,1] (skimage's adjust_gamma; retina-unet's gamma 1.2 is g = 1/1.2, brightening). */
export function gamma(g: number): SampleTransform {
  positive('gamma', 'g', g);
  return (s) => ({ ...s, image: s.image.map((v) => (v <= 0 ? 0 : v >= 1 ? 1 : v ** g)) });
}

/** (x - mean) / std with fixed numbers (from the training set: see datasetStats). */
export function standardize(mean: number, std: number): SampleTransform {
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new Error(`standardize: mean must be a finite number, got ${show(mean)}`);
  positive('standardize', 'std', std);
  return (s) => ({ ...s, image: s.image.map((v) => (v - mean) / std) });
}

/** Mean and standard deviation of all image values (inside the FOV where there is one). */
export function datasetStats(samples: readonly SegSample[]): { mean: number; std: number } {
  if (!Array.isArray(samples)) fail('datasetStats', `samples must be an array of SegSample, got ${show(samples)}`);
  for (const s of samples) checkSample('datasetStats', s);
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const s of samples) {
    const hw = s.height * s.width;
    for (let i = 0; i < s.image.length; i++) {
      if (s.fov && !s.fov[i % hw]) continue;
      n++;
      sum += s.image[i];
      sq += s.image[i] * s.image[i];
    }
  }
  if (n === 0) throw new Error('datasetStats: no pixels');
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(sq / n - mean * mean, 1e-12)) };
}

export interface ClaheOptions {
  /** Contrast limit as in OpenCV: a histogram bin holds at most clipLimit x (tile pixels / bins). Default 2. */
  clipLimit?: number;
  /** Tiles per side (default 8, OpenCV's 8x8 grid). */
  tiles?: number;
  /** Histogram bins over [0,1] (default 256). */
  bins?: number;
}

/**
 * Contrast-limited adaptive histogram equalisation (Zuiderveld 1994) on images in [0,1]: a clipped
 * histogram per tile (the excess spread evenly over all bins), its CDF as a mapping, and each pixel
 * mapped by bilinear interpolation between the four nearest tile centres. Values are clamped to [0,1].
 */
export function clahe(opts?: ClaheOptions): SampleTransform {
  const { clipLimit = 2, tiles = 8, bins = 256 } = options<ClaheOptions>('clahe', opts, ['clipLimit', 'tiles', 'bins']);
  positive('clahe', 'clipLimit', clipLimit);
  if (!Number.isInteger(tiles) || tiles < 1) throw new Error(`clahe: tiles must be a positive integer, got ${show(tiles)}`);
  if (!Number.isInteger(bins) || bins < 2 || bins > 65536) throw new Error(`clahe: bins must be an integer in 2..65536, got ${show(bins)}`);
  return (s) => {
    const { height: h, width: w } = s;
    if (h < tiles || w < tiles) throw new Error(`clahe: ${s.name} is ${h}x${w}, smaller than the ${tiles}x${tiles} tile grid`);
    const hw = h * w;
    const out = new Float32Array(s.image.length);
    const bin = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    const ty = (i: number) => Math.floor((i * h) / tiles);
    const tx = (j: number) => Math.floor((j * w) / tiles);
    for (let k = 0; k < s.channels; k++) {
      const img = s.image.subarray(k * hw, (k + 1) * hw);
      const luts: Float32Array[] = [];
      for (let i = 0; i < tiles; i++) {
        for (let j = 0; j < tiles; j++) {
          const hist = new Float64Array(bins);
          for (let y = ty(i); y < ty(i + 1); y++) for (let x = tx(j); x < tx(j + 1); x++) hist[bin(img[y * w + x])]++;
          const area = (ty(i + 1) - ty(i)) * (tx(j + 1) - tx(j));
          const limit = Math.max(1, (clipLimit * area) / bins);
          let excess = 0;
          for (let b = 0; b < bins; b++) if (hist[b] > limit) {
            excess += hist[b] - limit;
            hist[b] = limit;
          }
          const lut = new Float32Array(bins);
          let acc = 0;
          for (let b = 0; b < bins; b++) {
            acc += hist[b] + excess / bins;
            lut[b] = acc / area;
          }
          luts.push(lut);
        }
      }
      // Tile centres in pixel coordinates; pixels outside the outer centres use the edge tiles.
      const cy = (i: number) => (ty(i) + ty(i + 1) - 1) / 2;
      const cx = (j: number) => (tx(j) + tx(j + 1) - 1) / 2;
      const o = out.subarray(k * hw, (k + 1) * hw);
      let i0 = 0;
      for (let y = 0; y < h; y++) {
        while (i0 < tiles - 2 && y > cy(i0 + 1)) i0++;
        const i1 = Math.min(i0 + 1, tiles - 1);
        const fy = tiles === 1 ? 0 : Math.min(1, Math.max(0, (y - cy(i0)) / (cy(i1) - cy(i0))));
        let j0 = 0;
        for (let x = 0; x < w; x++) {
          while (j0 < tiles - 2 && x > cx(j0 + 1)) j0++;
          const j1 = Math.min(j0 + 1, tiles - 1);
          const fx = tiles === 1 ? 0 : Math.min(1, Math.max(0, (x - cx(j0)) / (cx(j1) - cx(j0))));
          const b = bin(img[y * w + x]);
          const top = luts[i0 * tiles + j0][b] * (1 - fx) + luts[i0 * tiles + j1][b] * fx;
          const bot = luts[i1 * tiles + j0][b] * (1 - fx) + luts[i1 * tiles + j1][b] * fx;
          o[y * w + x] = Math.min(1, Math.max(0, top * (1 - fy) + bot * fy));
        }
      }
    }
    return checkSample('clahe', { ...s, image: out });
  };
}

/** Named preprocessing pipelines for the CLI. */
export const PREPROCESS = ['none', 'green', 'grey', 'drive'] as const;
export type PreprocessName = (typeof PREPROCESS)[number];

/** 'drive': grey, min-max, CLAHE (clip 2, 8x8), gamma 1/1.2 (retina-unet's recipe); 'green': green channel + CLAHE. */
export function preprocessByName(name: PreprocessName): SampleTransform {
  switch (name) {
    case 'none':
      return (s) => s;
    case 'grey':
      return (s) => toGrey()(s);
    case 'green':
      return (s) => clahe()(rescale()(greenChannel()(s)));
    case 'drive':
      return (s) => gamma(1 / 1.2)(clahe({ clipLimit: 2, tiles: 8 })(rescale()(toGrey()(s))));
    default:
      throw new Error(`preprocess: unknown pipeline ${show(name)} (expected one of ${PREPROCESS.join(', ')})`);
  }
}
