/** Nonlinearities and softmax. Each is a kernel with its gradient rule beside it. */
import type { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/graph.js';
import { reluRule } from '../autograd/relu-rule.js';
import { run1 } from './kernel.js';
import { scalar } from './util.js';
import { assertFloat, assertTensor, normDim } from './validate.js';
import { finite, noExtra, positional } from './args.js';

function checkInput(op: string, x: Tensor): void {
  assertTensor(op, 'input', x);
  assertFloat(op, 'input', x);
}

export function relu(x: Tensor): Tensor {
  checkInput('relu', x);
  noExtra('relu', arguments, 1);
  const out = run1('Relu', [x], {});
  return record('relu', out, [x], (dy) => {
    // inspect's guided backprop / deconvnet swap the rule at backward time (autograd/relu-rule.ts).
    const rule = reluRule();
    if (rule === 'gradient') return [run1('ReluGrad', [dy, out], {})];
    const positive = run1('Relu', [dy], {});
    return [rule === 'deconvnet' ? positive : run1('ReluGrad', [positive, out], {})];
  });
}

/** min(max(x, 0), 6): MobileNet's activation. */
export function relu6(x: Tensor): Tensor {
  checkInput('relu6', x);
  noExtra('relu6', arguments, 1);
  return record('relu6', run1('Clamp', [x], { min: 0, max: 6 }), [x], (dy) => {
    const inside = run1('Mul', [run1('Greater', [x, scalar(0, x.dtype)], {}), run1('Less', [x, scalar(6, x.dtype)], {})], {});
    return [run1('Mul', [dy, inside], {})];
  });
}

/** leakyRelu(x, negativeSlope = 0.01) or leakyRelu(x, { negativeSlope }), as F.leaky_relu(x, 0.2). */
export function leakyRelu(x: Tensor, ...rest: [negativeSlope?: number | { negativeSlope?: number }]): Tensor {
  checkInput('leakyRelu', x);
  const { negativeSlope = 0.01 } = positional<{ negativeSlope?: number }>('leakyRelu', rest, ['negativeSlope']);
  finite('leakyRelu', 'negativeSlope', negativeSlope);
  return record('leakyRelu', run1('LeakyRelu', [x], { negativeSlope }), [x], (dy) => {
    const pos = run1('Greater', [x, scalar(0, x.dtype)], {});
    const slope = run1('Where', [pos, scalar(1, dy.dtype), scalar(negativeSlope, dy.dtype)], {});
    return [run1('Mul', [dy, slope], {})];
  });
}

/** elu(x, alpha = 1) or elu(x, { alpha }), as F.elu(x, 2.0). */
export function elu(x: Tensor, ...rest: [alpha?: number | { alpha?: number }]): Tensor {
  checkInput('elu', x);
  const { alpha = 1 } = positional<{ alpha?: number }>('elu', rest, ['alpha']);
  finite('elu', 'alpha', alpha);
  const out = run1('Elu', [x], { alpha });
  return record('elu', out, [x], (dy) => {
    // For x <= 0, d/dx alpha*(e^x - 1) = out + alpha.
    const neg = run1('Add', [out, scalar(alpha, x.dtype)], {});
    const slope = run1('Where', [run1('Greater', [x, scalar(0, x.dtype)], {}), scalar(1, x.dtype), neg], {});
    return [run1('Mul', [dy, slope], {})];
  });
}

export function sigmoid(x: Tensor): Tensor {
  checkInput('sigmoid', x);
  noExtra('sigmoid', arguments, 1);
  const out = run1('Sigmoid', [x], {});
  return record('sigmoid', out, [x], (dy) => [
    run1('Mul', [dy, run1('Mul', [out, run1('Sub', [scalar(1, x.dtype), out], {})], {})], {}),
  ]);
}

export function tanh(x: Tensor): Tensor {
  checkInput('tanh', x);
  noExtra('tanh', arguments, 1);
  const out = run1('Tanh', [x], {});
  return record('tanh', out, [x], (dy) => [
    run1('Mul', [dy, run1('Sub', [scalar(1, x.dtype), run1('Mul', [out, out], {})], {})], {}),
  ]);
}

/**
 * softmax(x, dim) = exp(x - max) / sum along dim: one kernel each way (the max shift keeps large logits
 * finite); the gradient y * (dy - sum(dy * y)) reads the output only.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  checkInput('softmax', x);
  noExtra('softmax', arguments, 2);
  const axis = normDim('softmax', dim, x.ndim);
  const out = run1('Softmax', [x], { axis });
  return record('softmax', out, [x], (dy) => [run1('SoftmaxGrad', [dy, out], { axis })]);
}

/**
 * logSoftmax(x, dim) = x - (max + log(sum(exp(x - max)))) along dim: never takes the log of a
 * rounded-to-zero probability; the gradient dy - exp(y) * sum(dy) reads the output only.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkInput('logSoftmax', x);
  noExtra('logSoftmax', arguments, 2);
  const axis = normDim('logSoftmax', dim, x.ndim);
  const out = run1('LogSoftmax', [x], { axis });
  return record('logSoftmax', out, [x], (dy) => [run1('LogSoftmaxGrad', [dy, out], { axis })]);
}
