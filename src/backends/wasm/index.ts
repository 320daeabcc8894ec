/**
 * The wasm backend: WebAssembly SIMD kernels (built from asm/ by `npm run build:wasm`) on worker
 * threads over one shared memory. A wasm kernel's result stays in wasm memory as the new tensor's
 * storage, where the next kernel reads it (storage.ts); user data and reference-kernel results are JS
 * arrays, copied in when a wasm kernel reads them. Every kernel without a wasm version (and every
 * float64 call) runs the reference kernel on JS copies.
 */
import type { Backend, DataId, MemoryInfo, TensorInfo } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import { referenceKernels } from '../reference/index.js';
import type { Buf as RefBuf, RefKernel } from '../reference/types.js';
import { WasmStore } from './storage.js';
import { defaultThreads, envVar, relaxedSimdSupport, simdSupport, type WorkerKind } from './features.js';
import { loadWasm } from './loader.js';
import { ScratchLimitError, WasmRuntime } from './runtime.js';
import { ArrayPool } from './array-pool.js';
import { BatchMatMul } from './gemm.js';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from './conv.js';
import { AdaptiveAvgPool2D, AdaptiveAvgPool2DGrad, AdaptiveMaxPool2D, AvgPool2D, AvgPool2DGrad, MaxPool2D, ScatterPlane } from './pool.js';
import { Resize2D, Resize2DGrad } from './resize.js';
import { BroadcastTo, Concat, Slice, Transpose } from './layout.js';
import { reduceKernels } from './reduce.js';
import { softmaxKernels } from './softmax.js';
import { lossKernels } from './loss.js';
import { elementwiseKernels } from './elementwise.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { sizeOfShape, type OutBuf, type WasmKernel, type WasmKernelTable } from './types.js';
import { noExtra, show } from '../../ops/args.js';
import { NeocogError } from '../../ops/validate.js';

export { initWasm } from './loader.js';
export { simdSupport, threadSupport } from './features.js';

/** Kernels with a WebAssembly implementation (float32); everything else runs the reference kernel. */
export const wasmKernels = {
  BatchMatMul, Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool2D, AvgPool2D, AvgPool2DGrad, ScatterPlane,
  AdaptiveAvgPool2D, AdaptiveAvgPool2DGrad, AdaptiveMaxPool2D, Resize2D, Resize2DGrad, Transpose, Slice, BroadcastTo, Concat,
  ...elementwiseKernels, ...reduceKernels, ...softmaxKernels, ...lossKernels, ...normKernels, ...optimKernels,
} satisfies WasmKernelTable;

export interface WasmOptions {
  /** Threads per kernel, the calling thread included (default: NEOCOG_THREADS or the available cores). */
  threads?: number;
  /**
   * Testing aid: every worker a kernel is split across runs at least one chunk (by default the calling
   * thread takes whatever a late worker has not claimed yet, so tiny kernels may finish without it).
   */
  workerFirst?: boolean;
  /** Testing aid: scratch memory starts as NaN on every kernel call, so a read of unwritten memory shows. */
  poison?: boolean;
  /** Which workers run the threads (default: Node worker_threads under Node, else Web Workers). */
  workers?: WorkerKind;
  /**
   * Use the relaxed-SIMD build (fused multiply-add) where the engine has it (default true; false, or the
   * environment variable NEOCOG_RELAXED_SIMD=0, keeps strict SIMD: results then match the reference's
   * multiply-then-add rounding more closely).
   */
  relaxedSimd?: boolean;
  /**
   * Bytes of tensor storage kept only in wasm memory before the least recently used moves to JS memory
   * (default 1 GiB). It bounds what unreleased tensors hold in a synchronous loop, where finalizers never run.
   */
  residentLimit?: number;
}

let threadSetting: number | null = null;
const live = new Set<WasmBackend>();

/** Thread count for wasm kernels (the calling thread included), applied to live wasm backends too. */
export function setWasmThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new NeocogError('setWasmThreads', `n must be an integer >= 1, got ${show(n)}`);
  noExtra('setWasmThreads', arguments, 1);
  threadSetting = n;
  for (const b of live) b.configure({ threads: n });
}

export function wasmThreads(): number {
  noExtra('wasmThreads', arguments, 0);
  return threadSetting ?? defaultThreads();
}

