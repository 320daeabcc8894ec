/** Padding layers: constant (zero), reflection and replication padding in 1D and 2D. */
import type { Tensor } from '../tensor/tensor.js';
import { pad } from '../ops/pad.js';
import type { PadMode } from '../kernels/specs.js';
import { Module } from './module.js';
import { checkInt, checkNumber, compact, fail, kv, repr, type LayerConfig } from './util.js';
import { show } from '../ops/args.js';

/** int -> every side; otherwise [left, right] (1D) or [left, right, top, bottom] (2D), as PyTorch. */
function sides(name: string, padding: number | readonly number[], dims: 1 | 2): number[] {
  const n = 2 * dims;
  if (typeof padding === 'number') return Array(n).fill(checkInt(name, 'padding', padding));
  if (!Array.isArray(padding) || padding.length !== n) {
    fail(name, `padding must be an integer or ${n} integers (${dims === 1 ? '[left, right]' : '[left, right, top, bottom]'}), got ${show(padding)}`);
  }
  return padding.map((p) => checkInt(name, 'padding', p));
}

abstract class PadNd extends Module {
  /** [left, right] or [left, right, top, bottom]. */
  readonly padding: number[];
  protected abstract readonly mode: PadMode;

  constructor(padding: number | readonly number[], dims: 1 | 2) {
    super();
    this.padding = sides(this.constructor.name, padding, dims);
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { mode: this.mode });
  }

  override extraRepr(): string {
    return repr(this.padding);
  }

  config(): LayerConfig {
    return { padding: compact(this.padding) };
  }
}

export class ConstantPad1d extends Module {
  readonly padding: number[];
  readonly value: number;

  constructor(padding: number | readonly number[], value: number) {
    super();
    this.padding = sides('ConstantPad1d', padding, 1);
    this.value = checkNumber('ConstantPad1d', 'value', value);
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { mode: 'constant', value: this.value });
  }

  override extraRepr(): string {
    return kv([['padding', this.padding], ['value', this.value]]);
  }

  config(): LayerConfig {
    return { padding: compact(this.padding), value: this.value };
  }
}

/** Pads the last dim with a constant value; negative padding crops. */
export class ConstantPad2d extends Module {
  readonly padding: number[];
  readonly value: number;

  constructor(padding: number | readonly number[], value: number) {
    super();
    this.padding = sides('ConstantPad2d', padding, 2);
    this.value = checkNumber('ConstantPad2d', 'value', value);
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { mode: 'constant', value: this.value });
  }

  override extraRepr(): string {
    return kv([['padding', this.padding], ['value', this.value]]);
  }

  config(): LayerConfig {
    return { padding: compact(this.padding), value: this.value };
  }
}

export class ZeroPad1d extends PadNd {
  protected readonly mode = 'constant';
  constructor(padding: number | readonly number[]) {
    super(padding, 1);
  }
}

/** Zero padding of H and W: padding is a number or [left, right, top, bottom]. */
export class ZeroPad2d extends PadNd {
  protected readonly mode = 'constant';
  constructor(padding: number | readonly number[]) {
    super(padding, 2);
  }
}

export class ReflectionPad1d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: number | readonly number[]) {
    super(padding, 1);
  }
}

/** Mirrors the border (without repeating the edge pixel); each pad must be smaller than the dim. */
export class ReflectionPad2d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: number | readonly number[]) {
    super(padding, 2);
  }
}

export class ReplicationPad1d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: number | readonly number[]) {
    super(padding, 1);
  }
}

/** Repeats the edge pixels. */
export class ReplicationPad2d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: number | readonly number[]) {
    super(padding, 2);
  }
}
