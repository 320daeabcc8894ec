import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { collectPixels, precisionRecallAuc, rocAuc, segmentationMetrics, thresholdMetrics } from '../../src/segment/metrics.js';
import { connectedComponents, foregroundRestrictedScores, isbiScoresFromLabels } from '../../src/segment/rand.js';
import { borderWeightMap, squaredDistanceTransform } from '../../src/segment/border-weights.js';

interface PixelCase { scores: number[]; labels: number[]; threshold: number; [k: string]: unknown }
interface IsbiCase { height: number; width: number; boundary: number[]; prob: number[]; threshold: number; [k: string]: unknown }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/seg-metrics.json', import.meta.url), 'utf8')) as { pixel: PixelCase[]; isbi: IsbiCase[] };

const set = (scores: number[], labels: number[]) => ({ scores: Float32Array.from(scores), labels: Uint8Array.from(labels) });

describe('pixel metrics: hand-computed', () => {
  // scores 0.9 0.8 0.7 0.6 0.55 0.4 0.3 0.2 with labels 1 1 0 1 0 0 1 0.
  const s = set([0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2], [1, 1, 0, 1, 0, 0, 1, 0]);

  test('threshold metrics at 0.5', () => {
    const m = thresholdMetrics(s, 0.5);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([3, 2, 2, 1]);
    expect(m.accuracy).toBeCloseTo(5 / 8, 12);
    expect(m.sensitivity).toBeCloseTo(3 / 4, 12);
    expect(m.specificity).toBeCloseTo(2 / 4, 12);
    expect(m.precision).toBeCloseTo(3 / 5, 12);
    expect(m.f1).toBeCloseTo(6 / 9, 12);
    expect(m.iou).toBeCloseTo(3 / 6, 12);
  });

  test('ROC AUC counts ordered pairs (ties half); AP and trapezoidal PR AUC', () => {
    // positive-negative pairs ranked correctly: 0.9:4, 0.8:4, 0.6:3, 0.3:1 -> 12 of 16.
    expect(rocAuc(s)).toBeCloseTo(12 / 16, 12);
    expect(rocAuc(set([0.5, 0.5], [1, 0]))).toBeCloseTo(0.5, 12);
    // PR points (recall, precision): (1/4,1) (2/4,1) (2/4,2/3) (3/4,3/4) (3/4,3/5) (3/4,3/6) (1,4/7) (1,4/8)
    const ap = 0.25 * 1 + 0.25 * 1 + 0.25 * 0.75 + 0.25 * (4 / 7);
    const trap = 0.25 * 1 + 0.25 * 1 + 0.25 * (2 / 3 + 3 / 4) / 2 + 0.25 * (3 / 6 + 4 / 7) / 2;
    const r = precisionRecallAuc(s);
    expect(r.averagePrecision).toBeCloseTo(ap, 12);
    expect(r.prAuc).toBeCloseTo(trap, 12);
  });

  test('only pixels inside the region count', () => {
    const p = collectPixels([{ prob: Float32Array.from([0.9, 0.1, 0.9, 0.1]), mask: Uint8Array.from([1, 1, 0, 0]), region: Uint8Array.from([1, 0, 0, 1]) }]);
    expect(Array.from(p.labels)).toEqual([1, 0]);
    expect(thresholdMetrics(p, 0.5).accuracy).toBe(1);
    expect(() => rocAuc(set([0.1, 0.2], [1, 1]))).toThrow(/needs both classes/);
    expect(() => thresholdMetrics(p, Number.NaN)).toThrow(/threshold must be a finite number/);
  });
});

describe('pixel metrics: scikit-learn fixtures', () => {
  test.each(fixture.pixel.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const m = segmentationMetrics(set(c.scores, c.labels), c.threshold);
    for (const k of ['rocAuc', 'averagePrecision', 'prAuc', 'accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'iou'] as const) {
      expect(m[k], k).toBeCloseTo(c[k] as number, 10);
    }
    for (const k of ['tp', 'fp', 'tn', 'fn'] as const) expect(m[k], k).toBe(c[k]);
  });
});

