/**
 * Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter: wasm vs reference on odd shapes — strides,
 * dilations, groups incl. depthwise (with channel multiplier), asymmetric and oversized padding,
 * batch 1, 1x1 kernels, im2col rows across the KC block edge — with 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Conv2DAttrs } from '../../src/kernels/specs.js';
import { convPaths } from '../../src/backends/wasm/conv.js';
import { winogradLayout, winogradPlan, winogradTuning } from '../../src/backends/wasm/winograd.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend, SIMD_BUILDS } from './harness.js';

interface Case {
  name: string;
  N: number; C: number; H: number; W: number; K: number; groups: number; kh: number; kw: number;
  stride?: [number, number]; pads?: [number, number, number, number]; dilation?: [number, number];
  /** Large enough that 2 threads must share every kernel. */
  threaded?: boolean;
  /** Winograd tile size forced for this case (default: winogradPlan's choice). */
  tile?: 2 | 4;
}

const CASES: Case[] = [
  { name: 'basic odd', N: 1, C: 3, H: 7, W: 9, K: 4, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { name: 'stride + asymmetric pads', N: 2, C: 5, H: 11, W: 13, K: 7, groups: 1, kh: 3, kw: 2, stride: [2, 1], pads: [0, 1, 2, 0] },
  { name: 'groups 2 + dilation 2', N: 1, C: 4, H: 10, W: 10, K: 6, groups: 2, kh: 3, kw: 3, pads: [2, 2, 2, 2], dilation: [2, 2] },
  { name: 'groups 3, Kg 3', N: 1, C: 6, H: 8, W: 8, K: 9, groups: 3, kh: 3, kw: 3, pads: [1, 0, 0, 1] },
  { name: 'depthwise', N: 2, C: 6, H: 9, W: 8, K: 6, groups: 6, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { name: 'one input channel, 3 filters (direct)', N: 2, C: 1, H: 13, W: 10, K: 3, groups: 1, kh: 3, kw: 4, pads: [0, 1, 2, 1] },
  { name: 'depthwise x2, stride 2, dilation', N: 1, C: 4, H: 12, W: 11, K: 8, groups: 4, kh: 5, kw: 3, stride: [2, 2], pads: [2, 1, 0, 2], dilation: [1, 2] },
  { name: 'one input channel, 6 filters', N: 2, C: 1, H: 28, W: 28, K: 6, groups: 1, kh: 5, kw: 5 },
  { name: '1x1', N: 1, C: 16, H: 20, W: 20, K: 24, groups: 1, kh: 1, kw: 1 },
  { name: '1x1 stride 2', N: 2, C: 12, H: 9, W: 9, K: 10, groups: 1, kh: 1, kw: 1, stride: [2, 2] },
  { name: 'LeNet-like 5x5', N: 1, C: 3, H: 32, W: 32, K: 20, groups: 1, kh: 5, kw: 5 },
  { name: 'padding wider than the kernel', N: 1, C: 2, H: 3, W: 3, K: 3, groups: 1, kh: 3, kw: 3, pads: [3, 3, 3, 3] },
  { name: 'kernel larger than the input', N: 1, C: 2, H: 2, W: 2, K: 3, groups: 1, kh: 4, kw: 4, pads: [2, 1, 1, 2] },
  { name: 'stride leaves rows unread', N: 1, C: 3, H: 10, W: 11, K: 5, groups: 1, kh: 3, kw: 3, stride: [3, 3] },
  { name: 'groups 2, Cg 15', N: 1, C: 30, H: 15, W: 17, K: 16, groups: 2, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { name: 'threaded 3x3', N: 2, C: 32, H: 24, W: 20, K: 40, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded strided, K=576 rows', N: 1, C: 64, H: 18, W: 18, K: 64, groups: 1, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded small image, many filters', N: 2, C: 48, H: 7, W: 7, K: 96, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded: many small images (threads split the batch)', N: 16, C: 8, H: 12, W: 11, K: 16, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded: small images, groups 2', N: 32, C: 8, H: 10, W: 10, K: 12, groups: 2, kh: 3, kw: 3, stride: [2, 1], pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded: one input channel, 10 filters, 5x5', N: 16, C: 1, H: 28, W: 28, K: 10, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'few filters: one channel, 5 filters, 3 x 4 kernel, dilation, pads, rows of 4k+1 outputs', N: 3, C: 1, H: 11, W: 13, K: 5, groups: 1, kh: 3, kw: 4, pads: [1, 0, 2, 1], dilation: [2, 1] },
  { name: 'threaded few filters: groups of one channel and 10 filters, 20 images (partial image group)', N: 20, C: 2, H: 24, W: 24, K: 20, groups: 2, kh: 3, kw: 3, threaded: true },
  { name: 'threaded few filters: 5 images (threads split filter pairs), rows of 4k+2 outputs', N: 5, C: 1, H: 34, W: 30, K: 9, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'threaded: 21 small images (filter gradient in image groups, the last one partial)', N: 21, C: 4, H: 12, W: 12, K: 16, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'dense: kernel covers the input (LeNet C5)', N: 5, C: 16, H: 5, W: 5, K: 120, groups: 1, kh: 5, kw: 5 },
  { name: 'dense: 1x1 input, 1x1 kernel', N: 3, C: 7, H: 1, W: 1, K: 9, groups: 1, kh: 1, kw: 1 },
  { name: 'dense: one row of a linear layer (linear under noGrad)', N: 1, C: 120, H: 1, W: 1, K: 84, groups: 1, kh: 1, kw: 1 },
  { name: 'direct: dilation 2, asymmetric pads', N: 3, C: 5, H: 13, W: 15, K: 6, groups: 1, kh: 3, kw: 3, pads: [2, 1, 0, 2], dilation: [2, 2] },
  { name: 'direct: groups 2, Kg 5, 1 x 4 kernel', N: 2, C: 6, H: 9, W: 17, K: 10, groups: 2, kh: 1, kw: 4, pads: [0, 0, 2, 1] },
  { name: 'direct: pad beyond the dilated kernel (input gradient by im2col)', N: 2, C: 4, H: 12, W: 12, K: 8, groups: 1, kh: 1, kw: 1, pads: [1, 1, 1, 1] },
  { name: 'threaded direct: one image, tiles split', N: 1, C: 16, H: 40, W: 40, K: 32, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded direct: FuaNet conv2 (row tiles, image read in place)', N: 16, C: 10, H: 12, W: 12, K: 20, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'direct, row tiles on padded planes: 5 x 5, pad 2, 16 x 16', N: 3, C: 6, H: 16, W: 16, K: 10, groups: 1, kh: 5, kw: 5, pads: [2, 2, 2, 2] },
  { name: 'direct, row tiles in place: groups 2, dilation 2, two tiles a row', N: 2, C: 8, H: 11, W: 20, K: 14, groups: 2, kh: 3, kw: 3, dilation: [2, 2] },
  { name: 'threaded direct, row and tail tiles stored in place (input gradient: added in place): LeNet-5 conv2 (rows of 10, a last tail tile of 2 rows)', N: 12, C: 6, H: 14, W: 14, K: 16, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'direct, row and tail tiles on padded planes (rows of 10)', N: 2, C: 3, H: 12, W: 10, K: 16, groups: 1, kh: 5, kw: 5, pads: [2, 2, 2, 2] },
  { name: 'direct, LeNet-5 conv1: rows of 28 in padded rows of 32, tails of 4, 6 filters (a last panel of 2)', N: 2, C: 1, H: 28, W: 28, K: 6, groups: 1, kh: 5, kw: 5, pads: [2, 2, 2, 2] },
  { name: 'direct, tails of 4 over 11 rows (a last tail tile of 1 row), 7 filters (a last panel of 3)', N: 3, C: 2, H: 15, W: 16, K: 7, groups: 1, kh: 5, kw: 5 },
  { name: 'direct, tails of 2 over 9 rows (a last tail tile of 1 row), 5 filters (a last panel of 1)', N: 2, C: 3, H: 13, W: 14, K: 5, groups: 1, kh: 5, kw: 5 },
  { name: 'threaded direct, one image: row and tail tiles split (rows of 26)', N: 1, C: 4, H: 30, W: 30, K: 12, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'direct, 300 taps (more than one block): row tiles and a gathered tail of 2', N: 2, C: 12, H: 14, W: 14, K: 8, groups: 1, kh: 5, kw: 5 },
  { name: 'threaded direct, one image: tiles split, the tail a chunk of its own (rows of 33)', N: 1, C: 8, H: 37, W: 37, K: 13, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'row tiles, input gradient: 9-tap panels end on 1 row, 1 x 3 kernel', N: 4, C: 3, H: 6, W: 10, K: 8, groups: 1, kh: 1, kw: 3 },
  { name: 'threaded direct, row tiles: one image, tiles split', N: 1, C: 8, H: 36, W: 36, K: 16, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'threaded direct, row tiles: one image, 69 tiles split, 10 filters (the last panel\'s 2 rows run two tiles at once; a tile left alone)', N: 1, C: 4, H: 27, W: 28, K: 10, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'direct, row tiles: 3 a row (pairs across rows), 5 filters (a last panel of 1 row, tiles paired)', N: 3, C: 2, H: 9, W: 28, K: 5, groups: 1, kh: 3, kw: 5 },
  { name: 'Winograd 3x3: 16 -> 20 channels, odd height', N: 2, C: 16, H: 11, W: 16, K: 20, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { name: 'Winograd 3x3: asymmetric pads, groups 2', N: 1, C: 32, H: 9, W: 16, K: 32, groups: 2, kh: 3, kw: 3, pads: [0, 1, 2, 0] },
  { name: 'Winograd 3x3: valid, odd output width rounds up', N: 3, C: 17, H: 10, W: 17, K: 18, groups: 1, kh: 3, kw: 3 },
  { name: 'threaded Winograd: batch', N: 4, C: 32, H: 16, W: 16, K: 32, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'Winograd, shared planes: 3 images of 5 x 3, groups 2, odd pads', N: 3, C: 32, H: 5, W: 3, K: 32, groups: 2, kh: 3, kw: 3, pads: [1, 0, 2, 1] },
  { name: 'threaded Winograd, shared planes: 32 images of 4 x 4 (one plane, split GEMMs)', N: 32, C: 32, H: 4, W: 4, K: 40, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded Winograd, shared planes: 200 images of 4 x 4 (chunks of planes)', N: 200, C: 16, H: 4, W: 4, K: 16, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded Winograd: 8 images, chunks of whole images', N: 8, C: 16, H: 16, W: 16, K: 16, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded Winograd: groups 4, chunks that miss a group', N: 2, C: 64, H: 16, W: 16, K: 64, groups: 4, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded Winograd: one image, tiles split', N: 1, C: 32, H: 30, W: 32, K: 48, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded dense', N: 64, C: 16, H: 5, W: 5, K: 120, groups: 1, kh: 5, kw: 5, threaded: true },
  { name: 'dense, one image (matrix-vector on prepared panels), 10 filters: a last panel of 2 rows', N: 1, C: 84, H: 1, W: 1, K: 10, groups: 1, kh: 1, kw: 1 },
  { name: 'dense, 3 images, odd reduction length, 7 filters', N: 3, C: 3, H: 5, W: 3, K: 7, groups: 1, kh: 5, kw: 3 },
  { name: 'threaded dense, one image: filter panels split', N: 1, C: 512, H: 1, W: 1, K: 1101, groups: 1, kh: 1, kw: 1, threaded: true },
  { name: 'threaded depthwise', N: 2, C: 32, H: 34, W: 34, K: 32, groups: 32, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true },
  { name: 'stem-like 7x7 stride 2 (vector packing of stride-2 rows, edges scalar)', N: 2, C: 3, H: 40, W: 38, K: 16, groups: 1, kh: 7, kw: 7, stride: [2, 2], pads: [3, 3, 3, 3] },
  { name: 'threaded: stride 2, few output positions, images whole per thread', N: 8, C: 64, H: 8, W: 8, K: 72, groups: 1, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1], threaded: true },
  { name: 'threaded: one image, stride 2, 7x7 output (filters split, im2col B packed once)', N: 1, C: 64, H: 14, W: 14, K: 132, groups: 1, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1], threaded: true },
];
// Every Winograd case again with each tile size forced: F(2x2, 3x3) and F(4x4, 3x3).
for (const c of CASES.filter((c) => c.name.includes('Winograd'))) {
  CASES.push({ ...c, name: `${c.name}, F(2x2) forced`, tile: 2 }, { ...c, name: `${c.name}, F(4x4) forced`, tile: 4 });
}
CASES.push(
  { name: 'Winograd F(4x4): W3-like 56 x 56, 64 channels', N: 1, C: 64, H: 56, W: 56, K: 64, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true, tile: 4 },
  { name: 'Winograd F(4x4): 13 x 10 (partial tiles, rows and columns)', N: 2, C: 16, H: 13, W: 10, K: 24, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], tile: 4 },
  { name: 'Winograd F(4x4): 512 channels, shared 4 x 4 planes (the widest reduction ResNet-18 gives it)', N: 4, C: 512, H: 4, W: 4, K: 512, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true, tile: 4 },
  { name: 'Winograd F(4x4), one tile per image: 40 images of 3 x 3 in 2 planes', N: 40, C: 32, H: 3, W: 3, K: 24, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true, tile: 4 },
  { name: 'Winograd F(4x4), one tile per image: 6 images of 2 x 5, odd pads, groups 2', N: 6, C: 32, H: 2, W: 5, K: 32, groups: 2, kh: 3, kw: 3, pads: [2, 1, 0, 1], tile: 4 },
  { name: 'Winograd F(4x4), two tiles per image: 9 images of 7 x 6, odd pads', N: 9, C: 16, H: 7, W: 6, K: 24, groups: 1, kh: 3, kw: 3, pads: [1, 0, 2, 1], tile: 4 },
  { name: 'Winograd F(4x4), two tiles per image: 36 images of 8 x 8 in 2 planes', N: 36, C: 32, H: 8, W: 8, K: 32, groups: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1], threaded: true, tile: 4 },
);

function attrsOf(c: Case): Conv2DAttrs {
  return { stride: c.stride ?? [1, 1], pads: c.pads ?? [0, 0, 0, 0], dilation: c.dilation ?? [1, 1], groups: c.groups };
}

function outHW(c: Case): [number, number] {
  const a = attrsOf(c);
  const o = (n: number, k: number, p0: number, p1: number, s: number, d: number) => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
  return [o(c.H, c.kh, a.pads[0], a.pads[1], a.stride[0], a.dilation[0]), o(c.W, c.kw, a.pads[2], a.pads[3], a.stride[1], a.dilation[1])];
}

afterAll(closeBackends);

for (const [threads, simd] of [1, 2].flatMap((t) => SIMD_BUILDS.map((b) => [t, b] as const))) {
  describe(`conv parity, ${threads} thread(s), ${simd} SIMD`, () => {
    for (const c of CASES) {
      it(c.name, async () => {
        const be = await wasmBackend(threads, simd);
        winogradTuning.tile = c.tile ?? null;
        const rand = prng(c.N * 1000 + c.C * 100 + c.K + threads);
        const a = attrsOf(c), Cg = c.C / c.groups, Kg = c.K / c.groups;
        const [OH, OW] = outHW(c);
        const x = randBuf(rand, [c.N, c.C, c.H, c.W]);
        const w = randBuf(rand, [c.K, Cg, c.kh, c.kw]);
        const dy = randBuf(rand, [c.N, c.K, OH, OW]);
        const bias = randBuf(rand, [c.K]);
        const fwd = runBoth(be, 'Conv2D', [x, w], a);
        expectClose(fwd, Cg * c.kh * c.kw, `${c.name} Conv2D`);
        expectClose(runBoth(be, 'Conv2D', [x, w, bias], a), Cg * c.kh * c.kw, `${c.name} Conv2D + bias`);
        const withRelu = runBoth(be, 'Conv2D', [x, w, bias], { ...a, activation: 'relu' });
        expectClose(withRelu, Cg * c.kh * c.kw, `${c.name} Conv2D + bias + ReLU`);
        // The reference applies ReLU after the bias: every output is max(conv + bias, 0).
        const plain = runBoth(be, 'Conv2D', [x, w, bias], a).ref[0].values;
        expect(withRelu.ref[0].values.every((v, i) => v === Math.max(plain[i], 0)), `${c.name} reference ReLU`).toBe(true);
        if (OH >= 2 && OW >= 2) {
          // The fused 2x2 pool: in the tiles (stride 1), or after the path's own output (the rest).
          for (const [pool, activation] of [['avg', 'relu'], ['max', undefined]] as const) {
            const pooled = runBoth(be, 'Conv2D', [x, w, bias], { ...a, pool, ...(activation ? { activation } : {}) });
            expectClose(pooled, Cg * c.kh * c.kw, `${c.name} Conv2D + ${activation ?? ''} ${pool} pool`);
          }
        }
        const bi = runBoth(be, 'Conv2DBackpropInput', [dy, w], { ...a, inputShape: [c.N, c.C, c.H, c.W] });
        expectClose(bi, Kg * c.kh * c.kw, `${c.name} Conv2DBackpropInput`);
        const bf = runBoth(be, 'Conv2DBackpropFilter', [x, dy], { ...a, filterShape: [c.K, Cg, c.kh, c.kw] });
        expectClose(bf, c.N * OH * OW, `${c.name} Conv2DBackpropFilter`);
        if (threads > 1 && c.threaded) {
          expect([fwd.threaded, bi.threaded, bf.threaded], 'forward / backprop-input / backprop-filter used the worker').toEqual([true, true, true]);
        }
        winogradTuning.tile = null;
      });
    }
  });
}

describe('Conv2D with a fused 2x2 pool', () => {
  // Small integers: every sum is exact in any order, so the fused kernel must give the reference's bits
  // (the pooling's too: the mean in f64, / 4, rounded once; the first maximum, NaN sticking).
  const ints = (rand: () => number, shape: number[]) => {
    const b = randBuf(rand, shape);
    b.values.forEach((_, i) => { b.values[i] = Math.round(rand() * 6 - 3); });
    return b;
  };
  const cases: (Case & { path: string })[] = [
    { name: 'LeNet-5 conv1: 6 filters (a last panel of 2), padded, 14 x 14 pooled', N: 3, C: 1, H: 28, W: 28, K: 6, groups: 1, kh: 5, kw: 5, pads: [2, 2, 2, 2], path: 'pooledTiles' },
    { name: 'LeNet-5 conv2, threaded: read in place, 5 x 5 pooled (odd: the last column in tiles of 2 rows, the last one of 1)', N: 12, C: 6, H: 14, W: 14, K: 16, groups: 1, kh: 5, kw: 5, threaded: true, path: 'pooledTiles' },
    { name: 'odd output 11 x 9 (the last row and column dropped), 9 filters (a last panel of 1), dilation, groups 2', N: 2, C: 4, H: 15, W: 13, K: 18, groups: 2, kh: 3, kw: 3, dilation: [2, 2], pads: [1, 0, 0, 1], path: 'pooledTiles' },
    { name: '7 pooled rows in tiles of 2 (PW 7), 7 filters (a last panel of 3)', N: 2, C: 3, H: 16, W: 16, K: 7, groups: 1, kh: 3, kw: 3, path: 'pooledTiles' },
    { name: 'threaded, one image: its tiles split, 10 filters (the last panel\'s 2 rows run two tiles at once)', N: 1, C: 8, H: 40, W: 38, K: 10, groups: 1, kh: 5, kw: 5, pads: [2, 2, 2, 2], threaded: true, path: 'pooledTiles' },
    { name: '3 x 9 pooled (an odd count of pair tiles), 5 filters (a last panel of 1 row)', N: 2, C: 3, H: 8, W: 20, K: 5, groups: 1, kh: 3, kw: 3, path: 'pooledTiles' },
    { name: 'output 2 x 3: one window', N: 2, C: 2, H: 4, W: 5, K: 5, groups: 1, kh: 3, kw: 3, path: 'pooledTiles' },
    { name: 'stride 2 (pooled after the im2col output)', N: 2, C: 3, H: 17, W: 15, K: 8, groups: 1, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1], path: 'im2col' },
    { name: 'depthwise (pooled after its output)', N: 2, C: 6, H: 9, W: 10, K: 6, groups: 6, kh: 3, kw: 3, pads: [1, 1, 1, 1], path: 'depthwise' },
  ];
  for (const threads of [1, 2]) {
    for (const c of cases) {
      it(`${threads} thread(s): ${c.name}`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(c.N * 31 + c.K + threads);
        const a = attrsOf(c);
        const x = ints(rand, [c.N, c.C, c.H, c.W]), w = ints(rand, [c.K, c.C / c.groups, c.kh, c.kw]), bias = ints(rand, [c.K]);
        if (c.name.includes('conv1')) x.values[100] = NaN; // a NaN input: its windows are NaN either way
        for (const pool of ['avg', 'max'] as const) {
          for (const relu of [false, true]) {
            const before = convPaths.get(`Conv2D:${c.path}`) ?? 0;
            const r = runBoth(be, 'Conv2D', [x, w, bias], { ...a, pool, ...(relu ? { activation: 'relu' as const } : {}) });
            const label = `${c.name}, ${relu ? 'ReLU, ' : ''}${pool}`;
            expect(r.wasm[0].shape, label).toEqual(r.ref[0].shape);
            expect(Array.from(r.wasm[0].values).map((v) => (Number.isNaN(v) ? 'NaN' : v)), label).toEqual(Array.from(r.ref[0].values).map((v) => (Number.isNaN(v) ? 'NaN' : v)));
            expect(convPaths.get(`Conv2D:${c.path}`) ?? 0, `${label} took the ${c.path} path`).toBeGreaterThan(before);
            if (threads > 1 && c.threaded) expect(r.threaded, `${label} used the worker`).toBe(true);
          }
        }
      });
    }
  }
  it('the reference pools as its pooling kernels do, after the bias and ReLU', async () => {
    const rand = prng(5);
    const x = randBuf(rand, [2, 3, 9, 8]), w = randBuf(rand, [4, 3, 2, 2]), bias = randBuf(rand, [4]);
    const a: Conv2DAttrs = { stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
    const conv = runBoth(await wasmBackend(1), 'Conv2D', [x, w, bias], { ...a, activation: 'relu' }).ref[0];
    const pooled = runBoth(await wasmBackend(1), 'Conv2D', [x, w, bias], { ...a, activation: 'relu', pool: 'avg' }).ref[0];
    expect(pooled.shape).toEqual([2, 4, 4, 3]);
    const at = (n: number, k: number, y: number, xx: number) => conv.values[((n * 4 + k) * 8 + y) * 7 + xx];
    for (const [n, k, py, px] of [[0, 0, 0, 0], [1, 3, 3, 2], [0, 2, 1, 1]]) {
      const mean = (((0 + at(n, k, 2 * py, 2 * px)) + at(n, k, 2 * py, 2 * px + 1)) + at(n, k, 2 * py + 1, 2 * px) + at(n, k, 2 * py + 1, 2 * px + 1)) / 4;
      expect(pooled.values[((n * 4 + k) * 4 + py) * 3 + px]).toBe(Math.fround(mean));
    }
  });
});

describe('filter gradient in image groups', () => {
  it('gives the same bits with 1 and 2 threads (the groups, not the threads, fix the order of the sums)', async () => {
    for (const [N, C, K, k] of [[64, 1, 10, 5], [21, 4, 16, 3], [32, 10, 20, 5]]) {
      const rand = prng(N + C + K);
      const x = randBuf(rand, [N, C, 12, 12]);
      const dy = randBuf(rand, [N, K, 13 - k, 13 - k]);
      const a: Conv2DAttrs & { filterShape: [number, number, number, number] } = { stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, filterShape: [K, C, k, k] };
      const r1 = runBoth(await wasmBackend(1), 'Conv2DBackpropFilter', [x, dy], a);
      const r2 = runBoth(await wasmBackend(2), 'Conv2DBackpropFilter', [x, dy], a);
      expectClose(r2, N * (13 - k) ** 2, `N ${N} C ${C}`);
      expect(r2.threaded, `N ${N} C ${C} K ${K} used the worker`).toBe(true);
      expect(Array.from(r1.wasm[0].values), `N ${N} C ${C} K ${K}: 1 vs 2 threads`).toEqual(Array.from(r2.wasm[0].values));
    }
  });
});

describe('conv paths', () => {
  it('every wasm path (dense GEMM, depthwise, Winograd, direct, im2col; few filters, row tiles) ran for every conv kernel', () => {
    for (const kernel of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) {
      for (const path of ['dense', 'depthwise', 'winograd', 'winograd4', 'direct', 'im2col']) {
        expect(convPaths.get(`${kernel}:${path}`) ?? 0, `${kernel} via ${path}`).toBeGreaterThan(0);
      }
    }
    expect(convPaths.get('Conv2DBackpropFilter:fewFilters') ?? 0, 'filter gradient with few filters').toBeGreaterThan(0);
    expect(convPaths.get('Conv2DBackpropInput:rowTiles') ?? 0, 'input gradient by row tiles').toBeGreaterThan(0);
    expect(convPaths.get('Conv2D:rowTiles') ?? 0, 'forward by row and tail tiles stored in place').toBeGreaterThan(0);
    expect(convPaths.get('Conv2D:pooledTiles') ?? 0, 'forward with a 2x2 pool in its tiles').toBeGreaterThan(0);
  });
});

describe('Winograd plane layout', () => {
  it('narrow images share planes (the shared-plane cases above take that path); wide ones get their own', () => {
    const pad1 = [1, 1, 1, 1] as const;
    expect(winogradLayout(32, 4, 4, pad1)).toMatchObject({ per: 32, planes: 1, slot: 6, TH: 2, TW: 96 });
    expect(winogradLayout(200, 4, 4, pad1)).toMatchObject({ per: 29, planes: 7 });
    expect(winogradLayout(3, 5, 3, [1, 0, 2, 1])).toMatchObject({ per: 3, planes: 1, slot: 6 });
    expect(winogradLayout(16, 56, 56, pad1)).toMatchObject({ per: 1, planes: 16, TW: 28 });
    expect(winogradLayout(32, 8, 8, pad1)).toMatchObject({ per: 1, TW: 4 });
    expect(winogradLayout(1, 4, 4, pad1)).toMatchObject({ per: 1, TW: 4 });
    // F(4x4) on images of 1-2 tiles: each image's tiles read its own columns, no tile wasted.
    expect(winogradLayout(32, 4, 4, pad1, 4)).toMatchObject({ m: 4, per: 32, planes: 1, slot: 6, tpi: 1, outSlot: 4, TH: 1, TW: 32 });
    expect(winogradLayout(40, 3, 3, pad1, 4)).toMatchObject({ per: 20, planes: 2, TW: 20 });
    expect(winogradLayout(32, 8, 8, pad1, 4)).toMatchObject({ per: 16, planes: 2, slot: 10, tpi: 2, outSlot: 8, TH: 2, TW: 32 });
    expect(winogradLayout(1, 4, 4, pad1, 4)).toMatchObject({ per: 1, tpi: 0 });
  });
  it('F(4x4) where its GEMM work is well below F(2x2)\'s and its GEMMs are wide enough', () => {
    const pad1 = [1, 1, 1, 1] as const;
    expect([56, 28, 14, 7].map((n) => winogradPlan(1, n, n, pad1).m)).toEqual([4, 4, 4, 2]);
    expect([32, 16, 8, 4].map((n) => winogradPlan(32, n, n, pad1).m)).toEqual([4, 4, 4, 4]);
  });
});

describe('conv fallbacks', () => {
  it('float64 inputs and empty outputs run the reference kernels', async () => {
    const be = await wasmBackend(1);
    const rand = prng(11);
    const a: Conv2DAttrs = { stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
    const r = runBoth(be, 'Conv2D', [randBuf(rand, [1, 2, 5, 5], 'float64'), randBuf(rand, [3, 2, 3, 3], 'float64')], a, true);
    expectClose(r, 0, 'float64 Conv2D');
    const e = runBoth(be, 'Conv2D', [randBuf(rand, [0, 2, 5, 5]), randBuf(rand, [3, 2, 3, 3])], a, true);
    expectClose(e, 0, 'empty batch Conv2D');
  });
});

describe('direct geometry', () => {
  it('row tiles where rows are whole tiles; a tail only where it saves more than it costs', async () => {
    const { directGeometry } = await import('../../src/backends/wasm/direct.js');
    const none = [0, 0, 0, 0] as const, two = [2, 2, 2, 2] as const;
    expect(directGeometry(10, 20, 12, 12, 5, 5, 1, 1, none)).toMatchObject({ rowTiles: 1, tail: 0, convTiles: 8 });
    expect(directGeometry(6, 16, 14, 14, 5, 5, 1, 1, none)).toMatchObject({ rowTiles: 1, tail: 2, convTiles: 13 });
    // Tails of 2 or 4 cost nothing to gather; a tail of 4 in rows of 28 saves the virtual tiles' 4 wasted columns of 32.
    expect(directGeometry(1, 6, 28, 28, 5, 5, 1, 1, two)).toMatchObject({ rowTiles: 3, tail: 4, convTiles: 98 });
    // A tail of 6 is gathered and packed: rows of 30 in 34 keep virtual tiles.
    expect(directGeometry(1, 6, 30, 30, 5, 5, 1, 1, two)).toMatchObject({ rowTiles: 0, tail: 0 });
    expect(directGeometry(3, 16, 12, 10, 5, 5, 1, 1, two)).toMatchObject({ rowTiles: 1, tail: 2 });
  });
});
