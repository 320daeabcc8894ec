/**
 * evaluate: loss and metrics of a model over a loader (eval mode, no gradients), with top-k accuracy
 * and a confusion matrix on request. predict: the model's output for an input tensor, batched.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Module, type AnyModule } from '../nn/module.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import { cat, slice } from '../ops/shape.js';
import { checkSource, resolveLoss, splitBatch, type BatchSource, type LossSpec } from './loop.js';
import { countCorrect, emptyMatrix, resolveMetric, RunningMeans, updateConfusion, type MetricSpec } from './metrics.js';
import { integer, noExtra, options, show } from '../ops/args.js';
import { assertTensor, fail } from '../ops/validate.js';

export interface EvaluateOptions {
  /** Reported as `loss` when given. */
  loss?: LossSpec;
  /** Extra metrics by name or object (accuracy is always computed). */
  metrics?: MetricSpec[];
  /** Top-k accuracies to compute, e.g. [5]. */
  topK?: number[];
  /** Build a confusion matrix (rows: true class, columns: predicted). */
  confusion?: boolean;
  /** Classes in the confusion matrix (default: the output's dim 1). */
  numClasses?: number;
}

export interface EvaluateResult {
  /** Mean loss per sample (null when no loss was given). */
  loss: number | null;
  accuracy: number;
  /** k -> top-k accuracy. */
  topK: Record<number, number>;
  /** Present when `confusion` was asked for. */
  confusionMatrix?: number[][];
  /** Any other metric by name. */
  metrics: Record<string, number>;
  numSamples: number;
}

/** Runs `fn` with the model in eval mode, restoring its previous mode. */
export async function inEvalMode<T>(model: AnyModule, fn: () => Promise<T>): Promise<T> {
  const was = model.training;
  model.eval();
  try {
    return await fn();
  } finally {
    model.train(was);
  }
}

export async function evaluate(model: AnyModule, loader: BatchSource, opts: EvaluateOptions = {}): Promise<EvaluateResult> {
  checkSource('evaluate', 'loader', loader);
  const { topK = [], confusion = false, numClasses } = opts;
  for (const k of topK) if (!Number.isInteger(k) || k < 1) throw new Error(`evaluate: topK entries must be positive integers, got ${show(topK)}`);
  const lossFn = opts.loss === undefined ? null : resolveLoss('evaluate', opts.loss);
  const extra = (opts.metrics ?? []).map(resolveMetric).filter((m) => m.name !== 'accuracy');
  const means = new RunningMeans();
  let matrix: number[][] | undefined;
  let numSamples = 0;
  await inEvalMode(model, async () => {
    for await (const batch of loader) {
      const [x, y] = splitBatch('evaluate', batch);
      noGrad(() =>
        tidy(() => {
          const out = model.call(x) as Tensor;
          const n = out.shape[0];
          numSamples += n;
          if (lossFn) means.add('loss', lossFn(out, y).item(), n);
          const top1 = countCorrect(out, y);
          means.add('accuracy', top1.count ? top1.correct / top1.count : 0, top1.count);
          for (const k of topK) {
            const c = countCorrect(out, y, k);
            means.add(`top${k}`, c.count ? c.correct / c.count : 0, c.count);
          }
          for (const m of extra) {
            const r = m.update(out, y);
            means.add(m.name, r.value, r.count);
          }
          if (confusion) {
            matrix ??= emptyMatrix(numClasses ?? (out.ndim === 1 || out.shape[1] === 1 ? 2 : out.shape[1]));
            updateConfusion(matrix, out, y);
          }
        }),
      );
    }
  });
  const result: EvaluateResult = {
    loss: lossFn ? means.get('loss') : null,
    accuracy: means.get('accuracy'),
    topK: Object.fromEntries(topK.map((k) => [k, means.get(`top${k}`)])),
    metrics: Object.fromEntries(extra.map((m) => [m.name, means.get(m.name)])),
    numSamples,
  };
  if (confusion) result.confusionMatrix = matrix ?? emptyMatrix(numClasses ?? 0);
  return result;
}

/** The model's output for `x` (eval mode, no gradients), in batches of `batchSize` along dim 0 (default: all at once). */
export function predict(model: AnyModule, x: Tensor, opts: { batchSize?: number } = {}): Tensor {
  if (!(model instanceof Module)) fail('predict', `model must be an nn.Module, got ${show(model)}`);
  assertTensor('predict', 'x', x);
  noExtra('predict', arguments, 3);
  const { batchSize } = options<{ batchSize?: number }>('predict', opts, ['batchSize']);
  if (batchSize !== undefined) integer('predict', 'batchSize', batchSize, { min: 1 });
  const was = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = x.shape[0];
      if (batchSize === undefined || batchSize >= n) return model.call(x) as Tensor;
      return tidy(() => {
        const parts: Tensor[] = [];
        for (let i = 0; i < n; i += batchSize) parts.push(model.call(slice(x, 0, i, Math.min(n, i + batchSize))) as Tensor);
        return cat(parts, 0);
      });
    });
  } finally {
    model.train(was);
  }
}
