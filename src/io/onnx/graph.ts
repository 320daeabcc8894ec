/**
 * Decoding and checking an ONNX model before anything runs: the protobuf must parse, the default
 * domain's opset must be known, every node input must be defined (graph input, initializer or an
 * earlier node's output), the graph must be acyclic (nodes come back in topological order), and every
 * initializer passes the size checks of ./tensor-proto.ts. Errors are OnnxError with the node named.
 */
import { ModelProtoType, type AttrMsg, type GraphMsg, type ModelMsg, type NodeMsg, type ValueInfoMsg } from './schema.js';
import { decodeTensor, int64, OnnxError, MAX_ELEMENTS, type HostArray } from './tensor-proto.js';

export interface GraphInput {
  name: string;
  type: number;
  /** Static dims as numbers, symbolic ones as their name (or null when unnamed). */
  dims: (number | string | null)[] | null;
}

export interface OnnxGraph {
  opset: number;
  producer: string;
  nodes: NodeMsg[];
  initializers: Map<string, HostArray>;
  inputs: GraphInput[];
  outputs: string[];
  outputTypes: number[];
}

/** Largest total of initializer elements accepted (2^29 floats = 2 GiB). */
const MAX_TOTAL_ELEMENTS = 2 ** 29;
const MAX_NODES = 1_000_000;

export const nodeLabel = (n: NodeMsg, i: number) => `node ${i} (${n.opType}${n.name ? ` '${n.name}'` : ''})`;

function inputInfo(v: ValueInfoMsg): GraphInput {
  const tt = v.type?.tensorType;
  const dims = tt?.shape ? tt.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? int64(d.dimValue) : null)) : null;
  return { name: v.name, type: tt?.elemType ?? 0, dims };
}

export function decodeModel(bytes: Uint8Array): ModelMsg {
  if (!(bytes instanceof Uint8Array)) throw new OnnxError(`importOnnx: expected the bytes of an .onnx file (Uint8Array) or a path, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length === 0) throw new OnnxError('importOnnx: the file is empty');
  try {
    return ModelProtoType.decode(bytes) as unknown as ModelMsg;
  } catch (e) {
    throw new OnnxError(`importOnnx: not a valid ONNX model: the protobuf does not parse (${(e as Error).message}); is the file truncated or not an .onnx file?`);
  }
}

export function parseGraph(bytes: Uint8Array): OnnxGraph {
  const m = decodeModel(bytes);
  const g: GraphMsg | null = m.graph;
  if (!g || !g.node) throw new OnnxError('importOnnx: the model has no graph (is this an ONNX ModelProto?)');
  const opsets = m.opsetImport ?? [];
  const main = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!main) throw new OnnxError(`importOnnx: the model imports no version of the default ONNX operator set (imports: ${opsets.map((o) => `${o.domain}:${int64(o.version)}`).join(', ') || 'none'})`);
  const opset = int64(main.version);
  if (opset < 1 || opset > 22) throw new OnnxError(`importOnnx: opset ${opset} is outside 1..22`);
  if (g.node.length > MAX_NODES) throw new OnnxError(`importOnnx: ${g.node.length} nodes exceed the limit of ${MAX_NODES}`);
  if (g.sparseInitializer?.length) throw new OnnxError('importOnnx: sparse initializers are not supported');

  const initializers = new Map<string, HostArray>();
  let total = 0;
  for (const t of g.initializer) {
    if (!t.name) throw new OnnxError('importOnnx: an initializer has no name');
    const dims = (t.dims ?? []).map(int64);
    const n = dims.reduce((a, d) => a * Math.max(d, 0), 1);
    total += n;
    if (total > MAX_TOTAL_ELEMENTS) throw new OnnxError(`importOnnx: initializers hold more than ${MAX_TOTAL_ELEMENTS} elements (limit)`);
    initializers.set(t.name, decodeTensor(t, `initializer '${t.name}'`));
  }
  const inputs = g.input.filter((v) => !initializers.has(v.name)).map(inputInfo);
  const outputs = g.output.map((v) => v.name);
  if (outputs.length === 0) throw new OnnxError('importOnnx: the graph declares no outputs');

  // Topological order (Kahn); the file's order is kept where it is already valid.
  const producer = new Map<string, number>();
  g.node.forEach((n, i) => {
    if (!n.opType) throw new OnnxError(`importOnnx: node ${i} has no op_type`);
    for (const o of n.output) {
      if (!o) continue;
      if (producer.has(o) || initializers.has(o) || inputs.some((v) => v.name === o)) throw new OnnxError(`importOnnx: value '${o}' is produced twice (by ${nodeLabel(n, i)})`);
      producer.set(o, i);
    }
  });
  const known = new Set<string>([...initializers.keys(), ...inputs.map((v) => v.name)]);
  const indeg = g.node.map(() => 0);
  const users = g.node.map(() => [] as number[]);
  g.node.forEach((n, i) => {
    for (const inp of n.input) {
      if (!inp || known.has(inp)) continue;
      const p = producer.get(inp);
      if (p === undefined) throw new OnnxError(`importOnnx: ${nodeLabel(n, i)} reads '${inp}', which is not a graph input, an initializer, or any node's output (missing initializer?)`);
      indeg[i]++;
      users[p].push(i);
    }
  });
  const order: number[] = [];
  const ready = indeg.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  while (ready.length) {
    const i = ready.shift()!;
    order.push(i);
    for (const u of users[i]) if (--indeg[u] === 0) ready.push(u);
  }
  if (order.length !== g.node.length) {
    const stuck = g.node.map((n, i) => [n, i] as const).filter(([, i]) => indeg[i] > 0).slice(0, 5);
    throw new OnnxError(`importOnnx: the graph has a cycle through ${stuck.map(([n, i]) => nodeLabel(n, i)).join(', ')}`);
  }
  for (const o of outputs) if (!known.has(o) && !producer.has(o)) throw new OnnxError(`importOnnx: graph output '${o}' is never produced`);
  return { opset, producer: m.producerName ?? '', nodes: order.map((i) => g.node[i]), initializers, inputs, outputs, outputTypes: g.output.map((v) => v.type?.tensorType?.elemType ?? 0) };
}

