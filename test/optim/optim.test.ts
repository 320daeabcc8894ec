import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mul, sign, sub, tensor, tidy, type Tensor } from '../../src/index.js';
import {
  Adadelta, Adagrad, Adam, AdamW, CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR, MultiStepLR, OneCycleLR, Optimizer, ReduceLROnPlateau, RMSprop, SGD,
  StepLR, clipGradNorm, clipGradValue, type AnyOptimizer, type LRScheduler, type OptimizerStateDict,
} from '../../src/optim/index.js';

// ---------- fixtures ----------

interface OptCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  params: { shape: number[]; data: number[] }[];
  grads: (number[] | null)[][];
  expected: number[][][];
}
interface SchedCase {
  name: string;
  scheduler: string;
  optimizer: string;
  optimizerOptions: Record<string, unknown>;
  groupLrs: number[];
  options: Record<string, unknown>;
  steps: number;
  metrics?: number[];
  /** Argument of each step (CosineAnnealingWarmRestarts.step(epoch)); null: a plain step(). */
  epochs?: (number | null)[];
  lrs: number[][];
  momentums?: number[][];
}
const fixtures = JSON.parse(readFileSync(new URL('../golden/fixtures/optim.json', import.meta.url), 'utf8')) as { optimizers: OptCase[]; schedulers: SchedCase[] };

type OptCtor = new (params: Iterable<Tensor> | Iterable<{ params: Iterable<Tensor>; [k: string]: unknown }>, options?: Record<string, unknown>) => AnyOptimizer;
const OPTIMIZERS: Record<string, OptCtor> = { SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta } as unknown as Record<string, OptCtor>;

function makeOptimizer(c: Pick<OptCase, 'optimizer' | 'options' | 'groups'>, params: Tensor[]): AnyOptimizer {
  const Ctor = OPTIMIZERS[c.optimizer];
  if (!c.groups) return new Ctor(params, c.options);
  return new Ctor(c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })), c.options);
}

const makeParams = (c: OptCase) => c.params.map((p) => tensor(p.data, p.shape, { requiresGrad: true }));

function setGrads(params: Tensor[], grads: (number[] | null)[]): void {
  params.forEach((p, i) => {
    const g = grads[i];
    p.grad = g === null ? null : tensor(g, p.shape);
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`${what} [${i}]: got ${a}, expected ${e} (diff ${Math.abs(a - e)})`);
  }
}

// ---------- optimizers vs PyTorch ----------

describe('optimizers match PyTorch 1.13 (golden)', () => {
  it.each(fixtures.optimizers.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const params = makeParams(c);
    const opt = makeOptimizer(c, params);
    c.grads.forEach((grads, k) => {
      setGrads(params, grads);
      opt.step();
      params.forEach((p, i) => expectClose(p.dataSync(), c.expected[k][i], 1e-5, 1e-6, `${c.name} step ${k} param ${i}`));
    });
  });

  it('covers every optimizer class', () => {
    expect(new Set(fixtures.optimizers.map((c) => c.optimizer))).toEqual(new Set(Object.keys(OPTIMIZERS)));
  });
});

// ---------- schedulers vs PyTorch ----------

function makeScheduler(c: SchedCase, opt: AnyOptimizer): LRScheduler | ReduceLROnPlateau {
  const o = c.options as never;
  switch (c.scheduler) {
    case 'StepLR': return new StepLR(opt, o);
    case 'MultiStepLR': return new MultiStepLR(opt, o);
    case 'ExponentialLR': return new ExponentialLR(opt, o);
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, o);
    case 'OneCycleLR': return new OneCycleLR(opt, o);
    case 'CosineAnnealingWarmRestarts': return new CosineAnnealingWarmRestarts(opt, o);
    case 'ReduceLROnPlateau': return new ReduceLROnPlateau(opt, o);
    default: throw new Error(`unknown scheduler ${c.scheduler}`);
  }
}

const momentumOf = (opt: AnyOptimizer) => opt.paramGroups.map((g) => ('betas' in g ? (g.betas as number[])[0] : (g.momentum as number)));

