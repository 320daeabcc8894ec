/**
 * The training worker's entry. neocog's browser entry awaits its wasm kernels at import (top-level
 * await), and a worker drops messages that arrive while no handler is set, so the handler is set
 * first and queues; the trainer (and neocog) load after, then take the queue in order.
 */
import type { ToWorker } from './protocol';

const queue: ToWorker[] = [];
let handle: ((m: ToWorker) => Promise<void>) | null = null;
let chain = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToWorker>) => {
  if (!handle) queue.push(ev.data);
  else run(ev.data);
};
function run(m: ToWorker): void {
  // 'start' returns at once (the loop continues on its own), so chaining keeps replies in order without blocking.
  chain = chain.then(() => handle!(m)).catch((e) => console.error(e));
}
const trainer = await import('./trainer');
handle = trainer.handle;
for (const m of queue.splice(0)) run(m);
