import { describe, expect, test } from 'vitest';
import {
  affine, CenterCrop, ColorJitter, Compose, crop, hflip, Lighting, Normalize, pad, RandomAffine, RandomCrop,
  RandomErasing, RandomHorizontalFlip, RandomVerticalFlip, Resize, toTensor, vflip,
} from '../../src/data/transforms.js';
import { fromArray } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const img = (c: number, h: number, w: number, f: (k: number, y: number, x: number) => number = (k, y, x) => (k * h * w + y * w + x) / (c * h * w)) => {
  const v = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v[(k * h + y) * w + x] = f(k, y, x);
  return fromArray(v, [c, h, w]);
};
const vals = (t: Tensor) => Array.from(t.dataSync());
const at = (t: Tensor, k: number, y: number, x: number) => t.dataSync()[(k * t.shape[1] + y) * t.shape[2] + x];

describe('flips', () => {
  const x = img(3, 4, 5);
  test('hflip / vflip twice is the identity, once mirrors', () => {
    expect(vals(hflip(hflip(x)))).toEqual(vals(x));
    expect(vals(vflip(vflip(x)))).toEqual(vals(x));
    expect(at(hflip(x), 1, 2, 0)).toBe(at(x, 1, 2, 4));
    expect(at(vflip(x), 2, 0, 3)).toBe(at(x, 2, 3, 3));
    expect(hflip(x).shape).toEqual([3, 4, 5]);
  });
  test('RandomHorizontalFlip: p=1 always, p=0 never, p=0.5 about half, seeded', () => {
    expect(vals(RandomHorizontalFlip(1)(x))).toEqual(vals(hflip(x)));
    expect(RandomHorizontalFlip(0)(x)).toBe(x);
    const t = RandomHorizontalFlip(0.5, { generator: new Generator(1) });
    let flips = 0;
    for (let i = 0; i < 200; i++) if (t(x) !== x) flips++;
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
    const seq = (g: Generator) => Array.from({ length: 20 }, () => RandomVerticalFlip(0.5, { generator: g })(x) !== x);
    expect(seq(new Generator(9))).toEqual(seq(new Generator(9)));
    expect(() => RandomHorizontalFlip(2)).toThrow(/p must be in \[0, 1\]/);
  });
});

describe('crops and padding', () => {
  const x = img(1, 28, 28, () => 1);
  test('pad and crop', () => {
    const p = pad(x, 2);
    expect(p.shape).toEqual([1, 32, 32]);
    expect(at(p, 0, 0, 0)).toBe(0);
    expect(at(p, 0, 2, 2)).toBe(1);
    expect(pad(x, [1, 2, 3, 4]).shape).toEqual([1, 34, 32]);
    const y = img(2, 4, 4);
    expect(vals(crop(y, 1, 2, 2, 2))).toEqual([at(y, 0, 1, 2), at(y, 0, 1, 3), at(y, 0, 2, 2), at(y, 0, 2, 3), at(y, 1, 1, 2), at(y, 1, 1, 3), at(y, 1, 2, 2), at(y, 1, 2, 3)]);
    expect(() => crop(y, 3, 0, 2, 2)).toThrow(/does not fit in a 4x4 image/);
  });
  test('RandomCrop with padding: shapes, content is a shifted window with zero border', () => {
    const t = RandomCrop(28, { padding: 4, generator: new Generator(0) });
    const sums = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const out = t(x);
      expect(out.shape).toEqual([1, 28, 28]);
      const v = out.dataSync();
      let s = 0;
      for (const p of v) s += p;
      expect(v.every((p) => p === 0 || p === 1)).toBe(true);
      sums.add(s);
    }
    expect(sums.size).toBeGreaterThan(1); // different shifts
    expect(RandomCrop([20, 24])(x).shape).toEqual([1, 20, 24]);
    expect(RandomCrop(32, { padIfNeeded: true })(x).shape).toEqual([1, 32, 32]);
    expect(() => RandomCrop(30)(x)).toThrow(/crop 30x30 is larger than the \(padded\) image 28x28/);
    // Seeded: same generator seed, same crops.
    const run = () => { const r = RandomCrop(24, { padding: 2, generator: new Generator(5) }); return [r(img(1, 28, 28)), r(img(1, 28, 28))].map(vals); };
    expect(run()).toEqual(run());
  });
  test('CenterCrop', () => {
    const y = img(1, 5, 5);
    expect(vals(CenterCrop(3)(y))).toEqual(vals(crop(y, 1, 1, 3, 3)));
  });
});

