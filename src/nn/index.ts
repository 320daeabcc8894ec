/** The `nn` namespace: Module, Parameter, init, layers, losses and containers (torch.nn in camelCase). */
export { Module, type AnyModule, type StateDict, type LoadStateDictResult, type HookHandle } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export * as init from './init.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions, type PaddingMode } from './conv.js';
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d, MaxUnpool2d,
  type MaxPoolOutput, type MaxPoolModuleOptions, type AvgPoolModuleOptions, type LPPoolOptions, type MaxUnpoolOptions,
} from './pooling.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, type UpsampleOptions } from './upsampling.js';
export { BatchNorm1d, BatchNorm2d, LocalResponseNorm, LocalContrastNorm, type BatchNormOptions, type LocalResponseNormOptions, type LocalContrastNormOptions } from './normalization.js';
export { Dropout, Dropout2d } from './dropout.js';
export { Flatten, Unflatten } from './flatten.js';
export { ReLU, ReLU6, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
export { ZeroPad1d, ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d } from './padding.js';
export {
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss,
  type CrossEntropyLossOptions, type NLLLossOptions, type BCELossOptions, type BCEWithLogitsLossOptions, type ElementwiseLossOptions,
} from './loss.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { Residual, Concat, DenseConcat, Add, Lambda, type ResidualOptions } from './connection.js';
export { SkipConcat, ResidualSum, PoolUnpool, Mul, Fork, SkipSum, IndexSelect, Pad, type SkipConcatOptions, type ResidualSumOptions, type PoolUnpoolOptions, type SkipSumOptions } from './blocks.js';
