import { describe, expect, test } from 'vitest';
import { ConcatDataset, MapDataset, randomSplit, Subset, TensorDataset, type Dataset } from '../../src/data/dataset.js';
import { defaultCollate } from '../../src/data/collate.js';
import { fromArray, tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });
const all = <T>(ds: Dataset<T>) => Array.from({ length: ds.length }, (_, i) => ds.get(i));

describe('TensorDataset', () => {
  const x = fromArray(Float32Array.from({ length: 12 }, (_, i) => i), [4, 3]);
  const y = tensor(new Int32Array([7, 8, 9, 10]));
  test('rows, negative index, errors', () => {
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.shape).toEqual([3]);
    expect(Array.from(xi.dataSync())).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(9);
    expect(ds.get(-1)[1].item()).toBe(10);
    expect(() => ds.get(4)).toThrow(/index 4 is out of range for a dataset of length 4/);
    expect(() => new TensorDataset(x, tensor([1, 2]))).toThrow(/size mismatch: tensors\[1\] has 2 rows/);
  });
  test('getBatch equals the default collate of the items', () => {
    const ds = new TensorDataset(x, y);
    const [bx, by] = ds.getBatch([3, 0]);
    const [cx, cy] = defaultCollate([ds.get(3), ds.get(0)]);
    expect(bx.shape).toEqual([2, 3]);
    expect(by.dtype).toBe('int32');
    expect(Array.from(bx.dataSync())).toEqual(Array.from(cx.dataSync()));
    expect(Array.from(by.dataSync())).toEqual(Array.from(cy.dataSync()));
    // Runs of consecutive rows are copied whole: a run, a jump back, a repeat.
    const order = [1, 2, 3, 0, 1, 1, -1];
    const [rx, ry] = ds.getBatch(order);
    const [qx, qy] = defaultCollate(order.map((i) => ds.get(i)));
    expect(Array.from(rx.dataSync())).toEqual(Array.from(qx.dataSync()));
    expect(Array.from(ry.dataSync())).toEqual(Array.from(qy.dataSync()));
  });
});

describe('Subset / randomSplit / ConcatDataset / MapDataset', () => {
  test('Subset picks and keeps the fast path', () => {
    const s = new Subset(range(10), [9, 3, 5]);
    expect(all(s)).toEqual([9, 3, 5]);
    expect(s.getBatch).toBeUndefined();
    const t = new Subset(new TensorDataset(tensor([[1], [2], [3]])), [2, 0]);
    expect(Array.from(t.getBatch!([0, 1])[0].dataSync())).toEqual([3, 1]);
    expect(() => new Subset(range(3), [3])).toThrow(/out of range/);
  });

  test('randomSplit: disjoint cover, counts and fractions, reproducible', () => {
    const parts = randomSplit(range(10), [7, 3], { generator: new Generator(1) });
    expect(parts.map((p) => p.length)).toEqual([7, 3]);
    expect([...all(parts[0]), ...all(parts[1])].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = randomSplit(range(10), [7, 3], { generator: new Generator(1) });
    expect(all(again[0])).toEqual(all(parts[0]));
    expect(all(randomSplit(range(10), [7, 3], { generator: new Generator(2) })[0])).not.toEqual(all(parts[0]));
    expect(randomSplit(range(10), [0.5, 0.25, 0.25]).map((p) => p.length)).toEqual([6, 2, 2]); // remainder goes to the first split, as in PyTorch
    expect(() => randomSplit(range(10), [5, 4])).toThrow(/sum to 9, but the dataset has 10 items/);
  });

  test('ConcatDataset and MapDataset', () => {
    const c = new ConcatDataset([range(2), range(0), range(3)]);
    expect(c.length).toBe(5);
    expect(all(c)).toEqual([0, 1, 0, 1, 2]);
    expect(c.get(-1)).toBe(2);
    const m = new MapDataset(range(3), (v, i) => `${v}:${i * 2}`);
    expect(all(m)).toEqual(['0:0', '1:2', '2:4']);
  });
});

describe('defaultCollate', () => {
  test('tensors, int and float numbers, tuples, objects', () => {
    const items = [
      { img: tensor([1, 2]), label: 3, w: 0.5, name: 'a' },
      { img: tensor([3, 4]), label: 4, w: 1, name: 'b' },
    ];
    const b = defaultCollate(items);
    expect(b.img.shape).toEqual([2, 2]);
    expect(b.label.dtype).toBe('int32');
    expect(b.w.dtype).toBe('float32');
    expect(b.name).toEqual(['a', 'b']);
    expect(() => defaultCollate([tensor([1]), tensor([1, 2])])).toThrow(/item 1 has shape \[2\] but item 0 has \[1\]/);
  });
});