describe('Normalize / toTensor / Compose', () => {
  test('(x - mean) / std per channel', () => {
    const x = img(2, 1, 2, (k, _y, xx) => k + xx * 0.5); // ch0: [0, .5], ch1: [1, 1.5]
    const out = Normalize([0.5, 1], [0.5, 2])(x);
    expect(vals(out)).toEqual([-1, 0, 0, 0.25]);
    expect(vals(Normalize(0.1307, 0.3081)(img(1, 1, 1, () => 0.1307)))[0]).toBeCloseTo(0, 6);
    expect(() => Normalize([0, 0, 0], [1, 1, 1])(x)).toThrow(/mean has 3 values but the image has 2 channels/);
    expect(() => Normalize(0, 0)).toThrow(/std 0 contains a zero/);
    expect(() => Normalize(0, 1)(fromArray(new Float32Array(4), [4]))).toThrow(/expected an image tensor \[C,H,W\], got \[4\]/);
  });
  test('toTensor: HWC bytes -> CHW floats in [0,1]', () => {
    const t = toTensor({ data: new Uint8Array([255, 0, 51, 0, 255, 102]), width: 2, height: 1 });
    expect(t.shape).toEqual([3, 1, 2]);
    expect(vals(t).map((v) => Math.round(v * 255))).toEqual([255, 0, 0, 255, 51, 102]);
  });
  test('Compose applies left to right', () => {
    const x = img(1, 4, 4);
    const out = Compose([hflip, CenterCrop(2), Normalize(0, 0.5)])(x);
    expect(vals(out)).toEqual(vals(CenterCrop(2)(hflip(x))).map((v) => v / 0.5));
  });
});

describe('RandomAffine', () => {
  const x = img(2, 7, 9);
  test('zero parameters give the identity exactly', () => {
    expect(vals(RandomAffine({ degrees: 0 })(x))).toEqual(vals(x));
    expect(vals(RandomAffine({ degrees: 0, translate: [0, 0], scale: [1, 1], shear: 0 })(x))).toEqual(vals(x));
  });
  test('integer translation shifts with zero fill', () => {
    const out = affine(x, { translate: [2, 1] });
    expect(at(out, 1, 3, 5)).toBeCloseTo(at(x, 1, 2, 3), 6);
    expect(at(out, 0, 0, 0)).toBe(0);
    expect(at(out, 0, 6, 1)).toBe(0);
  });
  test('90 degrees is a counter-clockwise rotation; 180 equals both flips', () => {
    const sq = img(1, 5, 5);
    const r = affine(sq, { angle: Math.PI / 2 });
    // Counter-clockwise: the right-middle pixel moves to the top-middle.
    expect(at(r, 0, 0, 2)).toBeCloseTo(at(sq, 0, 2, 4), 5);
    const r180 = affine(sq, { angle: Math.PI });
    vals(r180).forEach((v, i) => expect(v).toBeCloseTo(vals(hflip(vflip(sq)))[i], 5));
  });
  test('bilinear: half-pixel shift averages neighbours; scale keeps the centre', () => {
    const ramp = img(1, 3, 4, (_k, _y, xx) => xx);
    const out = affine(ramp, { translate: [0.5, 0] });
    expect(at(out, 0, 1, 2)).toBeCloseTo(1.5, 6);
    const big = affine(img(1, 5, 5), { scale: 2 });
    expect(at(big, 0, 2, 2)).toBeCloseTo(at(img(1, 5, 5), 0, 2, 2), 6);
  });
  test('random parameters are seeded and keep shape', () => {
    const t = () => RandomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], generator: new Generator(3) });
    const a = t()(x);
    expect(a.shape).toEqual([2, 7, 9]);
    expect(vals(a)).toEqual(vals(t()(x)));
    expect(vals(a)).not.toEqual(vals(x));
    expect(() => RandomAffine({ degrees: 0, scale: [0, 1] })).toThrow(/scale must be \[min, max\]/);
  });
});

