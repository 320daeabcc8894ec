/** RMSprop, PyTorch 1.13's update rule (optionally centered, with momentum). */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop(params, { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }).
 *
 *   g = grad + weightDecay * p;  v = alpha v + (1 - alpha) g^2
 *   centered: gAvg = alpha gAvg + (1 - alpha) g;  avg = sqrt(v - gAvg^2) + eps, else avg = sqrt(v) + eps
 *   momentum > 0: buf = momentum buf + g / avg;  p -= lr buf,  else p -= lr g / avg
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RMSpropOptions>>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options }, 'RMSprop');
  }

  protected override validateGroup(g: ParamGroup<RMSpropOptions>): void {
    super.validateGroup(g);
    this.checkNumber('alpha', g.alpha, { min: 0 });
    this.checkNumber('eps', g.eps, { min: 0 });
    this.checkNumber('weightDecay', g.weightDecay, { min: 0 });
    this.checkNumber('momentum', g.momentum, { min: 0 });
    this.checkBoolean('centered', g.centered);
    this.checkBoolean('maximize', g.maximize);
  }

  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<RMSpropOptions>, state: ParamState): void {
    const squareAvg = this.stateTensor(state, 'squareAvg', () => zerosLike(p));
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    squareAvg.assign(add(mul(squareAvg, g.alpha), mul(mul(d, d), 1 - g.alpha)));
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = this.stateTensor(state, 'gradAvg', () => zerosLike(p));
      gradAvg.assign(add(mul(gradAvg, g.alpha), mul(d, 1 - g.alpha)));
      avg = sqrt(sub(squareAvg, mul(gradAvg, gradAvg)));
    } else {
      avg = sqrt(squareAvg);
    }
    avg = add(avg, g.eps);
    if (g.momentum > 0) {
      const buf = this.stateTensor(state, 'momentumBuffer', () => zerosLike(p));
      buf.assign(add(mul(buf, g.momentum), div(d, avg)));
      p.assign(add(p, mul(buf, -g.lr)));
    } else {
      p.assign(add(p, mul(div(d, avg), -g.lr)));
    }
  }
}
