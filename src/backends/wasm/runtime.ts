/**
 * One WebAssembly.Memory (shared when threads run), the kernel instance on it, the heap that holds
 * tensor storage, prepared weights and kernel scratch, and the thread pool. Kernels take their operands'
 * addresses (`ptrOf`: resident storage as is, JS values copied into scratch), write their results into
 * `output` blocks that become the new tensors' storage, and run `Call`s through `run` (split into one job
 * per thread).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { loadWasm, type WasmBuild } from './loader.js';
import { relaxedSimdSupport, threadSupport, workerKind, type WorkerKind } from './features.js';
import { ArrayPool } from './array-pool.js';
import { Heap, HeapFullError } from './heap.js';
import { MY_BP, MY_TMP, ThreadPool, type Call } from './threads.js';

export { MY_BP, MY_TMP, type Call } from './threads.js';

/** Every export of asm/index.ts that kernels call (the pool addresses them by index). */
export const KERNEL_EXPORTS = [
  'gemm', 'gemvPanels', 'packBlocks', 'packA', 'packB', 'packIm2col', 'packIm2colT', 'zero', 'col2im',
  'dwConv', 'dwConvBackpropInput', 'dwConvBackpropFilter', 'maxPool', 'avgPool', 'avgPoolGrad', 'scatterPlane', 'scatterPlane2x2',
  'binary', 'relu', 'sumAxes',
  'winoInput', 'winoOutput', 'winoGradTransform', 'winoFilter', 'winoFilterGrad',
  'wino4Input', 'wino4Output', 'wino4Filter', 'wino4GradTransform', 'wino4FilterGrad',
  'padImage', 'convTaps', 'convTilesOut', 'convPoolOut', 'convEpilogue', 'denseEpilogue', 'gatherColumns', 'packDyPanels', 'convFilterTaps', 'convAdjointTiles', 'filterGradAcc', 'filterGradReduce',
  'reluGrad', 'sumMiddle', 'addTo', 'stridedCopy', 'copyRows', 'softmaxSlices', 'nllLoss', 'nllLossGrad', 'expf', 'tanhf', 'sigmoidf',
  'extremeRows', 'extremeMiddle', 'extremeAxes', 'argRows', 'argMiddle',
  'adaptiveAvgPool', 'adaptiveAvgPoolGrad', 'adaptiveMaxPool', 'resize2D', 'resize2DGrad',
  'bnTrain', 'bnTrainGrad', 'sgdStep', 'adamStep',
] as const;
export type KernelExport = (typeof KERNEL_EXPORTS)[number];
type Fn = (...args: number[]) => number;

const PAGE = 65536;
/** 2 GiB: the shared build's declared maximum (asc --maximumMemory 32768); pointers stay positive i32. */
const MAX_PAGES = 32768;
const INITIAL_PAGES = 256;
const GROW_MIN_PAGES = 256;
/** Scratch kept between kernels at most (a larger need is allocated and freed per kernel). */
const SLAB_MAX_BYTES = 64 * 2 ** 20;
/** Per-thread scratch (edge tiles, lane tables, Winograd F(4x4) transform rows) below the arena. */
const TMP_BYTES = 1024;
const MAX_THREADS = 64;
/** Below this many multiply-adds (or element visits) a kernel stays on the calling thread. */
export const THREAD_MIN_WORK = 1 << 19;
/** Chunks per thread when a kernel is split: spare chunks absorb a worker the OS paused. */
const CHUNKS_PER_THREAD = 3;
/** Parts from which chunkRanges makes them decreasing in size (the chunks of 2 threads or more). */
const GUIDED_MIN_PARTS = 2 * CHUNKS_PER_THREAD;

/** Prepared weights kept at most (beyond that, kernels prepare them per call as before). */
const PREPARED_MAX_BYTES = 256 * 2 ** 20;

