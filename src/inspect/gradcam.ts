/**
 * Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018) on a layer's maps A [N,K,...]
 * with g = dS/dA for the class score S:
 *   Grad-CAM    w_k = mean over positions of g_k
 *   Grad-CAM++  a = g^2 / (2 g^2 + sum_positions(A_k) g^3)  (0 where g = 0),  w_k = sum over positions of relu(g) a
 *               (the closed form of pytorch-grad-cam, with exp(S) taken as the score)
 *   cam = relu(sum_k w_k A_k), upsampled (bilinear / linear, alignCorners false) to the input's size.
 * Default layer: the last convolution with more than one output position, named in the result.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import type { AnyModule } from '../nn/module.js';
import { interpolate } from '../ops/resize.js';
import { capture, checkInput, checkModel, checkOptions, checkTarget, fail, inspecting, lastSpatialConv, leaf, logitsOf, targetScore } from './common.js';

export interface GradCamOptions {
  /** Dotted module name whose output is explained (default: the last conv layer with maps larger than 1x1). */
  layer?: string;
}

export interface GradCam {
  method: 'gradCam' | 'gradCamPlusPlus';
  layer: string;
  target: number[];
  /** [N, 1, ...input spatial size]: the map upsampled onto the input (not normalised). */
  map: Tensor;
  /** [N, 1, ...layer spatial size]: the map at the layer's resolution. */
  raw: Tensor;
  /** Per sample and channel: the weights w_k. */
  weights: Tensor;
}

function cam(op: 'gradCam' | 'gradCamPlusPlus', model: AnyModule, input: Tensor, target: number | readonly number[], options?: GradCamOptions): GradCam {
  checkModel(op, model);
  const x = checkInput(op, input, 3);
  const o = checkOptions(op, options, ['layer']) as GradCamOptions;
  const layer = o.layer ?? lastSpatialConv(op, model, x);
  return inspecting(model, () => {
    const n = x.shape[0];
    const xi = leaf(x);
    const { result: logits, activation: a } = capture(op, model, layer, () => logitsOf(op, model.call(xi), n));
    const tgt = checkTarget(op, target, n, logits.shape[1]);
    if (a.ndim < 3 || a.shape[0] !== n) fail(op, `layer '${layer}' gives [${a.shape.join(',')}]; Grad-CAM needs maps [N, K, ...spatial]`, 'choose a convolutional or pooling layer');
    if (!a.requiresGrad) fail(op, `layer '${layer}' output does not depend on the input through differentiable ops`);
    targetScore(logits, tgt).backward();
    if (!a.grad) fail(op, `no gradient reached layer '${layer}' from the class score`);
    const [, k] = a.shape;
    const p = a.size / (n * k);
    const av = a.dataSync(), gv = a.grad.dataSync();
    const w = new Float32Array(n * k), out = new Float32Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const o0 = (i * k + c) * p;
        let s = 0;
        if (op === 'gradCam') {
          for (let j = 0; j < p; j++) s += gv[o0 + j];
          s /= p;
        } else {
          let sumA = 0;
          for (let j = 0; j < p; j++) sumA += av[o0 + j];
          for (let j = 0; j < p; j++) {
            const g = gv[o0 + j];
            if (g === 0) continue;
            const g2 = g * g;
            const alpha = g2 / (2 * g2 + sumA * g2 * g + 1e-6);
            if (g > 0) s += g * alpha;
          }
        }
        w[i * k + c] = s;
        for (let j = 0; j < p; j++) out[i * p + j] += s * av[o0 + j];
      }
    }
    for (let j = 0; j < out.length; j++) if (!(out[j] > 0)) out[j] = 0;
    const spatial = a.shape.slice(2);
    const raw = fromArray(out, [n, 1, ...spatial]);
    const size = x.shape.slice(2);
    const map = noGrad(() => (size.length === spatial.length && size.every((d, i) => d === spatial[i]) ? raw : upsample(op, raw, size)));
    return { method: op, layer, target: tgt, map, raw, weights: fromArray(w, [n, k]) };
  });
}

function upsample(op: string, raw: Tensor, size: number[]): Tensor {
  if (raw.ndim === 4 && size.length === 2) return interpolate(raw, { size, mode: 'bilinear', alignCorners: false });
  if (raw.ndim === 3 && size.length === 1) return interpolate(raw, { size, mode: 'linear', alignCorners: false });
  return fail(op, `cannot upsample a map [${raw.shape.join(',')}] to the input size [${size.join(',')}]`);
}

export function gradCam(model: AnyModule, input: Tensor, target: number | readonly number[], options?: GradCamOptions): GradCam {
  return cam('gradCam', model, input, target, options);
}

export function gradCamPlusPlus(model: AnyModule, input: Tensor, target: number | readonly number[], options?: GradCamOptions): GradCam {
  return cam('gradCamPlusPlus', model, input, target, options);
}
