import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';

const { F } = nc;
const int = (data: number[], shape = [data.length]) => nc.tensor(data, shape, { dtype: 'int32' });

describe('batchNorm errors', () => {
  const x = nc.randn([4, 3, 2, 2]);
  test('input rank and dtype', () => {
    expect(() => F.batchNorm(nc.randn([3]), null, null)).toThrow(/^batchNorm: input must be at least 2D \[N, C, \*\], got 1D \[3\] \(hint: add a batch dim/);
    expect(() => F.batchNorm(int([1, 2, 3, 4], [2, 2]), null, null)).toThrow(/batchNorm: input must be a floating-point tensor, got dtype int32/);
    expect(() => F.batchNorm(x as unknown as nc.Tensor, 'a' as unknown as nc.Tensor, null)).toThrow(/batchNorm: runningMean must be a Tensor/);
  });
  test('per-channel tensors of the wrong size', () => {
    expect(() => F.batchNorm(x, nc.zeros([4]), nc.ones([3]))).toThrow('batchNorm: runningMean must have shape [3] (one value per channel), got [4] (input [4,3,2,2])');
    expect(() => F.batchNorm(x, nc.zeros([3]), nc.ones([3, 1]))).toThrow(/runningVar must have shape \[3\].*got \[3,1\]/);
    expect(() => F.batchNorm(x, null, null, { weight: nc.ones([2]) })).toThrow(/batchNorm: weight must have shape \[3\].*got \[2\]/);
    expect(() => F.batchNorm(x, null, null, { bias: nc.ones([6]) })).toThrow(/batchNorm: bias must have shape \[3\]/);
    expect(() => F.batchNorm(x, nc.zeros([3]), null)).toThrow(/both be tensors or both be null/);
  });
  test('options and batch size', () => {
    expect(() => F.batchNorm(x, null, null, { momentum: 1.5 })).toThrow('batchNorm: momentum must be <= 1, got 1.5');
    expect(() => F.batchNorm(x, null, null, { eps: -1 })).toThrow('batchNorm: eps must be >= 0, got -1');
    expect(() => F.batchNorm(nc.randn([1, 3]), null, null, { training: true })).toThrow(/expected more than 1 value per channel when training, got input \[1,3\]/);
  });
});

describe('localResponseNorm / localContrastNorm errors', () => {
  test('localResponseNorm', () => {
    expect(() => F.localResponseNorm(nc.randn([2, 3, 4]), 0)).toThrow('localResponseNorm: size must be >= 1, got 0');
    expect(() => F.localResponseNorm(nc.randn([2, 3, 4]), 1.5)).toThrow(/size must be an integer, got 1.5/);
    expect(() => F.localResponseNorm(nc.randn([2, 3]), 2)).toThrow(/localResponseNorm: input must be at least 3D \[N, C, \*\], got 2D \[2,3\]/);
    expect(() => F.localResponseNorm(int([1, 2, 3, 4, 5, 6], [1, 2, 3]), 2)).toThrow(/floating-point tensor, got dtype int32/);
  });
  test('localContrastNorm', () => {
    expect(() => F.localContrastNorm(nc.randn([1, 1, 5, 5]), { size: 4 })).toThrow(/localContrastNorm: size must be odd, got 4 \(hint:/);
    expect(() => F.localContrastNorm(nc.randn([1, 1, 5, 5]), { size: 0 })).toThrow('localContrastNorm: size must be >= 1, got 0');
    expect(() => F.localContrastNorm(nc.randn([5, 5]))).toThrow('localContrastNorm: input must be 3D or 4D, got 2D [5,5] (hint: expected [N, C, H, W] or [C, H, W])');
    expect(() => F.localContrastNorm(nc.randn([1, 1, 5, 5]), { sigma: 0 })).toThrow('localContrastNorm: sigma must be > 0, got 0');
  });
});

describe('dropout errors', () => {
  test('p outside [0, 1], non-float input, wrong rank for dropout2d', () => {
    expect(() => F.dropout(nc.ones([3]), { p: 1.5 })).toThrow('dropout: p must be a probability in [0, 1], got 1.5 (hint: p is the probability of zeroing, e.g. 0.5)');
    expect(() => F.dropout(nc.ones([3]), { p: -0.1 })).toThrow(/dropout: p must be a probability in \[0, 1\], got -0.1/);
    expect(() => F.dropout2d(nc.ones([1, 2, 2, 2]), { p: NaN })).toThrow(/dropout2d: p must be a probability/);
    expect(() => F.dropout(int([1, 2]))).toThrow(/dropout: input must be a floating-point tensor, got dtype int32/);
    expect(() => F.dropout2d(nc.ones([3, 4]))).toThrow('dropout2d: input must be 3D or 4D, got 2D [3,4] (hint: expected [N, C, H, W] or [C, H, W])');
  });
});

describe('classification loss errors', () => {
  const x = nc.randn([4, 5]);
  test('target dtype', () => {
    expect(() => F.crossEntropy(x, nc.tensor([0, 1, 2, 3]))).toThrow('crossEntropy: target must have dtype int32 (class indices), got float32 (hint: convert with target.int(); probability targets are not supported)');
    expect(() => F.nllLoss(x, nc.tensor([0, 1, 2, 3], [4], { dtype: 'float64' }))).toThrow(/nllLoss: target must have dtype int32 \(class indices\), got float64/);
  });
  test('class index out of range names the value and the class count', () => {
    expect(() => F.crossEntropy(x, int([0, 5, 1, 2]))).toThrow('crossEntropy: target contains class index 5 but input has 5 classes (hint: targets must be in [0, 4] or equal ignoreIndex (-100))');
    expect(() => F.nllLoss(x, int([0, -1, 1, 2]))).toThrow(/nllLoss: target contains class index -1 but input has 5 classes/);
    expect(() => F.crossEntropy(x, int([0, -1, 1, 2]), { ignoreIndex: -1 })).not.toThrow();
  });
  test('shape mismatch between input and target is explained', () => {
    expect(() => F.crossEntropy(x, int([0, 1, 2]))).toThrow('crossEntropy: target [3] does not match input [4,5]: expected target [4] (hint: input [N, C, d1, ...] takes class indices [N, d1, ...] (the class dim 1 is dropped))');
    expect(() => F.crossEntropy(nc.randn([2, 3, 4, 4]), int(Array(32).fill(0), [2, 4, 4, 1]))).toThrow(/target \[2,4,4,1\] does not match input \[2,3,4,4\]: expected target \[2,4,4\]/);
    expect(() => F.nllLoss(x, int([0, 1, 2, 3], [4, 1]))).toThrow(/nllLoss: target \[4,1\] does not match input \[4,5\]/);
  });
  test('weight, reduction and labelSmoothing', () => {
    const t = int([0, 1, 2, 3]);
    expect(() => F.crossEntropy(x, t, { weight: nc.ones([4]) })).toThrow('crossEntropy: weight must have shape [5] (one value per class), got [4] (input [4,5])');
    expect(() => F.crossEntropy(x, t, { reduction: 'avg' as 'mean' })).toThrow(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"`);
    expect(() => F.crossEntropy(x, t, { labelSmoothing: 1.2 })).toThrow('crossEntropy: labelSmoothing must be <= 1, got 1.2');
    expect(() => F.crossEntropy(int([1, 2], [1, 2]), int([0]))).toThrow(/crossEntropy: input must be a floating-point tensor, got dtype int32/);
  });
});

describe('binary and regression loss errors', () => {
  test('binaryCrossEntropy needs probabilities', () => {
    expect(() => F.binaryCrossEntropy(nc.tensor([0.2, 1.5, -0.1]), nc.tensor([0, 1, 0]))).toThrow('binaryCrossEntropy: input values must be probabilities in [0, 1], got min -0.10000000149011612 and max 1.5 (hint: apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores (more stable))');
    expect(() => F.binaryCrossEntropy(nc.tensor([0, 1]), nc.tensor([0, 1]))).not.toThrow();
  });
  test('target shape must match the input', () => {
    expect(() => F.binaryCrossEntropy(nc.tensor([0.2, 0.5, 0.1]), nc.tensor([[0, 1, 0]]))).toThrow(/binaryCrossEntropy: target \[1,3\] must have the same shape as input \[3\] \(hint: reshape the target/);
    expect(() => F.mseLoss(nc.randn([3]), nc.randn([3, 1]))).toThrow(/mseLoss: target \[3,1\] must have the same shape as input \[3\]/);
    expect(() => F.l1Loss(nc.randn([2, 2]), nc.randn([4]))).toThrow(/l1Loss: target \[4\] must have the same shape as input \[2,2\]/);
    expect(() => F.mseLoss(nc.randn([2]), int([1, 2]))).toThrow(/mseLoss: target must be a floating-point tensor, got dtype int32/);
  });
  test('weight and posWeight must broadcast to the input', () => {
    const x = nc.randn([3, 4]), y = nc.rand([3, 4]);
    expect(() => F.binaryCrossEntropyWithLogits(x, y, { posWeight: nc.ones([3]) })).toThrow('binaryCrossEntropyWithLogits: posWeight [3] cannot be broadcast to input [3,4] (hint: trailing dims must equal the input\'s or be 1)');
    expect(() => F.binaryCrossEntropyWithLogits(x, y, { weight: nc.ones([2, 3, 4]) })).toThrow(/weight \[2,3,4\] cannot be broadcast to input \[3,4\]/);
    expect(() => F.binaryCrossEntropy(nc.rand([3, 4]), y, { weight: nc.ones([5]) })).toThrow(/binaryCrossEntropy: weight \[5\] cannot be broadcast to input \[3,4\]/);
    expect(() => F.mseLoss(x, y, { reduction: 'max' as 'sum' })).toThrow(/mseLoss: reduction must be 'mean', 'sum' or 'none', got "max"/);
  });
});

describe('unbatched class losses', () => {
  test('[C] input with a 0-d target', () => {
    const x = nc.tensor([1, 2, 3], [3], { dtype: 'float64' });
    const t = nc.tensor([2], [], { dtype: 'int32' });
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(F.crossEntropy(x, t).item()).toBeCloseTo(lse - 3, 12);
    expect(F.crossEntropy(x, t, { reduction: 'none' }).shape).toEqual([]);
  });
});

describe('class losses without ignored targets or class weights', () => {
  // They skip the validity mask and unit weights: the result must be the masked computation's, bit for bit.
  test('nllLoss and crossEntropy equal the masked path (a weight of ones) in value and gradient', () => {
    const logits = nc.randn([6, 5, 3]);
    const target = nc.randint(0, 5, [6, 3]);
    const ones = nc.ones([5]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const [name, loss] of [['nllLoss', F.nllLoss], ['crossEntropy', F.crossEntropy]] as const) {
        const run = (weight: nc.Tensor | null, labelSmoothing = 0) => {
          const x = logits.clone().requiresGrad_();
          const opts = name === 'crossEntropy' ? { weight, reduction, labelSmoothing } : { weight, reduction };
          const l = loss(x, target, opts);
          l.sum().backward();
          return [Array.from(l.dataSync()), Array.from(x.grad!.dataSync())];
        };
        expect(run(null), `${name} ${reduction}`).toEqual(run(ones));
        if (name === 'crossEntropy') expect(run(null, 0.2), `${name} ${reduction} smoothing`).toEqual(run(ones, 0.2));
      }
    }
  });
});
