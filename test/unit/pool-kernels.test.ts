import { describe, expect, it } from 'vitest';
import { poolKernels } from '../../src/backends/reference/pool.js';
import { resizeKernels } from '../../src/backends/reference/resize.js';
import { padKernels } from '../../src/backends/reference/pad.js';
import { allocArray, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { sizeOf, stridesOf } from '../../src/tensor/shape.js';
import type { Buf } from '../../src/backends/reference/types.js';
import type { AvgPool2DAttrs, PadAttrs, PadMode, Pool2DAttrs, Resize2DAttrs } from '../../src/kernels/specs.js';

// ---------- helpers ----------

function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 * 2 - 1;
  };
}
const rng = makeRng(1234);

function buf(values: ArrayLike<number>, shape: number[], dtype: DType = 'float64'): Buf {
  const v = allocArray(dtype, values.length);
  v.set(Array.from(values));
  return { values: v, shape, dtype };
}
function rand(shape: number[], dtype: DType = 'float64'): Buf {
  return buf(Array.from({ length: sizeOf(shape) }, rng), shape, dtype);
}
function dot(a: TypedArray, b: TypedArray): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
/** <K(x), dy> == <x, K^T(dy)> for a linear kernel K and its claimed adjoint. */
function expectAdjoint(x: Buf, forward: (x: Buf) => Buf, adjoint: (dy: Buf) => Buf): void {
  const y = forward(x);
  const dy = rand(y.shape);
  const dx = adjoint(dy);
  expect(dx.shape).toEqual(x.shape);
  const lhs = dot(y.values, dy.values), rhs = dot(x.values, dx.values);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(lhs)));
}
function expectClose(actual: TypedArray, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(expected[i])) expect(actual[i]).toBeNaN();
    else expect(Math.abs(actual[i] - expected[i]), `at ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  }
}
const poolOut = (n: number, k: number, s: number, p: number, d: number, ceil: boolean): number => {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--; // PyTorch: the last window must start inside input or left pad
  return o;
};

// ---------- naive pools (direct from the definitions) ----------

function naiveMaxPool(x: Buf, a: Pool2DAttrs): { out: number[]; idx: number[] } {
  const [N, C, H, W] = x.shape, [OH, OW] = a.outSize;
  const out: number[] = [], idx: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best = -Infinity, bi = -1;
    for (let i = 0; i < a.kernel[0]; i++) for (let j = 0; j < a.kernel[1]; j++) {
      const h = oh * a.stride[0] - a.pad[0] + i * a.dilation[0];
      const w = ow * a.stride[1] - a.pad[1] + j * a.dilation[1];
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      const v = x.values[p * H * W + h * W + w];
      if (bi < 0 || v > best || Number.isNaN(v)) { best = v; bi = h * W + w; }
    }
    out.push(best); idx.push(bi);
  }
  return { out, idx };
}

function naiveAvgPool(x: Buf, a: AvgPool2DAttrs): number[] {
  const [N, C, H, W] = x.shape, [OH, OW] = a.outSize, res: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let hs = oh * a.stride[0] - a.pad[0], ws = ow * a.stride[1] - a.pad[1];
    let he = Math.min(hs + a.kernel[0], H + a.pad[0]), we = Math.min(ws + a.kernel[1], W + a.pad[1]);
    const poolSize = (he - hs) * (we - ws);
    hs = Math.max(hs, 0); ws = Math.max(ws, 0); he = Math.min(he, H); we = Math.min(we, W);
    let sum = 0;
    for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) sum += x.values[p * H * W + h * W + w];
    const div = a.divisorOverride ?? (a.countIncludePad ? poolSize : (he - hs) * (we - ws));
    res.push(hs >= he || ws >= we ? 0 : sum / div);
  }
  return res;
}

function naiveAdaptive(x: Buf, OH: number, OW: number, kind: 'avg' | 'max'): { out: number[]; idx: number[] } {
  const [N, C, H, W] = x.shape, out: number[] = [], idx: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const hs = Math.floor(oh * H / OH), he = Math.ceil((oh + 1) * H / OH);
    const ws = Math.floor(ow * W / OW), we = Math.ceil((ow + 1) * W / OW);
    let sum = 0, best = -Infinity, bi = -1;
    for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) {
      const v = x.values[p * H * W + h * W + w];
      sum += v;
      if (bi < 0 || v > best || Number.isNaN(v)) { best = v; bi = h * W + w; }
    }
    out.push(kind === 'avg' ? sum / ((he - hs) * (we - ws)) : best); idx.push(bi);
  }
  return { out, idx };
}

type Geo = { H: number; W: number; k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number]; ceil: boolean };
const maxConfigs: Geo[] = [
  { H: 7, W: 5, k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], ceil: false },
  { H: 7, W: 9, k: [2, 3], s: [3, 4], p: [0, 1], d: [1, 1], ceil: false }, // stride > kernel
  { H: 8, W: 6, k: [3, 2], s: [1, 1], p: [1, 0], d: [1, 1], ceil: true }, // stride < kernel
  { H: 9, W: 7, k: [3, 3], s: [2, 2], p: [1, 1], d: [2, 2], ceil: true }, // dilation
  { H: 6, W: 5, k: [3, 2], s: [2, 2], p: [1, 1], d: [1, 1], ceil: true }, // last window overhangs
  { H: 5, W: 5, k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1], ceil: true },
];
const geoAttrs = (g: Geo): Pool2DAttrs => ({
  kernel: g.k, stride: g.s, pad: g.p, dilation: g.d,
  outSize: [poolOut(g.H, g.k[0], g.s[0], g.p[0], g.d[0], g.ceil), poolOut(g.W, g.k[1], g.s[1], g.p[1], g.d[1], g.ceil)],
});

// ---------- pooling ----------

describe('MaxPool2D', () => {
  it.each(maxConfigs)('matches the naive pool %o', (g) => {
    const x = rand([2, 3, g.H, g.W], 'float32');
    const a = geoAttrs(g);
    const [out, idx] = poolKernels.MaxPool2D([x], a);
    const ref = naiveMaxPool(x, a);
    expect(out.shape).toEqual([2, 3, ...a.outSize]);
    expect(out.dtype).toBe('float32');
    expect(idx.dtype).toBe('int32');
    expect(idx.values).toBeInstanceOf(Int32Array);
    expectClose(out.values, ref.out, 0);
    expect(Array.from(idx.values)).toEqual(ref.idx);
  });

  it('gives PyTorch values on arange, first max on ties, NaN propagation', () => {
    const a: Pool2DAttrs = { kernel: [2, 2], stride: [2, 2], pad: [0, 0], dilation: [1, 1], outSize: [2, 2] };
    const [o, i] = poolKernels.MaxPool2D([buf(Array.from({ length: 16 }, (_, k) => k), [1, 1, 4, 4])], a);
    expect(Array.from(o.values)).toEqual([5, 7, 13, 15]);
    expect(Array.from(i.values)).toEqual([5, 7, 13, 15]);
    const x = buf([1, 1, 0, NaN, /**/ 1, 0, NaN, 2, /**/ 0, 0, 0, 0, /**/ 0, 0, 0, 0], [1, 1, 4, 4]);
    const [o2, i2] = poolKernels.MaxPool2D([x], a);
    expectClose(o2.values, [1, NaN, 0, 0]);
    expect(Array.from(i2.values)).toEqual([0, 6, 8, 10]); // tie -> first; NaN -> last NaN, as PyTorch
  });
});

describe('AvgPool2D', () => {
  const cases: [Geo, boolean, number | null][] = [];
  for (const g of maxConfigs.filter((c) => c.d[0] === 1)) {
    cases.push([g, true, null], [g, false, null]);
  }
  cases.push([maxConfigs[0], true, 5], [maxConfigs[4], false, 2]);

  it.each(cases)('matches the naive pool %o include=%s override=%s', (g, countIncludePad, divisorOverride) => {
    const x = rand([1, 2, g.H, g.W]);
    const a: AvgPool2DAttrs = { ...geoAttrs(g), countIncludePad, divisorOverride };
    const [out] = poolKernels.AvgPool2D([x], a);
    expect(out.shape).toEqual([1, 2, ...a.outSize]);
    expectClose(out.values, naiveAvgPool(x, a));
    expectAdjoint(x, (v) => poolKernels.AvgPool2D([v], a)[0],
      (dy) => poolKernels.AvgPool2DGrad([dy], { ...a, inputShape: [1, 2, g.H, g.W] })[0]);
  });

  it('uses the pre-clip pool size with countIncludePad (PyTorch ceil-mode edge rule)', () => {
    // H=W=6, k=3, s=2, p=1, ceil -> 4x4; the last window spans rows 5..7, clipped to H+p=7: size 2, 1 real.
    const a: AvgPool2DAttrs = { kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [1, 1], outSize: [4, 4], countIncludePad: true, divisorOverride: null };
    const ones = buf(new Array(36).fill(1), [1, 1, 6, 6]);
    const [o] = poolKernels.AvgPool2D([ones], a);
    expectClose(o.values.subarray(0, 4), [4 / 9, 6 / 9, 6 / 9, 2 / 6]);
    expectClose(o.values.subarray(12, 16), [2 / 6, 3 / 6, 3 / 6, 1 / 4]);
    const [o2] = poolKernels.AvgPool2D([ones], { ...a, countIncludePad: false });
    expectClose(o2.values, new Array(16).fill(1));
  });

  it('rejects dilation it cannot honour', () => {
    const a: AvgPool2DAttrs = { ...geoAttrs(maxConfigs[0]), dilation: [2, 1], countIncludePad: true, divisorOverride: null };
    expect(() => poolKernels.AvgPool2D([rand([1, 1, 7, 5])], a)).toThrow(/dilation/);
  });
});

describe('adaptive pools', () => {
  const sizes: [number, number, number, number][] = [[5, 7, 3, 3], [7, 4, 2, 4], [4, 4, 8, 3], [6, 6, 1, 1], [1, 3, 1, 2]];

  it.each(sizes)('AdaptiveAvg/MaxPool2D %i x %i -> %i x %i', (H, W, OH, OW) => {
    const x = rand([2, 2, H, W]);
    const [avg] = poolKernels.AdaptiveAvgPool2D([x], { outSize: [OH, OW] });
    const [mx, idx] = poolKernels.AdaptiveMaxPool2D([x], { outSize: [OH, OW] });
    expectClose(avg.values, naiveAdaptive(x, OH, OW, 'avg').out);
    const refMax = naiveAdaptive(x, OH, OW, 'max');
    expectClose(mx.values, refMax.out, 0);
    expect(Array.from(idx.values)).toEqual(refMax.idx);
    expectAdjoint(x, (v) => poolKernels.AdaptiveAvgPool2D([v], { outSize: [OH, OW] })[0],
      (dy) => poolKernels.AdaptiveAvgPool2DGrad([dy], { inputShape: [2, 2, H, W] })[0]);
  });

  it('uses overlapping windows [floor(o*H/OH), ceil((o+1)*H/OH))', () => {
    const [o] = poolKernels.AdaptiveAvgPool2D([buf([1, 2, 3, 4, 5], [1, 1, 1, 5])], { outSize: [1, 3] });
    expectClose(o.values, [1.5, 3, 4.5]); // windows [0,2), [1,4), [3,5)
  });
});

describe('ScatterPlane / GatherPlane', () => {
  it('are adjoint, accumulate duplicates, and reject out-of-plane indices', () => {
    const idx = buf(Array.from({ length: 2 * 3 * 7 }, (_, k) => (k * 5) % 12), [2, 3, 7], 'int32');
    const x = rand([2, 3, 3, 4]);
    const gather = (v: Buf) => poolKernels.GatherPlane([v, idx])[0];
    const scatter = (s: Buf) => poolKernels.ScatterPlane([s, idx], { planeShape: [3, 4] })[0];
    expect(gather(x).shape).toEqual([2, 3, 7]);
    expectAdjoint(x, gather, scatter);

    const [dup] = poolKernels.ScatterPlane([buf([1, 2, 3], [1, 1, 3]), buf([2, 2, 0], [1, 1, 3], 'int32')], { planeShape: [1, 3] });
    expect(Array.from(dup.values)).toEqual([3, 0, 3]);
    expect(() => poolKernels.ScatterPlane([buf([1], [1, 1, 1]), buf([3], [1, 1, 1], 'int32')], { planeShape: [1, 3] })).toThrow(/outside/);
    expect(() => poolKernels.GatherPlane([rand([1, 1, 1, 3]), buf([-1], [1, 1, 1], 'int32')])).toThrow(/outside/);
  });

  it('route the max-pool gradient to the argmax', () => {
    const x = rand([1, 2, 5, 5]);
    const a: Pool2DAttrs = { kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [1, 1], outSize: [3, 3] };
    const [out, idx] = poolKernels.MaxPool2D([x], a);
    expectClose(poolKernels.GatherPlane([x, idx])[0].values, out.values, 0);
  });
});

// ---------- resize ----------

/** Direct per-element PyTorch 1.13 formulas (nearest in float32 with its 1x/2x shortcuts). */
function naiveTaps(a: Resize2DAttrs, axis: 0 | 1, n: number, o: number): [number, number, number] {
  const outN = a.outSize[axis];
  if (outN === n) return [o, o, 0];
  if (a.mode === 'nearest') {
    const s = outN === 2 * n ? Math.floor(o / 2) : Math.min(Math.floor(Math.fround(o * Math.fround(a.scales[axis]))), n - 1);
    return [s, s, 0];
  }
  const src = a.alignCorners
    ? (outN === 1 ? 0 : o * (n - 1) / (outN - 1))
    : Math.max((o + 0.5) * a.scales[axis] - 0.5, 0);
  const i0 = Math.floor(src);
  return [i0, Math.min(i0 + 1, n - 1), src - i0];
}
function naiveResize(x: Buf, a: Resize2DAttrs): number[] {
  const [N, C, H, W] = x.shape, res: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < a.outSize[0]; oh++) for (let ow = 0; ow < a.outSize[1]; ow++) {
    const [h0, h1, lh] = naiveTaps(a, 0, H, oh), [w0, w1, lw] = naiveTaps(a, 1, W, ow);
    const at = (h: number, w: number) => x.values[p * H * W + h * W + w];
    res.push((1 - lh) * ((1 - lw) * at(h0, w0) + lw * at(h0, w1)) + lh * ((1 - lw) * at(h1, w0) + lw * at(h1, w1)));
  }
  return res;
}

describe('Resize2D', () => {
  // [H, W, OH, OW, scale factor or null (then scales = in/out)]
  const geos: [number, number, number, number, number | null][] = [
    [3, 4, 7, 9, null], [7, 9, 3, 4, null], [4, 5, 8, 10, 2], [5, 6, 10, 6, null], [4, 3, 6, 5, 1.7], [6, 5, 2, 1, null],
    [1, 3, 4, 1, null], [5, 5, 10, 12, 2.5],
  ];
  const variants: [Resize2DAttrs['mode'], boolean][] = [['nearest', false], ['bilinear', false], ['bilinear', true]];
  for (const [H, W, OH, OW, sf] of geos) {
    for (const [mode, alignCorners] of variants) {
      it(`${mode} alignCorners=${alignCorners} ${H}x${W} -> ${OH}x${OW} (factor ${sf})`, () => {
        const a: Resize2DAttrs = { mode, alignCorners, outSize: [OH, OW], scales: sf === null ? [H / OH, W / OW] : [1 / sf, 1 / sf] };
        const x = rand([2, 1, H, W]);
        const [y] = resizeKernels.Resize2D([x], a);
        expect(y.shape).toEqual([2, 1, OH, OW]);
        expectClose(y.values, naiveResize(x, a));
        expectAdjoint(x, (v) => resizeKernels.Resize2D([v], a)[0],
          (dy) => resizeKernels.Resize2DGrad([dy], { ...a, inputShape: [2, 1, H, W] })[0]);
      });
    }
  }

  it('reproduces known PyTorch outputs', () => {
    const x = buf([1, 2, 3, 4], [1, 1, 2, 2], 'float32');
    const bl = (alignCorners: boolean, o: number) =>
      resizeKernels.Resize2D([x], { mode: 'bilinear', alignCorners, outSize: [o, o], scales: [2 / o, 2 / o] })[0];
    expectClose(bl(false, 4).values, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4], 1e-6);
    expectClose(bl(true, 3).values, [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4], 1e-6);
    expect(bl(true, 3).dtype).toBe('float32');
    const row = buf([1, 2, 3, 4, 5], [1, 1, 1, 5]);
    const near = (ow: number, s: number) =>
      Array.from(resizeKernels.Resize2D([row], { mode: 'nearest', alignCorners: false, outSize: [1, ow], scales: [1, s] })[0].values);
    expect(near(8, 5 / 8)).toEqual([1, 1, 2, 2, 3, 4, 4, 5]);
    expect(near(2, 5 / 2)).toEqual([1, 3]);
    // scale_factor=2.1 gives 10 = 2*5 outputs: PyTorch's exact-2x shortcut ignores the scale.
    expect(near(10, 1 / 2.1)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Infinities survive nearest resizing (no 0*inf).
    const inf = buf([Infinity, 1], [1, 1, 1, 2]);
    expect(Array.from(resizeKernels.Resize2D([inf], { mode: 'nearest', alignCorners: false, outSize: [1, 3], scales: [1, 2 / 3] })[0].values)).toEqual([Infinity, Infinity, 1]);
  });
});

// ---------- pad ----------

function naivePad(x: Buf, a: PadAttrs): { shape: number[]; values: number[] } {
  const shape = x.shape.map((n, d) => n + a.pads[d][0] + a.pads[d][1]);
  const inStrides = stridesOf(x.shape), outStrides = stridesOf(shape), values: number[] = [];
  for (let k = 0; k < sizeOf(shape); k++) {
    let off = 0, fill = false;
    shape.forEach((_, d) => {
      const n = x.shape[d];
      let i = Math.floor(k / outStrides[d]) % shape[d] - a.pads[d][0];
      if (a.mode === 'replicate') i = Math.min(Math.max(i, 0), n - 1);
      if (a.mode === 'reflect') i = i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
      if (i < 0 || i >= n) fill = true;
      off += i * inStrides[d];
    });
    values.push(fill ? a.value : x.values[off]);
  }
  return { shape, values };
}

describe('Pad', () => {
  it('pads 1D like PyTorch in every mode, and crops with negative pads', () => {
    const x = buf([1, 2, 3], [3]);
    const pad = (mode: PadMode, pads: [number, number], value = 0) => Array.from(padKernels.Pad([x], { mode, pads: [pads], value })[0].values);
    expect(pad('reflect', [2, 2])).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad('replicate', [2, 1])).toEqual([1, 1, 1, 2, 3, 3]);
    expect(pad('constant', [1, 2], 9)).toEqual([9, 1, 2, 3, 9, 9]);
    expect(pad('constant', [-1, 1], 9)).toEqual([2, 3, 9]);
    expect(pad('reflect', [-1, 2])).toEqual([2, 3, 2, 1]);
    expect(() => pad('reflect', [3, 0])).toThrow(/does not fit/);
  });

  const cases: [number[], [number, number][]][] = [
    [[2, 3, 4], [[0, 0], [2, 1], [3, 0]]],
    [[2, 2, 4, 5], [[0, 0], [0, 0], [1, 3], [4, 2]]],
    [[1, 3, 5, 4], [[0, 0], [1, 0], [-1, 2], [2, -1]]],
    [[4], [[3, 1]]],
  ];
  for (const [shape, pads] of cases) {
    for (const mode of ['constant', 'reflect', 'replicate'] as const) {
      it(`${mode} ${JSON.stringify(shape)} pads ${JSON.stringify(pads)}`, () => {
        const a: PadAttrs = { mode, pads, value: 0.5 };
        const x = rand(shape);
        const [y] = padKernels.Pad([x], a);
        const ref = naivePad(x, a);
        expect(y.shape).toEqual(ref.shape);
        expectClose(y.values, ref.values, 0);
        expectAdjoint(x, (v) => padKernels.Pad([v], { ...a, value: 0 })[0],
          (dy) => padKernels.PadGrad([dy], { ...a, inputShape: shape })[0]);
      });
    }
  }

  it('keeps float32 and handles rank 0', () => {
    const [y] = padKernels.Pad([buf([1, 2], [1, 2], 'float32')], { mode: 'constant', pads: [[0, 0], [1, 0]], value: 0 });
    expect(y.values).toBeInstanceOf(Float32Array);
    expect(Array.from(padKernels.Pad([buf([7], [])], { mode: 'reflect', pads: [], value: 0 })[0].values)).toEqual([7]);
  });
});
