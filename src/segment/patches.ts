/**
 * Random patches from whole images, as a dataset the DataLoader batches: x [N,C,P,P] and the mask
 * y [N,1,P,P] (float 0/1), or y [N,2,P,P] (mask, weight) when every sample carries a weight map. `where` picks the patch centre: inside the field of view (default when
 * there is one), outside it, anywhere, or on the structure (mask = 1) for a fraction of patches.
 * Training sets draw fresh patches on every read (fresh: true); validation sets draw once (seeded).
 */
import { filledTensor, fromArray } from '../tensor/creation.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkIndex, type BatchDataset } from '../data/dataset.js';
import { checkSample, type SampleTransform, type SegSample } from './sample.js';
import { integer, show } from '../ops/args.js';

export type PatchWhere = 'fov' | 'outside' | 'any';

export interface PatchOptions {
  /** Side of the square patch in pixels. */
  size: number;
  /** Patches per epoch (the dataset's length). */
  count: number;
  /** Where the patch centre lies (default 'fov' where samples have one, else 'any'). */
  where?: PatchWhere;
  /** Fraction of patches centred on a mask pixel (default 0: positions uniform in `where`). */
  foreground?: number;
  /** Applied to each patch (augmentSample); it must keep the patch size. */
  transform?: SampleTransform;
  /** New random patches on every read (default true); false draws them once at construction. */
  fresh?: boolean;
  /** Seed of the patch positions (default 0), or give the generator itself (shared with augmentation). */
  seed?: number;
  generator?: Generator;
}

/** Candidate centre pixels per sample (flat indices), for one `where`. */
function centres(s: SegSample, where: PatchWhere, foregroundOnly: boolean): Int32Array {
  const n = s.height * s.width;
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    if (foregroundOnly && !s.mask[p]) continue;
    if (where === 'fov' && s.fov && !s.fov[p]) continue;
    if (where === 'outside' && (!s.fov || s.fov[p])) continue;
    out.push(p);
  }
  return Int32Array.from(out);
}

/** Crops [y0, y0+P) x [x0, x0+P) (inside the image). */
export function cropSample(s: SegSample, y0: number, x0: number, size: number): SegSample {
  checkSample('cropSample', s);
  integer('cropSample', 'y0', y0);
  integer('cropSample', 'x0', x0);
  integer('cropSample', 'size', size, { min: 1 });
  const { height: h, width: w, channels: c } = s;
  if (y0 < 0 || x0 < 0 || y0 + size > h || x0 + size > w) throw new Error(`cropSample: ${size}x${size} at (${y0}, ${x0}) is outside ${s.name} (${h}x${w})`);
  const image = new Float32Array(c * size * size);
  const mask = new Uint8Array(size * size);
  const fov = s.fov ? new Uint8Array(size * size) : null;
  const weight = s.weight ? new Float32Array(size * size) : null;
  for (let y = 0; y < size; y++) {
    const row = (y0 + y) * w + x0;
    for (let k = 0; k < c; k++) image.set(s.image.subarray(k * h * w + row, k * h * w + row + size), (k * size + y) * size);
    mask.set(s.mask.subarray(row, row + size), y * size);
    if (fov) fov.set(s.fov!.subarray(row, row + size), y * size);
    if (weight) weight.set(s.weight!.subarray(row, row + size), y * size);
  }
  return { name: `${s.name}@${y0},${x0}`, channels: c, height: size, width: size, image, mask, fov, weight };
}

export class PatchDataset implements BatchDataset<[Tensor, Tensor], [Tensor, Tensor]> {
  readonly length: number;
  readonly size: number;
  readonly channels: number;
  /** Target channels: 1 (mask) or 2 (mask, weight). */
  readonly targetChannels: 1 | 2;
  private readonly where: PatchWhere;
  private readonly foreground: number;
  private readonly transform: SampleTransform | undefined;
  private readonly fresh: boolean;
  private readonly pool: Int32Array[];
  private readonly fgPool: Int32Array[];
  private readonly fixed: SegSample[] | null = null;
  readonly generator: Generator;

