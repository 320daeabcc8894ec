/**
 * The wasm backend's pool of JS arrays (read-back copies of resident storage): arrays the backend did
 * not allocate (user data) or still references are never handed out again.
 */
import { afterAll, expect, test } from 'vitest';
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { ArrayPool } from '../../src/backends/wasm/array-pool.js';
import type { TensorInfo } from '../../src/backends/backend.js';
import { prng, randBuf } from './harness.js';

const backends: WasmBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));

function backend(): WasmBackend {
  const b = new WasmBackend({ threads: 1 });
  backends.push(b);
  return b;
}

function input(be: WasmBackend, shape: number[], seed: number): TensorInfo {
  const buf = randBuf(prng(seed), shape);
  return { dataId: be.write(buf.values, 'float32'), shape, dtype: 'float32' };
}

test('arrays still referenced, and arrays the backend did not allocate, are never reused', () => {
  const be = backend();
  const user = randBuf(prng(3), [4096]).values as Float32Array;
  const copy = user.slice();
  const u = be.write(user, 'float32');
  be.release(u);
  const x = input(be, [4096], 4);
  const a = be.runKernel('Relu', [x], {})[0];
  be.incRef(a.dataId); // a view shares the storage
  be.release(a.dataId);
  const b = be.runKernel('Relu', [x], {})[0];
  expect(be.readSync(b.dataId)).not.toBe(be.readSync(a.dataId));
  expect(be.readSync(a.dataId)).toEqual(be.readSync(b.dataId));
  expect(be.readSync(b.dataId)).not.toBe(user);
  expect(user).toEqual(copy);
});

test('the pool keeps at most its byte budget and ignores tiny arrays', () => {
  const pool = new ArrayPool();
  const small = pool.acquire(Float32Array, 10);
  pool.recycle(small);
  expect(pool.bytes).toBe(0);
  const big = pool.acquire(Float32Array, 2 ** 20);
  pool.recycle(big);
  expect(pool.bytes).toBe(4 * 2 ** 20);
  expect(pool.acquire(Int32Array, 2 ** 20)).not.toBe(big);
  expect(pool.acquire(Float32Array, 2 ** 20)).toBe(big);
  expect(pool.bytes).toBe(0);
  const huge = Array.from({ length: 80 }, () => pool.acquire(Float32Array, 2 ** 20));
  huge.forEach((h) => pool.recycle(h));
  expect(pool.bytes).toBeLessThanOrEqual(256 * 2 ** 20);
});
