/**
 * EarlyStopping (Keras semantics): stop when the monitored value has not improved by more than
 * minDelta for `patience` epochs in a row; optionally put back the weights of the best epoch.
 */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { keep } from '../autograd/scope.js';
import { clone } from '../ops/elementwise.js';
import { Callback, type Logs } from './callback.js';
import { defaultMonitor, improves, readMonitor, resolveMode, type MonitorMode } from './monitor.js';
import { options } from '../ops/args.js';

export interface EarlyStoppingOptions {
  /** Default 'valLoss' with validation, else 'loss'. */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0: the first one stops). */
  patience?: number;
  /** Smaller changes do not count as improvement (default 0). */
  minDelta?: number;
  mode?: MonitorMode;
  /** At the end of training, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Print a line when stopping. */
  verbose?: boolean;
}

export class EarlyStopping extends Callback {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly verbose: boolean;
  private readonly monitorOption: string | undefined;
  private readonly modeOption: MonitorMode;
  monitor = 'loss';
  wait = 0;
  best = NaN;
  bestEpoch = -1;
  /** The epoch after which training stopped (-1 if it did not). */
  stoppedEpoch = -1;
  private bestWeights: Record<string, Tensor> | null = null;

  constructor(opts: EarlyStoppingOptions = {}) {
    const { monitor, patience = 0, minDelta = 0, mode = 'auto', restoreBestWeights = false, verbose = false } = options<EarlyStoppingOptions>('EarlyStopping', opts, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights', 'verbose']);
    super();
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`EarlyStopping: patience must be a non-negative integer, got ${patience}`);
    if (typeof minDelta !== 'number' || Number.isNaN(minDelta)) throw new Error(`EarlyStopping: minDelta must be a number, got ${minDelta}`);
    resolveMode(monitor ?? 'loss', mode);
    this.monitorOption = monitor;
    this.modeOption = mode;
    this.patience = patience;
    this.minDelta = Math.abs(minDelta);
    this.restoreBestWeights = restoreBestWeights;
    this.verbose = verbose;
  }

  override onTrainBegin(): void {
    this.monitor = this.monitorOption ?? defaultMonitor(this.context.hasValidation);
    const mode = resolveMode(this.monitor, this.modeOption);
    this.best = mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = readMonitor('EarlyStopping', this.monitor, logs);
    const mode = resolveMode(this.monitor, this.modeOption);
    this.wait++;
    if (improves(current, this.best, mode, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.snapshot();
      return;
    }
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.context.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch >= 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping (best ${this.monitor} ${this.best.toFixed(4)} at epoch ${this.bestEpoch + 1})`);
    if (this.restoreBestWeights && this.bestWeights && this.bestEpoch !== this.context.history.epoch.at(-1)) {
      this.context.model.loadStateDict(this.bestWeights);
      if (this.verbose) console.log(`Restored the weights of epoch ${this.bestEpoch + 1}`);
    }
    this.bestWeights = null;
  }

  private snapshot(): Record<string, Tensor> {
    return noGrad(() => Object.fromEntries(Object.entries(this.context.model.stateDict()).map(([k, t]) => [k, keep(clone(t))])));
  }
}
