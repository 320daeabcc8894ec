import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';

const { F } = nc;

function allFinite(t: Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

function close(a: Tensor, b: Tensor, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol);
}

/** Runs forward + backward and checks that the input and every parameter got a finite gradient. */
function smoke(name: string, layer: nn.AnyModule, inputShape: number[], outShape: number[], { inputGrad = true } = {}): void {
  nc.manualSeed(7);
  const x = nc.randn(inputShape, { requiresGrad: true });
  const y = layer.call(x) as Tensor;
  expect(y.shape, name).toEqual(outShape);
  expect(allFinite(y), name).toBe(true);
  y.mul(nc.randn(y.shape)).sum().backward();
  if (inputGrad) {
    expect(x.grad, `${name}: input grad`).not.toBeNull();
    expect(x.grad!.shape).toEqual(inputShape);
    expect(allFinite(x.grad!), name).toBe(true);
  }
  for (const [pn, p] of layer.namedParameters()) {
    expect(p.grad, `${name}: ${pn} grad`).not.toBeNull();
    expect(p.grad!.shape).toEqual(p.shape);
    expect(allFinite(p.grad!), `${name}: ${pn}`).toBe(true);
  }
}

describe('forward + backward through every layer type', () => {
  const cases: [string, () => nn.AnyModule, number[], number[]][] = [
    ['Linear', () => new nn.Linear(5, 3), [4, 5], [4, 3]],
    ['Linear (3D input)', () => new nn.Linear(5, 3, { bias: false }), [2, 4, 5], [2, 4, 3]],
    ['Identity', () => new nn.Identity(), [2, 3], [2, 3]],
    ['Conv1d', () => new nn.Conv1d(2, 4, 3, { padding: 1 }), [2, 2, 10], [2, 4, 10]],
    ['Conv1d causal dilated', () => new nn.Conv1d(2, 2, 3, { padding: 'causal', dilation: 2 }), [1, 2, 9], [1, 2, 9]],
    ['Conv2d', () => new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 }), [2, 3, 8, 8], [2, 4, 4, 4]],
    ['Conv2d grouped same', () => new nn.Conv2d(4, 6, [3, 5], { padding: 'same', groups: 2 }), [1, 4, 6, 7], [1, 6, 6, 7]],
    ['Conv2d reflect', () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }), [1, 2, 5, 5], [1, 3, 5, 5]],
    ['Conv2d replicate', () => new nn.Conv2d(2, 3, 3, { padding: [2, 1], paddingMode: 'replicate' }), [1, 2, 5, 5], [1, 3, 7, 5]],
    ['Conv2d circular', () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'circular' }), [1, 2, 5, 5], [1, 3, 5, 5]],
    ['ConvTranspose1d', () => new nn.ConvTranspose1d(3, 2, 4, { stride: 2, padding: 1 }), [2, 3, 5], [2, 2, 10]],
    ['ConvTranspose2d', () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), [1, 4, 4, 4], [1, 2, 8, 8]],
    ['MaxPool1d', () => new nn.MaxPool1d(2), [2, 3, 8], [2, 3, 4]],
    ['MaxPool2d', () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), [1, 2, 7, 7], [1, 2, 4, 4]],
    ['AvgPool1d', () => new nn.AvgPool1d(3, { stride: 1, padding: 1 }), [1, 2, 6], [1, 2, 6]],
    ['AvgPool2d', () => new nn.AvgPool2d(2, { countIncludePad: false, divisorOverride: 3 }), [1, 2, 6, 6], [1, 2, 3, 3]],
    ['LPPool1d', () => new nn.LPPool1d(2, 2), [1, 2, 6], [1, 2, 3]],
    ['LPPool2d', () => new nn.LPPool2d(2, 2), [1, 2, 6, 6], [1, 2, 3, 3]],
    ['AdaptiveAvgPool1d', () => new nn.AdaptiveAvgPool1d(4), [2, 3, 9], [2, 3, 4]],
    ['AdaptiveAvgPool2d', () => new nn.AdaptiveAvgPool2d([1, 3]), [2, 3, 7, 8], [2, 3, 1, 3]],
    ['AdaptiveMaxPool1d', () => new nn.AdaptiveMaxPool1d(3), [2, 3, 9], [2, 3, 3]],
    ['AdaptiveMaxPool2d', () => new nn.AdaptiveMaxPool2d(2), [2, 3, 7, 7], [2, 3, 2, 2]],
    ['Upsample nearest', () => new nn.Upsample({ scaleFactor: 2 }), [1, 2, 3, 3], [1, 2, 6, 6]],
    ['Upsample linear 1D', () => new nn.Upsample({ size: 7, mode: 'linear' }), [1, 2, 3], [1, 2, 7]],
    ['UpsamplingNearest2d', () => new nn.UpsamplingNearest2d({ size: [4, 6] }), [1, 2, 2, 3], [1, 2, 4, 6]],
    ['UpsamplingBilinear2d', () => new nn.UpsamplingBilinear2d({ scaleFactor: 2 }), [1, 2, 3, 3], [1, 2, 6, 6]],
    ['BatchNorm1d', () => new nn.BatchNorm1d(3), [4, 3], [4, 3]],
    ['BatchNorm1d 3D', () => new nn.BatchNorm1d(3), [4, 3, 5], [4, 3, 5]],
    ['BatchNorm2d', () => new nn.BatchNorm2d(3), [2, 3, 4, 4], [2, 3, 4, 4]],
    ['LocalResponseNorm', () => new nn.LocalResponseNorm(3), [1, 5, 4, 4], [1, 5, 4, 4]],
    ['LocalContrastNorm', () => new nn.LocalContrastNorm({ size: 3, sigma: 1 }), [1, 2, 5, 5], [1, 2, 5, 5]],
    ['Dropout', () => new nn.Dropout(0.3), [4, 5], [4, 5]],
    ['Dropout2d', () => new nn.Dropout2d(0.3), [2, 4, 3, 3], [2, 4, 3, 3]],
    ['Flatten', () => new nn.Flatten(), [2, 3, 4, 5], [2, 60]],
    ['Flatten(0, 1)', () => new nn.Flatten(0, 1), [2, 3, 4], [6, 4]],
    ['Unflatten', () => new nn.Unflatten(1, [3, -1]), [2, 12], [2, 3, 4]],
    ['ReLU', () => new nn.ReLU(), [3, 4], [3, 4]],
    ['ReLU6', () => new nn.ReLU6(), [3, 4], [3, 4]],
    ['LeakyReLU', () => new nn.LeakyReLU(0.2), [3, 4], [3, 4]],
    ['ELU', () => new nn.ELU(0.5), [3, 4], [3, 4]],
    ['Sigmoid', () => new nn.Sigmoid(), [3, 4], [3, 4]],
    ['Tanh', () => new nn.Tanh(), [3, 4], [3, 4]],
    ['Softmax', () => new nn.Softmax(1), [3, 4], [3, 4]],
    ['LogSoftmax', () => new nn.LogSoftmax(-1), [3, 4], [3, 4]],
    ['ZeroPad1d', () => new nn.ZeroPad1d([1, 2]), [1, 2, 4], [1, 2, 7]],
    ['ZeroPad2d', () => new nn.ZeroPad2d([1, 1, 2, 0]), [1, 2, 4, 4], [1, 2, 6, 6]],
    ['ConstantPad1d', () => new nn.ConstantPad1d(2, 0.5), [1, 2, 4], [1, 2, 8]],
    ['ConstantPad2d', () => new nn.ConstantPad2d(1, -1), [1, 2, 4, 4], [1, 2, 6, 6]],
    ['ReflectionPad1d', () => new nn.ReflectionPad1d(2), [1, 2, 4], [1, 2, 8]],
    ['ReflectionPad2d', () => new nn.ReflectionPad2d([1, 2, 0, 3]), [1, 2, 4, 4], [1, 2, 7, 7]],
    ['ReplicationPad1d', () => new nn.ReplicationPad1d([0, 3]), [1, 2, 4], [1, 2, 7]],
    ['ReplicationPad2d', () => new nn.ReplicationPad2d(2), [1, 2, 4, 4], [1, 2, 8, 8]],
    ['Sequential', () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 2)), [2, 1, 4, 4], [2, 2]],
    ['Lambda', () => new nn.Lambda((t) => t.mul(2), 'double'), [2, 3], [2, 3]],
  ];
  test.each(cases)('%s', (name, make, inShape, outShape) => smoke(name, make(), inShape, outShape));

  test('loss modules', () => {
    nc.manualSeed(1);
    const logits = nc.randn([4, 3], { requiresGrad: true });
    const cls = nc.tensor([0, 2, 1, 2], undefined, { dtype: 'int32' });
    const probs = nc.rand([4, 3]).mul(0.8).add(0.1);
    const target01 = nc.rand([4, 3]).gt(0.5).float();
    const losses: [nn.AnyModule, Tensor, Tensor][] = [
      [new nn.CrossEntropyLoss({ labelSmoothing: 0.1, weight: nc.tensor([1, 2, 1]) }), logits, cls],
      [new nn.NLLLoss({ ignoreIndex: 1 }), logits.logSoftmax(1), cls],
      [new nn.BCELoss(), logits.sigmoid(), target01],
      [new nn.BCEWithLogitsLoss({ posWeight: nc.tensor([1, 2, 3]) }), logits, target01],
      [new nn.MSELoss(), logits, probs],
      [new nn.L1Loss({ reduction: 'sum' }), logits, probs],
    ];
    for (const [loss, input, target] of losses) {
      logits.zeroGrad();
      const l = loss.call(input, target) as Tensor;
      expect(l.shape).toEqual([]);
      l.backward();
      expect(logits.grad).not.toBeNull();
      expect(allFinite(logits.grad!)).toBe(true);
    }
    expect(new nn.CrossEntropyLoss({ reduction: 'none' }).call(logits, cls).shape).toEqual([4]);
    // Same values as the functional form.
    close(new nn.CrossEntropyLoss().call(logits, cls), F.crossEntropy(logits, cls));
    // Class weights are buffers named as PyTorch's.
    expect(Object.keys(new nn.BCEWithLogitsLoss({ weight: nc.ones([3]), posWeight: nc.ones([3]) }).stateDict())).toEqual(['weight', 'pos_weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
  });
});

