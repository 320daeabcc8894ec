/** exportOnnx: every zoo model (small configurations) runs in onnxruntime-node within 1e-4 of neocog, at two batch sizes. */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { models, noGrad, randn } from '../../src/index.js';
import { exportOnnxBytes } from '../../src/io/onnx/export.js';
import { ZOO_SMALL } from './zoo-configs.js';

describe('exportOnnx on the zoo', () => {
  for (const [name, c] of Object.entries(ZOO_SMALL)) {
    it(`${name} runs in onnxruntime within 1e-4`, async () => {
      const m = models.get(name, c.opts);
      const bytes = exportOnnxBytes(m, { input: c.input });
      const session = await ort.InferenceSession.create(bytes);
      m.eval();
      for (const B of [c.input[0], c.input[0] + 1]) {
        const x = randn([B, ...c.input.slice(1)]);
        const want = noGrad(() => m.call(x)).dataSync();
        const r = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
        const got = r.output.data as Float32Array;
        expect(got.length).toBe(want.length);
        let d = 0;
        for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
        expect(d).toBeLessThan(1e-4);
      }
    }, 60_000);
  }
  it('rejects bad options with clear errors', () => {
    const m = models.get('lenet5', {});
    expect(() => exportOnnxBytes(m, { input: [1, 1, 28, 28], opset: 12 })).toThrow(/opset must be an integer in 13..18/);
    expect(() => exportOnnxBytes(m, { input: 'x' as unknown as number[] })).toThrow(/input must be a shape/);
    expect(() => exportOnnxBytes(m, { input: [1, 1, 28, 28], bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });
  for (const opset of [13, 18]) {
    it(`resnet18 at opset ${opset} runs in onnxruntime`, async () => {
      const m = models.get('resnet18', ZOO_SMALL.resnet18.opts);
      const session = await ort.InferenceSession.create(exportOnnxBytes(m, { input: [2, 3, 64, 64], opset }));
      const x = randn([2, 3, 64, 64]);
      m.eval();
      const want = noGrad(() => m.call(x)).dataSync();
      const got = (await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) })).output.data as Float32Array;
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-4);
    }, 60_000);
  }
});

describe('zoo coverage', () => {
  it('test/onnx/zoo-configs.ts has a small configuration for every registry model', () => {
    expect(models.list().map((e) => e.name).filter((n) => !(n in ZOO_SMALL))).toEqual([]);
  });
});
