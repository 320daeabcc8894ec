/**
 * Test-time augmentation (TTA): a classifier that also sees the left-right mirror of each image and
 * averages the two class distributions, the usual evaluation trick for mirror-symmetric data
 * (CIFAR, Fashion-MNIST). Wrap a trained model and evaluate the wrapper:
 *
 *   const r = await evaluate(new FlipTTA(model), testLoader, { loss: 'crossEntropy' });
 */
import { Module, type AnyModule } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { flip, stack } from '../ops/shape.js';
import { logSoftmax } from '../ops/activation.js';
import { sub } from '../ops/elementwise.js';
import { logSumExp } from '../ops/reduce.js';
import { assertTensor } from '../ops/validate.js';

export class FlipTTA extends Module {
  readonly model: AnyModule;

  constructor(model: AnyModule) {
    super();
    if (!(model instanceof Module)) throw new TypeError(`FlipTTA: model must be a Module, got ${model === null ? 'null' : typeof model}`);
    this.model = this.registerModule('model', model);
  }

  /**
   * x: [N,C,H,W] (or [N,C,L] for sequences: the last axis is mirrored). Returns the log of the mean
   * of the two softmax distributions, so argmax, top-k and crossEntropy work on it as on logits.
   */
  forward(x: Tensor): Tensor {
    assertTensor('FlipTTA', 'x', x);
    if (x.ndim < 3) throw new Error(`FlipTTA: expected a batch [N,C,H,W] (or [N,C,L]), got [${x.shape.join(',')}]`);
    const plain = this.model.call(x) as Tensor;
    const mirrored = this.model.call(flip(x, -1)) as Tensor;
    if (plain.ndim !== 2) throw new Error(`FlipTTA: the model must return class scores [N,classes], got [${plain.shape.join(',')}]`);
    // log((p + q) / 2) through logSumExp of the log-probabilities: no underflow to log(0).
    return sub(logSumExp(stack([logSoftmax(plain, 1), logSoftmax(mirrored, 1)], 0), 0), Math.LN2);
  }
}