describe('layer behaviour', () => {
  test('BatchNorm training: batch statistics, running stats with momentum, counter', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = nc.tensor([[1, 10], [2, 20], [3, 30], [6, 60]]);
    const y = bn.call(x);
    // Normalised per channel: mean 0, biased variance 1.
    const m = y.mean(0).toArray() as number[];
    const v = y.var(0, false, { unbiased: false }).toArray() as number[];
    m.forEach((e) => expect(e).toBeCloseTo(0, 5));
    v.forEach((e) => expect(e).toBeCloseTo(1, 3));
    // mean [3, 30], unbiased var [14/3, 1400/3].
    close(bn.runningMean!, nc.tensor([0.3, 3]));
    close(bn.runningVar!, nc.tensor([0.9 + 0.1 * (14 / 3), 0.9 + 0.1 * (1400 / 3)]), 1e-4);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.eval();
    bn.call(x);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  test('BatchNorm momentum null keeps a cumulative average', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.call(nc.tensor([[1], [3]]));
    bn.call(nc.tensor([[5], [7]]));
    bn.call(nc.tensor([[0], [0]]));
    close(bn.runningMean!, nc.tensor([(2 + 6 + 0) / 3]));
    expect(bn.numBatchesTracked!.item()).toBe(3);
    expect(bn.toString()).toBe('BatchNorm1d(1, eps=0.00001, momentum=null, affine=true, trackRunningStats=true)');
  });

  test('BatchNorm without running stats or affine', () => {
    const bn = new nn.BatchNorm2d(2, { trackRunningStats: false, affine: false });
    expect(bn.numParameters()).toBe(0);
    expect(Object.keys(bn.stateDict())).toEqual([]);
    bn.eval();
    const y = bn.call(nc.randn([3, 2, 2, 2]).mul(5).add(3));
    expect(Math.abs(y.mean().item())).toBeLessThan(1e-5);
    expect(() => bn.call(nc.randn([3, 2]))).toThrow(/BatchNorm2d: expected 4D input \[N, C, H, W\], got 2D \[3,2\]/);
    expect(() => new nn.BatchNorm1d(3).call(nc.randn([4, 2]))).toThrow(/input has 2 channels \(dim 1\) but the layer has numFeatures=3/);
  });

  test('Dropout: seeded masks, scaling, eval identity', () => {
    const d = new nn.Dropout(0.25);
    const x = nc.ones([1000]);
    nc.manualSeed(5);
    const a = d.call(x).dataSync();
    nc.manualSeed(5);
    const b = d.call(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = Array.from(a).filter((v) => v !== 0);
    kept.forEach((v) => expect(v).toBeCloseTo(1 / 0.75, 5));
    expect(kept.length / 1000).toBeGreaterThan(0.68);
    expect(kept.length / 1000).toBeLessThan(0.82);
    const d2 = new nn.Dropout2d(0.5);
    const y = d2.call(nc.ones([4, 8, 3, 3]));
    const arr = y.toArray() as number[][][][];
    for (const sample of arr) for (const ch of sample) expect(new Set(ch.flat()).size).toBe(1);
    d2.eval();
    expect(d2.call(x.reshape(1, 10, 10, 10)).toArray()).toEqual(x.reshape(1, 10, 10, 10).toArray());
  });

  test('Conv2d padding modes equal an explicit pad followed by a valid conv', () => {
    nc.manualSeed(2);
    const x = nc.randn([1, 2, 5, 6]);
    for (const mode of ['reflect', 'replicate'] as const) {
      const conv = new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: mode });
      const ref = F.conv2d(F.pad(x, [2, 2, 1, 1], { mode }), conv.weight, conv.bias);
      close(conv.call(x), ref);
    }
    // Circular: wraps around.
    const conv = new nn.Conv1d(1, 1, 3, { padding: 1, paddingMode: 'circular', bias: false });
    nn.init.constant_(conv.weight, 1);
    expect(conv.call(nc.tensor([[[1, 2, 3, 4]]])).toArray()).toEqual([[[4 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 1]]]);
  });

  test('ConvTranspose2d outputSize picks the outputPadding', () => {
    const up = new nn.ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1 });
    const x = nc.randn([1, 2, 4, 4]);
    expect(up.call(x).shape).toEqual([1, 2, 7, 7]);
    expect(up.call(x, [8, 8]).shape).toEqual([1, 2, 8, 8]);
    expect(up.call(x, [1, 2, 8, 7]).shape).toEqual([1, 2, 8, 7]);
    expect(() => up.call(x, [9, 9])).toThrow(/ConvTranspose2d: requested output size \[9,9\] is not reachable.*\[7, 8\]/);
  });

  test('MaxPool2d with indices feeds MaxUnpool2d', () => {
    const pool = new nn.MaxPool2d(2, { returnIndices: true });
    const unpool = new nn.MaxUnpool2d(2);
    const x = nc.tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]], undefined, { requiresGrad: true });
    const [y, idx] = pool.call(x);
    expect(y.toArray()).toEqual([[[[6, 8], [14, 16]]]]);
    const u = unpool.call(y, idx);
    expect(u.toArray()).toEqual([[[[0, 0, 0, 0], [0, 6, 0, 8], [0, 0, 0, 0], [0, 14, 0, 16]]]]);
    u.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]]]);
    const [, idx1] = new nn.AdaptiveMaxPool2d(1, { returnIndices: true }).call(x);
    expect(idx1.toArray()).toEqual([[[[15]]]]);
    const [p1, i1] = new nn.MaxPool1d(2, { returnIndices: true }).call(nc.tensor([[[3, 1, 2, 5]]]));
    expect(new nn.MaxUnpool1d(2).call(p1, i1).toArray()).toEqual([[[3, 0, 0, 5]]]);
  });
});

