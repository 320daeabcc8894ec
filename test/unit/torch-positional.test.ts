/** The PyTorch/torchvision positional forms accepted next to the options objects, and what is refused instead of ignored. */
import { describe, expect, it } from 'vitest';
import { F, Generator, clamp, manualSeed, tensor, ones, zeros, std, setBackend, getBackend } from '../../src/index.js';
import { data } from '../../src/index.js';

const { transforms: T } = data;

describe('positional arguments as in torch', () => {
  it('clamp(x, min, max) equals clamp(x, { min, max }); null is no bound', () => {
    const x = tensor([-2, 0.5, 3]);
    expect(clamp(x, 0, 1).toArray()).toEqual(clamp(x, { min: 0, max: 1 }).toArray());
    expect(x.clamp(0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(clamp(x, null, 1).toArray()).toEqual([-2, 0.5, 1]);
    expect(() => (clamp as (...a: unknown[]) => unknown)(x, 0, 1, 2)).toThrow(/^clamp: too many arguments/);
    expect(() => clamp(x, { min: 0, mx: 1 } as never)).toThrow(/unknown option 'mx'.*did you mean 'max'/);
  });

  it('F.batchNorm takes weight, bias, training, momentum, eps positionally', () => {
    const x = tensor([[[1, 2]], [[3, 5]]]);
    const w = tensor([2]);
    const b = tensor([1]);
    expect(F.batchNorm(x, null, null, w, b, true).toArray()).toEqual(F.batchNorm(x, null, null, { weight: w, bias: b, training: true }).toArray());
    expect(() => F.batchNorm(x, null, null, 'bogus' as never)).toThrow(/^batchNorm: weight must be a Tensor/);
  });

  it('var/std check their options', () => {
    expect(() => std(ones([3]), 0, false, { unbiassed: false } as never)).toThrow(/^std: unknown option 'unbiassed'.*did you mean 'unbiased'/);
  });

  it('torchvision transforms: Pad(p, fill), RandomCrop(size, padding), ColorJitter(b, c, s, h), RandomAffine(degrees)', () => {
    const img = ones([1, 2, 2]);
    expect(T.Pad(1, 0.5)(img).toArray()).toEqual(T.Pad(1, { fill: 0.5 })(img).toArray());
    expect(T.RandomCrop(4, 1)(img).shape).toEqual([1, 4, 4]);
    expect(T.ColorJitter(0)(img).toArray()).toEqual(img.toArray());
    expect(T.RandomAffine(0)(img).toArray()).toEqual(img.toArray());
    expect(() => (T.Resize as (...a: unknown[]) => unknown)(4, 'nearest')).toThrow(/^Resize: takes 1 argument/);
  });

  it('randomSplit takes the generator positionally', () => {
    const ds = new data.TensorDataset(zeros([10, 1]));
    const a = data.randomSplit(ds, [7, 3], new Generator(1)).map((s) => [...s.indices]);
    const b = data.randomSplit(ds, [7, 3], { generator: new Generator(1) }).map((s) => [...s.indices]);
    expect(a).toEqual(b);
  });

  it('seeds and backends are refused by name', () => {
    expect(() => manualSeed(Number.NaN)).toThrow(/^manualSeed: seed must be an integer, got NaN/);
    expect(() => new Generator(1.5)).toThrow(/^Generator: seed must be an integer/);
    expect(() => setBackend('refrence')).toThrow(/did you mean 'reference'/);
    const before = getBackend();
    expect(() => setBackend('reference', { thread: 2 })).toThrow(/^setBackend: unknown option 'thread'/);
    expect(getBackend()).toBe(before);
  });
});
