/**
 * Prepared convolution weights (Winograd-transformed, GEMM-packed) stay in wasm memory across calls,
 * keyed by the weights' storage: prepared once, never stale when that storage is released and its
 * array reused for other values.
 */
import { afterAll, expect, test } from 'vitest';
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { ReferenceBackend } from '../../src/backends/reference/index.js';
import type { TensorInfo } from '../../src/backends/backend.js';
import type { Conv2DAttrs } from '../../src/kernels/specs.js';
import { prng, randBuf } from './harness.js';

const backends: WasmBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));
const ref = new ReferenceBackend();

const resident = (be: WasmBackend) => (be as unknown as { rt: { residentBytes: number } }).rt.residentBytes;
const attrs = (pad: number, stride: number): Conv2DAttrs => ({ stride: [stride, stride], pads: [pad, pad, pad, pad], dilation: [1, 1], groups: 1 });

function close(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(b[i]))) return false;
  return a.length === b.length;
}

for (const [name, a, x, w] of [
  ['winograd (3x3 stride 1)', attrs(1, 1), [1, 16, 12, 12], [16, 16, 3, 3]],
  ['im2col (3x3 stride 2)', attrs(1, 2), [1, 8, 12, 12], [16, 8, 3, 3]],
  // A kernel covering the input, batch >= 4: the weights as packed GEMM B blocks.
  ['dense (5x5 on 5x5, 6 images)', attrs(0, 1), [6, 16, 5, 5], [24, 16, 5, 5]],
] as const) {
  test(`${name}: weights are prepared once and re-prepared when their storage is reused`, () => {
    const be = new WasmBackend({ threads: 1 });
    backends.push(be);
    const xb = randBuf(prng(1), [...x]);
    const xi: TensorInfo = { dataId: be.write(xb.values, 'float32'), shape: [...x], dtype: 'float32' };
    const expected = (wv: Float32Array) => ref.readSync(ref.runKernel('Conv2D', [
      { dataId: ref.write(xb.values, 'float32'), shape: [...x], dtype: 'float32' },
      { dataId: ref.write(wv, 'float32'), shape: [...w], dtype: 'float32' }], a)[0].dataId);
    // Weights produced by a wasm kernel come from the output-array pool, so a released one is reused.
    const weights = (seed: number) => {
      const src = { dataId: be.write(randBuf(prng(seed), [...w]).values, 'float32'), shape: [...w], dtype: 'float32' } as TensorInfo;
      return be.runKernel('Mul', [src, { dataId: be.write(new Float32Array([1]), 'float32'), shape: [1], dtype: 'float32' }], {})[0];
    };
    const w1 = weights(2);
    const y1 = be.readSync(be.runKernel('Conv2D', [xi, w1], a)[0].dataId);
    const bytes = resident(be);
    expect(bytes).toBeGreaterThan(0);
    const again = be.readSync(be.runKernel('Conv2D', [xi, w1], a)[0].dataId);
    expect(resident(be)).toBe(bytes);
    expect(again).toEqual(y1);
    expect(close(y1, expected(be.readSync(w1.dataId) as Float32Array))).toBe(true);
    const array1 = be.readSync(w1.dataId);
    be.release(w1.dataId);
    expect(resident(be)).toBe(0);
    const w2 = weights(3);
    expect(be.readSync(w2.dataId)).toBe(array1); // the same array, new values
    const y2 = be.readSync(be.runKernel('Conv2D', [xi, w2], a)[0].dataId);
    expect(close(y2, expected(be.readSync(w2.dataId) as Float32Array))).toBe(true);
    expect(close(y2, y1)).toBe(false);
  });
}

test('winograd input gradient: the transposed filters are prepared once and re-prepared when the storage is reused', () => {
  const be = new WasmBackend({ threads: 1 });
  backends.push(be);
  const a = { ...attrs(1, 1), inputShape: [2, 16, 12, 12] as [number, number, number, number] };
  const dyb = randBuf(prng(4), [2, 16, 12, 12]);
  const dyi: TensorInfo = { dataId: be.write(dyb.values, 'float32'), shape: [2, 16, 12, 12], dtype: 'float32' };
  const expected = (wv: Float32Array) => ref.readSync(ref.runKernel('Conv2DBackpropInput', [
    { dataId: ref.write(dyb.values, 'float32'), shape: [2, 16, 12, 12], dtype: 'float32' },
    { dataId: ref.write(wv, 'float32'), shape: [16, 16, 3, 3], dtype: 'float32' }], a)[0].dataId);
  const weights = (seed: number) => {
    const src = { dataId: be.write(randBuf(prng(seed), [16, 16, 3, 3]).values, 'float32'), shape: [16, 16, 3, 3], dtype: 'float32' } as TensorInfo;
    return be.runKernel('Mul', [src, { dataId: be.write(new Float32Array([1]), 'float32'), shape: [1], dtype: 'float32' }], {})[0];
  };
  const w1 = weights(5);
  const dx1 = be.readSync(be.runKernel('Conv2DBackpropInput', [dyi, w1], a)[0].dataId);
  const bytes = resident(be);
  expect(bytes).toBeGreaterThan(0);
  expect(be.readSync(be.runKernel('Conv2DBackpropInput', [dyi, w1], a)[0].dataId)).toEqual(dx1);
  expect(resident(be)).toBe(bytes);
  expect(close(dx1, expected(be.readSync(w1.dataId) as Float32Array))).toBe(true);
  be.release(w1.dataId);
  expect(resident(be)).toBe(0);
  const w2 = weights(6);
  const dx2 = be.readSync(be.runKernel('Conv2DBackpropInput', [dyi, w2], a)[0].dataId);
  expect(close(dx2, expected(be.readSync(w2.dataId) as Float32Array))).toBe(true);
  expect(close(dx2, dx1)).toBe(false);
});
