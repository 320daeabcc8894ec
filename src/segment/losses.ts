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
import { show } from '../ops/args.js';

export const SEG_LOSSES = ['bce', 'dice', 'bce+dice'] as const;
export type SegLossName = (typeof SEG_LOSSES)[number];

function split(op: string, input: Tensor, target: Tensor): [Tensor, Tensor | null] {
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

export function softDiceLoss(input: Tensor, target: Tensor, { smooth = 1 }: SoftDiceOptions = {}): Tensor {
  const op = 'softDiceLoss';
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

export function bceLoss(input: Tensor, target: Tensor, { posWeight }: SegLossOptions = {}): Tensor {
  const op = 'bceLoss';
  const [t, weight] = split(op, input, target);
  if (posWeight !== undefined && (typeof posWeight !== 'number' || !(posWeight > 0))) throw new Error(`${op}: posWeight must be a positive number, got ${show(posWeight)}`);
  return binaryCrossEntropyWithLogits(input, t, { posWeight: posWeight === undefined ? null : full([1], posWeight), weight });
}

/** The loss function by name, for fit(). */
export function segLoss(name: SegLossName, opts: SegLossOptions = {}): (o: Tensor, t: Tensor) => Tensor {
  switch (name) {
    case 'bce':
      return (o, t) => bceLoss(o, t, opts);
    case 'dice':
      return (o, t) => softDiceLoss(o, t, opts);
    case 'bce+dice':
      return (o, t) => add(bceLoss(o, t, opts), softDiceLoss(o, t, opts));
    default:
      throw new Error(`segLoss: unknown loss ${show(name)} (expected one of ${SEG_LOSSES.join(', ')})`);
  }
}

/** fit() metric: hard Dice of (logit > 0) against the mask over the batch (1 when both are empty). */
export const diceMetric = {
  name: 'dice',
  update(output: Tensor, target: Tensor): { value: number; count: number } {
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
