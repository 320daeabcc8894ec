/** Activation layers: thin modules over the activation ops. */
import type { Tensor } from '../tensor/tensor.js';
import { elu, leakyRelu, logSoftmax, relu, relu6, sigmoid, softmax, tanh } from '../ops/activation.js';
import { Module } from './module.js';
import { checkBool, checkInt, checkNumber, kv, layerConfig, type LayerConfig } from './util.js';
import { noExtra } from '../ops/args.js';

export class ReLU extends Module {
  /** PyTorch's ReLU(inplace): accepted for ports, but the output is always a new tensor here. */
  constructor(inplace = false) {
    super();
    checkBool('ReLU', 'inplace', inplace);
    noExtra('ReLU', arguments, 1);
  }

  forward(x: Tensor): Tensor {
    return relu(x);
  }

  config(): LayerConfig {
    return {};
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  /** PyTorch's ReLU6(inplace): accepted for ports, but the output is always a new tensor here. */
  constructor(inplace = false) {
    super();
    checkBool('ReLU6', 'inplace', inplace);
    noExtra('ReLU6', arguments, 1);
  }

  forward(x: Tensor): Tensor {
    return relu6(x);
  }

  config(): LayerConfig {
    return {};
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, { negativeSlope: this.negativeSlope });
  }

  override extraRepr(): string {
    return kv([['negativeSlope', this.negativeSlope]]);
  }

  config(): LayerConfig {
    return layerConfig({ negativeSlope: this.negativeSlope }, { negativeSlope: 0.01 });
  }
}

export class ELU extends Module {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber('ELU', 'alpha', alpha);
  }

  forward(x: Tensor): Tensor {
    return elu(x, { alpha: this.alpha });
  }

  override extraRepr(): string {
    return kv([['alpha', this.alpha]]);
  }

  config(): LayerConfig {
    return layerConfig({ alpha: this.alpha }, { alpha: 1 });
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }

  config(): LayerConfig {
    return {};
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }

  config(): LayerConfig {
    return {};
  }
}

/** Softmax over `dim` (required: PyTorch's implicit dim is deprecated). */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkInt('Softmax', 'dim', dim);
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return kv([['dim', this.dim]]);
  }

  config(): LayerConfig {
    return { dim: this.dim };
  }
}

export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkInt('LogSoftmax', 'dim', dim);
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return kv([['dim', this.dim]]);
  }

  config(): LayerConfig {
    return { dim: this.dim };
  }
}
