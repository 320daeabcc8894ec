/**
 * The graph form (Keras-functional style): named layers wired by name, built into a GraphModule whose
 * children are the layers in spec order (so parameters are `conv1.weight`, ...). Merge nodes 'add',
 * 'mul' (elementwise, with broadcasting) and 'concat' (along `dim`, default 1) join branches; a layer
 * with several outputs (a max pool with returnIndices) is referred to as 'pool1:0', 'pool1:1'.
 *
 * Validation, before anything is built: names (unique, no '.' or ':'), layer types (close matches
 * listed), options (the constructor's own error, prefixed with the layer), dangling inputs, cycles
 * (named), unused layers and inputs; then, unless told not to, one forward on zeros of the declared
 * input shapes under noGrad finds shape mismatches and names the layer: `spec: layer 'fc1' (Linear): ...`.
 */
import { Module, type AnyModule } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import { add, mul } from '../ops/elementwise.js';
import { cat } from '../ops/shape.js';
import { MERGE_TYPES, typeOfModule } from './registry.js';
import { buildNode, label, messageOf, shapesOf, toNode } from './tree.js';
import { SPEC_FORMAT, SpecError, didYouMean, kindOf, type GraphSpec, type InputShapes, type LayerSpec, type SpecOptions } from './types.js';
import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

interface Ref {
  /** An input or layer name. */
  name: string;
  /** Output index ('pool1:1'), or null for the layer's (first) output. */
  index: number | null;
  text: string;
}

interface GraphNode {
  name: string;
  type: string;
  /** Position in the spec's layers array. */
  index: number;
  refs: Ref[];
  /** Set for merge nodes ('add', 'mul', 'concat'). */
  merge?: { options: SpecOptions; dim: number };
  module?: AnyModule;
}

export interface GraphBuildOptions {
  /** What to do with a layer (or input) that no output depends on: 'error' (default), 'warn' (console.warn) or 'ignore'. Unused layers are built but not run. */
  unused?: 'error' | 'warn' | 'ignore';
  /** Run the model once on zeros of the declared input shapes to check shapes (default true). */
  checkShapes?: boolean;
  /** Where 'warn' goes (default console.warn). */
  onWarning?: (message: string) => void;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const GRAPH_KEYS = ['format', 'name', 'description', 'inputs', 'layers', 'outputs'];
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** 'pool1:1' -> { name: 'pool1', index: 1 }. */
function parseRef(text: unknown, where: string): Ref {
  if (typeof text !== 'string' || text === '') throw new SpecError(`${where}each input must be a layer or input name, got ${show(text)}`);
  const m = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new SpecError(`${where}bad input reference '${text}' (write 'name' or 'name:k' for output k of a multi-output layer)`);
  return { name: m[1], index: m[2] === undefined ? null : Number(m[2]), text };
}

/** Checks `inputs` (name -> sample shape) of a spec. */
export function checkInputShapes(inputs: unknown, where: string): InputShapes {
  if (!isObject(inputs) || Object.keys(inputs).length === 0) {
    throw new SpecError(`${where}"inputs" must be an object of input name -> shape without the batch dim, e.g. { "x": [1, 28, 28] }, got ${show(inputs)}`);
  }
  for (const [name, shape] of Object.entries(inputs)) {
    if (!NAME.test(name)) throw new SpecError(`${where}input name '${name}' must be letters, digits, '_' or '-' (no '.' or ':')`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SpecError(`${where}input '${name}' shape must be an array of non-negative integers without the batch dim, e.g. [1, 28, 28], got ${show(shape)}`);
    }
  }
  return inputs as InputShapes;
}

/** A model built from the graph form: named layers wired by name. forward(...inputs) takes the inputs in declared order. */
export class GraphModule extends Module<Tensor[], Tensor | Tensor[]> {
  readonly inputNames: readonly string[];
  readonly inputShapes: Readonly<InputShapes>;
  readonly outputNames: readonly string[];
  /** Each layer's output shape(s) for a batch of 1, from the shape check at build time (empty if it was skipped). */
  readonly shapes: Record<string, number[] | number[][]> = {};
  readonly #nodes: GraphNode[];
  readonly #order: GraphNode[];
  readonly #outputs: Ref[];

