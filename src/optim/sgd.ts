/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch 1.13's rule). */
import { Tensor } from '../tensor/tensor.js';
import { runKernel } from '../ops/kernel.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * SGD(params, { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false }).
 *
 *   g = grad (negated if maximize) + weightDecay * p
 *   buf = g on the first step, else momentum * buf + (1 - dampening) * g
 *   g = nesterov ? g + momentum * buf : buf          (when momentum != 0)
 *   p = p - lr * g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDOptions>>, options: Partial<SGDOptions> = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options }, 'SGD');
  }

  protected override validateGroup(g: ParamGroup<SGDOptions>): void {
    super.validateGroup(g);
    this.checkNumber('momentum', g.momentum, { min: 0 });
    this.checkNumber('dampening', g.dampening);
    this.checkNumber('weightDecay', g.weightDecay, { min: 0 });
    this.checkBoolean('nesterov', g.nesterov);
    this.checkBoolean('maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      this.fail(`nesterov requires momentum > 0 and dampening = 0, got momentum ${g.momentum} and dampening ${g.dampening}`);
    }
  }

  /** One fused kernel per parameter (SGDStep: the rule above, each operation rounded as separate ops round it). */
  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): void {
    const existing = state.momentumBuffer;
    const buffer = g.momentum !== 0 && existing instanceof Tensor ? existing : undefined;
    const [next, nextBuffer] = runKernel('SGDStep', buffer ? [p, grad, buffer] : [p, grad], {
      lr: g.lr, momentum: g.momentum, dampening: g.dampening, weightDecay: g.weightDecay, nesterov: g.nesterov, maximize: g.maximize,
    });
    if (nextBuffer) {
      if (buffer) buffer.assign(nextBuffer);
      else state.momentumBuffer = this.buffer(nextBuffer);
    }
    p.assign(next);
  }
}
