/** Pooling layers: max / average / Lp / adaptive pools and max-unpooling, in 1D and 2D. */
import type { Tensor } from '../tensor/tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d,
  lpPool1d, lpPool2d, maxPool1d, maxPool2d, maxUnpool1d, maxUnpool2d, type AdaptiveSize,
} from '../ops/pool.js';
import { Module } from './module.js';
import { checkBool, checkInt, checkNumber, fail, kv, layerConfig, ntuple, type LayerConfig } from './util.js';
import { positional, show } from '../ops/args.js';

/** kernelSize and stride for config(), as given (pools keep the user's form): stride left out when it is the kernel size (the default). */
function windowConfig(kernelSize: IntOrTuple, stride: IntOrTuple): LayerConfig {
  return JSON.stringify(kernelSize) === JSON.stringify(stride) ? { kernelSize } : { kernelSize, stride };
}

export type IntOrTuple = number | readonly number[];
/** What a max pool returns: the output, or [output, indices] with returnIndices. */
export type MaxPoolOutput<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** kernelSize, stride (default kernelSize) and padding (at most half the kernel), checked up front. */
function window(name: string, dims: 1 | 2, kernelSize: IntOrTuple, stride: IntOrTuple | null | undefined, padding: IntOrTuple) {
  const k = ntuple(name, 'kernelSize', kernelSize, dims, { min: 1 });
  const s = stride == null ? k : ntuple(name, 'stride', stride, dims, { min: 1 });
  const p = ntuple(name, 'padding', padding, dims, { min: 0 });
  if (p.some((v, i) => v > k[i] / 2)) fail(name, `padding ${show(padding)} must be at most half of kernelSize ${show(kernelSize)}`);
  // Keep the user's scalar form where they gave one (PyTorch prints kernel_size=2, not (2, 2)).
  const keep = (given: IntOrTuple, full: number[]) => (typeof given === 'number' ? given : full);
  return { kernelSize: keep(kernelSize, k), stride: stride == null ? keep(kernelSize, k) : keep(stride, s), padding: keep(padding, p) };
}

export interface MaxPoolModuleOptions<R extends boolean> {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  returnIndices?: R;
}

/** PyTorch's positional order: MaxPool*d(kernel_size, stride, padding, dilation, return_indices, ceil_mode). */
const MAX_POOL_POSITIONAL = ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'] as const;
export type MaxPoolArgs<R extends boolean> =
  | [opts?: MaxPoolModuleOptions<R>]
  | [stride?: IntOrTuple | null, padding?: IntOrTuple, dilation?: IntOrTuple, returnIndices?: R, ceilMode?: boolean];

abstract class MaxPoolNd<R extends boolean> extends Module<[Tensor], MaxPoolOutput<R>> {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(name: string, dims: 1 | 2, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    const { stride = null, padding = 0, dilation = 1, ceilMode = false, returnIndices = false as R } = positional<MaxPoolModuleOptions<R>>(name, rest, MAX_POOL_POSITIONAL);
    super();
    const w = window(name, dims, kernelSize, stride, padding);
    this.kernelSize = w.kernelSize;
    this.stride = w.stride;
    this.padding = w.padding;
    ntuple(name, 'dilation', dilation, dims, { min: 1 });
    this.dilation = dilation;
    this.ceilMode = checkBool(name, 'ceilMode', ceilMode);
    this.returnIndices = checkBool(name, 'returnIndices', returnIndices) as R;
  }

  protected opts() {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  override extraRepr(): string {
    return kv([['kernelSize', this.kernelSize], ['stride', this.stride], ['padding', this.padding], ['dilation', this.dilation], ['ceilMode', this.ceilMode]]);
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({
      ...windowConfig(this.kernelSize, this.stride), padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }, { padding: 0, dilation: 1, ceilMode: false, returnIndices: false });
  }
}

/** Max over kernelSize windows of [N, C, H, W]; with returnIndices the forward gives [output, indices] (for MaxUnpool2d). */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, ...rest: MaxPoolArgs<R>) {
    super('MaxPool2d', 2, kernelSize, rest);
  }

  forward(x: Tensor): MaxPoolOutput<R> {
    return (this.returnIndices ? maxPool2d(x, { ...this.opts(), returnIndices: true }) : maxPool2d(x, this.opts())) as MaxPoolOutput<R>;
  }
}

export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, ...rest: MaxPoolArgs<R>) {
    super('MaxPool1d', 1, kernelSize, rest);
  }

  forward(x: Tensor): MaxPoolOutput<R> {
    return (this.returnIndices ? maxPool1d(x, { ...this.opts(), returnIndices: true }) : maxPool1d(x, this.opts())) as MaxPoolOutput<R>;
  }
}