describe('Resize', () => {
  test('identity size, constant image, shorter side', () => {
    const x = img(1, 4, 6);
    expect(vals(Resize([4, 6])(x))).toEqual(vals(x));
    expect(vals(Resize([3, 5])(img(1, 7, 7, () => 0.25))).every((v) => Math.abs(v - 0.25) < 1e-7)).toBe(true);
    expect(Resize(2)(x).shape).toEqual([1, 2, 3]);
    // 2x downsampling of a ramp with half-pixel centres averages pairs.
    expect(vals(Resize([1, 2])(img(1, 1, 4, (_k, _y, xx) => xx)))).toEqual([0.5, 2.5]);
  });
});

describe('ColorJitter and Lighting', () => {
  const rgb = img(3, 4, 4, (k, y, x) => 0.1 + 0.05 * (k * 3 + y + x));
  test('no parameters is the identity; brightness scales; results stay in [0,1]', () => {
    expect(vals(ColorJitter()(rgb))).toEqual(vals(rgb));
    const b = ColorJitter({ brightness: [2, 2] })(rgb);
    vals(b).forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, 2 * vals(rgb)[i]), 6));
    const wild = ColorJitter({ brightness: 0.9, contrast: 0.9, saturation: 0.9, hue: 0.5, generator: new Generator(1) });
    for (let i = 0; i < 10; i++) expect(vals(wild(rgb)).every((v) => v >= 0 && v <= 1)).toBe(true);
  });
  test('contrast 0 gives the grey mean; saturation 0 gives grey pixels', () => {
    const c0 = vals(ColorJitter({ contrast: [0, 0] })(rgb));
    expect(new Set(c0.map((v) => v.toFixed(6))).size).toBe(1);
    const s0 = ColorJitter({ saturation: [0, 0] })(rgb);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      expect(at(s0, 0, y, x)).toBeCloseTo(at(s0, 1, y, x), 6);
      expect(at(s0, 1, y, x)).toBeCloseTo(at(s0, 2, y, x), 6);
    }
  });
  test('hue: a full turn is the identity, a third of a turn rotates R->G->B', () => {
    const red = img(3, 1, 1, (k) => (k === 0 ? 0.8 : 0.2));
    vals(ColorJitter({ hue: [0.5, 0.5] })(ColorJitter({ hue: [0.5, 0.5] })(red))).forEach((v, i) => expect(v).toBeCloseTo(vals(red)[i], 6));
    vals(ColorJitter({ hue: [1 / 3, 1 / 3] })(red)).forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.8, 0.2][i], 5));
    const gray = img(1, 2, 2);
    expect(vals(ColorJitter({ saturation: 0.5, hue: 0.2 })(gray))).toEqual(vals(gray)); // 1 channel: no-op
  });
  test('Lighting adds one offset per channel, seeded', () => {
    const out = Lighting({ generator: new Generator(2) })(rgb);
    const d = vals(out).map((v, i) => v - vals(rgb)[i]);
    for (let k = 0; k < 3; k++) for (let p = 1; p < 16; p++) expect(d[k * 16 + p]).toBeCloseTo(d[k * 16], 6);
    expect(Math.abs(d[0])).toBeGreaterThan(0);
    expect(vals(Lighting({ generator: new Generator(2) })(rgb))).toEqual(vals(out));
  });
});