/** What a kernel reads: its resident address, or its values in JS (copied in as scratch on demand). */
export interface Operand {
  readonly ptr: number;
  readonly values: TypedArray;
  readonly dtype: string;
  readonly length: number;
  /** Writes the values into `dst` from element `at` on (a deferred batch is written there directly). */
  copyTo(dst: TypedArray, at: number): void;
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Whether the relaxed-SIMD build (fused multiply-add) runs. */
  readonly relaxed: boolean;
  /** Threads that may share a kernel (1 = calling thread only). */
  readonly threads: number;
  /** Why fewer threads than asked run (empty when none). */
  readonly threadNote: string;
  /** What runs the threads: 'worker_threads' or 'Web Workers' (empty on one thread). */
  readonly workers: string;
  /** Tensor storage, prepared weights and kernel scratch. */
  readonly heap: Heap;
  private readonly fns: Record<string, Fn>;
  private readonly tmpBase: number;
  private readonly bpBase: number;
  private readonly bpBytes: number;
  /**
   * Scratch: one heap block reused by every kernel (bump-allocated from `slabTop`, reset when a kernel
   * ends); what does not fit comes from the heap (`overflow`, freed when the kernel ends) and the slab
   * grows to the kernel's whole need for the next one.
   */
  private slab = 0;
  private slabBytes = 0;
  private slabTop = 0;
  private scratchBytes = 0;
  private overflow: number[] = [];
  /** This kernel's outputs not claimed yet (freed when it ends). */
  private outputs: number[] = [];
  /** Prepared weights by source storage and layout. */
  private prepared = new WeakMap<object, Map<string, number>>();
  /** Every prepared block, so they can all be dropped even when their sources were garbage-collected. */
  private preparedBlocks = new Set<number>();
  private preparedBytes = 0;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private pool: ThreadPool | null = null;
  /**
   * Throws (with the reason as message) when no kernel module can be loaded. `kind`: the workers to start
   * (default: what this runtime has; tests force 'web' with a Web Worker shim).
   */
  constructor(wantThreads: number, kind?: WorkerKind, wantRelaxed = true) {
    let note = '';
    let threaded = false;
    if (wantThreads > 1) {
      const t = threadSupport(kind ?? workerKind());
      if (!t.ok) note = `threads off: ${t.reason}`;
      else threaded = true;
    }
    const relaxed = wantRelaxed && relaxedSimdSupport().ok;
    // Preference order: relaxed before strict SIMD, threads before one thread.
    const builds: WasmBuild[] = [
      ...(relaxed && threaded ? ['relaxed-threads' as const] : []), ...(threaded ? ['threads' as const] : []),
      ...(relaxed ? ['relaxed-single' as const] : []), 'single'];
    let mod: WebAssembly.Module | string = '';
    let build: WasmBuild = 'single';
    for (build of builds) {
      mod = loadWasm(build);
      if (typeof mod !== 'string') break;
      if (build.endsWith('threads')) note = `threads off: ${mod}`;
    }
    if (typeof mod === 'string') throw new Error(mod);
    this.shared = build.endsWith('threads');
    if (this.shared) note = '';
    this.relaxed = build.startsWith('relaxed');
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: this.shared } as WebAssembly.MemoryDescriptor);
    const inst = new WebAssembly.Instance(mod, { env: { memory: this.memory } });
    this.fns = inst.exports as unknown as Record<string, Fn>;
    this.threads = this.shared ? Math.min(wantThreads, MAX_THREADS) : 1;
    this.threadNote = note;
    this.tmpBase = align(this.fns.heapBase(), 64);
    this.bpBytes = 4 * this.fns.bpFloats();
    this.bpBase = this.tmpBase + TMP_BYTES * MAX_THREADS;
    const heapBase = align(this.bpBase + this.bpBytes * this.threads, 64);
    this.heap = new Heap(heapBase, (end) => this.cover(end));
    this.cover(heapBase + PAGE);
    this.refresh();
    if (this.threads > 1) {
      const k = kind ?? (workerKind() as WorkerKind);
      this.pool = new ThreadPool(mod, this.memory, this.threads - 1, KERNEL_EXPORTS, (t) => [this.bp(t), this.tmp(t)], k);
      this.workers = k === 'node' ? 'worker_threads' : 'Web Workers';
    } else {
      this.workers = '';
    }
  }

  /** Scratch for thread `t`'s edge tiles (TMP_BYTES, 64-aligned). */
  tmp(t: number): number {
    return this.tmpBase + TMP_BYTES * t;
  }

  /** Thread `t`'s GEMM B-block scratch. */
  bp(t: number): number {
    return this.bpBase + this.bpBytes * t;
  }

  /** Writes int32 values (kernel parameter blocks) at `ptr`. */
  setI32(ptr: number, values: readonly number[]): void {
    this.i32.set(values, ptr >> 2);
  }

  /** Called before every kernel: under `poison`, the per-thread scratch starts as NaN. */
  beginKernel(): void {
    if (this.poison) this.f32.fill(NaN, this.tmpBase >> 2, this.heap.base >> 2);
  }

  /** Hands an output block of this kernel to the caller (each one once); throws on anything else. */
  claim(ptr: number): void {
    const i = this.outputs.indexOf(ptr);
    if (i < 0) throw new Error(`wasm runtime: a kernel returned address ${ptr}, which is not one of its unclaimed outputs`);
    this.outputs.splice(i, 1);
  }

  /** Frees this kernel's scratch and every output not claimed; the backend calls it after every kernel. */
  endKernel(): void {
    for (const p of this.overflow) this.heap.free(p);
    for (const p of this.outputs) this.heap.free(p);
    this.outputs = [];
    if (this.overflow.length > 0 && this.scratchBytes <= SLAB_MAX_BYTES) {
      if (this.slab) this.heap.free(this.slab);
      this.slab = this.slabBytes = 0;
      try {
        this.slab = this.heap.malloc(this.scratchBytes);
        this.slabBytes = this.scratchBytes;
      } catch (e) {
        if (!(e instanceof HeapFullError)) throw e;
      }
    }
    this.overflow = [];
    this.slabTop = this.slab;
    this.scratchBytes = 0;
  }

  /**
   * Weights prepared for a kernel (Winograd-transformed, GEMM-packed) kept in wasm memory across calls:
   * the address of `floats` values derived from `source` (the weights' storage) in layout `tag`,
   * computed by `fill(ptr)` the first time, or -1 when the prepared total is at its cap (the kernel then
   * prepares into scratch). Storage never changes in place (updates make new storage), so the source's
   * identity is the version; `forget` frees what was derived from a released source.
   */
  resident(source: object, tag: string, floats: number, fill: (ptr: number) => void): number {
    let byTag = this.prepared.get(source);
    const hit = byTag?.get(tag);
    if (hit !== undefined) return hit;
    const bytes = align(4 * floats, 64);
    if (this.preparedBytes + bytes > PREPARED_MAX_BYTES) {
      // Sources the garbage collector took leave their blocks behind: start over once full.
      this.clearPrepared();
      if (bytes > PREPARED_MAX_BYTES) return -1;
    }
    const ptr = this.grab(bytes);
    try {
      fill(ptr);
    } catch (e) {
      this.heap.free(ptr);
      throw e;
    }
    if (!byTag) this.prepared.set(source, (byTag = new Map()));
    byTag.set(tag, ptr);
    this.preparedBlocks.add(ptr);
    this.preparedBytes += this.heap.sizeOf(ptr)!;
    return ptr;
  }

  /** The source's storage was released: frees what was prepared from it. */
  forget(source: object): void {
    const byTag = this.prepared.get(source);
    if (!byTag) return;
    this.prepared.delete(source);
    for (const ptr of byTag.values()) this.dropPrepared(ptr);
  }

  /** Frees every prepared block (they are recomputed on next use). */
  clearPrepared(): void {
    for (const ptr of this.preparedBlocks) this.dropPrepared(ptr);
    this.prepared = new WeakMap();
  }

  private dropPrepared(ptr: number): void {
    if (!this.preparedBlocks.delete(ptr)) return;
    this.preparedBytes -= this.heap.sizeOf(ptr)!;
    this.heap.free(ptr);
  }

  /** Bytes of prepared weights in use (tests and profiles read it). */
  get residentBytes(): number {
    return this.preparedBytes;
  }

  /** Byte address of `n` 4-byte elements of scratch, freed when the kernel ends (64-aligned, contents undefined: NaN under `poison`). */
  alloc(n: number): number {
    const bytes = align(4 * n, 64);
    this.scratchBytes += bytes;
    if (this.slabTop + bytes <= this.slab + this.slabBytes) {
      const ptr = this.slabTop;
      this.slabTop += bytes;
      if (this.poison) this.f32.fill(NaN, ptr >> 2, (ptr + bytes) >> 2);
      return ptr;
    }
    const ptr = this.grab(bytes);
    this.overflow.push(ptr);
    return ptr;
  }

  /** Byte address of a kernel output of `n` 4-byte elements: it becomes tensor storage when the kernel succeeds. */
  output(n: number): number {
    const ptr = this.grab(4 * n);
    this.outputs.push(ptr);
    return ptr;
  }

  /** Heap block of `bytes` (NaN-filled under `poison`); the heap's limit becomes ScratchLimitError. */
  private grab(bytes: number): number {
    let ptr: number;
    try {
      ptr = this.heap.malloc(bytes);
    } catch (e) {
      if (!(e instanceof HeapFullError)) throw e;
      throw new ScratchLimitError(`a kernel needs ${(bytes / 2 ** 20).toFixed(0)} MiB more wasm memory: ${e.message}`);
    }
    if (this.poison) this.f32.fill(NaN, ptr >> 2, (ptr + bytes) >> 2);
    return ptr;
  }

  /** Grows the memory to cover [0, end). */
  private cover(end: number): void {
    const pages = this.memory.buffer.byteLength / PAGE, need = Math.ceil(end / PAGE) - pages;
    if (need <= 0) return;
    if (end > this.maxBytes) throw new HeapFullError(`above the ${(this.maxBytes / 2 ** 20).toFixed(0)} MiB limit of wasm memory here (32-bit pointers)`);
    // Grow by at least an eighth (16 MiB at first): growing and re-making the views costs per call.
    const step = Math.min(Math.floor(this.maxBytes / PAGE) - pages, Math.max(need, GROW_MIN_PAGES, pages >> 3));
    try {
      this.memory.grow(step);
    } catch (e) {
      throw new HeapFullError((e as Error).message);
    }
    this.refresh();
  }

  /** Testing aid: fill every allocation and the per-thread scratch with NaN, so reads of unwritten memory show. */
  poison = false;

  /** Wasm memory the heap may grow to (2 GiB; tests lower it to reach a full heap). */
  maxBytes = MAX_PAGES * PAGE;

  /** The operand's address: resident storage as is, else its values copied into scratch (int32 stays int32). */
  ptrOf(x: Operand): number {
    return x.ptr >= 0 ? x.ptr : this.putOperand(x, x.dtype === 'int32');
  }

  /** The operand's address as float32: int32 operands are converted into scratch. */
  f32PtrOf(x: Operand): number {
    return x.ptr >= 0 && x.dtype === 'float32' ? x.ptr : this.putOperand(x, false);
  }

  /** Copies an operand into fresh scratch, as int32 or as float32 (int32 values convert). */
  private putOperand(x: Operand, asInt: boolean): number {
    const ptr = this.alloc(x.length);
    x.copyTo(asInt ? this.i32 : this.f32, ptr >> 2);
    return ptr;
  }

  /** Copies float32 or int32 values into fresh scratch. */
  put(values: TypedArray): number {
    const ptr = this.alloc(values.length);
    if (values instanceof Int32Array) this.i32.set(values, ptr >> 2);
    else this.f32.set(values as Float32Array, ptr >> 2);
    return ptr;
  }

  /** Copies an operand's values into a new heap block the caller owns (tensor storage). */
  upload(x: Operand): number {
    const ptr = this.grab(4 * x.length);
    x.copyTo(x.dtype === 'int32' ? this.i32 : this.f32, ptr >> 2);
    return ptr;
  }

  /** Where JS copies come from (the backend shares its pool so released copies are reused). */
  arrays = new ArrayPool();

  /** A fresh JS array of n elements that the caller fills completely (NaN bits under `poison`). */
  outputArray<T extends Float32ArrayConstructor | Int32ArrayConstructor>(type: T, n: number): InstanceType<T> {
    const out = this.arrays.acquire(type, n);
    if (this.poison) new Int32Array(out.buffer, out.byteOffset, n).fill(0x7fc00000);
    return out;
  }

  /** A JS copy of n float32 values at ptr. */
  takeF32(ptr: number, n: number): Float32Array {
    const out = this.arrays.acquire(Float32Array, n);
    out.set(this.f32.subarray(ptr >> 2, (ptr >> 2) + n));
    return out;
  }

  /** A JS copy of n int32 values at ptr. */
  takeI32(ptr: number, n: number): Int32Array {
    const out = this.arrays.acquire(Int32Array, n);
    out.set(this.i32.subarray(ptr >> 2, (ptr >> 2) + n));
    return out;
  }

  /** The single int32 at ptr. */
  readI32(ptr: number): number {
    return this.i32[ptr >> 2];
  }

  /** Writes float64 values at ptr (8-aligned). */
  /** Writes f64 values at `ptr` (8-aligned). */
  setF64(ptr: number, values: readonly number[]): void {
    this.f64.set(values, ptr >> 3);
  }

  /**
   * How many chunks a kernel of `work` multiply-adds should be split into (1 = stay on this thread).
   * It depends on the configured thread count only (not on which workers are up yet), so results are
   * reproducible for a given thread count.
   */
  chunksFor(work: number): number {
    if (!this.pool || work < THREAD_MIN_WORK) return 1;
    // A split kernel dispatches soon: sleeping workers wake while it prepares.
    this.pool.wake();
    return this.threads * CHUNKS_PER_THREAD;
  }

  /** Runs every chunk (a list of calls) once, spread over the threads; returns when all are done. */
  run(chunks: readonly (readonly Call[])[]): void {
    const bp = this.bp(0), tmp = this.tmp(0);
    const local = (chunk: readonly Call[]) => {
      for (const [name, ...args] of chunk) {
        for (let i = 0; i < args.length; i++) if (args[i] < 0) args[i] = args[i] === MY_BP ? bp : args[i] === MY_TMP ? tmp : args[i];
        this.fns[name](...args);
      }
    };
    if (chunks.length <= 1 || !this.pool) chunks.forEach(local);
    else this.pool.run(chunks, this.threads - 1, local);
  }

  /** Testing aid (see ThreadPool.workerFirst): dispatched workers surely run a chunk. */
  set workerFirst(on: boolean) {
    if (this.pool) this.pool.workerFirst = on;
  }

  /** Times kernels stayed on the calling thread because the workers lagged (a loaded machine). */
  get backoffs(): number {
    return this.pool?.backoffs ?? 0;
  }

  /** Chunks that worker threads ran so far. */
  get dispatched(): number {
    return this.pool?.workerChunks ?? 0;
  }

  async whenReady(): Promise<boolean> {
    return this.pool ? this.pool.whenReady() : true;
  }

  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }
}