/** Whether the wasm backend can run its kernels here (SIMD validates and the module loads), and why not. */
export function wasmAvailability(): { ok: boolean; reason: string } {
  const simd = simdSupport();
  if (!simd.ok) return { ok: false, reason: `wasm SIMD off: ${simd.reason}` };
  const mod = loadWasm('single');
  return typeof mod === 'string' ? { ok: false, reason: `wasm ${mod}` } : { ok: true, reason: '' };
}

function checkLimit(bytes: unknown): number {
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) {
    throw new NeocogError('wasm backend', `residentLimit must be a whole number of bytes >= 0, got ${show(bytes)} (hint: 512 * 2 ** 20 for 512 MiB)`);
  }
  return bytes;
}

interface KernelCount {
  wasm: number;
  reference: number;
  /** Why the last reference call did not run in wasm. */
  reason?: string;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  /** Calls per kernel on each path (tests use it to prove a kernel ran in wasm). */
  readonly stats = new Map<string, KernelCount>();
  /** JS copies of resident buffers come from here and return here when their storage is released. */
  readonly arrays = new ArrayPool();
  /** Tensor storage: resident in wasm memory or JS arrays. */
  readonly store = new WasmStore(this.arrays);
  private rt: WasmRuntime | null = null;
  private off = '';
  private threadsWanted: number;
  private workerFirst: boolean;
  private poison: boolean;
  private readonly workerKind: WorkerKind | undefined;
  private relaxedWanted: boolean;
  private readonly logged = new Set<string>();

  constructor(options: WasmOptions = {}) {
    this.threadsWanted = options.threads ?? wasmThreads();
    this.workerFirst = options.workerFirst ?? false;
    this.poison = options.poison ?? false;
    this.workerKind = options.workers;
    this.relaxedWanted = options.relaxedSimd ?? true;
    if (options.residentLimit !== undefined) this.store.residentLimit = checkLimit(options.residentLimit);
    this.start();
    live.add(this);
  }

  /** The options `setBackend('wasm', options)` may change (`workers` is fixed at construction). */
  readonly optionKeys = ['threads', 'workerFirst', 'poison', 'relaxedSimd', 'residentLimit'] as const;

