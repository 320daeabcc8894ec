/**
 * The architecture a weights file carries in its safetensors metadata, so io.load(path) can rebuild the
 * model (like torch.load of a whole model, or Keras's load_model):
 *   neocog.spec           the model as a neocog spec (JSON), written by saveModel for models built from
 *                         nn layers and containers (every zoo model, every spec-built model);
 *   neocog.model/Options  a zoo name and its builder options, as `neocog train` writes.
 */
import type { AnyModule } from '../nn/module.js';
import { SpecError } from '../spec/types.js';
import { toSpec, toSpecJson } from '../spec/api.js';

export const ARCHITECTURE_META = { spec: 'neocog.spec', model: 'neocog.model', options: 'neocog.modelOptions' } as const;

/** { 'neocog.spec': json } for a model a spec can describe; {} for one that runs its own code (a custom forward). */
export function architectureMetadata(model: AnyModule): Record<string, string> {
  try {
    return { [ARCHITECTURE_META.spec]: toSpecJson(toSpec(model)) };
  } catch (e) {
    if (e instanceof SpecError) return {};
    throw e;
  }
}
