/**
 * The segmentation datasets of `neocog segment`: which images train, validate and test.
 *   drive     training/ (20 images) -> train + validation (the last --val-split of them); test/ (20) -> test
 *   isbi2012  slices --train-slices (default 0-24) -> train + validation; --test-slices (default 25-29) -> test
 *   folder    --data-dir/{images,masks[,fov]} -> train + validation; --test-dir (same layout) -> test
 * Validation never uses the test images.
 */
import { join } from 'node:path';
import { readDrive, readIsbi2012, readSegmentationFolder } from '../segment/readers.js';
import { preprocessByName, type PreprocessName } from '../segment/preprocess.js';
import type { SegSample } from '../segment/sample.js';
import { CliError } from './errors.js';

export const SEG_DATASETS = ['drive', 'isbi2012', 'folder'] as const;
export type SegDatasetName = (typeof SEG_DATASETS)[number];

export interface SegDataConfig {
  dataset: SegDatasetName;
  dataDir?: string;
  testDir?: string;
  trainSlices?: number[];
  testSlices?: number[];
  preprocess: PreprocessName;
  /** DRIVE test reference: 1st (default) or 2nd manual. */
  manual?: 1 | 2;
}

export const DEFAULT_DATA_DIR: Record<SegDatasetName, string | undefined> = {
  drive: join('..', 'shared', 'datasets', 'drive'),
  isbi2012: join('..', 'shared', 'datasets', 'isbi2012'),
  folder: undefined,
};

/** "0-24" or "0,3,5-7" -> numbers. */
export function parseRanges(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new CliError(`'${value}' is not a list of numbers and ranges (e.g. 0-24 or 0,3,5-7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new CliError(`range ${part.trim()} runs backwards`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

function dir(cfg: SegDataConfig): string {
  const d = cfg.dataDir ?? DEFAULT_DATA_DIR[cfg.dataset];
  if (!d) throw new CliError(`--dataset ${cfg.dataset} needs --data-dir <folder with images/ and masks/>`);
  return d;
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
}

/** Training images (before the validation split), preprocessed. */
export function loadSegTrain(cfg: SegDataConfig): SegSample[] {
  const prep = preprocessByName(cfg.preprocess);
  return wrap(() => {
    switch (cfg.dataset) {
      case 'drive':
        return readDrive(dir(cfg), { split: 'training' });
      case 'isbi2012':
        return readIsbi2012(dir(cfg), { slices: cfg.trainSlices ?? parseRanges('0-24') });
      case 'folder':
        return readSegmentationFolder(dir(cfg));
    }
  }).map(prep);
}

/** Test images, preprocessed. */
export function loadSegTest(cfg: SegDataConfig): SegSample[] {
  const prep = preprocessByName(cfg.preprocess);
  return wrap(() => {
    switch (cfg.dataset) {
      case 'drive':
        return readDrive(dir(cfg), { split: 'test', manual: cfg.manual ?? 1 });
      case 'isbi2012':
        return readIsbi2012(dir(cfg), { slices: cfg.testSlices ?? parseRanges('25-29') });
      case 'folder':
        if (!cfg.testDir) throw new CliError('--dataset folder needs --test-dir <folder with images/ and masks/> to evaluate');
        return readSegmentationFolder(cfg.testDir);
    }
  }).map(prep);
}

/** The last round(fraction x n) images (at least 1 when fraction > 0, at most n - 1) become validation. */
export function splitValidation<T>(items: readonly T[], fraction: number): { train: T[]; val: T[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new CliError(`--val-split must be in [0, 1), got ${fraction}`);
  if (fraction === 0) return { train: [...items], val: [] };
  const k = Math.min(items.length - 1, Math.max(1, Math.round(fraction * items.length)));
  if (k < 1) throw new CliError(`--val-split ${fraction}: ${items.length} image(s) cannot be split`);
  return { train: items.slice(0, items.length - k), val: items.slice(items.length - k) };
}
