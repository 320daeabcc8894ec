/** ReduceLROnPlateau: cut the lr when a monitored metric stops improving. */
import { Tensor } from '../tensor/tensor.js';
import { NeocogError } from '../ops/validate.js';
import { checkNum, checkOptimizer, copyPlain, perGroup, type AnyOptimizer, type SchedulerStateDict } from './scheduler.js';
import { show } from '../ops/args.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower metric is better (a loss); 'max': higher is better (an accuracy). */
  mode?: 'min' | 'max';
  /** new lr = lr * factor (must be < 1). */
  factor?: number;
  /** Steps without improvement tolerated before cutting the lr. */
  patience?: number;
  /** How much better counts as an improvement. */
  threshold?: number;
  /** 'rel': better than best * (1 -/+ threshold); 'abs': better than best -/+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a cut before counting bad steps again. */
  cooldown?: number;
  /** Lower bound on the lr, one value or one per group. */
  minLr?: number | readonly number[];
  /** Cuts smaller than eps are skipped. */
  eps?: number;
}

const NAME = 'ReduceLROnPlateau';

/** Call `step(metric)` once per evaluation (e.g. per epoch with the validation loss). */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer(NAME, optimizer);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    this.optimizer = optimizer;
    if (mode !== 'min' && mode !== 'max') throw new NeocogError(NAME, `mode must be 'min' or 'max', got ${show(mode)}`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new NeocogError(NAME, `thresholdMode must be 'rel' or 'abs', got ${show(thresholdMode)}`);
    checkNum(NAME, 'factor', factor, { min: 0 });
    if (factor >= 1) throw new NeocogError(NAME, `factor must be < 1, got ${factor}`);
    this.mode = mode;
    this.factor = factor;
    this.patience = checkNum(NAME, 'patience', patience, { min: 0, integer: true });
    this.threshold = checkNum(NAME, 'threshold', threshold);
    this.thresholdMode = thresholdMode;
    this.cooldown = checkNum(NAME, 'cooldown', cooldown, { min: 0, integer: true });
    this.minLrs = perGroup(NAME, 'minLr', optimizer, minLr);
    this.eps = checkNum(NAME, 'eps', eps, { min: 0 });
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one metric value (a number or a one-element tensor). */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new NeocogError(NAME, `step: metric must be a number or a one-element tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** JSON-safe: an infinite `best` (nothing seen yet) is stored as null. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = copyPlain(v);
    if (!Number.isFinite(this.best)) out.best = null;
    return out;
  }

  loadStateDict(state: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) if (k !== 'optimizer' && k in this) self[k] = copyPlain(v);
    if (state.mode !== undefined && typeof state.best !== 'number') this.best = this.modeWorse;
    else if (state.best === null) this.best = this.modeWorse;
  }
}
