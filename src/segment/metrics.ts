/**
 * Pixel metrics of a probability map against a binary mask, counted only where `region` is 1 (the
 * field of view) when given:
 *   at a threshold   accuracy, sensitivity (recall), specificity, precision, F1 (= Dice), IoU (Jaccard)
 *   ranking          ROC AUC (Mann-Whitney, ties count half) and, from the precision-recall curve at
 *                    every distinct score (scikit-learn's precision_recall_curve), PR AUC by the
 *                    trapezoid rule (sklearn.metrics.auc(recall, precision), as retina-unet reports)
 *                    and average precision (sum of (R_k - R_k-1) P_k, sklearn's average_precision_score)
 */
import { checkMap, fail, options, show } from './check.js';

export interface PixelSet {
  scores: Float32Array;
  labels: Uint8Array;
}

/** The scores and 0/1 labels of the pixels inside `region` (all pixels when null), appended over images. */
export function collectPixels(items: readonly { prob: Float32Array; mask: Uint8Array; region: Uint8Array | null }[]): PixelSet {
  const op = 'collectPixels';
  if (!Array.isArray(items)) fail(op, `items must be an array of { prob, mask, region }, got ${show(items)}`);
  items.forEach((it, i) => {
    options(op, it, ['prob', 'mask', 'region'], `items[${i}]`);
    checkMap(op, `items[${i}].prob`, it.prob);
    checkMap(op, `items[${i}].mask`, it.mask);
    if (it.region !== null && it.region !== undefined) checkMap(op, `items[${i}].region`, it.region);
  });
  let n = 0;
  for (const { prob, mask, region } of items) {
    if (prob.length !== mask.length || (region && region.length !== mask.length)) throw new Error(`collectPixels: probability map (${prob.length}), mask (${mask.length}) and region (${region?.length}) differ in size`);
    if (!region) n += mask.length;
    else for (let i = 0; i < region.length; i++) n += region[i] ? 1 : 0;
  }
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  let k = 0;
  for (const { prob, mask, region } of items) {
    for (let i = 0; i < mask.length; i++) {
      if (region && !region[i]) continue;
      scores[k] = prob[i];
      labels[k++] = mask[i] ? 1 : 0;
    }
  }
  return { scores, labels };
}

export interface ThresholdMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
  precision: number;
  f1: number;
  iou: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Predicted positive where score >= threshold (sklearn's convention for a 0/1 prediction from scores). */
/** A PixelSet { scores, labels } whose arrays have one length (every metric below checks its set). */
function checkSet(op: string, set: unknown): PixelSet {
  const { scores, labels } = options<PixelSet>(op, set, ['scores', 'labels'], 'set');
  if (set === undefined) fail(op, 'set must be { scores, labels } (see collectPixels), got undefined');
  checkMap(op, 'set.scores', scores);
  checkMap(op, 'set.labels', labels);
  if (scores.length !== labels.length) fail(op, `set.scores has ${scores.length} values but set.labels has ${labels.length}`);
  return set as PixelSet;
}

export function thresholdMetrics(set: PixelSet, threshold: number): ThresholdMetrics {
  const { scores, labels } = checkSet('thresholdMetrics', set);
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new Error(`thresholdMetrics: threshold must be a finite number, got ${show(threshold)}`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] >= threshold;
    if (labels[i]) p ? tp++ : fn++;
    else p ? fp++ : tn++;
  }
  return {
    threshold, tp, fp, tn, fn,
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    sensitivity: ratio(tp, tp + fn),
    specificity: ratio(tn, tn + fp),
    precision: ratio(tp, tp + fp),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    iou: ratio(tp, tp + fp + fn),
  };
}

/** Distinct scores in descending order with the positives and negatives at each: the ROC / PR walk. */
function walk({ scores, labels }: PixelSet, visit: (tp: number, fp: number) => void): { pos: number; neg: number } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`metrics: score ${i} is ${scores[i]}`);
    (labels[i] ? pos : neg).push(scores[i]);
  }
  const P = Float64Array.from(pos).sort().reverse();
  const N = Float64Array.from(neg).sort().reverse();
  let i = 0;
  let j = 0;
  while (i < P.length || j < N.length) {
    const t = Math.max(i < P.length ? P[i] : -Infinity, j < N.length ? N[j] : -Infinity);
    while (i < P.length && P[i] === t) i++;
    while (j < N.length && N[j] === t) j++;
    visit(i, j);
  }
  return { pos: P.length, neg: N.length };
}

function needBoth(op: string, pos: number, neg: number): void {
  if (pos === 0 || neg === 0) throw new Error(`${op}: needs both classes (${pos} positive, ${neg} negative pixels)`);
}

/** Area under the ROC curve (trapezoids over the distinct thresholds). */
export function rocAuc(set: PixelSet): number {
  checkSet('rocAuc', set);
  const pts: [number, number][] = [[0, 0]];
  const { pos, neg } = walk(set, (tp, fp) => pts.push([fp, tp]));
  needBoth('rocAuc', pos, neg);
  let area = 0;
  for (let k = 1; k < pts.length; k++) area += (pts[k][0] - pts[k - 1][0]) * (pts[k][1] + pts[k - 1][1]) / 2;
  return area / (pos * neg);
}

/** PR AUC (trapezoids, from recall 0 at precision 1) and average precision. */
export function precisionRecallAuc(set: PixelSet): { prAuc: number; averagePrecision: number } {
  checkSet('precisionRecallAuc', set);
  const pts: [number, number][] = [[0, 1]];
  const { pos, neg } = walk(set, (tp, fp) => pts.push([tp, tp / (tp + fp)]));
  needBoth('precisionRecallAuc', pos, neg);
  let prAuc = 0;
  let ap = 0;
  for (let k = 1; k < pts.length; k++) {
    const dr = (pts[k][0] - pts[k - 1][0]) / pos;
    prAuc += (dr * (pts[k][1] + pts[k - 1][1])) / 2;
    ap += dr * pts[k][1];
  }
  return { prAuc, averagePrecision: ap };
}

export interface SegMetrics extends ThresholdMetrics {
  rocAuc: number;
  prAuc: number;
  averagePrecision: number;
  pixels: number;
}

export function segmentationMetrics(set: PixelSet, threshold = 0.5): SegMetrics {
  checkSet('segmentationMetrics', set);
  return { ...thresholdMetrics(set, threshold), rocAuc: rocAuc(set), ...precisionRecallAuc(set), pixels: set.scores.length };
}
