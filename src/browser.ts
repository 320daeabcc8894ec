/**
 * neocog for browsers (package.json "browser" condition): the same core as the Node entry, with no
 * Node built-in anywhere below it. File I/O is replaced by pixels <-> tensors, IndexedDB and
 * safetensors download/upload. Importing it fetches the wasm kernels (top-level await), so the first
 * op already runs on the fastest backend; `await ready({ wasmPaths })` loads them from elsewhere.
 */
import { ready } from './backends/ready.js';

export * from './core.js';
export * as data from './browser/data.js';
export * as train from './train/core.js';
export * as io from './browser/io.js';
export * as spec from './spec/core.js';
export { fromPixels, toImageData } from './browser/pixels.js';

await ready();
