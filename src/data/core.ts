/**
 * The browser-safe part of neocog data (no node: imports): datasets, the DataLoader, collate,
 * array-backed image datasets and transforms. The readers (IDX, MNIST, image files, downloads) need
 * Node and are only in ./index.ts.
 */
export { type Dataset, type BatchDataset, type Collated, TensorDataset, Subset, ConcatDataset, MapDataset, randomSplit, randperm } from './dataset.js';
export { defaultCollate } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { ImageArrayDataset, type ImageArrayOptions, type ImageTransform } from './image-array.js';
export * as transforms from './transforms.js';
