import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';

describe('creation', () => {
  test('tensor infers shape and dtype', () => {
    const t = nc.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(nc.tensor(7).shape).toEqual([]);
    expect(nc.tensor(7).item()).toBe(7);
    expect(nc.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(nc.tensor([1, 2, 3, 4], [2, 2], { dtype: 'float64' }).dataSync()).toBeInstanceOf(Float64Array);
  });
  test('constants and ranges', () => {
    expect(nc.zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(nc.ones(3).toArray()).toEqual([1, 1, 1]);
    expect(nc.full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
    expect(nc.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(nc.arange(4).dtype).toBe('int32');
    expect(nc.arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(nc.eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
  });
  test('seeded random is reproducible', () => {
    nc.manualSeed(42);
    const a = nc.randn([100]).dataSync();
    nc.manualSeed(42);
    const b = nc.randn([100]).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const mean = Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.3);
    const u = nc.rand([1000]).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const r = nc.randint(0, 10, [500]).dataSync();
    expect(Math.max(...r)).toBe(9);
    expect(Math.min(...r)).toBe(0);
  });
  test('bad input is explained', () => {
    expect(() => nc.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => nc.tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (4 elements)');
    expect(() => nc.zeros([2, -1])).toThrow(/zeros: shape\[1\] must be >= 0, got -1/);
    expect(() => nc.tensor([1, 2]).item()).toThrow(/only one-element tensors/);
  });
  test('reading back: data, dataSync copy, toString', async () => {
    const t = nc.tensor([1.5, -2]);
    const d = t.dataSync();
    d[0] = 99;
    expect(t.dataSync()[0]).toBe(1.5);
    expect(Array.from(await t.data())).toEqual([1.5, -2]);
    expect(t.toString()).toBe('tensor([ 1.5000, -2.0000])');
    expect(nc.arange(3).toString()).toBe('tensor([0, 1, 2], dtype=int32)');
    expect(nc.zeros([2, 2], { requiresGrad: true }).toString()).toContain('requiresGrad=true');
    expect(nc.zeros([20]).toString()).toContain('...');
  });
});

describe('shape ops', () => {
  const x = nc.arange(24).float().reshape(2, 3, 4);
  test('reshape/view/flatten/squeeze/unsqueeze', () => {
    expect(x.reshape(-1, 4).shape).toEqual([6, 4]);
    expect(x.view([4, 6]).shape).toEqual([4, 6]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3, 4]);
    expect(x.unsqueeze(-1).squeeze().shape).toEqual([2, 3, 4]);
    expect(() => x.reshape(5, 5)).toThrow('reshape: shape [5,5] (25 elements) is invalid for input of size 24 [2,3,4]');
  });
  test('permute/transpose', () => {
    const p = x.permute(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.toArray()).toEqual([0, 1, 2, 3].map((k) => [0, 1].map((i) => [0, 1, 2].map((j) => i * 12 + j * 4 + k))));
    expect(nc.tensor([[1, 2], [3, 4]]).t().toArray()).toEqual([[1, 3], [2, 4]]);
    expect(() => x.permute(0, 0, 1)).toThrow(/repeat/);
  });
  test('slice/narrow/cat/stack/split/chunk', () => {
    const r = nc.arange(10);
    expect(r.slice(0, 2, 5).toArray()).toEqual([2, 3, 4]);
    expect(r.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(r.slice(0, 1, 9, 3).toArray()).toEqual([1, 4, 7]);
    expect(r.narrow(0, 8, 2).toArray()).toEqual([8, 9]);
    expect(r.flip(0).toArray()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(nc.tensor([[1, 2, 3], [4, 5, 6]]).flip([0, 1]).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
    expect(nc.flip(nc.tensor([[1, 2, 3], [4, 5, 6]]), -1).toArray()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(nc.zeros([0, 3]).flip(0).shape).toEqual([0, 3]);
    expect(() => r.flip(1)).toThrow(/flip: dims/);
    expect(() => nc.ones([2, 2]).flip(0, -2)).toThrow('flip: dims [0,-2] repeat a dimension');
    expect(nc.cat([nc.ones([1, 2]), nc.zeros([2, 2])], 0).toArray()).toEqual([[1, 1], [0, 0], [0, 0]]);
    expect(nc.stack([nc.ones([2]), nc.zeros([2])], 1).toArray()).toEqual([[1, 0], [1, 0]]);
    expect(r.split(4).map((t) => t.size)).toEqual([4, 4, 2]);
    expect(r.chunk(3).map((t) => t.size)).toEqual([4, 4, 2]);
    expect(() => nc.cat([nc.ones([1, 2]), nc.ones([1, 3])], 0)).toThrow('cat: tensors[1] has shape [1,3] but tensors[0] has [1,2]; all dims except 0 must match');
  });
  test('expand and broadcasting', () => {
    expect(nc.tensor([1, 2]).expand(3, -1).toArray()).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(nc.tensor([[1], [2]]).add(nc.tensor([10, 20, 30])).toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(() => nc.ones([2, 3]).add(nc.ones([4]))).toThrow('add: shapes [2,3] and [4] cannot be broadcast together (hint: trailing dims must be equal or 1)');
    expect(() => nc.ones([3]).expand(2, 2)).toThrow(/only size-1 dims can be expanded/);
  });
  test('gather/scatterAdd', () => {
    const t = nc.tensor([[1, 2], [3, 4]]);
    const idx = nc.tensor([[0, 0], [1, 0]], undefined, { dtype: 'int32' });
    expect(t.gather(1, idx).toArray()).toEqual([[1, 1], [4, 3]]);
    expect(nc.scatterAdd(nc.zeros([2, 2]), 1, idx, t).toArray()).toEqual([[3, 0], [4, 3]]);
    expect(() => t.gather(1, nc.tensor([[0.0]]))).toThrow(/index must have dtype int32/);
    expect(() => t.gather(1, nc.tensor([[5, 0], [0, 0]], undefined, { dtype: 'int32' }))).toThrow(/out of range/);
  });
});

describe('arithmetic and reductions', () => {
  test('dtype promotion', () => {
    expect(nc.arange(3).add(0.5).dtype).toBe('float32');
    expect(nc.arange(3).div(2).toArray()).toEqual([0, 0.5, 1]);
    expect(nc.ones([2], { dtype: 'float64' }).add(nc.ones([2])).dtype).toBe('float64');
    expect(nc.tensor([1, 2]).gt(1).toArray()).toEqual([0, 1]);
  });
  test('max / min in the three torch forms: all, (dim) -> [values, indices], (other) elementwise', () => {
    const t = nc.tensor([[1, 5, 3], [4, 2, 6]], undefined, { requiresGrad: true });
    expect(t.max().item()).toBe(6);
    const [values, indices] = t.max(1);
    expect(values.toArray()).toEqual([5, 6]);
    expect(indices.toArray()).toEqual([1, 2]);
    expect(indices.dtype).toBe('int32');
    const kept = nc.min(t, 0, true);
    expect(kept.values.shape).toEqual([1, 3]);
    expect(kept.values.toArray()).toEqual([[1, 2, 3]]);
    expect(kept.indices.toArray()).toEqual([[0, 1, 0]]);
    // As torch.max(dim): the gradient goes to the index picked.
    values.sum().backward();
    expect(t.grad!.toArray()).toEqual([[0, 1, 0], [0, 0, 1]]);
    expect(nc.max(t, nc.tensor([2, 2, 2])).toArray()).toEqual([[2, 5, 3], [4, 2, 6]]);
    expect(nc.min(nc.tensor(3), 0).values.item()).toBe(3);
    expect(() => nc.max(t, [0, 1] as unknown as number)).toThrow(/max: dim must be one integer, got \[0,1\] \(hint: over several dims use amax\(x, dims\)\)/);
    expect(() => nc.min(t, 2)).toThrow(/min: dim 2 is out of range/);
    expect(() => nc.max(t, 1, 'yes' as unknown as boolean)).toThrow(/max: keepDim must be true or false/);
  });

  test('reductions with dims and keepDim', () => {
    const t = nc.tensor([[1, 5, 3], [4, 2, 6]]);
    expect(t.sum().item()).toBe(21);
    expect(t.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(t.sum(1, true).shape).toEqual([2, 1]);
    expect(t.mean([0, 1]).item()).toBe(3.5);
    expect(t.max(1).values.toArray()).toEqual([5, 6]);
    expect(t.min(0).values.toArray()).toEqual([1, 2, 3]);
    expect(t.amax(1).toArray()).toEqual([5, 6]);
    expect(t.amin([0, 1]).item()).toBe(1);
    expect(t.argmax(1).toArray()).toEqual([1, 2]);
    expect(t.argmax().item()).toBe(5);
    expect((t.var(1).toArray() as number[]).map((v) => +v.toFixed(5))).toEqual([4, 4]);
    expect((t.var(1, false, { unbiased: false }).toArray() as number[]).map((v) => +v.toFixed(5))).toEqual([2.66667, 2.66667]);
    expect(() => t.sum(2)).toThrow('sum: dim 2 is out of range for a 2D tensor (hint: use a value in [-2, 1])');
  });
  test('matmul shapes', () => {
    expect(nc.matmul(nc.ones([2, 3]), nc.ones([3, 4])).shape).toEqual([2, 4]);
    expect(nc.matmul(nc.ones([5, 2, 3]), nc.ones([3, 4])).shape).toEqual([5, 2, 4]);
    expect(nc.matmul(nc.ones([3]), nc.ones([3])).shape).toEqual([]);
    expect(nc.matmul(nc.ones([3]), nc.ones([3, 2])).shape).toEqual([2]);
    expect(() => nc.matmul(nc.ones([2, 3]), nc.ones([4, 2]))).toThrow('matmul: inner dimensions differ: [2,3] @ [4,2] (3 vs 4)');
  });
  test('softmax is stable on huge logits', () => {
    const p = nc.softmax(nc.tensor([[1e4, 0, -1e4]]), 1).dataSync();
    expect(Array.from(p)).toEqual([1, 0, 0]);
    const lp = nc.logSoftmax(nc.tensor([[1e4, 0]]), 1).dataSync();
    expect(lp[1]).toBe(-1e4);
  });
});

test('generator state round-trips, including a cached normal', () => {
  const g = new nc.Generator(7);
  g.normal();
  const state = g.getState();
  const a = [g.normal(), g.normal(), g.random()];
  const h = new nc.Generator(1);
  h.setState(state);
  expect([h.normal(), h.normal(), h.random()]).toEqual(a);
  expect(() => h.setState([1, 2])).toThrow(/expected 4 or 5 numbers/);
});
