/** Dropout layers: active in train mode, the identity in eval mode. Masks come from the global seeded generator. */
import type { Tensor } from '../tensor/tensor.js';
import { dropout, dropout2d } from '../ops/dropout.js';
import { Module } from './module.js';
import { checkProb, kv, layerConfig, type LayerConfig } from './util.js';

/** Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout). */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = checkProb(this.constructor.name, p);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  override extraRepr(): string {
    return kv([['p', this.p]]);
  }

  config(): LayerConfig {
    return layerConfig({ p: this.p }, { p: 0.5 });
  }
}

/** Zeroes whole channels of [N, C, H, W] with probability p (spatial dropout). */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, { p: this.p, training: this.training });
  }
}
