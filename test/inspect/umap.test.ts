/**
 * UMAP, tested on structure (not coordinates): on 1,000 real digits the 2-D map is trustworthy, keeps a good
 * share of each point's nearest neighbours and separates the classes about as well as the pixels do; on
 * well-separated blobs every point lands with its own blob. Plus: umap-learn's a/b curve, determinism for a
 * seed, and embed()'s option checks.
 */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { inspect, data } from '../../src/index.js';

/** Trustworthiness (Venna & Kaski; scikit-learn's formula): 1 = no map neighbour that is far in the data. */
function trustworthiness(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, k: number): number {
  const full = inspect.nearestNeighbours(x, n, d, n - 1).index, lo = inspect.nearestNeighbours(y, n, 2, k).index;
  const rank = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < n - 1; r++) rank[full[i * (n - 1) + r]] = r + 1;
    for (let q = 0; q < k; q++) t += Math.max(0, rank[lo[i * k + q]] - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * t;
}

function preservation(hi: Int32Array, lo: Int32Array, n: number, k: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const set = new Set(hi.subarray(i * k, (i + 1) * k));
    for (const j of lo.subarray(i * k, (i + 1) * k)) if (set.has(j)) kept++;
  }
  return kept / (n * k);
}

const seeded = (seed: number) => { const g = new nc.Generator(seed); return () => g.random(); };

describe('umap', () => {
  const ds = data.embeddedMnist({ train: false });
  const n = 1000, d = 784;
  const pixels = Float32Array.from(ds.images.subarray(0, n * d), (v) => v / 255);
  const labels = ds.labels.subarray(0, n);

  test('a, b of the curve match umap-learn', () => {
    const { a, b } = inspect.fitAB(0.1);
    expect(a).toBeCloseTo(1.5769, 3);
    expect(b).toBeCloseTo(0.8951, 3);
    const tight = inspect.fitAB(0.001);
    expect(tight.a).toBeCloseTo(1.929, 2);
    expect(tight.b).toBeCloseTo(0.7915, 3);
  });

  test('keeps neighbourhoods and classes of 1,000 digits', () => {
    const y = inspect.umap(pixels, n, d, { random: seeded(1) });
    expect(y.length).toBe(2 * n);
    expect(y.every(Number.isFinite)).toBe(true);
    const k = 10;
    const kept = preservation(inspect.nearestNeighbours(pixels, n, d, k).index, inspect.nearestNeighbours(y, n, 2, k).index, n, k);
    const trust = trustworthiness(pixels, y, n, d, k);
    const accPixels = inspect.knnAccuracy(pixels, n, d, labels), accMap = inspect.knnAccuracy(y, n, 2, labels);
    // A random layout keeps ~k/n = 1% of neighbours, scores ~10% and has trustworthiness ~0.5.
    // Measured: kept 0.47, trustworthiness 0.96, 5-NN accuracy 0.82-0.84 on the map and 0.87 on the pixels.
    expect(kept).toBeGreaterThan(0.35);
    expect(trust).toBeGreaterThan(0.93);
    expect(accMap).toBeGreaterThan(accPixels - 0.08);
    expect(accMap).toBeGreaterThan(0.78);
  });

  test('well-separated blobs stay apart; same seed, same map', () => {
    const m = 400, dim = 20, classes = 4, rnd = seeded(7);
    const x = new Float64Array(m * dim), lab = new Int32Array(m);
    const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 20 * rnd()));
    for (let i = 0; i < m; i++) { lab[i] = i % classes; for (let j = 0; j < dim; j++) x[i * dim + j] = centres[lab[i]][j] + rnd() - 0.5; }
    const y = inspect.umap(x, m, dim, { nNeighbors: 10, epochs: 200, random: seeded(3) });
    expect(inspect.knnAccuracy(y, m, 2, lab)).toBe(1);
    // Every point is nearer its own blob's 2-D centre than any other blob's.
    const cx = new Float64Array(classes), cy = new Float64Array(classes), cnt = new Float64Array(classes);
    for (let i = 0; i < m; i++) { cx[lab[i]] += y[2 * i]; cy[lab[i]] += y[2 * i + 1]; cnt[lab[i]]++; }
    let right = 0;
    for (let i = 0; i < m; i++) {
      let best = -1, bd = Infinity;
      for (let c = 0; c < classes; c++) { const dd = (y[2 * i] - cx[c] / cnt[c]) ** 2 + (y[2 * i + 1] - cy[c] / cnt[c]) ** 2; if (dd < bd) { bd = dd; best = c; } }
      if (best === lab[i]) right++;
    }
    expect(right).toBe(m);
    expect(inspect.umap(x, m, dim, { nNeighbors: 10, epochs: 200, random: seeded(3) })).toEqual(y);
    expect(inspect.umap(x, m, dim, { nNeighbors: 10, epochs: 200, random: seeded(4) })).not.toEqual(y);
  });

  test("embed(..., { method: 'umap' }) and its option checks", () => {
    nc.manualSeed(0);
    const model = new nc.nn.Sequential(new nc.nn.Flatten(), new nc.nn.Linear(784, 32), new nc.nn.ReLU(), new nc.nn.Linear(32, 10));
    const m = 300, x = nc.fromArray(pixels.slice(0, m * d), [m, 1, 28, 28]), lab = labels.subarray(0, m);
    const run = (seed: number) => inspect.embed(model, x, { method: 'umap', labels: lab, nNeighbors: 10, minDist: 0.2, epochs: 100, generator: new nc.Generator(seed) });
    const e = run(5);
    expect(e.method).toBe('umap');
    expect(e.layer).toBe('2');
    expect(e.dim).toBe(32);
    expect(e.coords.length).toBe(2 * m);
    expect(e.knnAccuracy).toBeGreaterThan(e.featureKnnAccuracy! - 0.1);
    expect(run(5).coords).toEqual(e.coords);
    expect(() => inspect.embed(model, x, { method: 'umap', nNeighbours: 10 } as never)).toThrow(/unknown option 'nNeighbours'/);
    expect(() => inspect.embed(model, x, { method: 'umap', perplexity: 30 })).toThrow(/perplexity applies to method 'tsne', not 'umap'/);
    expect(() => inspect.embed(model, x, { method: 'tsne', nNeighbors: 10, minDist: 0.5 })).toThrow(/nNeighbors and minDist apply to method 'umap', not 'tsne'/);
    expect(() => inspect.embed(model, x, { method: 'pca', epochs: 10 })).toThrow(/epochs applies to method 'umap', not 'pca'/);
    expect(() => inspect.embed(model, x, { method: 'tsne', nNeighbors: 10, minDist: 0.5, epochs: 9 })).toThrow(/nNeighbors, minDist and epochs apply to method 'umap'/);
    expect(() => inspect.embed(model, x, { method: 'umap', perplexity: 30, iterations: 9 })).toThrow(/perplexity and iterations apply to method 'tsne', not 'umap'.*nNeighbors, minDist and epochs/s);
    expect(() => inspect.embed(model, x, { method: 'umap', minDist: -1 })).toThrow(/minDist must be a finite number >= 0/);
    expect(() => inspect.embed(model, x, { method: 'umap', nNeighbors: 1 })).toThrow(/nNeighbors must be an integer >= 2/);
    expect(() => inspect.embed(model, x, { method: 'umap', nNeighbors: 400 })).toThrow(/nNeighbors must be at most the number of inputs \(300\)/);
    expect(() => inspect.embed(model, x, { method: 'umap', epochs: 0 })).toThrow(/epochs must be an integer >= 1/);
  });
});
