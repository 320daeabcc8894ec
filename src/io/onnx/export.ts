/**
 * exportOnnx core: trace one eval-mode forward pass (./trace.ts) and write it as an ONNX ModelProto.
 * Kernels map onto ONNX operators one to one where ONNX has the operator, and onto a few operators
 * where it has not (Log1p, comparisons returning int32, adaptive pooling over uneven bins).
 * With dynamicBatch the pass is traced twice (batch b and b + 1): shapes that differ between the two
 * passes are the batch-dependent ones, and become -1 / "to the end" in Reshape, Slice and Expand.
 */
import type { DataId, TensorInfo } from '../../backends/backend.js';
import { getBackend } from '../../backends/registry.js';
import type { AnyModule } from '../../nn/module.js';
import type { BatchNorm1d, BatchNorm2d, LocalResponseNorm } from '../../nn/normalization.js';
import type { Linear } from '../../nn/linear.js';
import { Tensor } from '../../tensor/tensor.js';
import { randn } from '../../tensor/creation.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { Conv2DAttrs, Pool2DAttrs, AvgPool2DAttrs, Resize2DAttrs, PadAttrs } from '../../kernels/specs.js';
import { traceForward, type Trace, type TraceEvent } from './trace.js';
import { AttrType, DataType, ModelProtoType } from './schema.js';
import { encodeTensor, OnnxError } from './tensor-proto.js';
import { show } from '../../ops/args.js';

export interface ExportOnnxOptions {
  /** Input shape with the batch dim ([1, 1, 28, 28]) or a sample Tensor. */
  input: readonly number[] | Tensor;
  /** ONNX opset version, 13..18 (default 17). */
  opset?: number;
  /** Leave the batch dim symbolic ("N") so the file accepts any batch size (default true). */
  dynamicBatch?: boolean;
  /** Names of the graph's input and output (default "input", "output"). */
  inputName?: string;
  outputName?: string;
}

const OPTION_KEYS = ['input', 'opset', 'dynamicBatch', 'inputName', 'outputName', 'path'];
export const MIN_OPSET = 13;
export const MAX_OPSET = 18;
const BIG = Number.MAX_SAFE_INTEGER;
const ONNX_TYPE: Record<DType, number> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32 };

type Attr = number | number[] | string | { floats: number[] };
interface NodeObj { opType: string; name: string; input: string[]; output: string[]; attribute: Record<string, unknown>[] }
interface Value { name: string; shape: number[]; dtype: DType }
/** MaxPool's indices, kept as ONNX's flat NCHW int64 until something needs neocog's per-plane int32 form. */
interface PoolIndices { node: NodeObj; flat: string; plane: number; attrs: Pool2DAttrs; inShape: number[]; planeName?: string }

function attr(name: string, v: Attr): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  return { name, type: AttrType.FLOATS, floats: v.floats };
}
const floatAttr = (name: string, f: number): Record<string, unknown> => ({ name, type: AttrType.FLOAT, f });

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

class GraphWriter {
  nodes: NodeObj[] = [];
  initializers: Record<string, unknown>[] = [];
  private values = new Map<DataId, Value>();
  private views = new Map<string, string>();
  private pools = new Map<DataId, PoolIndices>();
  private used = new Set<string>();
  private counter = 0;
  private constCount = 0;

  constructor(readonly opset: number, private readonly paramNames: Map<DataId, string>, private readonly constants: Map<DataId, TypedArray>) {}

  fresh(base: string): string {
    let n = base;
    while (this.used.has(n)) n = `${base}_${++this.counter}`;
    this.used.add(n);
    return n;
  }

  node(opType: string, input: string[], attrs: Record<string, Attr> = {}, nOut = 1, outNames?: string[]): string[] {
    const name = this.fresh(`${opType}_${this.nodes.length}`);
    const output = outNames ?? Array.from({ length: nOut }, (_, i) => this.fresh(`${name}_out${nOut > 1 ? i : ''}`));
    this.nodes.push({ opType, name, input, output, attribute: Object.entries(attrs).map(([k, v]) => (k === 'epsilon' || k === 'alpha' || k === 'beta' || k === 'bias' || k === 'value' ? floatAttr(k, v as number) : attr(k, v))) });
    return output;
  }
  node1(opType: string, input: string[], attrs: Record<string, Attr> = {}): string {
    return this.node(opType, input, attrs)[0];
  }

