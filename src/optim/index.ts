/** Optimizers, learning-rate schedulers and gradient clipping (the `optim` namespace). */
export { Optimizer, serializeTensor, type BaseHyper, type ParamGroup, type ParamGroupInput, type ParamState, type SerializedTensor, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, type AnyOptimizer, type SchedulerStateDict,
  type StepLROptions, type MultiStepLROptions, type ExponentialLROptions, type CosineAnnealingLROptions,
  type CosineAnnealingWarmRestartsOptions } from './scheduler.js';
export { OneCycleLR, type OneCycleLROptions } from './onecycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
