/**
 * The browser-safe core that both entries export (./index.ts for Node, ./browser.ts for browsers):
 * tensors, autograd, ops, backends, nn, optim, models, inspect, render. No Node built-in below it, and no
 * CommonJS package (so a plain <script type=module> with an import map works): ONNX, which needs
 * protobufjs, is the 'neocog/onnx' subpath for bundlers.
 */
import './tensor/methods.js';
import './tensor/torch-methods.js';
import * as F from './ops/functional.js';

export { F };
export { Tensor, type NestedArray } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export { tensor, fromArray, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, rand, randn, randLike, randnLike, randint, eye, type TensorOptions, type ShapeLike } from './tensor/creation.js';
export { manualSeed, Generator, defaultGenerator } from './tensor/random.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/graph.js';
export { tidy, keep } from './autograd/scope.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { add, sub, mul, div, pow, maximum, minimum, eq, ne, gt, ge, lt, le, where, neg, exp, log, log1p, sqrt, abs, sign, square, clamp, cast, clone } from './ops/elementwise.js';
export { sum, mean, max, min, amax, amin, argmax, argmin, variance as var, std, logSumExp } from './ops/reduce.js';
export { reshape, view, flatten, squeeze, unsqueeze, permute, transpose, slice, narrow, flip, select, cat, stack, split, chunk, expand, expandAs, gather, scatterAdd } from './ops/shape.js';
export { sort, topk, type ValuesIndices } from './ops/sort.js';
export { norm } from './ops/norm-p.js';
export { matmul, bmm } from './ops/matmul.js';
export { relu, sigmoid, tanh, softmax, logSoftmax } from './ops/activation.js';
export { NeocogError } from './ops/validate.js';
export { backend, setBackend, getBackend, registerBackend, memory } from './backends/registry.js';
export type { Backend } from './backends/backend.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as models from './models/index.js';
export { fit, evaluate, predict, summary } from './train/core.js';
export { initWasm, setWasmThreads, wasmThreads } from './backends/wasm/index.js';
export { ready, type ReadyOptions } from './backends/ready.js';
export { setWasmPaths, type WasmPaths } from './backends/wasm/loader.js';
export * as inspect from './inspect/index.js';
export * as render from './render/index.js';
