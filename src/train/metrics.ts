/**
 * Classification metrics computed on the CPU from a batch's output scores and targets: accuracy,
 * top-k accuracy and the confusion matrix. Scores are [N, C] or [N, C, ...] (class along dim 1,
 * e.g. per-pixel segmentation); targets are int32 class indices [N] / [N, ...] (negative ones, such
 * as an ignoreIndex of -100, are skipped) or one-hot / probability rows shaped like the scores.
 * A single score column ([N] or [N, 1]) is read as a probability, thresholded at 0.5.
 */
import type { Tensor } from '../tensor/tensor.js';
import { show } from '../ops/args.js';
import { assertTensor, fail } from '../ops/validate.js';

/** A metric: the batch value (a mean over the counted items) and how many items it counted. */
export interface Metric {
  name: string;
  update(output: Tensor, target: Tensor): { value: number; count: number };
}

export type MetricSpec = 'accuracy' | `top${number}Accuracy` | `top${number}` | Metric;

interface Labels {
  /** Scores, row-major. */
  scores: ArrayLike<number>;
  n: number;
  /** Classes (1 for a binary single column). */
  c: number;
  /** Positions per sample (product of dims after the class dim). */
  inner: number;
  /** The true class of item i (n * inner items, sample-major), or -1 to skip it. */
  label(i: number): number;
}

function shapeStr(t: Tensor): string {
  return `[${t.shape.join(',')}]`;
}

function labels(what: string, output: Tensor, target: Tensor): Labels {
  if (output.ndim < 1) throw new Error(`${what}: output must have a batch dim, got shape ${shapeStr(output)}`);
  const n = output.shape[0];
  const binary = output.ndim === 1 || (output.ndim === 2 && output.shape[1] === 1);
  const c = binary ? 1 : output.shape[1];
  const inner = binary ? 1 : output.shape.slice(2).reduce((a, b) => a * b, 1);
  const scores = output.dataSync();
  const t = target.dataSync();
  const sameShape = target.ndim === output.ndim && target.shape.every((d, i) => d === output.shape[i]);
  if (binary) {
    if (target.size !== n) throw new Error(`${what}: a single-column output ${shapeStr(output)} needs one target per sample, got ${shapeStr(target)}`);
    return { scores, n, c, inner, label: (i) => (t[i] >= 0.5 ? 1 : 0) };
  }
  if (target.dtype === 'int32' && target.size === n * inner && !sameShape) {
    return { scores, n, c, inner, label: (i) => { const v = t[i]; return v >= 0 && v < c ? v : -1; } };
  }
  if (sameShape) {
    // One-hot or probability rows along dim 1: the true class is the argmax.
    return { scores, n, c, inner, label: (i) => argmaxAt(t, Math.floor(i / inner), i % inner, c, inner) };
  }
  throw new Error(`${what}: target ${shapeStr(target)} (${target.dtype}) does not match output ${shapeStr(output)}; expected int32 class indices [${[n, ...output.shape.slice(2)].join(',')}] or one-hot ${shapeStr(output)}`);
}

function argmaxAt(v: ArrayLike<number>, s: number, pos: number, c: number, inner: number): number {
  let best = 0;
  let bestV = v[s * c * inner + pos];
  for (let k = 1; k < c; k++) {
    const x = v[(s * c + k) * inner + pos];
    if (x > bestV) {
      bestV = x;
      best = k;
    }
  }
  return best;
}

/** Predicted class of item i. */
function predicted(l: Labels, i: number): number {
  if (l.c === 1) return l.scores[i] >= 0.5 ? 1 : 0;
  return argmaxAt(l.scores, Math.floor(i / l.inner), i % l.inner, l.c, l.inner);
}

/** Whether the true class of item i is among the k highest scores (ties counted in the target's favour only when strictly fewer are higher). */
function inTopK(l: Labels, i: number, label: number, k: number): boolean {
  if (l.c === 1) return predicted(l, i) === label;
  const s = Math.floor(i / l.inner);
  const pos = i % l.inner;
  const base = s * l.c * l.inner + pos;
  const own = l.scores[base + label * l.inner];
  let higher = 0;
  for (let j = 0; j < l.c; j++) if (l.scores[base + j * l.inner] > own) higher++;
  return higher < k;
}

