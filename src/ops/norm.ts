/**
 * Normalisation ops: batch norm, local response norm (AlexNet) and local contrast norm (the RDFIA
 * lecture's LCN). All three are composites of differentiable ops; only LCN's fixed Gaussian window
 * is a small primitive (a convolution with a constant kernel, so it only needs dx).
 */
import type { Tensor } from '../tensor/tensor.js';
import { fromArray, full, zeros } from '../tensor/creation.js';
import { scalar } from './util.js';
import { allocArray } from '../tensor/dtype.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad, record } from '../autograd/graph.js';
import { run1, runKernel } from './kernel.js';
import { add, cast, div, maximum, mul, neg, pow, sqrt, sub } from './elementwise.js';
import { mean } from './reduce.js';
import { cat, reshape, slice } from './shape.js';
import { assertFloat, assertInt, assertNumber, assertRank, assertTensor, fail } from './validate.js';
import { bool, options, positional } from './args.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

function checkPerChannel(op: string, arg: string, t: Tensor | null | undefined, C: number, x: Tensor): void {
  if (t === null || t === undefined) return;
  assertTensor(op, arg, t);
  assertFloat(op, arg, t);
  if (t.ndim !== 1 || t.shape[0] !== C) {
    fail(op, `${arg} must have shape [${C}] (one value per channel), got ${fmtShape(t.shape)} (input ${fmtShape(x.shape)})`, 'dim 1 of the input is the channel dim');
  }
}

/** Batch statistics in one kernel each way (BatchNormTrain / BatchNormTrainGrad): [y, mean, biased var]. */
function fusedBatchNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): [Tensor, Tensor, Tensor] {
  const C = x.shape[1];
  const w = weight ?? full([C], 1, { dtype: x.dtype }), b = bias ?? zeros([C], { dtype: x.dtype });
  const [y, mu, variance] = runKernel('BatchNormTrain', [x, w, b], { eps });
  record('batchNorm', y, [x, weight, bias], (dy) => {
    const [dx, dw, db] = runKernel('BatchNormTrainGrad', [dy, x, mu, variance, w], { eps });
    return [dx, weight ? dw : null, bias ? db : null];
  });
  return [y, mu, variance];
}

/**
 * batchNorm(x, runningMean, runningVar, { weight, bias, training, momentum, eps }) on [N,C,*], as
 * F.batch_norm: training normalises with the batch statistics (biased variance) and updates the
 * running stats in place (unbiased variance); eval uses the running stats. Null running stats mean
 * batch statistics always.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions | Tensor | null = {},
  ...rest: [bias?: Tensor | null, training?: boolean, momentum?: number, eps?: number]
): Tensor {
  const op = 'batchNorm';
  // F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps): the same
  // values may follow positionally, or come as one options object.
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = positional<BatchNormOptions>(op, [opts, ...rest], ['weight', 'bias', 'training', 'momentum', 'eps']);
  assertTensor(op, 'input', x);
  if (x.ndim < 2) fail(op, `input must be at least 2D [N, C, *], got ${x.ndim}D ${fmtShape(x.shape)}`, 'add a batch dim with unsqueeze(0)');
  assertFloat(op, 'input', x);
  const C = x.shape[1];
  checkPerChannel(op, 'runningMean', runningMean, C, x);
  checkPerChannel(op, 'runningVar', runningVar, C, x);
  checkPerChannel(op, 'weight', weight, C, x);
  checkPerChannel(op, 'bias', bias, C, x);
  if ((runningMean === null) !== (runningVar === null)) fail(op, 'runningMean and runningVar must both be tensors or both be null');
  assertNumber(op, 'momentum', momentum, { min: 0, max: 1 });
  assertNumber(op, 'eps', eps, { min: 0 });
  bool(op, 'training', training);

  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const perChannel = (t: Tensor) => reshape(t, bshape);
  let centered: Tensor;
  let variance: Tensor;
  if (training || runningMean === null || runningVar === null) {
    const n = x.size / C;
    if (training && n <= 1) fail(op, `expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`, 'use a batch larger than 1, or eval mode');
    const updateRunning = (mu: Tensor, biasedVar: Tensor) => {
      if (!(training && runningMean && runningVar)) return;
      noGrad(() => {
        const m = reshape(mu, [C]);
        const unbiased = mul(reshape(biasedVar, [C]), n / (n - 1));
        runningMean.assign(cast(add(mul(runningMean, 1 - momentum), mul(cast(m, runningMean.dtype), momentum)), runningMean.dtype));
        runningVar.assign(cast(add(mul(runningVar, 1 - momentum), mul(cast(unbiased, runningVar.dtype), momentum)), runningVar.dtype));
      });
    };
    if ((!weight || weight.dtype === x.dtype) && (!bias || bias.dtype === x.dtype)) {
      const [y, mu, biasedVar] = fusedBatchNorm(x, weight, bias, eps);
      updateRunning(mu, biasedVar);
      return y;
    }
    const mu = mean(x, axes, true);
    centered = sub(x, mu);
    variance = mean(mul(centered, centered), axes, true);
    updateRunning(mu, variance);
  } else {
    // Running statistics: fold everything into one per-channel scale and shift (PyTorch's CPU kernel
    // does the same), so the full-size tensor sees 2 ops instead of 4.
    const scale = div(weight ?? scalar(1, x.dtype), sqrt(add(runningVar, eps)));
    let shift = neg(mul(runningMean, scale));
    if (bias) shift = add(shift, bias);
    return add(mul(x, perChannel(scale)), perChannel(shift));
  }
  let y = div(centered, sqrt(add(variance, eps)));
  if (weight) y = mul(y, perChannel(weight));
  if (bias) y = add(y, perChannel(bias));
  return y;
}

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * localResponseNorm(x, size, { alpha, beta, k }) exactly as PyTorch's F.local_response_norm:
 * y = x / (k + alpha * avg_c'(x[c']^2))^beta, the average over a window of `size` channels around c
 * (zero padded by floor(size/2) before and floor((size-1)/2) after, always divided by size).
 */
