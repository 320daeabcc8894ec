/**
 * norm(x, p, dim, keepDim) as torch.norm: p-norms over dims (all by default), 'fro' = 2, ±Infinity
 * = max/min of |x|, 0 = count of non-zeros. Built from differentiable ops; where the sum is zero the
 * root is taken of 1 and masked out, so the gradient there is 0 (PyTorch's subgradient), never NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import { abs, cast, gt, mul, ne, pow, sqrt, where } from './elementwise.js';
import { amax, amin, sum, type Dims } from './reduce.js';
import { assertFloat, assertTensor, fail } from './validate.js';
import { bool, positional, show } from './args.js';

interface NormOptions { p?: number | 'fro'; dim?: Dims; keepDim?: boolean }

/** A root that is 0 (with gradient 0) where its argument is 0. */
function safeRoot(s: Tensor, root: (t: Tensor) => Tensor): Tensor {
  const positive = gt(s, 0);
  return where(positive, root(where(positive, s, 1)), 0);
}

/** norm(x, p = 'fro', dim, keepDim = false), or norm(x, { p, dim, keepDim }). */
export function norm(x: Tensor, ...rest: [p?: number | 'fro' | NormOptions, dim?: Dims | NormOptions, keepDim?: boolean | NormOptions]): Tensor {
  assertTensor('norm', 'input', x);
  assertFloat('norm', 'input', x);
  const o = positional<NormOptions>('norm', rest, ['p', 'dim', 'keepDim']);
  const p = o.p ?? 'fro';
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p) || (p < 0 && p !== -Infinity))) {
    fail('norm', `p must be a non-negative number, Infinity, -Infinity or 'fro', got ${show(p)}`);
  }
  const keepDim = o.keepDim === undefined ? false : bool('norm', 'keepDim', o.keepDim);
  const dim = o.dim;
  if (p === 'fro' || p === 2) return safeRoot(sum(mul(x, x), dim, keepDim), sqrt);
  if (p === Infinity) return amax(abs(x), dim, keepDim);
  if (p === -Infinity) return amin(abs(x), dim, keepDim);
  if (p === 0) return sum(cast(ne(x, 0), x.dtype), dim, keepDim);
  if (p === 1) return sum(abs(x), dim, keepDim);
  return safeRoot(sum(pow(abs(x), p), dim, keepDim), (s) => pow(s, 1 / p));
}
