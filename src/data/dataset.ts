/** Datasets: anything with a length and an indexed get(i), plus the usual combinators. */
import { filledTensor, fromArray } from '../tensor/creation.js';
import type { TypedArray } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { integer, options, show } from '../ops/args.js';
import { assertTensor, fail } from '../ops/validate.js';

export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
}

/**
 * A dataset that can build a whole batch at once, bypassing per-item tensors (the DataLoader's
 * fast path). `getBatch(indices)` must equal the default collate of the items at `indices`.
 */
export interface BatchDataset<T, B = Collated<T>> extends Dataset<T> {
  getBatch(indices: ArrayLike<number>): B;
}

/** What the default collate makes of a sample type: tensors and numbers become batched tensors. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : T[];

export function hasGetBatch<T>(ds: Dataset<T>): ds is BatchDataset<T> {
  return typeof (ds as Partial<BatchDataset<T>>).getBatch === 'function';
}

/** Refuses anything without a non-negative integer `length` and a get(i) method, before it is read. */
export function assertDataset(op: string, arg: string, ds: unknown): asserts ds is Dataset<unknown> {
  const d = ds as Partial<Dataset<unknown>> | null;
  if (d === null || typeof d !== 'object' || typeof d.get !== 'function' || !Number.isInteger(d.length) || (d.length as number) < 0) {
    fail(op, `${arg} must be a dataset (an object with a length and a get(i) method), got ${show(ds)}`);
  }
}

export function checkIndex(what: string, i: number, length: number): number {
  if (!Number.isInteger(i)) throw new Error(`${what}: index ${i} is not an integer`);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new Error(`${what}: index ${i} is out of range for a dataset of length ${length}`);
  return j;
}

/** Rows of tensors sharing their first dimension: get(i) returns [t0[i], t1[i], ...]. */
export class TensorDataset implements BatchDataset<Tensor[], Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;
  private readonly values: TypedArray[];
  private readonly rowSizes: number[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => assertTensor('TensorDataset', `tensors[${k}]`, t));
    tensors.forEach((t, k) => {
      if (t.ndim === 0) throw new Error(`TensorDataset: tensors[${k}] is 0-d; every tensor needs a first (sample) dimension`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new Error(`TensorDataset: size mismatch: tensors[${k}] has ${t.shape[0]} rows [${t.shape.join(',')}] but tensors[0] has ${tensors[0].shape[0]} [${tensors[0].shape.join(',')}]`);
      }
    });
    this.tensors = tensors;
    this.length = tensors[0].shape[0];
    // One read up front: get(i) then copies one row instead of the whole tensor.
    this.values = tensors.map((t) => t.dataSync());
    this.rowSizes = tensors.map((t) => t.shape.slice(1).reduce((a, b) => a * b, 1));
  }

  get(i: number): Tensor[] {
    const j = checkIndex('TensorDataset', i, this.length);
    return this.values.map((v, k) => fromArray(v.slice(j * this.rowSizes[k], (j + 1) * this.rowSizes[k]), this.tensors[k].shape.slice(1)));
  }

  getBatch(indices: ArrayLike<number>): Tensor[] {
    const runs = rowRuns(Array.from(indices, (i) => checkIndex('TensorDataset', i, this.length)));
    return this.values.map((v, k) => {
      const n = this.rowSizes[k];
      return filledTensor(this.tensors[k].dtype, [indices.length, ...this.tensors[k].shape.slice(1)], (out, at) => {
        for (const [j, b, count] of runs) out.set(v.subarray(j * n, (j + count) * n), at + b * n);
      });
    });
  }
}

/** Consecutive source rows as [first row, first batch position, count] runs: one copy each (a loader without shuffle: one). */
function rowRuns(rows: readonly number[]): [number, number, number][] {
  const runs: [number, number, number][] = [];
  rows.forEach((j, b) => {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[2] === j) last[2]++;
    else runs.push([j, b, 1]);
  });
  return runs;
}

