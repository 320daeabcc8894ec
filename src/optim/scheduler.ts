/**
 * Learning-rate schedulers (PyTorch semantics): a scheduler owns a step counter `lastEpoch` and,
 * on each `step()`, writes a new `lr` into every parameter group of its optimizer. Construction
 * performs the first step (lastEpoch 0), as in PyTorch. Call `optimizer.step()` before `scheduler.step()`.
 */
import { NeocogError } from '../ops/validate.js';
import { Optimizer, type BaseHyper } from './optimizer.js';
import { positional, show } from '../ops/args.js';

/** Any optimizer, whatever its hyperparameters. */
export type AnyOptimizer = Optimizer<BaseHyper>;

/** A JSON-friendly snapshot of a scheduler's counters (everything but the optimizer). */
export type SchedulerStateDict = Record<string, unknown>;

export function copyPlain<T>(v: T): T {
  return Array.isArray(v) ? (v.map(copyPlain) as T) : v && typeof v === 'object' ? (Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyPlain(x)])) as T) : v;
}

export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new NeocogError(name, `the first argument must be an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
}

export function checkNum(name: string, option: string, v: unknown, { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = {}): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new NeocogError(name, `${option} must be a number, got ${show(v)}`);
  if (integer && !Number.isInteger(v)) throw new NeocogError(name, `${option} must be an integer, got ${v}`);
  if (exclusiveMin ? v <= min : v < min) throw new NeocogError(name, `${option} must be ${exclusiveMin ? '>' : '>='} ${min}, got ${v}`);
  if (v > max) throw new NeocogError(name, `${option} must be <= ${max}, got ${v}`);
  return v;
}

/** A scalar or one value per param group. */
export function perGroup(name: string, option: string, optimizer: AnyOptimizer, v: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(v)) {
    if (v.length !== n) throw new NeocogError(name, `expected ${n} values for ${option} (one per param group), got ${v.length}`);
    return v.map((x, i) => checkNum(name, `${option}[${i}]`, x));
  }
  return Array(n).fill(checkNum(name, option, v));
}

// PyTorch's positional orders after the optimizer: StepLR(opt, step_size, gamma, last_epoch),
// MultiStepLR(opt, milestones, gamma, last_epoch), ExponentialLR(opt, gamma, last_epoch),
// CosineAnnealingLR(opt, T_max, eta_min, last_epoch),
// CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min, last_epoch). Each also takes one options object.
export interface StepLROptions { stepSize: number; gamma?: number; lastEpoch?: number }
export interface MultiStepLROptions { milestones: readonly number[]; gamma?: number; lastEpoch?: number }
export interface ExponentialLROptions { gamma: number; lastEpoch?: number }
export interface CosineAnnealingLROptions { tMax: number; etaMin?: number; lastEpoch?: number }
export interface CosineAnnealingWarmRestartsOptions { t0: number; tMult?: number; etaMin?: number; lastEpoch?: number }

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** The lr each group started from (its `initialLr`). */
  baseLrs: number[];
  /** Steps taken; 0 right after construction. */
  lastEpoch: number;
  protected lastLr: number[] = [];
  protected stepCount = 0;

  /**
   * Subclasses set their own fields, then call `this.initialStep()` at the end of their constructor
   * (the base cannot: subclass fields do not exist yet while it runs).
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1, name = new.target.name) {
    checkOptimizer(name, optimizer);
    checkNum(name, 'lastEpoch', lastEpoch, { min: -1, integer: true });
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (typeof g.initialLr !== 'number') {
        throw new NeocogError(name, `param group ${i} has no initialLr; resuming with lastEpoch ${lastEpoch} needs the optimizer state saved alongside the scheduler`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lrs for the current `lastEpoch` (one per group). */
  protected abstract getLr(): number[];

  /** Advances one step and writes the new lrs into the optimizer's groups. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    this.setLrs(this.getLr());
  }

  /** Writes one lr per group into the optimizer and remembers them for getLastLr. */
  protected setLrs(values: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lrs the last step set (one per group). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && typeof v !== 'function') out[k] = copyPlain(v);
    return out;
  }

  loadStateDict(state: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) if (k !== 'optimizer' && k in this) self[k] = copyPlain(v);
  }
}

/** Multiplies each group's lr by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, ...rest: [opts: StepLROptions] | [stepSize: number, gamma?: number, lastEpoch?: number]) {
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = positional<StepLROptions>('StepLR', rest, ['stepSize', 'gamma', 'lastEpoch']);
    super(optimizer, lastEpoch, 'StepLR');
    this.stepSize = checkNum('StepLR', 'stepSize', stepSize, { min: 1, integer: true });
    this.gamma = checkNum('StepLR', 'gamma', gamma);
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}

/** Multiplies each group's lr by `gamma` at each milestone (a milestone listed twice applies gamma twice). */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: AnyOptimizer, ...rest: [opts: MultiStepLROptions] | [milestones: readonly number[], gamma?: number, lastEpoch?: number]) {
    const { milestones, gamma = 0.1, lastEpoch = -1 } = positional<MultiStepLROptions>('MultiStepLR', rest, ['milestones', 'gamma', 'lastEpoch']);
    super(optimizer, lastEpoch, 'MultiStepLR');
    if (!Array.isArray(milestones)) throw new NeocogError('MultiStepLR', `milestones must be an array of step numbers, got ${show(milestones)}`);
    this.milestones = milestones.map((m, i) => checkNum('MultiStepLR', `milestones[${i}]`, m, { min: 0, integer: true })).sort((a, b) => a - b);
    this.gamma = checkNum('MultiStepLR', 'gamma', gamma);
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    const groups = this.optimizer.paramGroups;
    return hits === 0 ? groups.map((g) => g.lr) : groups.map((g) => g.lr * this.gamma ** hits);
  }
}

/** Multiplies each group's lr by `gamma` every step. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, ...rest: [opts: ExponentialLROptions] | [gamma: number, lastEpoch?: number]) {
    const { gamma, lastEpoch = -1 } = positional<ExponentialLROptions>('ExponentialLR', rest, ['gamma', 'lastEpoch']);
    super(optimizer, lastEpoch, 'ExponentialLR');
    this.gamma = checkNum('ExponentialLR', 'gamma', gamma);
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    return this.lastEpoch === 0 ? groups.map((g) => g.lr) : groups.map((g) => g.lr * this.gamma);
  }
}

/** Each base lr annealed to etaMin along a half cosine, at step t of a period of T steps. */
function cosineLrs(baseLrs: readonly number[], etaMin: number, t: number, T: number): number[] {
  const c = (1 + Math.cos((Math.PI * t) / T)) / 2;
  return baseLrs.map((base) => etaMin + (base - etaMin) * c);
}

/**
 * Cosine annealing from each base lr down to `etaMin` over `tMax` steps, then back up (period
 * 2 tMax), without restarts: lr_t = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2. This is
 * the closed form of PyTorch's recursive update (equal at integer steps); unlike the recursive form
 * it does not compose with other changes to the group lr.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, ...rest: [opts: CosineAnnealingLROptions] | [tMax: number, etaMin?: number, lastEpoch?: number]) {
    const { tMax, etaMin = 0, lastEpoch = -1 } = positional<CosineAnnealingLROptions>('CosineAnnealingLR', rest, ['tMax', 'etaMin', 'lastEpoch']);
    super(optimizer, lastEpoch, 'CosineAnnealingLR');
    this.tMax = checkNum('CosineAnnealingLR', 'tMax', tMax, { min: 0, exclusiveMin: true });
    this.etaMin = checkNum('CosineAnnealingLR', 'etaMin', etaMin);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.optimizer.paramGroups.map((g) => g.lr);
    return cosineLrs(this.baseLrs, this.etaMin, this.lastEpoch, this.tMax);
  }
}

/**
 * SGDR (Loshchilov & Hutter): cosine annealing from each base lr to `etaMin` over `t0` steps, then a
 * restart at the base lr, each period `tMult` times longer than the last. `step()` advances one step;
 * `step(epoch)` jumps to a (possibly fractional) epoch, for per-batch use: `step(epoch + i / iters)`.
 * PyTorch's semantics, including how the two interleave.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tMult: number;
  etaMin: number;
  /** Length of the current period and the position in it (fractional after step(epoch)). */
  tI: number;
  tCur: number;

  constructor(optimizer: AnyOptimizer, ...rest: [opts: CosineAnnealingWarmRestartsOptions] | [t0: number, tMult?: number, etaMin?: number, lastEpoch?: number]) {
    const name = 'CosineAnnealingWarmRestarts';
    const { t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = positional<CosineAnnealingWarmRestartsOptions>(name, rest, ['t0', 'tMult', 'etaMin', 'lastEpoch']);
    super(optimizer, lastEpoch, name);
    this.t0 = checkNum(name, 't0', t0, { min: 1, integer: true });
    this.tMult = checkNum(name, 'tMult', tMult, { min: 1, integer: true });
    this.etaMin = checkNum(name, 'etaMin', etaMin);
    this.tI = this.t0;
    this.tCur = lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    return cosineLrs(this.baseLrs, this.etaMin, this.tCur, this.tI);
  }

  /** One step, or a jump to `epoch` (a number >= 0, fractional for per-batch schedules). */
  override step(epoch?: number): void {
    if (epoch !== undefined) checkNum('CosineAnnealingWarmRestarts.step', 'epoch', epoch, { min: 0 });
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (epoch >= this.t0) {
      if (this.tMult === 1) this.tCur = epoch % this.t0;
      else {
        // The period k starts at t0 (tMult^k - 1) / (tMult - 1).
        const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    this.stepCount++;
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}