  initializer(base: string, dims: number[], type: number, values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(encodeTensor(name, dims, type, values));
    return name;
  }
  ints(values: number[]): string {
    return this.initializer(`const_i64_${this.constCount++}`, [values.length], DataType.INT64, values);
  }
  scalar(v: number, dtype: DType): string {
    return this.initializer(`const_${this.constCount++}`, [], ONNX_TYPE[dtype], [v]);
  }

  define(info: TensorInfo, name: string): void {
    this.values.set(info.dataId, { name, shape: [...info.shape], dtype: info.dtype });
  }
  definePool(info: TensorInfo, p: PoolIndices): void {
    this.pools.set(info.dataId, p);
  }
  poolIndices(info: TensorInfo): PoolIndices | undefined {
    return this.pools.get(info.dataId);
  }

  /** The ONNX value for a kernel input: an earlier output, a parameter, a constant, or a view of one of those. */
  ref(a: TensorInfo, b: TensorInfo | undefined): string {
    let v = this.values.get(a.dataId);
    if (!v) {
      const pool = this.pools.get(a.dataId);
      if (pool) {
        v = { name: this.planeIndices(pool), shape: a.shape, dtype: 'int32' };
      } else {
        const param = this.paramNames.get(a.dataId);
        const snap = this.constants.get(a.dataId);
        if (!param && b && !same(a.shape, b.shape)) throw new OnnxError(`exportOnnx: a constant of shape [${a.shape.join(',')}] created inside forward depends on the batch size; build it from the input (e.g. zerosLike) or export with dynamicBatch: false`);
        const values = snap ?? getBackend().readSync(a.dataId);
        const shape = param ? this.paramShape(a) : a.shape;
        const name = this.initializer(param ?? `const_${this.constCount++}`, shape, ONNX_TYPE[a.dtype], values);
        v = { name, shape, dtype: a.dtype };
      }
      this.values.set(a.dataId, v);
    }
    if (same(v.shape, a.shape)) return v.name;
    const target = [...a.shape];
    if (b) {
      const varying = a.shape.map((d, i) => d !== b.shape[i]);
      const nv = varying.filter(Boolean).length;
      if (nv > 1) throw new OnnxError(`exportOnnx: a reshape to [${a.shape.join(',')}] has ${nv} batch-dependent dims; export with dynamicBatch: false`);
      varying.forEach((x, i) => { if (x) target[i] = -1; });
    }
    const key = `${v.name}|${target.join(',')}`;
    let r = this.views.get(key);
    if (!r) {
      r = this.node1('Reshape', [v.name, this.ints(target)]);
      this.views.set(key, r);
    }
    return r;
  }

  shapes = new Map<DataId, number[]>();
  private paramShape(a: TensorInfo): number[] {
    return this.shapes.get(a.dataId) ?? a.shape;
  }

  /** neocog's int32 index into the H*W plane from ONNX's flat NCHW int64 index. */
  private planeIndices(p: PoolIndices): string {
    if (!p.planeName) {
      const flat = this.flatIndices(p);
      p.planeName = this.node1('Cast', [this.node1('Mod', [flat, this.initializer(`const_${this.constCount++}`, [], DataType.INT64, [p.plane])])], { to: DataType.INT32 });
    }
    return p.planeName;
  }
  flatIndices(p: PoolIndices): string {
    if (p.node.output.length === 1) p.node.output.push(p.flat);
    return p.flat;
  }

  reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin', x: string, axes: number[], keepdims: number): string {
    if (op === 'ReduceSum' || this.opset >= 18) return this.node1(op, [x, this.ints(axes)], { keepdims });
    return this.node1(op, [x], { axes, keepdims });
  }
}

