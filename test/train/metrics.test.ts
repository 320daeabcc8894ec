import { describe, expect, it } from 'vitest';
import { data, F, nn, tensor } from '../../src/index.js';
import { accuracy, confusionMatrix, evaluate, topKAccuracy } from '../../src/train/index.js';

const scores = tensor([
  [0.1, 0.7, 0.2], // true 1, predicted 1
  [0.5, 0.3, 0.2], // true 2, predicted 0, not in the top 2
  [0.2, 0.3, 0.5], // true 2, predicted 2
  [0.4, 0.5, 0.1], // true 0, predicted 1, in the top 2
  [0.6, 0.1, 0.3], // true 0, predicted 0
]);
const labels = tensor([1, 2, 2, 0, 0], [5], { dtype: 'int32' });

describe('evaluate', () => {
  it('computes loss, accuracy, top-k and the confusion matrix on a hand-made case', async () => {
    const loader = new data.DataLoader(new data.TensorDataset(scores, labels), { batchSize: 2 });
    const r = await evaluate(new nn.Identity(), loader, { loss: 'crossEntropy', topK: [2, 3], confusion: true });
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    expect(r.topK[2]).toBeCloseTo(0.8, 12);
    expect(r.topK[3]).toBe(1);
    expect(r.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(r.numSamples).toBe(5);
    expect(r.loss).toBeCloseTo(F.crossEntropy(scores, labels).item(), 6);
    const r4 = await evaluate(new nn.Identity(), loader, { confusion: true, numClasses: 4 });
    expect(r4.loss).toBeNull();
    expect(r4.confusionMatrix).toEqual([[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]);
  });

  it('runs the model in eval mode and restores its mode', async () => {
    const model = new nn.Sequential(new nn.Dropout(0.9));
    const loader = new data.DataLoader(new data.TensorDataset(scores, labels), { batchSize: 5 });
    const r = await evaluate(model, loader, { topK: [2] });
    expect(r.accuracy).toBeCloseTo(0.6, 12); // dropout off: the scores pass unchanged
    expect(model.training).toBe(true);
    await expect(evaluate(model, loader, { topK: [0] })).rejects.toThrow(/topK entries must be positive integers/);
  });
});

describe('metric functions', () => {
  it('accuracy and top-k from class indices or one-hot targets', () => {
    expect(accuracy(scores, labels)).toBeCloseTo(0.6, 12);
    expect(topKAccuracy(scores, labels, 2)).toBeCloseTo(0.8, 12);
    const oneHot = tensor([[0, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0], [1, 0, 0]]);
    expect(accuracy(scores, oneHot)).toBeCloseTo(0.6, 12);
    expect(confusionMatrix(scores, labels)).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 1]]);
  });

  it('skips negative (ignored) targets, handles per-pixel scores and single-column probabilities', () => {
    expect(accuracy(scores, tensor([1, -100, 2, -100, 0], [5], { dtype: 'int32' }))).toBe(1);
    // [N=1, C=2, H=1, W=3]: class scores per pixel.
    const seg = tensor([[[[0.9, 0.1, 0.4]], [[0.1, 0.8, 0.6]]]]);
    expect(accuracy(seg, tensor([[[0, 1, 0]]], [1, 1, 3], { dtype: 'int32' }))).toBeCloseTo(2 / 3, 12);
    expect(confusionMatrix(seg, tensor([[[0, 1, 0]]], [1, 1, 3], { dtype: 'int32' }))).toEqual([[1, 1], [0, 1]]);
    expect(accuracy(tensor([[0.9], [0.2], [0.7]]), tensor([[1], [0], [0]]))).toBeCloseTo(2 / 3, 12);
    expect(() => accuracy(scores, tensor([1, 2], [2], { dtype: 'int32' }))).toThrow(/target \[2\] \(int32\) does not match output \[5,3\]/);
  });
});