describe('connections', () => {
  test('Residual: identity and projection shortcuts, shapes and gradients', () => {
    nc.manualSeed(3);
    const block = new nn.Residual(new nn.Sequential(new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4)), { activation: new nn.ReLU() });
    smoke('Residual', block, [2, 4, 6, 6], [2, 4, 6, 6]);
    expect(block.namedParameters().map(([n]) => n)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'body.1.bias']);
    // y = body(x) + x: with a zero body the block is the identity (before the activation).
    const id = new nn.Residual(new nn.Linear(3, 3));
    nn.init.zeros_(id.body.weight);
    nn.init.zeros_(id.body.bias!);
    const x = nc.randn([2, 3], { requiresGrad: true });
    close(id.call(x), x);
    id.call(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);

    const down = new nn.Residual(new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1 }), {
      shortcut: new nn.Sequential(new nn.Conv2d(4, 8, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(8)),
    });
    smoke('Residual projection', down, [2, 4, 6, 6], [2, 8, 3, 3]);
    expect(down.namedParameters().map(([n]) => n)).toEqual(['body.weight', 'body.bias', 'shortcut.0.weight', 'shortcut.1.weight', 'shortcut.1.bias']);
    const bad = new nn.Residual(new nn.Conv2d(4, 8, 3, { padding: 1 }));
    expect(() => bad.call(nc.randn([1, 4, 5, 5]))).toThrow(/Residual: body output \[1,8,5,5\] and shortcut output \[1,4,5,5\] differ.*1x1 Conv2d/);
  });

  test('Concat (Inception) and DenseConcat (DenseNet) shapes and gradients', () => {
    const inception = new nn.Concat({
      b1: new nn.Conv2d(3, 2, 1),
      b3: new nn.Conv2d(3, 4, 3, { padding: 1 }),
      pool: new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1 }), new nn.Conv2d(3, 1, 1)),
    });
    smoke('Concat', inception, [2, 3, 5, 5], [2, 7, 5, 5]);
    expect(inception.namedChildren().map(([n]) => n)).toEqual(['b1', 'b3', 'pool']);

    const growth = 3;
    const dense = new nn.Sequential(
      new nn.DenseConcat(new nn.Sequential(new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Conv2d(4, growth, 3, { padding: 1 }))),
      new nn.DenseConcat(new nn.Sequential(new nn.BatchNorm2d(7), new nn.ReLU(), new nn.Conv2d(7, growth, 3, { padding: 1 }))),
    );
    smoke('DenseConcat', dense, [2, 4, 5, 5], [2, 10, 5, 5]);
    // The input passes through unchanged as the first channels.
    const x = nc.randn([1, 4, 5, 5]);
    close(dense.call(x).narrow(1, 0, 4), x);
    expect(dense.namedParameters()[0][0]).toBe('0.body.0.weight');

    const sum = new nn.Add([new nn.Identity(), new nn.Lambda((t) => t.mul(2))]);
    close(sum.call(nc.ones([2, 2])), nc.full([2, 2], 3));
    expect(() => new nn.Concat([])).toThrow(/Concat: needs at least one branch/);
  });
});

