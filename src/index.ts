/** neocog: convolutional neural networks in TypeScript. Public barrel only (Node: the core plus file I/O). */
export * from './core.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as spec from './spec/index.js';
export { saveModel, loadModel, load, saveSafetensors, loadSafetensors } from './io/index.js';
export { exportOnnx, importOnnx } from './io/onnx/file.js';
export { OnnxModel, OnnxError, SUPPORTED_OPS as ONNX_SUPPORTED_OPS, type ExportOnnxOptions } from './io/onnx/index.js';
export * as segment from './segment/index.js';
// Node's inspect and render add files (report(), PNG writing); an explicit export shadows the core's.
export * as inspect from './node/inspect.js';
export * as render from './node/render.js';