/** Scratch memory cannot grow enough for a kernel: the backend runs the reference kernel instead. */
export class ScratchLimitError extends Error {}

export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * A kernel's thread chunks over independent items (images, filter panels): like splitRange, but from
 * 2 threads on (6 chunks or more) sizes decrease in proportion p, p-1, ..., 1. Threads claim chunks in
 * order, so the last ones claimed are small, and a thread that woke late or was descheduled holds up the
 * others by a small chunk, not by 1/p of the kernel. Only for loops whose results do not depend on where
 * chunks end and whose scratch is per item (blocking that sizes buffers by the largest range uses
 * splitRange: Winograd's tile blocks overran when every split used this). Measured with 2 threads, one
 * process, interleaved with equal chunks (step time, after / before): natural FuaNet 0.987 and 1.003,
 * natural LeNet-5 0.974, W1b 0.985; with every split using it, W3a 17.2 -> 15.2 ms and W3b 38.4 -> 36.4.
 */
export function chunkRanges(n: number, parts: number, step: number): [number, number][] {
  const units = Math.ceil(n / step);
  const p = Math.max(1, Math.min(parts, units));
  if (p < GUIDED_MIN_PARTS) return splitRange(n, parts, step);
  const out: [number, number][] = [], total = (p * (p + 1)) / 2;
  for (let i = 0, acc = 0; i < p; i++) {
    const a = Math.min(n, Math.round((acc * units) / total) * step);
    acc += p - i;
    const b = Math.min(n, Math.round((acc * units) / total) * step);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/**
 * Splits [0, n) into at most `parts` contiguous ranges whose starts are multiples of `step`,
 * as equal as possible; empty ranges are dropped.
 */
export function splitRange(n: number, parts: number, step: number): [number, number][] {
  const units = Math.ceil(n / step);
  const p = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0; i < p; i++) {
    const a = Math.min(n, Math.round((i * units) / p) * step);
    const b = Math.min(n, Math.round(((i + 1) * units) / p) * step);
    if (b > a) out.push([a, b]);
  }
  return out;
}
