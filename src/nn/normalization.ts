/** Normalisation layers: BatchNorm1d/2d, LocalResponseNorm (AlexNet), LocalContrastNorm. */
import type { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import { add } from '../ops/elementwise.js';
import { batchNorm, localContrastNorm, localResponseNorm } from '../ops/norm.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { ones_, zeros_ } from './init.js';
import { checkBool, checkInt, checkNumber, fail, kv, layerConfig, type LayerConfig } from './util.js';
import { options, positional } from '../ops/args.js';

export interface BatchNormOptions {
  eps?: number;
  /** Running-statistics update factor; null keeps a cumulative average (1 / batches seen), like PyTorch. */
  momentum?: number | null;
  /** Learnable per-channel scale (weight) and shift (bias). */
  affine?: boolean;
  /** Keep running mean/variance for eval mode; without them, batch statistics are used always. */
  trackRunningStats?: boolean;
}

/** PyTorch's positional order: BatchNorm*d(num_features, eps, momentum, affine, track_running_stats). */
const BATCH_NORM_POSITIONAL = ['eps', 'momentum', 'affine', 'trackRunningStats'] as const;
export type BatchNormArgs = [opts?: BatchNormOptions] | [eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean];

/**
 * Shared batch-norm logic (PyTorch's _BatchNorm). State-dict names are PyTorch's: weight, bias,
 * running_mean, running_var, num_batches_tracked (int32 here).
 */
abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(name: string, numFeatures: number, rest: readonly unknown[]) {
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = positional<BatchNormOptions>(name, rest, BATCH_NORM_POSITIONAL);
    super();
    this.numFeatures = checkInt(name, 'numFeatures', numFeatures, { min: 1 });
    this.eps = checkNumber(name, 'eps', eps, { min: 0 });
    this.momentum = momentum === null ? null : checkNumber(name, 'momentum', momentum, { min: 0, max: 1 });
    this.affine = checkBool(name, 'affine', affine);
    this.trackRunningStats = checkBool(name, 'trackRunningStats', trackRunningStats);
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  resetRunningStats(): void {
    const [m, v, n] = [this.runningMean, this.runningVar, this.numBatchesTracked];
    if (m) zeros_(m);
    if (v) ones_(v);
    if (n) zeros_(n);
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /** Input ranks this layer accepts, and how to describe them. */
  protected abstract readonly ranks: number[];
  protected abstract readonly layout: string;

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.ndim)) fail(name, `expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input ${this.layout}, got ${x.ndim}D ${fmtShape(x.shape)}`);
    if (x.shape[1] !== this.numFeatures) fail(name, `input has ${x.shape[1]} channels (dim 1) but the layer has numFeatures=${this.numFeatures} (input ${fmtShape(x.shape)})`);
    let factor = this.momentum ?? 0;
    const [runningMean, runningVar, tracked] = [this.runningMean, this.runningVar, this.numBatchesTracked];
    if (this.training && this.trackRunningStats && tracked) {
      const next = noGrad(() => add(tracked, 1));
      tracked.assign(next);
      if (this.momentum === null) factor = 1 / next.item();
    }
    // Batch statistics in training, or whenever there are no running statistics.
    const useBatchStats = this.training || (runningMean === null && runningVar === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? runningMean : null, track ? runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, ${kv([['eps', this.eps], ['momentum', this.momentum], ['affine', this.affine], ['trackRunningStats', this.trackRunningStats]])}`;
  }

  /** Constructor arguments by name (LayerConfig), defaults left out. */
  config(): LayerConfig {
    return layerConfig(
      { numFeatures: this.numFeatures, eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats },
      { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true },
    );
  }
}

/** Batch norm over [N, C] or [N, C, L] (statistics per channel over N and L). */
export class BatchNorm1d extends BatchNormNd {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C] or [N, C, L]';

  constructor(numFeatures: number, ...rest: BatchNormArgs) {
    super('BatchNorm1d', numFeatures, rest);
  }
}

/** Batch norm over [N, C, H, W] (statistics per channel over N, H and W). */
export class BatchNorm2d extends BatchNormNd {
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';

  constructor(numFeatures: number, ...rest: BatchNormArgs) {
    super('BatchNorm2d', numFeatures, rest);
  }
}

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/** AlexNet's local response normalisation across `size` neighbouring channels. */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(size: number, opts: LocalResponseNormOptions = {}) {
    const { alpha = 1e-4, beta = 0.75, k = 1 } = options<LocalResponseNormOptions>('LocalResponseNorm', opts, ['alpha', 'beta', 'k']);
    super();
    this.size = checkInt('LocalResponseNorm', 'size', size, { min: 1 });
    this.alpha = checkNumber('LocalResponseNorm', 'alpha', alpha);
    this.beta = checkNumber('LocalResponseNorm', 'beta', beta);
    this.k = checkNumber('LocalResponseNorm', 'k', k);
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, ${kv([['alpha', this.alpha], ['beta', this.beta], ['k', this.k]])}`;
  }

  config(): LayerConfig {
    return layerConfig({ size: this.size, alpha: this.alpha, beta: this.beta, k: this.k }, { alpha: 1e-4, beta: 0.75, k: 1 });
  }
}

export interface LocalContrastNormOptions {
  /** Odd window size (default 9). */
  size?: number;
  /** Std of the Gaussian window (default 2). */
  sigma?: number;
  eps?: number;
}

/** Subtractive + divisive local contrast normalisation over a Gaussian neighbourhood (Jarrett et al. 2009). */
export class LocalContrastNorm extends Module {
  readonly size: number;
  readonly sigma: number;
  readonly eps: number;

  constructor(opts: LocalContrastNormOptions = {}) {
    const { size = 9, sigma = 2, eps = 1e-4 } = options<LocalContrastNormOptions>('LocalContrastNorm', opts, ['size', 'sigma', 'eps']);
    super();
    this.size = checkInt('LocalContrastNorm', 'size', size, { min: 1 });
    if (size % 2 !== 1) fail('LocalContrastNorm', `size must be odd, got ${size}`, 'the window is centred on each pixel, e.g. 3, 5 or 9');
    this.sigma = checkNumber('LocalContrastNorm', 'sigma', sigma, { min: 0, exclusiveMin: true });
    this.eps = checkNumber('LocalContrastNorm', 'eps', eps, { min: 0 });
  }

  forward(x: Tensor): Tensor {
    return localContrastNorm(x, { size: this.size, sigma: this.sigma, eps: this.eps });
  }

  override extraRepr(): string {
    return kv([['size', this.size], ['sigma', this.sigma], ['eps', this.eps]]);
  }

  config(): LayerConfig {
    return layerConfig({ size: this.size, sigma: this.sigma, eps: this.eps }, { size: 9, sigma: 2, eps: 1e-4 });
  }
}

