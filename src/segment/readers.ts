/**
 * Segmentation datasets on disk: DRIVE (retinal vessels), ISBI 2012 (EM membranes) and a generic
 * images/ + masks/ [+ fov/] folder. Each returns SegSample[] read eagerly (these sets are small).
 *
 *   DRIVE     <root>/{training,test}/images/NN_{training,test}.tif, 1st_manual/NN_manual1.gif,
 *             2nd_manual/NN_manual2.gif (test only), mask/NN_{training,test}_mask.gif
 *   ISBI 2012 <root>/train/images/<i>.png + train/labels/<i>.png (255 cell, 0 membrane); mask 1 = membrane
 *   folder    <root>/images/<stem>.<ext> + masks/<stem>.<ext> [+ fov/<stem>.<ext>], paired by stem
 */
import { existsSync, readdirSync } from 'node:fs';
import { extname, join, basename } from 'node:path';
import { readRaster } from '../data/image-read.js';
import { IMAGE_EXTENSIONS } from '../data/image-folder.js';
import { checkSample, type SegSample } from './sample.js';
import { bool, oneOf, options, show } from '../ops/args.js';

function checkPath(op: string, arg: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') throw new Error(`${op}: ${arg} must be a path (a non-empty string), got ${show(v)}`);
}

function sampleOptions(op: string, opts: unknown): ReadSampleOptions {
  const o = options<ReadSampleOptions>(op, opts, ['mode', 'invertMask']);
  if (o.mode !== undefined) oneOf(op, 'mode', o.mode, ['auto', 'L', 'RGB']);
  if (o.invertMask !== undefined) bool(op, 'invertMask', o.invertMask);
  return o;
}

/** A label image as 0/1: grey values above half the range are 1 (GIF palettes are not exactly 0/255). */
export function readBinaryMask(path: string, opts?: { invert?: boolean }): { mask: Uint8Array; width: number; height: number } {
  checkPath('readBinaryMask', 'path', path);
  const { invert = false } = options<{ invert: boolean }>('readBinaryMask', opts, ['invert']);
  bool('readBinaryMask', 'invert', invert);
  const r = readRaster(path, { mode: 'L' });
  const half = r.bits === 16 ? 32768 : 128;
  const mask = new Uint8Array(r.width * r.height);
  for (let i = 0; i < mask.length; i++) mask[i] = (r.data[i] >= half) !== invert ? 1 : 0;
  return { mask, width: r.width, height: r.height };
}

export interface ReadSampleOptions {
  /** 'auto' keeps the file's channels; 'L' greys, 'RGB' makes three. */
  mode?: 'auto' | 'L' | 'RGB';
  /** Mask value 1 where the label image is dark instead of bright (ISBI membranes). */
  invertMask?: boolean;
}

export function readSample(name: string, imagePath: string, maskPath: string, fovPath: string | null, opts?: ReadSampleOptions): SegSample {
  if (typeof name !== 'string') throw new Error(`readSample: name must be a string, got ${show(name)}`);
  checkPath('readSample', 'imagePath', imagePath);
  checkPath('readSample', 'maskPath', maskPath);
  if (fovPath !== null && fovPath !== undefined) checkPath('readSample', 'fovPath', fovPath);
  const { mode = 'auto', invertMask = false } = sampleOptions('readSample', opts);
  const img = readRaster(imagePath, { mode });
  const scale = 1 / (img.bits === 16 ? 65535 : 255);
  const { width: w, height: h, channels: c } = img;
  const image = new Float32Array(c * h * w);
  for (let i = 0, p = 0; p < h * w; p++) for (let k = 0; k < c; k++, i++) image[k * h * w + p] = img.data[i] * scale;
  const m = readBinaryMask(maskPath, { invert: invertMask });
  if (m.width !== w || m.height !== h) throw new Error(`readSample: ${maskPath} is ${m.width}x${m.height} but ${imagePath} is ${w}x${h}`);
  let fov: Uint8Array | null = null;
  if (fovPath) {
    const f = readBinaryMask(fovPath);
    if (f.width !== w || f.height !== h) throw new Error(`readSample: ${fovPath} is ${f.width}x${f.height} but ${imagePath} is ${w}x${h}`);
    fov = f.mask;
  }
  return checkSample('readSample', { name, channels: c, height: h, width: w, image, mask: m.mask, fov });
}

function need(op: string, path: string): string {
  if (!existsSync(path)) throw new Error(`${op}: missing ${path}`);
  return path;
}

export interface DriveOptions {
  /** 'training' (images 21-40) or 'test' (01-20). */
  split: 'training' | 'test';
  /** Which manual segmentation is the mask: 1 (default, the reference) or 2 (test only: the human baseline). */
  manual?: 1 | 2;
  /** Read only these image numbers (default: the split's 20). */
  ids?: readonly number[];
  mode?: 'auto' | 'L' | 'RGB';
}

