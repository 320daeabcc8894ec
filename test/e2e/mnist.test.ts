/**
 * End to end on real data: the lecture's MNIST ConvNet trained on the first 3,000 images of the
 * official MNIST training set (../shared/datasets/mnist) for 2 epochs (SGD, momentum 0.9, lr 0.03
 * with cosine decay, batch 16), then tested on the first 1,000 images of the official test set.
 *
 * Stated accuracy: at least 90% (measured 93.7–93.9% over seeds 0–2; the lecture reaches 98.8% with
 * the full 60,000 images). The saved model is loaded back and must score exactly the same.
 * Takes about 10 s with the wasm backend and well under a minute on the plain-TypeScript one (2 cores).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { trainModel } from '../../src/cli/training.js';
import { evaluateOn } from '../../src/cli/inference.js';
import { loadTrainedModel } from '../../src/cli/weights.js';

const MNIST_DIR = fileURLToPath(new URL('../../../shared/datasets/mnist/', import.meta.url));
const haveMnist = existsSync(join(MNIST_DIR, 'train-images-idx3-ubyte.gz')) || existsSync(join(MNIST_DIR, 'train-images-idx3-ubyte'));

describe.skipIf(!haveMnist)('MNIST end to end (mnist-convnet, 3,000 train / 1,000 test images)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neocog-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reaches at least 90% test accuracy, and the saved model scores the same', async () => {
    const sink = { text: '', write(s: string) { this.text += s; return true; } };
    const r = await trainModel({
      model: 'mnist-convnet', dataset: 'mnist', dataDir: MNIST_DIR, trainSubset: 3000, limitTest: 1000,
      epochs: 2, batchSize: 16, optimizer: 'sgd', lr: 0.03, momentum: 0.9, schedule: 'cosine', seed: 0, out: dir,
    }, { stdout: sink, verbose: 0 });
    expect(r.numTrain).toBe(3000);
    expect(r.numTest).toBe(1000);
    expect(r.epochsRun).toBe(2);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);

    const loaded = loadTrainedModel({ weights: dir });
    expect(loaded.name).toBe('mnist-convnet');
    const again = await evaluateOn(loaded.model, { dataset: 'mnist', dataDir: MNIST_DIR, split: 'test', limit: 1000, topK: [] });
    expect(again.numSamples).toBe(1000);
    expect(again.accuracy).toBeCloseTo(r.accuracy, 6);
  }, 120_000);
});
