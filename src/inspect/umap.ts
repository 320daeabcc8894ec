/**
 * UMAP (McInnes, Healy & Melville 2018) with the defaults and optimiser of umap-learn:
 * exact kNN (nNeighbors counting the point itself; PCA to 50 dimensions first for wider data),
 * smooth-kNN distances (rho = distance to the nearest neighbour, sigma by binary search so that the
 * memberships sum to log2(nNeighbors)), fuzzy union w + w' - w w', edges below max / epochs dropped,
 * PCA initialisation scaled to [0, 10], then SGD over the edges (each sampled in proportion to its weight)
 * with 5 negative samples per positive one, learning rate 1 decaying linearly to 0, gradients clipped to 4,
 * and the low-dimensional curve 1 / (1 + a d^2b) fitted to minDist / spread by Levenberg-Marquardt.
 * Plain typed-array code (no tensors besides the kNN's matrix products): it runs the same in the browser.
 */
import { pca } from './pca.js';
import { reduceDims } from './reduce.js';
import { nearestNeighbours } from './tsne.js';
import { symmetrize } from './graph.js';
import { checkMatrix, checkOptions, describe, fail, intOpt, numOpt } from './common.js';

export interface UmapOptions {
  /** Size of the local neighbourhood, the point itself included (default 15). */
  nNeighbors?: number;
  /** Smallest distance between points in the map (default 0.1). */
  minDist?: number;
  /** Scale of the map's distances (default 1). */
  spread?: number;
  /** SGD epochs (default: 500 up to 10,000 points, 200 above, as umap-learn). */
  epochs?: number;
  /** Negative samples per positive one (default 5). */
  negativeSampleRate?: number;
  /** Initial SGD learning rate (default 1). */
  learningRate?: number;
  /** Weight of the negative (repulsive) samples (default 1). */
  repulsionStrength?: number;
  /** Source of randomness (PCA range finder, initial jitter, seed of the negative sampler). */
  random?: () => number;
}

/** umap-learn's default number of epochs for n points. */
export function umapEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200;
}

/**
 * a, b of the map's similarity curve 1 / (1 + a d^(2b)), least-squares fitted (Levenberg-Marquardt) to
 * 1 for d < minDist and exp(-(d - minDist) / spread) beyond, on 300 points in [0, 3 spread] (umap-learn's find_ab_params).
 */
