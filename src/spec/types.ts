/**
 * The model spec format ("neocog.spec/1"): a JSON (or YAML) description of a network, in two forms.
 *
 *   Tree form  (what toSpec(model) writes; mirrors the module tree, like Keras's model config):
 *     { format, model: { type: 'Sequential', options: {}, children: { '0': { type: 'Conv2d', options: {...} }, ... } } }
 *   Graph form (hand-written, Keras-functional / Caffe-prototxt style):
 *     { format, inputs: { x: [1, 28, 28] }, layers: [ { name, type, options, inputs: ['x'] }, ... ], outputs: ['fc'] }
 *
 * Options are a layer's constructor arguments by name (its config()); docs/SPEC.md is the reference.
 */

import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export const SPEC_FORMAT = 'neocog.spec/1';
export const SPEC_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type SpecOptions = Record<string, JsonValue>;

/** One module of the tree form: its layer type, constructor options and (for containers) children. */
export interface NodeSpec {
  type: string;
  /** The child's name (only needed where children are written as an array; the root may carry the model's name). */
  name?: string;
  options?: SpecOptions;
  /** Children by name, in order; an array of named nodes keeps any order (JSON objects list integer-like keys first). */
  children?: Record<string, NodeSpec> | NodeSpec[];
}

/** Input shapes without the batch dim, by input name, e.g. { x: [1, 28, 28] }. */
export type InputShapes = Record<string, number[]>;

export interface TreeSpec {
  format: typeof SPEC_FORMAT;
  /** Free text for people (both forms); the model's name goes on the root node. */
  description?: string;
  /** Optional input shapes (one input): when given, fromSpec checks the model by running it once on zeros. */
  inputs?: InputShapes;
  model: NodeSpec;
}

/** One layer of the graph form: a tree node (any layer type, containers with children too) or a merge (add, concat, mul). */
export interface LayerSpec extends NodeSpec {
  name: string;
  /** Names of graph inputs or earlier layers ('pool1:1' is output 1 of a multi-output layer); default: the previous layer. */
  inputs?: string[];
}

export interface GraphSpec {
  format: typeof SPEC_FORMAT;
  /** The model's name and a line for people (optional, not used to build). */
  name?: string;
  description?: string;
  inputs: InputShapes;
  layers: LayerSpec[];
  /** Layer outputs the model returns (one: a Tensor; several: an array); default: the last layer. */
  outputs?: string[];
}

export type Spec = TreeSpec | GraphSpec;

export function isGraphSpec(spec: Spec): spec is GraphSpec {
  // Only the two forms are specs: anything else is a caller's mistake, not a "tree spec".
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || !('layers' in spec || 'model' in spec)) {
    fail('isGraphSpec', `spec must be a model spec (graph form with "layers", or tree form with "model"), got ${show(spec)}`);
  }
  return 'layers' in spec;
}

/**
 * A spec problem. The message starts with 'spec: ' and names the layer ('layer \'fc1\' (Linear)') and
 * where it is in the file (`layers[3]`, `model.children.features.children.0`) when there is one.
 */
export class SpecError extends Error {
  /** The layer's name (graph form) or dotted module path (tree form), when the problem is in one layer. */
  readonly layer?: string;
  /** Where in the spec document (e.g. 'layers[3].options'). */
  readonly path?: string;

  constructor(message: string, { layer, path, cause }: { layer?: string; path?: string; cause?: unknown } = {}) {
    super(`spec: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'SpecError';
    this.layer = layer;
    this.path = path;
  }
}

/** Levenshtein distance (case-insensitive), for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length];
}

/** Up to `n` candidates close to `word` (case-insensitive edit distance within about a third of its length, or a shared prefix), closest first. */
export function closeMatches(word: string, candidates: Iterable<string>, n = 3): string[] {
  if (typeof word !== 'string') fail('closeMatches', `word must be a string, got ${show(word)}`);
  if (candidates === null || typeof candidates !== 'object' || !(Symbol.iterator in candidates)) fail('closeMatches', `candidates must be an array of strings, got ${show(candidates)}`);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail('closeMatches', `n must be a non-negative integer, got ${show(n)}`);
  const w = word.toLowerCase();
  const scored: [string, number][] = [];
  for (const c of candidates) {
    if (typeof c !== 'string') fail('closeMatches', `candidates must be strings, got ${show(c)}`);
    const d = distance(word, c);
    const lc = c.toLowerCase();
    const related = d <= Math.max(2, Math.floor(Math.max(word.length, c.length) / 3)) || (w.length >= 3 && (lc.startsWith(w) || w.startsWith(lc)));
    if (related) scored.push([c, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, n).map(([c]) => c);
}

/** ` (did you mean 'a' or 'b'?)`, or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const m = closeMatches(word, candidates);
  return m.length ? ` (did you mean ${m.map((c) => `'${c}'`).join(' or ')}?)` : '';
}

/** The plain-data type of `v`, for messages. */
export function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}
