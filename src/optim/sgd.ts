/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch 1.13's rule). */
import type { Tensor } from '../tensor/tensor.js';
import { add, clone, mul, neg } from '../ops/elementwise.js';
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

  protected updateParam(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): void {
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    if (g.momentum !== 0) {
      const existing = state.momentumBuffer;
      let buf: Tensor;
      if (existing === undefined || typeof existing === 'number') {
        buf = this.buffer(clone(d));
        state.momentumBuffer = buf;
      } else {
        // d * 1 is d exactly: skip that kernel in the common dampening = 0 case.
        buf = existing.assign(add(mul(existing, g.momentum), g.dampening === 0 ? d : mul(d, 1 - g.dampening)));
      }
      d = g.nesterov ? add(d, mul(buf, g.momentum)) : buf;
    }
    p.assign(add(p, mul(d, -g.lr)));
  }
}
