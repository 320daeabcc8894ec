/**
 * t-SNE on real digits, tested on structure (not coordinates): the 2-D map of 600 embedded-MNIST digits
 * keeps most of each point's nearest neighbours and separates the classes about as well as the pixels do.
 */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { inspect, data } from '../../src/index.js';

describe('embed', () => {
  const ds = data.embeddedMnist({ train: false });
  const n = 600, d = 784;
  const pixels = Float32Array.from(ds.images.subarray(0, n * d), (v) => v / 255);
  const labels = ds.labels.subarray(0, n);

  test('t-SNE keeps neighbourhoods and classes', () => {
    const y = inspect.tsne(pixels, n, d, { perplexity: 20, iterations: 500, random: new nc.Generator(1).random.bind(new nc.Generator(1)) });
    const k = 10;
    const hi = inspect.nearestNeighbours(pixels, n, d, k).index, lo = inspect.nearestNeighbours(y, n, 2, k).index;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const set = new Set(hi.subarray(i * k, (i + 1) * k));
      for (const j of lo.subarray(i * k, (i + 1) * k)) if (set.has(j)) kept++;
    }
    const preservation = kept / (n * k);
    const accPixels = inspect.knnAccuracy(pixels, n, d, labels), accMap = inspect.knnAccuracy(y, n, 2, labels);
    // A random 2-D layout keeps ~k/n = 1.7% of neighbours and scores ~10%.
    expect(preservation).toBeGreaterThan(0.35);
    expect(accMap).toBeGreaterThan(accPixels - 0.08);
    expect(accMap).toBeGreaterThan(0.75);
  });

  test('embed() runs a model layer and scores the map; PCA variant', () => {
    nc.manualSeed(0);
    const model = new nc.nn.Sequential(new nc.nn.Flatten(), new nc.nn.Linear(784, 32), new nc.nn.ReLU(), new nc.nn.Linear(32, 10));
    const x = nc.fromArray(pixels.slice(0, 200 * d), [200, 1, 28, 28]);
    const e = inspect.embed(model, x, { method: 'pca', labels: labels.subarray(0, 200) });
    expect(e.layer).toBe('2');
    expect(e.dim).toBe(32);
    expect(e.coords.length).toBe(400);
    expect(e.knnAccuracy).toBeGreaterThan(0.2);
    expect(() => inspect.embed(model, x, { method: 'isomap' as never })).toThrow(/unknown method "isomap".*pca, tsne, umap/);
    expect(() => inspect.embed(model, x, { method: 'pca', perplexity: 5 })).toThrow(/perplexity applies to method 'tsne', not 'pca'/);
  });
});
