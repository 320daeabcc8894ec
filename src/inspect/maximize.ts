/**
 * Feature visualisation (Erhan et al. 2009; Olah et al. 2017): the input that most excites one unit,
 * by gradient ascent from faint noise with the usual regularisers: random jitter (a circular shift
 * of up to `jitter` pixels each step), total variation and L2 penalties, and clipping to `range`.
 * Steps use the gradient divided by its mean absolute value, so `lr` is in input units.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import type { AnyModule } from '../nn/module.js';
import { add, mul, square, sub } from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { slice } from '../ops/shape.js';
import { capture, checkModel, checkOptions, describe, fail, inspecting, intOpt, lastConv, numOpt } from './common.js';

export interface MaximizeOptions {
  /** Dotted module name (default: the last conv layer). */
  layer?: string;
  /** The unit: a channel of a conv layer (its mean is maximised) or an output of a linear layer. */
  channel: number;
  /** The input shape without the batch dim, e.g. [1, 28, 28]. */
  inputShape: readonly number[];
  steps?: number;
  lr?: number;
  jitter?: number;
  tv?: number;
  l2?: number;
  range?: readonly [number, number];
  generator?: Generator;
}

export interface Maximized {
  layer: string;
  channel: number;
  /** [1, ...inputShape]. */
  image: Tensor;
  /** The unit's activation at the start and at the end. */
  start: number;
  activation: number;
}

/** Circular shift of the last two axes (or the last one) of a flat [C, H, W] / [C, L] image. */
function roll(v: Float32Array, shape: readonly number[], dy: number, dx: number): Float32Array {
  const w = shape[shape.length - 1], h = shape.length >= 3 ? shape[shape.length - 2] : 1, plane = h * w;
  const out = new Float32Array(v.length);
  for (let c = 0; c < v.length / plane; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[c * plane + ((y + dy + h) % h) * w + ((x + dx + w) % w)] = v[c * plane + y * w + x];
  }
  return out;
}

export function maximize(model: AnyModule, options: MaximizeOptions): Maximized {
  const op = 'maximize';
  checkModel(op, model);
  const o = checkOptions(op, options, ['layer', 'channel', 'inputShape', 'steps', 'lr', 'jitter', 'tv', 'l2', 'range', 'generator']) as unknown as MaximizeOptions;
  if (!Array.isArray(o.inputShape) || o.inputShape.length < 2 || !o.inputShape.every((d) => Number.isInteger(d) && d > 0)) fail(op, `inputShape must be the input shape without the batch dim, e.g. [1, 28, 28], got ${describe(o.inputShape)}`);
  const shape = [...o.inputShape];
  const layer = o.layer ?? lastConv(op, model);
  const channel = intOpt(op, 'channel', o.channel, -1, 0);
  if (o.channel === undefined) fail(op, 'channel is required');
  const steps = intOpt(op, 'steps', o.steps, 128), lr = numOpt(op, 'lr', o.lr, 0.05, 0), jitter = intOpt(op, 'jitter', o.jitter, 1, 0);
  const tv = numOpt(op, 'tv', o.tv, 0.05, 0), l2 = numOpt(op, 'l2', o.l2, 0.01, 0);
  const range = o.range ?? [0, 1];
  if (!Array.isArray(range) || range.length !== 2 || !(range[0] < range[1])) fail(op, `range must be [low, high] with low < high, got ${describe(range)}`);
  if (o.generator !== undefined && !(o.generator instanceof Generator)) fail(op, `generator must be a Generator, got ${describe(o.generator)}`);
  const gen = o.generator ?? defaultGenerator;
  const mid = (range[0] + range[1]) / 2, span = range[1] - range[0];
  let v = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => mid + 0.05 * span * (gen.random() - 0.5));
  const spatial = shape.length - 1;
  return inspecting(model, () => {
    let start = NaN, last = NaN;
    for (let s = 0; s <= steps; s++) {
      const dy = spatial >= 2 && jitter ? Math.floor(gen.random() * (2 * jitter + 1)) - jitter : 0;
      const dx = jitter ? Math.floor(gen.random() * (2 * jitter + 1)) - jitter : 0;
      const x = fromArray(roll(v, shape, dy, dx), [1, ...shape]);
      x.requiresGrad = true;
      const { activation: a } = capture(op, model, layer, () => model.call(x));
      if (a.ndim < 2 || channel >= a.shape[1]) fail(op, `channel ${channel} is out of range for layer '${layer}' output [${a.shape.join(',')}]`);
      const unit = mean(slice(a, 1, channel, channel + 1));
      const value = unit.item();
      if (s === 0) start = value;
      last = value;
      if (s === steps) break;
      // Penalties: total variation over the spatial axes, L2 around the mid-grey.
      let loss = mul(unit, -1);
      for (let ax = 2; ax < x.ndim; ax++) {
        const n = x.shape[ax];
        loss = add(loss, mul(mean(square(sub(slice(x, ax, 1, n), slice(x, ax, 0, n - 1)))), tv));
      }
      loss = add(loss, mul(mean(square(sub(x, mid))), l2));
      sum(loss).backward();
      const g = roll(x.grad!.dataSync() as Float32Array, shape, -dy, -dx);
      let scale = 0;
      for (const a of g) scale += Math.abs(a);
      scale = scale / g.length || 1;
      v = v.map((a, i) => Math.min(range[1], Math.max(range[0], a - (lr * span * g[i]) / scale)));
    }
    return { layer, channel, image: fromArray(v, [1, ...shape]), start, activation: last };
  });
}
