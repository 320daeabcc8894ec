/**
 * A model's state dict as safetensors bytes (PyTorch names, loadable with safetensors.torch), and the
 * browser's ways to move them: a downloaded file and an uploaded File / Blob.
 */
import type { AnyModule, LoadStateDictResult } from '../nn/module.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors-format.js';

/** Uploads larger than this are refused before reading them (the wasm address space is 2-4 GiB). */
export const MAX_MODEL_BYTES = 2 ** 31;

function checkModel(fn: string, model: unknown): asserts model is AnyModule {
  const m = model as AnyModule;
  if (typeof m !== 'object' || m === null || typeof m.stateDict !== 'function' || typeof m.loadStateDict !== 'function') {
    throw new TypeError(`${fn}: expected an nn.Module as first argument, got ${m === null ? 'null' : typeof m}`);
  }
}

function checkMetadata(fn: string, metadata: unknown): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError(`${fn}: metadata must be an object of strings`);
  for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new TypeError(`${fn}: metadata '${k}' must be a string, got ${typeof v}`);
  return metadata as Record<string, string>;
}

/** The model's parameters and persistent buffers as a safetensors file (format: pt, as torch writes). */
export function modelToBytes(model: AnyModule, { metadata }: { metadata?: Record<string, string> } = {}): Uint8Array {
  checkModel('modelToBytes', model);
  return serializeSafetensors(model.stateDict(), { format: 'pt', producer: 'neocog', ...checkMetadata('modelToBytes', metadata) });
}

/** Loads safetensors bytes into `model` (strict by default: missing or unexpected names are an error). */
export function loadModelBytes(model: AnyModule, bytes: Uint8Array, { strict = true, source = 'bytes' }: { strict?: boolean; source?: string } = {}): LoadStateDictResult {
  checkModel('loadModelBytes', model);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`loadModelBytes: expected a Uint8Array of safetensors bytes, got ${bytes === null ? 'null' : typeof bytes}`);
  if (typeof strict !== 'boolean') throw new TypeError(`loadModelBytes: strict must be a boolean, got ${typeof strict}`);
  return model.loadStateDict(parseSafetensors(bytes, source), { strict });
}

/** Offers the model as a `fileName` download (a .safetensors file). */
export function downloadModel(model: AnyModule, fileName = 'model.safetensors', opts: { metadata?: Record<string, string> } = {}): void {
  if (typeof fileName !== 'string' || fileName === '') throw new TypeError(`downloadModel: fileName must be a non-empty string, got ${typeof fileName}`);
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new Error('downloadModel: needs a page (document); in a worker, post modelToBytes(model) to the page');
  const bytes = modelToBytes(model, opts);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Loads an uploaded safetensors File / Blob (an <input type=file> or a drop) into `model`. */
export async function loadModelFile(model: AnyModule, file: Blob, { strict = true }: { strict?: boolean } = {}): Promise<LoadStateDictResult> {
  checkModel('loadModelFile', model);
  if (typeof Blob !== 'function' || !(file instanceof Blob)) throw new TypeError(`loadModelFile: expected a File or Blob, got ${file === null ? 'null' : typeof file}`);
  const name = (file as { name?: string }).name ?? 'blob';
  if (file.size > MAX_MODEL_BYTES) throw new RangeError(`loadModelFile: ${name} is ${file.size} bytes, above the ${MAX_MODEL_BYTES}-byte limit`);
  return loadModelBytes(model, new Uint8Array(await file.arrayBuffer()), { strict, source: name });
}