describe('constructor validation', () => {
  test('clear messages', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels (3) must be divisible by groups (2)');
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow('Conv2d: outChannels (3) must be divisible by groups (2)');
    expect(() => new nn.Conv2d(0, 3, 3)).toThrow(/Conv2d: inChannels must be >= 1, got 0/);
    expect(() => new nn.Conv2d(1, 3, [3, 3, 3])).toThrow(/Conv2d: kernelSize must be an integer or 2 integers/);
    expect(() => new nn.Conv2d(1, 3, 3, { stride: 2, padding: 'same' })).toThrow(/Conv2d: padding='same' is not supported for strided convolutions/);
    expect(() => new nn.Conv2d(1, 3, 3, { paddingMode: 'mirror' as never })).toThrow(/Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular'/);
    expect(() => new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(/ConvTranspose2d: outputPadding \[2,2\] must be smaller than either stride/);
    expect(() => new nn.Linear(2.5, 3)).toThrow(/Linear: inFeatures must be an integer, got 2.5/);
    expect(() => new nn.MaxPool2d(2, { padding: 2 })).toThrow(/MaxPool2d: padding 2 must be at most half of kernelSize 2/);
    expect(() => new nn.AvgPool2d(0)).toThrow(/AvgPool2d: kernelSize must be >= 1/);
    expect(() => new nn.BatchNorm2d(3, { momentum: 2 })).toThrow(/BatchNorm2d: momentum must be <= 1, got 2/);
    expect(() => new nn.Dropout(1.5)).toThrow(/Dropout: dropout probability p must be in \[0, 1\], got 1.5/);
    expect(() => new nn.Upsample({})).toThrow(/Upsample: give exactly one of size and scaleFactor, got neither/);
    expect(() => new nn.Upsample({ size: 4, mode: 'nearest', alignCorners: true })).toThrow(/alignCorners can only be set with mode 'linear' or 'bilinear'/);
    expect(() => new nn.CrossEntropyLoss({ reduction: 'avg' as never })).toThrow(/CrossEntropyLoss: reduction must be one of 'mean', 'sum', 'none'/);
    expect(() => new nn.LocalContrastNorm({ size: 4 })).toThrow(/LocalContrastNorm: size must be odd, got 4/);
    expect(() => new nn.ZeroPad2d([1, 2])).toThrow(/ZeroPad2d: padding must be an integer or 4 integers/);
    expect(() => new nn.Unflatten(1, [-1, -1])).toThrow(/only one entry of unflattenedSize can be -1/);
    expect(() => new nn.Unflatten(1, [5, 2]).call(nc.zeros([2, 12]))).toThrow(/unflattenedSize \[5,2\] does not multiply to dim 1 of size 12/);
    expect(() => new nn.AdaptiveAvgPool2d([1, 2, 3])).toThrow(/AdaptiveAvgPool2d: outputSize must be a number or \[h, w\]/);
    expect(() => new nn.MaxPool2d(2, { strides: 2 } as never)).toThrow(/MaxPool2d: unknown option 'strides' \(hint: did you mean 'stride'\?\)/);
    expect(() => new nn.BatchNorm2d(3, 'bogus' as never)).toThrow(/BatchNorm2d: eps must be a number, got "bogus"/);
    expect(() => new nn.UpsamplingNearest2d('bogus' as never)).toThrow(/UpsamplingNearest2d: options must be an object/);
  });

  test("PyTorch's positional arguments are taken; arguments a layer would ignore are refused", () => {
    // A JavaScript caller's view: any arguments.
    const loose = (cls: unknown) => cls as new (...args: unknown[]) => unknown;
    expect(new nn.MaxPool2d(3, 2, 1, 1, false, true).config()).toEqual({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true });
    expect(new nn.AvgPool2d(2, 1, 0, false, false, 3).config()).toMatchObject({ stride: 1, countIncludePad: false, divisorOverride: 3 });
    expect(new nn.BatchNorm2d(4, 1e-3, 0.2, false).affine).toBe(false);
    expect(new nn.LPPool2d(2, 3, 1).stride).toBe(1);
    expect(new nn.AdaptiveMaxPool2d(1, true).returnIndices).toBe(true);
    expect(new nn.MaxUnpool2d(2, 1).stride).toBe(1);
    expect(() => new (loose(nn.MaxPool2d))(2, 2, { stride: 2 })).toThrow(/MaxPool2d: stride given twice/);
    expect(() => new (loose(nn.AvgPool1d))(2, 2, 0, false, true, 3)).toThrow(/AvgPool1d: too many arguments/);
    // ReLU(inplace) as in PyTorch; layers without arguments refuse one.
    expect(new nn.ReLU(true)).toBeInstanceOf(nn.ReLU);
    expect(() => new nn.ReLU('yes' as never)).toThrow(/ReLU: inplace must be true or false, got "yes"/);
    expect(() => new (loose(nn.Tanh))(1)).toThrow(/Tanh: takes 0 arguments, got an extra one: 1/);
    expect(() => new (loose(nn.Identity))({ bogusOption: 1 })).toThrow(/Identity: takes 0 arguments/);
  });
});
