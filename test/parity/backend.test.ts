/**
 * The wasm backend as a whole: it is the default (unless NEOCOG_BACKEND says otherwise), says what runs
 * and why, keeps reference selectable, trains a small CNN to the same numbers as the reference backend,
 * and never keeps a process alive.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as nc from '../../src/index.js';
import { WasmBackend, setWasmThreads, threadSupport } from '../../src/backends/wasm/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

afterAll(() => nc.setBackend('reference'));

describe('wasm backend selection', () => {
  it('is the default backend and describes itself', () => {
    if (process.env.NEOCOG_BACKEND) return; // an explicit choice wins
    expect(nc.getBackend().name).toBe('wasm');
    expect(nc.backend()).toMatch(/^wasm: SIMD on \((relaxed|strict)[^)]*\), \d+ threads? /);
  });

  it('reports thread count, and why threads are off', async () => {
    const b2 = new WasmBackend({ threads: 2 });
    expect(threadSupport().ok).toBe(true);
    expect(b2.describe()).toMatch(/^wasm: SIMD on \((relaxed|strict)[^)]*\), 2 threads \(worker_threads on shared memory\)/);
    expect(await b2.ready()).toBe(true);
    b2.configure({ threads: 1 });
    expect(b2.describe()).toMatch(/^wasm: SIMD on \((relaxed|strict)[^)]*\), 1 thread \(threads off: 1 thread requested\)/);
    b2.dispose();
  });

  it('setBackend options and setWasmThreads reconfigure the live backend', () => {
    const b = nc.setBackend('wasm', { threads: 1 }) as WasmBackend;
    expect(b.threads).toBe(1);
    setWasmThreads(2);
    expect(b.threads).toBe(2);
    expect(nc.backend()).toContain('2 threads');
    expect(() => setWasmThreads(0)).toThrow(/integer >= 1/);
  });

  it('reference stays selectable', () => {
    nc.setBackend('reference');
    expect(nc.backend()).toMatch(/^reference: /);
    nc.setBackend('wasm');
    expect(nc.backend()).toMatch(/^wasm: /);
  });
});

/** A conv -> relu -> maxpool -> conv (groups) -> avgpool -> linear -> cross-entropy step; returns loss and grads. */
function step(seed: number, batch = 3) {
  nc.manualSeed(seed);
  const x = nc.randn([batch, 3, 12, 12]);
  const w1 = nc.mul(nc.randn([8, 3, 3, 3]), 0.3).requiresGrad_();
  const w2 = nc.mul(nc.randn([8, 4, 3, 3]), 0.3).requiresGrad_();
  const w3 = nc.mul(nc.randn([5, 32]), 0.2).requiresGrad_();
  const y = nc.tensor(Array.from({ length: batch }, (_, i) => [0, 3, 4][i % 3]), undefined, { dtype: 'int32' });
  let h = nc.F.conv2d(x, w1, null, { padding: 1 });
  h = nc.F.maxPool2d(nc.F.relu(h), { kernelSize: 2 }) as nc.Tensor;
  h = nc.F.conv2d(h, w2, null, { padding: 1, groups: 2 });
  h = nc.F.avgPool2d(h, { kernelSize: 3, stride: 3 });
  const loss = nc.F.crossEntropy(nc.F.linear(h.flatten(1), w3), y);
  loss.backward();
  return [loss, w1.grad!, w2.grad!, w3.grad!].map((t) => Array.from(t.dataSync() as Float32Array));
}

describe('wasm backend end to end', () => {
  it('a CNN training step matches the reference backend', () => {
    nc.setBackend('reference');
    const ref = step(1);
    const b = nc.setBackend('wasm', { threads: 2 }) as WasmBackend;
    const got = step(1);
    for (const k of ['Conv2D', 'Conv2DBackpropFilter', 'MaxPool2D', 'AvgPool2D', 'AvgPool2DGrad', 'ScatterPlane']) {
      expect(b.stats.get(k)?.wasm ?? 0, `${k} ran in wasm`).toBeGreaterThan(0);
    }
    got.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - ref[i][j])).toBeLessThan(1e-4 + 1e-4 * Math.abs(ref[i][j]))));
  });

  it('results do not depend on the thread count (bitwise)', async () => {
    const b = nc.setBackend('wasm', { threads: 1 }) as WasmBackend;
    const one = step(2, 96);
    nc.setBackend('wasm', { threads: 2, workerFirst: true });
    expect(await b.ready()).toBe(true);
    const jobs = b.workerJobs;
    const two = step(2, 96);
    expect(b.workerJobs, 'kernels were split across threads').toBeGreaterThan(jobs);
    expect(two).toEqual(one);
    b.configure({ workerFirst: false });
  });

  it('worker threads never keep a process alive', () => {
    const script = `
      import * as nc from './src/index.ts';
      nc.setBackend('wasm', { threads: 2 });
      const y = nc.F.conv2d(nc.randn([4, 16, 32, 32]), nc.randn([32, 16, 3, 3]), null, { padding: 1 });
      console.log(nc.backend().split(';')[0], y.shape.join('x'));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000, encoding: 'utf8' });
    expect(out.trim()).toMatch(/^wasm: SIMD on \((relaxed|strict)[^)]*\), 2 threads \(worker_threads on shared memory\) 4x32x32x32$/);
  });
});
