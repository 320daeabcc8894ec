/** Adam and AdamW (decoupled weight decay), PyTorch 1.13's update rules, with AMSGrad. */
import type { Tensor } from '../tensor/tensor.js';
import { runKernel } from '../ops/kernel.js';
import { zerosLike } from '../tensor/creation.js';
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

  /** One fused kernel per parameter (AdamStep: the rule below, each operation rounded as separate ops round it). */
  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    const expAvg = this.stateTensor(state, 'expAvg', () => zerosLike(p));
    const expAvgSq = this.stateTensor(state, 'expAvgSq', () => zerosLike(p));
    const maxSq = g.amsgrad ? this.stateTensor(state, 'maxExpAvgSq', () => zerosLike(p)) : null;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const [next, m, v, vmax] = runKernel('AdamStep', maxSq ? [p, grad, expAvg, expAvgSq, maxSq] : [p, grad, expAvg, expAvgSq], {
      lr: g.lr, beta1, beta2, eps: g.eps, weightDecay: g.weightDecay, decoupled: this.decoupled, amsgrad: g.amsgrad, maximize: g.maximize, step,
    });
    expAvg.assign(m);
    expAvgSq.assign(v);
    maxSq?.assign(vmax);
    p.assign(next);
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