export function fitAB(minDist: number, spread = 1): { a: number; b: number } {
  numOpt('fitAB', 'spread', spread, 1, Number.MIN_VALUE);
  numOpt('fitAB', 'minDist', minDist, 0.1, 0);
  if (minDist === undefined) fail('fitAB', 'minDist is required (e.g. 0.1)');
  const m = 300, xs = new Float64Array(m), ys = new Float64Array(m);
  for (let i = 0; i < m; i++) { const x = (3 * spread * i) / (m - 1); xs[i] = x; ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread); }
  const cost = (a: number, b: number) => { let s = 0; for (let i = 0; i < m; i++) { const r = 1 / (1 + a * Math.pow(xs[i], 2 * b)) - ys[i]; s += r * r; } return s; };
  let a = 1, b = 1, lambda = 1e-3, c = cost(a, b);
  for (let it = 0; it < 200; it++) {
    // Normal equations J^T J delta = -J^T r of the residuals r_i = f(x_i) - y_i.
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < m; i++) {
      const x = xs[i];
      if (x === 0) continue;
      const u = Math.pow(x, 2 * b), den = 1 + a * u, f = 1 / den, r = f - ys[i];
      const da = -u / (den * den), db = (-a * u * 2 * Math.log(x)) / (den * den);
      jaa += da * da; jab += da * db; jbb += db * db; ga += da * r; gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const A = jaa * (1 + lambda), B = jbb * (1 + lambda), det = A * B - jab * jab;
      const stepA = (-ga * B + gb * jab) / det, stepB = (-gb * A + ga * jab) / det;
      const na = a + stepA, nb = b + stepB;
      const nc = na > 0 && nb > 0 ? cost(na, nb) : Infinity;
      if (nc < c) {
        improved = true;
        const done = c - nc < 1e-15 * Math.max(1, c);
        a = na; b = nb; c = nc; lambda = Math.max(lambda / 10, 1e-12);
        if (done) return { a, b };
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

/** The fuzzy simplicial set: symmetric membership strengths (CSR, both directions of every edge). */
export function fuzzyGraph(index: Int32Array, dist: Float64Array, n: number, k: number, nNeighbors: number): { rowStart: Int32Array; col: Int32Array; val: Float64Array } {
  // Smooth kNN distances (dist: Euclidean, ascending, the point itself excluded).
  const target = Math.log2(nNeighbors);
  let meanAll = 0;
  for (let i = 0; i < n * k; i++) meanAll += dist[i];
  meanAll /= n * k;
  const w = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let rho = 0, mean = 0;
    for (let j = 0; j < k; j++) { mean += dist[o + j]; if (rho === 0 && dist[o + j] > 0) rho = dist[o + j]; }
    mean /= k;
    let lo = 0, hi = Infinity, sigma = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 0; j < k; j++) { const d = dist[o + j] - rho; psum += d > 0 ? Math.exp(-d / sigma) : 1; }
      if (Math.abs(psum - target) < 1e-5) break;
      if (psum > target) { hi = sigma; sigma = (lo + hi) / 2; } else { lo = sigma; sigma = hi === Infinity ? sigma * 2 : (lo + hi) / 2; }
    }
    sigma = Math.max(sigma, 1e-3 * (rho > 0 ? mean : meanAll));
    for (let j = 0; j < k; j++) { const d = dist[o + j] - rho; w[o + j] = d <= 0 ? 1 : Math.exp(-d / sigma); }
  }
  // Fuzzy union w_ij + w_ji - w_ij w_ji.
  return symmetrize(index, w, n, k, (u, v) => u + v - u * v);
}

