/**
 * Input attributions for one class score S = logits[n, target[n]]:
 *   gradient             dS/dx (Simonyan et al. 2014 saliency; take |.| or max over channels to show)
 *   inputXGradient       x * dS/dx
 *   smoothGrad           mean of dS/dx over x + N(0, (noiseLevel * (max x - min x))^2), `samples` draws
 *   integratedGradients  (x - x') * mean over alpha of dS/dx at x' + alpha (x - x'), alpha at the
 *                        midpoints (k + 1/2) / steps; completeness: sum(attr) should equal S(x) - S(x')
 *   guidedBackprop       dS/dx with relu's backward replaced by the guided rule
 *   deconvnet            dS/dx with relu's backward replaced by the deconvnet rule
 * The relu rules act on neocog's tape (autograd/relu-rule.ts), so functional relu, reused ReLU modules
 * and ReLUs a Sequential would fuse at inference all follow them (gradients are recorded, so nothing fuses).
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { noGrad } from '../autograd/graph.js';
import { RELU_RULES, withReluRule, type ReluRule } from '../autograd/relu-rule.js';
import type { AnyModule } from '../nn/module.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { cat } from '../ops/shape.js';
import { checkInput, checkModel, checkOp, checkOptions, checkTarget, describe, fail, inspecting, intOpt, leaf, logitsOf, numOpt, targetScore } from './common.js';

export type AttributionMethod = 'gradient' | 'inputXGradient' | 'smoothGrad' | 'integratedGradients' | 'guidedBackprop' | 'deconvnet';
export const ATTRIBUTION_METHODS: readonly AttributionMethod[] = ['gradient', 'inputXGradient', 'smoothGrad', 'integratedGradients', 'guidedBackprop', 'deconvnet'];

export interface AttributionOptions {
  method?: AttributionMethod;
  /** smoothGrad: noise std as a fraction of the input's value range (default 0.15). */
  noiseLevel?: number;
  /** smoothGrad: noisy copies averaged (default 25). */
  samples?: number;
  /** integratedGradients: the reference input x' (a number or a tensor shaped like the input; default 0). */
  baseline?: number | Tensor;
  /** integratedGradients: points on the path (default 50). */
  steps?: number;
  /** Inputs per forward/backward pass for smoothGrad and integratedGradients (default 64). */
  batchSize?: number;
  /** smoothGrad's noise source (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
}

export interface Attribution {
  method: AttributionMethod;
  target: number[];
  /** Same shape as the input. */
  attribution: Tensor;
  /** integratedGradients only: per sample, S(x) - S(x') - sum(attribution) (should be ~0). */
  completenessError?: number[];
  /** integratedGradients only: per sample, S(x) - S(x'). */
  scoreDelta?: number[];
}

const KEYS = ['method', 'noiseLevel', 'samples', 'baseline', 'steps', 'batchSize', 'generator'];

/** dS/dx for a batch under a relu rule; the model is already in inspecting() mode. */
export function inputGradient(op: string, model: AnyModule, x: Tensor, target: readonly number[], rule: ReluRule = 'gradient'): { grad: Tensor; scores: number[] } {
  checkOp('inputGradient', op);
  checkModel(op, model);
  checkInput(op, x);
  if (!RELU_RULES.includes(rule)) fail(op, `rule must be one of ${RELU_RULES.join(', ')}, got ${describe(rule)}`);
  const xi = leaf(x);
  const logits = logitsOf(op, model.call(xi), x.shape[0]);
  target = checkTarget(op, target, x.shape[0], logits.shape[1]);
  const s = targetScore(logits, target);
  withReluRule(rule, () => s.backward());
  const k = logits.shape[1];
  const v = logits.dataSync();
  const grad = xi.grad;
  if (!grad) fail(op, 'no gradient reached the input', 'the model output does not depend on its input through differentiable ops');
  return { grad, scores: target.map((t, i) => v[i * k + t]) };
}

/** Gradients of many inputs derived from one sample, in batches; returns their mean over `inputs`. */
function meanGradient(op: string, model: AnyModule, inputs: Tensor[], t: number, batchSize: number): Tensor {
  let total: Tensor | null = null;
  for (let i = 0; i < inputs.length; i += batchSize) {
    const chunk = inputs.slice(i, i + batchSize);
    const g = inputGradient(op, model, cat(chunk, 0), new Array<number>(chunk.length).fill(t)).grad;
    const s = noGrad(() => g.sum(0, true));
    total = total ? noGrad(() => add(total!, s)) : s;
  }
  return noGrad(() => mul(total!, 1 / inputs.length));
}

