/**
 * Sliding-window inference over whole images: tiles of `window` pixels every `stride` pixels (the
 * last tile flush with the border; images smaller than the window are reflect-padded), the model's
 * sigmoid probabilities averaged where tiles overlap. The model maps [N,C,P,P] to [N,1,P,P] logits.
 */
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import type { AnyModule } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkSample, reflectIndex as reflect, type SegSample } from './sample.js';
import { Module } from '../nn/module.js';
import { integer, isPlainObject, options, show } from '../ops/args.js';
import { fail } from './check.js';

export interface SlidingWindowOptions {
  window: number;
  /** Default window / 2. */
  stride?: number;
  /** Tiles per forward pass (default 16). */
  batchSize?: number;
}

/** Tile origins along one axis: 0, stride, ..., and n - window last. */
export function tileStarts(n: number, window: number, stride: number): number[] {
  integer('tileStarts', 'n', n, { min: 1 });
  integer('tileStarts', 'window', window, { min: 1 });
  integer('tileStarts', 'stride', stride, { min: 1 });
  if (n <= window) return [0];
  const out: number[] = [];
  for (let s = 0; s + window < n; s += stride) out.push(s);
  out.push(n - window);
  return out;
}

export function slidingWindow(model: AnyModule, s: SegSample, opts: SlidingWindowOptions): Float32Array {
  const op = 'slidingWindow';
  if (!(model instanceof Module)) fail(op, `model must be an nn.Module, got ${show(model)}`);
  checkSample(op, s);
  if (!isPlainObject(opts)) fail(op, `options { window, stride?, batchSize? } are required, got ${show(opts)}`);
  const { window, stride = Math.max(1, Math.floor(window / 2)), batchSize = 16 } = options<SlidingWindowOptions>(op, opts, ['window', 'stride', 'batchSize']) as SlidingWindowOptions;
  for (const [k, v] of [['window', window], ['stride', stride], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${k} must be a positive integer, got ${show(v)}`);
  }
  if (stride > window) throw new Error(`${op}: stride ${stride} > window ${window} would leave pixels unpredicted`);
  const { height: h, width: w, channels: c } = s;
  const H = Math.max(h, window);
  const W = Math.max(w, window);
  const ys = tileStarts(H, window, stride);
  const xs = tileStarts(W, window, stride);
  const tiles = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const sum = new Float32Array(H * W);
  const count = new Uint16Array(H * W);
  const P = window * window;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let t0 = 0; t0 < tiles.length; t0 += batchSize) {
      const batch = tiles.slice(t0, t0 + batchSize);
      const x = new Float32Array(batch.length * c * P);
      batch.forEach(([y0, x0], b) => {
        for (let k = 0; k < c; k++) for (let y = 0; y < window; y++) {
          const sy = reflect(y0 + y, h);
          const dst = ((b * c + k) * window + y) * window;
          for (let xx = 0; xx < window; xx++) x[dst + xx] = s.image[(k * h + sy) * w + reflect(x0 + xx, w)];
        }
      });
      const probs = tidy(() => noGrad(() => {
        const out = model.call(fromArray(x, [batch.length, c, window, window])) as Tensor;
        if (out.ndim !== 4 || out.shape[1] !== 1 || out.shape[2] !== window || out.shape[3] !== window) {
          throw new Error(`${op}: the model maps [${batch.length},${c},${window},${window}] to [${out.shape.join(',')}], expected [${batch.length},1,${window},${window}] (use same padding, and a window the model accepts)`);
        }
        return out.sigmoid().dataSync() as Float32Array;
      }));
      batch.forEach(([y0, x0], b) => {
        for (let y = 0; y < window; y++) for (let xx = 0; xx < window; xx++) {
          const q = (y0 + y) * W + x0 + xx;
          sum[q] += probs[b * P + y * window + xx];
          count[q]++;
        }
      });
    }
  } finally {
    model.train(wasTraining);
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = sum[y * W + x] / count[y * W + x];
  return out;
}
