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
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
    const m = index[i * k + j], v = cond[i * k + j] / (2 * n);
    rows[i].set(m, (rows[i].get(m) ?? 0) + v);
    rows[m].set(i, (rows[m].get(i) ?? 0) + v);
  }
  const rowStart = new Int32Array(n + 1);
  rows.forEach((r, i) => (rowStart[i + 1] = rowStart[i] + r.size));
  const col = new Int32Array(rowStart[n]), val = new Float64Array(rowStart[n]);
  rows.forEach((r, i) => { let p = rowStart[i]; for (const [c, v] of r) { col[p] = c; val[p++] = v; } });
  return { rowStart, col, val };
}

/** A quadtree over the current map, stored in flat arrays (rebuilt every iteration). */
class QuadTree {
  cx: Float64Array; cy: Float64Array; hw: Float64Array; mx: Float64Array; my: Float64Array;
  count: Int32Array; child: Int32Array; pt: Int32Array; size = 0;
  constructor(cap: number) {
    this.cx = new Float64Array(cap); this.cy = new Float64Array(cap); this.hw = new Float64Array(cap);
    this.mx = new Float64Array(cap); this.my = new Float64Array(cap);
    this.count = new Int32Array(cap); this.child = new Int32Array(cap); this.pt = new Int32Array(cap);
  }
  private node(cx: number, cy: number, hw: number): number {
    if (this.size === this.cx.length) this.grow();
    const i = this.size++;
    this.cx[i] = cx; this.cy[i] = cy; this.hw[i] = hw; this.mx[i] = 0; this.my[i] = 0; this.count[i] = 0; this.child[i] = -1; this.pt[i] = -1;
    return i;
  }
  private grow(): void {
    const cap = this.cx.length * 2;
    for (const key of ['cx', 'cy', 'hw', 'mx', 'my'] as const) { const a = new Float64Array(cap); a.set(this[key]); this[key] = a; }
    for (const key of ['count', 'child', 'pt'] as const) { const a = new Int32Array(cap); a.set(this[key]); this[key] = a; }
  }
  build(y: Float64Array, n: number): void {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) { x0 = Math.min(x0, y[2 * i]); x1 = Math.max(x1, y[2 * i]); y0 = Math.min(y0, y[2 * i + 1]); y1 = Math.max(y1, y[2 * i + 1]); }
    this.size = 0;
    this.node((x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0) / 2 + 1e-5);
    for (let i = 0; i < n; i++) this.insert(y, i);
    // Sums -> centres of mass, once per build rather than once per visit.
    for (let i = 0; i < this.size; i++) if (this.count[i] > 0) { this.mx[i] /= this.count[i]; this.my[i] /= this.count[i]; }
  }
  private quadrant(node: number, px: number, py: number): number {
    return this.child[node] + (px > this.cx[node] ? 1 : 0) + (py > this.cy[node] ? 2 : 0);
  }
  private insert(y: Float64Array, i: number): void {
    const px = y[2 * i], py = y[2 * i + 1];
    let node = 0;
    for (let depth = 0; ; depth++) {
      if (this.child[node] === -1) {
        if (this.count[node] === 0) { this.pt[node] = i; this.count[node] = 1; this.mx[node] = px; this.my[node] = py; return; }
        const old = this.pt[node];
        // Coincident points (or a very deep tree) share a leaf.
        if (depth > 40 || old < 0 || (y[2 * old] === px && y[2 * old + 1] === py)) { this.pt[node] = -1; this.count[node]++; this.mx[node] += px; this.my[node] += py; return; }
        const h = this.hw[node] / 2, cx = this.cx[node], cy = this.cy[node];
        const first = this.node(cx - h, cy - h, h);
        this.node(cx + h, cy - h, h); this.node(cx - h, cy + h, h); this.node(cx + h, cy + h, h);
        this.child[node] = first; this.pt[node] = -1;
        const c = this.quadrant(node, y[2 * old], y[2 * old + 1]);
        this.pt[c] = old; this.count[c] = 1; this.mx[c] = y[2 * old]; this.my[c] = y[2 * old + 1];
      }
      this.count[node]++; this.mx[node] += px; this.my[node] += py;
      node = this.quadrant(node, px, py);
    }
  }
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
  const lr = Math.max(n / 12 / 4, 50), tree = new QuadTree(4 * n), stack = new Int32Array(64 * 4 + 16);
  const theta2 = theta * theta;
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < 250 ? 12 : 1, momentum = it < 250 ? 0.5 : 0.8;
    tree.build(y, n);
    // Hot loop: the tree's arrays as locals (build() may have replaced them).
    const { mx, my, hw, count, child, pt } = tree;
    let z = 0;
    for (let i = 0; i < n; i++) {
      // Repulsion: far cells summarised by their centre of mass.
      const px = y[2 * i], py = y[2 * i + 1];
      let fx = 0, fy = 0, sp = 0;
      stack[sp++] = 0;
      while (sp > 0) {
        const nd = stack[--sp];
        if (pt[nd] === i) continue;
        const cnt = count[nd], dx = px - mx[nd], dy = py - my[nd], d2 = dx * dx + dy * dy;
        const c = child[nd];
        if (c === -1 || 4 * hw[nd] * hw[nd] < theta2 * d2) {
          if (d2 === 0) continue;
          const q = 1 / (1 + d2), cq = cnt * q;
          z += cq;
          fx += cq * q * dx; fy += cq * q * dy;
        } else {
          if (count[c] > 0) stack[sp++] = c;
          if (count[c + 1] > 0) stack[sp++] = c + 1;
          if (count[c + 2] > 0) stack[sp++] = c + 2;
          if (count[c + 3] > 0) stack[sp++] = c + 3;
        }
      }
      grad[2 * i] = -fx; grad[2 * i + 1] = -fy;
    }
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
