/**
 * PyTorch -> ONNX -> neocog -> ONNX round trips on torchvision models (fixtures from
 * tools/gen_onnx_fixtures.py): imported logits equal PyTorch's, re-exported files agree in
 * onnxruntime-node, and the imported ResNet-18's gradients equal PyTorch's on one batch.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { fromArray, noGrad } from '../../src/index.js';
import { crossEntropy } from '../../src/ops/loss.js';
import { exportOnnx, importOnnx } from '../../src/io/onnx/file.js';

const DIR = new URL('./fixtures/', import.meta.url).pathname;
const MODELS = ['resnet18', 'mobilenet_v2', 'densenet121', 'googlenet', 'vgg11_bn', 'alexnet', 'unet'].flatMap((m) => [`${m}_op13`, `${m}_op17`]);

interface Fixture { input_shape: number[]; input: number[]; logits_shape: number[]; logits: number[]; target?: number[]; loss?: number; grads?: Record<string, number[]> }
const fixture = (name: string): Fixture => JSON.parse(readFileSync(`${DIR}${name.replace(/_op\d+$/, '')}.json`, 'utf8'));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('ONNX round trips with PyTorch', () => {
  for (const name of MODELS) {
    it(`${name}: imported logits match PyTorch, re-export matches in onnxruntime`, async () => {
      const f = fixture(name);
      const model = importOnnx(`${DIR}${name}.onnx`);
      model.eval();
      const x = fromArray(Float32Array.from(f.input), f.input_shape);
      const y = noGrad(() => model.call(x));
      expect(y.shape).toEqual(f.logits_shape);
      expect(maxDiff(y.dataSync(), f.logits)).toBeLessThan(1e-4);

      const bytes = exportOnnx(model, { input: f.input_shape, opset: Number(name.slice(-2)) }); // back out at the same opset
      const session = await ort.InferenceSession.create(bytes);
      const r = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
      expect(maxDiff(r.output.data as Float32Array, y.dataSync())).toBeLessThan(1e-4);
    }, 60_000);
  }

  it('resnet18: gradients of the imported model match PyTorch on one batch', () => {
    const f = fixture('resnet18');
    const model = importOnnx(`${DIR}resnet18_op17.onnx`);
    model.eval();
    const x = fromArray(Float32Array.from(f.input), f.input_shape);
    const loss = crossEntropy(model.call(x), fromArray(Int32Array.from(f.target!), [f.target!.length], { dtype: 'int32' }));
    expect(Math.abs(loss.item() - f.loss!)).toBeLessThan(1e-5);
    loss.backward();
    const params = Object.fromEntries(model.namedParameters());
    const bad: string[] = [];
    for (const [k, g] of Object.entries(f.grads!)) {
      // torch.onnx keeps the state-dict names of every parameter it does not fold.
      const p = params[k];
      expect(p, `parameter ${k}`).toBeDefined();
      const scale = Math.max(1e-3, ...g.map(Math.abs));
      const d = maxDiff(p.grad!.dataSync(), g);
      if (d >= 1e-3 * scale) bad.push(`${k} ${d.toExponential(2)} (max |g| ${scale.toExponential(2)})`);
    }
    console.log(bad.join('\n'));
    expect(bad).toEqual([]);

  }, 60_000);
});
