/** Linear (fully connected) and Identity. */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { linear } from '../ops/matmul.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { checkBool, checkInt, kv, layerConfig, type LayerConfig } from './util.js';
import { checkSizes, positional } from '../ops/args.js';
import { assertTensor } from '../ops/validate.js';

/**
 * PyTorch's default for Linear and Conv: weight ~ kaiming_uniform(a=√5), i.e. U(±1/√fanIn), and
 * bias ~ U(±1/√fanIn) with fanIn taken from the weight.
 */
export function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  assertTensor('resetLinearLike', 'weight', weight);
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

export interface LinearOptions {
  bias?: boolean;
}

/** y = x Wᵀ + b for x [..., inFeatures]; weight [outFeatures, inFeatures]. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** Linear(in, out, { bias }) or Linear(in, out, bias) as torch.nn.Linear. */
  constructor(inFeatures: number, outFeatures: number, ...rest: [opts?: LinearOptions] | [bias?: boolean]) {
    const { bias = true } = positional<LinearOptions>('Linear', rest, ['bias']);
    super();
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures, { min: 0 });
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures, { min: 0 });
    checkSizes('Linear', 'weight shape', [this.outFeatures, this.inFeatures]);
    checkBool('Linear', 'bias', bias);
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = bias ? new Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return kv([['inFeatures', this.inFeatures], ['outFeatures', this.outFeatures], ['bias', this.bias !== null]]);
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({ inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null }, { bias: true });
  }
}

/** Returns its input unchanged (e.g. to drop a classifier head, as torch.nn.Identity). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }

  config(): LayerConfig {
    return {};
  }
}