function schedulerSetup(c: SchedCase) {
  const params = c.groupLrs.map(() => tensor([0, 0], [2], { requiresGrad: true }));
  const opt = new OPTIMIZERS[c.optimizer](params.map((p, i) => ({ params: [p], lr: c.groupLrs[i] })), c.optimizerOptions);
  return { opt, sched: makeScheduler(c, opt) };
}

/** Step k of a case: with its metric (plateau), its epoch (warm restarts' step(epoch); null = a plain step), or plain. */
function stepCase(c: SchedCase, sched: LRScheduler | ReduceLROnPlateau, k: number): void {
  if (sched instanceof ReduceLROnPlateau) sched.step(c.metrics![k]);
  else if (sched instanceof CosineAnnealingWarmRestarts && c.epochs && c.epochs[k] !== null) sched.step(c.epochs[k]!);
  else sched.step();
}

describe('schedulers match PyTorch 1.13 (golden)', () => {
  it.each(fixtures.schedulers.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { opt, sched } = schedulerSetup(c);
    const check = (k: number) => {
      const lrs = opt.paramGroups.map((g) => g.lr);
      expectClose(lrs, c.lrs[k], 1e-9, 1e-12, `${c.name} lr after ${k} steps`);
      expectClose(sched.getLastLr(), c.lrs[k], 1e-9, 1e-12, `${c.name} getLastLr after ${k} steps`);
      if (c.momentums) expectClose(momentumOf(opt), c.momentums[k], 1e-9, 1e-12, `${c.name} momentum after ${k} steps`);
    };
    check(0);
    for (let k = 0; k < c.steps; k++) {
      opt.step();
      stepCase(c, sched, k);
      check(k + 1);
    }
  });

  it('stateDict round-trip resumes the same schedule', () => {
    for (const c of fixtures.schedulers) {
      const half = Math.floor(c.steps / 2);
      const a = schedulerSetup(c);
      const stepOnce = (s: LRScheduler | ReduceLROnPlateau, k: number) => stepCase(c, s, k);
      for (let k = 0; k < half; k++) stepOnce(a.sched, k);
      const optState = JSON.parse(JSON.stringify(a.opt.stateDict())) as OptimizerStateDict;
      const schedState = JSON.parse(JSON.stringify(a.sched.stateDict())) as Record<string, unknown>;
      const b = schedulerSetup(c);
      b.opt.loadStateDict(optState);
      b.sched.loadStateDict(schedState);
      for (let k = half; k < c.steps; k++) {
        stepOnce(b.sched, k);
        expectClose(b.opt.paramGroups.map((g) => g.lr), c.lrs[k + 1], 1e-9, 1e-12, `${c.name} resumed step ${k + 1}`);
      }
    }
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const opt = new SGD([tensor([1], [1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    s.step(); s.step(); s.step();
    expect(() => s.step()).toThrow(/OneCycleLR: tried to step 4 times, but totalSteps is 3/);
  });
});

// ---------- param groups, state dicts, zeroGrad ----------

describe('Optimizer base', () => {
  const init = () => [tensor([1, -2, 3], [3], { requiresGrad: true }), tensor([0.5, 0.25], [2], { requiresGrad: true })];

  it('param groups: per-group lr and defaults filled in', () => {
    const [a, b] = init();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1, momentum: 0.5 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.5], [1, 0.5]]);
    a.grad = tensor([1, 1, 1]);
    b.grad = tensor([1, 1]);
    opt.step();
    expectClose(a.dataSync(), [0.9, -2.1, 2.9], 1e-6, 1e-7, 'group 0');
    expectClose(b.dataSync(), [-0.5, -0.75], 1e-6, 1e-7, 'group 1');
    const c = tensor([2], [1], { requiresGrad: true });
    opt.addParamGroup({ params: [c], lr: 0.5 });
    expect(opt.paramGroups[2]).toMatchObject({ lr: 0.5, momentum: 0.5, dampening: 0, nesterov: false });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/SGD: some parameters appear in more than one parameter group/);
  });

  it('zeroGrad sets grads to null; params without grads are skipped', () => {
    const [a, b] = init();
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 2, 3]);
    opt.step();
    expect(opt.state.has(a)).toBe(true);
    expect(opt.state.has(b)).toBe(false);
    expect(Array.from(b.dataSync())).toEqual([0.5, 0.25]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    a.grad = tensor([1, 2, 3]);
    opt.zeroGrad({ setToNone: false });
    expect(Array.from(a.grad!.dataSync())).toEqual([0, 0, 0]);
  });

  it('state tensors survive tidy scopes', () => {
    const [a] = init();
    const opt = new RMSprop([a], { lr: 0.01, momentum: 0.9, centered: true });
    tidy(() => {
      a.grad = tensor([1, 2, 3]);
      opt.step();
    });
    for (const v of Object.values(opt.state.get(a)!)) if (typeof v !== 'number') expect(v.isDisposed).toBe(false);
    a.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).not.toThrow();
  });

  it('stateDict round-trip: a fresh optimizer continues identically', () => {
    for (const c of fixtures.optimizers) {
      // Reference run: all 5 steps in one optimizer.
      const ref = makeParams(c);
      const refOpt = makeOptimizer(c, ref);
      c.grads.forEach((g) => { setGrads(ref, g); refOpt.step(); });
      // Split run: 3 steps, save (through JSON), load into fresh params + optimizer, 2 more steps.
      const first = makeParams(c);
      const opt1 = makeOptimizer(c, first);
      c.grads.slice(0, 3).forEach((g) => { setGrads(first, g); opt1.step(); });
      const saved = JSON.parse(JSON.stringify(opt1.stateDict())) as OptimizerStateDict;
      const second = first.map((p) => tensor(Array.from(p.dataSync()), p.shape, { requiresGrad: true }));
      const opt2 = makeOptimizer(c, second);
      opt2.loadStateDict(saved);
      c.grads.slice(3).forEach((g) => { setGrads(second, g); opt2.step(); });
      second.forEach((p, i) => expect(Array.from(p.dataSync()), `${c.name} param ${i}`).toEqual(Array.from(ref[i].dataSync())));
    }
  });

  it('stateDict format: indices for params, tensors as {shape, dtype, data}', () => {
    const [a, b] = init();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, 2, 3]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(sd.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9 });
    expect(sd.state).toEqual({ 0: { momentumBuffer: { shape: [3], dtype: 'float32', data: [1, 2, 3] } } });
    const other = new SGD([a], { lr: 0.1 });
    expect(() => other.loadStateDict(sd)).toThrow(/SGD: loadStateDict: the state dict has 2 parameter groups, the optimizer has 1/);
  });

  it('step(closure) returns the closure result', () => {
    const [a] = init();
    const opt = new SGD([a], { lr: 0.1 });
    expect(opt.step(() => 42)).toBe(42);
  });

  it('a custom optimizer only implements updateParam', () => {
    class SignSGD extends Optimizer<{ lr: number }> {
      constructor(params: Tensor[], lr: number) { super(params, { lr }); }
      protected updateParam(p: Tensor, grad: Tensor, g: { lr: number }): void { p.assign(sub(p, mul(sign(grad), g.lr))); }
    }
    const [a] = init();
    const opt = new SignSGD([a], 0.5);
    expect(opt.name).toBe('SignSGD');
    a.grad = tensor([3, -1, 0]);
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([0.5, -1.5, 3]);
    expect(() => new SignSGD([a], -1)).toThrow('SignSGD: lr must be >= 0, got -1');
  });
});