export function readDrive(root: string, opts: DriveOptions): SegSample[] {
  const op = 'readDrive';
  if (typeof root !== 'string') throw new Error(`${op}: root must be the DRIVE folder (a string), got ${typeof root}`);
  if (!opts || typeof opts !== 'object') throw new Error(`${op}: options { split: 'training' | 'test' } are required`);
  const { split, manual = 1, ids, mode } = options<DriveOptions>(op, opts, ['split', 'manual', 'ids', 'mode']);
  if (split !== 'training' && split !== 'test') throw new Error(`${op}: split must be 'training' or 'test', got ${show(split)}`);
  if (manual !== 1 && manual !== 2) throw new Error(`${op}: manual must be 1 or 2, got ${show(manual)}`);
  if (manual === 2 && split !== 'test') throw new Error(`${op}: DRIVE has a 2nd manual for the test split only`);
  const all = split === 'training' ? Array.from({ length: 20 }, (_, i) => 21 + i) : Array.from({ length: 20 }, (_, i) => 1 + i);
  const pick = ids ?? all;
  for (const id of pick) if (!all.includes(id)) throw new Error(`${op}: image ${id} is not in the ${split} split (${all[0]}-${all[all.length - 1]})`);
  const dir = join(root, split);
  return pick.map((id) => {
    const nn = String(id).padStart(2, '0');
    return readSample(`${nn}_${split}`,
      need(op, join(dir, 'images', `${nn}_${split}.tif`)),
      need(op, join(dir, `${manual === 1 ? '1st' : '2nd'}_manual`, `${nn}_manual${manual}.gif`)),
      need(op, join(dir, 'mask', `${nn}_${split}_mask.gif`)),
      { mode });
  });
}

export interface IsbiOptions {
  /** Slice numbers 0-29 (default all 30 labelled training slices). */
  slices?: readonly number[];
}

/** ISBI 2012 training slices; mask 1 = membrane (label 0), so the network predicts membrane probability. */
export function readIsbi2012(root: string, opts?: IsbiOptions): SegSample[] {
  const op = 'readIsbi2012';
  checkPath(op, 'root', root);
  const { slices } = options<IsbiOptions>(op, opts, ['slices']);
  if (slices !== undefined && !Array.isArray(slices)) throw new Error(`${op}: slices must be an array of slice numbers 0-29, got ${show(slices)}`);
  const pick = slices ?? Array.from({ length: 30 }, (_, i) => i);
  for (const s of pick) if (!Number.isInteger(s) || s < 0 || s > 29) throw new Error(`${op}: slice ${show(s)} is not in 0-29`);
  return pick.map((s) => readSample(`slice${String(s).padStart(2, '0')}`,
    need(op, join(root, 'train', 'images', `${s}.png`)),
    need(op, join(root, 'train', 'labels', `${s}.png`)), null, { mode: 'L', invertMask: true }));
}

function stems(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const ext = extname(f).toLowerCase();
    if (!IMAGE_EXTENSIONS.includes(ext)) continue;
    const stem = basename(f, extname(f));
    if (out.has(stem)) throw new Error(`readSegmentationFolder: two files with the stem '${stem}' in ${dir}`);
    out.set(stem, join(dir, f));
  }
  return out;
}

export interface FolderOptions extends ReadSampleOptions {}

/** <root>/images + <root>/masks (+ optional <root>/fov), paired by file name without extension. */
export function readSegmentationFolder(root: string, opts?: FolderOptions): SegSample[] {
  const op = 'readSegmentationFolder';
  checkPath(op, 'root', root);
  opts = sampleOptions(op, opts);
  const images = stems(need(op, join(root, 'images')));
  const masks = stems(need(op, join(root, 'masks')));
  const fovs = existsSync(join(root, 'fov')) ? stems(join(root, 'fov')) : null;
  if (images.size === 0) throw new Error(`${op}: no images in ${join(root, 'images')} (${IMAGE_EXTENSIONS.join(', ')})`);
  const out: SegSample[] = [];
  for (const [stem, path] of images) {
    const mask = masks.get(stem);
    if (!mask) throw new Error(`${op}: ${path} has no mask (expected ${join(root, 'masks', stem)}.<ext>)`);
    const fov = fovs ? fovs.get(stem) : null;
    if (fovs && !fov) throw new Error(`${op}: ${path} has no field-of-view mask in ${join(root, 'fov')}`);
    out.push(readSample(stem, path, mask, fov ?? null, opts));
  }
  return out;
}
