/**
 * The meta backend: tensors with a shape and a dtype but no values, and kernels that only work out
 * their outputs' shapes (like PyTorch's 'meta' device). summary() runs a model on it to read every
 * layer's output shape without computing or allocating activations (U-Net's 572² summary took 13 s
 * and 2 GB as a real forward). Reading values is refused (MetaReadError), so a caller can fall back.
 */
import type { Backend, DataId, MemoryInfo, TensorInfo } from './backend.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../kernels/specs.js';
import { broadcastShapes } from '../tensor/shape.js';
import { promoteTypes } from '../tensor/dtype.js';

/** A value was read on the meta backend (a model whose forward depends on data). */
export class MetaReadError extends Error {}

type Out = [number[], DType];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rule = (inputs: TensorInfo[], attrs: any) => Out[];

const broadcast = (inputs: TensorInfo[]): number[] => inputs.reduce<number[]>((s, t) => {
  const b = broadcastShapes(s, t.shape);
  if (!b) throw new MetaReadError(`meta: shapes [${s}] and [${t.shape}] do not broadcast`);
  return b;
}, []);
const binary: Rule = (i) => [[broadcast(i), promoteTypes(i[0].dtype, i[1].dtype)]];
const compare: Rule = (i) => [[broadcast(i), 'int32']];
const same: Rule = (i) => [[[...i[0].shape], i[0].dtype]];
const drop = (shape: number[], axes: number[]) => shape.filter((_, d) => !axes.includes(d));
const nchw = (x: TensorInfo, hw: readonly number[]) => [x.shape[0], x.shape[1], hw[0], hw[1]];
const withShape = (key: 'inputShape' | 'filterShape' | 'shape'): Rule => (i, a) => [[[...(a as Record<string, number[]>)[key]], i[0].dtype]];

