/**
 * MNIST and Fashion-MNIST as datasets of [image [1,28,28] float32 in [0,1], label].
 *
 *   await mnist({ root: '../shared/datasets/mnist' })             // the four official IDX files
 *   await mnist({ download: { cacheDir: '.cache/mnist' } })        // fetched, md5-checked, cached
 *   await mnist()                                                  // offline: 8,000 embedded digits
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAll, type FetchLike } from './download.js';
import { embeddedMnist, MNIST_CLASSES } from './embedded-mnist.js';
import { readIdxPair } from './idx.js';
import { ImageArrayDataset, type ImageTransform } from './image-array.js';
import { checkPath } from '../io/atomic.js';
import { bool, noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export interface DownloadSpec {
  /** Base URL holding the four .gz files (default: the dataset's usual mirror). */
  url?: string;
  /** Directory the files are cached in. */
  cacheDir: string;
  /** Injected fetch (tests, proxies); default: global fetch, file:// read from disk. */
  fetch?: FetchLike;
  /** File name -> md5 override (default: the official checksums). */
  md5?: Record<string, string>;
}

export interface MnistOptions {
  /** Directory with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-... */
  root?: string;
  train?: boolean;
  transform?: ImageTransform;
  download?: DownloadSpec;
}

/** Official file names and md5s (the LeCun files; the Fashion-MNIST README). */
export const MNIST_MD5: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
  't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
  't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
};
export const FASHION_MNIST_MD5: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
};
export const MNIST_URL = 'https://ossci-datasets.s3.amazonaws.com/mnist/';
export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function findFile(root: string, base: string, what: string): string {
  for (const name of [`${base}.gz`, base]) {
    const p = join(root, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`${what}: ${join(root, base)}(.gz) not found; root must hold the four official IDX files`);
}

/** Reads the train or t10k split of an MNIST-format directory (sync). */
export function readMnistFolder(root: string, opts: { train?: boolean; transform?: ImageTransform; classes?: readonly string[]; name?: string } = {}): ImageArrayDataset {
  checkPath('readMnistFolder', 'root', root);
  noExtra('readMnistFolder', arguments, 2);
  opts = options<typeof opts>('readMnistFolder', opts, ['train', 'transform', 'classes', 'name']);
  if (opts.train !== undefined) bool('readMnistFolder', 'train', opts.train);
  const name = opts.name ?? 'mnist';
  const prefix = (opts.train ?? true) ? 'train' : 't10k';
  const { images, labels } = readIdxPair(findFile(root, `${prefix}-images-idx3-ubyte`, name), findFile(root, `${prefix}-labels-idx1-ubyte`, name));
  if (images.dims.length !== 3) throw new Error(`${name}: images have dims [${images.dims.join(',')}], expected [N, rows, cols]`);
  const [, h, w] = images.dims;
  return new ImageArrayDataset(images.data, labels.data, [1, h, w], { transform: opts.transform, classes: opts.classes });
}

/** Checks MnistOptions (a torchvision-style positional root is refused with the object form to use). */
function mnistOptions(what: string, opts: unknown): MnistOptions {
  if (typeof opts === 'string') fail(what, `takes an options object, got ${show(opts)}`, `pass { root: ${show(opts)} }`);
  const o = options<MnistOptions>(what, opts, ['root', 'train', 'transform', 'download']);
  if (o.root !== undefined) checkPath(what, 'root', o.root);
  if (o.train !== undefined) bool(what, 'train', o.train);
  if (o.transform !== undefined && typeof o.transform !== 'function') fail(what, `transform must be a function, got ${show(o.transform)}`);
  if (o.download !== undefined) {
    const d = options<DownloadSpec>(what, o.download, ['url', 'cacheDir', 'fetch', 'md5'], 'download');
    checkPath(what, 'download.cacheDir', d.cacheDir);
    if (d.url !== undefined && typeof d.url !== 'string') fail(what, `download.url must be a URL string, got ${show(d.url)}`);
    if (d.fetch !== undefined && typeof d.fetch !== 'function') fail(what, `download.fetch must be a function, got ${show(d.fetch)}`);
    if (d.md5 !== undefined && (d.md5 === null || typeof d.md5 !== 'object')) fail(what, `download.md5 must map file names to md5 strings, got ${show(d.md5)}`);
  }
  return o;
}

async function load(what: string, opts: MnistOptions, md5: Record<string, string>, url: string, classes: readonly string[]): Promise<ImageArrayDataset> {
  let root = opts.root;
  if (root === undefined && opts.download) {
    const d = opts.download;
    root = await downloadAll(d.url ?? url, d.cacheDir, { ...md5, ...d.md5 }, d.fetch);
  }
  if (root === undefined) throw new Error(`${what}: pass { root } (a folder with the four IDX files) or { download: { cacheDir } }`);
  return readMnistFolder(root, { train: opts.train, transform: opts.transform, classes, name: what });
}

/** MNIST. Without root or download: the embedded digits (see embeddedMnist), 8,000 train / 2,000 held out. */
export async function mnist(opts: MnistOptions = {}): Promise<ImageArrayDataset> {
  noExtra('mnist', arguments, 1);
  opts = mnistOptions('mnist', opts);
  if (opts.root === undefined && opts.download === undefined) return embeddedMnist({ train: opts.train, transform: opts.transform });
  return load('mnist', opts, MNIST_MD5, MNIST_URL, MNIST_CLASSES);
}

/** Fashion-MNIST (needs root or download; nothing is embedded). */
export async function fashionMnist(opts: MnistOptions = {}): Promise<ImageArrayDataset> {
  noExtra('fashionMnist', arguments, 1);
  opts = mnistOptions('fashionMnist', opts);
  return load('fashionMnist', opts, FASHION_MNIST_MD5, FASHION_MNIST_URL, FASHION_MNIST_CLASSES);
}
