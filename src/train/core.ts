/**
 * The browser-safe part of neocog train (no node: imports): fit / evaluate / predict, callbacks,
 * metrics and summaries. Checkpoints, CSV/JSON logs and PNG plots write files and are only in ./index.ts.
 */
export { fit, type FitOptions } from './fit.js';
export { evaluate, predict, type EvaluateOptions, type EvaluateResult } from './evaluate.js';
export { type LossFn, type LossSpec, type Batch, type BatchSource } from './loop.js';
export { Callback, CallbackList, type CallbackLike, type FitContext, type Logs, type BatchLogs, type AnyScheduler } from './callback.js';
export { History } from './history.js';
export { ProgressBar, formatDuration, formatValue, type ProgressBarOptions, type WritableLike } from './progress.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { LRSchedulerCallback } from './lr-callback.js';
export { type MonitorMode } from './monitor.js';
export { accuracy, topKAccuracy, confusionMatrix, countCorrect, resolveMetric, type Metric, type MetricSpec } from './metrics.js';
export { summary, summaryRows, formatSummary, layerFlops, formatBytes, formatCount, formatFlops, type SummaryRow, type ModelSummary, type SummaryOptions } from './summary.js';
