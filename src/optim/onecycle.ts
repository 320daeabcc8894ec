/** The 1cycle policy (Smith & Topin): lr warms up to maxLr then anneals far below the start; momentum moves inversely. */
import { NeocogError } from '../ops/validate.js';
import { LRScheduler, checkNum, perGroup, type AnyOptimizer } from './scheduler.js';
import { show } from '../ops/args.js';

export interface OneCycleLROptions {
  maxLr: number | readonly number[];
  /** Either totalSteps, or epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. */
  finalDivFactor?: number;
  /** A third phase: back to initialLr symmetrically, then down to minLr. */
  threePhase?: boolean;
  lastEpoch?: number;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';
interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

const NAME = 'OneCycleLR';

/**
 * OneCycleLR(optimizer, { maxLr, totalSteps | epochs + stepsPerEpoch, pctStart = 0.3,
 * annealStrategy = 'cos', cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95,
 * divFactor = 25, finalDivFactor = 1e4, threePhase = false }). Step it after every batch.
 * With cycleMomentum it also sets each group's `momentum` (or `betas[0]` for Adam-style optimizers).
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options ?? ({} as OneCycleLROptions);
    let total: number;
    if (totalSteps === undefined && (epochs === undefined || stepsPerEpoch === undefined)) {
      throw new NeocogError(NAME, 'you must give either totalSteps, or epochs and stepsPerEpoch');
    } else if (totalSteps !== undefined) {
      total = checkNum(NAME, 'totalSteps', totalSteps, { min: 1, integer: true });
    } else {
      total = checkNum(NAME, 'epochs', epochs, { min: 1, integer: true }) * checkNum(NAME, 'stepsPerEpoch', stepsPerEpoch, { min: 1, integer: true });
    }
    checkNum(NAME, 'pctStart', pctStart, { min: 0, max: 1 });
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new NeocogError(NAME, `annealStrategy must be 'cos' or 'linear', got ${show(annealStrategy)}`);
    checkNum(NAME, 'divFactor', divFactor, { min: 0, exclusiveMin: true });
    checkNum(NAME, 'finalDivFactor', finalDivFactor, { min: 0, exclusiveMin: true });
    // Group keys must exist before the base constructor reads initialLr.
    if (lastEpoch === -1 && optimizer && Array.isArray(optimizer.paramGroups)) {
      const maxLrs = perGroup(NAME, 'maxLr', optimizer, maxLr);
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const useBeta1 = !!optimizer && typeof optimizer.defaults === 'object' && 'betas' in optimizer.defaults;
    if (cycleMomentum && optimizer && typeof optimizer.defaults === 'object') {
      if (!('momentum' in optimizer.defaults) && !useBeta1) {
        throw new NeocogError(NAME, `cycleMomentum needs an optimizer with momentum or betas (${optimizer.name} has neither)`, 'pass { cycleMomentum: false }');
      }
      if (lastEpoch === -1) {
        const maxMs = perGroup(NAME, 'maxMomentum', optimizer, maxMomentum);
        const baseMs = perGroup(NAME, 'baseMomentum', optimizer, baseMomentum);
        optimizer.paramGroups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxMs[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxMs[i];
          g.maxMomentum = maxMs[i];
          g.baseMomentum = baseMs[i];
        });
      }
    }
    super(optimizer, lastEpoch, NAME);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new NeocogError(NAME, `tried to step ${stepNum} times, but totalSteps is ${this.totalSteps}`, 'make totalSteps (or epochs * stepsPerEpoch) cover every step() call');
    }
    return this.optimizer.paramGroups.map((g) => {
      let startStep = 0;
      let lr = NaN;
      let momentum = NaN;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (ph.endStep - startStep);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        startStep = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
