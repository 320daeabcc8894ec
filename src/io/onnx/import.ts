/**
 * importOnnx core: an ONNX graph as a trainable neocog Module. Float initializers become Parameters
 * under their own dotted names (so `fc.weight` in a PyTorch export is `fc.weight` in neocog's state
 * dict), BatchNormalization's running statistics become buffers updated in train(), integer
 * initializers stay host constants (shapes, axes). forward() interprets the graph with neocog ops, so
 * backward works through every supported operator.
 */
import { Module, type AnyModule } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { Tensor } from '../../tensor/tensor.js';
import { show } from '../../ops/args.js';
import type { NodeMsg } from './schema.js';
import { Attrs, nodeLabel, parseGraph, type OnnxGraph } from './graph.js';
import { OnnxError, type HostArray } from './tensor-proto.js';
import { dtypeOf, isFloatType, tensorOf, typeName, tv, type Val } from './values.js';
import { TENSOR_OPS, type OpCtx, type OpFn } from './ops-tensor.js';
import { NN_OPS } from './ops-nn.js';

export const OPS: Record<string, OpFn> = { ...TENSOR_OPS, ...NN_OPS };
/** The parsed graph (parseGraph's result) the constructor takes; importOnnx / importOnnxBytes build it from a file. */
function checkGraph(g: unknown): asserts g is OnnxGraph {
  const o = g as Partial<Record<keyof OnnxGraph, unknown>> | null;
  const ok = o !== null && typeof o === 'object' && Array.isArray(o.nodes) && Array.isArray(o.inputs) && Array.isArray(o.outputs) && o.initializers instanceof Map;
  if (!ok) throw new OnnxError(`OnnxModel: graph must be a parsed ONNX graph { nodes, initializers, inputs, outputs, ... }, got ${show(g)}`);
}

/** Every operator importOnnx runs, sorted (for error messages and docs). */
export const SUPPORTED_OPS = Object.keys(OPS).sort();

/** A plain holder for parameters under a dotted path; never called. */
class Scope extends Module {
  forward(): Tensor {
    throw new OnnxError('an ONNX parameter scope has no forward');
  }
}

/** Splits an initializer name into module path + leaf, or null where it cannot be a dotted path. */
function splitName(name: string): string[] | null {
  const parts = name.split('.');
  return parts.every((p) => p.length > 0) ? parts : null;
}

export class OnnxModel extends Module<Tensor[], Tensor> {
  readonly graph: OnnxGraph;
  /** Input names in order (forward's arguments). */
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** ONNX initializer name -> state-dict key (equal unless the name had to be escaped). */
  readonly stateNames = new Map<string, string>();
  #consts = new Map<string, Val>();
  #tensors = new Map<string, { get: () => Tensor; type: number }>();

  constructor(graph: OnnxGraph) {
    super();
    checkGraph(graph);
    this.graph = graph;
    this.inputNames = graph.inputs.map((i) => i.name);
    this.outputNames = graph.outputs;
    for (const [i, n] of graph.nodes.entries()) {
      if (n.domain && n.domain !== 'ai.onnx') throw new OnnxError(`importOnnx: ${nodeLabel(n, i)} is in domain '${n.domain}', which is not supported (only the default ONNX domain)`);
      if (!OPS[n.opType]) throw new OnnxError(`importOnnx: ${nodeLabel(n, i)}: operator ${n.opType} (opset ${graph.opset}) is not supported; supported operators: ${SUPPORTED_OPS.join(', ')}`);
    }
    const bufferNames = new Set<string>();
    for (const n of graph.nodes) if (n.opType === 'BatchNormalization') for (const k of [3, 4]) if (n.input[k]) bufferNames.add(n.input[k]);
    const used = new Set(graph.nodes.flatMap((n) => n.input));
    const taken = new Set<string>();
    for (const [name, a] of graph.initializers) {
      if (!isFloatType(a.type) || !used.has(name) && !graph.outputs.includes(name)) {
        this.#consts.set(name, { kind: 'h', a });
        continue;
      }
      const t = tensorOf(a.data, [...a.dims], dtypeOf(a.type));
      const key = this.#place(name, t, bufferNames.has(name), taken);
      this.stateNames.set(name, key);
      this.#tensors.set(name, { get: () => this.#lookup(key), type: a.type });
    }
  }

