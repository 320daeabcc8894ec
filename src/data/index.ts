/**
 * neocog data: datasets, loaders, transforms (./core.ts, browser-safe) and the Node readers for
 * IDX / MNIST / Fashion-MNIST, image folders and md5-checked downloads.
 */
export * from './core.js';
export { parseIdx, readIdx, readIdxPair, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from './idx.js';
export { mnist, fashionMnist, readMnistFolder, MNIST_MD5, FASHION_MNIST_MD5, MNIST_URL, FASHION_MNIST_URL, FASHION_MNIST_CLASSES, type MnistOptions, type DownloadSpec } from './mnist.js';
export { embeddedMnist, MNIST_CLASSES, EMBEDDED_MNIST_SIZE, EMBEDDED_MNIST_TRAIN } from './embedded-mnist.js';
export { downloadFile, downloadAll, md5Hex, writeFileAtomic, defaultFetch, type FetchLike, type FetchResponseLike } from './download.js';
export { setFileLimits, fileLimits, type FileLimits } from './limits.js';
export { ImageFolder, readImage, writePng, encodePng, decodeImage, IMAGE_EXTENSIONS, type ImageFolderOptions, type ImageMode } from './image-folder.js';
export { syntheticDna, oneHotDna, DNA_ALPHABET, type SyntheticDna, type SyntheticDnaOptions } from './synthetic-dna.js';
export { decodeRaster, readRaster, readImageTensor, type ReadRasterOptions } from './image-read.js';
export { decodeTiff, isTiff, type DecodeTiffOptions } from './image-tiff.js';
export { decodeGif, isGif, type DecodeGifOptions } from './image-gif.js';
export { rasterToTensor, convertRaster, MAX_IMAGE_SAMPLES, type Raster } from './image-raster.js';
