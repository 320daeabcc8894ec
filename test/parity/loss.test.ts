/**
 * NllLoss and NllLossGrad (nllLoss and crossEntropy on plain class targets): the wasm kernels follow the
 * reference's order and roundings bit for bit, both reject a target outside the classes by name, and the
 * fused op equals the composite it replaces (the weighted path with unit weights) in value and gradient.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as nc from '../../src/index.js';
import type { Buf } from '../../src/backends/reference/types.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';

/** [logp shape]: class rows, an unbatched-like single row, segmentation maps. */
const SHAPES = [[64, 10], [1, 7], [5, 3, 4, 4], [2, 4, 1, 9], [3, 2, 5]];

function targets(rand: () => number, shape: number[]): Buf {
  const n = shape[0] * shape.slice(2).reduce((a, b) => a * b, 1);
  return { values: Int32Array.from({ length: n }, () => Math.floor(rand() * shape[1])), shape: [shape[0], ...shape.slice(2)], dtype: 'int32' };
}

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`nll parity, ${threads} thread(s)`, () => {
    it('NllLoss and NllLossGrad, mean and sum, bit-identical', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(11 + threads);
      for (const shape of SHAPES) {
        for (const reduction of ['mean', 'sum'] as const) {
          const t = targets(rand, shape);
          expectClose(runBoth(be, 'NllLoss', [randBuf(rand, shape), t], { reduction }), 0, `NllLoss [${shape}] ${reduction}`);
          for (const dy of [1.7, 0, -3e-39]) {
            const g: Buf = { values: Float32Array.of(dy), shape: [], dtype: 'float32' };
            expectClose(runBoth(be, 'NllLossGrad', [g, t], { reduction, inputShape: shape }), 0, `NllLossGrad [${shape}] ${reduction} dy ${dy}`);
          }
        }
      }
    });

    it('a target outside the classes is an error on both sides', async () => {
      const be = await wasmBackend(threads);
      const logp = randBuf(prng(3), [4, 10]);
      const bad: Buf = { values: Int32Array.of(1, 2, 10, 3), shape: [4], dtype: 'int32' };
      const dy: Buf = { values: Float32Array.of(1), shape: [], dtype: 'float32' };
      const run = (name: 'NllLoss' | 'NllLossGrad', inputs: Buf[], attrs: object) => () =>
        be.runKernel(name, inputs.map((b) => ({ dataId: be.write(b.values.slice(), b.dtype), shape: b.shape, dtype: b.dtype })), attrs as never);
      expect(run('NllLoss', [logp, bad], { reduction: 'mean' })).toThrow('NllLoss: target 10 is outside the 10 classes');
      expect(run('NllLossGrad', [dy, bad], { reduction: 'sum', inputShape: [4, 10] })).toThrow('NllLossGrad: target 10 is outside the 10 classes');
      expect(() => referenceKernels.NllLoss([logp, bad], { reduction: 'mean' })).toThrow('NllLoss: target 10 is outside the 10 classes');
      const short: Buf = { values: Int32Array.of(1, 2), shape: [2], dtype: 'int32' };
      expect(() => referenceKernels.NllLoss([logp, short], { reduction: 'sum' })).toThrow(/2 targets for an input of shape \[4, 10\]/);
    });
  });
}

describe('NllLoss rounds as the composite of reference kernels it replaces', () => {
  it('gather, neg, sum, div (mean: two roundings) and scatter-add of -dy / count into zeros, on 400 random cases', () => {
    const K = referenceKernels, rand = prng(77);
    for (let k = 0; k < 400; k++) {
      const shape = [1 + Math.floor(rand() * 40), 2 + Math.floor(rand() * 9)], [N, C] = shape;
      const logp = randBuf(rand, shape), t = targets(rand, shape);
      const index: Buf = { ...t, shape: [N, 1] };
      const count: Buf = { values: Float32Array.of(N), shape: [], dtype: 'float32' };
      const [picked] = K.GatherElements([logp, index], { axis: 1 });
      const [total] = K.Sum([K.Neg([picked], {})[0]], { axes: [0, 1] });
      const [mean] = K.Div([total, count], {});
      const dy: Buf = { values: Float32Array.of(rand() * 4 - 2), shape: [], dtype: 'float32' };
      const [g] = K.Neg([K.BroadcastTo([K.Div([dy, count], {})[0]], { shape: [N, 1] })[0]], {});
      const [grad] = K.ScatterAddElements([g, index], { axis: 1, shape });
      expect(K.NllLoss([logp, t], { reduction: 'mean' })[0].values[0], `case ${k} mean`).toBe(mean.values[0]);
      expect(K.NllLoss([logp, t], { reduction: 'sum' })[0].values[0], `case ${k} sum`).toBe(total.values[0]);
      expect(sameBits(K.NllLossGrad([dy, t], { reduction: 'mean', inputShape: shape })[0].values, grad.values), `case ${k} gradient`).toBe(true);
    }
  });
});

const sameBits = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

describe('the fused nllLoss equals the composite it replaces', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    it(`${backend}: value and gradient, crossEntropy and nllLoss, mean and sum`, async () => {
      const before = nc.getBackend().name;
      nc.setBackend(backend);
      try {
        nc.manualSeed(5);
        for (const shape of [[64, 10], [3, 4, 5, 5], [6]]) {
          const C = shape.length === 1 ? shape[0] : shape[1];
          const tShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
          const target = nc.randint(0, C, tShape);
          for (const reduction of ['mean', 'sum'] as const) {
            for (const loss of ['crossEntropy', 'nllLoss'] as const) {
              const run = (weight: nc.Tensor | null) => {
                const x = nc.randn(shape, { generator: new nc.Generator().manualSeed(9), requiresGrad: true });
                const out = nc.F[loss](x, target, { reduction, weight });
                out.backward();
                return [out.dataSync(), x.grad!.dataSync()];
              };
              const [fused, fusedGrad] = run(null);
              const [composite, compositeGrad] = run(nc.ones([C]));
              const label = `${loss} [${shape}] ${reduction}`;
              expect(sameBits(fused, composite), `${label} value ${fused} vs ${composite}`).toBe(true);
              expect(sameBits(fusedGrad, compositeGrad), `${label} gradient`).toBe(true);
            }
          }
        }
      } finally {
        nc.setBackend(before);
      }
    });
  }
});