export function attribution(model: AnyModule, input: Tensor, target: number | readonly number[], options?: AttributionOptions): Attribution {
  const op = 'attribution';
  checkModel(op, model);
  const x = checkInput(op, input);
  const o = checkOptions(op, options, KEYS) as AttributionOptions;
  const method = o.method ?? 'gradient';
  if (!ATTRIBUTION_METHODS.includes(method)) fail(op, `unknown method ${describe(method)}`, `use one of ${ATTRIBUTION_METHODS.join(', ')}`);
  const allowed: Record<AttributionMethod, string[]> = {
    gradient: [], inputXGradient: [], guidedBackprop: [], deconvnet: [],
    smoothGrad: ['noiseLevel', 'samples', 'batchSize', 'generator'],
    integratedGradients: ['baseline', 'steps', 'batchSize'],
  };
  for (const k of Object.keys(o)) if (k !== 'method' && !allowed[method].includes(k)) fail(op, `option '${k}' does not apply to method '${method}'`, allowed[method].length ? `${method} takes ${allowed[method].join(', ')}` : `${method} takes no options`);
  const batchSize = intOpt(op, 'batchSize', o.batchSize, 64);
  return inspecting(model, () => {
    const n = x.shape[0];
    const probe = noGrad(() => logitsOf(op, model.call(x), n));
    const tgt = checkTarget(op, target, n, probe.shape[1]);
    if (method === 'gradient' || method === 'guidedBackprop' || method === 'deconvnet') {
      const rule: ReluRule = method === 'gradient' ? 'gradient' : method === 'guidedBackprop' ? 'guided' : 'deconvnet';
      return { method, target: tgt, attribution: inputGradient(op, model, x, tgt, rule).grad };
    }
    if (method === 'inputXGradient') {
      const g = inputGradient(op, model, x, tgt).grad;
      return { method, target: tgt, attribution: noGrad(() => mul(x, g)) };
    }
    const samples = x.shape[0] === 1 ? [x] : Array.from({ length: n }, (_, i) => x.slice(0, i, i + 1));
    if (method === 'smoothGrad') {
      const noiseLevel = numOpt(op, 'noiseLevel', o.noiseLevel, 0.15, 0);
      const count = intOpt(op, 'samples', o.samples, 25);
      if (o.generator !== undefined && !(o.generator instanceof Generator)) fail(op, `generator must be a Generator, got ${describe(o.generator)}`);
      const gen = o.generator ?? defaultGenerator;
      const parts = samples.map((xi, i) => {
        const v = xi.dataSync();
        let lo = Infinity, hi = -Infinity;
        for (const a of v) { if (a < lo) lo = a; if (a > hi) hi = a; }
        const sigma = noiseLevel * (hi - lo);
        const noisy = Array.from({ length: count }, () => fromArray(v.map((a) => a + sigma * gen.normal()), xi.shape.slice()));
        return meanGradient(op, model, noisy, tgt[i], batchSize);
      });
      return { method, target: tgt, attribution: noGrad(() => cat(parts, 0)) };
    }
    // integratedGradients
    const steps = intOpt(op, 'steps', o.steps, 50);
    const base = baselineOf(op, o.baseline, x);
    const parts: Tensor[] = [], errors: number[] = [], deltas: number[] = [];
    samples.forEach((xi, i) => {
      const bi = base.shape[0] === 1 ? base : base.slice(0, i, i + 1);
      const diff = noGrad(() => sub(xi, bi));
      const path = Array.from({ length: steps }, (_, k) => noGrad(() => add(bi, mul(diff, (k + 0.5) / steps))));
      const mean = meanGradient(op, model, path, tgt[i], batchSize);
      const attr = noGrad(() => mul(diff, mean));
      const ends = noGrad(() => logitsOf(op, model.call(cat([xi, bi], 0)), 2)).dataSync();
      const k = probe.shape[1];
      const delta = ends[tgt[i]] - ends[k + tgt[i]];
      let total = 0;
      for (const a of attr.dataSync()) total += a;
      parts.push(attr);
      deltas.push(delta);
      errors.push(delta - total);
    });
    return { method, target: tgt, attribution: noGrad(() => cat(parts, 0)), completenessError: errors, scoreDelta: deltas };
  });
}

function baselineOf(op: string, b: unknown, x: Tensor): Tensor {
  if (b === undefined) return noGrad(() => mul(x.slice(0, 0, 1), 0));
  if (typeof b === 'number' && Number.isFinite(b)) return noGrad(() => add(mul(x.slice(0, 0, 1), 0), b));
  if (b instanceof Tensor) {
    const ok = (b.ndim === x.ndim && (b.shape[0] === 1 || b.shape[0] === x.shape[0]) && b.shape.slice(1).every((d, i) => d === x.shape[i + 1]));
    if (!ok) fail(op, `baseline [${b.shape.join(',')}] must match the input [${x.shape.join(',')}] (batch 1 or N)`);
    return b.dtype === x.dtype ? b : b.to(x.dtype);
  }
  return fail(op, `baseline must be a number or a Tensor, got ${describe(b)}`);
}
