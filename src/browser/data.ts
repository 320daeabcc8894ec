/** neocog data in the browser: datasets, loaders, transforms, and tensors from / to pixels. */
export * from '../data/core.js';
export { fromPixels, toImageData, type PixelSource, type ImageDataLike, type FromPixelsOptions, type ToImageDataOptions } from './pixels.js';
