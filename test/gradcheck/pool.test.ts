/**
 * Finite-difference gradient checks (float64, reference backend) for every pooling op: max / avg / Lp /
 * adaptive / global pools and max-unpooling, over odd sizes, stride > 1, dilation, padding, ceilMode,
 * countIncludePad, batch 1 and unbatched inputs. Random normal inputs have no ties, so max pools are smooth.
 */
import { describe, expect, it } from 'vitest';
import { F, fromArray, noGrad, type Tensor } from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

type MaxOpts = F.MaxPoolOptions & { returnIndices?: false };

/** Checks the output shape, then the gradient of fn at a random input of `shape`. */
function check(shape: number[], fn: (x: Tensor) => Tensor, out: number[], seed = 7, x = randomInput(shape, seed)): void {
  expect(fn(x).shape).toEqual(out);
  expect(gradcheck(fn, [x])).toBe(true);
}

/** Random values in [0.5, 2.5): positive, for Lp pooling with odd p. */
function positiveInput(shape: number[], seed: number): Tensor {
  const v = randomInput(shape, seed, { requiresGrad: false }).dataSync() as Float64Array;
  return fromArray(v.map((a) => 0.5 + Math.abs(a) % 2), shape, { requiresGrad: true });
}

describe('maxPool gradcheck', () => {
  const cases: [string, number[], object, number[]][] = [
    ['k2', [2, 2, 4, 4], { kernelSize: 2 }, [2, 2, 2, 2]],
    ['k3 s2 p1 odd 5x7', [1, 2, 5, 7], { kernelSize: 3, stride: 2, padding: 1 }, [1, 2, 3, 4]],
    ['dilation 2', [1, 1, 7, 6], { kernelSize: 2, stride: 1, dilation: 2 }, [1, 1, 5, 4]],
    ['dilation 2 pad 1 stride 2', [1, 2, 7, 6], { kernelSize: 2, stride: 2, dilation: 2, padding: 1 }, [1, 2, 4, 3]],
    ['ceilMode overhang', [1, 2, 5, 5], { kernelSize: 2, stride: 2, ceilMode: true }, [1, 2, 3, 3]],
    ['ceilMode pad 1', [2, 1, 6, 5], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, [2, 1, 4, 3]],
    ['rect kernel', [1, 2, 5, 6], { kernelSize: [2, 3], stride: [1, 2], padding: [1, 0] }, [1, 2, 6, 2]],
    ['unbatched [C,H,W]', [2, 5, 5], { kernelSize: 3, stride: 2 }, [2, 2, 2]],
  ];
  for (const [name, shape, opts, out] of cases) {
    it(`maxPool2d ${name}`, () => check(shape, (x) => F.maxPool2d(x, opts as MaxOpts), out));
  }
  const cases1d: [string, number[], object, number[]][] = [
    ['k2', [2, 2, 8], { kernelSize: 2 }, [2, 2, 4]],
    ['k3 s2 p1 odd', [1, 2, 9], { kernelSize: 3, stride: 2, padding: 1 }, [1, 2, 5]],
    ['dilation 2', [1, 2, 9], { kernelSize: 3, dilation: 2, stride: 1 }, [1, 2, 5]],
    ['ceilMode', [1, 2, 7], { kernelSize: 2, stride: 2, ceilMode: true }, [1, 2, 4]],
    ['unbatched [C,L]', [3, 7], { kernelSize: 3, stride: 2 }, [3, 3]],
  ];
  for (const [name, shape, opts, out] of cases1d) {
    it(`maxPool1d ${name}`, () => check(shape, (x) => F.maxPool1d(x, opts as MaxOpts), out));
  }

  it('returnIndices gives int32 flat plane indices and the same values', () => {
    const x = randomInput([1, 2, 5, 5], 3, { requiresGrad: false });
    const [v, idx] = F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
    expect(idx.dtype).toBe('int32');
    expect(idx.shape).toEqual([1, 2, 3, 3]);
    expect(Array.from(v.dataSync())).toEqual(Array.from(F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }).dataSync()));
    const xv = x.dataSync(), iv = idx.dataSync(), vv = v.dataSync();
    for (let i = 0; i < iv.length; i++) expect(xv[Math.floor(i / 9) * 25 + iv[i]]).toBe(vv[i]);
    const [, idx1] = F.maxPool1d(randomInput([2, 3, 7], 4, { requiresGrad: false }), { kernelSize: 2, returnIndices: true });
    expect(idx1.shape).toEqual([2, 3, 3]);
  });
});

