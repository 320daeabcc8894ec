/** Adadelta, PyTorch 1.13's update rule. */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { add, div, mul, neg, sqrt } from '../ops/elementwise.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * Adadelta(params, { lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false }).
 *
 *   g = grad + weightDecay * p;  v = rho v + (1 - rho) g^2
 *   delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho u + (1 - rho) delta^2;  p -= lr delta
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdadeltaOptions>>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options }, 'Adadelta');
  }

  protected override validateGroup(g: ParamGroup<AdadeltaOptions>): void {
    super.validateGroup(g);
    this.checkNumber('rho', g.rho, { min: 0, max: 1 });
    this.checkNumber('eps', g.eps, { min: 0 });
    this.checkNumber('weightDecay', g.weightDecay, { min: 0 });
    this.checkBoolean('maximize', g.maximize);
  }

  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<AdadeltaOptions>, state: ParamState): void {
    const squareAvg = this.stateTensor(state, 'squareAvg', () => zerosLike(p));
    const accDelta = this.stateTensor(state, 'accDelta', () => zerosLike(p));
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    squareAvg.assign(add(mul(squareAvg, g.rho), mul(mul(d, d), 1 - g.rho)));
    const std = sqrt(add(squareAvg, g.eps));
    const delta = mul(div(sqrt(add(accDelta, g.eps)), std), d);
    accDelta.assign(add(mul(accDelta, g.rho), mul(mul(delta, delta), 1 - g.rho)));
    p.assign(add(p, mul(delta, -g.lr)));
  }
}
