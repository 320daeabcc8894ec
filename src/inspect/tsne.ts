/**
 * Barnes-Hut t-SNE (van der Maaten 2014) with the optimiser settings of scikit-learn's TSNE:
 * sparse input affinities over the 3 * perplexity nearest neighbours (exact kNN), PCA initialisation
 * (scaled to std 1e-4), 250 iterations of early exaggeration 12 with momentum 0.5, then momentum 0.8
 * (750 iterations in all by default, as openTSNE; scikit-learn runs 1000),
 * learning rate max(n / 12 / 4, 50), per-coordinate gains (+0.2 / *0.8, floor 0.01), theta 0.5.
 * Plain typed-array code (no tensors): it runs the same in the browser.
 */
import { pca } from './pca.js';
import { reduceDims } from './reduce.js';
import { QuadTree } from './quadtree.js';
import { symmetrize } from './graph.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { matmul } from '../ops/matmul.js';
import { slice, transpose } from '../ops/shape.js';
import { integer } from '../ops/args.js';
import { checkMatrix, checkOptions, describe, fail, intOpt, numOpt } from './common.js';

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  theta?: number;
  /** Source of randomness for the range finder of high-dimensional PCA. */
  random?: () => number;
}

/** A bounded max-heap keeping the k smallest (distance, index) pairs. */
class KSmallest {
  dist: Float64Array; idx: Int32Array; size = 0;
  constructor(readonly k: number) { this.dist = new Float64Array(k); this.idx = new Int32Array(k); }
  push(d: number, i: number): void {
    const { dist, idx } = this;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) { const p = (c - 1) >> 1; if (dist[p] >= d) break; dist[c] = dist[p]; idx[c] = idx[p]; c = p; }
      dist[c] = d; idx[c] = i;
    } else if (d < dist[0]) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1; if (l >= this.k) break;
        const r = l + 1, m = r < this.k && dist[r] > dist[l] ? r : l;
        if (dist[m] <= d) break;
        dist[c] = dist[m]; idx[c] = idx[m]; c = m;
      }
      dist[c] = d; idx[c] = i;
    }
  }
}

/**
 * Exact k nearest neighbours (squared Euclidean), excluding the point itself: |a|^2 + |b|^2 - 2 a.b
 * with the dot products as blocked matrix products on the active backend (SIMD in wasm).
 */
export function nearestNeighbours(x: ArrayLike<number>, n: number, d: number, k: number): { index: Int32Array; dist: Float64Array } {
  checkMatrix('nearestNeighbours', 'x', x, n, d);
  integer('inspect.nearestNeighbours', 'k', k, { min: 0, max: n - 1 });
  const xs = Float32Array.from(x as ArrayLike<number>);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < d; j++) s += xs[i * d + j] * xs[i * d + j]; norms[i] = s; }
  const all = fromArray(xs, [n, d]), allT = noGrad(() => transpose(all, 0, 1));
  const index = new Int32Array(n * k), dist = new Float64Array(n * k);
  const heap = new KSmallest(k), block = Math.max(1, Math.floor(4_000_000 / n));
  for (let b0 = 0; b0 < n; b0 += block) {
    const rows = Math.min(block, n - b0);
    const rowsT = slice(all, 0, b0, b0 + rows), prod = noGrad(() => matmul(rowsT, allT));
    const dots = prod.dataSync();
    prod.dispose();
    rowsT.dispose();
    for (let r = 0; r < rows; r++) {
      const i = b0 + r, o = r * n, ni = norms[i];
      heap.size = 0;
      for (let m = 0; m < n; m++) if (m !== i) heap.push(Math.max(0, ni + norms[m] - 2 * dots[o + m]), m);
      const order = Array.from({ length: heap.size }, (_, j) => j).sort((a, c) => heap.dist[a] - heap.dist[c]);
      order.forEach((j, q) => { index[i * k + q] = heap.idx[j]; dist[i * k + q] = heap.dist[j]; });
    }
  }
  return { index, dist };
}

/** Symmetric sparse P (CSR) from conditional Gaussian affinities calibrated to the perplexity. */
function affinities(index: Int32Array, dist: Float64Array, n: number, k: number, perplexity: number): { rowStart: Int32Array; col: Int32Array; val: Float64Array } {
  const cond = new Float64Array(n * k), target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1, lo = -Infinity, hi = Infinity;
    const o = i * k;
    for (let it = 0; it < 100; it++) {
      let sum = 0, hsum = 0;
      for (let j = 0; j < k; j++) { const p = Math.exp(-dist[o + j] * beta); cond[o + j] = p; sum += p; hsum += dist[o + j] * p; }
      if (sum === 0) sum = 1e-8;
      const entropy = Math.log(sum) + beta * hsum / sum;
      for (let j = 0; j < k; j++) cond[o + j] /= sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) { lo = beta; beta = hi === Infinity ? beta * 2 : (beta + hi) / 2; } else { hi = beta; beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2; }
    }
  }
  // P = (P_j|i + P_i|j) / 2n over the union of both neighbour lists.
  return symmetrize(index, cond, n, k, (a, b) => (a + b) / (2 * n));
}

