import { describe, expect, test } from 'vitest';
import { DataLoader } from '../../src/data/dataloader.js';
import { TensorDataset, type Dataset } from '../../src/data/dataset.js';
import { embeddedMnist } from '../../src/data/embedded-mnist.js';
import { fromArray } from '../../src/tensor/creation.js';
import { Generator, manualSeed } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Items [x = [i, i], label i]: batches reveal the order.
const pairs = (n: number): Dataset<[Tensor, number]> => ({ length: n, get: (i) => [fromArray(new Float32Array([i, i]), [2]), i] });
const labelsOf = (batches: Iterable<[Tensor, Tensor]>) => Array.from(batches, ([, y]) => Array.from(y.dataSync()));

describe('DataLoader', () => {
  test('batching, shapes, length, dropLast', () => {
    const dl = new DataLoader(pairs(10), { batchSize: 4 });
    expect(dl.length).toBe(3);
    const batches = [...dl];
    expect(batches.map(([x]) => x.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches[0][1].dtype).toBe('int32');
    expect(labelsOf(batches)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropped = new DataLoader(pairs(10), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(labelsOf(dropped)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(pairs(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(() => new DataLoader(pairs(3), { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
  });

  test('seeded shuffle: a permutation, different every epoch, reproducible across loaders', () => {
    const make = () => new DataLoader(pairs(20), { batchSize: 5, shuffle: true, generator: new Generator(42) });
    const a = make();
    const e1 = labelsOf(a).flat();
    const e2 = labelsOf(a).flat();
    expect([...e1].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(e1).not.toEqual(e2);
    expect(e1).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    const b = make();
    expect(labelsOf(b).flat()).toEqual(e1);
    expect(labelsOf(b).flat()).toEqual(e2);
    // Without a generator: the global one, seeded by manualSeed.
    manualSeed(7);
    const g1 = labelsOf(new DataLoader(pairs(20), { batchSize: 20, shuffle: true }));
    manualSeed(7);
    expect(labelsOf(new DataLoader(pairs(20), { batchSize: 20, shuffle: true }))).toEqual(g1);
  });

  test('for await gives the same batches as the sync iterator, with and without prefetch', async () => {
    for (const prefetch of [0, 1, 3]) {
      const seen: number[][] = [];
      for await (const [x, y] of new DataLoader(pairs(11), { batchSize: 3, shuffle: true, generator: new Generator(5), prefetch })) {
        expect(x.shape[1]).toBe(2);
        seen.push(Array.from(y.dataSync()));
      }
      expect(seen).toEqual(labelsOf(new DataLoader(pairs(11), { batchSize: 3, shuffle: true, generator: new Generator(5) })));
    }
  });

  test('prefetch prepares the next batches while the consumer awaits', async () => {
    const built: number[] = [];
    const ds: Dataset<number> = { length: 6, get: (i) => (built.push(i), i) };
    const dl = new DataLoader(ds, { batchSize: 1, prefetch: 2 });
    const it = dl[Symbol.asyncIterator]();
    await it.next();
    // The consumer "computes" (awaits) without asking for a batch: the prefetched ones get built meanwhile.
    // Polled, not one fixed sleep: on a loaded machine a 5 ms timer can expire before the loop runs them.
    for (let i = 0; i < 100 && built.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(built.length).toBeGreaterThanOrEqual(3); // batch 0 + 2 prefetched
    await new Promise((r) => setTimeout(r, 5));
    expect(built.length).toBe(3); // and no more than `prefetch` ahead
    await it.return?.(undefined);
  });

  test('errors in a batch surface at that batch; breaking early stops', async () => {
    const ds: Dataset<number> = { length: 4, get: (i) => { if (i === 2) throw new Error('bad item 2'); return i; } };
    const got: number[] = [];
    await expect((async () => { for await (const b of new DataLoader(ds)) got.push(b.item()); })()).rejects.toThrow('bad item 2');
    expect(got).toEqual([0, 1]);
    let n = 0;
    for await (const _ of new DataLoader(pairs(100), { batchSize: 1 })) if (++n === 2) break;
    expect(n).toBe(2);
  });

  test('custom collate', () => {
    const dl = new DataLoader(pairs(5), { batchSize: 2, collate: (items) => items.map(([, y]) => y) });
    expect([...dl]).toEqual([[0, 1], [2, 3], [4]]);
    expect(dl.fastPath).toBe(false);
  });

  test('fast path on array-backed MNIST equals stacking per-image tensors', () => {
    const ds = embeddedMnist({ train: false });
    const fast = new DataLoader(ds, { batchSize: 64, shuffle: true, generator: new Generator(3) });
    const slow = new DataLoader({ length: ds.length, get: (i: number) => ds.get(i) }, { batchSize: 64, shuffle: true, generator: new Generator(3) });
    expect(fast.fastPath).toBe(true);
    expect(slow.fastPath).toBe(false);
    const [fx, fy] = fast[Symbol.iterator]().next().value!;
    const [sx, sy] = slow[Symbol.iterator]().next().value!;
    expect(fx.shape).toEqual([64, 1, 28, 28]);
    expect(fy.shape).toEqual([64]);
    expect(fy.dtype).toBe('int32');
    expect(Buffer.compare(Buffer.from(fx.dataSync().buffer), Buffer.from(sx.dataSync().buffer))).toBe(0);
    expect(Array.from(fy.dataSync())).toEqual(Array.from(sy.dataSync()));
    expect(fast.length).toBe(Math.ceil(2000 / 64));
  });

  test('TensorDataset goes through the fast path too', () => {
    const x = fromArray(Float32Array.from({ length: 10 }, (_, i) => i), [5, 2]);
    const y = fromArray(new Int32Array([0, 1, 0, 1, 0]), [5]);
    const dl = new DataLoader(new TensorDataset(x, y), { batchSize: 2 });
    expect(dl.fastPath).toBe(true);
    const [bx, by] = [...dl][2];
    expect(bx.shape).toEqual([1, 2]);
    expect(Array.from(by.dataSync())).toEqual([0]);
  });
});
