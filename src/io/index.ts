/** neocog io: safetensors files, model save/load with PyTorch names, model descriptions, atomic writes. */
export { writeFileAtomic, writeJsonAtomic } from './atomic.js';
export {
  serializeSafetensors, parseSafetensors, parseSafetensorsHeader, parseSafetensorsWithMetadata, SafetensorsError,
  saveSafetensors, loadSafetensors, loadSafetensorsHeader,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader,
} from './safetensors.js';
export { saveModel, loadModel, descriptionPath, type SaveModelOptions } from './model-io.js';
export { load, type LoadOptions } from './load.js';
export { describeModel, type ModelDescription, type ModuleDescription, type JsonValue } from './describe.js';
