import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';

describe('autograd', () => {
  test('simple chain and accumulation', () => {
    const x = nc.tensor([1, 2, 3], undefined, { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 7, 9]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });
  test('shared weights receive summed gradients', () => {
    const w = nc.tensor([2], undefined, { requiresGrad: true });
    const y = w.mul(3).add(w.mul(4)).add(w.mul(w));
    y.sum().backward();
    expect(w.grad!.item()).toBe(3 + 4 + 2 * 2);
  });
  test('non-leaf grads only when retained', () => {
    const x = nc.tensor([1, 2], undefined, { requiresGrad: true });
    const h = x.mul(2).retainGrad();
    const k = x.mul(5);
    h.add(k).sum().backward();
    expect(h.grad!.toArray()).toEqual([1, 1]);
    expect(k.grad).toBeNull();
  });
  test('noGrad and detach stop the tape', () => {
    const x = nc.ones([2], { requiresGrad: true });
    const y = nc.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    const z = x.detach().mul(2);
    expect(z.requiresGrad).toBe(false);
    expect(() => z.sum().backward()).toThrow(/does not require grad/);
  });
  test('backward needs a gradient for non-scalars', () => {
    const x = nc.ones([2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/only for one-element outputs/);
    x.mul(2).backward(nc.tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
    expect(() => x.mul(2).backward(nc.ones([3]))).toThrow('backward: grad shape [3] does not match output shape [2]');
  });
  test('deep graphs do not overflow the stack', () => {
    const x = nc.ones([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
  test("relu's gradient follows PyTorch's threshold_backward: 0 where the output is <= 0, dy elsewhere (NaN too)", () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = nc.tensor([-1, 0, -0, 2, NaN], [5], { dtype, requiresGrad: true });
      nc.relu(x).backward(nc.tensor([Infinity, NaN, 5, 3, 7], [5], { dtype }));
      expect(x.grad!.toArray()).toEqual([0, 0, 0, 3, 7]);
    }
  });
  test('only floats can require grad', () => {
    expect(() => nc.arange(3).requiresGrad_()).toThrow(/only floating-point tensors/);
  });
  test('tidy disposes intermediates but keeps results and gradients', () => {
    const w = nc.randn([4, 4], { requiresGrad: true });
    const before = nc.memory().numBuffers;
    const out = nc.tidy(() => {
      const y = nc.relu(w.matmul(w)).sum();
      y.backward();
      return y;
    });
    expect(out.isDisposed).toBe(false);
    expect(w.grad!.isDisposed).toBe(false);
    expect(nc.memory().numBuffers - before).toBeLessThanOrEqual(2);
    expect(() => nc.tidy(() => Promise.resolve(1) as unknown as number)).toThrow(/synchronous/);
  });
  test('disposed tensors explain themselves', () => {
    const t = nc.ones([2]);
    t.dispose();
    expect(() => t.dataSync()).toThrow('tensor [2] was disposed and can no longer be used');
    expect(() => t.add(1)).toThrow(/disposed/);
  });
});
