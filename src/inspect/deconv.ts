/**
 * Zeiler & Fergus's deconvnet projection: keep only the strongest activation of one feature map
 * (per sample), and send it back to pixel space. Their deconvnet unpools with the recorded switches,
 * rectifies, and filters with the transposed filters: exactly the backward pass of max-pool, the
 * deconvnet relu rule and conv, so it runs on neocog's tape with withReluRule('deconvnet').
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { withReluRule } from '../autograd/relu-rule.js';
import type { AnyModule } from '../nn/module.js';
import { capture, checkInput, checkModel, checkOptions, describe, fail, inspecting, intOpt, lastSpatialConv, leaf } from './common.js';

export interface DeconvOptions {
  /** Dotted module name (default: the last conv layer). */
  layer?: string;
  /** Feature map to project (default: the one with the strongest activation, per sample). */
  channel?: number;
}

export interface DeconvProjection {
  layer: string;
  /** Per sample: the channel projected, the flat spatial index of its strongest activation and that activation. */
  channel: number[];
  position: number[];
  value: number[];
  /** Input-shaped reconstruction. */
  projection: Tensor;
}

export function deconvProjection(model: AnyModule, input: Tensor, options?: DeconvOptions): DeconvProjection {
  const op = 'deconvProjection';
  checkModel(op, model);
  const x = checkInput(op, input, 3);
  const o = checkOptions(op, options, ['layer', 'channel']) as DeconvOptions;
  const layer = o.layer ?? lastSpatialConv(op, model, x);
  return inspecting(model, () => {
    const n = x.shape[0];
    const xi = leaf(x);
    const { activation: a } = capture(op, model, layer, () => model.call(xi));
    if (a.ndim < 3 || a.shape[0] !== n) fail(op, `layer '${layer}' gives [${a.shape.join(',')}]; needs maps [N, K, ...spatial]`);
    const k = a.shape[1], p = a.size / (n * k);
    if (o.channel !== undefined) intOpt(op, 'channel', o.channel, 0, 0);
    if (o.channel !== undefined && o.channel >= k) fail(op, `channel ${describe(o.channel)} is out of range: layer '${layer}' has ${k} maps`);
    const av = a.dataSync();
    const seed = new Float32Array(a.size);
    const channel: number[] = [], position: number[] = [], value: number[] = [];
    for (let i = 0; i < n; i++) {
      let best = -Infinity, bc = 0, bp = 0;
      for (let c = o.channel ?? 0; c < (o.channel === undefined ? k : o.channel + 1); c++) {
        for (let j = 0; j < p; j++) {
          const v = av[(i * k + c) * p + j];
          if (v > best) { best = v; bc = c; bp = j; }
        }
      }
      seed[(i * k + bc) * p + bp] = best;
      channel.push(bc); position.push(bp); value.push(best);
    }
    if (!a.requiresGrad) fail(op, `layer '${layer}' output does not depend on the input through differentiable ops`);
    withReluRule('deconvnet', () => a.backward(fromArray(a.dtype === 'float64' ? Float64Array.from(seed) : seed, a.shape.slice())));
    if (!xi.grad) fail(op, 'nothing reached the input');
    return { layer, channel, position, value, projection: xi.grad };
  });
}
