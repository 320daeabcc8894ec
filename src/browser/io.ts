/** neocog io in the browser: safetensors bytes, model descriptions, IndexedDB and file download/upload. */
export {
  serializeSafetensors, parseSafetensors, parseSafetensorsHeader, parseSafetensorsWithMetadata, SafetensorsError,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader,
} from '../io/safetensors-format.js';
export { describeModel, type ModelDescription, type ModuleDescription, type JsonValue } from '../io/describe.js';
export { modelToBytes, loadModelBytes, downloadModel, loadModelFile, MAX_MODEL_BYTES } from './model-bytes.js';
export { saveModelIndexedDB, loadModelIndexedDB, listModelsIndexedDB, deleteModelIndexedDB, type StoredModelInfo } from './indexeddb.js';
