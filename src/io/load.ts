/**
 * load(path): a whole model back from a weights file saveModel (or `neocog train`) wrote: the
 * architecture from the file's metadata (./architecture.ts), then the weights, strictly by name.
 */
import type { AnyModule } from '../nn/module.js';
import { fromSpec, parseSpec } from '../spec/api.js';
import * as models from '../models/index.js';
import { bool, noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';
import { ARCHITECTURE_META } from './architecture.js';
import { loadModel } from './model-io.js';
import { loadSafetensorsHeader } from './safetensors.js';

export interface LoadOptions {
  /** Every tensor must match a parameter or buffer by name and shape (default true). */
  strict?: boolean;
}

/**
 * Rebuilds the model a safetensors file describes and loads its weights into it. The file must carry
 * its architecture: saveModel writes it for models built from nn layers and containers. For a model
 * with its own forward code, build it and use loadModel(model, path).
 */
export function load(path: string, opts: LoadOptions = {}): AnyModule {
  noExtra('load', arguments, 2);
  const { strict = true } = options<LoadOptions>('load', opts, ['strict']);
  bool('load', 'strict', strict);
  const meta = loadSafetensorsHeader(path).metadata ?? {};
  let model: AnyModule;
  const spec = meta[ARCHITECTURE_META.spec], name = meta[ARCHITECTURE_META.model];
  if (spec !== undefined) {
    model = fromSpec(parseSpec(spec, `${path} (metadata ${ARCHITECTURE_META.spec})`), { checkShapes: false });
  } else if (name !== undefined) {
    let modelOptions: unknown = {};
    try {
      modelOptions = JSON.parse(meta[ARCHITECTURE_META.options] ?? '{}');
    } catch {
      fail('load', `${path}: metadata ${ARCHITECTURE_META.options} is not JSON, got ${show(meta[ARCHITECTURE_META.options])}`);
    }
    model = models.get(name, modelOptions as models.ModelOptions);
  } else {
    fail('load', `${path} holds weights only: its metadata names no architecture (${ARCHITECTURE_META.spec} or ${ARCHITECTURE_META.model})`, 'build the model and use loadModel(model, path), or save it with saveModel, which records the architecture');
  }
  loadModel(model, path, { strict });
  return model;
}