  /** Changes the options (a new thread count restarts the runtime; tensors are unaffected). */
  configure(options: WasmOptions): void {
    if (options.residentLimit !== undefined) this.store.residentLimit = checkLimit(options.residentLimit);
    if (options.workerFirst !== undefined) this.workerFirst = options.workerFirst;
    if (options.poison !== undefined) this.poison = options.poison;
    if (options.relaxedSimd !== undefined && options.relaxedSimd !== this.relaxedWanted) {
      this.relaxedWanted = options.relaxedSimd;
      this.start();
    }
    if (this.rt) {
      this.rt.workerFirst = this.workerFirst;
      this.rt.poison = this.poison;
    }
    if (options.threads === undefined || options.threads === this.threadsWanted) return;
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`wasm backend: threads must be an integer >= 1, got ${options.threads}`);
    this.threadsWanted = options.threads;
    this.start();
  }

  /** Threads that kernels may use now (1 when wasm or threads are off). */
  get threads(): number {
    return this.rt?.threads ?? 1;
  }

  /** Kernel chunks that worker threads ran so far. */
  get workerJobs(): number {
    return this.rt?.dispatched ?? 0;
  }

  /** Resolves once every worker thread has booted (kernels never wait for them; they use the ready ones). */
  async ready(): Promise<boolean> {
    return this.rt ? this.rt.whenReady() : false;
  }

  /** Stops the worker threads. The backend keeps working on the calling thread's wasm instance. */
  dispose(): void {
    if (this.rt && this.rt.threads > 1) {
      this.threadsWanted = 1;
      this.start();
    }
    live.delete(this);
  }

  describe(): string {
    if (!this.rt) return `wasm: ${this.off}; every kernel falls back to reference`;
    const t = this.rt.threads;
    const why = this.rt.threadNote || (this.threadsWanted <= 1 ? 'threads off: 1 thread requested' : '');
    const threads = t > 1 ? `${t} threads (${this.rt.workers} on shared memory)` : `1 thread${why ? ` (${why})` : ''}`;
    const simd = `SIMD on (${this.rt.relaxed ? 'relaxed: fused multiply-add' : this.relaxedWanted ? relaxedSimdSupport().reason || 'strict: relaxed build not loaded' : 'strict: relaxed SIMD not requested'})`;
    return `wasm: ${simd}, ${threads}; ${Object.keys(wasmKernels).length} float32 kernels in WebAssembly (GEMM, convolution, pooling, resize, elementwise, reductions, batch norm), the others fall back to reference`;
  }

  write(values: TypedArray, dtype: DType): DataId {
    return this.store.write(values, dtype);
  }
  writeWith(dtype: DType, length: number, fill: (dst: TypedArray, at: number) => void): DataId {
    return this.store.writeWith(dtype, length, fill);
  }
  readSync(dataId: DataId): TypedArray {
    return this.store.readSync(dataId);
  }
  async read(dataId: DataId): Promise<TypedArray> {
    return this.store.readSync(dataId);
  }
  incRef(dataId: DataId): void {
    this.store.incRef(dataId);
  }
  release(dataId: DataId): void {
    this.store.release(dataId);
  }
  memory(): MemoryInfo {
    return this.store.memory();
  }
  hasKernel(name: KernelName): boolean {
    return name in referenceKernels;
  }

  runKernel<K extends KernelName>(name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[] {
    const kernel = (wasmKernels as WasmKernelTable)[name] as WasmKernel<K> | undefined;
    let reason = 'no wasm kernel';
    if (kernel && this.rt) {
      const out = this.runWasm(this.rt, kernel, inputs, attrs);
      if (typeof out !== 'string') {
        this.count(name).wasm++;
        return out;
      }
      reason = out;
    } else if (kernel) {
      reason = this.off;
    }
    const c = this.count(name);
    c.reference++;
    c.reason = reason;
    if (envVar('NEOCOG_LOG_FALLBACK') && !this.logged.has(`${name}:${reason}`)) {
      this.logged.add(`${name}:${reason}`);
      console.info(`neocog wasm: ${name} falls back to reference (${reason})`);
    }
    const bufs: RefBuf[] = inputs.map((t) => ({ values: this.store.readSync(t.dataId), shape: t.shape, dtype: t.dtype }));
    return (referenceKernels[name] as RefKernel<K>)(bufs, attrs)
      .map((b) => ({ dataId: this.store.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype }));
  }

  /**
   * Runs a wasm kernel on its operands where they lie; its outputs become resident storage. When wasm
   * memory is full, resident buffers (but its inputs) move to JS, prepared weights are dropped, and it runs
   * once more; a string says why it could not run.
   */
  private runWasm<K extends KernelName>(rt: WasmRuntime, kernel: WasmKernel<K>, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[] | string {
    const blocks = inputs.map((t) => this.store.blockOf(t.dataId));
    this.store.use(blocks);
    for (let attempt = 0; ; attempt++) {
      const bufs = blocks.map((b, i) => this.store.operand(b, inputs[i].shape));
      rt.beginKernel();
      try {
        const out = kernel(rt, bufs, attrs);
        return typeof out === 'string' ? out : out.map((b) => this.adopt(rt, b));
      } catch (e) {
        if (!(e instanceof ScratchLimitError)) throw e;
        if (attempt > 0) return e.message;
        this.store.evictAll(blocks);
        rt.clearPrepared();
      } finally {
        rt.endKernel();
      }
    }
  }

  private adopt(rt: WasmRuntime, b: OutBuf): TensorInfo {
    if (b.ptr === undefined) return { dataId: this.store.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype };
    rt.claim(b.ptr);
    return { dataId: this.store.adopt(b.ptr, sizeOfShape(b.shape), b.dtype), shape: b.shape, dtype: b.dtype };
  }

  private count(name: string): KernelCount {
    let c = this.stats.get(name);
    if (!c) this.stats.set(name, (c = { wasm: 0, reference: 0 }));
    return c;
  }

  private start(): void {
    this.store.attach(null);
    this.rt?.close();
    this.rt = null;
    const simd = simdSupport();
    if (!simd.ok) {
      this.off = `SIMD off (${simd.reason})`;
      return;
    }
    try {
      this.rt = new WasmRuntime(this.threadsWanted, this.workerKind, this.relaxedWanted);
      this.rt.arrays = this.arrays;
      this.store.attach(this.rt);
      this.rt.workerFirst = this.workerFirst;
      this.rt.poison = this.poison;
      this.off = '';
    } catch (e) {
      this.off = (e as Error).message;
    }
  }
}
