import { describe, expect, it } from 'vitest';
import { convKernels } from '../../src/backends/reference/conv.js';
import type { Buf } from '../../src/backends/reference/types.js';
import type { Conv2DAttrs } from '../../src/kernels/specs.js';
import { allocArray, type DType } from '../../src/tensor/dtype.js';

const { Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter } = convKernels;

/** mulberry32: small seeded PRNG so failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randBuf(rand: () => number, shape: number[], dtype: DType): Buf {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = allocArray(dtype, size);
  for (let i = 0; i < size; i++) values[i] = rand() * 2 - 1;
  return { values, shape, dtype };
}

interface Case {
  N: number; C: number; H: number; W: number; K: number; groups: number; kh: number; kw: number;
  attrs: Conv2DAttrs;
}

function outSize(i: number, k: number, p0: number, p1: number, s: number, d: number): number {
  return Math.floor((i + p0 + p1 - d * (k - 1) - 1) / s + 1);
}

/** Naive 7-loop conv2d with explicit bounds checks (the definition). Returns float64 values. */
function naiveConv(x: Buf, w: Buf, a: Conv2DAttrs): { values: Float64Array; shape: number[] } {
  const [N, C, H, W] = x.shape;
  const [K, Cg, kh, kw] = w.shape;
  const [pt, pb, pl, pr] = a.pads;
  const OH = outSize(H, kh, pt, pb, a.stride[0], a.dilation[0]);
  const OW = outSize(W, kw, pl, pr, a.stride[1], a.dilation[1]);
  const Kg = K / a.groups;
  const y = new Float64Array(N * K * OH * OW);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let s = 0;
          for (let c = 0; c < Cg; c++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * a.stride[0] + ky * a.dilation[0] - pt;
                const ix = ox * a.stride[1] + kx * a.dilation[1] - pl;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                const ci = Math.floor(k / Kg) * Cg + c;
                s += x.values[((n * C + ci) * H + iy) * W + ix] * w.values[((k * Cg + c) * kh + ky) * kw + kx];
              }
          y[((n * K + k) * OH + oy) * OW + ox] = s;
        }
  return { values: y, shape: [N, K, OH, OW] };
}

/** Random geometry; `depthwise` forces groups = C, K = C * multiplier. Output is guaranteed non-empty. */
function randomCase(rand: () => number, depthwise: boolean): Case {
  const ri = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  for (;;) {
    const groups = depthwise ? ri(2, 4) : [1, 1, 2, 3][ri(0, 3)];
    const C = depthwise ? groups : groups * ri(1, 3);
    const K = groups * ri(1, 3);
    const kh = ri(1, 4), kw = ri(1, 4);
    const attrs: Conv2DAttrs = {
      stride: [ri(1, 3), ri(1, 3)],
      dilation: [ri(1, 3), ri(1, 2)],
      pads: [ri(0, 3), ri(0, 2), ri(0, 2), ri(0, 3)],
      groups,
    };
    const c: Case = { N: ri(1, 3), C, H: ri(1, 11), W: ri(1, 13), K, groups, kh, kw, attrs };
    const OH = outSize(c.H, kh, attrs.pads[0], attrs.pads[1], attrs.stride[0], attrs.dilation[0]);
    const OW = outSize(c.W, kw, attrs.pads[2], attrs.pads[3], attrs.stride[1], attrs.dilation[1]);
    if (OH >= 1 && OW >= 1) return c;
  }
}

/** Hand-picked corners plus random cases. */
function cases(seed: number, count: number): Case[] {
  const rand = prng(seed);
  const fixed: Case[] = [
    // batch 1, odd sizes, stride 2, dilation 2, asymmetric pads
    { N: 1, C: 3, H: 9, W: 7, K: 5, groups: 1, kh: 3, kw: 3, attrs: { stride: [2, 2], dilation: [2, 2], pads: [1, 2, 0, 3], groups: 1 } },
    // grouped
    { N: 2, C: 6, H: 5, W: 11, K: 4, groups: 2, kh: 3, kw: 2, attrs: { stride: [1, 3], dilation: [1, 2], pads: [2, 0, 1, 1], groups: 2 } },
    // depthwise with multiplier 2
    { N: 1, C: 4, H: 7, W: 7, K: 8, groups: 4, kh: 3, kw: 3, attrs: { stride: [2, 1], dilation: [1, 1], pads: [1, 1, 1, 1], groups: 4 } },
    // 1D-as-2D, kernel larger than input (padding covers it)
    { N: 2, C: 2, H: 1, W: 5, K: 3, groups: 1, kh: 1, kw: 7, attrs: { stride: [1, 2], dilation: [1, 1], pads: [0, 0, 3, 3], groups: 1 } },
    // 1x1 conv, stride 3
    { N: 1, C: 5, H: 8, W: 10, K: 2, groups: 1, kh: 1, kw: 1, attrs: { stride: [3, 3], dilation: [1, 1], pads: [0, 0, 0, 0], groups: 1 } },
  ];
  const random = Array.from({ length: count }, (_, i) => randomCase(rand, i % 3 === 0));
  return [...fixed, ...random];
}