const RULES: { [K in KernelName]?: (inputs: TensorInfo[], attrs: KernelSpecs[K]) => Out[] } = {
  Add: binary, Sub: binary, Mul: binary, Div: binary, Pow: binary, Maximum: binary, Minimum: binary,
  Equal: compare, NotEqual: compare, Greater: compare, GreaterEqual: compare, Less: compare, LessEqual: compare,
  Neg: same, Exp: same, Log: same, Sqrt: same, Abs: same, Sign: same, Relu: same, Sigmoid: same, Tanh: same, Log1p: same,
  Elu: same, LeakyRelu: same, Clamp: same, ReluGrad: same,
  Softmax: same, LogSoftmax: same, SoftmaxGrad: same, LogSoftmaxGrad: same,
  NllLoss: (i) => [[[], i[0].dtype]], NllLossGrad: withShape('inputShape'),
  SGDStep: (i, a) => (a.momentum !== 0 ? [same(i, a)[0], same(i, a)[0]] : same(i, a)),
  AdamStep: (i, a) => Array.from({ length: a.amsgrad ? 4 : 3 }, () => same(i, a)[0]),
  Cast: (i, a) => [[[...i[0].shape], a.dtype]],
  Where: (i) => [[broadcast(i), promoteTypes(i[1].dtype, i[2].dtype)]],
  Sum: (i, a) => [[drop(i[0].shape, a.axes), i[0].dtype]],
  Max: (i, a) => [[drop(i[0].shape, a.axes), i[0].dtype]],
  Min: (i, a) => [[drop(i[0].shape, a.axes), i[0].dtype]],
  ArgMax: (i, a) => [[drop(i[0].shape, [a.axis]), 'int32']],
  ArgMin: (i, a) => [[drop(i[0].shape, [a.axis]), 'int32']],
  Transpose: (i, a) => [[a.perm.map((p) => i[0].shape[p]), i[0].dtype]],
  Slice: (i, a) => [[[...a.size], i[0].dtype]],
  Concat: (i, a) => [[i[0].shape.map((d, k) => (k === a.axis ? i.reduce((s, t) => s + t.shape[k], 0) : d)), i[0].dtype]],
  BroadcastTo: (i, a) => [[[...a.shape], i[0].dtype]],
  GatherElements: (i) => [[[...i[1].shape], i[0].dtype]],
  ScatterAddElements: withShape('shape'),
  BatchMatMul: ([a, b], t) => {
    const m = t.transposeA ? a.shape[2] : a.shape[1], n = t.transposeB ? b.shape[1] : b.shape[2];
    return [[[Math.max(a.shape[0], b.shape[0]), m, n], promoteTypes(a.dtype, b.dtype)]];
  },
  Conv2D: ([x, w], a) => {
    const size = (n: number, k: number, d: number) => {
      const lo = d === 0 ? a.pads[0] + a.pads[1] : a.pads[2] + a.pads[3];
      return Math.floor((n + lo - a.dilation[d] * (k - 1) - 1) / a.stride[d]) + 1;
    };
    const pooled = (n: number) => (a.pool ? Math.floor(n / 2) : n);
    return [[[x.shape[0], w.shape[0], pooled(size(x.shape[2], w.shape[2], 0)), pooled(size(x.shape[3], w.shape[3], 1))], x.dtype]];
  },
  Conv2DBackpropInput: withShape('inputShape'),
  Conv2DBackpropFilter: withShape('filterShape'),
  MaxPool2D: (i, a) => [[nchw(i[0], a.outSize), i[0].dtype], [nchw(i[0], a.outSize), 'int32']],
  AvgPool2D: (i, a) => [[nchw(i[0], a.outSize), i[0].dtype]],
  AvgPool2DGrad: withShape('inputShape'),
  AdaptiveAvgPool2D: (i, a) => [[nchw(i[0], a.outSize), i[0].dtype]],
  AdaptiveAvgPool2DGrad: withShape('inputShape'),
  AdaptiveMaxPool2D: (i, a) => [[nchw(i[0], a.outSize), i[0].dtype], [nchw(i[0], a.outSize), 'int32']],
  ScatterPlane: (i, a) => [[nchw(i[0], a.planeShape), i[0].dtype]],
  GatherPlane: (i) => [[[...i[1].shape], i[0].dtype]],
  Resize2D: (i, a) => [[nchw(i[0], a.outSize), i[0].dtype]],
  Resize2DGrad: withShape('inputShape'),
  Pad: (i, a) => [[i[0].shape.map((d, k) => d + a.pads[k][0] + a.pads[k][1]), i[0].dtype]],
  PadGrad: withShape('inputShape'),
  BatchNormTrain: ([x]) => [[[...x.shape], x.dtype], [[x.shape[1]], x.dtype], [[x.shape[1]], x.dtype]],
  BatchNormTrainGrad: ([, x]) => [[[...x.shape], x.dtype], [[x.shape[1]], x.dtype], [[x.shape[1]], x.dtype]],
};

export class MetaBackend implements Backend {
  readonly name = 'meta';
  private next = 0;

  describe(): string {
    return 'meta: shapes and dtypes only, no values';
  }

  write(_values: TypedArray, _dtype: DType): DataId {
    return { id: ++this.next };
  }

  readSync(): TypedArray {
    throw new MetaReadError('meta: tensors on the meta backend have no values to read');
  }

  read(): Promise<TypedArray> {
    return Promise.reject(new MetaReadError('meta: tensors on the meta backend have no values to read'));
  }

  incRef(): void {}
  release(): void {}

  memory(): MemoryInfo {
    return { numBuffers: 0, numBytes: 0 };
  }

  hasKernel(name: KernelName): boolean {
    return name in RULES;
  }

  runKernel<K extends KernelName>(name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[] {
    const rule = RULES[name] as ((i: TensorInfo[], a: KernelSpecs[K]) => Out[]) | undefined;
    if (!rule) throw new MetaReadError(`meta: no shape rule for kernel ${name}`);
    return rule(inputs, attrs).map(([shape, dtype]) => ({ dataId: this.write(new Float32Array(0), dtype), shape, dtype }));
  }
}
