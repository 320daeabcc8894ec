import { describe, expect, test } from 'vitest';
import { augmentSample, elasticField } from '../../src/segment/augment.js';
import { PatchDataset, cropSample } from '../../src/segment/patches.js';
import { composeSample } from '../../src/segment/sample.js';
import { clahe, gamma, greenChannel, rescale, toGrey, datasetStats, preprocessByName } from '../../src/segment/preprocess.js';
import type { SegSample } from '../../src/segment/sample.js';
import { Generator } from '../../src/tensor/random.js';

function sample(h: number, w: number, c = 1, fov = false): SegSample {
  const image = new Float32Array(c * h * w);
  for (let i = 0; i < image.length; i++) image[i] = (i % 97) / 96;
  const mask = new Uint8Array(h * w);
  for (let p = 0; p < h * w; p++) mask[p] = (p * 7) % 5 === 0 ? 1 : 0;
  const f = fov ? Uint8Array.from({ length: h * w }, (_, p) => (Math.floor(p / w) < h / 2 ? 1 : 0)) : null;
  return { name: 's', channels: c, height: h, width: w, image, mask, fov: f };
}

describe('preprocessing', () => {
  test('green, grey, rescale, gamma', () => {
    const s = sample(2, 2, 3);
    expect(Array.from(greenChannel()(s).image)).toEqual(Array.from(s.image.slice(4, 8)));
    const g = toGrey()(s);
    expect(g.channels).toBe(1);
    expect(g.image[1]).toBeCloseTo(0.299 * s.image[1] + 0.587 * s.image[5] + 0.114 * s.image[9], 6);
    const r = rescale()({ ...sample(1, 3), image: Float32Array.from([2, 4, 6]) });
    expect(Array.from(r.image)).toEqual([0, 0.5, 1]);
    expect(gamma(2)({ ...sample(1, 2), image: Float32Array.from([0.5, 1]) }).image[0]).toBeCloseTo(0.25, 6);
    expect(() => gamma(0)).toThrow(/g must be a positive number/);
    expect(datasetStats([{ ...sample(1, 2), image: Float32Array.from([1, 3]) }])).toEqual({ mean: 2, std: 1 });
  });

  test('CLAHE with one tile and no clipping is global histogram equalisation', () => {
    const vals = [0, 0, 0.5, 0.5, 0.5, 0.5, 0.75, 1];
    const s = { ...sample(2, 4), image: Float32Array.from(vals) };
    const out = clahe({ tiles: 1, clipLimit: 1000, bins: 4 })(s);
    // bins of 0, 0.5, 0.75, 1 -> 0, 2, 3, 3 (1.0 goes to the last bin); CDF / 8 -> 2/8, 6/8, 8/8, 8/8
    expect(Array.from(out.image)).toEqual([0.25, 0.25, 0.75, 0.75, 0.75, 0.75, 1, 1].map(Math.fround));
    // A clip limit of 1 (x 8 pixels / 4 bins = 2 per bin): counts [2,0,4,2] -> [2,0,2,2] + 0.5 each
    // (the excess 2 spread over 4 bins) -> CDF 2.5, 3, 5.5, 8.
    const clipped = clahe({ tiles: 1, clipLimit: 1, bins: 4 })(s);
    expect(Array.from(clipped.image)).toEqual([2.5 / 8, 2.5 / 8, 5.5 / 8, 5.5 / 8, 5.5 / 8, 5.5 / 8, 1, 1].map(Math.fround));
  });

  test('CLAHE on tiles: monotone in the input, values in [0,1]', () => {
    const s = sample(40, 40);
    const out = clahe({ tiles: 4 })(s).image;
    for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
    const ramp = { ...s, image: Float32Array.from({ length: 1600 }, (_, i) => (i % 40) / 39) };
    const r = clahe({ tiles: 4 })(ramp).image;
    for (let x = 1; x < 40; x++) expect(r[20 * 40 + x]).toBeGreaterThanOrEqual(r[20 * 40 + x - 1]);
    expect(() => clahe({ tiles: 0 })).toThrow(/tiles must be a positive integer/);
    expect(() => preprocessByName('sharpen' as never)).toThrow(/unknown pipeline/);
  });

  test('composeSample runs left to right', () => {
    const t = composeSample([toGrey(), rescale()]);
    expect(t(sample(3, 3, 3)).channels).toBe(1);
    expect(() => composeSample([1 as never])).toThrow(/transform 0 is number/);
  });
});

