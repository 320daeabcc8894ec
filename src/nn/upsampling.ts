/** Upsampling layers over interpolate. */
import type { Tensor } from '../tensor/tensor.js';
import { interpolate, type InterpolateMode } from '../ops/resize.js';
import { Module } from './module.js';
import { checkBool, checkInt, checkNumber, checkOneOf, fail, kv, layerConfig, type LayerConfig } from './util.js';
import { options } from '../ops/args.js';

export interface UpsampleOptions {
  /** Output spatial size (one number for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier per spatial dim. */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
}

function checkSizeOrScale(name: string, size: UpsampleOptions['size'], scaleFactor: UpsampleOptions['scaleFactor']): void {
  if ((size == null) === (scaleFactor == null)) fail(name, `give exactly one of size and scaleFactor, got ${size == null ? 'neither' : 'both'}`, 'e.g. { scaleFactor: 2 } or { size: [64, 64] }');
  const list = (v: number | readonly number[]) => (Array.isArray(v) ? v : [v]);
  if (size != null) list(size).forEach((v) => checkInt(name, 'size', v, { min: 1 }));
  if (scaleFactor != null) list(scaleFactor).forEach((v) => checkNumber(name, 'scaleFactor', v, { min: 0, exclusiveMin: true }));
}

/** Resizes [N, C, L] or [N, C, H, W] by size or scaleFactor ('nearest', 'linear', 'bilinear'). */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;

  constructor(opts: UpsampleOptions = {}) {
    const { size = null, scaleFactor = null, mode = 'nearest', alignCorners = null } = options<UpsampleOptions>('Upsample', opts, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    super();
    const name = this.constructor.name;
    checkSizeOrScale(name, size, scaleFactor);
    this.mode = checkOneOf(name, 'mode', mode, ['nearest', 'linear', 'bilinear'] as const);
    if (alignCorners != null) checkBool(name, 'alignCorners', alignCorners);
    if (alignCorners && mode === 'nearest') fail(name, "alignCorners can only be set with mode 'linear' or 'bilinear'");
    this.size = size;
    this.scaleFactor = scaleFactor;
    this.alignCorners = alignCorners;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }

  override extraRepr(): string {
    const pairs: [string, unknown][] = this.scaleFactor != null ? [['scaleFactor', this.scaleFactor]] : [['size', this.size]];
    pairs.push(['mode', this.mode]);
    if (this.alignCorners != null) pairs.push(['alignCorners', this.alignCorners]);
    return kv(pairs);
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig({ size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners }, { size: null, scaleFactor: null, mode: 'nearest', alignCorners: null });
  }
}

/** Nearest-neighbour 2D upsampling. */
export class UpsamplingNearest2d extends Upsample {
  constructor(opts: Pick<UpsampleOptions, 'size' | 'scaleFactor'> = {}) {
    const { size = null, scaleFactor = null } = options<UpsampleOptions>('UpsamplingNearest2d', opts, ['size', 'scaleFactor']);
    super({ size, scaleFactor, mode: 'nearest' });
  }

  override config(): LayerConfig {
    return layerConfig({ size: this.size, scaleFactor: this.scaleFactor }, { size: null, scaleFactor: null });
  }
}

/** Bilinear 2D upsampling with alignCorners=true (PyTorch's UpsamplingBilinear2d). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(opts: Pick<UpsampleOptions, 'size' | 'scaleFactor'> = {}) {
    const { size = null, scaleFactor = null } = options<UpsampleOptions>('UpsamplingBilinear2d', opts, ['size', 'scaleFactor']);
    super({ size, scaleFactor, mode: 'bilinear', alignCorners: true });
  }

  override config(): LayerConfig {
    return layerConfig({ size: this.size, scaleFactor: this.scaleFactor }, { size: null, scaleFactor: null });
  }
}