const label = (c: Case) =>
  `N${c.N} C${c.C} ${c.H}x${c.W} K${c.K} g${c.groups} k${c.kh}x${c.kw} s${c.attrs.stride} d${c.attrs.dilation} p${c.attrs.pads}`;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('Conv2D matches a naive implementation', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}`, () => {
      const rand = prng(dtype === 'float32' ? 1 : 2);
      for (const c of cases(dtype === 'float32' ? 11 : 12, 60)) {
        const x = randBuf(rand, [c.N, c.C, c.H, c.W], dtype);
        const w = randBuf(rand, [c.K, c.C / c.groups, c.kh, c.kw], dtype);
        const [y] = Conv2D([x, w], c.attrs);
        const ref = naiveConv(x, w, c.attrs);
        expect(y.shape, label(c)).toEqual(ref.shape);
        expect(y.dtype).toBe(dtype);
        expect(y.values).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        // Accumulating in float64 and rounding once means float32 results are within an ulp or so.
        const tol = dtype === 'float32' ? 1e-6 : 1e-13;
        for (let i = 0; i < ref.values.length; i++) {
          const err = Math.abs(y.values[i] - ref.values[i]);
          if (err > tol * Math.max(1, Math.abs(ref.values[i]))) {
            throw new Error(`${label(c)}: y[${i}] = ${y.values[i]}, expected ${ref.values[i]}`);
          }
        }
      }
    });
  }
});

describe('backprop kernels are the adjoints of Conv2D (float64)', () => {
  // extra = rows/cols of inputShape beyond the x that produced dy's size (transposed-conv outputPadding).
  for (const extra of [[0, 0], [1, 0], [0, 1], [1, 2]] as const) {
    it(`inputShape extra ${extra[0]} rows, ${extra[1]} cols`, () => {
      const rand = prng(100 + extra[0] * 10 + extra[1]);
      for (const c of cases(200 + extra[0] * 10 + extra[1], 60)) {
        const { attrs } = c;
        const OH = outSize(c.H, c.kh, attrs.pads[0], attrs.pads[1], attrs.stride[0], attrs.dilation[0]);
        const OW = outSize(c.W, c.kw, attrs.pads[2], attrs.pads[3], attrs.stride[1], attrs.dilation[1]);
        const inputShape: [number, number, number, number] = [c.N, c.C, c.H + extra[0], c.W + extra[1]];
        const filterShape: [number, number, number, number] = [c.K, c.C / c.groups, c.kh, c.kw];
        const x = randBuf(rand, inputShape, 'float64');
        const w = randBuf(rand, filterShape, 'float64');
        const dy = randBuf(rand, [c.N, c.K, OH, OW], 'float64');

        // The linear map is x -> (forward on the larger x) cropped to dy's OH x OW.
        const [yFull] = Conv2D([x, w], attrs);
        const [, , FH, FW] = yFull.shape;
        expect(FH).toBeGreaterThanOrEqual(OH);
        expect(FW).toBeGreaterThanOrEqual(OW);
        let lhs = 0;
        for (let n = 0; n < c.N; n++)
          for (let k = 0; k < c.K; k++)
            for (let oy = 0; oy < OH; oy++)
              for (let ox = 0; ox < OW; ox++)
                lhs += yFull.values[((n * c.K + k) * FH + oy) * FW + ox] * dy.values[((n * c.K + k) * OH + oy) * OW + ox];

        const [dx] = Conv2DBackpropInput([dy, w], { ...attrs, inputShape });
        expect(dx.shape).toEqual(inputShape);
        expect(dx.values).toBeInstanceOf(Float64Array);
        const [dw] = Conv2DBackpropFilter([x, dy], { ...attrs, filterShape });
        expect(dw.shape).toEqual(filterShape);
        expect(dw.values).toBeInstanceOf(Float64Array);

        const scale = Math.max(1, Math.abs(lhs));
        const viaInput = dot(x.values, dx.values);
        const viaFilter = dot(w.values, dw.values);
        expect(Math.abs(viaInput - lhs) / scale, `${label(c)} input adjoint`).toBeLessThan(1e-10);
        expect(Math.abs(viaFilter - lhs) / scale, `${label(c)} filter adjoint`).toBeLessThan(1e-10);
      }
    });
  }

  it('positions of an enlarged inputShape that no tap reaches get 0', () => {
    // 1x1 kernel, stride 2, H=W=5 -> 3x3 output; inputShape 6x6: row/col 5 is never read.
    const attrs: Conv2DAttrs = { stride: [2, 2], dilation: [1, 1], pads: [0, 0, 0, 0], groups: 1 };
    const dy: Buf = { values: new Float64Array(9).fill(1), shape: [1, 1, 3, 3], dtype: 'float64' };
    const w: Buf = { values: new Float64Array([2]), shape: [1, 1, 1, 1], dtype: 'float64' };
    const [dx] = Conv2DBackpropInput([dy, w], { ...attrs, inputShape: [1, 1, 6, 6] });
    const expected = new Float64Array(36);
    for (const iy of [0, 2, 4]) for (const ix of [0, 2, 4]) expected[iy * 6 + ix] = 2;
    expect(Array.from(dx.values)).toEqual(Array.from(expected));
  });
});