describe('joint augmentation', () => {
  test('flips and quarter turns move image, mask and FOV together and exactly', () => {
    const s = sample(6, 6, 2, true);
    const g = new Generator(4);
    const aug = augmentSample({ generator: g });
    for (let k = 0; k < 8; k++) {
      const a = aug(s);
      // channel 0's values are distinct, so each names its source pixel: mask, FOV and channel 1 must come from there
      const c0 = Array.from(s.image.subarray(0, 36));
      for (let p = 0; p < 36; p++) {
        const i = c0.indexOf(a.image[p]);
        expect(i).toBeGreaterThanOrEqual(0);
        expect([a.mask[p], a.fov![p], a.image[36 + p]]).toEqual([s.mask[i], s.fov![i], s.image[36 + i]]);
      }
    }
  });

  test('a 90° turn of a known 2x2 image', () => {
    const s: SegSample = { name: 'q', channels: 1, height: 2, width: 2, image: Float32Array.from([1, 2, 3, 4]), mask: Uint8Array.from([1, 0, 0, 0]), fov: null };
    const seen = new Set<string>();
    const aug = augmentSample({ flip: false, generator: new Generator(1) });
    for (let k = 0; k < 30; k++) seen.add(Array.from(aug(s).image).join(''));
    // the four rotations of [[1,2],[3,4]]
    expect([...seen].sort()).toEqual(['1234', '2413', '3142', '4321']);
  });

  test('affine + elastic keep masks binary and the size; identity options change nothing', () => {
    const s = sample(32, 32, 1, true);
    const a = augmentSample({ rotate: 30, scale: 0.2, shift: 0.1, elastic: { sigma: 3 }, brightness: 0.1, contrast: 0.2, gamma: 0.2, generator: new Generator(2) })(s);
    expect([a.height, a.width, a.image.length]).toEqual([32, 32, 1024]);
    expect(a.mask.every((v) => v === 0 || v === 1)).toBe(true);
    const same = augmentSample({ flip: false, rot90: false })(s);
    expect(same).toBe(s);
    expect(() => augmentSample({ rotate: -1 })).toThrow(/rotate must be a number/);
    expect(() => augmentSample({ spin: 1 } as never)).toThrow(/unknown option 'spin'/);
  });

  test('elastic field: grid displacements of the given scale, smooth between them', () => {
    const { dy, dx } = elasticField(50, 50, 3, 10, new Generator(5));
    let sq = 0;
    for (let i = 0; i < dy.length; i++) sq += dy[i] ** 2 + dx[i] ** 2;
    const rms = Math.sqrt(sq / (2 * dy.length));
    expect(rms).toBeGreaterThan(2);
    expect(rms).toBeLessThan(30);
    for (let x = 1; x < 50; x++) expect(Math.abs(dy[25 * 50 + x] - dy[25 * 50 + x - 1])).toBeLessThan(3);
  });
});