  constructor(readonly samples: readonly SegSample[], opts: PatchOptions) {
    const op = 'PatchDataset';
    if (!Array.isArray(samples) || samples.length === 0) throw new Error(`${op}: samples must be a non-empty array of SegSample`);
    if (!opts || typeof opts !== 'object') throw new Error(`${op}: options { size, count } are required`);
    const { size, count } = opts;
    if (!Number.isInteger(size) || size < 1) throw new Error(`${op}: size must be a positive integer, got ${show(size)}`);
    if (!Number.isInteger(count) || count < 1) throw new Error(`${op}: count must be a positive integer, got ${show(count)}`);
    const where = opts.where ?? (samples.every((s) => s.fov) ? 'fov' : 'any');
    if (!['fov', 'outside', 'any'].includes(where)) throw new Error(`${op}: where must be 'fov', 'outside' or 'any', got ${show(where)}`);
    if (where !== 'any' && samples.some((s) => !s.fov)) throw new Error(`${op}: where '${where}' needs a field-of-view mask on every sample`);
    const fg = opts.foreground ?? 0;
    if (typeof fg !== 'number' || !(fg >= 0 && fg <= 1)) throw new Error(`${op}: foreground must be a fraction in [0, 1], got ${show(fg)}`);
    const c = samples[0].channels;
    for (const s of samples) {
      if (s.channels !== c) throw new Error(`${op}: ${s.name} has ${s.channels} channels but ${samples[0].name} has ${c}`);
      if (s.height < size || s.width < size) throw new Error(`${op}: ${s.name} (${s.height}x${s.width}) is smaller than the ${size}px patch`);
    }
    if (opts.transform !== undefined && typeof opts.transform !== 'function') throw new Error(`${op}: transform must be a function`);
    this.size = size;
    this.length = count;
    this.channels = c;
    this.targetChannels = samples.every((s) => s.weight) ? 2 : 1;
    this.where = where;
    this.foreground = fg;
    this.transform = opts.transform;
    this.fresh = opts.fresh ?? true;
    this.generator = opts.generator ?? new Generator(opts.seed ?? 0);
    this.pool = samples.map((s) => centres(s, where, false));
    this.fgPool = fg > 0 ? samples.map((s) => centres(s, where, true)) : [];
    if (this.pool.every((p) => p.length === 0)) throw new Error(`${op}: no pixel satisfies where='${where}'`);
    if (!this.fresh) this.fixed = Array.from({ length: count }, () => this.draw());
  }

  /** One random patch (centre from the pools, clamped so the patch lies inside the image). */
  private draw(): SegSample {
    const g = this.generator;
    const usable = this.pool.map((p, i) => (p.length > 0 ? i : -1)).filter((i) => i >= 0);
    const i = usable[Math.floor(g.random() * usable.length)];
    const s = this.samples[i];
    const fgPool = this.fgPool[i];
    const pool = this.foreground > 0 && fgPool.length > 0 && g.random() < this.foreground ? fgPool : this.pool[i];
    const c = pool[Math.floor(g.random() * pool.length)];
    const half = Math.floor(this.size / 2);
    const y0 = Math.min(s.height - this.size, Math.max(0, Math.floor(c / s.width) - half));
    const x0 = Math.min(s.width - this.size, Math.max(0, (c % s.width) - half));
    const p = cropSample(s, y0, x0, this.size);
    return this.transform ? this.transform(p) : p;
  }

  private patch(i: number): SegSample {
    const j = checkIndex('PatchDataset', i, this.length);
    const p = this.fixed ? this.fixed[j] : this.draw();
    if (p.height !== this.size || p.width !== this.size || p.channels !== this.channels) {
      throw new Error(`PatchDataset: the transform changed the patch to ${p.channels}x${p.height}x${p.width}, expected ${this.channels}x${this.size}x${this.size}`);
    }
    return p;
  }

  /** Patch i, with the weight map the target needs. */
  private weighted(i: number): SegSample {
    const p = this.patch(i);
    if (this.targetChannels === 2 && !p.weight) throw new Error('PatchDataset: the transform dropped the weight map');
    return p;
  }

  get(i: number): [Tensor, Tensor] {
    const [x, y] = this.getBatch([i]);
    return [x.reshape([this.channels, this.size, this.size]), y.reshape([this.targetChannels, this.size, this.size])];
  }

  getBatch(indices: ArrayLike<number>): [Tensor, Tensor] {
    const n = indices.length, P = this.size * this.size, C = this.channels, t = this.targetChannels;
    const xShape = [n, C, this.size, this.size], yShape = [n, t, this.size, this.size];
    const image = (p: SegSample, b: number, out: TypedArray, at: number) => out.set(p.image, at + b * C * P);
    const target = (p: SegSample, b: number, out: TypedArray, at: number) => {
      for (let q = 0; q < P; q++) out[at + b * t * P + q] = p.mask[q];
      if (t === 2) out.set(p.weight!, at + (b * 2 + 1) * P);
    };
    if (this.transform) {
      // A user transform may reuse its buffers: each patch is copied as soon as it is drawn.
      const xs = new Float32Array(n * C * P), ys = new Float32Array(n * t * P);
      for (let b = 0; b < n; b++) {
        const p = this.weighted(indices[b]);
        image(p, b, xs, 0);
        target(p, b, ys, 0);
      }
      return [fromArray(xs, xShape), fromArray(ys, yShape)];
    }
    // Crops are fresh arrays: the batch is written from them when a kernel reads it (no op in between).
    const patches = Array.from(indices, (i) => this.weighted(i));
    return [
      filledTensor('float32', xShape, (out, at) => patches.forEach((p, b) => image(p, b, out, at))),
      filledTensor('float32', yShape, (out, at) => patches.forEach((p, b) => target(p, b, out, at))),
    ];
  }
}