/** The items of `dataset` at `indices`, in that order. Keeps the fast batch path when the source has one. */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];
  /** Present when the source dataset has a batch fast path. */
  readonly getBatch?: (indices: ArrayLike<number>) => Collated<T>;

  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>) {
    assertDataset('Subset', 'dataset', dataset);
    if (!Array.isArray(indices) && !ArrayBuffer.isView(indices)) fail('Subset', `indices must be an array of integers, got ${show(indices)}`);
    this.indices = Array.from(indices, (i) => checkIndex('Subset', i, dataset.length));
    if (hasGetBatch(dataset)) {
      this.getBatch = (idx) => dataset.getBatch(Array.from(idx, (i) => this.indices[checkIndex('Subset', i, this.indices.length)]));
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset', i, this.indices.length)]);
  }
}

/** A random permutation of 0..n-1 (Fisher–Yates with the given generator). */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  integer('randperm', 'n', n, { min: 0, max: 2 ** 31 - 1 });
  if (typeof (generator as Partial<Generator> | null)?.random !== 'function') fail('randperm', `generator must be a Generator, got ${show(generator)}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(generator.random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * Splits `dataset` into non-overlapping random subsets. `lengths` are counts summing to the dataset
 * length, or fractions summing to 1 (floored, the remainder handed out one by one from the first
 * split, as PyTorch does).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], opts: { generator?: Generator } | Generator = {}): Subset<T>[] {
  assertDataset('randomSplit', 'dataset', dataset);
  if (!Array.isArray(lengths) || lengths.some((l) => typeof l !== 'number')) fail('randomSplit', `lengths must be an array of counts or fractions, got ${show(lengths)}`);
  // torch.utils.data.random_split takes the generator positionally too.
  const { generator } = isGenerator(opts) ? { generator: opts } : options<{ generator?: Generator }>('randomSplit', opts, ['generator']);
  const n = dataset.length;
  let counts = [...lengths];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.some((l) => l < 0 || !Number.isFinite(l))) throw new Error(`randomSplit: lengths ${show(lengths)} must be non-negative`);
  if (Math.abs(total - 1) < 1e-9 && lengths.some((l) => !Number.isInteger(l))) {
    counts = lengths.map((f) => Math.floor(f * n));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  } else if (total !== n || lengths.some((l) => !Number.isInteger(l))) {
    throw new Error(`randomSplit: lengths ${show(lengths)} sum to ${total}, but the dataset has ${n} items (pass counts summing to ${n} or fractions summing to 1)`);
  }
  const perm = randperm(n, generator ?? defaultGenerator);
  let offset = 0;
  return counts.map((c) => {
    const part = new Subset(dataset, perm.subarray(offset, offset + c));
    offset += c;
    return part;
  });
}

function isGenerator(v: unknown): v is Generator {
  return v !== null && typeof v === 'object' && typeof (v as Partial<Generator>).random === 'function' && typeof (v as Partial<Generator>).getState === 'function';
}

/** Datasets one after another. */
export class ConcatDataset<T> implements Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly Dataset<T>[]) {
    if (!Array.isArray(datasets) || datasets.length === 0) fail('ConcatDataset', `datasets must be a non-empty array of datasets, got ${show(datasets)}`);
    datasets.forEach((d, k) => assertDataset('ConcatDataset', `datasets[${k}]`, d));
    this.datasets = [...datasets];
    let s = 0;
    this.cumulativeSizes = datasets.map((d) => (s += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  get(i: number): T {
    const j = checkIndex('ConcatDataset', i, this.length);
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > j) hi = mid;
      else lo = mid + 1;
    }
    return this.datasets[lo].get(j - (lo === 0 ? 0 : this.cumulativeSizes[lo - 1]));
  }
}

/** Applies `fn(item, index)` to each item as it is read (lazily, every time). */
export class MapDataset<T, U> implements Dataset<U> {
  constructor(readonly dataset: Dataset<T>, readonly fn: (item: T, index: number) => U) {
    assertDataset('MapDataset', 'dataset', dataset);
    if (typeof fn !== 'function') fail('MapDataset', `fn must be a function (item, index) => value, got ${show(fn)}`);
  }

  get length(): number {
    return this.dataset.length;
  }

  get(i: number): U {
    return this.fn(this.dataset.get(i), i);
  }
}
