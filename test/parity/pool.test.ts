/**
 * MaxPool2D, AvgPool2D, AvgPool2DGrad, ScatterPlane and the adaptive pools: the wasm kernels repeat the
 * reference arithmetic (f64 window sums, same order, same divisor and argmax rules), so they must match
 * it bit for bit — including NaN propagation and ties — with 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AvgPool2DAttrs, Pool2DAttrs } from '../../src/kernels/specs.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

interface PoolCase {
  shape: [number, number, number, number];
  kernel: [number, number]; stride: [number, number]; pad: [number, number]; dilation?: [number, number];
  ceil?: boolean;
}

const CASES: PoolCase[] = [
  { shape: [1, 1, 4, 4], kernel: [2, 2], stride: [2, 2], pad: [0, 0] },
  { shape: [2, 3, 9, 13], kernel: [2, 2], stride: [2, 2], pad: [0, 0] },
  { shape: [1, 2, 9, 13], kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: true },
  { shape: [1, 2, 8, 8], kernel: [2, 2], stride: [2, 2], pad: [0, 0], dilation: [2, 2] },
  { shape: [2, 3, 7, 9], kernel: [3, 3], stride: [2, 2], pad: [1, 1], ceil: true },
  { shape: [1, 2, 8, 11], kernel: [3, 2], stride: [1, 3], pad: [1, 0] },
  { shape: [2, 2, 9, 9], kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [2, 2] },
  { shape: [1, 4, 5, 6], kernel: [5, 6], stride: [1, 1], pad: [2, 3] },
  { shape: [8, 16, 56, 56], kernel: [3, 3], stride: [2, 2], pad: [1, 1], ceil: true },
  // Rows wide enough for the 4-output SIMD path of max pooling, stride 1 and 2 along the row.
  { shape: [2, 3, 12, 21], kernel: [3, 3], stride: [1, 1], pad: [1, 1] },
  { shape: [1, 3, 10, 30], kernel: [2, 3], stride: [2, 2], pad: [0, 1] },
  // LeNet-sized 2x2 pools: planes stream through several windows on one thread.
  { shape: [5, 16, 24, 24], kernel: [2, 2], stride: [2, 2], pad: [0, 0] },
  { shape: [3, 7, 27, 29], kernel: [2, 2], stride: [2, 2], pad: [0, 0] },
];

function geometry(c: PoolCase): Pool2DAttrs {
  const dilation = c.dilation ?? [1, 1];
  const out = (n: number, i: 0 | 1) => {
    const span = n + 2 * c.pad[i] - dilation[i] * (c.kernel[i] - 1) - 1;
    let o = (c.ceil ? Math.ceil(span / c.stride[i]) : Math.floor(span / c.stride[i])) + 1;
    if (c.ceil && (o - 1) * c.stride[i] >= n + c.pad[i]) o--;
    return o;
  };
  return { kernel: c.kernel, stride: c.stride, pad: c.pad, dilation, outSize: [out(c.shape[2], 0), out(c.shape[3], 1)] };
}

/** [input shape, adaptive output size]: global pooling (planes in fours and a remainder), overlapping
 * windows (sizes that do not divide), adaptive upsampling, identity, and one case big enough for threads. */