/** Adaptive pooling over [N,C,H,W]: one pooling op where the bins are even, else per-bin slices (PyTorch's bins). */
function adaptivePool(g: GraphWriter, x: string, inShape: number[], out: [number, number], kind: 'avg' | 'max'): string {
  const [H, W] = [inShape[2], inShape[3]];
  if (out[0] === 1 && out[1] === 1) return g.node1(kind === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x]);
  if (H % out[0] === 0 && W % out[1] === 0) {
    const k = [H / out[0], W / out[1]];
    return g.node1(kind === 'avg' ? 'AveragePool' : 'MaxPool', [x], { kernel_shape: k, strides: k });
  }
  let y = x;
  for (const [axis, n, o] of [[2, H, out[0]], [3, W, out[1]]] as const) {
    if (n === o) continue;
    const parts: string[] = [];
    for (let i = 0; i < o; i++) {
      const s = Math.floor((i * n) / o), e = Math.ceil(((i + 1) * n) / o);
      const sl = g.node1('Slice', [y, g.ints([s]), g.ints([e]), g.ints([axis])]);
      parts.push(g.reduce(kind === 'avg' ? 'ReduceMean' : 'ReduceMax', sl, [axis], 1));
    }
    y = g.node1('Concat', parts, { axis });
  }
  return y;
}

/** ONNX pads [top, left, bottom, right] from neocog's [top, bottom, left, right]. */
const convPads = (p: Conv2DAttrs['pads']) => [p[0], p[2], p[1], p[3]];

