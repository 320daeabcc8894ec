/**
 * Callbacks (Keras's hooks): fit calls onTrainBegin, then per epoch onEpochBegin, onBatchBegin /
 * onBatchEnd around every step, onEpochEnd with the epoch's logs, and finally onTrainEnd. Hooks may be
 * async. A callback stops training by setting `this.context.stopTraining = true` (checked after each
 * epoch, as in Keras).
 */
import type { AnyModule } from '../nn/module.js';
import type { Optimizer, BaseHyper } from '../optim/optimizer.js';
import type { LRScheduler } from '../optim/scheduler.js';
import type { ReduceLROnPlateau } from '../optim/plateau.js';
import type { History } from './history.js';
import { noExtra, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

/** Per-epoch values: loss, accuracy, valLoss, valAccuracy, lr, and any other metric by name. */
export type Logs = Record<string, number>;

export interface BatchLogs extends Logs {
  /** Samples in this batch. */
  size: number;
  /** This batch's loss. */
  batchLoss: number;
  /** Running mean over the epoch so far (also for every metric, e.g. accuracy). */
  loss: number;
  lr: number;
}

export type AnyScheduler = LRScheduler | ReduceLROnPlateau;

/** What fit shares with its callbacks. */
export interface FitContext {
  model: AnyModule;
  optimizer: Optimizer<BaseHyper>;
  /** The epoch-level scheduler (fit's `scheduler` option or an LRSchedulerCallback's), if any. */
  scheduler: AnyScheduler | null;
  /** Train until this epoch (exclusive, 0-based: epochs = 5 runs epochs initialEpoch..4). */
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch when the loader knows it (DataLoader.length), else null. */
  stepsPerEpoch: number | null;
  /** The training loader (ModelCheckpoint saves its shuffle generator's state when it has its own). */
  trainLoader: unknown;
  hasValidation: boolean;
  /** Metric names reported each epoch, e.g. ['accuracy']. */
  metrics: string[];
  /** The run's History (filled before other callbacks see each epoch). */
  history: History;
  /** Set to true to end training after the current epoch. */
  stopTraining: boolean;
  verbose: number;
}

type Awaitable = void | Promise<void>;

/** Anything with some of the hooks (plain objects work too). */
export interface CallbackLike {
  setContext?(context: FitContext): void;
  onTrainBegin?(logs: Logs): Awaitable;
  onEpochBegin?(epoch: number, logs: Logs): Awaitable;
  onBatchBegin?(batch: number, logs: Logs): Awaitable;
  onBatchEnd?(batch: number, logs: BatchLogs): Awaitable;
  onEpochEnd?(epoch: number, logs: Logs): Awaitable;
  onTrainEnd?(logs: Logs): Awaitable;
}

/** Base class: every hook is a no-op; `context` is set by fit before onTrainBegin. */
export class Callback implements CallbackLike {
  context!: FitContext;

  /** Callbacks without a constructor of their own (History) take no arguments: one given is refused, not dropped. */
  constructor() {
    noExtra(new.target.name || 'Callback', arguments, 0);
  }

  setContext(context: FitContext): void {
    this.context = context;
  }

  onTrainBegin(_logs: Logs): Awaitable {}
  onEpochBegin(_epoch: number, _logs: Logs): Awaitable {}
  onBatchBegin(_batch: number, _logs: Logs): Awaitable {}
  onBatchEnd(_batch: number, _logs: BatchLogs): Awaitable {}
  onEpochEnd(_epoch: number, _logs: Logs): Awaitable {}
  onTrainEnd(_logs: Logs): Awaitable {}
}

/** Runs a hook on every callback in order, awaiting each. */
export class CallbackList {
  readonly callbacks: CallbackLike[];

  constructor(callbacks: CallbackLike[]) {
    if (!Array.isArray(callbacks)) fail('CallbackList', `callbacks must be an array of callbacks, got ${show(callbacks)}`);
    callbacks.forEach((cb, i) => {
      if (cb === null || typeof cb !== 'object') fail('CallbackList', `callbacks[${i}] must be a callback object (e.g. a Callback), got ${show(cb)}`);
    });
    this.callbacks = callbacks;
  }

  setContext(context: FitContext): void {
    for (const cb of this.callbacks) cb.setContext?.(context);
  }

  async trainBegin(logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBegin?.(logs);
  }

  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochBegin?.(epoch, logs);
  }

  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onBatchBegin?.(batch, logs);
  }

  async batchEnd(batch: number, logs: BatchLogs): Promise<void> {
    for (const cb of this.callbacks) await cb.onBatchEnd?.(batch, logs);
  }

  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochEnd?.(epoch, logs);
  }

  async trainEnd(logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(logs);
  }
}
