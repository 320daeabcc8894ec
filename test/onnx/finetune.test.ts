/**
 * PyTorch-exported ONNX -> fine-tune in neocog: an untrained MNIST classifier exported by torch.onnx
 * (tools/gen_onnx_fixtures.py) trains for one epoch on 1,000 real MNIST digits and its held-out
 * accuracy and loss improve; its BatchNorm running statistics move (train mode) and stay put (eval).
 */
import { describe, expect, it } from 'vitest';
import { fromArray, manualSeed, noGrad, optim } from '../../src/index.js';
import { crossEntropy } from '../../src/ops/loss.js';
import { argmax } from '../../src/ops/reduce.js';
import { embeddedMnist } from '../../src/data/embedded-mnist.js';
import { importOnnx } from '../../src/io/onnx/file.js';

const DIR = new URL('./fixtures/', import.meta.url).pathname;

function batch(ds: ReturnType<typeof embeddedMnist>, start: number, n: number) {
  const px = 28 * 28;
  const x = new Float32Array(n * px);
  for (let i = 0; i < n * px; i++) x[i] = (ds.images[start * px + i] / 255 - 0.1307) / 0.3081;
  return { x: fromArray(x, [n, 1, 28, 28]), y: fromArray(Int32Array.from(ds.labels.subarray(start, start + n)), [n], { dtype: 'int32' }) };
}

describe('fine-tuning an imported PyTorch model', () => {
  it('one epoch on 1,000 MNIST digits improves held-out loss and accuracy', () => {
    manualSeed(0);
    const model = importOnnx(`${DIR}mnist_cnn_op17.onnx`);
    expect(model.namedParameters().map(([k]) => k)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'bn2.weight', 'bn2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(model.namedBuffers().map(([k]) => k)).toEqual(['bn2.running_mean', 'bn2.running_var']);
    const train = embeddedMnist({ train: true }), test = embeddedMnist({ train: false });
    const held = batch(test, 0, 500);
    const score = () => noGrad(() => {
      model.eval();
      const logits = model.call(held.x);
      const acc = (argmax(logits, 1).dataSync() as Int32Array).reduce((a, p, i) => a + (p === held.y.dataSync()[i] ? 1 : 0), 0) / 500;
      return { loss: crossEntropy(logits, held.y).item(), acc };
    });
    const before = score();
    const runningMean = model.namedBuffers()[0][1].dataSync().slice();
    const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    model.train();
    for (let s = 0; s < 1000; s += 50) {
      const { x, y } = batch(train, s, 50);
      opt.zeroGrad();
      crossEntropy(model.call(x), y).backward();
      opt.step();
    }
    const after = score();
    expect(model.namedBuffers()[0][1].dataSync()).not.toEqual(runningMean);
    expect(after.loss).toBeLessThan(before.loss * 0.5);
    expect(after.acc).toBeGreaterThan(before.acc + 0.5);
    console.log(`mnist_cnn fine-tune: held-out loss ${before.loss.toFixed(3)} -> ${after.loss.toFixed(3)}, accuracy ${before.acc} -> ${after.acc}`);
  }, 60_000);
});
