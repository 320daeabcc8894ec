/**
 * Saving and loading a model's state dict as safetensors, with PyTorch's names (`features.0.weight`,
 * `1.running_mean`), so the same file loads in torch with `safetensors.torch.load_file` +
 * `model.load_state_dict`. saveModel also writes the architecture (describeModel) beside the weights
 * as `<name>.json`.
 */
import { existsSync } from 'node:fs';
import { Module, type AnyModule, type LoadStateDictResult } from '../nn/module.js';
import { checkPath, writeJsonAtomic } from './atomic.js';
import { bool, noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';
import { describeModel } from './describe.js';
import { architectureMetadata } from './architecture.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

export interface SaveModelOptions {
  /** Extra string metadata stored in the file header. */
  metadata?: Record<string, string>;
  /** Also write `<name>.json` with the model description (default true). */
  describe?: boolean;
}

/** `dir/model.safetensors` -> `dir/model.json` (any other name: the name + '.json'). */
export function descriptionPath(weightsPath: string): string {
  checkPath('descriptionPath', 'weightsPath', weightsPath);
  noExtra('descriptionPath', arguments, 1);
  return weightsPath.endsWith('.safetensors') ? `${weightsPath.slice(0, -'.safetensors'.length)}.json` : `${weightsPath}.json`;
}

/** Writes the model's parameters and persistent buffers to `path` (atomically), plus `<name>.json`. Returns the paths written. */
export function saveModel(model: AnyModule, path: string, opts: SaveModelOptions = {}): { weights: string; description?: string } {
  if (!(model instanceof Module)) fail('saveModel', `model must be an nn.Module, got ${show(model)}`);
  checkPath('saveModel', 'path', path);
  noExtra('saveModel', arguments, 3);
  const { metadata = {}, describe = true } = options<SaveModelOptions>('saveModel', opts, ['metadata', 'describe']);
  bool('saveModel', 'describe', describe);
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) fail('saveModel', `metadata must be an object of string -> string, got ${show(metadata)}`);
  // 'format: pt' is what safetensors.torch.save_file writes; loaders such as transformers check it.
  // The architecture as a spec, when the model has one (layers and containers), lets load(path) rebuild it.
  saveSafetensors(path, model.stateDict(), { format: 'pt', producer: 'neocog', ...architectureMetadata(model), ...metadata });
  if (!describe) return { weights: path };
  const description = descriptionPath(path);
  writeJsonAtomic(description, { weights: path.split(/[\\/]/).pop(), ...describeModel(model) });
  return { weights: path, description };
}

/**
 * Loads a safetensors state dict into `model` (values cast to each slot's dtype; torch's int64
 * num_batches_tracked becomes int32). strict (default): missing or unexpected names are an error.
 */
export function loadModel(model: AnyModule, path: string, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
  if (!existsSync(path)) throw new Error(`loadModel: no such file ${path}`);
  try {
    return model.loadStateDict(loadSafetensors(path), { strict });
  } catch (e) {
    const msg = (e as Error).message;
    throw msg.startsWith('safetensors') ? e : new Error(`loadModel(${path}): ${msg}`);
  }
}
