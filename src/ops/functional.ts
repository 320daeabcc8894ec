/** The `F` namespace: torch.nn.functional in camelCase, options objects for keyword arguments. */
export { relu, relu6, leakyRelu, elu, sigmoid, tanh, softmax, logSoftmax } from './activation.js';
export { linear, matmul, bmm } from './matmul.js';
export * from './pad.js';
export * from './conv.js';
export * from './pool.js';
export * from './resize.js';
export * from './norm.js';
export * from './dropout.js';
export * from './loss.js';