  /** @internal Use fromSpec (or buildGraph): the plan is checked there. */
  constructor(inputs: InputShapes, nodes: GraphNode[], order: GraphNode[], outputs: Ref[]) {
    // Exported for instanceof checks; a direct call gets a clear refusal instead of a crash inside.
    if (!isObject(inputs) || !Object.values(inputs).every(Array.isArray) || ![nodes, order, outputs].every(Array.isArray)) {
      fail('GraphModule', `is built by fromSpec(spec) (or buildGraph), not called directly: got inputs ${show(inputs)}`);
    }
    super();
    this.inputNames = Object.keys(inputs);
    this.inputShapes = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, [...v]]));
    this.#nodes = nodes;
    this.#order = order;
    this.#outputs = outputs;
    this.outputNames = outputs.map((r) => r.text);
    for (const n of nodes) {
      if (!n.module) continue;
      try {
        this.registerModule(n.name, n.module);
      } catch (e) {
        throw new SpecError(`${label(n.name, n.type, `layers[${n.index}]`)}${messageOf(e)} (pick another layer name)`, { layer: n.name, path: `layers[${n.index}]`, cause: e });
      }
    }
  }

  forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.#run(xs);
  }

  #run(xs: Tensor[], trace?: (name: string, out: unknown) => void): Tensor | Tensor[] {
    if (xs.length !== this.inputNames.length) {
      throw new SpecError(`GraphModule takes ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${xs.length}`);
    }
    const values = new Map<string, Tensor | Tensor[]>();
    this.inputNames.forEach((n, i) => values.set(n, xs[i]));
    for (const node of this.#order) {
      const args = node.refs.map((r) => pick(values, r, node));
      let out: unknown;
      try {
        if (node.merge) out = merge(node.type, args, node.merge.dim);
        else out = (node.module as AnyModule).call(...args);
      } catch (e) {
        if (e instanceof SpecError && e.layer !== undefined) throw e;
        throw new SpecError(`${label(node.name, node.type, undefined)}${messageOf(e)} (input shapes: ${args.map((a) => fmtShape(a.shape)).join(', ')})`, { layer: node.name, cause: e });
      }
      if (!(out instanceof Tensor) && !(Array.isArray(out) && out.every((t) => t instanceof Tensor))) {
        throw new SpecError(`${label(node.name, node.type, undefined)}its forward returned ${kindOf(out)}, not a Tensor or an array of Tensors`, { layer: node.name });
      }
      values.set(node.name, out as Tensor | Tensor[]);
      trace?.(node.name, out);
    }
    const outs = this.#outputs.map((r) => pick(values, r, null));
    return outs.length === 1 ? outs[0] : outs;
  }

  /**
   * Runs the graph once on zeros of the declared input shapes (batch 1) under noGrad in eval mode
   * (each module's mode is restored), fills `shapes` and returns the output shape(s); a failing layer
   * is named in the error.
   */
  checkShapes(): number[] | number[][] {
    const modes = this.modules().map((m) => [m, m.training] as const);
    this.eval();
    try {
      return noGrad(() => tidy(() => {
        const xs = this.inputNames.map((n) => zeros([1, ...this.inputShapes[n]]));
        const out = this.#run(xs, (name, o) => void (this.shapes[name] = shapesOf(o)));
        return shapesOf(out);
      }));
    } finally {
      for (const [m, t] of modes) m.training = t;
    }
  }

  /** The graph-form spec of this model (the layers' options from their current config()). */
  toGraphSpec(): GraphSpec {
    const layers: LayerSpec[] = this.#nodes.map((n) => {
      const inputs = n.refs.map((r) => r.text);
      if (n.merge) return { name: n.name, type: n.type, ...(Object.keys(n.merge.options).length ? { options: n.merge.options } : {}), inputs };
      return { name: n.name, ...toNode(n.module as AnyModule, n.name), inputs };
    });
    return { format: SPEC_FORMAT, inputs: Object.fromEntries(Object.entries(this.inputShapes).map(([k, v]) => [k, [...v]])), layers, outputs: [...this.outputNames] };
  }

  override extraRepr(): string {
    return `inputs=${this.inputNames.join(',')}, outputs=${this.outputNames.join(',')}`;
  }
}

/** The tensor a reference names (output `index` of a multi-output layer). */
function pick(values: Map<string, Tensor | Tensor[]>, r: Ref, node: GraphNode | null): Tensor {
  const v = values.get(r.name);
  const who = node ? label(node.name, node.type, undefined) : 'output: ';
  if (v === undefined) throw new SpecError(`${who}'${r.name}' has no value (internal order error)`);
  if (v instanceof Tensor) {
    if (r.index !== null && r.index !== 0) throw new SpecError(`${who}'${r.text}' asks for output ${r.index}, but '${r.name}' has one output`, { layer: node?.name });
    return v;
  }
  const i = r.index ?? 0;
  if (i >= v.length) throw new SpecError(`${who}'${r.text}' asks for output ${i}, but '${r.name}' has ${v.length} outputs (0..${v.length - 1})`, { layer: node?.name });
  return v[i];
}

