/**
 * DataLoader: batches of a Dataset, optionally shuffled with a seeded Generator.
 *
 *   for await (const [x, y] of new DataLoader(ds, { batchSize: 64, shuffle: true })) { ... }
 *   for (const [x, y] of loader) { ... }          // the same batches, synchronously
 *
 * Shuffling draws a fresh Fisher–Yates permutation from the generator at the start of every epoch
 * (every iteration over the loader), so epochs differ from each other, yet a loader whose generator
 * is seeded the same replays the same sequence of epochs.
 */
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { defaultCollate } from './collate.js';
import { hasGetBatch, randperm, type Collated, type Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Source of the shuffle order (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
  /** Turns a list of samples into a batch (default: stack tensors, numbers -> int32 tensor). */
  collate?: (items: T[]) => B;
  /** How many batches the async iterator prepares ahead of the one being consumed (0: on demand). */
  prefetch?: number;
}

// Node has setImmediate (runs after I/O, before timers); browsers fall back to a zero timeout.
const nextTick: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (fn) => void globalThis.setImmediate(fn) : (fn) => void setTimeout(fn, 0);

export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly generator: Generator | undefined;
  private readonly collate: ((items: T[]) => B) | undefined;
  /** Whether batches come from dataset.getBatch (typed-array fast path) rather than per-item collate. */
  readonly fastPath: boolean;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, generator, collate, prefetch = 2 } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(prefetch) || prefetch < 0) throw new Error(`DataLoader: prefetch must be a non-negative integer, got ${prefetch}`);
    if (!dataset || typeof dataset.get !== 'function' || typeof dataset.length !== 'number') {
      throw new Error('DataLoader: dataset must have a numeric length and a get(i) method');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
    this.prefetch = prefetch;
    this.fastPath = collate === undefined && hasGetBatch(dataset);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of a new epoch (draws from the generator when shuffling). */
  private epochOrder(): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return randperm(n, this.generator ?? defaultGenerator);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  private makeBatch(order: Int32Array, b: number): B {
    const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
    if (this.fastPath) return (this.dataset as unknown as { getBatch(i: ArrayLike<number>): B }).getBatch(idx);
    const items = Array.from(idx, (i) => this.dataset.get(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.epochOrder();
    const nb = this.length;
    for (let b = 0; b < nb; b++) yield this.makeBatch(order, b);
  }

  /**
   * Batches are built in macrotasks ahead of the consumer (up to `prefetch` waiting), so while the
   * training step awaits (a backend read, a GPU queue), the next batches are already being prepared.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const order = this.epochOrder();
    const nb = this.length;
    if (this.prefetch === 0) {
      for (let b = 0; b < nb; b++) yield this.makeBatch(order, b);
      return;
    }
    const queue: Promise<B>[] = [];
    let next = 0;
    let stopped = false;
    const fill = () => {
      while (next < nb && queue.length < this.prefetch) {
        const b = next++;
        const p = new Promise<B>((resolve, reject) => {
          nextTick(() => {
            if (stopped) return resolve(undefined as B);
            try {
              resolve(this.makeBatch(order, b));
            } catch (e) {
              reject(e);
            }
          });
        });
        p.catch(() => {}); // the error surfaces when this batch is awaited, not as an unhandled rejection
        queue.push(p);
      }
    };
    try {
      for (let b = 0; b < nb; b++) {
        fill();
        const batch = await queue.shift()!;
        fill(); // keep `prefetch` batches in preparation while the consumer works on this one
        yield batch;
      }
    } finally {
      stopped = true;
    }
  }
}
