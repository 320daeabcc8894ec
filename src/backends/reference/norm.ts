/**
 * Batch norm with batch statistics as one pass per channel, forward and backward side by side. As a
 * chain of elementwise ops it made ~20 full-size tensors a layer and step (2/3 of a small BN net's
 * training time); here it is three reads of x forward and two of (x, dy) backward. Sums are in float64.
 */
import { allocArray } from '../../tensor/dtype.js';
import type { RefKernel, RefKernelTable } from './types.js';

/** [N, C, *] as (N, C, S): S is the product of the trailing dims. */
function dims(shape: readonly number[], size: number): [number, number, number] {
  const [N, C] = shape;
  return [N, C, N * C === 0 ? 0 : size / (N * C)];
}

/** inputs [x, weight, bias] -> [y, mean, var]: y = (x - mean) / sqrt(var + eps) * weight + bias; var biased. */
const BatchNormTrain: RefKernel<'BatchNormTrain'> = ([x, w, b], { eps }) => {
  const [N, C, S] = dims(x.shape, x.values.length);
  const xv = x.values, count = N * S;
  const y = allocArray(x.dtype, xv.length), mean = allocArray(x.dtype, C), variance = allocArray(x.dtype, C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) sum += xv[i];
    const m = count ? sum / count : NaN;
    let sq = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
        const d = xv[i] - m;
        sq += d * d;
      }
    }
    const v = count ? sq / count : NaN;
    const scale = w.values[c] / Math.sqrt(v + eps), shift = b.values[c];
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) y[i] = (xv[i] - m) * scale + shift;
    mean[c] = m;
    variance[c] = v;
  }
  return [
    { values: y, shape: [...x.shape], dtype: x.dtype },
    { values: mean, shape: [C], dtype: x.dtype },
    { values: variance, shape: [C], dtype: x.dtype },
  ];
};

/**
 * inputs [dy, x, mean, var, weight] -> [dx, dweight, dbias], with xhat = (x - mean) * invstd:
 * dbias = sum(dy), dweight = sum(dy * xhat), dx = weight * invstd * (dy - dbias / M - xhat * dweight / M).
 */
const BatchNormTrainGrad: RefKernel<'BatchNormTrainGrad'> = ([dy, x, mean, variance, w], { eps }) => {
  const [N, C, S] = dims(x.shape, x.values.length);
  const xv = x.values, g = dy.values, count = N * S;
  const dx = allocArray(x.dtype, xv.length), dw = allocArray(x.dtype, C), db = allocArray(x.dtype, C);
  for (let c = 0; c < C; c++) {
    const m = mean.values[c], invstd = 1 / Math.sqrt(variance.values[c] + eps);
    let sumDy = 0, sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
        sumDy += g[i];
        sumDyXhat += g[i] * (xv[i] - m);
      }
    }
    sumDyXhat *= invstd;
    const k = w.values[c] * invstd, meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) dx[i] = k * (g[i] - meanDy - (xv[i] - m) * invstd * meanDyXhat);
    }
    dw[c] = sumDyXhat;
    db[c] = sumDy;
  }
  return [
    { values: dx, shape: [...x.shape], dtype: x.dtype },
    { values: dw, shape: [C], dtype: x.dtype },
    { values: db, shape: [C], dtype: x.dtype },
  ];
};

export const normKernels = { BatchNormTrain, BatchNormTrainGrad } satisfies Pick<RefKernelTable, 'BatchNormTrain' | 'BatchNormTrainGrad'>;