export function localResponseNorm(x: Tensor, size: number, opts: LocalResponseNormOptions = {}): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = options<LocalResponseNormOptions>('localResponseNorm', opts, ['alpha', 'beta', 'k']);
  const op = 'localResponseNorm';
  assertTensor(op, 'input', x);
  if (x.ndim < 3) fail(op, `input must be at least 3D [N, C, *], got ${x.ndim}D ${fmtShape(x.shape)}`, 'add a batch dim with unsqueeze(0), or a spatial dim with unsqueeze(-1)');
  assertFloat(op, 'input', x);
  assertInt(op, 'size', size, { min: 1 });
  assertNumber(op, 'alpha', alpha);
  assertNumber(op, 'beta', beta);
  assertNumber(op, 'k', k);
  const C = x.shape[1];
  const before = Math.floor(size / 2), after = Math.floor((size - 1) / 2);
  const padShape = (n: number) => x.shape.map((d, i) => (i === 1 ? n : d));
  const parts = [mul(x, x)];
  if (before > 0) parts.unshift(zeros(padShape(before), { dtype: x.dtype }));
  if (after > 0) parts.push(zeros(padShape(after), { dtype: x.dtype }));
  const padded = parts.length > 1 ? cat(parts, 1) : parts[0];
  let window = slice(padded, 1, 0, C);
  for (let j = 1; j < size; j++) window = add(window, slice(padded, 1, j, j + C));
  const denom = pow(add(mul(window, alpha / size), k), beta);
  return div(x, denom);
}

export interface LocalContrastNormOptions {
  size?: number;
  sigma?: number;
  eps?: number;
}

/** The Gaussian window of LCN as a [1, C, size, size] conv weight summing to 1 over all taps. */
function gaussianWeight(C: number, size: number, sigma: number, dtype: Tensor['dtype']): Tensor {
  const g1 = Array.from({ length: size }, (_, i) => Math.exp(-((i - (size >> 1)) ** 2) / (2 * sigma * sigma)));
  let total = 0;
  for (const a of g1) for (const b of g1) total += a * b;
  const values = allocArray(dtype, C * size * size);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) values[(c * size + i) * size + j] = (g1[i] * g1[j]) / (total * C);
  }
  return fromArray(values, [1, C, size, size]);
}

/** Weighted local mean over channels and a size×size neighbourhood: [N,C,H,W] -> [N,1,H,W]. */
function localMean(x: Tensor, w: Tensor, size: number): Tensor {
  const p = size >> 1;
  const attrs = { stride: [1, 1] as [number, number], pads: [p, p, p, p] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const inputShape = x.shape as [number, number, number, number];
  return record('localContrastNorm', run1('Conv2D', [x, w], attrs), [x], (dy) => [
    run1('Conv2DBackpropInput', [dy, w], { ...attrs, inputShape: [...inputShape] }),
  ]);
}

/**
 * localContrastNorm(x, { size, sigma, eps }) on [N,C,H,W] (or [C,H,W]): subtractive then divisive
 * normalisation over a Gaussian (std sigma) size×size neighbourhood across all channels:
 * v = x - m(x), s = sqrt(m(v^2)), y = v / max(s, mean_hw(s), eps), m the normalised Gaussian mean.
 */
export function localContrastNorm(x: Tensor, opts: LocalContrastNormOptions = {}): Tensor {
  const { size = 9, sigma = 2, eps = 1e-4 } = options<LocalContrastNormOptions>('localContrastNorm', opts, ['size', 'sigma', 'eps']);
  const op = 'localContrastNorm';
  assertRank(op, 'input', x, [3, 4], 'expected [N, C, H, W] or [C, H, W]');
  assertFloat(op, 'input', x);
  assertInt(op, 'size', size, { min: 1 });
  if (size % 2 !== 1) fail(op, `size must be odd, got ${size}`, 'the window is centred on each pixel, e.g. 3, 5 or 9');
  assertNumber(op, 'sigma', sigma, { min: 0, exclusiveMin: true });
  assertNumber(op, 'eps', eps, { min: 0 });
  if (x.ndim === 3) return reshape(localContrastNorm(reshape(x, [1, ...x.shape]), { size, sigma, eps }), x.shape);
  const w = gaussianWeight(x.shape[1], size, sigma, x.dtype);
  const v = sub(x, localMean(x, w, size));
  const s = sqrt(localMean(mul(v, v), w, size));
  const c = mean(s, [2, 3], true);
  return div(v, maximum(maximum(s, c), eps));
}
