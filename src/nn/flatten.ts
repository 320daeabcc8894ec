/** Flatten and Unflatten: reshape between conv feature maps and vectors. */
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { flatten, reshape } from '../ops/shape.js';
import { Module } from './module.js';
import { checkInt, fail, kv, layerConfig, type LayerConfig } from './util.js';
import { show } from '../ops/args.js';

/** Flattens dims startDim..endDim into one (default: everything but the batch dim). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = checkInt('Flatten', 'startDim', startDim);
    this.endDim = checkInt('Flatten', 'endDim', endDim);
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return kv([['startDim', this.startDim], ['endDim', this.endDim]]);
  }

  config(): LayerConfig {
    return layerConfig({ startDim: this.startDim, endDim: this.endDim }, { startDim: 1, endDim: -1 });
  }
}

/** Expands dim `dim` into `unflattenedSize` (one entry may be -1). */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = checkInt('Unflatten', 'dim', dim);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0) fail('Unflatten', `unflattenedSize must be a non-empty array of integers, got ${show(unflattenedSize)}`);
    unflattenedSize.forEach((s) => checkInt('Unflatten', 'unflattenedSize', s, { min: -1 }));
    if (unflattenedSize.filter((s) => s === -1).length > 1) fail('Unflatten', `only one entry of unflattenedSize can be -1, got ${show(unflattenedSize)}`);
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (d < 0 || d >= x.ndim) fail('Unflatten', `dim ${this.dim} is out of range for input ${fmtShape(x.shape)}`);
    const n = x.shape[d];
    const known = this.unflattenedSize.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? (known === 0 ? 0 : n / known) : s));
    if (sizes.reduce((a, b) => a * b, 1) !== n || sizes.some((s) => !Number.isInteger(s))) {
      fail('Unflatten', `unflattenedSize ${show(this.unflattenedSize)} does not multiply to dim ${this.dim} of size ${n} (input ${fmtShape(x.shape)})`);
    }
    return reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return kv([['dim', this.dim], ['unflattenedSize', this.unflattenedSize]]);
  }

  config(): LayerConfig {
    return { dim: this.dim, unflattenedSize: [...this.unflattenedSize] };
  }
}
