/**
 * Loss functions with PyTorch 1.13 semantics, composites of differentiable ops; the negative
 * log-likelihood of plain class targets (no weights, none ignored, reduced) is one kernel each way,
 * rounded as the composite. Class targets are int32; every reduction is 'mean' | 'sum' | 'none'.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { allocArray } from '../tensor/dtype.js';
import { broadcastShapes, fmtShape, shapesEqual } from '../tensor/shape.js';
import { noGrad, record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { abs, add, clamp, gt, log, log1p, exp, maximum, mul, neg, sub, where, div } from './elementwise.js';
import { max, mean, min, sum } from './reduce.js';
import { gather, reshape, squeeze } from './shape.js';
import { logSoftmax } from './activation.js';
import { assertFloat, assertInt, assertNumber, assertTensor, fail } from './validate.js';
import { options, show } from './args.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface NllLossOptions {
  /** Per-class rescaling weight [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and are left out of the 'mean' denominator). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the one-hot target with the uniform distribution, in [0, 1]. */
  labelSmoothing?: number;
}

/** The third argument of a loss: an options object, or just the reduction string ('sum'), or (where the loss has one) the class weight tensor, as torch's positional weight. */
export type LossArg<T> = T | Reduction | Tensor;

function lossOptions<T extends { reduction?: Reduction }>(op: string, arg: unknown, keys: readonly (keyof T & string)[], nargs: number): Partial<T> {
  if (nargs > 3) fail(op, `takes (input, target, options), got ${nargs} arguments`, `pass keyword arguments in one object, e.g. ${op}(input, target, { reduction: 'sum' })`);
  if (typeof arg === 'string') return { reduction: checkReduction(op, arg) } as Partial<T>;
  if (arg instanceof Tensor) {
    if (!(keys as readonly string[]).includes('weight')) fail(op, `the third argument must be an options object or a reduction string, got ${show(arg)}`);
    return { weight: arg } as unknown as Partial<T>;
  }
  return options<T>(op, arg, keys);
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    fail(op, `reduction must be 'mean', 'sum' or 'none', got ${show(reduction)}`);
  }
  return reduction;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/** An optional tensor option (weight, posWeight) that must broadcast to the input's shape. */
function checkBroadcastOption(op: string, arg: string, t: Tensor | null | undefined, input: Tensor): void {
  if (t === null || t === undefined) return;
  assertTensor(op, arg, t);
  assertFloat(op, arg, t);
  const b = broadcastShapes(t.shape, input.shape);
  if (!b || !shapesEqual(b, input.shape)) {
    fail(op, `${arg} ${fmtShape(t.shape)} cannot be broadcast to input ${fmtShape(input.shape)}`, 'trailing dims must equal the input\'s or be 1');
  }
}

/** Elementwise losses: input and target must be float tensors of the same shape. */
function checkPair(op: string, input: Tensor, target: Tensor): void {
  assertTensor(op, 'input', input);
  assertTensor(op, 'target', target);
  assertFloat(op, 'input', input);
  assertFloat(op, 'target', target);
  if (!shapesEqual(input.shape, target.shape)) {
    fail(op, `target ${fmtShape(target.shape)} must have the same shape as input ${fmtShape(input.shape)}`, 'reshape the target (e.g. target.unsqueeze(1) or input.squeeze()) so the shapes match exactly');
  }
}

interface ClassTargets {
  /** The input with a batch dim ([C] -> [1, C]). */
  x: Tensor;
  /** Target with ignored entries replaced by class 0, shaped [N, 1, d1, ...] for gather. */
  index: Tensor;
  /**
   * null when every target counts and there are no class weights (the mask and the unit weights would
   * change no bit of the loss or its gradient, so they are skipped); else validMask: 1 where the target
   * counts, 0 where it equals ignoreIndex ([N, d1, ...], int32), sampleWeight: per-element class weight
   * (0 where ignored).
   */
  mask: { validMask: Tensor; sampleWeight: Tensor } | null;
  /** Targets (all of them when mask is null). */
  count: number;
  unbatched: boolean;
}