  /** Registers `t` under the dotted `name` (escaping names that clash or are not dotted paths); returns the key. */
  #place(name: string, t: Tensor, buffer: boolean, taken: Set<string>): string {
    let parts = splitName(name);
    const clash = (ps: string[]) => ps.some((_, i) => taken.has(ps.slice(0, i + 1).join('.')) && i < ps.length - 1) || taken.has(ps.join('.')) || [...taken].some((k) => k.startsWith(ps.join('.') + '.'));
    if (!parts || clash(parts)) parts = [name.replace(/\./g, '_')];
    let leafName = parts[parts.length - 1];
    let owner: AnyModule = this as AnyModule;
    for (const p of parts.slice(0, -1)) {
      const child = owner.namedChildren().find(([n]) => n === p)?.[1];
      owner = child ?? owner.registerModule(p, new Scope());
    }
    let key = parts.join('.');
    while (taken.has(key) || (owner === this && leafName in this)) {
      leafName = `${leafName}_`;
      key = [...parts.slice(0, -1), leafName].join('.');
    }
    if (buffer) owner.registerBuffer(leafName, t);
    else owner.registerParameter(leafName, new Parameter(t));
    taken.add(key);
    return key;
  }

  #lookup(key: string): Tensor {
    const parts = key.split('.');
    let m: AnyModule = this as AnyModule;
    for (const p of parts.slice(0, -1)) m = m.namedChildren().find(([n]) => n === p)![1];
    const leaf = parts[parts.length - 1];
    const p = m.namedParameters({ recurse: false }).find(([n]) => n === leaf);
    return p ? p[1] : m.getBuffer(leaf)!;
  }

  /** Runs the graph on named inputs; returns every graph output. */
  run(inputs: Record<string, Tensor | HostArray>): Record<string, Val> {
    const env = new Map<string, Val>(this.#consts);
    for (const [name, t] of this.#tensors) env.set(name, tv(t.get(), t.type));
    for (const inp of this.graph.inputs) {
      const v = inputs[inp.name];
      if (v === undefined) throw new OnnxError(`OnnxModel: missing input '${inp.name}' (inputs: ${this.inputNames.join(', ')})`);
      if (v instanceof Tensor) {
        if (inp.dims && (inp.dims.length !== v.ndim || inp.dims.some((d, i) => typeof d === 'number' && d > 0 && d !== v.shape[i]))) {
          throw new OnnxError(`OnnxModel: input '${inp.name}' has shape [${v.shape.join(',')}] but the model expects [${inp.dims.map((d) => d ?? '?').join(',')}]`);
        }
        env.set(inp.name, tv(v, inp.type || 1));
      } else env.set(inp.name, { kind: 'h', a: v });
    }
    const ctxBase = { opset: this.graph.opset, training: this.training };
    this.graph.nodes.forEach((n: NodeMsg, i: number) => {
      const where = `${nodeLabel(n, i)}, opset ${this.graph.opset}`;
      const ins = n.input.map((name) => {
        if (!name) return null;
        const v = env.get(name);
        if (!v) throw new OnnxError(`${where}: input '${name}' is undefined`);
        return v;
      });
      const ctx: OpCtx & { nOut: number } = { ...ctxBase, where, nOut: n.output.filter(Boolean).length };
      const at = new Attrs(n, where);
      let outs: Val[];
      try {
        outs = OPS[n.opType](ctx, ins, at);
      } catch (e) {
        if (e instanceof OnnxError) throw e;
        throw new OnnxError(`${where}: ${(e as Error).message}`);
      }
      at.checkAllRead(`operator ${n.opType}`);
      n.output.forEach((o, k) => {
        if (!o) return;
        if (!outs[k]) throw new OnnxError(`${where}: output ${k} ('${o}') is not produced by neocog's ${n.opType}`);
        env.set(o, outs[k]);
      });
    });
    return Object.fromEntries(this.outputNames.map((o) => [o, env.get(o)!]));
  }

  /** The first graph output, as a tensor, for the graph inputs in order. */
  forward(...inputs: Tensor[]): Tensor {
    if (inputs.length !== this.inputNames.length) throw new OnnxError(`OnnxModel: expected ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${inputs.length}`);
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new OnnxError(`OnnxModel: input ${i} must be a Tensor, got ${typeof t}`);
    });
    const r = this.run(Object.fromEntries(this.inputNames.map((n, i) => [n, inputs[i]])));
    const v = r[this.outputNames[0]];
    if (v.kind === 't') return v.t;
    return tensorOf(v.a.data, [...v.a.dims], dtypeOf(v.a.type));
  }

  override extraRepr(): string {
    return `inputs=[${this.inputNames.join(', ')}], outputs=[${this.outputNames.join(', ')}], nodes=${this.graph.nodes.length}, opset=${this.graph.opset}`;
  }
}

/** A trainable Module from ONNX model bytes (browser-safe; see importOnnx for paths). */
export function importOnnxBytes(bytes: Uint8Array): OnnxModel {
  return new OnnxModel(parseGraph(bytes));
}

export { typeName };
