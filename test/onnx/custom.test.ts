/**
 * exportOnnx on a custom Module whose forward uses F ops directly (not layers): resize (nearest,
 * bilinear, align corners), reflect/replicate/constant pads, pooling in ceil mode and with uneven
 * adaptive bins, softmax, clamp, where, comparisons, slicing, concatenation, reductions, transpose,
 * 1D convolution; plus the imported copy of the exported file reproduces the module and trains.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { F, nn, noGrad, randn, manualSeed, type Tensor } from '../../src/index.js';
import * as E from '../../src/ops/elementwise.js';
import * as S from '../../src/ops/shape.js';
import * as R from '../../src/ops/reduce.js';
import { exportOnnxBytes } from '../../src/io/onnx/export.js';
import { importOnnxBytes } from '../../src/io/onnx/import.js';

class Custom extends nn.Module {
  conv = new nn.Conv2d(3, 6, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(6);
  conv1d = new nn.Conv1d(6, 4, 3);
  fc = new nn.Linear(4, 5);

  forward(x: Tensor): Tensor {
    let y = F.relu(this.bn.call(this.conv.call(x)));
    const up = F.interpolate(y, { scaleFactor: 2, mode: 'nearest' });
    const bi = F.interpolate(y, { size: [13, 11], mode: 'bilinear' });
    const ac = F.interpolate(y, { size: [9, 9], mode: 'bilinear', alignCorners: true });
    y = E.add(F.maxPool2d(F.pad(up, [1, 1, 1, 1], { mode: 'reflect' }), { kernelSize: 3, stride: 2, ceilMode: true }), F.adaptiveAvgPool2d(bi, [9, 9]));
    y = E.add(y, F.avgPool2d(F.pad(ac, [1, 1, 1, 1], { mode: 'replicate' }), { kernelSize: 3, stride: 1 }));
    y = E.where(E.gt(y, 0.1), F.softmax(y, 1), E.clamp(y, { min: -0.5, max: 0.5 }));
    y = S.cat([S.slice(y, 3, 0, 5), S.slice(y, 3, 4, 9)], 3);
    y = F.adaptiveMaxPool2d(y, [1, 3]);
    const seq = S.reshape(S.transpose(y, 2, 3), [y.shape[0], 6, 3]);
    const z = R.mean(F.tanh(this.conv1d.call(seq)), 2);
    return E.sub(F.logSoftmax(this.fc.call(E.mul(z, E.exp(E.neg(E.abs(z))))), 1), E.sqrt(E.add(E.square(R.amax(z, 1, true)), 1)));
  }
}

describe('exportOnnx on a custom Module of F ops', () => {
  it('runs in onnxruntime within 1e-4 at two batch sizes, and imports back', async () => {
    manualSeed(3);
    const m = new Custom();
    m.train();
    noGrad(() => m.call(randn([4, 3, 8, 8]))); // non-trivial running statistics
    for (const opset of [13, 17, 18]) {
      const bytes = exportOnnxBytes(m, { input: [2, 3, 8, 8], opset });
      const session = await ort.InferenceSession.create(bytes);
      m.eval();
      for (const B of [2, 5]) {
        const x = randn([B, 3, 8, 8]);
        const want = noGrad(() => m.call(x)).dataSync();
        const got = (await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) })).output.data as Float32Array;
        expect(got.length).toBe(want.length);
        got.forEach((v, i) => expect(Math.abs(v - want[i]), `opset ${opset} B ${B} [${i}]`).toBeLessThan(1e-4));
        const back = importOnnxBytes(bytes);
        back.eval();
        const again = noGrad(() => back.call(x)).dataSync();
        again.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
      }
    }
  }, 60_000);
});
