/** Adagrad, PyTorch 1.13's update rule (dense gradients). */
import type { Tensor } from '../tensor/tensor.js';
import { fullLike } from '../tensor/creation.js';
import { add, div, mul, neg, sqrt } from '../ops/elementwise.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad(params, { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }).
 *
 *   g = grad + weightDecay * p;  clr = lr / (1 + (t - 1) lrDecay)
 *   sum += g^2;  p -= clr g / (sqrt(sum) + eps)
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdagradOptions>>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options }, 'Adagrad');
  }

  protected override validateGroup(g: ParamGroup<AdagradOptions>): void {
    super.validateGroup(g);
    this.checkNumber('lrDecay', g.lrDecay, { min: 0 });
    this.checkNumber('weightDecay', g.weightDecay, { min: 0 });
    this.checkNumber('initialAccumulatorValue', g.initialAccumulatorValue, { min: 0 });
    this.checkNumber('eps', g.eps, { min: 0 });
    this.checkBoolean('maximize', g.maximize);
  }

  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<AdagradOptions>, state: ParamState): void {
    const sum = this.stateTensor(state, 'sum', () => fullLike(p, g.initialAccumulatorValue));
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    sum.assign(add(sum, mul(d, d)));
    const std = add(sqrt(sum), g.eps);
    p.assign(add(p, mul(div(d, std), -clr)));
  }
}