describe('ISBI 2012 V_rand / V_info', () => {
  test('connected components are 4-connected', () => {
    const { labels, count } = connectedComponents(Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 1, 1]), 3, 3);
    expect(count).toBe(3);
    // the centre touches the bottom row; the corners touch nothing 4-connected
    expect(Array.from(labels)).toEqual([1, 0, 2, 0, 3, 0, 3, 3, 3]);
  });

  test('hand-computed: a perfect proposal scores 1, a merge and a split as the formulas say', () => {
    const t = Int32Array.from([1, 1, 2, 2]);
    expect(isbiScoresFromLabels(t, Int32Array.from([5, 5, 7, 7]))).toMatchObject({ vRand: 1, vInfo: 1 });
    // Merge both into one: sum p^2 = 2^2 + 2^2 = 8, sum s^2 = 16, sum t^2 = 8.
    const merged = isbiScoresFromLabels(t, Int32Array.from([1, 1, 1, 1]));
    expect(merged.vRand).toBeCloseTo((2 * 8) / (16 + 8), 12);
    expect(merged.vRandSplit).toBeCloseTo(1, 12);
    expect(merged.vRandMerge).toBeCloseTo(0.5, 12);
    // H(S) = 0, H(T) = ln 2, I = 0 -> V_info = 0.
    expect(merged.vInfo).toBeCloseTo(0, 12);
    // One proposal boundary pixel inside cell 1 is a singleton: p = {1 (single), 1, 2} -> sum p^2 = 1 + 1 + 4 = 6.
    const single = isbiScoresFromLabels(t, Int32Array.from([0, 3, 4, 4]));
    expect(single.vRandSplit).toBeCloseTo(6 / 8, 12);
    expect(single.vRandMerge).toBeCloseTo(1, 12);
    const hS = -(2 * 0.25 * Math.log(0.25) + 0.5 * Math.log(0.5));
    const hT = Math.log(2);
    expect(single.vInfoSplit).toBeCloseTo(hT / hS, 12); // I = H(T) when S refines T
    expect(single.vInfo).toBeCloseTo((2 * hT) / (hS + hT), 12);
    // Ground-truth boundary pixels (label 0) are ignored whatever the proposal says there.
    expect(isbiScoresFromLabels(Int32Array.from([0, 1, 1, 0]), Int32Array.from([9, 2, 2, 8]))).toMatchObject({ vRand: 1, vInfo: 1 });
  });

  test.each(fixture.isbi.map((c, i) => [i, c] as const))('numpy/scipy fixture %i', (_, c) => {
    const r = foregroundRestrictedScores(Uint8Array.from(c.boundary), Float32Array.from(c.prob), c.height, c.width, { threshold: c.threshold });
    for (const k of ['vRand', 'vRandSplit', 'vRandMerge', 'vInfo', 'vInfoSplit', 'vInfoMerge'] as const) expect(r[k], k).toBeCloseTo(c[k] as number, 10);
  });
});

describe('U-Net border weight map', () => {
  interface WeightCase { height: number; width: number; w0: number; sigma: number; boundary: number[]; weight: number[] }
  const cases = (fixture as unknown as { weights: WeightCase[] }).weights;

  test('squared distance transform by hand', () => {
    const d = squaredDistanceTransform(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]), 3, 3);
    expect(Array.from(d)).toEqual([0, 1, 4, 1, 2, 5, 4, 5, 8]);
  });

  test.each(cases.map((c, i) => [i, c] as const))('scipy fixture %i', (_, c) => {
    const wmap = borderWeightMap(Uint8Array.from(c.boundary), c.height, c.width, { w0: c.w0, sigma: c.sigma });
    wmap.forEach((v, i) => expect(v).toBeCloseTo(c.weight[i], 4));
  });

  test('no border term with one object; class balance only', () => {
    const b = Uint8Array.from([1, 0, 0, 0]);
    expect(Array.from(borderWeightMap(b, 2, 2))).toEqual([2, 4 / 6, 4 / 6, 4 / 6].map(Math.fround));
    expect(() => borderWeightMap(b, 2, 2, { sigma: 0 })).toThrow(/sigma must be a positive number/);
  });
});
