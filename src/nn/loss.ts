/**
 * Loss modules over the loss ops: forward(input, target). Class weights live in buffers named as in
 * PyTorch ('weight', 'pos_weight'), so they appear in the state dict when given.
 */
import type { Tensor } from '../tensor/tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss, type Reduction } from '../ops/loss.js';
import { Module } from './module.js';
import { checkInt, checkNumber, checkOneOf, layerConfig, type LayerConfig } from './util.js';
import { options } from '../ops/args.js';

/** A class-weight buffer as config data (nested numbers), null when absent. */
const weightData = (t: Tensor | null) => (t === null ? null : t.toArray());

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(reduction: Reduction) {
    super();
    this.reduction = checkOneOf(this.constructor.name, 'reduction', reduction, REDUCTIONS);
  }

  /** Constructor arguments by name (LayerConfig), defaults left out; class weights as nested numbers. */
  config(): LayerConfig {
    return layerConfig({ reduction: this.reduction }, { reduction: 'mean' });
  }
}

abstract class WeightedLoss extends Loss {
  constructor(weight: Tensor | null, reduction: Reduction) {
    super(reduction);
    this.registerBuffer('weight', weight);
  }

  get weight(): Tensor | null {
    return this.getBuffer('weight');
  }

  override config(): LayerConfig {
    return layerConfig({ weight: weightData(this.weight), ...super.config() }, { weight: null });
  }
}

export interface CrossEntropyLossOptions {
  /** Per-class weight [C]. */
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

/** logSoftmax + NLL on raw scores [N, C] (or [N, C, ...]) with int32 class targets. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyLossOptions = {}) {
    const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = options<CrossEntropyLossOptions>('CrossEntropyLoss', opts, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
    super(weight, reduction);
    this.ignoreIndex = checkInt('CrossEntropyLoss', 'ignoreIndex', ignoreIndex);
    this.labelSmoothing = checkNumber('CrossEntropyLoss', 'labelSmoothing', labelSmoothing, { min: 0, max: 1 });
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }

  override config(): LayerConfig {
    return layerConfig({ ...super.config(), ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing }, { ignoreIndex: -100, labelSmoothing: 0 });
  }
}

export interface NLLLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Negative log-likelihood on log-probabilities (after LogSoftmax). */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(opts: NLLLossOptions = {}) {
    const { weight = null, ignoreIndex = -100, reduction = 'mean' } = options<NLLLossOptions>('NLLLoss', opts, ['weight', 'ignoreIndex', 'reduction']);
    super(weight, reduction);
    this.ignoreIndex = checkInt('NLLLoss', 'ignoreIndex', ignoreIndex);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }

  override config(): LayerConfig {
    return layerConfig({ ...super.config(), ignoreIndex: this.ignoreIndex }, { ignoreIndex: -100 });
  }
}

export interface BCELossOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Binary cross-entropy on probabilities in [0, 1]. */
export class BCELoss extends WeightedLoss {
  constructor(opts: BCELossOptions = {}) {
    const { weight = null, reduction = 'mean' } = options<BCELossOptions>('BCELoss', opts, ['weight', 'reduction']);
    super(weight, reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends BCELossOptions {
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one numerically stable expression. */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(opts: BCEWithLogitsLossOptions = {}) {
    const { weight = null, posWeight = null, reduction = 'mean' } = options<BCEWithLogitsLossOptions>('BCEWithLogitsLoss', opts, ['weight', 'posWeight', 'reduction']);
    super(weight, reduction);
    this.registerBuffer('pos_weight', posWeight);
  }

  get posWeight(): Tensor | null {
    return this.getBuffer('pos_weight');
  }

  override config(): LayerConfig {
    return layerConfig({ ...super.config(), posWeight: weightData(this.posWeight) }, { posWeight: null });
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

export interface ElementwiseLossOptions {
  reduction?: Reduction;
}

/** Mean squared error. */
export class MSELoss extends Loss {
  constructor(opts: ElementwiseLossOptions = {}) {
    const { reduction = 'mean' } = options<ElementwiseLossOptions>('MSELoss', opts, ['reduction']);
    super(reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  constructor(opts: ElementwiseLossOptions = {}) {
    const { reduction = 'mean' } = options<ElementwiseLossOptions>('L1Loss', opts, ['reduction']);
    super(reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}