/** Typed access to a node's attributes, with the node named in every error. */
export class Attrs {
  private readonly map = new Map<string, AttrMsg>();
  private readonly read = new Set<string>();
  constructor(private readonly node: NodeMsg, private readonly where: string) {
    for (const a of node.attribute) this.map.set(a.name, a);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  private get(name: string): AttrMsg | undefined {
    this.read.add(name);
    const a = this.map.get(name);
    if (a?.refAttrName) throw new OnnxError(`${this.where}: attribute '${name}' refers to a function attribute, which is not supported`);
    return a;
  }
  int(name: string, def: number): number {
    const a = this.get(name);
    return a ? int64(a.i) : def;
  }
  float(name: string, def: number): number {
    const a = this.get(name);
    return a ? a.f : def;
  }
  string(name: string, def: string): string {
    const a = this.get(name);
    return a ? new TextDecoder().decode(a.s) : def;
  }
  ints(name: string): number[] | null {
    const a = this.get(name);
    if (!a) return null;
    if (a.ints.length > MAX_ELEMENTS) throw new OnnxError(`${this.where}: attribute '${name}' is too long`);
    return a.ints.map(int64);
  }
  floats(name: string): number[] | null {
    const a = this.get(name);
    return a ? [...a.floats] : null;
  }
  tensor(name: string): HostArray | null {
    const a = this.get(name);
    return a?.t ? decodeTensor(a.t, `${this.where}: attribute '${name}'`) : null;
  }
  /** Fails on attributes no implementation looked at (they would change the result). */
  checkAllRead(supported: string): void {
    for (const k of this.map.keys()) if (!this.read.has(k)) throw new OnnxError(`${this.where}: attribute '${k}' is not supported (${supported})`);
  }
}