function classTargets(op: string, input: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number): ClassTargets {
  assertTensor(op, 'input', input);
  assertTensor(op, 'target', target);
  assertFloat(op, 'input', input);
  if (input.ndim < 1) fail(op, `input must be [N, C] or [N, C, d1, ...] (or [C] unbatched), got a 0D tensor`);
  if (target.dtype !== 'int32') {
    fail(op, `target must have dtype int32 (class indices), got ${target.dtype}`, 'convert with target.int(); probability targets are not supported');
  }
  assertInt(op, 'ignoreIndex', ignoreIndex);
  const unbatched = input.ndim === 1;
  const x = unbatched ? reshape(input, [1, input.shape[0]]) : input;
  const C = x.shape[1];
  const want = [x.shape[0], ...x.shape.slice(2)];
  const tShape = unbatched ? [] : want;
  if (!shapesEqual(target.shape, tShape)) {
    fail(op, `target ${fmtShape(target.shape)} does not match input ${fmtShape(input.shape)}: expected target ${fmtShape(tShape)}`,
      'input [N, C, d1, ...] takes class indices [N, d1, ...] (the class dim 1 is dropped)');
  }
  if (weight !== null && weight !== undefined) {
    assertTensor(op, 'weight', weight);
    assertFloat(op, 'weight', weight);
    if (weight.ndim !== 1 || weight.shape[0] !== C) fail(op, `weight must have shape [${C}] (one value per class), got ${fmtShape(weight.shape)} (input ${fmtShape(input.shape)})`);
  }
  const t = target.dataSync();
  const safe = new Int32Array(t.length);
  const validInt = new Int32Array(t.length);
  const validF = allocArray(x.dtype, t.length);
  let counted = 0;
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (v === ignoreIndex) continue;
    if (v < 0 || v >= C) {
      fail(op, `target contains class index ${v} but input has ${C} classes`, `targets must be in [0, ${C - 1}] or equal ignoreIndex (${ignoreIndex})`);
    }
    safe[i] = v;
    validInt[i] = 1;
    validF[i] = 1;
    counted++;
  }
  const index = fromArray(safe, [want[0], 1, ...want.slice(1)]);
  if (counted === t.length && !weight) return { x, index, mask: null, count: counted, unbatched };
  const valid = fromArray(validF, want);
  const sampleWeight = weight ? mul(reshape(gather(weight, 0, fromArray(safe.slice(), [safe.length])), want), valid) : valid;
  return { x, index, mask: { validMask: fromArray(validInt, want), sampleWeight }, count: counted, unbatched };
}

/** The denominator of 'mean': the summed weights of the targets that count. */
const meanWeight = (ct: ClassTargets): Tensor | number => (ct.mask ? sum(ct.mask.sampleWeight) : ct.count);

/** The per-element (reduction 'none') or reduced weighted NLL of log-probabilities `logp`. */
function nllCore(ct: ClassTargets, logp: Tensor, reduction: Reduction): Tensor {
  if (!ct.mask && reduction !== 'none') {
    // Every target counts with weight 1: one kernel (PyTorch's nll_loss), its gradient scattering -dy / count.
    const inputShape = [...logp.shape];
    return record('nllLoss', run1('NllLoss', [logp, ct.index], { reduction }), [logp], (dy) => [
      run1('NllLossGrad', [dy, ct.index], { reduction, inputShape }),
    ]);
  }
  const picked = squeeze(gather(logp, 1, ct.index), 1);
  const loss = ct.mask ? where(ct.mask.validMask, neg(mul(picked, ct.mask.sampleWeight)), 0) : neg(picked);
  if (reduction === 'none') return ct.unbatched ? reshape(loss, []) : loss;
  if (reduction === 'sum') return sum(loss);
  return div(sum(loss), meanWeight(ct));
}

/**
 * nllLoss(input, target, { weight, ignoreIndex = -100, reduction = 'mean' }) on log-probabilities
 * [N, C, d1, ...] with int32 class targets [N, d1, ...]; 'mean' divides by the summed weights of the
 * targets that are not ignored.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: LossArg<NllLossOptions> = {}): Tensor {
  assertTensor('nllLoss', 'input', input);
  const { weight = null, ignoreIndex = -100, reduction = 'mean' } = lossOptions<NllLossOptions>('nllLoss', opts, ['weight', 'ignoreIndex', 'reduction'], arguments.length);
  const r = checkReduction('nllLoss', reduction);
  const ct = classTargets('nllLoss', input, target, weight, ignoreIndex);
  return nllCore(ct, ct.x, r);
}

/**
 * crossEntropy(input, target, { weight, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 }):
 * nllLoss(logSoftmax(input, 1)) plus PyTorch's label-smoothing term
 * (1 - ls) * nll + ls / C * smooth, smooth = -sum_c w_c logp_c (0 where ignored).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: LossArg<CrossEntropyOptions> = {}): Tensor {
  assertTensor('crossEntropy', 'input', input);
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = lossOptions<CrossEntropyOptions>('crossEntropy', opts, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing'], arguments.length);
  const op = 'crossEntropy';
  const r = checkReduction(op, reduction);
  assertNumber(op, 'labelSmoothing', labelSmoothing, { min: 0, max: 1 });
  const ct = classTargets(op, input, target, weight, ignoreIndex);
  const logp = logSoftmax(ct.x, 1);
  const nll = nllCore(ct, logp, r);
  if (labelSmoothing === 0) return nll;
  const C = ct.x.shape[1];
  const weighted = weight ? mul(logp, reshape(weight, ct.x.shape.map((d, i) => (i === 1 ? d : 1)))) : logp;
  let smooth = ct.mask ? where(ct.mask.validMask, neg(sum(weighted, 1)), 0) : neg(sum(weighted, 1));
  if (ct.unbatched && r === 'none') smooth = reshape(smooth, []);
  // 'mean' divides by the same denominator as the NLL term: the summed weights of counted targets.
  const s = r === 'none' ? smooth : r === 'sum' ? sum(smooth) : div(sum(smooth), meanWeight(ct));
  return add(mul(nll, 1 - labelSmoothing), mul(s, labelSmoothing / C));
}

/** log(t) clamped below at -100 (PyTorch's BCE), with a finite zero gradient where t <= 0. */
function clampedLog(t: Tensor): Tensor {
  const pos = gt(t, 0);
  return where(pos, clamp(log(where(pos, t, 1)), { min: -100 }), -100);
}

