/**
 * A pool of worker threads (Node worker_threads or browser Web Workers, see spawn.ts) that run kernel
 * calls on the shared WebAssembly.Memory.
 *
 * Dispatch (measured in ../shared/bench/KERNELS.md): the calling thread always computes too, and each
 * worker spins 50 us after a job before it sleeps in Atomics.wait, so back-to-back kernel calls wake it
 * without the futex latency, and a kernel that will split wakes sleeping workers before it prepares
 * its chunks (wake()). (A 1 ms spin made LeNet-5 training ~5% slower on 2 cores: a spinning
 * worker takes the core that V8's garbage-collector threads need.) Work comes as a list of independent
 * chunks that every thread claims from a shared counter, so a worker that wakes late or that the OS
 * descheduled (the machine is shared, and V8's GC threads want a core too) delays at most the chunk it
 * holds, and one that wakes after the calling thread claimed every chunk delays nothing: the calling
 * thread waits for running chunks only (measured on FuaNet's natural training step, 2 threads: time
 * spent waiting 0.5-1.3 -> 0.35-0.5 ms a step, the step ~7.2 -> ~6.4 ms). Node workers are unref'd (they
 * never keep the process alive), and only workers that have booted get work, so a caller never blocks
 * on one that is still starting.
 */
import type { WorkerKind } from './features.js';
import { spawnWorker, type SpawnedWorker } from './spawn.js';

/** One kernel call: an export name and its numeric arguments (MY_BP / MY_TMP name per-thread scratch). */
export type Call = readonly [name: string, ...args: number[]];
/**
 * Argument sentinels replaced by the executing thread's own scratch addresses: values no kernel argument
 * takes (an i32 argument of -1 or -2, or a small negative float, must reach the kernel as it is).
 */
export const MY_BP = -0x7ffffff0, MY_TMP = -0x7fffffef;

/**
 * Control words (Int32): [0] the claim word of the dispatch in progress, (tag << 16) | next chunk, or
 * CLOSED; [1] workerFirst; [2] seq of the dispatch in progress (0 when none); [3] chunks finished;
 * [4] chunks in the dispatch; per worker w at 16*(w+1): [seq, -, ready, failed].
 */
const CTRL = 16;
/** Shared argument doubles: [nchunks, offset per chunk..., then per chunk: ncalls, (fn, nargs, ...args)*]. */
const ARGS = 1 << 17;
/** Chunks of one dispatch: their index is the claim word's low 16 bits. */
const MAX_CHUNKS = 0xffff;
/** The claim word between dispatches: no tag matches it. */
const CLOSED = 0;

/**
 * The worker's script; `workerData` holds its start data (spawn.ts provides it per worker kind).
 * Chunks are claimed by compare-and-swap on the claim word, which carries the dispatch's tag: a worker
 * that wakes after its dispatch ended (the calling thread closes the word first) claims nothing, so the
 * calling thread only ever waits for chunks that are running, never for a worker the OS has not
 * scheduled yet.
 */
const WORKER_SOURCE = `
const { module, memory, ctrl, args, slot, names, spinMs, bp, tmp } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => inst.exports[n]);
const I = new Int32Array(ctrl), A = new Float64Array(args);
const base = (slot + 1) * ${CTRL};
const av = [];
const runChunk = (i) => {
  let o = A[1 + i];
  const ncalls = A[o++];
  for (let c = 0; c < ncalls; c++) {
    const fn = fns[A[o++]], nargs = A[o++];
    av.length = nargs;
    for (let k = 0; k < nargs; k++) {
      const v = A[o + k];
      av[k] = v === ${MY_BP} ? bp : v === ${MY_TMP} ? tmp : v;
    }
    fn.apply(null, av);
    o += nargs;
  }
};
const finish = (i) => {
  try {
    runChunk(i);
  } catch (e) {
    Atomics.store(I, base + 3, 1);
  }
  if (Atomics.add(I, 3, 1) + 1 === Atomics.load(I, 4)) Atomics.notify(I, 3);
};
let seen = Atomics.load(I, base);
Atomics.store(I, base + 2, 1);
for (;;) {
  let s = Atomics.load(I, base);
  if (s === seen) {
    let t0 = performance.now();
    let spins = 0;
    while ((s = Atomics.load(I, base)) === seen) {
      if ((++spins & 255) === 0 && performance.now() - t0 > spinMs) {
        Atomics.wait(I, base, seen);
        // Woken with no job yet (wake(): one is coming): spin again.
        t0 = performance.now();
      }
    }
  }
  seen = s;
  if (s < 0) break;
  const tag = ((s - 1) % 0x7fff) + 1;
  // workerFirst: chunk \`slot\` is reserved for this worker, and the dispatch waits for it.
  if (Atomics.load(I, 1) && slot < Atomics.load(I, 4)) finish(slot);
  for (;;) {
    // The chunk count is read between seeing the tag and claiming: a claim that succeeds proves the
    // dispatch was open throughout, so the count is its own.
    const c = Atomics.load(I, 0);
    if ((c >>> 16) !== tag || (c & 0xffff) >= Atomics.load(I, 4)) break;
    if (Atomics.compareExchange(I, 0, c, c + 1) === c) finish(c & 0xffff);
  }
  // Sleep (not spin) while the calling thread finishes this dispatch: spinning here would take CPU
  // from it when the machine is busy. The spin below starts once the dispatch is over.
  while (Atomics.load(I, 2) === s) Atomics.wait(I, 2, s);
}
`;

