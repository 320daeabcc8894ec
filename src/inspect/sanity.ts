/**
 * Sanity checks for saliency maps (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"):
 * cascading weight randomisation. Layers with weights are re-drawn from the top (output) down, each
 * from a normal with its original weights' mean and std; after each step every method's map is compared
 * with its map on the trained model by the Spearman rank correlation (signed, or of |map|). A method that explains
 * the model should lose its picture (low correlation); guided backprop is known to keep it.
 * The weights are restored afterwards. Integrated-gradients completeness: see attribution().
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { randn } from '../tensor/creation.js';
import type { AnyModule } from '../nn/module.js';
import { attribution, ATTRIBUTION_METHODS, type AttributionMethod } from './attribution.js';
import { gradCam } from './gradcam.js';
import { checkInput, checkModel, checkOptions, describe, fail, isNumbers, numOpt } from './common.js';

export type SanityMethod = AttributionMethod | 'gradCam';

export interface RandomizationOptions {
  methods?: readonly SanityMethod[];
  /** A method passes when every correlation in the cascade is below this (default 0.5). */
  threshold?: number;
  /** Compare |map| (true) or signed maps (false, default); Adebayo et al. report both. */
  absolute?: boolean;
  generator?: Generator;
}

export interface RandomizationResult {
  /** The layers randomised, in order (top first); similarity[m][i] is after randomising layers[0..i]. */
  layers: string[];
  similarity: Record<string, number[]>;
  /** Per method: whether the map changed from the first randomised layer on (every similarity < threshold). */
  passed: Record<string, boolean>;
  threshold: number;
  absolute: boolean;
}

function ranks(values: ArrayLike<number>, absolute: boolean): Float64Array {
  const v = absolute ? Array.from(values, Math.abs) : Array.from(values);
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let q = i; q <= j; q++) r[idx[q]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation of a and b (arrays or tensors of one size), or of |a| and |b| (ties get mean ranks). */
export function spearman(a: ArrayLike<number> | Tensor, b: ArrayLike<number> | Tensor, options?: { absolute?: boolean }): number {
  const op = 'spearman';
  if (a instanceof Tensor) a = a.dataSync();
  if (b instanceof Tensor) b = b.dataSync();
  if (!isNumbers(a)) fail(op, `a must be an array, typed array or tensor of numbers, got ${describe(a)}`);
  if (!isNumbers(b)) fail(op, `b must be an array, typed array or tensor of numbers, got ${describe(b)}`);
  if (a.length !== b.length) fail(op, `a and b must have the same length, got ${a.length} and ${b.length}`);
  const o = checkOptions(op, options, ['absolute']);
  const absolute = o.absolute ?? false;
  if (typeof absolute !== 'boolean') fail(op, `absolute must be true or false, got ${describe(absolute)}`);
  const ra = ranks(a, absolute), rb = ranks(b, absolute), n = ra.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += ra[i]; mb += rb[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const x = ra[i] - ma, y = rb[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

export function weightRandomization(model: AnyModule, input: Tensor, target: number | readonly number[], options?: RandomizationOptions): RandomizationResult {
  const op = 'weightRandomization';
  checkModel(op, model);
  const x = checkInput(op, input);
  const o = checkOptions(op, options, ['methods', 'threshold', 'absolute', 'generator']) as RandomizationOptions;
  const methods = o.methods ?? ['gradient', 'guidedBackprop', 'gradCam'];
  if (!Array.isArray(methods) || methods.length === 0) fail(op, `methods must be a non-empty array, got ${describe(methods)}`);
  for (const m of methods) if (m !== 'gradCam' && !ATTRIBUTION_METHODS.includes(m as AttributionMethod)) fail(op, `unknown method ${describe(m)}`, `use gradCam or one of ${ATTRIBUTION_METHODS.join(', ')}`);
  const threshold = numOpt(op, 'threshold', o.threshold, 0.5);
  if (o.absolute !== undefined && typeof o.absolute !== 'boolean') fail(op, `absolute must be a boolean, got ${describe(o.absolute)}`);
  const absolute = o.absolute ?? false;
  if (o.generator !== undefined && !(o.generator instanceof Generator)) fail(op, `generator must be a Generator, got ${describe(o.generator)}`);
  const gen = o.generator ?? defaultGenerator;
  const mapOf = (m: SanityMethod): Float32Array | Float64Array => (m === 'gradCam' ? gradCam(model, x, target).map : attribution(model, x, target, { method: m }).attribution).dataSync() as Float32Array;
  const reference = methods.map(mapOf);
  const layers = model.namedModules().filter(([, m]) => m.parameters({ recurse: false }).length > 0).reverse();
  const saved = new Map<Tensor, Tensor>();
  const similarity: Record<string, number[]> = Object.fromEntries(methods.map((m) => [m, []]));
  try {
    for (const [, layer] of layers) {
      noGrad(() => {
        for (const p of layer.parameters({ recurse: false })) {
          saved.set(p, p.clone());
          const v = p.dataSync();
          let mu = 0, sd = 0;
          for (const a of v) mu += a;
          mu /= v.length;
          for (const a of v) sd += (a - mu) ** 2;
          sd = Math.sqrt(sd / Math.max(1, v.length - 1)) || 0.01;
          p.assign(randn(p.shape, { generator: gen, dtype: p.dtype }).mul(sd).add(mu));
        }
      });
      methods.forEach((m, i) => similarity[m].push(spearman(reference[i], mapOf(m), { absolute })));
    }
  } finally {
    noGrad(() => { for (const [p, v] of saved) p.assign(v); });
  }
  const passed = Object.fromEntries(methods.map((m) => [m, Math.max(...similarity[m]) < threshold]));
  return { layers: layers.map(([n]) => n), similarity, passed, threshold, absolute };
}
