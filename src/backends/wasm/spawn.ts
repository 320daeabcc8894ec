/**
 * Starting the kernel threads: Node worker_threads (the script runs from a string, its start data as
 * workerData) or browser Web Workers (the script runs from a Blob URL, its start data arrives as the
 * first message; WebAssembly.Module and shared memory are structured-cloneable). The pool talks to
 * started workers only through shared memory, so both kinds look the same to it.
 */
import { nodeModule, type WorkerKind } from './features.js';

export interface SpawnedWorker {
  terminate(): void;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', fn: (e: Error) => void): void;
}
type NodeWorkerCtor = new (src: string, opts: { eval: true; workerData: unknown; name?: string }) => NodeWorker;

/** The browser's Worker, as far as the pool uses it. */
export interface WebWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: 'error', fn: () => void): void;
}
type WebWorkerCtor = new (url: string, opts?: { name?: string }) => WebWorker;

/**
 * Starts one worker running `body`, a script that reads its start data from the variable `workerData`;
 * `onError` runs if the worker fails to start or throws outside the kernel loop.
 */
export function spawnWorker(kind: WorkerKind, body: string, data: unknown, name: string, onError: () => void): SpawnedWorker {
  if (kind === 'node') {
    const wt = nodeModule<{ Worker: NodeWorkerCtor }>('node:worker_threads');
    if (!wt) throw new Error('node:worker_threads is unavailable');
    const w = new wt.Worker(`const { workerData } = require('node:worker_threads');\n${body}`, { eval: true, workerData: data, name });
    w.on('error', onError);
    w.unref(); // never keeps the process alive
    return { terminate: () => void w.terminate().catch(() => undefined) };
  }
  const g = globalThis as unknown as { Worker: WebWorkerCtor; Blob: typeof Blob; URL: typeof URL };
  const script = `self.onmessage = (e) => { self.onmessage = null; const workerData = e.data;\n${body}\n};`;
  const url = g.URL.createObjectURL(new g.Blob([script], { type: 'text/javascript' }));
  const w = new g.Worker(url, { name });
  w.addEventListener('error', onError);
  w.postMessage(data);
  return {
    terminate: () => {
      w.terminate();
      g.URL.revokeObjectURL(url);
    },
  };
}