describe('avgPool gradcheck', () => {
  const cases: [string, number[], object, number[]][] = [
    ['k2', [2, 2, 4, 4], { kernelSize: 2 }, [2, 2, 2, 2]],
    ['k3 s2 p1 odd', [1, 2, 5, 7], { kernelSize: 3, stride: 2, padding: 1 }, [1, 2, 3, 4]],
    ['countIncludePad false', [1, 2, 5, 7], { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }, [1, 2, 3, 4]],
    ['ceilMode overhang', [1, 2, 5, 5], { kernelSize: 2, stride: 2, ceilMode: true }, [1, 2, 3, 3]],
    ['ceilMode pad 1', [1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, [1, 1, 4, 4]],
    ['ceilMode pad 1 exclude pad', [1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }, [1, 1, 4, 4]],
    ['divisorOverride', [2, 1, 5, 5], { kernelSize: 3, stride: 2, padding: 1, divisorOverride: 4 }, [2, 1, 3, 3]],
    ['rect kernel', [1, 2, 5, 6], { kernelSize: [2, 3], stride: [1, 2] }, [1, 2, 4, 2]],
    ['unbatched [C,H,W]', [2, 5, 5], { kernelSize: 2 }, [2, 2, 2]],
  ];
  for (const [name, shape, opts, out] of cases) {
    it(`avgPool2d ${name}`, () => check(shape, (x) => F.avgPool2d(x, opts as F.AvgPoolOptions), out));
  }
  const cases1d: [string, number[], object, number[]][] = [
    ['k2', [2, 2, 8], { kernelSize: 2 }, [2, 2, 4]],
    ['k3 s2 p1 exclude pad', [1, 2, 9], { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }, [1, 2, 5]],
    ['ceilMode', [1, 2, 7], { kernelSize: 2, stride: 2, ceilMode: true }, [1, 2, 4]],
    ['divisorOverride', [1, 2, 7], { kernelSize: 3, stride: 2, padding: 1, divisorOverride: 2 }, [1, 2, 4]],
  ];
  for (const [name, shape, opts, out] of cases1d) {
    it(`avgPool1d ${name}`, () => check(shape, (x) => F.avgPool1d(x, opts as F.AvgPoolOptions), out));
  }
});

describe('lpPool gradcheck', () => {
  it('lpPool2d p=2 k2', () => check([1, 2, 4, 4], (x) => F.lpPool2d(x, 2, 2), [1, 2, 2, 2]));
  it('lpPool2d p=2 k3 s2 odd', () => check([1, 2, 5, 7], (x) => F.lpPool2d(x, 2, 3, { stride: 2 }), [1, 2, 2, 3]));
  it('lpPool2d p=3 positive rect', () => check([1, 2, 5, 6], (x) => F.lpPool2d(x, 3, [2, 3], { stride: [2, 1] }), [1, 2, 2, 4], 0, positiveInput([1, 2, 5, 6], 5)));
  it('lpPool2d p=2 ceilMode', () => check([1, 1, 5, 5], (x) => F.lpPool2d(x, 2, 2, { ceilMode: true }), [1, 1, 3, 3]));
  it('lpPool1d p=2 ceilMode', () => check([2, 2, 7], (x) => F.lpPool1d(x, 2, 2, { ceilMode: true }), [2, 2, 4]));
  it('lpPool1d p=3 positive s2', () => check([1, 2, 9], (x) => F.lpPool1d(x, 3, 3, { stride: 2 }), [1, 2, 4], 0, positiveInput([1, 2, 9], 6)));
});

describe('adaptive and global pools gradcheck', () => {
  it('adaptiveAvgPool2d 7x5 -> 3x2', () => check([1, 2, 7, 5], (x) => F.adaptiveAvgPool2d(x, [3, 2]), [1, 2, 3, 2]));
  it('adaptiveAvgPool2d upsampling 3 -> 4, null keeps W', () => check([1, 1, 3, 5], (x) => F.adaptiveAvgPool2d(x, [4, null]), [1, 1, 4, 5]));
  it('adaptiveAvgPool2d unbatched', () => check([2, 5, 5], (x) => F.adaptiveAvgPool2d(x, 2), [2, 2, 2]));
  it('adaptiveAvgPool1d 7 -> 3', () => check([2, 2, 7], (x) => F.adaptiveAvgPool1d(x, 3), [2, 2, 3]));
  it('adaptiveMaxPool2d 7x6 -> 3x4', () => check([1, 2, 7, 6], (x) => F.adaptiveMaxPool2d(x, [3, 4]), [1, 2, 3, 4]));
  it('adaptiveMaxPool2d with indices', () => check([2, 1, 5, 5], (x) => F.adaptiveMaxPool2d(x, 2, { returnIndices: true })[0], [2, 1, 2, 2]));
  it('adaptiveMaxPool1d 9 -> 4', () => check([1, 2, 9], (x) => F.adaptiveMaxPool1d(x, 4), [1, 2, 4]));
  it('globalAvgPool2d', () => check([2, 3, 3, 5], (x) => F.globalAvgPool2d(x), [2, 3, 1, 1]));
  it('globalMaxPool2d', () => check([1, 3, 4, 3], (x) => F.globalMaxPool2d(x), [1, 3, 1, 1]));
});

describe('maxUnpool gradcheck', () => {
  /** Pooled values (the checked leaf) and their indices, from maxPool on a random input. */
  function pooled(shape: number[], pool: (x: Tensor) => [Tensor, Tensor], seed: number): [Tensor, Tensor] {
    const [, idx] = noGrad(() => pool(randomInput(shape, seed, { requiresGrad: false })));
    return [randomInput(idx.shape, seed + 1), idx];
  }

  it('maxUnpool2d k2 round trip places the maxima', () => {
    const x = randomInput([1, 2, 4, 4], 11, { requiresGrad: false });
    const [v, idx] = F.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    const u = F.maxUnpool2d(v, idx, { kernelSize: 2 });
    expect(u.shape).toEqual([1, 2, 4, 4]);
    const uv = u.dataSync(), xv = x.dataSync();
    expect(Array.from(uv).filter((a) => a !== 0).length).toBe(8);
    uv.forEach((a, i) => { if (a !== 0) expect(a).toBe(xv[i]); });
  });
  it('maxUnpool2d k2 batch 1', () => {
    const [x, idx] = pooled([1, 2, 4, 6], (t) => F.maxPool2d(t, { kernelSize: 2, returnIndices: true }), 12);
    check([], (t) => F.maxUnpool2d(t, idx, { kernelSize: 2 }), [1, 2, 4, 6], 0, x);
  });
  it('maxUnpool2d k3 s3 odd with outputSize (spatial and full)', () => {
    const [x, idx] = pooled([2, 1, 7, 8], (t) => F.maxPool2d(t, { kernelSize: 3, returnIndices: true }), 13);
    check([], (t) => F.maxUnpool2d(t, idx, { kernelSize: 3, outputSize: [7, 8] }), [2, 1, 7, 8], 0, x);
    expect(F.maxUnpool2d(x, idx, { kernelSize: 3, outputSize: [2, 1, 7, 8] }).shape).toEqual([2, 1, 7, 8]);
    // Without outputSize the plane is (in-1)*stride + kernel = 6x6, too small for indices into 7x8.
    expect(() => F.maxUnpool2d(x, idx, { kernelSize: 3 })).toThrow(/outside the 6x6 plane/);
  });
  it('maxUnpool2d k2 s2 p1 unbatched', () => {
    const [x, idx] = pooled([2, 5, 5], (t) => F.maxPool2d(t, { kernelSize: 2, padding: 1, returnIndices: true }), 14);
    check([], (t) => F.maxUnpool2d(t, idx, { kernelSize: 2, padding: 1, outputSize: [5, 5] }), [2, 5, 5], 0, x);
  });
  it('maxUnpool1d k2 and k3 s3 with outputSize', () => {
    const [x, idx] = pooled([2, 2, 8], (t) => F.maxPool1d(t, { kernelSize: 2, returnIndices: true }), 15);
    check([], (t) => F.maxUnpool1d(t, idx, { kernelSize: 2 }), [2, 2, 8], 0, x);
    const [x3, idx3] = pooled([1, 2, 10], (t) => F.maxPool1d(t, { kernelSize: 3, returnIndices: true }), 16);
    check([], (t) => F.maxUnpool1d(t, idx3, { kernelSize: 3, outputSize: [10] }), [1, 2, 10], 0, x3);
  });
  it('maxUnpool2d with overlapping windows writes a repeated index once', () => {
    // 1x3 input, k3 s1 p1: windows 0 and 1 both pick the centre max.
    const x = fromArray(new Float64Array([1, 5, 2]), [1, 1, 1, 3]);
    const [v, idx] = F.maxPool2d(x, { kernelSize: [1, 3], stride: 1, padding: [0, 1], returnIndices: true });
    expect(Array.from(idx.dataSync())).toEqual([1, 1, 1]);
    const u = F.maxUnpool2d(v, idx, { kernelSize: [1, 3], stride: 1, padding: [0, 1] });
    expect(Array.from(u.dataSync())).toEqual([0, 5, 0]);
  });
});