function emitKernel(g: GraphWriter, ev: Extract<TraceEvent, { kind: 'kernel' }>, evB: Extract<TraceEvent, { kind: 'kernel' }> | undefined): void {
  const ins = () => ev.inputs.map((t, i) => g.ref(t, evB?.inputs[i]));
  const out = ev.outputs[0];
  const def = (name: string) => g.define(out, name);
  const a = ev.attrs as Record<string, unknown>;
  const k = ev.kernel;
  const simple: Record<string, string> = { Add: 'Add', Sub: 'Sub', Mul: 'Mul', Div: 'Div', Pow: 'Pow', Maximum: 'Max', Minimum: 'Min', Neg: 'Neg', Exp: 'Exp', Log: 'Log', Sqrt: 'Sqrt', Abs: 'Abs', Sign: 'Sign', Relu: 'Relu', Sigmoid: 'Sigmoid', Tanh: 'Tanh' };
  if (k in simple) return def(g.node1(simple[k], ins()));
  const compare: Record<string, [string, boolean]> = { Equal: ['Equal', false], NotEqual: ['Equal', true], Greater: ['Greater', false], GreaterEqual: ['GreaterOrEqual', false], Less: ['Less', false], LessEqual: ['LessOrEqual', false] };
  if (k in compare) {
    let b = g.node1(compare[k][0], ins());
    if (compare[k][1]) b = g.node1('Not', [b]);
    return def(g.node1('Cast', [b], { to: DataType.INT32 }));
  }
  switch (k) {
    case 'Log1p': {
      const [x] = ins();
      return def(g.node1('Log', [g.node1('Add', [x, g.scalar(1, ev.inputs[0].dtype)])]));
    }
    case 'Elu': return def(g.node1('Elu', ins(), { alpha: a.alpha as number }));
    case 'LeakyRelu': return def(g.node1('LeakyRelu', ins(), { alpha: a.negativeSlope as number }));
    case 'Clamp': {
      const dt = ev.inputs[0].dtype;
      const lo = a.min as number, hi = a.max as number;
      const args = [ins()[0], Number.isFinite(lo) ? g.scalar(lo, dt) : '', Number.isFinite(hi) ? g.scalar(hi, dt) : ''];
      while (args[args.length - 1] === '') args.pop();
      return def(g.node1('Clip', args));
    }
    case 'Cast': return def(g.node1('Cast', ins(), { to: ONNX_TYPE[a.dtype as DType] }));
    case 'Where': {
      const [c, x, y] = ins();
      return def(g.node1('Where', [g.node1('Cast', [c], { to: DataType.BOOL }), x, y]));
    }
    case 'Sum': case 'Max': case 'Min': {
      const axes = a.axes as number[];
      const [x] = ins();
      if (axes.length === 0) return def(g.node1('Identity', [x]));
      return def(g.reduce(k === 'Sum' ? 'ReduceSum' : k === 'Max' ? 'ReduceMax' : 'ReduceMin', x, axes, 0));
    }
    case 'ArgMax': case 'ArgMin': {
      const r = g.node1(k, ins(), { axis: a.axis as number, keepdims: 0 });
      return def(g.node1('Cast', [r], { to: DataType.INT32 }));
    }
    case 'Softmax': case 'LogSoftmax': return def(g.node1(k, ins(), { axis: a.axis as number }));
    case 'Transpose': return def(g.node1('Transpose', ins(), { perm: a.perm as number[] }));
    case 'Slice': {
      const begin = a.begin as number[], size = a.size as number[], step = a.step as number[];
      const inShape = ev.inputs[0].shape, inB = evB?.inputs[0].shape;
      const starts: number[] = [], ends: number[] = [], axes: number[] = [], steps: number[] = [];
      begin.forEach((s, d) => {
        const full = s === 0 && step[d] === 1 && size[d] === inShape[d];
        if (full) return;
        if (inB && inB[d] !== inShape[d]) throw new OnnxError(`exportOnnx: a slice of dim ${d} of [${inShape.join(',')}] depends on the batch size; export with dynamicBatch: false`);
        const e = s + size[d] * step[d];
        starts.push(s); ends.push(step[d] < 0 && e < 0 ? -BIG : e); axes.push(d); steps.push(step[d]);
      });
      const [x] = ins();
      if (axes.length === 0) return def(g.node1('Identity', [x]));
      return def(g.node1('Slice', [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)]));
    }
    case 'Concat': return def(g.node1('Concat', ins(), { axis: a.axis as number }));
    case 'BroadcastTo': {
      const shape = [...(a.shape as number[])];
      const bShape = (evB?.attrs as Record<string, unknown> | undefined)?.shape as number[] | undefined;
      const inShape = ev.inputs[0].shape, inB = evB?.inputs[0].shape;
      const off = shape.length - inShape.length;
      if (bShape) shape.forEach((d, i) => {
        if (d === bShape[i]) return;
        const j = i - off;
        if (j >= 0 && inB && inShape[j] !== inB[j]) shape[i] = 1; // already batch-sized: Expand keeps it
        else throw new OnnxError(`exportOnnx: an expand to [${shape.join(',')}] grows a dim to the batch size; export with dynamicBatch: false`);
      });
      return def(g.node1('Expand', [ins()[0], g.ints(shape)]));
    }
    case 'GatherElements': return def(g.node1('GatherElements', ins(), { axis: a.axis as number }));
    case 'BatchMatMul': {
      let [x, y] = ins();
      if (a.transposeA) x = g.node1('Transpose', [x], { perm: [0, 2, 1] });
      if (a.transposeB) y = g.node1('Transpose', [y], { perm: [0, 2, 1] });
      return def(g.node1('MatMul', [x, y]));
    }
    case 'Conv2D': {
      const c = a as unknown as Conv2DAttrs & { activation?: string; pool?: 'avg' | 'max' };
      const w = ev.inputs[1].shape;
      let y = g.node1('Conv', ins(), { kernel_shape: [w[2], w[3]], strides: c.stride, pads: convPads(c.pads), dilations: c.dilation, group: c.groups });
      if (c.activation === 'relu') y = g.node1('Relu', [y]);
      // The fused 2x2 pool: stride 2, no padding, floor mode (no padding: the divisor is 4 either way).
      if (c.pool) y = g.node1(c.pool === 'avg' ? 'AveragePool' : 'MaxPool', [y], { kernel_shape: [2, 2], strides: [2, 2] });
      return def(y);
    }
    case 'Conv2DBackpropInput': {
      const c = a as unknown as Conv2DAttrs & { inputShape: number[] };
      const w = ev.inputs[1].shape, dy = ev.inputs[0].shape;
      const outPad = [0, 1].map((i) => {
        const base = (dy[2 + i] - 1) * c.stride[i] - c.pads[2 * i] - c.pads[2 * i + 1] + c.dilation[i] * (w[2 + i] - 1) + 1;
        return c.inputShape[2 + i] - base;
      });
      return def(g.node1('ConvTranspose', ins(), { kernel_shape: [w[2], w[3]], strides: c.stride, pads: convPads(c.pads), dilations: c.dilation, group: c.groups, output_padding: outPad }));
    }
    case 'MaxPool2D': {
      const p = a as unknown as Pool2DAttrs;
      const [H, W] = [ev.inputs[0].shape[2], ev.inputs[0].shape[3]];
      // Explicit end padding reproduces PyTorch's ceil-mode output size exactly (max ignores the padding).
      const endPad = [0, 1].map((i) => Math.max(0, (p.outSize[i] - 1) * p.stride[i] + p.dilation[i] * (p.kernel[i] - 1) + 1 - [H, W][i] - p.pad[i]));
      const [y] = g.node('MaxPool', ins(), { kernel_shape: p.kernel, strides: p.stride, pads: [p.pad[0], p.pad[1], endPad[0], endPad[1]], dilations: p.dilation });
      const node = g.nodes[g.nodes.length - 1];
      def(y);
      g.definePool(ev.outputs[1], { node, flat: g.fresh(`${node.name}_indices`), plane: H * W, attrs: p, inShape: ev.inputs[0].shape });
      return;
    }
    case 'AvgPool2D': {
      const p = a as unknown as AvgPool2DAttrs;
      if (p.divisorOverride !== null) throw new OnnxError('exportOnnx: avgPool2d with divisorOverride has no ONNX equivalent');
      const [H, W] = [ev.inputs[0].shape[2], ev.inputs[0].shape[3]];
      const floorOut = [H, W].map((n, i) => Math.floor((n + 2 * p.pad[i] - p.kernel[i]) / p.stride[i]) + 1);
      const ceil = same(floorOut, p.outSize) ? 0 : 1;
      return def(g.node1('AveragePool', ins(), { kernel_shape: p.kernel, strides: p.stride, pads: [p.pad[0], p.pad[1], p.pad[0], p.pad[1]], count_include_pad: p.countIncludePad ? 1 : 0, ceil_mode: ceil }));
    }
    case 'AdaptiveAvgPool2D': case 'AdaptiveMaxPool2D': {
      const x = ins()[0];
      def(adaptivePool(g, x, ev.inputs[0].shape, a.outSize as [number, number], k === 'AdaptiveAvgPool2D' ? 'avg' : 'max'));
      return;
    }
    case 'ScatterPlane': {
      const pool = g.poolIndices(ev.inputs[1]);
      const plane = a.planeShape as [number, number];
      if (!pool || pool.inShape[2] !== plane[0] || pool.inShape[3] !== plane[1]) throw new OnnxError('exportOnnx: maxUnpool is exported only with the indices of a maxPool2d over the same plane size (ONNX MaxUnpool)');
      const src = g.ref(ev.inputs[0], evB?.inputs[0]);
      const shape = g.node1('Shape', [src]);
      const nc = g.node1('Slice', [shape, g.ints([0]), g.ints([2])]);
      const outShape = g.node1('Concat', [nc, g.ints(plane)], { axis: 0 });
      const p = pool.attrs;
      return def(g.node1('MaxUnpool', [src, g.flatIndices(pool), outShape], { kernel_shape: p.kernel, strides: p.stride, pads: [p.pad[0], p.pad[1], p.pad[0], p.pad[1]] }));
    }
    case 'Resize2D': {
      const r = a as unknown as Resize2DAttrs;
      const inS = ev.inputs[0].shape;
      const factors = r.scales.map((s) => 1 / s);
      const [x] = ins();
      const attrs: Record<string, Attr> = r.mode === 'nearest'
        ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
        : { mode: 'linear', coordinate_transformation_mode: r.alignCorners ? 'align_corners' : 'pytorch_half_pixel' };
      const fits = factors.every((f, i) => Math.floor(inS[2 + i] * Math.fround(f)) === r.outSize[i]);
      if (fits && !r.alignCorners) {
        const scales = g.initializer(`const_${g.nodes.length}_scales`, [4], DataType.FLOAT, [1, 1, ...factors]);
        return def(g.node1('Resize', [x, '', scales], attrs));
      }
      const nc = g.node1('Slice', [g.node1('Shape', [x]), g.ints([0]), g.ints([2])]);
      const sizes = g.node1('Concat', [nc, g.ints(r.outSize)], { axis: 0 });
      return def(g.node1('Resize', [x, '', '', sizes], attrs));
    }
    case 'Pad': {
      const p = a as unknown as PadAttrs;
      const pads = [...p.pads.map((q) => q[0]), ...p.pads.map((q) => q[1])];
      const mode = p.mode === 'replicate' ? 'edge' : p.mode;
      const [x] = ins();
      const args = [x, g.ints(pads)];
      if (p.mode === 'constant' && p.value !== 0) args.push(g.scalar(p.value, ev.inputs[0].dtype));
      return def(g.node1('Pad', args, { mode }));
    }
    default:
      throw new OnnxError(`exportOnnx: kernel ${k} has no ONNX mapping (it is a backward or training-only kernel; is the model calling backward or updating state in forward?)`);
  }
}