describe('RandomErasing', () => {
  // An image of ones, so the erased rectangle is exactly the set of pixels that changed.
  const ones = img(2, 28, 28, () => 1);
  const erasedBox = (t: Tensor) => {
    const v = t.dataSync();
    let top = 28, bottom = -1, left = 28, right = -1, n = 0, sameChannels = true;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      if (v[y * 28 + x] !== 1) { n++; top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x); }
      sameChannels &&= v[784 + y * 28 + x] === v[y * 28 + x];
    }
    expect(sameChannels).toBe(true); // both channels erased alike
    return { n, h: bottom - top + 1, w: right - left + 1 };
  };
  test('p=1 erases one rectangle whose area and aspect ratio lie in the ranges; p=0 never erases', () => {
    const t = RandomErasing({ p: 1, generator: new Generator(3) });
    let erased = 0;
    for (let i = 0; i < 200; i++) {
      const out = t(ones);
      expect(out.shape).toEqual([2, 28, 28]);
      const { n, h, w } = erasedBox(out);
      if (n === 0) continue; // no draw fitted in 10 attempts: the image passes unchanged, as in torchvision
      erased++;
      expect(n).toBe(h * w); // a filled rectangle
      // Rounding of h and w widens the bounds a little.
      expect(n).toBeGreaterThanOrEqual(Math.floor(0.02 * 784 * 0.5));
      expect(n).toBeLessThanOrEqual(Math.ceil(0.33 * 784 * 1.3));
      expect(h / w).toBeGreaterThan(0.3 * 0.5);
      expect(h / w).toBeLessThan(3.3 * 2);
    }
    expect(erased).toBeGreaterThan(190);
    expect(RandomErasing({ p: 0 })(ones)).toBe(ones);
    expect(vals(ones).every((v) => v === 1)).toBe(true); // the input is never modified
  });
  test('p=0.5 erases about half the images; seeded draws repeat', () => {
    const count = (seed: number) => {
      const t = RandomErasing({ generator: new Generator(seed) });
      return Array.from({ length: 400 }, () => erasedBox(t(ones)).n);
    };
    const a = count(7);
    expect(a.filter((n) => n > 0).length).toBeGreaterThan(160);
    expect(a.filter((n) => n > 0).length).toBeLessThan(240);
    expect(count(7)).toEqual(a);
  });
  test('value: a number, one per channel, or random noise', () => {
    const fill = (value: number | number[] | 'random') => {
      const v = RandomErasing({ p: 1, value, scale: [0.2, 0.2], ratio: [1, 1], generator: new Generator(1) })(img(2, 10, 10, () => 0.5)).dataSync();
      return [Array.from(v.subarray(0, 100)).filter((x) => x !== 0.5), Array.from(v.subarray(100)).filter((x) => x !== 0.5)];
    };
    expect(fill(0.25)).toEqual([new Array(16).fill(0.25), new Array(16).fill(0.25)]); // area 20, square: 4x4
    const [c0, c1] = fill([0.1, 0.9]);
    expect(c0.length).toBeGreaterThan(0);
    expect(new Set(c0.map((x) => Math.fround(x)))).toEqual(new Set([Math.fround(0.1)]));
    expect(new Set(c1.map((x) => Math.fround(x)))).toEqual(new Set([Math.fround(0.9)]));
    const [r0] = fill('random');
    expect(new Set(r0).size).toBe(r0.length); // distinct normal draws
  });
  test('bad options are rejected by name', () => {
    expect(() => RandomErasing({ p: 2 })).toThrow(/RandomErasing: p/);
    expect(() => RandomErasing({ scale: [0.5, 0.1] })).toThrow(/RandomErasing: scale/);
    expect(() => RandomErasing({ scale: [0.1, 2] })).toThrow(/RandomErasing: scale must lie in/);
    expect(() => RandomErasing({ ratio: [0, 1] })).toThrow(/RandomErasing: ratio/);
    expect(() => RandomErasing({ value: 'noise' as never })).toThrow(/RandomErasing: value/);
    expect(() => RandomErasing({ fill: 0 } as never)).toThrow(/RandomErasing/);
    expect(() => RandomErasing({ p: 1, value: [1, 2, 3] })(ones)).toThrow(/value has 3 entries but the image has 2 channels/);
  });
});
