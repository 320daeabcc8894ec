/**
 * Resize2D and Resize2DGrad: the wasm kernels read the reference's tap tables and repeat its f64
 * arithmetic in its order (the gradient's scatter included), so they must match it bit for bit —
 * infinities times zero weights and NaN included — with 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Resize2DAttrs, ResizeMode } from '../../src/kernels/specs.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

type Shape = [number, number, number, number];

/** Attributes as ops/resize.ts builds them: from an output size, or from scale factors (scales = 1/f). */
function attrs(mode: ResizeMode, shape: Shape, to: { size: [number, number] } | { factor: [number, number] }, alignCorners = false): Resize2DAttrs {
  const [H, W] = [shape[2], shape[3]];
  if ('size' in to) return { mode, outSize: to.size, alignCorners, scales: [H / to.size[0], W / to.size[1]] };
  const [fh, fw] = to.factor;
  return { mode, outSize: [Math.floor(H * fh), Math.floor(W * fw)], alignCorners, scales: [1 / fh, 1 / fw] };
}

const CASES: [Shape, { size: [number, number] } | { factor: [number, number] }][] = [
  [[2, 3, 8, 8], { factor: [2, 2] }], // U-Net's 2x upsampling
  [[1, 2, 7, 9], { factor: [2, 2] }],
  [[2, 2, 9, 11], { factor: [0.5, 0.5] }],
  [[1, 3, 5, 6], { factor: [1.7, 2.3] }],
  [[2, 2, 6, 7], { size: [13, 4] }],
  [[1, 2, 5, 5], { size: [5, 5] }], // equal sizes: a copy (infinities included)
  [[1, 1, 1, 1], { size: [3, 4] }],
  [[1, 2, 4, 6], { size: [1, 1] }],
  [[3, 2, 1, 10], { size: [1, 25] }], // 'linear' on [N, C, L] runs as height 1
  [[2, 3, 17, 19], { factor: [3, 3] }],
];
const BIG: Shape = [2, 8, 64, 64];

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`resize parity, ${threads} thread(s)`, () => {
    for (const [mode, alignCorners] of [['nearest', false], ['bilinear', false], ['bilinear', true]] as const) {
      it(`Resize2D and Resize2DGrad, ${mode}${alignCorners ? ', align corners' : ''}`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(threads * 7 + mode.length + (alignCorners ? 1 : 0));
        for (const [shape, to] of CASES) {
          const a = attrs(mode, shape, to, alignCorners);
          const x = randBuf(rand, shape);
          x.values.set([NaN, Infinity, -Infinity, -0].slice(0, x.values.length), Math.floor(x.values.length / 2));
          expectClose(runBoth(be, 'Resize2D', [x], a), 0, `Resize2D ${shape} -> ${a.outSize}`);
          const dy = randBuf(rand, [shape[0], shape[1], ...a.outSize]);
          dy.values.set([-0, 1e-45, NaN, Infinity].slice(0, dy.values.length));
          expectClose(runBoth(be, 'Resize2DGrad', [dy], { ...a, inputShape: shape }), 0, `Resize2DGrad ${shape} -> ${a.outSize}`);
        }
      });
    }

    it('2x bilinear on planes that stream through several windows, or split across threads', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(40 + threads);
      const a = attrs('bilinear', BIG, { factor: [2, 2] });
      const r = runBoth(be, 'Resize2D', [randBuf(rand, BIG)], a);
      expectClose(r, 0, `Resize2D ${BIG} x2`);
      const g = runBoth(be, 'Resize2DGrad', [randBuf(rand, [BIG[0], BIG[1], ...a.outSize])], { ...a, inputShape: BIG });
      expectClose(g, 0, `Resize2DGrad ${BIG} x2`);
      if (threads > 1) {
        expect(r.threaded, 'split across threads').toBe(true);
        expect(g.threaded, 'split across threads').toBe(true);
      }
    });
  });
}

describe('resize fallbacks', () => {
  it.each([1, 2])('float64 runs the reference kernels (%i thread(s))', async (threads) => {
    const be = await wasmBackend(threads);
    const rand = prng(60 + threads);
    const shape: Shape = [1, 2, 4, 4];
    const a = attrs('bilinear', shape, { factor: [2, 2] });
    expectClose(runBoth(be, 'Resize2D', [randBuf(rand, shape, 'float64')], a, true), 0, 'float64 Resize2D');
    expectClose(runBoth(be, 'Resize2DGrad', [randBuf(rand, [1, 2, 8, 8], 'float64')], { ...a, inputShape: shape }, true), 0, 'float64 Resize2DGrad');
  });
});
