/**
 * The embedding map (in the worker): the first held-out images through the model, the penultimate
 * layer's features projected to 2-D by neocog's inspect.embed (t-SNE or PCA), with the map's kNN
 * score, drawn by render.scatterPlot coloured by class.
 */
import * as nc from 'neocog';
import type { EmbedMethod, EmbeddingMap } from './protocol';
import type { ImageSet } from './datasets';

type Model = nc.nn.Module<[nc.Tensor], nc.Tensor>;

/** Held-out images on the map: enough for a picture, few enough that t-SNE takes about a second. */
export const EMBED_COUNT = 300;

export function embeddingMap(model: Model, set: ImageSet, method: EmbedMethod, classes: readonly string[], epoch: number): EmbeddingMap {
  const t0 = performance.now();
  const n = Math.min(EMBED_COUNT, set.count);
  return nc.tidy(() => {
    const x = nc.fromArray(Float32Array.from(set.images.subarray(0, n * 784), (v) => v / 255), [n, 1, 28, 28]);
    const labels = set.labels.subarray(0, n);
    // A fixed seed: the same weights give the same map.
    const e = nc.inspect.embed(model, x, { method, labels, generator: new nc.Generator(7), ...(method === 'tsne' ? { iterations: 500 } : {}) });
    // Small, and shown twice as large with crisp pixels, so the legend's pixel font is readable.
    const img = nc.render.scatterPlot(e.coords, labels, { size: 200, classes });
    return {
      epoch, method, layer: e.layer, count: n, knn: e.knnAccuracy ?? NaN, featureKnn: e.featureKnnAccuracy ?? NaN,
      ms: performance.now() - t0, picture: { width: img.width, height: img.height, data: img.data },
    };
  });
}
