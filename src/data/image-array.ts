/**
 * An array-backed image classification dataset: all images in one Uint8Array [N, C, H, W] plus one
 * label per image. get(i) gives [image float32 [C,H,W] in [0,1], label]; getBatch builds a whole
 * batch straight from the bytes (the DataLoader's fast path) instead of stacking per-image tensors.
 */
import { filledTensor, fromArray } from '../tensor/creation.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkIndex, type BatchDataset } from './dataset.js';
import { checkSizes, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export type ImageTransform = (x: Tensor) => Tensor;

export interface ImageArrayOptions {
  /** Applied to each image tensor [C,H,W] as it is read. */
  transform?: ImageTransform;
  /** Class names, index = label. */
  classes?: readonly string[];
}

/**
 * Images as bytes [N, C, H, W] with their labels. A batch reads the arrays when a kernel needs its values
 * (no copy in between): do not change them while batches drawn from them are in use.
 */
export class ImageArrayDataset implements BatchDataset<[Tensor, number], [Tensor, Tensor]> {
  readonly length: number;
  readonly transform: ImageTransform | undefined;
  readonly classes: readonly string[] | undefined;
  private readonly pixels: number;

  constructor(
    readonly images: Uint8Array,
    readonly labels: Uint8Array | Int32Array,
    readonly imageShape: readonly [number, number, number],
    opts: ImageArrayOptions = {},
  ) {
    const op = 'ImageArrayDataset';
    if (!(images instanceof Uint8Array)) fail(op, `images must be a Uint8Array [N, C, H, W], got ${show(images)}`);
    if (!(labels instanceof Uint8Array || labels instanceof Int32Array)) fail(op, `labels must be a Uint8Array or Int32Array, got ${show(labels)}`);
    if (!Array.isArray(imageShape) || imageShape.length !== 3) fail(op, `imageShape must be [C, H, W], got ${show(imageShape)}`);
    checkSizes(op, 'imageShape', imageShape);
    opts = options<ImageArrayOptions>(op, opts, ['transform', 'classes']);
    if (opts.transform !== undefined && typeof opts.transform !== 'function') fail(op, `transform must be a function, got ${show(opts.transform)}`);
    if (opts.classes !== undefined && (!Array.isArray(opts.classes) || !opts.classes.every((c) => typeof c === 'string'))) fail(op, `classes must be an array of class names, got ${show(opts.classes)}`);
    this.pixels = imageShape[0] * imageShape[1] * imageShape[2];
    if (images.length !== labels.length * this.pixels) {
      throw new Error(`ImageArrayDataset: ${images.length} image bytes do not hold ${labels.length} images of shape [${imageShape.join(',')}]`);
    }
    this.length = labels.length;
    this.transform = opts.transform;
    this.classes = opts.classes;
  }

  /** The same data (shared, not copied) with another transform. */
  withTransform(transform: ImageTransform | undefined): ImageArrayDataset {
    return new ImageArrayDataset(this.images, this.labels, this.imageShape, { transform, classes: this.classes });
  }

  /** The raw bytes of image i ([C,H,W] row-major, a view). */
  rawImage(i: number): Uint8Array {
    const j = checkIndex('ImageArrayDataset', i, this.length);
    return this.images.subarray(j * this.pixels, (j + 1) * this.pixels);
  }

  get(i: number): [Tensor, number] {
    const j = checkIndex('ImageArrayDataset', i, this.length);
    const values = new Float32Array(this.pixels);
    this.toFloat(j, values, 0);
    const x = fromArray(values, [...this.imageShape]);
    return [this.transform ? this.transform(x) : x, this.labels[j]];
  }

  getBatch(indices: ArrayLike<number>): [Tensor, Tensor] {
    const n = indices.length;
    const rows = Array.from(indices, (i) => checkIndex('ImageArrayDataset', i, this.length));
    const y = filledTensor('int32', [n], (out, at) => rows.forEach((j, b) => (out[at + b] = this.labels[j])));
    if (!this.transform) {
      const x = filledTensor('float32', [n, ...this.imageShape], (out, at) => rows.forEach((j, b) => this.toFloat(j, out, at + b * this.pixels)));
      return [x, y];
    }
    // With a transform the output shape may differ (crops); transform each image, then copy once.
    let out: Float32Array | undefined;
    let shape: number[] = [];
    for (let b = 0; b < n; b++) {
      const t = this.get(indices[b])[0];
      const v = t.dataSync();
      if (!out) {
        shape = t.shape;
        out = new Float32Array(n * v.length);
      } else if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
        throw new Error(`ImageArrayDataset: transform gave shape [${t.shape.join(',')}] for item ${indices[b]} but [${shape.join(',')}] for the first item of the batch`);
      }
      out.set(v, b * v.length);
    }
    return [fromArray(out ?? new Float32Array(0), [n, ...shape]), y];
  }

  private toFloat(j: number, out: TypedArray, offset: number): void {
    const src = this.images;
    const start = j * this.pixels;
    for (let k = 0; k < this.pixels; k++) out[offset + k] = src[start + k] / 255;
  }
}
