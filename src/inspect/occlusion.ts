/**
 * Occlusion (Zeiler & Fergus 2014): slide a square of `baseline` values over the image and record how
 * much the class score drops. Every window position is one forward pass; they run in batches under
 * noGrad. Returned as Captum's Occlusion does: each pixel gets the mean drop over the windows covering
 * it (`attribution`, input-shaped, all channels occluded together), and the drop per window position
 * (`grid` [N, 1, rows, cols]).
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import type { AnyModule } from '../nn/module.js';
import { softmax } from '../ops/activation.js';
import { checkInput, checkModel, checkOptions, checkTarget, describe, fail, inspecting, intOpt, logitsOf, numOpt } from './common.js';

export interface OcclusionOptions {
  /** Side of the square (or [h, w]); default 4 (for 1-D inputs: the window length). */
  window?: number | readonly number[];
  /** Step between window positions (or [h, w]); default 1. */
  stride?: number | readonly number[];
  /** Value written into the window (default 0). */
  baseline?: number;
  /** What drops: the class 'logit' (default) or its softmax 'probability'. */
  score?: 'logit' | 'probability';
  /** Occluded copies per forward pass (default 256). */
  batchSize?: number;
}

export interface Occlusion {
  method: 'occlusion';
  target: number[];
  attribution: Tensor;
  grid: Tensor;
  /** The unoccluded score per sample. */
  score: number[];
}

function pair(op: string, name: string, v: unknown, dflt: number, dims: number): number[] {
  if (v === undefined) return new Array<number>(dims).fill(dflt);
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : Array.isArray(v) ? (v as unknown[]) : fail(op, `${name} must be a positive integer or an array of ${dims}, got ${describe(v)}`);
  if (list.length !== dims) fail(op, `${name} needs ${dims} values for ${dims}-D inputs, got ${list.length}`);
  return list.map((d) => intOpt(op, name, d, 1));
}

export function occlusion(model: AnyModule, input: Tensor, target: number | readonly number[], options?: OcclusionOptions): Occlusion {
  const op = 'occlusion';
  checkModel(op, model);
  const x = checkInput(op, input, 3);
  const o = checkOptions(op, options, ['window', 'stride', 'baseline', 'score', 'batchSize']) as OcclusionOptions;
  if (x.ndim > 4) fail(op, `input must be [N, C, L] or [N, C, H, W], got [${x.shape.join(',')}]`);
  const [n, c] = x.shape;
  const [h, w] = x.ndim === 4 ? [x.shape[2], x.shape[3]] : [1, x.shape[2]];
  const dims = x.ndim - 2;
  const win = pair(op, 'window', o.window, 4, dims), str = pair(op, 'stride', o.stride, 1, dims);
  const [wh, ww] = dims === 2 ? win : [1, win[0]];
  const [sh, sw] = dims === 2 ? str : [1, str[0]];
  if (wh > h || ww > w) fail(op, `window ${win.join('x')} is larger than the input ${x.shape.slice(2).join('x')}`);
  const baseline = numOpt(op, 'baseline', o.baseline, 0);
  const mode = o.score ?? 'logit';
  if (mode !== 'logit' && mode !== 'probability') fail(op, `score must be 'logit' or 'probability', got ${describe(mode)}`);
  const batchSize = intOpt(op, 'batchSize', o.batchSize, 256);
  const rows = Math.floor((h - wh) / sh) + 1, cols = Math.floor((w - ww) / sw) + 1;
  const positions = rows * cols, plane = h * w, sample = c * plane;
  return inspecting(model, () => noGrad(() => {
    const scoresOf = (batch: Tensor): { v: ArrayLike<number>; k: number } => {
      let y = logitsOf(op, model.call(batch), batch.shape[0]);
      if (mode === 'probability') y = softmax(y, 1);
      return { v: y.dataSync(), k: y.shape[1] };
    };
    const base = scoresOf(x);
    const tgt = checkTarget(op, target, n, base.k);
    const xv = x.dataSync();
    const attr = new Float32Array(x.size), grid = new Float32Array(n * positions), score: number[] = [];
    const Arr = x.dtype === 'float64' ? Float64Array : Float32Array;
    for (let i = 0; i < n; i++) {
      const s0 = base.v[i * base.k + tgt[i]];
      score.push(s0);
      const src = xv.subarray(i * sample, (i + 1) * sample);
      for (let p0 = 0; p0 < positions; p0 += batchSize) {
        const b = Math.min(batchSize, positions - p0);
        const buf = new Arr(b * sample);
        for (let j = 0; j < b; j++) {
          buf.set(src, j * sample);
          const r = Math.floor((p0 + j) / cols) * sh, q = ((p0 + j) % cols) * sw;
          for (let ch = 0; ch < c; ch++) for (let y = r; y < r + wh; y++) buf.fill(baseline, j * sample + ch * plane + y * w + q, j * sample + ch * plane + y * w + q + ww);
        }
        const s = scoresOf(fromArray(buf, [b, ...x.shape.slice(1)]));
        for (let j = 0; j < b; j++) grid[i * positions + p0 + j] = s0 - s.v[j * s.k + tgt[i]];
      }
      // Mean drop over the windows covering each pixel (pixels no window covers stay 0).
      const sum = new Float64Array(plane), count = new Uint32Array(plane);
      for (let p = 0; p < positions; p++) {
        const r = Math.floor(p / cols) * sh, q = (p % cols) * sw, d = grid[i * positions + p];
        for (let y = r; y < r + wh; y++) for (let xx = q; xx < q + ww; xx++) { sum[y * w + xx] += d; count[y * w + xx]++; }
      }
      for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) attr[i * sample + ch * plane + p] = count[p] ? sum[p] / count[p] : 0;
    }
    const gridShape = dims === 2 ? [n, 1, rows, cols] : [n, 1, cols];
    return { method: op, target: tgt, attribution: fromArray(attr, x.shape.slice()), grid: fromArray(grid, gridShape), score };
  }));
}
