/**
 * The browser thread path: the pool starts Web Workers from a Blob URL and hands them their start data
 * as the first message. Node has no Web Worker, so this test installs a minimal one on top of
 * worker_threads (it runs the Blob's script with `self.onmessage` wired to the first message) and
 * checks that kernels split across those workers match the reference.
 */
import { afterAll, expect, test } from 'vitest';
import { Worker as NodeWorker } from 'node:worker_threads';
import { resolveObjectURL } from 'node:buffer';
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { threadSupport } from '../../src/backends/wasm/features.js';
import { expectClose, prng, randBuf, runBoth } from './harness.js';

/** Just the Web Worker API the pool uses: new Worker(blobUrl), postMessage, terminate, 'error' events. */
class WebWorkerShim {
  private worker: NodeWorker | null = null;
  private queued: unknown[] = [];
  private readonly onError: (() => void)[] = [];
  private terminated = false;

  constructor(url: string) {
    const blob = resolveObjectURL(url);
    if (!blob) throw new Error(`no Blob behind ${url}`);
    void blob.text().then((script) => {
      if (this.terminated) return;
      const prelude = "const { parentPort } = require('node:worker_threads'); globalThis.self = globalThis;\n"
        + 'parentPort.once("message", (data) => self.onmessage({ data }));\n';
      const w = new NodeWorker(prelude + script, { eval: true });
      w.unref();
      w.on('error', () => this.onError.forEach((f) => f()));
      this.worker = w;
      for (const d of this.queued) w.postMessage(d);
      this.queued = [];
    });
  }

  postMessage(data: unknown): void {
    if (this.worker) this.worker.postMessage(data);
    else this.queued.push(data);
  }

  terminate(): void {
    this.terminated = true;
    void this.worker?.terminate();
  }

  addEventListener(_type: 'error', fn: () => void): void {
    this.onError.push(fn);
  }
}

const g = globalThis as { Worker?: unknown };
const backends: WasmBackend[] = [];
afterAll(() => {
  backends.forEach((b) => b.dispose());
  delete g.Worker;
});

test('without a Worker global, web threads are off and say why', () => {
  expect(threadSupport('web')).toEqual({ ok: false, reason: 'this environment has no Web Workers' });
});

test('kernels split across Web Workers match the reference', async () => {
  g.Worker = WebWorkerShim;
  expect(threadSupport('web').ok).toBe(true);
  const be = new WasmBackend({ threads: 2, workers: 'web', workerFirst: true, poison: true });
  backends.push(be);
  expect(await be.ready()).toBe(true);
  expect(be.describe()).toContain('2 threads (Web Workers on shared memory)');
  const rand = prng(7);
  const a = { stride: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const x = randBuf(rand, [4, 16, 24, 24]), w = randBuf(rand, [32, 16, 3, 3]);
  const fwd = runBoth(be, 'Conv2D', [x, w], a);
  expectClose(fwd, 16 * 9, 'Conv2D on Web Workers');
  expect(fwd.threaded).toBe(true);
  const mm = runBoth(be, 'BatchMatMul', [randBuf(rand, [1, 96, 200]), randBuf(rand, [1, 200, 130])], { transposeA: false, transposeB: false });
  expectClose(mm, 200, 'BatchMatMul on Web Workers');
  expect(mm.threaded).toBe(true);
});
