/**
 * The kernel contract: every kernel name with its attributes. Every backend implements kernels under
 * these names; the reference backend implements all of them (checked with `satisfies`).
 * Kernels see buffers, shapes and attributes only — never tensors, never autograd.
 */
import type { DType } from '../tensor/dtype.js';

type NoAttrs = Record<string, never>;

/** 2D convolution geometry. 1D convolutions run as 2D with height 1. */
export interface Conv2DAttrs {
  stride: [number, number];
  /** Zero padding per side: [top, bottom, left, right]. */
  pads: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** 2D pooling geometry; the op has already resolved ceilMode into `outSize`. */
export interface Pool2DAttrs {
  kernel: [number, number];
  stride: [number, number];
  /** Symmetric implicit padding [padH, padW] (PyTorch semantics). */
  pad: [number, number];
  dilation: [number, number];
  outSize: [number, number];
}

export interface AvgPool2DAttrs extends Pool2DAttrs {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

export type ResizeMode = 'nearest' | 'bilinear';
export interface Resize2DAttrs {
  mode: ResizeMode;
  outSize: [number, number];
  alignCorners: boolean;
  /** Source/destination coordinate scale per axis (PyTorch uses 1/scaleFactor when a factor is given). */
  scales: [number, number];
}

export type PadMode = 'constant' | 'reflect' | 'replicate';
export interface PadAttrs {
  /** [before, after] for every dim of the input (zeros for dims not padded); negative crops. */
  pads: [number, number][];
  mode: PadMode;
  value: number;
}

export interface KernelSpecs {
  // Elementwise binary with broadcasting (inputs [a, b]; output promoted dtype).
  Add: NoAttrs; Sub: NoAttrs; Mul: NoAttrs; Div: NoAttrs; Pow: NoAttrs;
  Maximum: NoAttrs; Minimum: NoAttrs;
  // Comparisons with broadcasting; output int32 0/1.
  Equal: NoAttrs; NotEqual: NoAttrs; Greater: NoAttrs; GreaterEqual: NoAttrs; Less: NoAttrs; LessEqual: NoAttrs;
  // Elementwise unary.
  Neg: NoAttrs; Exp: NoAttrs; Log: NoAttrs; Sqrt: NoAttrs; Abs: NoAttrs; Sign: NoAttrs;
  Relu: NoAttrs; Sigmoid: NoAttrs; Tanh: NoAttrs; Log1p: NoAttrs;
  Elu: { alpha: number }; LeakyRelu: { negativeSlope: number };
  Clamp: { min: number; max: number };
  Cast: { dtype: DType };
  /** inputs [dy, y] (same shape; y = relu's output) -> y <= 0 ? 0 : dy, PyTorch's threshold_backward (NaN y passes dy). */
  ReluGrad: NoAttrs;
  /** inputs [cond(int32), a, b] with broadcasting. */
  Where: NoAttrs;
  // Reductions over `axes` (sorted, unique); the output drops those axes.
  Sum: { axes: number[] }; Max: { axes: number[] }; Min: { axes: number[] };
  ArgMax: { axis: number }; ArgMin: { axis: number };
  /**
   * Along `axis`, per slice: Softmax e^(x - m) / sum, LogSoftmax x - (m + ln sum), m the slice's maximum (0 when
   * it is infinite), in f64 rounded once. The gradients take inputs [dy, y] (y the forward output):
   * SoftmaxGrad y * (dy - sum(dy * y)), LogSoftmaxGrad dy - e^y * sum(dy) (PyTorch's _softmax_backward_data).
   */
  Softmax: { axis: number }; LogSoftmax: { axis: number }; SoftmaxGrad: { axis: number }; LogSoftmaxGrad: { axis: number };
  /**
   * inputs [logp [N, C, d1, ...], target int32 [N, d1, ...]] -> the scalar -sum(logp[n, target, ...]) (f64 in
   * order, rounded), divided by the target count for 'mean' (rounded again): nllLoss without weights or
   * ignored targets, as its composite rounds. NllLossGrad: inputs [dy (scalar), target] -> dx of
   * `inputShape`, 0 + -(dy / count) (or -dy) at each target, zeros elsewhere.
   */
  NllLoss: { reduction: 'mean' | 'sum' }; NllLossGrad: { reduction: 'mean' | 'sum'; inputShape: number[] };
  // Layout.
  Transpose: { perm: number[] };
  Slice: { begin: number[]; size: number[]; step: number[] };
  Concat: { axis: number };
  BroadcastTo: { shape: number[] };
  /** out[..i..] = x[..index[..i..]..] along `axis`; index int32 with x's rank. */
  GatherElements: { axis: number };
  /** inputs [src, index]: out (zeros of `shape`) [..index[..i..]..] += src[..i..] along `axis`. */
  ScatterAddElements: { axis: number; shape: number[] };
  /** inputs [a [B,M,K], b [B,K,N]] (after optional transposes). */
  BatchMatMul: { transposeA: boolean; transposeB: boolean };
  // Convolution: x [N,C,H,W], w [K, C/groups, kh, kw].
  /** inputs [x, w] or [x, w, bias [K]]: bias is added in the kernel (fused). */
  /**
   * Inference-time fusions (no gradient): `activation: 'relu'` applies ReLU after the bias; `pool` then
   * pools the result over 2x2 windows, stride 2, no padding, floor mode (output [N,K,floor(OH/2),floor(OW/2)]),
   * exactly as AvgPool2D / MaxPool2D would.
   */
  Conv2D: Conv2DAttrs & { activation?: 'relu'; pool?: 'avg' | 'max' };
  /** inputs [dy, w] -> dx of `inputShape` (also the forward of transposed convolution). */
  Conv2DBackpropInput: Conv2DAttrs & { inputShape: [number, number, number, number] };
  /** inputs [x, dy] -> dw of `filterShape`. */
  Conv2DBackpropFilter: Conv2DAttrs & { filterShape: [number, number, number, number] };
  // Pooling on [N,C,H,W].
  /** outputs [out, indices(int32, flat index into the H*W plane, as PyTorch)]. */
  MaxPool2D: Pool2DAttrs;
  AvgPool2D: AvgPool2DAttrs;
  /** inputs [dy] -> dx [N,C,H,W] of `inputShape`. */
  AvgPool2DGrad: AvgPool2DAttrs & { inputShape: [number, number, number, number] };
  AdaptiveAvgPool2D: { outSize: [number, number] };
  AdaptiveAvgPool2DGrad: { inputShape: [number, number, number, number] };
  /** outputs [out, indices] like MaxPool2D. */
  AdaptiveMaxPool2D: { outSize: [number, number] };
  /** inputs [src [N,C,*], indices [N,C,*]] -> out [N,C,planeH,planeW], out.plane[idx] += src (max-pool grad, max-unpool). */
  ScatterPlane: { planeShape: [number, number] };
  /** inputs [x [N,C,H,W], indices [N,C,*]] -> out[n,c,i] = x.plane[idx[n,c,i]] (max-unpool grad). */
  GatherPlane: NoAttrs;
  Resize2D: Resize2DAttrs;
  /** inputs [dy] -> dx of `inputShape`. */
  Resize2DGrad: Resize2DAttrs & { inputShape: [number, number, number, number] };
  Pad: PadAttrs;
  /** inputs [dy] -> dx of `inputShape` (reflect/replicate fold gradients back; constant crops). */
  PadGrad: PadAttrs & { inputShape: number[] };
  // Batch norm with batch statistics on [N, C, *] (training).
  /** inputs [x, weight [C], bias [C]] -> [y, mean [C], var [C] (biased)]. */
  BatchNormTrain: { eps: number };
  /** inputs [dy, x, mean, var, weight] -> [dx, dweight [C], dbias [C]]. */
  BatchNormTrainGrad: { eps: number };
  /**
   * One SGD step on one parameter, fused (optim.SGD's rule, every operation rounded to the dtype as the
   * separate ops round it): inputs [p, grad] or [p, grad, momentum buffer] -> [p'] (momentum 0) or
   * [p', buffer'] (the buffer starts as the step's gradient when it is not given).
   */
  SGDStep: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean };
  /**
   * One Adam / AdamW step on one parameter, fused as SGDStep is (optim.Adam's rule and roundings; `step` counts
   * from 1): inputs [p, grad, expAvg, expAvgSq] (+ maxExpAvgSq with amsgrad) -> [p', expAvg', expAvgSq'] (+ max').
   */
  AdamStep: {
    lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; maximize: boolean; step: number;
  };
}

export type KernelName = keyof KernelSpecs;