export interface AvgPoolModuleOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** PyTorch's positional order: AvgPool*d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override (2D only)). */
const AVG_POOL_POSITIONAL = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;
type AvgPoolPositional = [stride?: IntOrTuple | null, padding?: IntOrTuple, ceilMode?: boolean, countIncludePad?: boolean];

abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(name: string, dims: 1 | 2, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    // AvgPool1d takes no divisorOverride positionally; as an option it gets the 1D message below.
    const names = dims === 1 ? AVG_POOL_POSITIONAL.slice(0, -1) : AVG_POOL_POSITIONAL;
    const { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = positional<AvgPoolModuleOptions>(name, rest, names, AVG_POOL_POSITIONAL);
    super();
    if (dims === 1 && divisorOverride !== null) fail(name, 'divisorOverride is not supported in 1D (as in PyTorch)');
    const w = window(name, dims, kernelSize, stride, padding);
    this.kernelSize = w.kernelSize;
    this.stride = w.stride;
    this.padding = w.padding;
    this.ceilMode = checkBool(name, 'ceilMode', ceilMode);
    this.countIncludePad = checkBool(name, 'countIncludePad', countIncludePad);
    this.divisorOverride = divisorOverride === null ? null : checkInt(name, 'divisorOverride', divisorOverride, { min: 1 });
  }

  protected opts() {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride };
  }

  override extraRepr(): string {
    return kv([['kernelSize', this.kernelSize], ['stride', this.stride], ['padding', this.padding]]);
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({
      ...windowConfig(this.kernelSize, this.stride), padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    }, { padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null });
  }
}

/** Mean over kernelSize windows of [N, C, H, W]. */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, ...rest: [opts?: AvgPoolModuleOptions] | [...AvgPoolPositional, divisorOverride?: number | null]) {
    super('AvgPool2d', 2, kernelSize, rest);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.opts());
  }
}

export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, ...rest: [opts?: Omit<AvgPoolModuleOptions, 'divisorOverride'>] | AvgPoolPositional) {
    super('AvgPool1d', 1, kernelSize, rest);
  }

  forward(x: Tensor): Tensor {
    const { divisorOverride: _, ...o } = this.opts();
    return avgPool1d(x, o);
  }
}

export interface LPPoolOptions {
  stride?: IntOrTuple | null;
  ceilMode?: boolean;
}

abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly ceilMode: boolean;

  constructor(name: string, dims: 1 | 2, normType: number, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    // PyTorch's positional order: LPPool*d(norm_type, kernel_size, stride, ceil_mode).
    const { stride = null, ceilMode = false } = positional<LPPoolOptions>(name, rest, ['stride', 'ceilMode']);
    super();
    this.normType = checkNumber(name, 'normType', normType, { min: 0, exclusiveMin: true });
    const w = window(name, dims, kernelSize, stride, 0);
    this.kernelSize = w.kernelSize;
    this.stride = w.stride;
    this.ceilMode = checkBool(name, 'ceilMode', ceilMode);
  }

  override extraRepr(): string {
    return kv([['normType', this.normType], ['kernelSize', this.kernelSize], ['stride', this.stride], ['ceilMode', this.ceilMode]]);
  }

  config(): LayerConfig {
    return layerConfig({ normType: this.normType, ...windowConfig(this.kernelSize, this.stride), ceilMode: this.ceilMode }, { ceilMode: false });
  }
}

/** Power-average pooling: (Σ x^p)^(1/p) over each window (p = ∞ is max pooling, p = 1 sum pooling). */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: IntOrTuple, ...rest: [opts?: LPPoolOptions] | [stride?: IntOrTuple | null, ceilMode?: boolean]) {
    super('LPPool2d', 2, normType, kernelSize, rest);
  }

  forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}

export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: IntOrTuple, ...rest: [opts?: LPPoolOptions] | [stride?: IntOrTuple | null, ceilMode?: boolean]) {
    super('LPPool1d', 1, normType, kernelSize, rest);
  }

  forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}

function checkAdaptive(name: string, dims: 1 | 2, outputSize: AdaptiveSize): AdaptiveSize {
  const arr = Array.isArray(outputSize) ? outputSize : [outputSize];
  if (arr.length !== 1 && arr.length !== dims) fail(name, `outputSize must be a number${dims === 2 ? ' or [h, w]' : ''}, got ${show(outputSize)}`);
  arr.forEach((v) => {
    if (v !== null || dims === 1) checkInt(name, 'outputSize', v, { min: 1 });
  });
  return Array.isArray(outputSize) ? [...outputSize] : outputSize;
}

