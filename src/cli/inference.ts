/** Evaluating a trained model on a dataset split and classifying image files: the logic behind `eval` and `predict`. */
import { existsSync, statSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { stack } from '../ops/shape.js';
import { softmax } from '../ops/activation.js';
import { sub } from '../ops/elementwise.js';
import { DataLoader, readImage, transforms } from '../data/index.js';
import { evaluate, FlipTTA, predict, type EvaluateResult } from '../train/index.js';
import type { AnyModule } from '../nn/module.js';
import { loadSplit, type DatasetOptions, type Split } from './datasets.js';
import { CliError, oneLine } from './errors.js';

export interface EvalConfig extends DatasetOptions {
  split: Split;
  limit?: number;
  /** Top-k accuracies to report besides top-1 (k < number of classes). */
  topK: number[];
  batchSize?: number;
  /** Test-time augmentation: 'flip' averages the predictions for each image and its mirror. */
  tta?: 'none' | 'flip';
}

export async function evaluateOn(model: AnyModule, cfg: EvalConfig): Promise<EvaluateResult> {
  const ds = await loadSplit(cfg, cfg.split, { limit: cfg.limit });
  const net = cfg.tta === 'flip' ? new FlipTTA(model) : model;
  return evaluate(net, new DataLoader(ds, { batchSize: cfg.batchSize ?? 500 }), { loss: 'crossEntropy', topK: cfg.topK, confusion: true });
}

export const INVERT_MODES = ['auto', 'always', 'never'] as const;
export type InvertMode = (typeof INVERT_MODES)[number];

export interface PreparedImage {
  path: string;
  /** [C,H,W] in [0,1], as the model takes it. */
  input: Tensor;
  /** Original size and channels. */
  original: { channels: number; height: number; width: number };
  resized: boolean;
  inverted: boolean;
}

/**
 * Reads an image and makes it look like the training data: grey (or RGB) to match the model's input
 * channels, resized (bilinear) to its height x width, and, since MNIST-style digits are light on a dark
 * background, inverted when the picture is dark on light ('auto': when its border is mostly light).
 */
export function prepareImage(path: string, inputShape: readonly number[], invert: InvertMode = 'auto'): PreparedImage {
  if (!existsSync(path)) throw new CliError(`${path}: no such file`);
  if (!statSync(path).isFile()) throw new CliError(`${path}: not a file`);
  const [c, h, w] = inputShape;
  let x: Tensor;
  let original: PreparedImage['original'];
  try {
    x = readImage(path);
    original = { channels: x.shape[0], height: x.shape[1], width: x.shape[2] };
    // Grey (+alpha) or colour (+alpha) files are converted to what the model takes (ITU-R 601 luma for grey).
    if (x.shape[0] !== c && (c === 1 || c === 3)) x = readImage(path, { mode: c === 1 ? 'L' : 'RGB' });
  } catch (e) {
    throw new CliError(oneLine(e).replace(/^readImage: /, ''));
  }
  if (x.shape[0] !== c) throw new CliError(`${path}: has ${x.shape[0]} channels, the model takes ${c}`);
  const resized = x.shape[1] !== h || x.shape[2] !== w;
  if (resized) x = transforms.Resize([h, w])(x);
  let inverted = false;
  if (invert === 'always' || (invert === 'auto' && borderMean(x) > 0.5)) {
    x = sub(1, x);
    inverted = true;
  }
  return { path, input: x, original, resized, inverted };
}

/** Mean value of the outermost ring of pixels (the background, for a centred digit). */
function borderMean(x: Tensor): number {
  const [c, h, w] = x.shape;
  const v = x.dataSync();
  let s = 0;
  let n = 0;
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        if (i === 0 || j === 0 || i === h - 1 || j === w - 1) {
          s += v[(k * h + i) * w + j];
          n++;
        }
      }
    }
  }
  return n ? s / n : 0;
}

export interface Prediction {
  image: PreparedImage;
  /** The k most likely classes, best first. */
  top: { index: number; label: string; probability: number }[];
}

/** Softmax probabilities of each image's classes, top-k first. */
export function classify(model: AnyModule, images: PreparedImage[], classes: readonly string[], k: number): Prediction[] {
  if (images.length === 0) return [];
  const probs = softmax(predict(model, stack(images.map((i) => i.input), 0)), 1);
  const n = probs.shape[1];
  const v = probs.dataSync();
  return images.map((image, b) => {
    const row = Array.from(v.subarray(b * n, (b + 1) * n));
    const order = row.map((p, i) => [p, i] as const).sort((a, b2) => b2[0] - a[0] || a[1] - b2[1]);
    const top = order.slice(0, Math.min(k, n)).map(([p, i]) => ({ index: i, label: classes[i] ?? String(i), probability: p }));
    return { image, top };
  });
}
