/** Adam and AdamW (decoupled weight decay), PyTorch 1.13's update rules, with AMSGrad. */
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/creation.js';
import { add, div, maximum, mul, neg, sqrt } from '../ops/elementwise.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { show } from '../ops/args.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

type Params = Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>;

abstract class AdamBase extends Optimizer<AdamOptions> {
  /** AdamW decays the weights directly; Adam adds weightDecay * p to the gradient. */
  protected abstract readonly decoupled: boolean;

  protected override validateGroup(g: ParamGroup<AdamOptions>): void {
    super.validateGroup(g);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) this.fail(`betas must be a pair [beta1, beta2], got ${show(g.betas)}`);
    this.checkNumber('betas[0]', g.betas[0], { min: 0, max: 1, maxExclusive: true });
    this.checkNumber('betas[1]', g.betas[1], { min: 0, max: 1, maxExclusive: true });
    this.checkNumber('eps', g.eps, { min: 0 });
    this.checkNumber('weightDecay', g.weightDecay, { min: 0 });
    this.checkBoolean('amsgrad', g.amsgrad);
    this.checkBoolean('maximize', g.maximize);
  }

  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    const expAvg = this.stateTensor(state, 'expAvg', () => zerosLike(p));
    const expAvgSq = this.stateTensor(state, 'expAvgSq', () => zerosLike(p));
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) {
      if (this.decoupled) p.assign(mul(p, 1 - g.lr * g.weightDecay));
      else d = add(d, mul(p, g.weightDecay));
    }
    expAvg.assign(add(mul(expAvg, beta1), mul(d, 1 - beta1)));
    expAvgSq.assign(add(mul(expAvgSq, beta2), mul(mul(d, d), 1 - beta2)));
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    let second = expAvgSq;
    if (g.amsgrad) {
      const maxSq = this.stateTensor(state, 'maxExpAvgSq', () => zerosLike(p));
      second = maxSq.assign(maximum(maxSq, expAvgSq));
    }
    const denom = add(div(sqrt(second), biasCorrection2Sqrt), g.eps);
    p.assign(add(p, mul(div(expAvg, denom), -g.lr / biasCorrection1)));
  }
}

/**
 * Adam(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false }).
 *
 *   g = grad + weightDecay * p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   vmax = max(vmax, v) (amsgrad);  p -= lr / (1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps)
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options }, 'Adam');
  }
}

/** AdamW: Adam with decoupled weight decay, p *= 1 - lr * weightDecay before the Adam step (weightDecay defaults to 1e-2). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options }, 'AdamW');
  }
}
