/**
 * Segmentation losses on per-pixel logits [N,1,H,W]. The target is the mask [N,1,H,W] (0/1), or
 * [N,2,H,W] with a per-pixel weight map in the second channel (U-Net's border weights).
 *   bce       binary cross-entropy with logits (+ posWeight for the rare class)
 *   dice      soft Dice 1 - (2 sum(p t) + s) / (sum p + sum t + s), p = sigmoid(logit), over the batch
 *   bce+dice  their sum
 */
import type { Tensor } from '../tensor/tensor.js';
import { sigmoid } from '../ops/activation.js';
import { add, div, mul, sub } from '../ops/elementwise.js';
import { binaryCrossEntropyWithLogits } from '../ops/loss.js';
import { sum } from '../ops/reduce.js';
import { narrow } from '../ops/shape.js';
import { full } from '../tensor/creation.js';
import { options, show } from '../ops/args.js';
import { assertTensor } from '../ops/validate.js';

export const SEG_LOSSES = ['bce', 'dice', 'bce+dice'] as const;
export type SegLossName = (typeof SEG_LOSSES)[number];

function split(op: string, input: Tensor, target: Tensor): [Tensor, Tensor | null] {
  assertTensor(op, 'input', input);
  assertTensor(op, 'target', target);
  if (input.ndim !== 4 || input.shape[1] !== 1) throw new Error(`${op}: input must be logits [N,1,H,W], got [${input.shape.join(',')}]`);
  const [n, , h, w] = input.shape;
  const ok = target.ndim === 4 && target.shape[0] === n && target.shape[2] === h && target.shape[3] === w && (target.shape[1] === 1 || target.shape[1] === 2);
  if (!ok) throw new Error(`${op}: target must be [${n},1,${h},${w}] (mask) or [${n},2,${h},${w}] (mask, weight), got [${target.shape.join(',')}]`);
  return target.shape[1] === 1 ? [target, null] : [narrow(target, 1, 0, 1), narrow(target, 1, 1, 1)];
}

export interface SoftDiceOptions {
  /** Added to numerator and denominator (default 1), so empty masks give 0 loss for empty predictions. */
  smooth?: number;
}

export function softDiceLoss(input: Tensor, target: Tensor, opts?: SoftDiceOptions): Tensor {
  const op = 'softDiceLoss';
  assertTensor(op, 'input', input);
  const { smooth = 1 } = options<SoftDiceOptions>(op, opts, ['smooth']);
  if (typeof smooth !== 'number' || !(smooth >= 0)) throw new Error(`${op}: smooth must be a non-negative number, got ${show(smooth)}`);
  const [t] = split(op, input, target);
  const p = sigmoid(input);
  const inter = sum(mul(p, t));
  return sub(1, div(add(mul(inter, 2), smooth), add(add(sum(p), sum(t)), smooth)));
}

export interface SegLossOptions {
  /** Weight of the positive class in BCE (e.g. background / foreground pixel ratio). */
  posWeight?: number;
  smooth?: number;
}

export function bceLoss(input: Tensor, target: Tensor, opts?: Pick<SegLossOptions, 'posWeight'>): Tensor {
  const op = 'bceLoss';
  assertTensor(op, 'input', input);
  const { posWeight } = options<SegLossOptions>(op, opts, ['posWeight']);
  const [t, weight] = split(op, input, target);
  if (posWeight !== undefined && (typeof posWeight !== 'number' || !(posWeight > 0))) throw new Error(`${op}: posWeight must be a positive number, got ${show(posWeight)}`);
  return binaryCrossEntropyWithLogits(input, t, { posWeight: posWeight === undefined ? null : full([1], posWeight), weight });
}

/** The loss function by name, for fit(). */
export function segLoss(name: SegLossName, opts?: SegLossOptions): (o: Tensor, t: Tensor) => Tensor {
  if (typeof name !== 'string' || !(SEG_LOSSES as readonly string[]).includes(name)) throw new Error(`segLoss: unknown loss ${show(name)} (expected one of ${SEG_LOSSES.join(', ')})`);
  const { posWeight, smooth } = options<SegLossOptions>('segLoss', opts, ['posWeight', 'smooth']);
  // Each loss gets its own option only: they refuse keys they do not know.
  const bce = { posWeight }, dice = { smooth };
  switch (name) {
    case 'bce':
      return (o, t) => bceLoss(o, t, bce);
    case 'dice':
      return (o, t) => softDiceLoss(o, t, dice);
    default:
      return (o, t) => add(bceLoss(o, t, bce), softDiceLoss(o, t, dice));
  }
}

/** fit() metric: hard Dice of (logit > 0) against the mask over the batch (1 when both are empty). */
export const diceMetric = {
  name: 'dice',
  update(output: Tensor, target: Tensor): { value: number; count: number } {
    assertTensor('diceMetric.update', 'output', output);
    assertTensor('diceMetric.update', 'target', target);
    if (output.ndim < 1 || target.ndim < 1 || output.shape[0] !== target.shape[0] || (output.size > 0 && target.size % output.size !== 0)) {
      throw new Error(`diceMetric.update: output [${output.shape.join(',')}] and target [${target.shape.join(',')}] must share the batch dim, the target holding 1 or 2 channels per output value`);
    }
    const o = output.dataSync();
    const t = target.dataSync();
    const n = output.shape[0];
    const P = output.size / n;
    const tc = target.size / (n * P); // 1 (mask) or 2 (mask, weight): the mask is channel 0
    let inter = 0;
    let a = 0;
    let b = 0;
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < P; i++) {
        const p = o[k * P + i] > 0 ? 1 : 0;
        const m = t[k * tc * P + i] > 0.5 ? 1 : 0;
        inter += p & m;
        a += p;
        b += m;
      }
    }
    return { value: a + b === 0 ? 1 : (2 * inter) / (a + b), count: output.shape[0] };
  },
};
