import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

const { F } = nc;
const r = randomInput;
const fixed = (shape: number[], seed: number) => r(shape, seed, { requiresGrad: false });
/** Positive float64 values (variances, weights) in [0.5, ~2.5). */
const pos = (shape: number[], seed: number, requiresGrad = false) => {
  const t = nc.add(nc.abs(fixed(shape, seed)), 0.5).detach();
  return requiresGrad ? t.requiresGrad_() : t;
};
/** Probabilities in (0, 1) as a float64 leaf. */
const probs = (shape: number[], seed: number, requiresGrad = true) => {
  const t = nc.sigmoid(fixed(shape, seed)).detach();
  return requiresGrad ? t.requiresGrad_() : t;
};
const classes = (shape: number[], C: number, seed: number) => nc.randint(0, C, shape, { generator: new nc.Generator(seed) });
const reductions = ['mean', 'sum', 'none'] as const;

describe('gradcheck: batchNorm', () => {
  test.each([
    ['2D train, affine', [6, 3], true, true],
    ['2D eval, affine', [5, 3], false, true],
    ['4D train, affine', [2, 3, 3, 4], true, true],
    ['4D eval, no affine', [2, 2, 3, 3], false, false],
    ['4D train, no affine', [3, 2, 2, 3], true, false],
    ['3D train, affine', [2, 3, 4], true, true],
    ['batch 1 with spatial dims, train', [1, 2, 3, 3], true, true],
  ] as const)('%s', (_name, shape, training, affine) => {
    const C = shape[1];
    const x = r([...shape], 1);
    const rm = fixed([C], 2), rv = pos([C], 3);
    const inputs = affine ? [x, r([C], 4), r([C], 5)] : [x];
    const fn = (xi: nc.Tensor, w?: nc.Tensor, b?: nc.Tensor) => F.batchNorm(xi, rm, rv, { weight: w, bias: b, training });
    expect(gradcheck(fn, inputs)).toBe(true);
  });

  test('null running stats use batch statistics', () => {
    expect(gradcheck((x, w) => F.batchNorm(x, null, null, { weight: w, eps: 1e-3 }), [r([4, 2, 2, 2], 6), r([2], 7)])).toBe(true);
  });

  test('eval mode is differentiable in the running stats too', () => {
    const fn = (x: nc.Tensor, rm: nc.Tensor, rv: nc.Tensor) => F.batchNorm(x, rm, rv);
    expect(gradcheck(fn, [r([3, 2], 8), r([2], 9), pos([2], 10, true)])).toBe(true);
  });
});

describe('gradcheck: localResponseNorm', () => {
  test.each([2, 3, 5])('size %i', (size) => {
    const fn = (x: nc.Tensor) => F.localResponseNorm(x, size, { alpha: 0.5, beta: 0.75, k: 2 });
    expect(gradcheck(fn, [r([2, 5, 2, 3], size)])).toBe(true);
  });
  test('3D input and default options', () => {
    expect(gradcheck((x) => F.localResponseNorm(x, 3), [r([2, 4, 5], 11, { scale: 3 })])).toBe(true);
  });
});

describe('gradcheck: localContrastNorm', () => {
  test.each([
    [3, [2, 2, 5, 5], 1],
    [5, [1, 3, 6, 5], 2],
  ] as const)('size %i on %j', (size, shape, sigma) => {
    expect(gradcheck((x) => F.localContrastNorm(x, { size, sigma }), [r([...shape], size)])).toBe(true);
  });
  test('3D input', () => {
    expect(gradcheck((x) => F.localContrastNorm(x, { size: 3, sigma: 1.5 }), [r([1, 4, 4], 12)])).toBe(true);
  });
});

describe('gradcheck: classification losses', () => {
  const t2 = classes([5], 4, 1);
  const t4 = classes([2, 2, 3], 3, 2);
  const weight = pos([4], 3);
  const tIgnore = nc.tensor([0, 2, -100, 3, 2], [5], { dtype: 'int32' });
  const tIgnore1 = nc.tensor([1, 2, 1, 3, 0], [5], { dtype: 'int32' });

  test.each(reductions)('crossEntropy %s: plain, weight, ignoreIndex, labelSmoothing', (reduction) => {
    const x = r([5, 4], 20, { scale: 2 });
    expect(gradcheck((i) => F.crossEntropy(i, t2, { reduction }), [x])).toBe(true);
    expect(gradcheck((i) => F.crossEntropy(i, t2, { reduction, weight }), [x])).toBe(true);
    expect(gradcheck((i) => F.crossEntropy(i, tIgnore, { reduction, weight }), [x])).toBe(true);
    expect(gradcheck((i) => F.crossEntropy(i, tIgnore1, { reduction, ignoreIndex: 1 }), [x])).toBe(true);
    expect(gradcheck((i) => F.crossEntropy(i, t2, { reduction, labelSmoothing: 0.2 }), [x])).toBe(true);
    expect(gradcheck((i) => F.crossEntropy(i, tIgnore1, { reduction, labelSmoothing: 0.1, weight, ignoreIndex: 1 }), [x])).toBe(true);
  });

  test.each(reductions)('crossEntropy %s on [N,C,H,W]', (reduction) => {
    const x = r([2, 3, 2, 3], 21);
    expect(gradcheck((i) => F.crossEntropy(i, t4, { reduction, weight: pos([3], 22), labelSmoothing: 0.1 }), [x])).toBe(true);
  });

  test.each(reductions)('nllLoss %s: plain, weight, ignoreIndex, 4D', (reduction) => {
    const x = r([5, 4], 23);
    expect(gradcheck((i) => F.nllLoss(i, t2, { reduction }), [x])).toBe(true);
    expect(gradcheck((i) => F.nllLoss(i, tIgnore, { reduction, weight }), [x])).toBe(true);
    expect(gradcheck((i) => F.nllLoss(i, tIgnore1, { reduction, ignoreIndex: 1 }), [x])).toBe(true);
    expect(gradcheck((i) => F.nllLoss(i, t4, { reduction }), [r([2, 3, 2, 3], 24)])).toBe(true);
  });
});