const ADAPTIVE: [[number, number, number, number], [number, number]][] = [
  [[2, 3, 7, 7], [1, 1]], [[4, 8, 4, 4], [1, 1]], [[3, 5, 7, 9], [1, 1]], [[1, 1, 1, 1], [1, 1]], [[1, 2, 1, 3], [1, 1]],
  [[2, 3, 10, 13], [3, 4]], [[1, 2, 5, 5], [7, 7]], [[2, 2, 14, 14], [7, 7]], [[1, 3, 6, 8], [6, 8]], [[2, 2, 9, 9], [1, 3]],
  [[16, 128, 16, 16], [1, 1]],
];
const isBig = (shape: number[]) => shape[1] === 128;
/** Worker threads run only the exports that runtime.ts registers; the others must stay on one thread. */

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`pooling parity, ${threads} thread(s)`, () => {
    it('MaxPool2D (values, indices, NaN and ties)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(5);
      for (const c of CASES) {
        const x = randBuf(rand, c.shape);
        const v = x.values;
        for (let i = 0; i < v.length; i++) if (i % 7 < 3) v[i] = Math.round(v[i] * 2) / 2; // ties
        v[3] = NaN;
        if (v.length > 60) { v[50] = NaN; v[51] = NaN; v[60] = -Infinity; v[61] = -Infinity; }
        if (v.length > 40) v[40] = -Infinity;
        const r = runBoth(be, 'MaxPool2D', [x], geometry(c));
        expectClose(r, 0, `MaxPool2D ${c.shape}`);
        if (threads > 1 && c.shape[0] === 8) expect(r.threaded, 'the largest case used the worker').toBe(true);
      }
    });

    it('AvgPool2D and AvgPool2DGrad (countIncludePad, divisorOverride)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(6);
      for (const c of CASES) {
        if (c.dilation) continue;
        for (const [countIncludePad, divisorOverride] of [[true, null], [false, null], [false, 3], [true, 8]] as const) {
          const a: AvgPool2DAttrs = { ...geometry(c), countIncludePad, divisorOverride };
          const x = randBuf(rand, c.shape);
          const W = c.shape[3];
          for (const i of [0, 1, W, W + 1]) x.values[i] = -0; // an all -0 window: the sum starts at +0
          expectClose(runBoth(be, 'AvgPool2D', [x], a), 0, `AvgPool2D ${c.shape}`);
          const dy = randBuf(rand, [c.shape[0], c.shape[1], ...a.outSize]);
          dy.values.set([-0, 1e-45, -1e-45, NaN, Infinity].slice(0, dy.values.length)); // 0 + -0 is +0; dy / 4 of a denormal rounds to a signed 0
          expectClose(runBoth(be, 'AvgPool2DGrad', [dy], { ...a, inputShape: c.shape }), 0, `AvgPool2DGrad ${c.shape}`);
        }
      }
    });

    it('AdaptiveAvgPool2D and AdaptiveAvgPool2DGrad (-0 sums, NaN, infinities)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(10 + threads);
      for (const [shape, outSize] of ADAPTIVE) {
        const x = randBuf(rand, shape);
        const plane = shape[2] * shape[3];
        x.values.fill(-0, 0, plane); // an all -0 plane: the f64 sum starts at +0
        if (x.values.length > 3 * plane) x.values.set([NaN, Infinity, -Infinity], 2 * plane + 1);
        const r = runBoth(be, 'AdaptiveAvgPool2D', [x], { outSize });
        expectClose(r, 0, `AdaptiveAvgPool2D ${shape} -> ${outSize}`);
        if (threads > 1 && isBig(shape)) expect(r.threaded, 'split across threads').toBe(true);
        const dy = randBuf(rand, [shape[0], shape[1], ...outSize]);
        dy.values.set([-0, 1e-45, -1e-45, NaN, Infinity].slice(0, dy.values.length)); // +0 + -0 is +0; a denormal / n rounds to a signed 0
        const g = runBoth(be, 'AdaptiveAvgPool2DGrad', [dy], { inputShape: shape });
        expectClose(g, 0, `AdaptiveAvgPool2DGrad ${shape} -> ${outSize}`);
        if (threads > 1 && isBig(shape)) expect(g.threaded, 'split across threads').toBe(true);
      }
    });

    it('AdaptiveMaxPool2D (values, indices, NaN and ties)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(12 + threads);
      for (const [shape, outSize] of ADAPTIVE) {
        const x = randBuf(rand, shape);
        const v = x.values;
        for (let i = 0; i < v.length; i++) if (i % 5 < 3) v[i] = Math.round(v[i] * 2) / 2; // ties, -0 and +0
        v[0] = NaN;
        if (v.length > 20) { v[11] = NaN; v[12] = NaN; v[17] = -Infinity; }
        const r = runBoth(be, 'AdaptiveMaxPool2D', [x], { outSize });
        expectClose(r, 0, `AdaptiveMaxPool2D ${shape} -> ${outSize}`);
        if (threads > 1 && isBig(shape)) expect(r.threaded, 'split across threads').toBe(true);
      }
    });

    it('ScatterPlane (max-pool gradient: repeated indices accumulate)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(8);
      for (const c of CASES) {
        const x = randBuf(rand, c.shape);
        const pool = runBoth(be, 'MaxPool2D', [x], geometry(c));
        const idx = pool.ref[1];
        const src = randBuf(rand, idx.shape);
        expectClose(runBoth(be, 'ScatterPlane', [src, idx], { planeShape: [c.shape[2], c.shape[3]] }), 0, `ScatterPlane ${c.shape}`);
      }
    });

    it('ScatterPlane on planes that 2x2 windows tile (one dense pass; other indices fall back per plane)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(10);
      const tiled: PoolCase[] = [
        { shape: [2, 3, 6, 10], kernel: [2, 2], stride: [2, 2], pad: [0, 0] }, // 4 windows a row and one more
        { shape: [4, 10, 24, 24], kernel: [2, 2], stride: [2, 2], pad: [0, 0] },
        // Same output size as 2x2 windows, other windows: every plane takes the general scatter.
        { shape: [2, 3, 24, 24], kernel: [3, 3], stride: [2, 2], pad: [1, 1] },
      ];
      for (const c of tiled) {
        const pool = runBoth(be, 'MaxPool2D', [randBuf(rand, c.shape)], geometry(c));
        const idx = pool.ref[1];
        const src = randBuf(rand, idx.shape);
        const v = src.values as Float32Array;
        v[0] = -0; v[5] = NaN; v[6] = -Infinity;
        expectClose(runBoth(be, 'ScatterPlane', [src, idx], { planeShape: [c.shape[2], c.shape[3]] }), 0, `ScatterPlane ${c.shape}`);
      }
      // One plane of several with an index outside its window (but in the plane): only that plane is scattered.
      const src = randBuf(rand, [1, 3, 2, 4]);
      const idx = { values: new Int32Array(24), shape: [1, 3, 2, 4], dtype: 'int32' as const };
      for (let p = 0; p < 3; p++) for (let oh = 0; oh < 2; oh++) for (let ow = 0; ow < 4; ow++) idx.values[p * 8 + oh * 4 + ow] = 2 * oh * 8 + 2 * ow + ((p + ow) % 4 === 0 ? 9 : 1);
      idx.values[8 + 5] = 0; // plane 1 adds two values at 0
      expectClose(runBoth(be, 'ScatterPlane', [src, idx], { planeShape: [4, 8] }), 0, 'ScatterPlane, one plane off its windows');
    });
  });
}

