/** Convolution layers: Conv1d/Conv2d (with PyTorch's padding modes) and ConvTranspose1d/2d. */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { resolveConvPadding, type ConvPadding } from '../kernels/conv-geometry.js';
import { conv1d, conv2d, conv2dFusedInference, convTranspose1d, convTranspose2d, type ConvEpilogue } from '../ops/conv.js';
import { relu } from '../ops/activation.js';
import { pad } from '../ops/pad.js';
import { cat, slice } from '../ops/shape.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { resetLinearLike } from './linear.js';
import { checkBool, checkInt, checkOneOf, compact, fail, kv, layerConfig, ntuple, type LayerConfig } from './util.js';
import { positional, show } from '../ops/args.js';

export type IntOrTuple = number | readonly number[];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export interface ConvOptions {
  stride?: IntOrTuple;
  /** A number, one per dim, per side ([left, right] / [top, bottom, left, right]), 'valid' or 'same' (stride 1). Conv1d also takes 'causal'. */
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  /** How the border is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: PaddingMode;
}

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
}

/** PyTorch's positional order after kernelSize: Conv*d(in, out, k, stride, padding, dilation, groups, bias, padding_mode). */
const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;
/** ConvTranspose*d(in, out, k, stride, padding, output_padding, groups, bias, dilation): note the order. */
const CONV_T_POSITIONAL = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation'] as const;
export type ConvArgs<P = ConvPadding> =
  | [opts?: Omit<ConvOptions, 'padding'> & { padding?: P }]
  | [stride?: IntOrTuple, padding?: P, dilation?: IntOrTuple, groups?: number, bias?: boolean, paddingMode?: PaddingMode];
export type ConvTransposeArgs =
  | [opts?: ConvTransposeOptions]
  | [stride?: IntOrTuple, padding?: IntOrTuple, outputPadding?: IntOrTuple, groups?: number, bias?: boolean, dilation?: IntOrTuple];

const allEqual = (v: readonly number[], x: number) => v.every((e) => e === x);

/** Circular padding of the last dims: [before, after] pairs from the last dim, as F.pad lists them. */
function circularPad(x: Tensor, pads: [number, number][]): Tensor {
  let y = x;
  pads.forEach(([before, after], i) => {
    const dim = x.ndim - 1 - i;
    const n = y.shape[dim];
    if (before > n || after > n) fail('circular padding', `padding [${before}, ${after}] is larger than dim ${dim} of size ${n} (input ${fmtShape(x.shape)})`);
    const parts: Tensor[] = [];
    if (before > 0) parts.push(slice(y, dim, n - before, n));
    parts.push(y);
    if (after > 0) parts.push(slice(y, dim, 0, after));
    if (parts.length > 1) y = cat(parts, dim);
  });
  return y;
}

/** Shared by Conv1d and Conv2d. */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | string;
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** [before, after] per spatial dim, used when paddingMode is not 'zeros'. */
  readonly #pads: [number, number][];

  constructor(name: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    const opts = positional<ConvOptions>(name, rest, CONV_POSITIONAL);
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros' } = opts;
    this.inChannels = checkInt(name, 'inChannels', inChannels, { min: 1 });
    this.outChannels = checkInt(name, 'outChannels', outChannels, { min: 1 });
    this.groups = checkInt(name, 'groups', groups, { min: 1 });
    if (inChannels % groups !== 0) fail(name, `inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) fail(name, `outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = ntuple(name, 'kernelSize', kernelSize, dims, { min: 1 });
    this.stride = ntuple(name, 'stride', stride, dims, { min: 1 });
    this.dilation = ntuple(name, 'dilation', dilation, dims, { min: 1 });
    checkBool(name, 'bias', bias);
    this.paddingMode = checkOneOf(name, 'paddingMode', paddingMode, PADDING_MODES);
    this.#pads = resolveConvPadding(padding, { kernel: this.kernelSize, stride: this.stride, dilation: this.dilation, allowCausal: dims === 1 }, (m, h) => fail(name, m, h));
    this.padding = typeof padding === 'string' ? padding : typeof padding === 'number' ? Array(dims).fill(padding) : [...padding];
    this.weight = new Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = bias ? new Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  protected abstract conv(x: Tensor, padding: ConvPadding, weight: Tensor, bias: Tensor | null, epilogue: ConvEpilogue): Tensor;

  forward(x: Tensor): Tensor {
    return this.forwardWith(x, this.weight, this.bias);
  }

  /**
   * This layer's forward with other weights (batch norm folded in), optionally followed by a ReLU and
   * (2D) a 2x2 pooling fused into the kernel (inference only: see nn/fusion.ts).
   */
  forwardWith(x: Tensor, weight: Tensor, bias: Tensor | null, epilogue: ConvEpilogue = {}): Tensor {
    if (this.paddingMode === 'zeros') return this.conv(x, this.padding as ConvPadding, weight, bias, epilogue);
    const pads = [...this.#pads].reverse();
    const padded = this.paddingMode === 'circular' ? circularPad(x, pads) : pad(x, pads.flat(), { mode: this.paddingMode });
    return this.conv(padded, 0, weight, bias, epilogue);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, ${kv([['kernelSize', this.kernelSize], ['stride', this.stride]])}`;
    if (typeof this.padding === 'string' || !allEqual(this.padding, 0)) s += `, ${kv([['padding', this.padding]])}`;
    if (!allEqual(this.dilation, 1)) s += `, ${kv([['dilation', this.dilation]])}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    if (this.paddingMode !== 'zeros') s += `, ${kv([['paddingMode', this.paddingMode]])}`;
    return s;
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({
      inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: compact(this.kernelSize), stride: compact(this.stride),
      padding: compact(this.padding), dilation: compact(this.dilation), groups: this.groups, bias: this.bias !== null, paddingMode: this.paddingMode,
    }, { stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, paddingMode: 'zeros' });
  }
}

/** 1D convolution over [N, C, L]: weight [outChannels, inChannels/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvArgs) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, rest);
  }

  protected conv(x: Tensor, padding: ConvPadding, weight: Tensor, bias: Tensor | null, epilogue: ConvEpilogue): Tensor {
    if (epilogue.pool) throw new Error('Conv1d: no fused pooling in 1D (nn/fusion.ts fuses Conv2d only)');
    const y = conv1d(x, weight, bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
    return epilogue.relu ? relu(y) : y;
  }
}

/** 2D convolution over [N, C, H, W]: weight [outChannels, inChannels/groups, kh, kw]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvArgs<Exclude<ConvPadding, 'causal'>>) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, rest);
  }

  protected conv(x: Tensor, padding: ConvPadding, weight: Tensor, bias: Tensor | null, epilogue: ConvEpilogue): Tensor {
    const opts = { stride: this.stride, padding: padding as Exclude<ConvPadding, 'causal'>, dilation: this.dilation, groups: this.groups };
    return epilogue.relu || epilogue.pool ? conv2dFusedInference(x, weight, bias, opts, epilogue) : conv2d(x, weight, bias, opts);
  }
}

/** Shared by ConvTranspose1d and ConvTranspose2d. */
abstract class ConvTransposeNd extends Module<[Tensor, (readonly number[] | null)?], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly #name: string;

  constructor(name: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    const opts = positional<ConvTransposeOptions>(name, rest, CONV_T_POSITIONAL);
    super();
    this.#name = name;
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1, bias = true } = opts;
    this.inChannels = checkInt(name, 'inChannels', inChannels, { min: 1 });
    this.outChannels = checkInt(name, 'outChannels', outChannels, { min: 1 });
    this.groups = checkInt(name, 'groups', groups, { min: 1 });
    if (inChannels % groups !== 0) fail(name, `inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) fail(name, `outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = ntuple(name, 'kernelSize', kernelSize, dims, { min: 1 });
    this.stride = ntuple(name, 'stride', stride, dims, { min: 1 });
    this.padding = ntuple(name, 'padding', padding, dims, { min: 0 });
    this.outputPadding = ntuple(name, 'outputPadding', outputPadding, dims, { min: 0 });
    this.dilation = ntuple(name, 'dilation', dilation, dims, { min: 1 });
    this.outputPadding.forEach((p, i) => {
      if (p >= this.stride[i] && p >= this.dilation[i]) {
        fail(name, `outputPadding ${show(this.outputPadding)} must be smaller than either stride ${show(this.stride)} or dilation ${show(this.dilation)}`);
      }
    });
    checkBool(name, 'bias', bias);
    this.weight = new Parameter(zeros([inChannels, outChannels / groups, ...this.kernelSize]));
    this.bias = bias ? new Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  /** PyTorch's init; note its fanIn comes from weight dim 1 (outChannels/groups), as PyTorch computes it. */
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  protected abstract convT(x: Tensor, outputPadding: number[]): Tensor;

  /** outputSize (spatial, or the full shape) picks the outputPadding that produces it, like PyTorch. */
  forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    if (outputSize == null) return this.convT(x, this.outputPadding);
    const dims = this.kernelSize.length;
    const want = outputSize.length > dims ? outputSize.slice(-dims) : [...outputSize];
    if (want.length !== dims) fail(this.#name, `outputSize must have ${dims} or ${dims + 2} entries, got ${show(outputSize)}`);
    const spatial = x.shape.slice(-dims);
    const outPad = want.map((o, i) => {
      const min = (spatial[i] - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
      const extra = o - min;
      if (!Number.isInteger(o) || extra < 0 || extra >= Math.max(this.stride[i], this.dilation[i])) {
        const max = min + Math.max(this.stride[i], this.dilation[i]) - 1;
        fail(this.#name, `requested output size ${show(outputSize)} is not reachable from input ${fmtShape(x.shape)}: dim ${i} must be in [${min}, ${max}]`);
      }
      return extra;
    });
    return this.convT(x, outPad);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, ${kv([['kernelSize', this.kernelSize], ['stride', this.stride]])}`;
    if (!allEqual(this.padding, 0)) s += `, ${kv([['padding', this.padding]])}`;
    if (!allEqual(this.dilation, 1)) s += `, ${kv([['dilation', this.dilation]])}`;
    if (!allEqual(this.outputPadding, 0)) s += `, ${kv([['outputPadding', this.outputPadding]])}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({
      inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: compact(this.kernelSize), stride: compact(this.stride),
      padding: compact(this.padding), outputPadding: compact(this.outputPadding), dilation: compact(this.dilation), groups: this.groups, bias: this.bias !== null,
    }, { stride: 1, padding: 0, outputPadding: 0, dilation: 1, groups: 1, bias: true });
  }
}

/** Transposed 1D convolution: weight [inChannels, outChannels/groups, k]. forward(x, outputSize?). */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvTransposeArgs) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, rest);
  }

  protected convT(x: Tensor, outputPadding: number[]): Tensor {
    return convTranspose1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups });
  }
}

/** Transposed 2D convolution ("deconvolution"): weight [inChannels, outChannels/groups, kh, kw]. forward(x, outputSize?). */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvTransposeArgs) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, rest);
  }

  protected convT(x: Tensor, outputPadding: number[]): Tensor {
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups });
  }
}
