/**
 * A JSON description of a model's architecture: the module tree, each module's class and the
 * constructor options it keeps as public fields (inChannels, kernelSize, stride, ...), its parameter
 * shapes and counts. Written beside saved weights so a file says what it holds; browser-safe.
 *
 * Layers keep their options as public readonly fields (what their toString() prints), so the options
 * are read generically: every own data property holding JSON-able plain data, except `training`.
 */
import { Module, type AnyModule } from '../nn/module.js';
import { noExtra, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';
import { Tensor } from '../tensor/tensor.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface ModuleDescription {
  /** The class name, e.g. 'Conv2d'. */
  class: string;
  /** Constructor options read off public fields, e.g. { inChannels: 1, outChannels: 6, kernelSize: [5, 5], ... }. */
  options: Record<string, JsonValue>;
  /** Own parameter shapes by name (null for an absent slot such as bias=false). */
  parameters: Record<string, number[] | null>;
  /** Own buffer shapes by name (running_mean, ...). */
  buffers: Record<string, number[]>;
  /** Parameters of this module and its descendants. */
  numParameters: number;
  children: Record<string, ModuleDescription>;
}

export interface ModelDescription extends ModuleDescription {
  format: 'neocog.model';
  version: 1;
  trainableParameters: number;
  /** The PyTorch-style printout, for people. */
  repr: string;
}

/** Plain JSON data (numbers, strings, booleans, null, arrays/objects of those); undefined for anything else. */
function toJson(v: unknown, depth = 0): JsonValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (depth > 4 || typeof v !== 'object' || v instanceof Tensor) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => toJson(x, depth + 1));
    return items.every((x) => x !== undefined) ? (items as JsonValue[]) : undefined;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) {
    const j = toJson(x, depth + 1);
    if (j === undefined) return undefined;
    out[k] = j;
  }
  return out;
}

function isBufferSlot(m: AnyModule, name: string): boolean {
  try {
    m.getBuffer(name);
    return true;
  } catch {
    return false;
  }
}

function describeModule(m: AnyModule): ModuleDescription {
  const children: Record<string, ModuleDescription> = {};
  for (const [name, child] of m.namedChildren()) children[name] = describeModule(child); // also adopts pending fields
  const parameters: Record<string, number[] | null> = {};
  const own = new Map(m.namedParameters({ recurse: false }));
  const options: Record<string, JsonValue> = {};
  for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(m))) {
    if (key === 'training' || typeof key !== 'string') continue;
    if (!('value' in desc)) {
      // A registry slot (parameter, buffer or child module) is an accessor; a null one is a parameter left out.
      if (own.has(key)) parameters[key] = [...own.get(key)!.shape];
      else if (desc.get && desc.enumerable && desc.get.call(m) === null && !(key in children) && !isBufferSlot(m, key)) parameters[key] = null;
      continue;
    }
    // `this.bias = null` (bias: false) stays a plain property: report it as an absent parameter.
    if (desc.value === null && (key === 'weight' || key === 'bias')) {
      parameters[key] = null;
      continue;
    }
    const j = toJson(desc.value);
    if (j !== undefined) options[key] = j;
  }
  for (const [name, p] of own) if (!(name in parameters)) parameters[name] = [...p.shape];
  const buffers: Record<string, number[]> = {};
  for (const [name, b] of m.namedBuffers({ recurse: false })) buffers[name] = [...b.shape];
  for (const name of Object.keys(buffers)) delete parameters[name];
  return { class: m.constructor.name, options, parameters, buffers, numParameters: m.numParameters(), children };
}

/** The architecture of `model` as JSON-able data: class, options, parameter shapes, children. */
export function describeModel(model: AnyModule): ModelDescription {
  if (!(model instanceof Module)) fail('describeModel', `model must be an nn.Module, got ${show(model)}`);
  noExtra('describeModel', arguments, 1);
  const d = describeModule(model);
  return { format: 'neocog.model', version: 1, ...d, trainableParameters: model.numParameters({ trainableOnly: true }), repr: model.toString() };
}