describe('pooling fallbacks and errors', () => {
  it.each([1, 2])('float64 runs the reference kernels; bad indices and dilated avg-pool raise the reference errors (%i thread(s))', async (threads) => {
    const be = await wasmBackend(threads);
    const rand = prng(9);
    const g = geometry(CASES[1]);
    expectClose(runBoth(be, 'MaxPool2D', [randBuf(rand, CASES[1].shape, 'float64')], g, true), 0, 'float64 MaxPool2D');
    const src = randBuf(rand, [1, 1, 2, 2]);
    const idx = { values: Int32Array.from([0, 1, 99, 2]), shape: [1, 1, 2, 2], dtype: 'int32' as const };
    const info = [src, idx].map((b) => ({ dataId: be.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype }));
    expect(() => be.runKernel('ScatterPlane', info, { planeShape: [3, 3] })).toThrow('ScatterPlane: index 99 is outside the 3x3 plane');
    expect(() => be.runKernel('ScatterPlane', info, { planeShape: [4, 4] })).toThrow('ScatterPlane: index 99 is outside the 4x4 plane');
    const x = { dataId: be.write(randBuf(rand, [1, 1, 5, 5]).values, 'float32'), shape: [1, 1, 5, 5], dtype: 'float32' as const };
    expect(() => be.runKernel('AvgPool2D', [x], { ...geometry(CASES[3]), countIncludePad: true, divisorOverride: null })).toThrow(/dilation/);
    const x64 = randBuf(rand, [2, 3, 5, 5], 'float64');
    expectClose(runBoth(be, 'AdaptiveAvgPool2D', [x64], { outSize: [2, 2] }, true), 0, 'float64 AdaptiveAvgPool2D');
    expectClose(runBoth(be, 'AdaptiveMaxPool2D', [x64], { outSize: [1, 1] }, true), 0, 'float64 AdaptiveMaxPool2D');
    expectClose(runBoth(be, 'AdaptiveAvgPool2DGrad', [randBuf(rand, [2, 3, 2, 2], 'float64')], { inputShape: [2, 3, 5, 5] }, true), 0, 'float64 AdaptiveAvgPool2DGrad');
  });
});