export class ThreadPool {
  private readonly workers: SpawnedWorker[] = [];
  /** Whether this thread may block in Atomics.wait (a browser page's main thread may not: it spins). */
  private canBlock = true;
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly fnIndex = new Map<string, number>();
  private seq = 0;
  private closed = false;
  /** Chunks that workers ran so far (tests check that threads really took part). */
  workerChunks = 0;
  /**
   * Testing aid: every dispatched worker runs the first chunk it is given, so worker threads surely take
   * part (slower when the OS delays a worker, so off by default: then the calling thread never waits for
   * a worker to start, only for chunks a worker already holds).
   */
  workerFirst = false;
  /** Times the pool stepped back to the calling thread because workers lagged (see watchStragglers). */
  backoffs = 0;
  private strikes = 0;
  private backoffMs = 50;
  private backoffUntil = 0;

  /** scratch(t) gives thread t's [bp, tmp] addresses (t = 0 is the calling thread). */
  constructor(
    module: WebAssembly.Module, memory: WebAssembly.Memory, nWorkers: number, names: readonly string[],
    scratch: (t: number) => [number, number], kind: WorkerKind, spinMs = 0.05,
  ) {
    const ctrl = new SharedArrayBuffer(4 * CTRL * (nWorkers + 1));
    const args = new SharedArrayBuffer(8 * ARGS);
    this.ctrl = new Int32Array(ctrl);
    this.args = new Float64Array(args);
    names.forEach((n, i) => this.fnIndex.set(n, i));
    for (let slot = 0; slot < nWorkers; slot++) {
      const [bp, tmp] = scratch(slot + 1);
      const data = { module, memory, ctrl, args, slot, names, spinMs, bp, tmp };
      this.workers.push(spawnWorker(kind, WORKER_SOURCE, data, `neocog-wasm-${slot + 1}`,
        () => Atomics.store(this.ctrl, (slot + 1) * CTRL + 3, 1)));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that finished booting and can take work now. */
  readyWorkers(): number {
    if (this.closed) return 0;
    let n = 0;
    while (n < this.workers.length && Atomics.load(this.ctrl, (n + 1) * CTRL + 2) === 1 && Atomics.load(this.ctrl, (n + 1) * CTRL + 3) === 0) n++;
    return n;
  }

  /**
   * Wakes sleeping workers to spin: a kernel that will split calls it (through chunksFor) before it
   * prepares its chunks, so the futex wake-up overlaps that work instead of delaying the worker's share.
   * Measured on the natural FuaNet / LeNet-5 training steps, 2 threads: a worker started its share of a
   * dispatch 48-52 / 33-38 us after the calling thread on average, 18-25 / 10-12 us with it; the calling
   * thread's share of the chunks went from 0.59-0.67 to 0.53-0.60.
   */
  wake(): void {
    for (let w = 1; w <= this.workers.length; w++) Atomics.notify(this.ctrl, w * CTRL);
  }

  /** Resolves once every worker is ready (or after `timeoutMs`). */
  async whenReady(timeoutMs = 10_000): Promise<boolean> {
    const t0 = Date.now();
    while (this.readyWorkers() < this.workers.length) {
      if (Date.now() - t0 > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }

  /**
   * Runs every chunk once, on the calling thread (via `local`) and up to `workers` ready workers, and
   * returns when all are done.
   */
  run(chunks: readonly (readonly Call[])[], workers: number, local: (chunk: readonly Call[]) => void): void {
    const n = chunks.length, nw = Math.min(workers, this.readyWorkers(), n - 1);
    const t0 = performance.now();
    if (nw <= 0 || n > MAX_CHUNKS || t0 < this.backoffUntil || !this.encode(chunks)) {
      chunks.forEach(local);
      return;
    }
    const I = this.ctrl, seq = ++this.seq, tag = ((seq - 1) % 0x7fff) + 1;
    // With workerFirst, worker w runs chunk w-1 first (so every dispatched worker surely works).
    const first = this.workerFirst ? nw : 0;
    Atomics.store(I, 1, this.workerFirst ? 1 : 0);
    Atomics.store(I, 3, 0);
    Atomics.store(I, 4, n);
    Atomics.store(I, 2, seq);
    Atomics.store(I, 0, (tag << 16) | first);
    for (let w = 1; w <= nw; w++) {
      Atomics.store(I, w * CTRL, seq);
      Atomics.notify(I, w * CTRL);
    }
    let error: unknown = null;
    let mine = 0;
    for (;;) {
      const c = Atomics.load(I, 0), i = c & 0xffff;
      if (i >= n || error) break;
      if (Atomics.compareExchange(I, 0, c, c + 1) !== c) continue;
      mine++;
      try {
        local(chunks[i]);
      } catch (e) {
        error = e;
      }
      Atomics.add(I, 3, 1);
    }
    // Close the dispatch: later claims fail, so only chunks already claimed are waited for.
    const claimed = Math.min(Atomics.exchange(I, 0, CLOSED) & 0xffff, n);
    const t1 = performance.now();
    let spins = 0;
    for (let d = Atomics.load(I, 3); d < claimed; d = Atomics.load(I, 3)) {
      if (++spins > 20_000 && this.canBlock) {
        try {
          Atomics.wait(I, 3, d, 50);
        } catch {
          this.canBlock = false;
        }
      }
    }
    for (let w = 1; w <= nw; w++) if (Atomics.load(I, w * CTRL + 3) !== 0) error ??= new Error(`wasm threads: worker ${w} failed`);
    Atomics.store(I, 2, 0);
    Atomics.notify(I, 2);
    this.workerChunks += claimed - mine;
    if (!this.workerFirst) this.watchStragglers(t1 - t0, performance.now() - t1);
    if (error) throw error;
  }

  /**
   * When the OS keeps the workers off the CPU (a loaded machine, where this process's threads share one
   * CPU slice), waiting for them costs more than they bring: after repeated dispatches where the calling
   * thread waited longer than it computed, kernels stay on the calling thread for a while (doubling up
   * to 2 s), then threads are tried again. Chunking is unchanged, so results are too.
   */
  private watchStragglers(computeMs: number, waitMs: number): void {
    if (waitMs > computeMs && waitMs > 0.2) {
      if (++this.strikes >= 3) {
        this.strikes = 0;
        this.backoffMs = Math.min(2000, this.backoffMs * 2);
        this.backoffUntil = performance.now() + this.backoffMs;
        this.backoffs++;
      }
    } else {
      this.strikes = Math.max(0, this.strikes - 1);
      if (this.strikes === 0) this.backoffMs = 50;
    }
  }

  /** Stops every worker (they also die with the process: they are unref'd). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 1; w <= this.workers.length; w++) {
      Atomics.store(this.ctrl, w * CTRL, -1);
      Atomics.notify(this.ctrl, w * CTRL);
      this.workers[w - 1].terminate();
    }
  }

  /** Writes the chunks into the shared argument buffer; false when they do not fit (run them locally). */
  private encode(chunks: readonly (readonly Call[])[]): boolean {
    const A = this.args;
    A[0] = chunks.length;
    let o = 1 + chunks.length;
    for (let i = 0; i < chunks.length; i++) {
      A[1 + i] = o;
      A[o++] = chunks[i].length;
      for (const call of chunks[i]) {
        const fn = this.fnIndex.get(call[0]), nargs = call.length - 1;
        if (fn === undefined) throw new Error(`wasm threads: unknown kernel export '${call[0]}'`);
        if (o + 2 + nargs > ARGS) return false;
        A[o++] = fn;
        A[o++] = nargs;
        for (let k = 1; k <= nargs; k++) A[o++] = call[k] as number;
      }
    }
    return true;
  }
}
