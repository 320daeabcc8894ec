/**
 * Filters and feature maps: the weights of a conv layer, and the outputs of named layers.
 * For a 1-D conv over one-hot sequences (DeepBind), each filter is a position x alphabet matrix and its
 * motif is the best letter per position (lower case where that letter's weight is not positive).
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import type { AnyModule } from '../nn/module.js';
import { Conv1d, Conv2d } from '../nn/conv.js';
import { checkInput, checkModel, checkOptions, describe, fail, inspecting, namedLayer } from './common.js';

export interface Filters {
  layer: string;
  /** The weight [out, in/groups, ...kernel], detached. */
  weight: Tensor;
  /** 1-D convs whose input channels match the alphabet: one motif string per filter. */
  motifs?: string[];
  alphabet?: string;
}

export function filters(model: AnyModule, layer?: string, options?: { alphabet?: string }): Filters {
  const op = 'filters';
  checkModel(op, model);
  const o = checkOptions(op, options, ['alphabet']);
  const name = layer ?? model.namedModules().find(([, m]) => m instanceof Conv1d || m instanceof Conv2d)?.[0];
  if (name === undefined) fail(op, 'the model has no convolution layer');
  const m = namedLayer(op, model, name);
  if (!(m instanceof Conv1d || m instanceof Conv2d)) fail(op, `layer '${name}' is a ${m.constructor.name}, not a Conv1d or Conv2d`);
  const weight = noGrad(() => m.weight.clone());
  if (o.alphabet !== undefined && (typeof o.alphabet !== 'string' || o.alphabet.length < 2)) fail(op, `alphabet must be a string of 2 or more letters, got ${describe(o.alphabet)}`);
  const alphabet = (o.alphabet as string | undefined) ?? (m instanceof Conv1d && weight.shape[1] === 4 ? 'ACGT' : undefined);
  if (alphabet === undefined) return { layer: name, weight };
  if (!(m instanceof Conv1d)) fail(op, 'alphabet applies to Conv1d layers over one-hot sequences');
  const [out, cin, len] = weight.shape;
  if (cin !== alphabet.length) fail(op, `layer '${name}' has ${cin} input channels but the alphabet '${alphabet}' has ${alphabet.length} letters`);
  const v = weight.dataSync();
  const motifs: string[] = [];
  for (let f = 0; f < out; f++) {
    let s = '';
    for (let j = 0; j < len; j++) {
      let best = 0;
      for (let a = 1; a < cin; a++) if (v[(f * cin + a) * len + j] > v[(f * cin + best) * len + j]) best = a;
      s += v[(f * cin + best) * len + j] > 0 ? alphabet[best].toUpperCase() : alphabet[best].toLowerCase();
    }
    motifs.push(s);
  }
  return { layer: name, weight, motifs, alphabet };
}

/** Outputs of the named layers (PyTorch dotted names) for one forward pass in eval mode, detached. */
export function activations(model: AnyModule, input: Tensor, layers: readonly string[]): Record<string, Tensor> {
  const op = 'activations';
  checkModel(op, model);
  const x = checkInput(op, input);
  if (!Array.isArray(layers) || layers.length === 0) fail(op, `layers must be a non-empty array of module names, got ${describe(layers)}`);
  const mods = layers.map((l) => namedLayer(op, model, l));
  const out: Record<string, Tensor> = {};
  const handles = mods.map((m, i) => m.registerForwardHook((_m, _in, y) => {
    if (!(y instanceof Tensor)) fail(op, `layer '${layers[i]}' returned ${describe(y)}, not a tensor`);
    out[layers[i]] = y;
  }));
  try {
    inspecting(model, () => noGrad(() => model.call(x)));
  } finally {
    for (const h of handles) h.remove();
  }
  for (const l of layers) if (!out[l]) fail(op, `layer '${l}' did not run in the forward pass`);
  return out;
}