// ---------- gradient clipping ----------

describe('clipping', () => {
  const withGrads = (...gs: number[][]) => gs.map((g) => {
    const p = tensor(g.map(() => 0), [g.length], { requiresGrad: true });
    p.grad = tensor(g, [g.length]);
    return p;
  });

  it('clipGradNorm scales by maxNorm / (total + 1e-6) and returns the total norm', () => {
    const ps = withGrads([3, 4], [12]); // total L2 norm 13
    const total = clipGradNorm(ps, 6.5);
    expect(total).toBeCloseTo(13, 5);
    const coef = 6.5 / (13 + 1e-6);
    expectClose(ps[0].grad!.dataSync(), [3 * coef, 4 * coef], 1e-6, 0, 'g0');
    expectClose(ps[1].grad!.dataSync(), [12 * coef], 1e-6, 0, 'g1');
  });

  it('clipGradNorm leaves small gradients alone', () => {
    const ps = withGrads([3, 4]);
    expect(clipGradNorm(ps, 10)).toBeCloseTo(5, 5);
    expect(Array.from(ps[0].grad!.dataSync())).toEqual([3, 4]);
  });

  it('clipGradNorm with normType 1 and Infinity; params without grads are ignored', () => {
    const ps = withGrads([3, -4], [-12]);
    ps.push(tensor([1], [1], { requiresGrad: true }));
    expect(clipGradNorm(ps, 100, { normType: 1 })).toBeCloseTo(19, 5);
    expect(clipGradNorm(ps, 6, { normType: Infinity })).toBeCloseTo(12, 5);
    expectClose(ps[1].grad!.dataSync(), [-12 * (6 / (12 + 1e-6))], 1e-6, 0, 'inf clip');
    expect(clipGradNorm(ps[2], 1)).toBe(0);
    expect(clipGradNorm(withGrads([1, 2, 2]), 100, { normType: 3 })).toBeCloseTo(17 ** (1 / 3), 5);
  });

  it('clipGradNorm errorIfNonfinite', () => {
    expect(() => clipGradNorm(withGrads([Infinity]), 1, { errorIfNonfinite: true })).toThrow(/clipGradNorm: the total norm of order 2 for gradients is Infinity/);
  });

  it('clipGradValue clamps in place', () => {
    const ps = withGrads([-3, 0.5, 2]);
    clipGradValue(ps, 1);
    expect(Array.from(ps[0].grad!.dataSync())).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue(ps, -1)).toThrow('clipGradValue: clipValue must be >= 0, got -1');
  });
});

