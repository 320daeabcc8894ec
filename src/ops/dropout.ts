/**
 * Inverted dropout: a seeded random mask (0 or 1/(1-p)) multiplied in, so the op is a composite of
 * mul and needs no gradient rule. The mask comes from the default generator unless one is given, so
 * manualSeed makes runs reproducible.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { allocArray } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { mul } from './elementwise.js';
import { assertFloat, assertRank, assertTensor, fail } from './validate.js';
import { positional, show } from './args.js';

/** (p?, training?, opts?) positionally as F.dropout(input, p, training), or one options object. */
export type DropoutArgs = [opts?: DropoutOptions] | [p?: number, opts?: DropoutOptions] | [p?: number, training?: boolean, opts?: DropoutOptions];

export interface DropoutOptions {
  /** Probability of zeroing an element (or channel), in [0, 1]. */
  p?: number;
  training?: boolean;
  generator?: Generator;
}

function check(op: string, x: Tensor, p: number, generator: Generator | undefined): void {
  assertTensor(op, 'input', x);
  assertFloat(op, 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail(op, `p must be a probability in [0, 1], got ${show(p)}`, 'p is the probability of zeroing, e.g. 0.5');
  if (generator !== undefined && (generator === null || typeof generator.random !== 'function')) fail(op, `generator must be a Generator, got ${show(generator)}`);
}

/** A mask of `shape` with entries 0 (probability p) or 1/(1-p), in x's dtype. */
function mask(x: Tensor, shape: number[], p: number, g: Generator): Tensor {
  const values = allocArray(x.dtype, sizeOf(shape));
  if (p < 1) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < values.length; i++) values[i] = g.random() < p ? 0 : scale;
  }
  return fromArray(values, shape);
}

/** dropout(x, { p = 0.5, training = true, generator }): zeroes elements with probability p, scales the rest by 1/(1-p). */
export function dropout(x: Tensor, ...rest: DropoutArgs): Tensor {
  assertTensor('dropout', 'x', x);
  const { p = 0.5, training = true, generator } = positional<DropoutOptions>('dropout', rest, ['p', 'training'], ['p', 'training', 'generator']);
  if (typeof training !== 'boolean') fail('dropout', `training must be true or false, got ${show(training)}`);
  check('dropout', x, p, generator);
  if (!training || p === 0) return x;
  return mul(x, mask(x, [...x.shape], p, generator ?? defaultGenerator));
}

/** dropout2d(x, opts) on [N,C,H,W] or [C,H,W]: zeroes whole channels with probability p, scales the rest by 1/(1-p). */
export function dropout2d(x: Tensor, ...rest: DropoutArgs): Tensor {
  const { p = 0.5, training = true, generator } = positional<DropoutOptions>('dropout2d', rest, ['p', 'training'], ['p', 'training', 'generator']);
  if (typeof training !== 'boolean') fail('dropout2d', `training must be true or false, got ${show(training)}`);
  check('dropout2d', x, p, generator);
  assertRank('dropout2d', 'input', x, [3, 4], 'expected [N, C, H, W] or [C, H, W]');
  if (!training || p === 0) return x;
  const shape = x.shape.map((d, i) => (i < x.ndim - 2 ? d : 1));
  return mul(x, mask(x, shape, p, generator ?? defaultGenerator));
}