/** Average pooling to a fixed output size whatever the input size (e.g. 1 for global average pooling). */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = checkAdaptive('AdaptiveAvgPool2d', 2, outputSize);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return kv([['outputSize', this.outputSize]]);
  }

  config(): LayerConfig {
    return { outputSize: this.outputSize };
  }
}

export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number;

  constructor(outputSize: number) {
    super();
    this.outputSize = checkInt('AdaptiveAvgPool1d', 'outputSize', Array.isArray(outputSize) && outputSize.length === 1 ? outputSize[0] : outputSize, { min: 1 });
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return kv([['outputSize', this.outputSize]]);
  }

  config(): LayerConfig {
    return { outputSize: this.outputSize };
  }
}

export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<[Tensor], MaxPoolOutput<R>> {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;

  constructor(outputSize: AdaptiveSize, ...rest: [opts?: { returnIndices?: R }] | [returnIndices?: R]) {
    const { returnIndices = false as R } = positional<{ returnIndices?: R }>('AdaptiveMaxPool2d', rest, ['returnIndices']);
    super();
    this.outputSize = checkAdaptive('AdaptiveMaxPool2d', 2, outputSize);
    this.returnIndices = checkBool('AdaptiveMaxPool2d', 'returnIndices', returnIndices) as R;
  }

  forward(x: Tensor): MaxPoolOutput<R> {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return kv([['outputSize', this.outputSize]]);
  }

  config(): LayerConfig {
    return layerConfig({ outputSize: this.outputSize, returnIndices: this.returnIndices }, { returnIndices: false });
  }
}

export class AdaptiveMaxPool1d<R extends boolean = false> extends Module<[Tensor], MaxPoolOutput<R>> {
  readonly outputSize: number;
  readonly returnIndices: R;

  constructor(outputSize: number, ...rest: [opts?: { returnIndices?: R }] | [returnIndices?: R]) {
    const { returnIndices = false as R } = positional<{ returnIndices?: R }>('AdaptiveMaxPool1d', rest, ['returnIndices']);
    super();
    this.outputSize = checkInt('AdaptiveMaxPool1d', 'outputSize', outputSize, { min: 1 });
    this.returnIndices = checkBool('AdaptiveMaxPool1d', 'returnIndices', returnIndices) as R;
  }

  forward(x: Tensor): MaxPoolOutput<R> {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return kv([['outputSize', this.outputSize]]);
  }

  config(): LayerConfig {
    return layerConfig({ outputSize: this.outputSize, returnIndices: this.returnIndices }, { returnIndices: false });
  }
}

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

abstract class MaxUnpoolNd extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;

  constructor(name: string, dims: 1 | 2, kernelSize: IntOrTuple, rest: readonly unknown[]) {
    // PyTorch's positional order: MaxUnpool*d(kernel_size, stride, padding).
    const { stride = null, padding = 0 } = positional<MaxUnpoolOptions>(name, rest, ['stride', 'padding']);
    super();
    ntuple(name, 'kernelSize', kernelSize, dims, { min: 1 });
    if (stride != null) ntuple(name, 'stride', stride, dims, { min: 1 });
    ntuple(name, 'padding', padding, dims, { min: 0 });
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
  }

  protected opts(outputSize: readonly number[] | null | undefined) {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, outputSize: outputSize ?? null };
  }

  override extraRepr(): string {
    return kv([['kernelSize', this.kernelSize], ['stride', this.stride], ['padding', this.padding]]);
  }

  config(): LayerConfig {
    return layerConfig({ ...windowConfig(this.kernelSize, this.stride), padding: this.padding }, { padding: 0 });
  }
}

/** Inverse of MaxPool2d: places each value at its pooled index, zeros elsewhere. forward(x, indices, outputSize?). */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, ...rest: [opts?: MaxUnpoolOptions] | [stride?: IntOrTuple | null, padding?: IntOrTuple]) {
    super('MaxUnpool2d', 2, kernelSize, rest);
  }

  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpool2d(x, indices, this.opts(outputSize));
  }
}

export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, ...rest: [opts?: MaxUnpoolOptions] | [stride?: IntOrTuple | null, padding?: IntOrTuple]) {
    super('MaxUnpool1d', 1, kernelSize, rest);
  }

  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpool1d(x, indices, this.opts(outputSize));
  }
}