export interface BinaryCrossEntropyOptions {
  /** Rescaling weight, broadcast to the input's shape. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * binaryCrossEntropy(input, target, { weight, reduction }): -w (y log x + (1-y) log(1-x)) for
 * probabilities x in [0, 1], each log clamped at -100 like PyTorch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: LossArg<BinaryCrossEntropyOptions> = {}): Tensor {
  assertTensor('binaryCrossEntropy', 'input', input);
  const { weight = null, reduction = 'mean' } = lossOptions<BinaryCrossEntropyOptions>('binaryCrossEntropy', opts, ['weight', 'reduction'], arguments.length);
  const op = 'binaryCrossEntropy';
  const r = checkReduction(op, reduction);
  checkPair(op, input, target);
  checkBroadcastOption(op, 'weight', weight, input);
  if (input.size > 0) {
    const [lo, hi] = noGrad(() => [min(input).item(), max(input).item()]);
    if (!(lo >= 0 && hi <= 1)) {
      fail(op, `input values must be probabilities in [0, 1], got min ${lo} and max ${hi}`, 'apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores (more stable)');
    }
  }
  let loss = neg(add(mul(target, clampedLog(input)), mul(sub(1, target), clampedLog(sub(1, input)))));
  if (weight) loss = mul(loss, weight);
  return reduce(loss, r);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of positive examples, broadcast against the input (usually [C] over the last dim). */
  posWeight?: Tensor | null;
}

/**
 * binaryCrossEntropyWithLogits(input, target, { weight, posWeight, reduction }): sigmoid + BCE in one
 * stable expression, (1 - y) x + (1 + (pw - 1) y) (log1p(exp(-|x|)) + max(-x, 0)).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: LossArg<BinaryCrossEntropyWithLogitsOptions> = {}): Tensor {
  assertTensor('binaryCrossEntropyWithLogits', 'input', input);
  const { weight = null, posWeight = null, reduction = 'mean' } = lossOptions<BinaryCrossEntropyWithLogitsOptions>('binaryCrossEntropyWithLogits', opts, ['weight', 'posWeight', 'reduction'], arguments.length);
  const op = 'binaryCrossEntropyWithLogits';
  const r = checkReduction(op, reduction);
  checkPair(op, input, target);
  checkBroadcastOption(op, 'weight', weight, input);
  checkBroadcastOption(op, 'posWeight', posWeight, input);
  // softplus(-x) = log(1 + e^-x), never exponentiating a positive number.
  const softplusNeg = add(log1p(exp(neg(abs(input)))), maximum(neg(input), 0));
  const logWeight = posWeight ? add(mul(sub(posWeight, 1), target), 1) : null;
  let loss = add(mul(sub(1, target), input), logWeight ? mul(logWeight, softplusNeg) : softplusNeg);
  if (weight) loss = mul(loss, weight);
  return reduce(loss, r);
}

export interface ElementwiseLossOptions {
  reduction?: Reduction;
}

/** mseLoss(input, target, { reduction }): (x - y)^2. */
export function mseLoss(input: Tensor, target: Tensor, opts: LossArg<ElementwiseLossOptions> = {}): Tensor {
  assertTensor('mseLoss', 'input', input);
  const { reduction = 'mean' } = lossOptions<ElementwiseLossOptions>('mseLoss', opts, ['reduction'], arguments.length);
  const r = checkReduction('mseLoss', reduction);
  checkPair('mseLoss', input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), r);
}

/** l1Loss(input, target, { reduction }): |x - y|. */
export function l1Loss(input: Tensor, target: Tensor, opts: LossArg<ElementwiseLossOptions> = {}): Tensor {
  assertTensor('l1Loss', 'input', input);
  const { reduction = 'mean' } = lossOptions<ElementwiseLossOptions>('l1Loss', opts, ['reduction'], arguments.length);
  const r = checkReduction('l1Loss', reduction);
  checkPair('l1Loss', input, target);
  return reduce(abs(sub(input, target)), r);
}
