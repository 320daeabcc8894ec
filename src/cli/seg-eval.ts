/**
 * `neocog segment eval` and `predict`: sliding-window probability maps for whole images, metrics
 * inside the field of view (DRIVE) or the whole image, pictures of each prediction, JSON results.
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { writePng } from '../data/image-folder.js';
import { readRaster } from '../data/image-read.js';
import { writeJsonAtomic } from '../io/index.js';
import { fromArray } from '../tensor/creation.js';
import { slidingWindow } from '../segment/inference.js';
import { collectPixels, segmentationMetrics, type SegMetrics } from '../segment/metrics.js';
import { overlayRgb } from '../segment/overlay.js';
import { preprocessByName, PREPROCESS, type PreprocessName } from '../segment/preprocess.js';
import { foregroundRestrictedScores } from '../segment/rand.js';
import { readDrive } from '../segment/readers.js';
import type { SegSample } from '../segment/sample.js';
import { CliError } from './errors.js';
import { type CliIO, println } from './io.js';
import { loadSegTest, DEFAULT_DATA_DIR, type SegDatasetName } from './seg-data.js';
import { loadTrainedModel, resolveWeights } from './weights.js';
import { loadSafetensorsHeader } from '../io/safetensors.js';

interface Common {
  dataset: SegDatasetName;
  dataDir?: string;
  testDir?: string;
  trainSlices?: number[];
  testSlices?: number[];
  preprocess?: PreprocessName;
  weights: string;
  window?: number;
  stride?: number;
  out?: string;
}

function loadNet(weights: string) {
  const loaded = loadTrainedModel({ weights });
  const meta = loadSafetensorsHeader(loaded.weightsPath).metadata ?? {};
  const patch = Number(meta['neocog.patchSize'] ?? loaded.inputShape[1]);
  const prep = meta['neocog.preprocess'] as PreprocessName | undefined;
  return { ...loaded, patch: Number.isInteger(patch) && patch > 0 ? patch : 48, preprocess: prep && PREPROCESS.includes(prep) ? prep : undefined };
}

const tensorOf = (v: Float32Array, c: number, h: number, w: number) => fromArray(v, [c, h, w]);

export interface EvalFlags extends Common {
  threshold: number;
  manual: '1' | '2';
  human?: boolean;
  limit?: number;
}

export async function evalSegmentation(flags: EvalFlags, io: CliIO): Promise<void> {
  const net = loadNet(flags.weights);
  const preprocess = flags.preprocess ?? net.preprocess ?? (flags.dataset === 'drive' ? 'drive' : 'none');
  const window = flags.window ?? net.patch;
  const stride = flags.stride ?? Math.max(1, Math.floor(window / 2));
  let test = loadSegTest({ ...flags, preprocess, manual: flags.manual === '2' ? 2 : 1 });
  if (flags.limit) test = test.slice(0, flags.limit);
  const weightsDir = statSync(flags.weights).isDirectory() ? flags.weights : dirname(flags.weights);
  const out = flags.out ?? join(weightsDir, 'eval');
  mkdirSync(out, { recursive: true });
  const start = Date.now();
  const perImage: Record<string, unknown>[] = [];
  const items: { prob: Float32Array; mask: Uint8Array; region: Uint8Array | null }[] = [];
  for (const s of test) {
    const t0 = Date.now();
    const prob = slidingWindow(net.model, s, { window, stride });
    items.push({ prob, mask: s.mask, region: s.fov });
    const m = segmentationMetrics(collectPixels([{ prob, mask: s.mask, region: s.fov }]), flags.threshold);
    const row: Record<string, unknown> = { name: s.name, ...round(m), seconds: (Date.now() - t0) / 1000 };
    if (flags.dataset === 'isbi2012') Object.assign(row, foregroundRestrictedScores(s.mask, prob, s.height, s.width, { threshold: flags.threshold }));
    perImage.push(row);
    writePng(join(out, `${s.name}-prob.png`), tensorOf(prob, 1, s.height, s.width));
    writePng(join(out, `${s.name}-overlay.png`), tensorOf(overlayRgb(prob, s.mask, s.fov, s.height, s.width, flags.threshold), 3, s.height, s.width));
    println(io, `${s.name}: AUC ${m.rocAuc.toFixed(4)} F1 ${m.f1.toFixed(4)} acc ${m.accuracy.toFixed(4)}${row.vRand !== undefined ? ` V_rand ${(row.vRand as number).toFixed(4)} V_info ${(row.vInfo as number).toFixed(4)}` : ''}`);
  }
  const all = segmentationMetrics(collectPixels(items), flags.threshold);
  const result: Record<string, unknown> = {
    weights: net.weightsPath, model: net.name, dataset: flags.dataset, preprocess, window, stride, threshold: flags.threshold,
    region: test.every((s) => s.fov) ? 'field of view' : 'whole image', reference: flags.dataset === 'drive' ? `manual ${flags.manual}` : 'labels',
    images: test.length, seconds: (Date.now() - start) / 1000, pooled: round(all), perImage,
  };
  if (flags.dataset === 'isbi2012') {
    const mean = (k: string) => perImage.reduce((a, r) => a + (r[k] as number), 0) / perImage.length;
    result.meanVRand = mean('vRand');
    result.meanVInfo = mean('vInfo');
    // The challenge's script reports the best score over thresholds 0.1 ... 0.9 of the probability map.
    const sweep = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => {
      const r = test.map((s, i) => foregroundRestrictedScores(s.mask, items[i].prob, s.height, s.width, { threshold: t }));
      return { threshold: t, vRand: r.reduce((a, x) => a + x.vRand, 0) / r.length, vInfo: r.reduce((a, x) => a + x.vInfo, 0) / r.length };
    });
    result.thresholdSweep = sweep;
    result.bestVRand = sweep.reduce((a, b) => (b.vRand > a.vRand ? b : a));
    result.bestVInfo = sweep.reduce((a, b) => (b.vInfo > a.vInfo ? b : a));
  }
  if (flags.human && flags.dataset === 'drive') result.human = round(humanBaseline(flags, test.length));
  writeJsonAtomic(join(out, 'metrics.json'), result);
  println(io, `all ${test.length} images (${result.region}, threshold ${flags.threshold}): ROC AUC ${all.rocAuc.toFixed(4)}, PR AUC ${all.prAuc.toFixed(4)}, F1 ${all.f1.toFixed(4)}, accuracy ${all.accuracy.toFixed(4)}, sensitivity ${all.sensitivity.toFixed(4)}, specificity ${all.specificity.toFixed(4)}`);
  if (result.meanVRand !== undefined) {
    const bR = result.bestVRand as { threshold: number; vRand: number };
    const bI = result.bestVInfo as { threshold: number; vInfo: number };
    println(io, `mean V_rand ${(result.meanVRand as number).toFixed(4)}, mean V_info ${(result.meanVInfo as number).toFixed(4)} at threshold ${flags.threshold}; best over thresholds 0.1-0.9: V_rand ${bR.vRand.toFixed(4)} (at ${bR.threshold}), V_info ${bI.vInfo.toFixed(4)} (at ${bI.threshold})`);
  }
  if (result.human) {
    const hm = result.human as SegMetrics;
    println(io, `2nd manual vs 1st (human baseline): F1 ${hm.f1.toFixed(4)}, accuracy ${hm.accuracy.toFixed(4)}, sensitivity ${hm.sensitivity.toFixed(4)}, specificity ${hm.specificity.toFixed(4)}`);
  }
  println(io, `metrics written to ${join(out, 'metrics.json')}; maps and overlays in ${out}`);
}

/** DRIVE's 2nd manual scored as a prediction against the 1st, inside the FOV (binary: AUCs are those of one point). */
function humanBaseline(flags: EvalFlags, n: number): SegMetrics {
  const dir = flags.dataDir ?? DEFAULT_DATA_DIR.drive!;
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const first = readDrive(dir, { split: 'test', manual: 1, ids });
  const second = readDrive(dir, { split: 'test', manual: 2, ids });
  return segmentationMetrics(collectPixels(first.map((s, i) => ({ prob: Float32Array.from(second[i].mask), mask: s.mask, region: s.fov }))), 0.5);
}

