/**
 * Images on disk: readImage / writePng for single files, and ImageFolder (one class per
 * subdirectory, torchvision's layout: root/cat/001.png, root/dog/xyz.jpg).
 * Decoding uses pure-JS libraries (pngjs, jpeg-js), so there is nothing native to build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { checkIndex, type Dataset } from './dataset.js';
import { writeFileAtomic } from './download.js';
import { toTensor, type RawImage } from './transforms.js';
import { decodeGif, isGif } from './image-gif.js';
import { checkBytes, convertRaster, decodeOptions, rasterTo8Bit } from './image-raster.js';
import { options, show } from '../ops/args.js';
import { decodeTiff, isTiff } from './image-tiff.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertTensor, fail, NeocogError } from '../ops/validate.js';
import { checkPng } from './png-check.js';
import { checkJpeg } from './jpeg-check.js';
import { fileLimits, readFileBounded } from './limits.js';

export type ImageMode = 'auto' | 'L' | 'RGB' | 'RGBA';

/** The number of colour components in a JPEG's frame header (1 grey, 3 colour), or 3 when not found. */
function jpegComponents(b: Uint8Array): number {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return 3;
    const m = b[i + 1];
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd9)) {
      i += 2;
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return b[i + 9];
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return 3;
}

/**
 * Decodes PNG or JPEG bytes (detected by magic bytes) to HWC bytes. 'auto' keeps the file's
 * channels: grey -> 1, grey+alpha -> 2, colour -> 3, colour+alpha -> 4; 'L', 'RGB', 'RGBA' convert.
 */
export function decodeImage(bytes: Uint8Array, opts?: { mode?: ImageMode; name?: string }): RawImage {
  checkBytes('decodeImage', bytes);
  opts = decodeOptions<{ mode: ImageMode; name: string }>('decodeImage', opts, ['mode', 'name']);
  const name = opts.name ?? 'image';
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  let channels: number;
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    checkPng(bytes, name);
    let png: ReturnType<typeof PNG.sync.read>;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new Error(`${name}: cannot decode PNG (${(e as Error).message})`);
    }
    ({ width, height } = png);
    rgba = png.data;
    channels = (png.color ? 3 : 1) + (png.alpha ? 1 : 0);
  } else if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    let img: { width: number; height: number; data: Uint8Array };
    const frame = checkJpeg(bytes, name);
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: Math.ceil((frame.width * frame.height) / 1e6) + 1, maxMemoryUsageInMB: Math.ceil(fileLimits().maxDecodedBytes / 2 ** 20) });
    } catch (e) {
      // jpeg-js reports corrupt data as its own TypeErrors; say what it means instead.
      const m = (e as Error).message;
      throw new NeocogError(name, `invalid JPEG: ${e instanceof TypeError || e instanceof RangeError ? 'corrupt image data' : m}`);
    }
    if (img.width !== frame.width || img.height !== frame.height) throw new NeocogError(name, `invalid JPEG: decoded ${img.width}x${img.height} but the frame header says ${frame.width}x${frame.height}`);
    ({ width, height } = img);
    rgba = img.data;
    channels = jpegComponents(bytes) === 1 ? 1 : 3;
  } else if (isTiff(bytes) || isGif(bytes)) {
    const r = convertRaster(rasterTo8Bit(isTiff(bytes) ? decodeTiff(bytes, { name }) : decodeGif(bytes, { name })), opts.mode ?? 'auto');
    return { data: r.data as Uint8Array, width: r.width, height: r.height, channels: r.channels };
  } else {
    throw new Error(`${name}: not a PNG, JPEG, TIFF or GIF file (first bytes ${Array.from(bytes.subarray(0, 4), (v) => v.toString(16).padStart(2, '0')).join(' ')})`);
  }
  const mode = opts.mode ?? 'auto';
  const outC = mode === 'auto' ? channels : mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
  const src = channels; // what the file holds: decides how grey is computed
  const n = width * height;
  const data = new Uint8Array(n * outC);
  for (let p = 0; p < n; p++) {
    const r = rgba[4 * p];
    const g = rgba[4 * p + 1];
    const b = rgba[4 * p + 2];
    const a = rgba[4 * p + 3];
    const o = p * outC;
    if (outC <= 2) {
      // ITU-R 601-2 luma, as PIL's convert('L'); grey files are copied as they are.
      data[o] = src <= 2 ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      if (outC === 2) data[o + 1] = a;
    } else {
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      if (outC === 4) data[o + 3] = a;
    }
  }
  return { data, width, height, channels: outC };
}

/** Reads a PNG or JPEG file as a float32 tensor [C,H,W] in [0,1]. */
export function readImage(path: string, opts?: { mode?: ImageMode }): Tensor {
  if (typeof path !== 'string' || path === '') fail('readImage', `path must be a file path (a non-empty string), got ${show(path)}`);
  opts = decodeOptions<{ mode: ImageMode }>('readImage', opts, ['mode']);
  const bytes = readFileBounded('readImage', path);
  return toTensor(decodeImage(bytes, { mode: opts.mode, name: path }));
}

