/** neocog: convolutional neural networks in TypeScript. Public barrel only (Node: the core plus file I/O). */
export * from './core.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as spec from './spec/index.js';
export { saveModel, loadModel, saveSafetensors, loadSafetensors } from './io/index.js';
export { exportOnnx, importOnnx } from './io/onnx/file.js';
export { OnnxModel, OnnxError, SUPPORTED_OPS as ONNX_SUPPORTED_OPS, type ExportOnnxOptions } from './io/onnx/index.js';
export * as segment from './segment/index.js';
