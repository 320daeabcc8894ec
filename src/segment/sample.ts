/**
 * The segmentation sample: a float image [C,H,W] (row-major, values usually in [0,1]), a binary mask
 * [H,W] (1 = the structure: vessel, membrane) and an optional field-of-view mask [H,W] (1 = inside,
 * where pixels are sampled and scored). Plain typed arrays, so transforms and metrics need no tensors.
 */
import { fail, show } from './check.js';

export interface SegSample {
  name: string;
  channels: number;
  height: number;
  width: number;
  image: Float32Array;
  mask: Uint8Array;
  fov: Uint8Array | null;
  /** Optional per-pixel loss weights [H,W] (U-Net's border weights), carried through crops and augmentation. */
  weight?: Float32Array | null;
}

const ARRAYS = [['image', Float32Array], ['mask', Uint8Array], ['fov', Uint8Array], ['weight', Float32Array]] as const;

/** Checks the fields and that the sizes agree; every reader and transform returns samples that pass. */
export function checkSample(op: string, s: SegSample): SegSample {
  if (typeof op !== 'string') fail('checkSample', `op must be the calling function's name (a string), got ${show(op)}`);
  if (s === null || typeof s !== 'object' || Array.isArray(s)) fail(op, `the sample must be { name, channels, height, width, image, mask, fov }, got ${show(s)}`);
  for (const [k, type] of ARRAYS) {
    const v = s[k];
    if (!(v instanceof type) && !((k === 'fov' || k === 'weight') && (v === null || v === undefined))) fail(op, `${s.name ?? 'the sample'}: ${k} must be a ${type.name}${k === 'fov' || k === 'weight' ? ' or null' : ''}, got ${show(v)}`);
  }
  const { channels: c, height: h, width: w } = s;
  if (![c, h, w].every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${op}: ${s.name}: invalid size ${show(c)}x${show(h)}x${show(w)}`);
  if (s.image.length !== c * h * w) throw new Error(`${op}: ${s.name}: image has ${s.image.length} values, expected ${c}x${h}x${w}`);
  if (s.mask.length !== h * w) throw new Error(`${op}: ${s.name}: mask has ${s.mask.length} values, expected ${h}x${w}`);
  if (s.fov && s.fov.length !== h * w) throw new Error(`${op}: ${s.name}: field-of-view mask has ${s.fov.length} values, expected ${h}x${w}`);
  if (s.weight && s.weight.length !== h * w) throw new Error(`${op}: ${s.name}: weight map has ${s.weight.length} values, expected ${h}x${w}`);
  return s;
}

/** A transform of whole samples (preprocessing, augmentation); composable with `composeSample`. */
export type SampleTransform = (s: SegSample) => SegSample;

export function composeSample(transforms: readonly SampleTransform[]): SampleTransform {
  if (!Array.isArray(transforms)) fail('composeSample', `transforms must be an array of functions, got ${show(transforms)}`);
  for (const [i, t] of transforms.entries()) if (typeof t !== 'function') fail('composeSample', `transform ${i} is ${typeof t}, expected a function`);
  return (s) => transforms.reduce((acc, t) => t(acc), s);
}

/** Index i folded into [0, n) by mirroring about the edges without repeating them (numpy's 'reflect'). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = Math.abs(i) % period;
  if (m >= n) m = period - m;
  return m;
}