function emitLayer(g: GraphWriter, ev: Extract<TraceEvent, { kind: 'layer' }>, evB: Extract<TraceEvent, { kind: 'layer' }> | undefined): void {
  const x = g.ref(ev.inputs[0], evB?.inputs[0]);
  const t = (tensor: Tensor | null) => (tensor ? g.ref({ dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype }, undefined) : null);
  if (ev.layer === 'batchnorm') {
    const m = ev.module as BatchNorm2d | BatchNorm1d;
    const C = m.numFeatures;
    const scale = t(m.weight) ?? g.initializer(`${ev.path}.weight`, [C], DataType.FLOAT, new Float32Array(C).fill(1));
    const bias = t(m.bias) ?? g.initializer(`${ev.path}.bias`, [C], DataType.FLOAT, new Float32Array(C));
    const y = g.node('BatchNormalization', [x, scale, bias, t(m.runningMean)!, t(m.runningVar)!], { epsilon: m.eps, momentum: 1 - (m.momentum ?? 0.1) }, 1, [g.fresh(`${ev.path || 'bn'}_out`)])[0];
    g.nodes[g.nodes.length - 1].name = g.fresh(ev.path || 'BatchNormalization');
    return g.define(ev.outputs[0], y);
  }
  if (ev.layer === 'lrn') {
    const m = ev.module as LocalResponseNorm;
    if (ev.inputs[0].shape.length !== 4) throw new OnnxError(`exportOnnx: LocalResponseNorm is exported for 4D input only, got [${ev.inputs[0].shape.join(',')}]`);
    return g.define(ev.outputs[0], g.node1('LRN', [x], { size: m.size, alpha: m.alpha, beta: m.beta, bias: m.k }));
  }
  const m = ev.module as Linear;
  const w = t(m.weight)!;
  const b = t(m.bias);
  const rank = ev.inputs[0].shape.length;
  let y: string;
  if (rank === 2) y = g.node1('Gemm', b ? [x, w, b] : [x, w], { transB: 1 });
  else {
    y = g.node1('MatMul', [x, g.node1('Transpose', [w], { perm: [1, 0] })]);
    if (b) y = g.node1('Add', [y, b]);
  }
  g.define(ev.outputs[0], y);
}

