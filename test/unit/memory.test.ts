import { expect, test } from 'vitest';
import * as nc from '../../src/index.js';

/** A tiny conv net step: conv -> relu -> maxpool -> linear -> cross-entropy, then a manual SGD update. */
function makeNet() {
  nc.manualSeed(0);
  const params = {
    w1: nc.mul(nc.randn([4, 1, 3, 3]), 0.3).requiresGrad_(),
    b1: nc.zeros([4], { requiresGrad: true }),
    w2: nc.mul(nc.randn([3, 36]), 0.1).requiresGrad_(),
    b2: nc.zeros([3], { requiresGrad: true }),
  };
  const x = nc.randn([2, 1, 8, 8]);
  const y = nc.tensor([0, 2], undefined, { dtype: 'int32' });
  const step = () => {
    const h = nc.F.maxPool2d(nc.F.relu(nc.F.conv2d(x, params.w1, params.b1)), { kernelSize: 2 }) as nc.Tensor;
    const loss = nc.F.crossEntropy(nc.F.linear(h.flatten(1), params.w2, params.b2), y);
    loss.backward();
    nc.noGrad(() => {
      for (const p of Object.values(params)) {
        p.assign(nc.sub(p, nc.mul(p.grad!, 0.01)));
        p.grad = null;
      }
    });
    return loss;
  };
  return step;
}

const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 0));
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 0));
};

test('10,000 steps inside tidy hold backend storage steady', async () => {
  const step = makeNet();
  nc.tidy(() => { step(); });
  // Dropped gradients (p.grad = null) are kept out of tidy on purpose and freed by the GC; settle first.
  await settle();
  const first = nc.memory().numBuffers;
  for (let i = 0; i < 10_000; i++) nc.tidy(() => { step(); });
  await settle();
  expect(nc.memory().numBuffers).toBe(first);
});

test('10,000 steps without tidy: FinalizationRegistry keeps storage and heap bounded', async () => {
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe('function');
  const step = makeNet();
  const buffers: number[] = [];
  const heaps: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    step();
    if ((i + 1) % 2000 === 0) {
      await settle();
      buffers.push(nc.memory().numBuffers);
      heaps.push(process.memoryUsage().heapUsed);
    }
  }
  // Bounded: the last checkpoints are not growing relative to the first one.
  expect(Math.max(...buffers)).toBeLessThan(buffers[0] + 500);
  expect(Math.max(...heaps)).toBeLessThan(heaps[0] + 32 * 1024 * 1024);
});
