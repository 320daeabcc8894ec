/** The define-by-run tape: each differentiable op output remembers how to send gradients to its inputs. */
import type { Tensor } from '../tensor/tensor.js';
import { noExtra } from '../ops/args.js';
import { NeocogError } from '../ops/validate.js';
import { show } from '../ops/args.js';

export interface GradNode {
  /** The op name, for error messages. */
  op: string;
  inputs: (Tensor | null | undefined)[];
  /** Returns one gradient per input (null where that input needs none), written with ops. */
  backward: (dy: Tensor) => (Tensor | null | undefined)[];
  /** Tensors the gradient rules may read that nobody else can reach: released once backward consumed this node. */
  releaseAfter?: Tensor[];
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  noExtra('isGradEnabled', arguments, 0);
  return gradEnabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` without recording the tape (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new NeocogError('noGrad', `fn must be a function, got ${show(fn)}`);
  return withGradMode(false, fn);
}

export function enableGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new NeocogError('enableGrad', `fn must be a function, got ${show(fn)}`);
  return withGradMode(true, fn);
}

/** Attaches a gradient rule to `output` when grad mode is on and some input requires grad. */
export function record<T extends Tensor>(
  op: string,
  output: T,
  inputs: (Tensor | null | undefined)[],
  backward: GradNode['backward'],
): T {
  if (!gradEnabled || !inputs.some((t) => t?.requiresGrad)) return output;
  output.requiresGrad = true;
  output.gradFn = { op, inputs, backward };
  return output;
}
