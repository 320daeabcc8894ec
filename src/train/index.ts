/**
 * neocog train: fit / evaluate / predict, callbacks (progress, checkpoints and resume, early
 * stopping, LR scheduling, CSV/JSON logs), metrics, plots and model summaries.
 */
export { fit, type FitOptions } from './fit.js';
export { evaluate, predict, type EvaluateOptions, type EvaluateResult } from './evaluate.js';
export { FlipTTA } from './tta.js';
export { type LossFn, type LossSpec, type Batch, type BatchSource } from './loop.js';
export { Callback, CallbackList, type CallbackLike, type FitContext, type Logs, type BatchLogs, type AnyScheduler } from './callback.js';
export { History } from './history.js';
export { ProgressBar, formatDuration, formatValue, type ProgressBarOptions, type WritableLike } from './progress.js';
export { ModelCheckpoint, resumeFrom, loadCheckpoint, saveCheckpoint, checkpointPath, type ModelCheckpointOptions, type ResumeOptions, type SaveCheckpointOptions, type TrainerState, type CheckpointPointer } from './checkpoint.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { LRSchedulerCallback } from './lr-callback.js';
export { CSVLogger, JSONLogger, type JSONLogRecord } from './loggers.js';
export { type MonitorMode } from './monitor.js';
export { accuracy, topKAccuracy, confusionMatrix, countCorrect, resolveMetric, type Metric, type MetricSpec } from './metrics.js';
export { confusionMatrixPng, plotHistoryPng, renderConfusionMatrixPng, renderHistoryPng, type ConfusionPngOptions } from './plots.js';
export { summary, summaryRows, formatSummary, layerFlops, formatBytes, formatCount, formatFlops, type SummaryRow, type ModelSummary, type SummaryOptions } from './summary.js';
