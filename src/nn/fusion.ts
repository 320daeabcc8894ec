/**
 * Inference-time layer fusion (what ONNX Runtime does to an exported graph): an eval-mode BatchNorm2d
 * right after a Conv2d is a per-channel scale s and shift t on the conv's output, so it folds into the
 * conv's weights, w' = w * s per filter and b' = b * s + t, saving two full passes over the feature
 * map. Only when no gradient is recorded (noGrad), both layers are exactly nn.Conv2d and nn.BatchNorm2d
 * (not subclasses that may override forward), with running statistics and no hooks; results equal the
 * unfused pair up to float32 rounding.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/graph.js';
import { add, div, mul, neg, sqrt } from '../ops/elementwise.js';
import { reshape } from '../ops/shape.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './normalization.js';
import type { AnyModule } from './module.js';

/** conv followed by bn on x with the batch norm folded in, or null where folding does not apply. */
export function convBatchNormInference(conv: AnyModule, bn: AnyModule, x: Tensor): Tensor | null {
  if (isGradEnabled() || Object.getPrototypeOf(conv) !== Conv2d.prototype || Object.getPrototypeOf(bn) !== BatchNorm2d.prototype) return null;
  const c = conv as Conv2d, b = bn as BatchNorm2d;
  const [mean, variance] = [b.runningMean, b.runningVar];
  if (b.training || !mean || !variance || c.hasHooks || b.hasHooks || c.outChannels !== b.numFeatures) return null;
  if (c.weight.dtype !== 'float32' || x.dtype !== 'float32') return null;
  // The same scale and shift batchNorm computes from running statistics.
  const scale = b.weight ? div(b.weight, sqrt(add(variance, b.eps))) : div(1, sqrt(add(variance, b.eps)));
  let shift = neg(mul(mean, scale));
  if (b.bias) shift = add(shift, b.bias);
  const weight = mul(c.weight, reshape(scale, [-1, 1, 1, 1]));
  const bias = c.bias ? add(mul(c.bias, scale), shift) : shift;
  return c.forwardWith(x, weight, bias);
}
