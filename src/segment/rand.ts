/**
 * The ISBI 2012 challenge scores (Arganda-Carreras et al. 2015, Front. Neuroanat. 9:142): segments
 * are the 4-connected components of non-boundary pixels, in the ground truth T (mask 0) and in the
 * proposal S (probability below the threshold). Only pixels inside T's segments count (foreground
 * restriction); proposal boundary pixels there count as single-pixel segments, as the challenge's
 * evaluation script does. With p_ij the joint distribution of (S segment i, T segment j):
 *   V_rand = sum p_ij^2 / (0.5 sum_i s_i^2 + 0.5 sum_j t_j^2)   (split sum p^2/sum t^2, merge sum p^2/sum s^2)
 *   V_info = I(S;T) / (0.5 H(S) + 0.5 H(T))                      (split I/H(S), merge I/H(T))
 * Both are 1 for a perfect segmentation; natural logarithms (the ratios do not depend on the base).
 */
import { checkFinite, checkHW, checkMap, options } from './check.js';

/** 4-connected components of pixels where `on` is 1: labels 1..count, 0 elsewhere. */
export function connectedComponents(on: Uint8Array, h: number, w: number): { labels: Int32Array; count: number } {
  checkMap('connectedComponents', 'on', on);
  checkHW('connectedComponents', h, w);
  if (on.length !== h * w) throw new Error(`connectedComponents: ${on.length} pixels, expected ${h}x${w}`);
  const labels = new Int32Array(h * w);
  const stack = new Int32Array(h * w);
  let count = 0;
  for (let p = 0; p < h * w; p++) {
    if (!on[p] || labels[p]) continue;
    count++;
    let top = 0;
    stack[top++] = p;
    labels[p] = count;
    while (top > 0) {
      const q = stack[--top];
      const y = (q / w) | 0;
      const x = q - y * w;
      const visit = (r: number) => {
        if (on[r] && !labels[r]) {
          labels[r] = count;
          stack[top++] = r;
        }
      };
      if (x > 0) visit(q - 1);
      if (x < w - 1) visit(q + 1);
      if (y > 0) visit(q - w);
      if (y < h - 1) visit(q + w);
    }
  }
  return { labels, count };
}

export interface IsbiScores {
  vRand: number;
  vRandSplit: number;
  vRandMerge: number;
  vInfo: number;
  vInfoSplit: number;
  vInfoMerge: number;
}

/** Scores of proposal labels (0 = boundary) against ground-truth labels (0 = boundary). */
export function isbiScoresFromLabels(truth: Int32Array, proposal: Int32Array): IsbiScores {
  checkMap('isbiScoresFromLabels', 'truth', truth);
  checkMap('isbiScoresFromLabels', 'proposal', proposal);
  if (truth.length !== proposal.length) throw new Error(`isbiScores: ${truth.length} ground-truth and ${proposal.length} proposal labels`);
  const joint = new Map<number, number>();
  const s = new Map<number, number>();
  const t = new Map<number, number>();
  let n = 0;
  let singles = 0;
  const stride = 2 ** 26;
  for (let p = 0; p < truth.length; p++) {
    const j = truth[p];
    if (j === 0) continue;
    n++;
    t.set(j, (t.get(j) ?? 0) + 1);
    const i = proposal[p];
    if (i === 0) {
      singles++;
      continue;
    }
    s.set(i, (s.get(i) ?? 0) + 1);
    const key = i * stride + j;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  if (n === 0) throw new Error('isbiScores: the ground truth has no foreground pixels');
  const sq = (m: Map<number, number>) => [...m.values()].reduce((a, c) => a + c * c, 0);
  const ent = (m: Map<number, number>) => [...m.values()].reduce((a, c) => a - (c / n) * Math.log(c / n), 0);
  // Each single-pixel segment adds 1 to the sums of squared counts and (1/n) log n to the entropies.
  const single = singles * Math.log(n) / n;
  const sumP = sq(joint) + singles;
  const sumS = sq(s) + singles;
  const sumT = sq(t);
  const hS = ent(s) + single;
  const hT = ent(t);
  const hST = ent(joint) + single;
  const info = hS + hT - hST;
  const vRandSplit = sumP / sumT;
  const vRandMerge = sumP / sumS;
  const both = hS + hT;
  return {
    vRand: (2 * sumP) / (sumS + sumT), vRandSplit, vRandMerge,
    vInfo: both === 0 ? 1 : (2 * info) / both,
    vInfoSplit: hS === 0 ? 1 : info / hS,
    vInfoMerge: hT === 0 ? 1 : info / hT,
  };
}

/** Scores of a boundary probability map against a boundary mask (1 = boundary/membrane). */
export function foregroundRestrictedScores(boundary: Uint8Array, prob: Float32Array, h: number, w: number, opts?: { threshold?: number }): IsbiScores {
  const op = 'foregroundRestrictedScores';
  checkMap(op, 'boundary', boundary);
  checkMap(op, 'prob', prob);
  checkHW(op, h, w);
  const { threshold = 0.5 } = options<{ threshold: number }>(op, opts, ['threshold']);
  checkFinite(op, 'threshold', threshold);
  if (boundary.length !== h * w || prob.length !== h * w) throw new Error(`foregroundRestrictedScores: expected ${h}x${w} maps, got ${boundary.length} and ${prob.length} values`);
  const truth = connectedComponents(boundary.map((v) => (v ? 0 : 1)), h, w).labels;
  const proposal = connectedComponents(Uint8Array.from(prob, (v) => (v < threshold ? 1 : 0)), h, w).labels;
  return isbiScoresFromLabels(truth, proposal);
}