/** Encodes a tensor [C,H,W] (C = 1..4) or [H,W] as PNG bytes. Float values are taken in [0,1], int32 in [0,255]; both are clamped. */
export function encodePng(x: Tensor): Buffer {
  assertTensor('encodePng', 'x', x);
  const shape = x.ndim === 2 ? [1, ...x.shape] : x.shape;
  if (shape.length !== 3 || shape[0] < 1 || shape[0] > 4) {
    throw new Error(`writePng: expected an image [C,H,W] with 1-4 channels or [H,W], got [${x.shape.join(',')}]`);
  }
  const [c, h, w] = shape;
  const v = x.dataSync();
  const scale = x.dtype === 'int32' ? 1 : 255;
  const data = Buffer.alloc(c * h * w);
  for (let k = 0; k < c; k++) {
    for (let p = 0; p < h * w; p++) {
      const s = Math.round(v[k * h * w + p] * scale);
      data[p * c + k] = Number.isNaN(s) ? 0 : s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  const colorType = ([0, 4, 2, 6] as const)[c - 1];
  // pngjs packs straight from data laid out in the output colour type when input and output types match.
  return PNG.sync.write({ width: w, height: h, data } as unknown as PNG, { colorType, inputColorType: colorType, inputHasAlpha: c === 2 || c === 4, bitDepth: 8 });
}

/** Writes a tensor as a PNG file atomically (temp file + rename). */
export function writePng(path: string, x: Tensor): void {
  writeFileAtomic(path, encodePng(x));
}

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.gif'];

export interface ImageFolderOptions {
  /** Applied to each image tensor [C,H,W] as it is read. */
  transform?: (x: Tensor) => Tensor;
  /** Channel conversion on decode (default 'auto'). */
  mode?: ImageMode;
  /** File extensions to include, lower case with the dot. */
  extensions?: readonly string[];
}

function walk(dir: string, exts: readonly string[], out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, exts, out);
    else if ((entry.isFile() || (entry.isSymbolicLink() && statSync(p).isFile())) && exts.includes(extname(entry.name).toLowerCase())) out.push(p);
  }
}

/**
 * A classification dataset from root/<class>/<...>/<image>: classes are the sorted subdirectory
 * names, labels their indices; images are decoded lazily in get(i) as [Tensor [C,H,W], label].
 */
export class ImageFolder implements Dataset<[Tensor, number]> {
  readonly classes: readonly string[];
  readonly classToIdx: Readonly<Record<string, number>>;
  /** [path, label] in a stable order (by class, then by path). */
  readonly samples: readonly (readonly [string, number])[];
  readonly transform: ((x: Tensor) => Tensor) | undefined;
  private readonly mode: ImageMode | undefined;

  constructor(readonly root: string, opts: ImageFolderOptions = {}) {
    if (typeof root !== 'string' || root === '') fail('ImageFolder', `root must be a folder path (a non-empty string), got ${show(root)}`);
    opts = decodeOptions<ImageFolderOptions>('ImageFolder', opts, ['transform', 'mode', 'extensions']);
    if (opts.transform !== undefined && typeof opts.transform !== 'function') fail('ImageFolder', `transform must be a function, got ${show(opts.transform)}`);
    if (opts.extensions !== undefined && (!Array.isArray(opts.extensions) || !opts.extensions.every((e) => typeof e === 'string'))) fail('ImageFolder', `extensions must be an array of strings like '.png', got ${show(opts.extensions)}`);
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch (e) {
      throw new Error(`ImageFolder: cannot read ${root} (${(e as Error).message})`);
    }
    const classes = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    if (classes.length === 0) throw new Error(`ImageFolder: ${root} has no class subdirectories (expected root/<class>/<image>)`);
    const exts = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
    const samples: [string, number][] = [];
    classes.forEach((cls, label) => {
      const files: string[] = [];
      walk(join(root, cls), exts, files);
      for (const f of files) samples.push([f, label]);
    });
    if (samples.length === 0) throw new Error(`ImageFolder: no ${exts.join('/')} files under ${root}`);
    this.classes = classes;
    this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.samples = samples;
    this.transform = opts.transform;
    this.mode = opts.mode;
  }

  get length(): number {
    return this.samples.length;
  }

  /** Labels of all samples, without decoding images. */
  get targets(): number[] {
    return this.samples.map((s) => s[1]);
  }

  get(i: number): [Tensor, number] {
    const [path, label] = this.samples[checkIndex('ImageFolder', i, this.samples.length)];
    const x = readImage(path, { mode: this.mode });
    return [this.transform ? this.transform(x) : x, label];
  }
}
