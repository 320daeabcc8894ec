/**
 * fit: Keras's model.fit for neocog modules. Each step runs in a `tidy` scope: model.train(),
 * optimizer.zeroGrad(), forward, loss, backward, (optional gradient clipping), optimizer.step().
 * After each epoch, validation (if given) runs under noGrad in eval mode, then callbacks see the
 * epoch's logs: loss, metrics (accuracy by default), valLoss, val<Metric>, lr (the lr the epoch used).
 *
 *   const history = await fit(model, trainLoader, { epochs: 5, optimizer, loss: 'crossEntropy', validation: testLoader });
 *   history.history.valAccuracy  // one value per epoch
 */
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { Optimizer, type BaseHyper } from '../optim/optimizer.js';
import { clipGradNorm } from '../optim/clip.js';
import { runBackward } from '../autograd/backward.js';
import { tidy } from '../autograd/scope.js';
import { CallbackList, type AnyScheduler, type BatchLogs, type CallbackLike, type FitContext, type Logs } from './callback.js';
import { evaluate } from './evaluate.js';
import { History, valKey } from './history.js';
import { checkSource, resolveLoss, splitBatch, stepsOf, type BatchSource, type LossSpec } from './loop.js';
import { LRSchedulerCallback } from './lr-callback.js';
import { resolveMetric, RunningMeans, type MetricSpec } from './metrics.js';
import { ProgressBar } from './progress.js';

export interface FitOptions {
  /** Train up to this epoch (exclusive; with initialEpoch = 2 and epochs = 5, epochs 2, 3, 4 run). */
  epochs: number;
  optimizer: Optimizer<BaseHyper>;
  loss: LossSpec;
  /** Default ['accuracy']; also 'top5Accuracy' or custom { name, update }. */
  metrics?: MetricSpec[];
  validation?: BatchSource;
  callbacks?: CallbackLike[];
  /** An epoch-level scheduler, stepped after each epoch (ReduceLROnPlateau with valLoss, or loss without validation). */
  scheduler?: AnyScheduler;
  /** 0: silent, 1: progress bar (default), 2: one line per epoch. Ignored when callbacks include a ProgressBar. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start from (resumeFrom returns it). */
  initialEpoch?: number;
  /** Clip the gradients' total L2 norm to this value before each step. */
  clipGradNorm?: number;
}

function orderCallbacks(history: History, opts: FitOptions): CallbackLike[] {
  const user = opts.callbacks ?? [];
  if (!Array.isArray(user)) throw new Error('fit: callbacks must be an array');
  // Schedulers step before checkpoints and early stopping see the epoch, so a checkpoint holds the
  // scheduler state for the next epoch; progress prints before other callbacks report.
  const schedulers = user.filter((c) => c instanceof LRSchedulerCallback);
  if (opts.scheduler) schedulers.unshift(new LRSchedulerCallback(opts.scheduler));
  const bars = user.filter((c) => c instanceof ProgressBar);
  const verbose = opts.verbose ?? 1;
  if (bars.length === 0 && verbose > 0) bars.push(new ProgressBar({ epochsOnly: verbose === 2 }));
  const rest = user.filter((c) => !(c instanceof LRSchedulerCallback) && !(c instanceof ProgressBar));
  return [history, ...schedulers, ...bars, ...rest];
}

export async function fit(model: AnyModule, trainLoader: BatchSource, opts: FitOptions): Promise<History> {
  if (!opts || typeof opts !== 'object') throw new Error('fit: options { epochs, optimizer, loss } are required');
  const { epochs, optimizer, initialEpoch = 0, verbose = 1 } = opts;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
  if (!(optimizer instanceof Optimizer)) throw new Error('fit: optimizer must be an Optimizer (e.g. new optim.SGD(model.parameters(), { lr: 0.01 }))');
  checkSource('fit', 'trainLoader', trainLoader);
  if (opts.validation !== undefined) checkSource('fit', 'validation', opts.validation);
  if (opts.clipGradNorm !== undefined && !(opts.clipGradNorm > 0)) throw new Error(`fit: clipGradNorm must be a positive number, got ${opts.clipGradNorm}`);
  const lossFn = resolveLoss('fit', opts.loss);
  const metrics = (opts.metrics ?? ['accuracy']).map(resolveMetric);
  const history = new History();
  const callbacks = orderCallbacks(history, opts);
  const schedulerCb = callbacks.find((c): c is LRSchedulerCallback => c instanceof LRSchedulerCallback);
  const context: FitContext = {
    model, optimizer, scheduler: opts.scheduler ?? schedulerCb?.scheduler ?? null, epochs, initialEpoch,
    stepsPerEpoch: stepsOf(trainLoader), trainLoader, hasValidation: opts.validation !== undefined,
    metrics: metrics.map((m) => m.name), history, stopTraining: false, verbose,
  };
  const list = new CallbackList(callbacks);
  list.setContext(context);
  const wasTraining = model.training;
  const params = opts.clipGradNorm !== undefined ? optimizer.paramGroups.flatMap((g) => g.params) : [];

  await list.trainBegin({});
  try {
    for (let epoch = initialEpoch; epoch < epochs && !context.stopTraining; epoch++) {
      const lr = optimizer.paramGroups[0].lr;
      await list.epochBegin(epoch, { lr });
      model.train();
      const means = new RunningMeans();
      let batch = 0;
      for await (const b of trainLoader) {
        const [x, y] = splitBatch('fit', b);
        await list.batchBegin(batch, { size: x.shape[0] });
        const step = tidy(() => {
          optimizer.zeroGrad();
          const out = model.call(x) as Tensor;
          const loss = lossFn(out, y);
          if (loss.size !== 1) throw new Error(`fit: the loss must be a single value, got shape [${loss.shape.join(',')}] (use reduction 'mean' or 'sum')`);
          runBackward(loss);
          if (params.length) clipGradNorm(params, opts.clipGradNorm!);
          optimizer.step();
          return { loss: loss.item(), n: out.shape[0], values: metrics.map((m) => m.update(out, y)) };
        });
        means.add('loss', step.loss, step.n);
        step.values.forEach((v, i) => means.add(metrics[i].name, v.value, v.count));
        const logs: BatchLogs = { ...means.result(), size: step.n, batchLoss: step.loss, loss: means.get('loss'), lr };
        await list.batchEnd(batch, logs);
        batch++;
      }
      const logs: Logs = { loss: means.get('loss') };
      for (const m of metrics) logs[m.name] = means.get(m.name);
      if (opts.validation !== undefined) {
        const r = await evaluate(model, opts.validation, { loss: opts.loss, metrics: metrics.filter((m) => m.name !== 'accuracy') });
        logs.valLoss = r.loss!;
        for (const m of metrics) logs[valKey(m.name)] = m.name === 'accuracy' ? r.accuracy : r.metrics[m.name];
      }
      logs.lr = lr;
      await list.epochEnd(epoch, logs);
    }
    await list.trainEnd({});
  } finally {
    model.train(wasTraining);
  }
  return history;
}