describe('gradcheck: elementwise losses', () => {
  test.each(reductions)('binaryCrossEntropy %s (with and without weight)', (reduction) => {
    const y = probs([3, 4], 30, false);
    expect(gradcheck((x) => F.binaryCrossEntropy(x, y, { reduction }), [probs([3, 4], 31)])).toBe(true);
    expect(gradcheck((x) => F.binaryCrossEntropy(x, y, { reduction, weight: pos([4], 32) }), [probs([3, 4], 33)])).toBe(true);
  });

  test.each(reductions)('binaryCrossEntropyWithLogits %s (weight, posWeight)', (reduction) => {
    const y = probs([3, 4], 40, false);
    const x = r([3, 4], 41, { scale: 3 });
    expect(gradcheck((i) => F.binaryCrossEntropyWithLogits(i, y, { reduction }), [x])).toBe(true);
    expect(gradcheck((i) => F.binaryCrossEntropyWithLogits(i, y, { reduction, posWeight: pos([4], 42) }), [x])).toBe(true);
    expect(gradcheck((i) => F.binaryCrossEntropyWithLogits(i, y, { reduction, weight: pos([3, 4], 43), posWeight: pos([4], 44) }), [x])).toBe(true);
  });

  test.each(reductions)('mseLoss and l1Loss %s', (reduction) => {
    const y = fixed([2, 3, 2], 50);
    expect(gradcheck((x) => F.mseLoss(x, y, { reduction }), [r([2, 3, 2], 51)])).toBe(true);
    expect(gradcheck((x) => F.l1Loss(x, y, { reduction }), [r([2, 3, 2], 52)])).toBe(true);
  });
});

describe('gradcheck: dropout', () => {
  test('dropout with a fixed seed (same mask in every evaluation)', () => {
    const fn = (x: nc.Tensor) => {
      nc.manualSeed(7);
      return F.dropout(x, { p: 0.3 });
    };
    expect(gradcheck(fn, [r([4, 5], 60)])).toBe(true);
  });
  test('dropout2d with an explicit generator', () => {
    const fn = (x: nc.Tensor) => F.dropout2d(x, { p: 0.5, generator: new nc.Generator(3) });
    expect(gradcheck(fn, [r([2, 3, 2, 2], 61)])).toBe(true);
  });
});

describe('crossEntropy on huge logits', () => {
  test('±1e4 logits give finite, exact losses and gradients', () => {
    const x = nc.tensor([[1e4, -1e4, 0], [-1e4, 1e4, 0], [0, 0, 1e4]], undefined, { requiresGrad: true });
    const t = nc.tensor([0, 0, 1], [3], { dtype: 'int32' });
    const none = F.crossEntropy(x, t, { reduction: 'none' });
    expect(Array.from(none.dataSync(), (v) => v + 0)).toEqual([0, 2e4, 1e4]);
    const loss = F.crossEntropy(x, t);
    expect(loss.item()).toBeCloseTo(1e4, 6);
    loss.backward();
    const g = Array.from(x.grad!.dataSync());
    expect(g.every(Number.isFinite)).toBe(true);
    // softmax(x) - onehot(t), averaged over the batch of 3.
    const want = [0, 0, 0, -1, 1, 0, 0, -1, 1].map((v) => v / 3);
    g.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });

  test('binaryCrossEntropyWithLogits stays finite at ±1e4', () => {
    const x = nc.tensor([1e4, -1e4, 1e4, -1e4], [4], { requiresGrad: true });
    const y = nc.tensor([1, 0, 0, 1], [4]);
    const l = F.binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
    expect(Array.from(l.dataSync(), (v) => v + 0)).toEqual([0, 0, 1e4, 1e4]);
    l.sum().backward();
    expect(Array.from(x.grad!.dataSync(), (v) => v + 0)).toEqual([0, 0, 1, -1]);
  });

  test('crossEntropy matches a hand computation, and labelSmoothing mixes in the uniform target', () => {
    const x = nc.tensor([[1, 2, 3]], undefined, { dtype: 'float64' });
    const t = nc.tensor([2], [1], { dtype: 'int32' });
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(F.crossEntropy(x, t).item()).toBeCloseTo(lse - 3, 12);
    const smooth = 3 * lse - 6;
    expect(F.crossEntropy(x, t, { labelSmoothing: 0.3 }).item()).toBeCloseTo(0.7 * (lse - 3) + (0.3 / 3) * smooth, 12);
  });
});