/** Embeds the rows of `data` [n, d] in 2-D: returns [n, 2] row-major. */
export function umap(data: ArrayLike<number>, n: number, d: number, options: UmapOptions = {}): Float64Array {
  const op = 'umap';
  checkMatrix(op, 'data', data, n, d);
  const o = checkOptions(op, options, ['nNeighbors', 'minDist', 'spread', 'epochs', 'negativeSampleRate', 'learningRate', 'repulsionStrength', 'random']) as UmapOptions;
  const minDist = numOpt(op, 'minDist', o.minDist, 0.1, 0);
  const spread = numOpt(op, 'spread', o.spread, 1, Number.MIN_VALUE);
  const negativeSampleRate = intOpt(op, 'negativeSampleRate', o.negativeSampleRate, 5, 0);
  const learningRate = numOpt(op, 'learningRate', o.learningRate, 1, Number.MIN_VALUE);
  const repulsionStrength = numOpt(op, 'repulsionStrength', o.repulsionStrength, 1, 0);
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') fail(op, `random must be a function returning numbers in [0, 1), got ${describe(random)}`);
  if (n < 4) fail(op, `needs at least 4 points, got ${n}`);
  const nNeighbors = Math.max(2, Math.min(intOpt(op, 'nNeighbors', o.nNeighbors, 15, 2), n));
  const epochs = intOpt(op, 'epochs', o.epochs, umapEpochs(n), 1);
  let x: ArrayLike<number> = data, dim = d;
  if (d > 50) { x = reduceDims(data, n, d, 50, random); dim = 50; }
  const k = nNeighbors - 1;
  const nn = nearestNeighbours(x, n, dim, k);
  for (let i = 0; i < nn.dist.length; i++) nn.dist[i] = Math.sqrt(nn.dist[i]);
  const G = fuzzyGraph(nn.index, nn.dist, n, k, nNeighbors);

  // Edges (both directions), those too weak to be sampled once in `epochs` dropped.
  let wmax = 0;
  for (let p = 0; p < G.val.length; p++) wmax = Math.max(wmax, G.val[p]);
  let edges = 0;
  for (let p = 0; p < G.val.length; p++) if (G.val[p] >= wmax / epochs) edges++;
  const head = new Int32Array(edges), tail = new Int32Array(edges), perSample = new Float64Array(edges);
  for (let i = 0, e = 0; i < n; i++) for (let p = G.rowStart[i]; p < G.rowStart[i + 1]; p++) {
    if (G.val[p] < wmax / epochs) continue;
    head[e] = i; tail[e] = G.col[p]; perSample[e++] = wmax / G.val[p];
  }

  // PCA initialisation: max |coordinate| 10, jitter 1e-4, then each axis rescaled to [0, 10].
  const y = pca(x, n, dim, 2, random).coords;
  let amax = 0;
  for (let i = 0; i < 2 * n; i++) amax = Math.max(amax, Math.abs(y[i]));
  for (let i = 0; i < 2 * n; i++) y[i] = (y[i] * 10) / (amax || 1) + 1e-4 * (random() - 0.5);
  for (let c = 0; c < 2; c++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, y[2 * i + c]); hi = Math.max(hi, y[2 * i + c]); }
    for (let i = 0; i < n; i++) y[2 * i + c] = (10 * (y[2 * i + c] - lo)) / (hi - lo || 1);
  }

  const { a, b } = fitAB(minDist, spread);
  // Negative samples from a xorshift32 seeded by `random`: ~10^8 draws for 10,000 points.
  let s = (Math.floor(random() * 0x100000000) | 0) || 0x9e3779b9;
  const nextSample = perSample.slice(), perNegative = new Float64Array(edges), nextNegative = new Float64Array(edges);
  for (let e = 0; e < edges; e++) { perNegative[e] = perSample[e] / negativeSampleRate; nextNegative[e] = perNegative[e]; }
  const twoAB = 2 * a * b, twoGammaB = 2 * repulsionStrength * b;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const alpha = learningRate * (1 - epoch / epochs);
    for (let e = 0; e < edges; e++) {
      if (nextSample[e] > epoch) continue;
      const i = head[e], j = tail[e];
      let px = y[2 * i], py = y[2 * i + 1];
      {
        const dx = px - y[2 * j], dy = py - y[2 * j + 1], d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const pb = Math.exp(b * Math.log(d2)), coeff = (-twoAB * pb) / (d2 * (a * pb + 1));
          let gx = coeff * dx, gy = coeff * dy;
          gx = gx > 4 ? 4 : gx < -4 ? -4 : gx; gy = gy > 4 ? 4 : gy < -4 ? -4 : gy;
          px += gx * alpha; py += gy * alpha;
          y[2 * j] -= gx * alpha; y[2 * j + 1] -= gy * alpha;
        }
      }
      nextSample[e] += perSample[e];
      const negatives = Math.floor((epoch - nextNegative[e]) / perNegative[e]);
      for (let q = 0; q < negatives; q++) {
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
        const m = (s >>> 0) % n;
        if (m === i) continue;
        const dx = px - y[2 * m], dy = py - y[2 * m + 1], d2 = dx * dx + dy * dy;
        if (d2 <= 0) continue;
        const coeff = twoGammaB / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));
        let gx = coeff * dx, gy = coeff * dy;
        gx = gx > 4 ? 4 : gx < -4 ? -4 : gx; gy = gy > 4 ? 4 : gy < -4 ? -4 : gy;
        px += gx * alpha; py += gy * alpha;
      }
      y[2 * i] = px; y[2 * i + 1] = py;
      nextNegative[e] += Math.max(0, negatives) * perNegative[e];
    }
  }
  return y;
}
