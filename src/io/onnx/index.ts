/** ONNX import and export on bytes (browser-safe). File paths: ./file.ts. */
export { exportOnnxBytes, MIN_OPSET, MAX_OPSET, type ExportOnnxOptions } from './export.js';
export { importOnnxBytes, OnnxModel, SUPPORTED_OPS } from './import.js';
export { OnnxError, parseTensorProto } from './tensor-proto.js';