function valueInfo(name: string, shape: number[], dtype: DType, dynamic: boolean) {
  return { name, type: { tensorType: { elemType: ONNX_TYPE[dtype], shape: { dim: shape.map((d, i) => (i === 0 && dynamic ? { dimParam: 'N' } : { dimValue: d })) } } } };
}

function checkOptions(opts: ExportOnnxOptions): { shape: number[]; opset: number; dynamic: boolean } {
  if (opts === null || typeof opts !== 'object') throw new OnnxError('exportOnnx: options must be an object such as { input: [1, 1, 28, 28] }');
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.includes(k)) throw new OnnxError(`exportOnnx: unknown option '${k}' (options are ${OPTION_KEYS.join(', ')})`);
  const { input, opset = 17, dynamicBatch = true } = opts;
  let shape: number[];
  if (input instanceof Tensor) shape = [...input.shape];
  else if (Array.isArray(input) && input.length >= 1 && input.every((d) => Number.isInteger(d) && d >= 1 && d <= 1 << 24)) shape = [...input];
  else throw new OnnxError(`exportOnnx: input must be a shape with the batch dim (e.g. [1, 1, 28, 28]) or a sample Tensor, got ${show(input)}`);
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) throw new OnnxError(`exportOnnx: opset must be an integer in ${MIN_OPSET}..${MAX_OPSET}, got ${show(opset)}`);
  if (typeof dynamicBatch !== 'boolean') throw new OnnxError(`exportOnnx: dynamicBatch must be a boolean, got ${show(dynamicBatch)}`);
  return { shape, opset, dynamic: dynamicBatch };
}

