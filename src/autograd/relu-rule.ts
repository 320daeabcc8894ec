/**
 * Which backward rule relu uses: the true gradient, or one of the two modified rules of the
 * interpretation literature, read when backward runs (not when the forward was recorded), so they
 * reach every relu on the tape: functional calls, reused nn.ReLU modules and relus inside blocks.
 *   gradient   dx = dy * [x > 0]
 *   guided     dx = relu(dy) * [x > 0]   (Springenberg et al. 2015, guided backpropagation)
 *   deconvnet  dx = relu(dy)             (Zeiler & Fergus 2014: the deconvnet's rectification)
 */
import { show } from '../ops/args.js';
export type ReluRule = 'gradient' | 'guided' | 'deconvnet';
export const RELU_RULES: readonly ReluRule[] = ['gradient', 'guided', 'deconvnet'];

let current: ReluRule = 'gradient';

export function reluRule(): ReluRule {
  return current;
}

/** Runs `fn` (typically a backward pass) with relu's backward rule set to `rule`. */
export function withReluRule<T>(rule: ReluRule, fn: () => T): T {
  if (!RELU_RULES.includes(rule)) throw new Error(`withReluRule: rule must be one of ${RELU_RULES.join(', ')}, got ${show(rule)}`);
  const prev = current;
  current = rule;
  try {
    return fn();
  } finally {
    current = prev;
  }
}
