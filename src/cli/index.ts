/** The CLI as a library: the program, its reusable pieces (datasets, training, inference, weights). */
export { main, buildProgram } from './main.js';
export { CliError } from './errors.js';
export { type CliIO } from './io.js';
export { loadSplit, augmentation, firstN, DATASETS, AUGMENTATIONS, type DatasetName, type AugmentName, type DatasetOptions } from './datasets.js';
export { trainModel, buildOptimizer, buildSchedule, BatchLRSchedulerCallback, OPTIMIZERS, SCHEDULES, DEFAULT_LR, type TrainConfig, type TrainResult } from './training.js';
export { evaluateOn, prepareImage, classify, type EvalConfig, type Prediction, type PreparedImage } from './inference.js';
export { loadTrainedModel, resolveWeights, readTrainedInfo, trainedMetadata, type LoadedModel } from './weights.js';
export { listModels } from './commands/models.js';
export { modelSummary } from './commands/summary.js';