/** The ONNX model bytes of `model` traced on `opts.input` (browser-safe; see exportOnnx for files). */
export function exportOnnxBytes(model: AnyModule, opts: ExportOnnxOptions): Uint8Array {
  if (!model || typeof (model as AnyModule).namedParameters !== 'function') throw new OnnxError('exportOnnx: model must be a neocog Module');
  const { shape, opset, dynamic } = checkOptions(opts);
  const { inputName = 'input', outputName = 'output' } = opts;
  const x = opts.input instanceof Tensor ? opts.input : randn(shape);
  const trace = traceForward(model, x);
  let traceB: Trace | undefined;
  if (dynamic) {
    traceB = traceForward(model, randn([shape[0] + 1, ...shape.slice(1)], { dtype: x.dtype }));
    const mismatch = traceB.events.length !== trace.events.length || trace.events.some((e, i) => {
      const f = traceB!.events[i];
      return e.kind !== f.kind || (e.kind === 'kernel' ? e.kernel !== (f as typeof e).kernel : e.path !== (f as typeof e).path);
    });
    if (mismatch) throw new OnnxError('exportOnnx: the forward pass runs different operations at different batch sizes; export with dynamicBatch: false');
  }
  const paramNames = new Map<DataId, string>();
  const g = new GraphWriter(opset, paramNames, trace.constants);
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    if (!paramNames.has(t.dataId)) {
      paramNames.set(t.dataId, name);
      g.shapes.set(t.dataId, [...t.shape]);
    }
  }
  g.fresh(inputName);
  g.define(trace.input, inputName);
  trace.events.forEach((ev, i) => {
    const evB = traceB?.events[i];
    if (ev.kind === 'kernel') emitKernel(g, ev, evB as typeof ev | undefined);
    else emitLayer(g, ev, evB as typeof ev | undefined);
  });
  const last = g.ref(trace.output, traceB?.output);
  g.fresh(outputName);
  g.node('Identity', [last], {}, 1, [outputName]);
  const model_ = {
    irVersion: 8,
    producerName: 'neocog',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: model.constructor.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, shape, x.dtype, dynamic)],
      output: [valueInfo(outputName, trace.output.shape, trace.output.dtype, dynamic && traceB !== undefined && traceB.output.shape[0] !== trace.output.shape[0])],
    },
  };
  return ModelProtoType.encode(ModelProtoType.fromObject(model_)).finish();
}