function round<T extends object>(m: T): T {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(6)) : v])) as T;
}

export interface PredictFlags extends Common {
  threshold?: number;
}

export async function predictSegmentation(images: string[], flags: PredictFlags, io: CliIO): Promise<void> {
  const net = loadNet(flags.weights);
  const prep = preprocessByName(flags.preprocess ?? net.preprocess ?? 'none');
  const window = flags.window ?? net.patch;
  for (const path of images) {
    let r;
    try {
      r = readRaster(path);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const hw = r.width * r.height;
    const scale = 1 / (r.bits === 16 ? 65535 : 255);
    const image = new Float32Array(r.channels * hw);
    for (let i = 0, p = 0; p < hw; p++) for (let k = 0; k < r.channels; k++, i++) image[k * hw + p] = r.data[i] * scale;
    const s: SegSample = prep({ name: basename(path), channels: r.channels, height: r.height, width: r.width, image, mask: new Uint8Array(hw), fov: null });
    const prob = slidingWindow(net.model, s, { window, stride: flags.stride });
    const dir = flags.out ?? dirname(path);
    mkdirSync(dir, { recursive: true });
    const stem = basename(path, extname(path));
    writePng(join(dir, `${stem}-prob.png`), tensorOf(prob, 1, s.height, s.width));
    if (flags.threshold !== undefined) writePng(join(dir, `${stem}-mask.png`), tensorOf(prob.map((v) => (v >= flags.threshold! ? 1 : 0)), 1, s.height, s.width));
    println(io, `${path} -> ${join(dir, `${stem}-prob.png`)}${flags.threshold !== undefined ? ` (+ ${stem}-mask.png)` : ''}`);
  }
}