/** Embeds the rows of `data` [n, d] in 2-D: returns [n, 2] row-major. */
export function tsne(data: ArrayLike<number>, n: number, d: number, options?: TsneOptions): Float64Array {
  const op = 'tsne';
  checkMatrix(op, 'data', data, n, d);
  const o = checkOptions(op, options, ['perplexity', 'iterations', 'theta', 'random']) as TsneOptions;
  let perplexity = numOpt(op, 'perplexity', o.perplexity, 30, Number.MIN_VALUE);
  const iterations = intOpt(op, 'iterations', o.iterations, 750, 0);
  const theta = numOpt(op, 'theta', o.theta, 0.5, 0);
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') fail(op, `random must be a function returning numbers in [0, 1), got ${describe(random)}`);
  if (n < 4) fail(op, `needs at least 4 points, got ${n}`);
  perplexity = Math.min(perplexity, (n - 1) / 3);
  let x: ArrayLike<number> = data, dim = d;
  if (d > 50) { x = reduceDims(data, n, d, 50, random); dim = 50; }
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const { index, dist } = nearestNeighbours(x, n, dim, k);
  const P = affinities(index, dist, n, k, perplexity);
  // PCA initialisation, first coordinate scaled to std 1e-4.
  const y = pca(x, n, dim, 2, random).coords;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += y[2 * i] * y[2 * i];
  sd = Math.sqrt(sd / n) || 1;
  for (let i = 0; i < 2 * n; i++) y[i] *= 1e-4 / sd;
  const update = new Float64Array(2 * n), gains = new Float64Array(2 * n).fill(1), grad = new Float64Array(2 * n);
  const lr = Math.max(n / 12 / 4, 50), tree = new QuadTree(n);
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < 250 ? 12 : 1, momentum = it < 250 ? 0.5 : 0.8;
    tree.build(y, theta);
    const z = tree.repulsion(y, grad);
    for (let i = 0; i < 2 * n; i++) grad[i] /= z;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i], py = y[2 * i + 1];
      let ax = 0, ay = 0;
      for (let p = P.rowStart[i]; p < P.rowStart[i + 1]; p++) {
        const j = P.col[p], dx = px - y[2 * j], dy = py - y[2 * j + 1];
        const w = P.val[p] / (1 + dx * dx + dy * dy);
        ax += w * dx; ay += w * dy;
      }
      grad[2 * i] += exaggeration * ax; grad[2 * i + 1] += exaggeration * ay;
    }
    for (let i = 0; i < 2 * n; i++) {
      const g = 4 * grad[i];
      gains[i] = Math.sign(g) !== Math.sign(update[i]) ? gains[i] + 0.2 : Math.max(gains[i] * 0.8, 0.01);
      update[i] = momentum * update[i] - lr * gains[i] * g;
      y[i] += update[i];
    }
  }
  return y;
}

/** Leave-one-out k-nearest-neighbour accuracy of labelled points [n, dim] (majority vote, ties to the nearest). */
export function knnAccuracy(points: ArrayLike<number>, n: number, dim: number, labels: ArrayLike<number>, k = 5): number {
  checkMatrix('knnAccuracy', 'points', points, n, dim);
  if (labels === null || typeof labels !== 'object' || !(labels.length >= n)) fail('knnAccuracy', `labels must be an array of ${n} class indices, got ${describe(labels)}`);
  k = intOpt('knnAccuracy', 'k', k, 5);
  const { index } = nearestNeighbours(points, n, dim, Math.min(k, n - 1));
  const kk = Math.min(k, n - 1);
  let right = 0;
  for (let i = 0; i < n; i++) {
    const votes = new Map<number, number>();
    let best = labels[index[i * kk]], bestVotes = 0;
    for (let j = 0; j < kk; j++) {
      const l = labels[index[i * kk + j]], v = (votes.get(l) ?? 0) + 1;
      votes.set(l, v);
      if (v > bestVotes) { best = l; bestVotes = v; }
    }
    if (best === labels[i]) right++;
  }
  return right / n;
}
