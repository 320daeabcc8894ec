/**
 * A layer's activations for N inputs, projected to 2-D ('pca', Barnes-Hut 'tsne' or 'umap'), with the
 * leave-one-out kNN accuracy of the map when labels are given (how well the 2-D picture keeps classes apart).
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import type { AnyModule } from '../nn/module.js';
import { capture, checkInput, checkModel, checkOp, checkOptions, describe, fail, inspecting, intOpt, numOpt } from './common.js';
import { pca } from './pca.js';
import { knnAccuracy, tsne } from './tsne.js';
import { umap, umapEpochs } from './umap.js';

export type EmbedMethod = 'pca' | 'tsne' | 'umap';
export const EMBED_METHODS: readonly EmbedMethod[] = ['pca', 'tsne', 'umap'];

export interface EmbedOptions {
  /** Dotted module name whose output is embedded (default: the input to the model's last module). */
  layer?: string;
  method?: EmbedMethod;
  /** Class labels (N), for the kNN score. */
  labels?: ArrayLike<number>;
  /** kNN neighbours (default 5). */
  k?: number;
  /** t-SNE only: perplexity (default 30) and iterations (default 750, as tsne() and openTSNE). */
  perplexity?: number;
  iterations?: number;
  /** UMAP only: neighbourhood size, the point itself included (default 15). */
  nNeighbors?: number;
  /** UMAP only: smallest distance between points in the map (default 0.1). */
  minDist?: number;
  /** UMAP only: SGD epochs (default 500 up to 10,000 inputs, 200 above). */
  epochs?: number;
  batchSize?: number;
  generator?: Generator;
}

export interface Embedding {
  layer: string;
  method: EmbedMethod;
  /** [N, 2] row-major. */
  coords: Float64Array;
  /** The layer's features [N, D] (flattened per sample). */
  dim: number;
  /** Leave-one-out kNN accuracy on the 2-D map, and on the layer's own features, when labels are given. */
  knnAccuracy?: number;
  featureKnnAccuracy?: number;
}

/** Activations of `layer` for every input, in batches, flattened per sample. */
export function layerFeatures(op: string, model: AnyModule, x: Tensor, layer: string, batchSize: number): Float32Array {
  checkOp('layerFeatures', op);
  checkModel(op, model);
  checkInput(op, x);
  if (typeof layer !== 'string') fail(op, `layer must be a dotted module name (a string), got ${describe(layer)}`);
  batchSize = intOpt(op, 'batchSize', batchSize, NaN);
  const n = x.shape[0];
  let out: Float32Array | null = null, dim = 0;
  inspecting(model, () => noGrad(() => {
    for (let i = 0; i < n; i += batchSize) {
      const b = Math.min(batchSize, n - i);
      const { activation } = capture(op, model, layer, () => model.call(x.slice(0, i, i + b)));
      if (activation.shape[0] !== b) fail(op, `layer '${layer}' gives [${activation.shape.join(',')}] for a batch of ${b}`);
      dim = activation.size / b;
      out ??= new Float32Array(n * dim);
      out.set(activation.dataSync(), i * dim);
    }
  }));
  return out!;
}

export function embed(model: AnyModule, inputs: Tensor, options?: EmbedOptions): Embedding {
  const op = 'embed';
  checkModel(op, model);
  const x = checkInput(op, inputs);
  const o = checkOptions(op, options, ['layer', 'method', 'labels', 'k', 'perplexity', 'iterations', 'nNeighbors', 'minDist', 'epochs', 'batchSize', 'generator']) as EmbedOptions;
  const method = o.method ?? 'tsne';
  if (!EMBED_METHODS.includes(method)) fail(op, `unknown method ${describe(method)}`, `use one of ${EMBED_METHODS.join(', ')}`);
  const n = x.shape[0];
  const layer = o.layer ?? defaultLayer(model);
  if (o.labels !== undefined && (typeof o.labels !== 'object' || o.labels === null || (o.labels as ArrayLike<number>).length !== n)) fail(op, `labels must be an array of ${n} class indices, got ${describe(o.labels)}`);
  const k = intOpt(op, 'k', o.k, 5);
  const perplexity = numOpt(op, 'perplexity', o.perplexity, 30, 1);
  const iterations = intOpt(op, 'iterations', o.iterations, 750);
  const batchSize = intOpt(op, 'batchSize', o.batchSize, 256);
  const nNeighbors = intOpt(op, 'nNeighbors', o.nNeighbors, 15, 2);
  const minDist = numOpt(op, 'minDist', o.minDist, 0.1, 0);
  const epochs = o.epochs === undefined ? undefined : intOpt(op, 'epochs', o.epochs, 1);
  const given = (keys: readonly (keyof EmbedOptions)[]) => keys.filter((key) => o[key] !== undefined);
  const tsneOnly = given(['perplexity', 'iterations']), umapOnly = given(['nNeighbors', 'minDist', 'epochs']);
  const names = (keys: string[]) => (keys.length > 1 ? `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]} apply` : `${keys[0]} applies`);
  if (method !== 'tsne' && tsneOnly.length) fail(op, `${names(tsneOnly)} to method 'tsne', not '${method}'`, method === 'umap' ? 'UMAP takes nNeighbors, minDist and epochs' : undefined);
  if (method !== 'umap' && umapOnly.length) fail(op, `${names(umapOnly)} to method 'umap', not '${method}'`, method === 'tsne' ? 't-SNE takes perplexity and iterations' : undefined);
  if (o.generator !== undefined && !(o.generator instanceof Generator)) fail(op, `generator must be a Generator, got ${describe(o.generator)}`);
  const gen = o.generator ?? defaultGenerator;
  const random = () => gen.random();
  if (n < 4) fail(op, `needs at least 4 inputs, got ${n}`);
  if (nNeighbors > n) fail(op, `nNeighbors must be at most the number of inputs (${n}), got ${nNeighbors}`);
  const feats = layerFeatures(op, model, x, layer, batchSize);
  const dim = feats.length / n;
  const coords = method === 'pca' ? pca(feats, n, dim, Math.min(2, dim), random).coords
    : method === 'umap' ? umap(feats, n, dim, { nNeighbors, minDist, epochs: epochs ?? umapEpochs(n), random })
    : tsne(feats, n, dim, { perplexity, iterations, random });
  const result: Embedding = { layer, method, coords, dim };
  if (o.labels) {
    result.knnAccuracy = knnAccuracy(coords, n, 2, o.labels, k);
    result.featureKnnAccuracy = knnAccuracy(feats, n, dim, o.labels, k);
  }
  return result;
}

/** The input of the last module: for a classifier, the last hidden layer's features (named after the module producing them). */
function defaultLayer(model: AnyModule): string {
  const leaves = model.namedModules().filter(([, m]) => m.children().length === 0);
  if (leaves.length < 2) fail('embed', 'cannot pick a default layer', 'pass { layer }');
  return leaves[leaves.length - 2][0];
}