// ---------- errors ----------

describe('errors name the optimizer, the option and the value', () => {
  const p = () => [tensor([1, 2], [2], { requiresGrad: true })];
  const cases: [() => unknown, string | RegExp][] = [
    [() => new SGD(p(), { lr: -1 }), 'SGD: lr must be >= 0, got -1'],
    [() => new SGD(p(), { momentum: -0.5 }), 'SGD: momentum must be >= 0, got -0.5'],
    [() => new SGD(p(), { lr: 0.1, nesterov: true }), 'SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0'],
    [() => new SGD(p(), { momentum: 0.9, dampening: 0.1, nesterov: true }), 'SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0.9 and dampening 0.1'],
    [() => new SGD(p(), { weightDecay: -1e-4 }), 'SGD: weightDecay must be >= 0, got -0.0001'],
    [() => new SGD([{ params: p(), lr: -2 }]), 'SGD: lr must be >= 0, got -2'],
    [() => new SGD([]), 'SGD: got an empty parameter list'],
    [() => new SGD([tensor([1, 2], [2], { requiresGrad: true }).mul(2)]), /SGD: can't optimize a non-leaf tensor/],
    [() => new Adam(p(), { betas: [1, 0.999] }), 'Adam: betas[0] must be < 1, got 1'],
    [() => new Adam(p(), { betas: [0.9, -0.1] }), 'Adam: betas[1] must be >= 0, got -0.1'],
    [() => new Adam(p(), { eps: -1 }), 'Adam: eps must be >= 0, got -1'],
    [() => new AdamW(p(), { weightDecay: -1 }), 'AdamW: weightDecay must be >= 0, got -1'],
    [() => new RMSprop(p(), { alpha: -1 }), 'RMSprop: alpha must be >= 0, got -1'],
    [() => new RMSprop(p(), { momentum: -1 }), 'RMSprop: momentum must be >= 0, got -1'],
    [() => new Adagrad(p(), { lrDecay: -1 }), 'Adagrad: lrDecay must be >= 0, got -1'],
    [() => new Adagrad(p(), { initialAccumulatorValue: -1 }), 'Adagrad: initialAccumulatorValue must be >= 0, got -1'],
    [() => new Adadelta(p(), { rho: 1.5 }), 'Adadelta: rho must be <= 1, got 1.5'],
    [() => new StepLR(new SGD(p()), { stepSize: 0 }), 'StepLR: stepSize must be >= 1, got 0'],
    [() => new CosineAnnealingLR(new SGD(p()), { tMax: 0 }), 'CosineAnnealingLR: tMax must be > 0, got 0'],
    [() => new CosineAnnealingWarmRestarts(new SGD(p()), { t0: 2.5 }), 'CosineAnnealingWarmRestarts: t0 must be an integer, got 2.5'],
    [() => new CosineAnnealingWarmRestarts(new SGD(p()), { t0: 5, tMult: 0 }), 'CosineAnnealingWarmRestarts: tMult must be >= 1, got 0'],
    [() => new CosineAnnealingWarmRestarts(new SGD(p()), 5).step(-1), 'CosineAnnealingWarmRestarts.step: epoch must be >= 0, got -1'],
    [() => new CosineAnnealingWarmRestarts(new SGD(p()), 5).step('3' as never), 'CosineAnnealingWarmRestarts.step: epoch must be a number, got "3"'],
    [() => new StepLR(new SGD(p()), { stepSize: 2, gama: 0.5 } as never), "StepLR: unknown option 'gama' (hint: did you mean 'gamma'?)"],
    [() => new StepLR(new SGD(p()), 2, { stepSize: 2 } as never), 'StepLR: stepSize given twice'],
    [() => new ExponentialLR(null as never, 0.9), 'ExponentialLR: the first argument must be an Optimizer, got null'],
    [() => clipGradNorm(p(), 1, { bogusOption: 1 } as never), "clipGradNorm: unknown option 'bogusOption'"],
    [() => new OneCycleLR(new SGD(p()), { maxLr: 1 }), 'OneCycleLR: you must give either totalSteps, or epochs and stepsPerEpoch'],
    [() => new OneCycleLR(new SGD(p()), { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), 'OneCycleLR: pctStart must be <= 1, got 1.5'],
    [() => new OneCycleLR(new Adagrad(p()), { maxLr: 1, totalSteps: 10 }), /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas/],
    [() => new OneCycleLR(new SGD(p()), { maxLr: [1, 2], totalSteps: 10 }), 'OneCycleLR: expected 1 values for maxLr (one per param group), got 2'],
    [() => new ReduceLROnPlateau(new SGD(p()), { factor: 1 }), 'ReduceLROnPlateau: factor must be < 1, got 1'],
    [() => new ReduceLROnPlateau(new SGD(p()), { mode: 'up' as 'min' }), `ReduceLROnPlateau: mode must be 'min' or 'max', got "up"`],
  ];
  it.each(cases.map(([fn, msg]) => [String(msg), fn, msg] as const))('%s', (_label, fn, msg) => {
    expect(fn).toThrow(msg);
  });

  it("schedulers and clipGradNorm take PyTorch's positional arguments too", () => {
    expect(new StepLR(new SGD(p()), 2, 0.5).gamma).toBe(0.5);
    expect(new MultiStepLR(new SGD(p()), [3, 1], 0.5).milestones).toEqual([1, 3]);
    expect(new ExponentialLR(new SGD(p()), 0.9).gamma).toBe(0.9);
    expect(new CosineAnnealingLR(new SGD(p()), 10, 0.01).etaMin).toBe(0.01);
    expect(new CosineAnnealingWarmRestarts(new SGD(p()), 10, 2, 0.01)).toMatchObject({ t0: 10, tMult: 2, etaMin: 0.01 });
    expect(clipGradNorm(p(), 1, Infinity, true)).toBe(0);
  });

  it('gradient shape mismatch', () => {
    const [a] = p();
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow('SGD: gradient shape [3] does not match param shape [2]');
  });
});