/** Correct predictions and counted items in a batch (top-1 unless k is given). */
export function countCorrect(output: Tensor, target: Tensor, k = 1): { correct: number; count: number } {
  assertTensor('countCorrect', 'output', output);
  assertTensor('countCorrect', 'target', target);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) fail('countCorrect', `k must be a positive integer, got ${show(k)}`);
  const l = labels(k === 1 ? 'accuracy' : `top${k}Accuracy`, output, target);
  let correct = 0;
  let count = 0;
  for (let i = 0; i < l.n * l.inner; i++) {
    const y = l.label(i);
    if (y < 0) continue;
    count++;
    if (k === 1 ? predicted(l, i) === y : inTopK(l, i, y, k)) correct++;
  }
  return { correct, count };
}

/** Fraction of items whose highest score is the true class. */
export function accuracy(output: Tensor, target: Tensor): number {
  assertTensor('accuracy', 'output', output);
  const { correct, count } = countCorrect(output, target);
  return count ? correct / count : NaN;
}

/** Fraction of items whose true class is among the k highest scores. */
export function topKAccuracy(output: Tensor, target: Tensor, k: number): number {
  assertTensor('topKAccuracy', 'output', output);
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKAccuracy: k must be a positive integer, got ${k}`);
  const { correct, count } = countCorrect(output, target, k);
  return count ? correct / count : NaN;
}

/** Adds a batch to a confusion matrix (rows: true class, columns: predicted), growing nothing: classes >= numClasses are an error. */
export function updateConfusion(matrix: number[][], output: Tensor, target: Tensor): number[][] {
  const l = labels('confusionMatrix', output, target);
  const numClasses = matrix.length;
  for (let i = 0; i < l.n * l.inner; i++) {
    const y = l.label(i);
    if (y < 0) continue;
    const p = predicted(l, i);
    if (y >= numClasses || p >= numClasses) throw new Error(`confusionMatrix: class ${Math.max(y, p)} is out of range for numClasses ${numClasses}`);
    matrix[y][p]++;
  }
  return matrix;
}

/** A numClasses x numClasses confusion matrix (rows: true class, columns: predicted class). */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number): number[][] {
  assertTensor('confusionMatrix', 'output', output);
  const c = numClasses ?? (output.ndim === 1 || output.shape[1] === 1 ? 2 : output.shape[1]);
  return updateConfusion(emptyMatrix(c), output, target);
}

export function emptyMatrix(n: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

/** Resolves 'accuracy', 'top5Accuracy' / 'top5' or a custom Metric. */
export function resolveMetric(spec: MetricSpec): Metric {
  if (typeof spec === 'object' && spec !== null && typeof spec.update === 'function' && typeof spec.name === 'string') return spec;
  if (spec === 'accuracy') return { name: 'accuracy', update: (o, t) => toMean(countCorrect(o, t)) };
  const m = typeof spec === 'string' ? /^top(\d+)(Accuracy)?$/.exec(spec) : null;
  if (m && Number(m[1]) >= 1) {
    const k = Number(m[1]);
    return { name: `top${k}Accuracy`, update: (o, t) => toMean(countCorrect(o, t, k)) };
  }
  throw new Error(`metrics: unknown metric ${show(spec)}; use 'accuracy', 'top5Accuracy' or { name, update(output, target) => { value, count } }`);
}

function toMean({ correct, count }: { correct: number; count: number }): { value: number; count: number } {
  return { value: count ? correct / count : 0, count };
}

/** Running, count-weighted means of several named values. */
export class RunningMeans {
  private sums = new Map<string, number>();
  private counts = new Map<string, number>();

  add(name: string, value: number, count: number): void {
    if (count <= 0) return;
    this.sums.set(name, (this.sums.get(name) ?? 0) + value * count);
    this.counts.set(name, (this.counts.get(name) ?? 0) + count);
  }

  get(name: string): number {
    const c = this.counts.get(name);
    return c ? this.sums.get(name)! / c : NaN;
  }

  result(): Record<string, number> {
    return Object.fromEntries([...this.sums.keys()].map((k) => [k, this.get(k)]));
  }
}