describe('patch sampling', () => {
  test('patch centres respect the field of view; batches have the right shapes', () => {
    const s = sample(40, 30, 1, true); // FOV = top half (rows 0-19)
    const ds = new PatchDataset([s], { size: 8, count: 50, where: 'fov', seed: 3 });
    const [x, y] = ds.getBatch(Array.from({ length: 50 }, (_, i) => i));
    expect(x.shape).toEqual([50, 1, 8, 8]);
    expect(y.shape).toEqual([50, 1, 8, 8]);
    // the top half's values: every patch must overlap rows < 20, i.e. start at row <= 19 - 4 + ... (centre in FOV)
    const outside = new PatchDataset([s], { size: 8, count: 50, where: 'outside', seed: 3, fresh: false });
    const xi = outside.getBatch([0])[0].dataSync();
    const v0 = xi[0];
    // the first patch row is one of the image rows >= 20 - 4
    const rows = [] as number[];
    for (let r = 0; r < 40; r++) if (Array.from(s.image.subarray(r * 30, r * 30 + 30)).includes(v0)) rows.push(r);
    expect(rows.some((r) => r >= 16)).toBe(true);
    expect(() => new PatchDataset([sample(4, 4)], { size: 8, count: 1 })).toThrow(/smaller than the 8px patch/);
    expect(() => new PatchDataset([sample(9, 9)], { size: 8, count: 1, where: 'fov' })).toThrow(/needs a field-of-view mask/);
  });

  test('a transform that reuses its output buffers: every patch of a batch is its own (copied as it is drawn)', () => {
    const h = 30, w = 30;
    const s: SegSample = { name: 'm', channels: 1, height: h, width: w, image: Float32Array.from({ length: h * w }, (_, p) => p), mask: new Uint8Array(h * w), fov: null };
    const shared = { image: new Float32Array(25), mask: new Uint8Array(25) };
    const reuse = (p: SegSample): SegSample => {
      shared.image.set(p.image);
      shared.mask.set(p.mask);
      return { ...p, image: shared.image, mask: shared.mask };
    };
    const ds = new PatchDataset([s], { size: 5, count: 20, seed: 4, transform: reuse });
    const x = ds.getBatch(Array.from({ length: 20 }, (_, i) => i))[0].dataSync();
    // Each patch is a 5 x 5 window of the marker image: its values run p0, p0 + 1, ..., p0 + 4 along each row.
    const corners = new Set<number>();
    for (let b = 0; b < 20; b++) {
      const p0 = x[b * 25];
      corners.add(p0);
      for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(x[b * 25 + r * 5 + c]).toBe(p0 + r * w + c);
    }
    expect(corners.size).toBeGreaterThan(5); // not 20 copies of the last patch drawn
  });

  test('centres inside the FOV: counted exactly with a marker image', () => {
    const h = 40;
    const w = 40;
    const s: SegSample = { name: 'm', channels: 1, height: h, width: w, image: Float32Array.from({ length: h * w }, (_, p) => p), mask: new Uint8Array(h * w), fov: Uint8Array.from({ length: h * w }, (_, p) => (p % w < 10 ? 1 : 0)) };
    const ds = new PatchDataset([s], { size: 5, count: 200, where: 'fov', seed: 1 });
    const x = ds.getBatch(Array.from({ length: 200 }, (_, i) => i))[0].dataSync();
    for (let b = 0; b < 200; b++) expect(x[b * 25 + 12] % w).toBeLessThan(10); // the centre pixel's column
    const fg = new PatchDataset([{ ...s, mask: Uint8Array.from({ length: h * w }, (_, p) => (p === 5 * w + 5 ? 1 : 0)) }], { size: 5, count: 50, foreground: 1, where: 'any', seed: 2 });
    const xf = fg.getBatch(Array.from({ length: 50 }, (_, i) => i))[0].dataSync();
    for (let b = 0; b < 50; b++) expect(xf[b * 25 + 12]).toBe(5 * w + 5);
  });

  test('fresh patches differ per read; fixed ones repeat; cropSample checks bounds', () => {
    const s = sample(30, 30);
    const fresh = new PatchDataset([s], { size: 6, count: 4, seed: 1 });
    const a = fresh.getBatch([0, 1, 2, 3])[0].dataSync();
    const b = fresh.getBatch([0, 1, 2, 3])[0].dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    const fixed = new PatchDataset([s], { size: 6, count: 4, seed: 1, fresh: false });
    expect(Array.from(fixed.getBatch([2])[0].dataSync())).toEqual(Array.from(fixed.getBatch([2])[0].dataSync()));
    expect(() => cropSample(s, 25, 0, 6)).toThrow(/outside/);
  });
});
