/** Gradient clipping: rescale by the total norm, or clamp element-wise (PyTorch's clip_grad_norm_ / clip_grad_value_). */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import { abs, clamp, mul, pow } from '../ops/elementwise.js';
import { max, sum } from '../ops/reduce.js';
import { NeocogError } from '../ops/validate.js';
import { bool, positional, show } from '../ops/args.js';

function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : params && typeof (params as Iterable<Tensor>)[Symbol.iterator] === 'function' ? [...params] : null;
  if (!list) throw new NeocogError(op, `params must be a Tensor or an array of tensors, got ${params === null ? 'null' : typeof params}`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new NeocogError(op, `params[${i}] is not a Tensor (got ${p === null ? 'null' : typeof p})`);
  });
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

export interface ClipGradNormOptions {
  normType?: number;
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `params` in place so that their combined `normType`-norm (as if all
 * gradients were one vector) is at most `maxNorm`: each grad is multiplied by
 * maxNorm / (total + 1e-6) when that factor is below 1. Returns the total norm before clipping.
 * normType may be any positive number or Infinity (the largest absolute value).
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  // PyTorch's positional order: clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite).
  ...rest: [opts?: ClipGradNormOptions] | [normType?: number, errorIfNonfinite?: boolean]
): number {
  const op = 'clipGradNorm';
  const { normType = 2, errorIfNonfinite = false } = positional<ClipGradNormOptions>(op, rest, ['normType', 'errorIfNonfinite']);
  bool(op, 'errorIfNonfinite', errorIfNonfinite);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new NeocogError(op, `maxNorm must be a number, got ${show(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new NeocogError(op, `normType must be a positive number or Infinity, got ${show(normType)}`);
  const grads = gradsOf(op, params);
  if (grads.length === 0) return 0;
  return noGrad(() =>
    tidy(() => {
      let total: number;
      if (normType === Infinity) {
        total = Math.max(...grads.map((g) => (g.size === 0 ? 0 : max(abs(g)).item())));
      } else {
        // Per-grad norms first, then the norm of those norms (PyTorch's order of evaluation).
        const norms = grads.map((g) => {
          const s = normType === 2 ? sum(mul(g, g)).item() : normType === 1 ? sum(abs(g)).item() : sum(pow(abs(g), normType)).item();
          return s ** (1 / normType);
        });
        total = norms.reduce((acc, n) => acc + n ** normType, 0) ** (1 / normType);
      }
      if (errorIfNonfinite && !Number.isFinite(total)) {
        throw new NeocogError(op, `the total norm of order ${normType} for gradients is ${total}`, 'pass { errorIfNonfinite: false } to clip anyway');
      }
      const coef = maxNorm / (total + 1e-6);
      if (coef < 1) for (const g of grads) g.assign(mul(g, coef));
      return total;
    }),
  );
}

/** Clamps every gradient of `params` in place to [-clipValue, clipValue]. */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new NeocogError(op, `clipValue must be a number, got ${show(clipValue)}`);
  if (clipValue < 0) throw new NeocogError(op, `clipValue must be >= 0, got ${clipValue}`);
  const grads = gradsOf(op, params);
  noGrad(() =>
    tidy(() => {
      for (const g of grads) g.assign(clamp(g, { min: -clipValue, max: clipValue }));
    }),
  );
}
