/** The `F` namespace: torch.nn.functional in camelCase, options objects for keyword arguments. */
export { relu, relu6, leakyRelu, elu, sigmoid, tanh, softmax, logSoftmax } from './activation.js';
export { linear, matmul, bmm } from './matmul.js';
export * from './pad.js';
export * from './conv.js';
export * from './pool.js';
export * from './resize.js';
export * from './norm.js';
export * from './dropout.js';
import * as losses from './loss.js';
import { opaqueCall } from '../autograd/release.js';
export type * from './loss.js';

// Losses are composites called at the top level of a training loop: their internal tensors are released
// like a module call's (at once without a graph, after backward with one).
export const nllLoss = opaqueCall(losses.nllLoss);
export const crossEntropy = opaqueCall(losses.crossEntropy);
export const binaryCrossEntropy = opaqueCall(losses.binaryCrossEntropy);
export const binaryCrossEntropyWithLogits = opaqueCall(losses.binaryCrossEntropyWithLogits);
export const mseLoss = opaqueCall(losses.mseLoss);
export const l1Loss = opaqueCall(losses.l1Loss);