function merge(type: string, args: Tensor[], dim: number): Tensor {
  if (type === 'concat') return cat(args, dim);
  const op = type === 'add' ? add : mul;
  return args.slice(1).reduce((acc, t) => op(acc, t), args[0]);
}

/** Number of tensors a module's forward takes, or null when it takes any number (rest parameters). */
function arity(m: AnyModule): number | null {
  const n = m.forward.length;
  return n === 0 ? null : n;
}

/** Builds a graph-form spec (already known to have format and the graph keys) into a GraphModule. */
export function buildGraph(spec: GraphSpec, opts: GraphBuildOptions = {}, prefix = ''): GraphModule {
  const { unused = 'error', checkShapes = true, onWarning = (m: string) => console.warn(m) } = opts;
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  for (const k of Object.keys(spec)) if (!GRAPH_KEYS.includes(k)) throw new SpecError(`unknown top-level key "${k}"${didYouMean(k, GRAPH_KEYS)} (a graph spec has ${GRAPH_KEYS.join(', ')})`, { path: at(k) });
  const inputs = checkInputShapes(spec.inputs, '');
  const layers = spec.layers as unknown;
  if (!Array.isArray(layers) || layers.length === 0) throw new SpecError(`"layers" must be a non-empty array of layers, got ${show(layers)?.slice(0, 60)}`, { path: at('layers') });

  // Names: unique, distinct from the inputs, usable as module names.
  const indexOf = new Map<string, number>();
  layers.forEach((l: unknown, i) => {
    const path = at(`layers[${i}]`);
    const name = isObject(l) ? l.name : undefined;
    if (!isObject(l)) throw new SpecError(`${path}: expected a layer object { name, type, options, inputs }, got ${kindOf(l)}`, { path });
    if (typeof name !== 'string' || name === '') throw new SpecError(`${path}${typeof l.type === 'string' ? ` (${l.type})` : ''}: missing "name"`, { path });
    if (!NAME.test(name)) throw new SpecError(`${label(name, undefined, path)}a layer name must be letters, digits, '_' or '-' (no '.' or ':')`, { layer: name, path });
    if (name in inputs) throw new SpecError(`${label(name, undefined, path)}duplicate name: '${name}' is also a graph input`, { layer: name, path });
    if (indexOf.has(name)) throw new SpecError(`duplicate layer name '${name}' at ${at(`layers[${indexOf.get(name)}]`)} and ${path}`, { layer: name, path });
    indexOf.set(name, i);
  });
  const inputNames = Object.keys(inputs);

  // Wiring: references resolve to an input or a layer.
  const nodes: GraphNode[] = (layers as Record<string, unknown>[]).map((l, i) => {
    const name = l.name as string;
    const type = typeof l.type === 'string' ? l.type : '';
    const path = at(`layers[${i}]`);
    const where = label(name, type || undefined, path);
    let refsText: unknown = l.inputs;
    if (refsText === undefined) {
      if (i > 0) refsText = [(layers[i - 1] as Record<string, unknown>).name];
      else if (inputNames.length === 1) refsText = [inputNames[0]];
      else throw new SpecError(`${where}no "inputs" given and the graph has ${inputNames.length} inputs (${inputNames.join(', ')}): say which it takes`, { layer: name, path });
    }
    if (typeof refsText === 'string') refsText = [refsText];
    if (!Array.isArray(refsText) || refsText.length === 0) throw new SpecError(`${where}"inputs" must be a non-empty array of input or layer names, got ${show(refsText)}`, { layer: name, path });
    const refs = refsText.map((t) => parseRef(t, where));
    for (const r of refs) {
      if (r.name in inputs) {
        if (r.index !== null) throw new SpecError(`${where}input '${r.text}': graph inputs have one output, write '${r.name}'`, { layer: name, path });
      } else if (!indexOf.has(r.name)) {
        const known = [...inputNames, ...indexOf.keys()].filter((k) => k !== name);
        throw new SpecError(`${where}input '${r.name}' is not defined${didYouMean(r.name, known)} (graph inputs and layers: ${known.join(', ')})`, { layer: name, path });
      }
    }
    return { name, type, index: i, refs };
  });
  const byName = new Map(nodes.map((n) => [n.name, n]));

  // Outputs.
  const outsText = spec.outputs === undefined ? [nodes[nodes.length - 1].name] : (spec.outputs as unknown);
  if (!Array.isArray(outsText) || outsText.length === 0) throw new SpecError(`"outputs" must be a non-empty array of layer names, got ${show(outsText)}`, { path: at('outputs') });
  const outputs = outsText.map((t) => parseRef(t, 'outputs: '));
  for (const r of outputs) {
    if (!byName.has(r.name) && !(r.name in inputs)) {
      const known = [...indexOf.keys()];
      throw new SpecError(`outputs: '${r.name}' is not a layer${didYouMean(r.name, known)} (layers: ${known.join(', ')})`, { path: at('outputs') });
    }
  }

  // Cycles (depth-first, naming the loop), then a topological order that keeps the spec's order where it can.
  const state = new Map<string, 1 | 2>();
  const trail: string[] = [];
  const visit = (n: GraphNode): void => {
    state.set(n.name, 1);
    trail.push(n.name);
    for (const r of n.refs) {
      const dep = byName.get(r.name);
      if (!dep) continue;
      if (state.get(dep.name) === 1) {
        // trail runs consumer -> producer; print the loop the way data flows.
        const loop = [...trail.slice(trail.indexOf(dep.name)), dep.name].reverse();
        throw new SpecError(`cycle between layers: ${loop.join(' -> ')} (a layer's output can't flow back into its own inputs)`, { layer: dep.name, path: at(`layers[${dep.index}]`) });
      }
      if (!state.has(dep.name)) visit(dep);
    }
    trail.pop();
    state.set(n.name, 2);
  };
  for (const n of nodes) if (!state.has(n.name)) visit(n);

  // What the outputs need.
  const needed = new Set<string>();
  const mark = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const r of byName.get(name)?.refs ?? []) mark(r.name);
  };
  for (const r of outputs) mark(r.name);
  const report = (message: string, layer: string | undefined, path: string): void => {
    if (unused === 'error') throw new SpecError(`${message}; remove it, use it, or build with { unused: 'warn' }`, { layer, path });
    if (unused === 'warn') onWarning(`spec: ${message}`);
  };
  for (const n of nodes) if (!needed.has(n.name)) report(`${label(n.name, n.type || undefined, at(`layers[${n.index}]`))}its output is never used (no output depends on it)`, n.name, at(`layers[${n.index}]`));
  for (const name of inputNames) if (!needed.has(name)) report(`graph input '${name}' is never used`, undefined, at(`inputs.${name}`));

  // Build the layers (merge nodes are checked here too).
  for (const n of nodes) {
    const l = layers[n.index] as Record<string, unknown>;
    const path = at(`layers[${n.index}]`);
    if (MERGE_TYPES.includes(n.type)) {
      const where = label(n.name, n.type, path);
      for (const k of Object.keys(l)) if (!['name', 'type', 'options', 'inputs'].includes(k)) throw new SpecError(`${where}unknown key "${k}" (a merge node has name, type, options, inputs)`, { layer: n.name, path });
      const options = (l.options ?? {}) as SpecOptions;
      if (!isObject(options)) throw new SpecError(`${where}"options" must be an object, got ${kindOf(options)}`, { layer: n.name, path });
      const allowed = n.type === 'concat' ? ['dim'] : [];
      for (const k of Object.keys(options)) if (!allowed.includes(k)) throw new SpecError(`${where}unknown option '${k}' (${allowed.length ? `${n.type} takes ${allowed.join(', ')}` : `${n.type} takes no options`})`, { layer: n.name, path });
      const dim = options.dim ?? 1;
      if (!Number.isInteger(dim)) throw new SpecError(`${where}concat: dim must be an integer, got ${show(dim)}`, { layer: n.name, path });
      if (n.refs.length < 2) throw new SpecError(`${where}'${n.type}' merges two or more inputs, got ${n.refs.length}`, { layer: n.name, path });
      n.merge = { options, dim: dim as number };
      continue;
    }
    n.module = buildNode(l, n.name, path, ['inputs']);
    const k = arity(n.module);
    if (k !== null && n.refs.length > k) {
      const type = typeOfModule(n.module) ?? n.type;
      throw new SpecError(`${label(n.name, type, path)}${type} takes ${k === 1 ? '1 input' : `at most ${k} inputs`}, got ${n.refs.length} (${n.refs.map((r) => r.text).join(', ')})${k === 1 ? ": join branches with a merge layer ('add', 'mul' or 'concat')" : ''}`, { layer: n.name, path });
    }
  }

  const order: GraphNode[] = [];
  const done = new Set<string>(inputNames);
  const pending = nodes.filter((n) => needed.has(n.name));
  while (pending.length) {
    const i = pending.findIndex((n) => n.refs.every((r) => done.has(r.name)));
    const [n] = pending.splice(i, 1);
    order.push(n);
    done.add(n.name);
  }
  const graph = new GraphModule(inputs, nodes, order, outputs);
  if (checkShapes) graph.checkShapes();
  return graph;
}
