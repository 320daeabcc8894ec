/**
 * Tensor storage of the wasm backend. A buffer is resident (a block of the runtime's heap: what a wasm
 * kernel wrote its result into, read by the next kernel where it lies), a JS typed array (user data,
 * float64, reference-kernel results), or both (a JS buffer that kernels keep reading is copied into wasm
 * memory for good; a resident one read from JS keeps its copy, since storage never changes in place).
 *
 * Storage is freed when its last reference is released (scopes, module calls, backward, the optimizer),
 * else by a finalizer once the garbage collector took the tensor. A synchronous loop never runs
 * finalizers, so resident bytes are capped, least recently used first out: a block JS also holds is
 * simply dropped (the GC reclaims the rest with the tensor); a block only wasm holds is copied out to JS.
 * Nothing the allocator lists refers back to a tensor's JS values, so listing never keeps them alive.
 */
import type { DataId, MemoryInfo } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../../tensor/dtype.js';
import type { WasmRuntime } from './runtime.js';
import type { Buf } from './types.js';
import { ArrayPool } from './array-pool.js';

/** A buffer's place in wasm memory (ptr -1: none) and its size; the allocator's lists hold these. */
export class Residence {
  ptr = -1;
  constructor(readonly bytes: number) {}
}

/** Writes a buffer's values into `dst` from element `at` on (dst is float32 or int32 either way). */
export type Filler = (dst: TypedArray, at: number) => void;

/** A buffer's values: at `home.ptr` in wasm memory, in `js`, or both; or still to be written by `fill`. */
export class Block {
  readonly home: Residence;
  /** Kernel uses while JS-only (promotion counts them). */
  uses = 0;
  /** Writes the values where they are needed, until they are in JS or wasm memory. */
  fill: Filler | null = null;
  constructor(
    public js: TypedArray | null,
    readonly length: number,
    readonly dtype: DType,
  ) {
    this.home = new Residence(length * (dtype === 'float64' ? 8 : 4));
  }
  get ptr(): number {
    return this.home.ptr;
  }
}

class Operand implements Buf {
  readonly key: Residence;
  readonly ptr: number;
  readonly dtype: DType;
  readonly length: number;
  constructor(private readonly store: WasmStore, private readonly block: Block, readonly shape: number[]) {
    this.key = block.home;
    this.ptr = block.home.ptr;
    this.dtype = block.dtype;
    this.length = block.length;
  }
  get values(): TypedArray {
    return this.store.valuesOf(this.block);
  }
  copyTo(dst: TypedArray, at: number): void {
    const fill = this.block.fill;
    if (fill) fill(dst, at);
    else dst.set(this.values, at);
  }
}

class Storage implements DataId {
  /** Whether the FinalizationRegistry watches it (see WasmStore.track). */
  registered = false;
  constructor(
    readonly id: number,
    public block: Block | null,
    public refs: number,
  ) {}
}

/**
 * New buffers wait this many (or this many bytes) before the garbage collector is told to watch those
 * not yet released. Most are released within a step (release points), so they never cost a registration
 * and an unregistration (~1 us together, the largest JS cost per tensor in a small model's call).
 */
const YOUNG_MAX = 512;
const YOUNG_MAX_BYTES = 64 * 2 ** 20;

/** Default cap on storage only wasm memory holds, before the least recently used is copied out to JS. */
export const DEFAULT_RESIDENT_LIMIT = 1024 * 2 ** 20;
/** Cap on wasm copies of buffers JS holds as well (dropping one costs nothing). */
export const MIRRORED_LIMIT = 128 * 2 ** 20;
/**
 * A JS buffer is copied into wasm memory for good at its this-many-th kernel use: weights read by every
 * call get there, a batch read by a forward and a backward kernel stays in JS (it would only linger).
 */
const PROMOTE_AT_USE = 3;
/** A resident block read from JS keeps its wasm copy from this size on (copying a smaller one back in is cheap). */
const KEEP_READ_BACK_BYTES = 16384;

export class WasmStore {
  private nextId = 1;
  private liveBuffers = 0;
  private liveBytes = 0;
  private rt: WasmRuntime | null = null;
  /** Resident blocks only wasm memory holds, least recently used first. */
  private readonly owned = new Map<Residence, Block>();
  private ownedBytes = 0;
  /** Wasm copies of blocks JS holds as well, least recently used first. */
  private readonly mirrored = new Set<Residence>();
  private mirroredBytes = 0;
  private readonly collected = new FinalizationRegistry<Residence>((home) => this.reclaim(home));
  /** Buffers not yet watched by the FinalizationRegistry, oldest first (see track). */
  private young: Storage[] = [];
  private youngBytes = 0;
  private watchQueued = false;
  private readonly watchLater = () => {
    this.watchQueued = false;
    this.watchYoung();
  };
  /** Bytes of wasm-only storage above which the least recently used is copied out to JS. */
  residentLimit = DEFAULT_RESIDENT_LIMIT;
  /** Whether kernels may copy JS buffers into wasm memory for good (off: into scratch on every call). */
  promote = true;
  /** Buffers copied out to JS so far (tests and profiles read it). */
  evictions = 0;

  constructor(readonly arrays: ArrayPool) {}

  /** Switches runtimes: every resident buffer of the old one moves to JS first (its memory goes away). */
  attach(rt: WasmRuntime | null): void {
    for (const block of [...this.owned.values()]) this.evict(block);
    for (const home of [...this.mirrored]) this.dropCopy(home);
    this.rt = rt;
  }

  /** Keeps `values` as a JS buffer (the caller hands over ownership). */
  write(values: TypedArray, dtype: DType): DataId {
    return this.track(new Block(values, values.length, dtype));
  }

  /**
   * Stores `length` values that `fill` writes on demand (a dataset batch, gathered from arrays nobody
   * changes): a kernel that reads it has them written straight into its scratch, JS gets them once when
   * it reads them. A batch thus costs no fresh JS array (a page fault per 4 KiB) and holds no wasm memory
   * until the garbage collector takes it. float64, or no runtime: filled into a JS array now.
   */
  writeWith(dtype: DType, length: number, fill: Filler): DataId {
    if (!this.rt || dtype === 'float64' || length === 0) {
      const values = allocArray(dtype, length);
      fill(values, 0);
      return this.write(values, dtype);
    }
    const block = new Block(null, length, dtype);
    block.fill = fill;
    return this.track(block);
  }

  /** Makes the heap block at ptr (a kernel's output) the storage of a new buffer. */
  adopt(ptr: number, length: number, dtype: DType): DataId {
    const block = new Block(null, length, dtype);
    block.home.ptr = ptr;
    this.owned.set(block.home, block);
    this.ownedBytes += block.home.bytes;
    return this.track(block);
  }

  /**
   * Counts a new buffer. It is held here, unwatched, until YOUNG_MAX newer ones (or YOUNG_MAX_BYTES) came
   * or the event loop turns; then the garbage collector watches it if it is still live (a buffer nobody
   * released is then reclaimed as before, at most that much later).
   */
  private track(block: Block): Storage {
    const storage = new Storage(this.nextId++, block, 1);
    this.liveBuffers++;
    this.liveBytes += block.home.bytes;
    this.young.push(storage);
    this.youngBytes += block.home.bytes;
    if (this.young.length >= YOUNG_MAX || this.youngBytes > YOUNG_MAX_BYTES) this.watchYoung();
    else if (!this.watchQueued) {
      this.watchQueued = true;
      const timer = setTimeout(this.watchLater, 0) as { unref?: () => void };
      timer.unref?.();
    }
    return storage;
  }

  /** Hands every young buffer still live to the FinalizationRegistry. */
  private watchYoung(): void {
    for (const s of this.young) {
      if (!s.block) continue;
      s.registered = true;
      this.collected.register(s, s.block.home, s);
    }
    this.young = [];
    this.youngBytes = 0;
  }

  /** The live block of a buffer, or a clear error when it was released. */
  blockOf(dataId: DataId): Block {
    const block = (dataId as Storage).block;
    if (!block) throw new Error(`wasm backend: buffer ${dataId.id} was already released (tensor used after dispose?)`);
    return block;
  }

  /** The buffer's values in JS (a resident buffer is copied once; callers must not mutate the result). */
  readSync(dataId: DataId): TypedArray {
    const block = this.blockOf(dataId);
    const values = this.valuesOf(block);
    // Small results read from JS (logits, losses, metrics) are mostly dropped unreleased: keep them in JS
    // only. Never inside a kernel (valuesOf), whose operands' addresses must stay valid.
    if (block.home.ptr >= 0 && block.home.bytes < KEEP_READ_BACK_BYTES) this.dropCopy(block.home);
    return values;
  }

  /** The block's values in JS (copied out once when resident); its wasm copy stays where it is. */
  valuesOf(block: Block): TypedArray {
    if (block.js) return block.js;
    const home = block.home;
    if (block.fill && home.ptr < 0) {
      const js = this.arrays.acquire(block.dtype === 'int32' ? Int32Array : Float32Array, block.length);
      block.fill(js, 0);
      block.js = js;
      block.fill = null;
      return js;
    }
    block.js = this.copyOut(block);
    if (this.owned.delete(home)) {
      this.ownedBytes -= home.bytes;
      this.mirrored.add(home);
      this.mirroredBytes += home.bytes;
    }
    return block.js;
  }

  private copyOut(block: Block): TypedArray {
    const rt = this.rt!;
    return block.dtype === 'int32' ? rt.takeI32(block.ptr, block.length) : rt.takeF32(block.ptr, block.length);
  }

  /** A fresh copy of what wasm memory holds for a resident buffer (tests check kernels leave inputs alone). */
  wasmCopy(dataId: DataId): TypedArray | null {
    const block = this.blockOf(dataId);
    return block.ptr < 0 ? null : this.copyOut(block).slice();
  }

  /** What a kernel reads for this buffer: its address when resident, its values on demand. */
  operand(block: Block, shape: number[]): Buf {
    return new Operand(this, block, shape);
  }

  /**
   * Before a kernel reads `blocks`: resident ones become the most recently used, JS buffers read often
   * are copied into wasm memory, and the caps are enforced on the others.
   */
  use(blocks: readonly Block[]): void {
    for (const block of blocks) {
      const home = block.home;
      if (home.ptr >= 0) {
        if (this.owned.delete(home)) this.owned.set(home, block);
        else if (this.mirrored.delete(home)) this.mirrored.add(home);
      } else if (this.promote && this.rt && block.dtype !== 'float64' && block.length > 0 && ++block.uses >= PROMOTE_AT_USE) {
        try {
          home.ptr = this.rt.upload(new Operand(this, block, []));
        } catch {
          continue; // wasm memory is full: the kernel copies it into scratch, or falls back
        }
        this.mirrored.add(home);
        this.mirroredBytes += home.bytes;
      }
    }
    if (this.mirroredBytes > MIRRORED_LIMIT || this.ownedBytes > this.residentLimit) this.trim(blocks);
  }

  /** Enforces both caps, least recently used first, sparing `keep` (the blocks a kernel is about to read). */
  private trim(keep: readonly Block[]): void {
    const kept = new Set(keep.map((b) => b.home));
    if (this.mirroredBytes > MIRRORED_LIMIT) {
      for (const home of [...this.mirrored]) {
        if (this.mirroredBytes <= MIRRORED_LIMIT / 2) break;
        if (!kept.has(home)) this.dropCopy(home);
      }
    }
    if (this.ownedBytes > this.residentLimit) {
      for (const [home, block] of [...this.owned]) {
        if (this.ownedBytes <= this.residentLimit / 2) break;
        if (!kept.has(home)) this.evict(block);
      }
    }
  }

  incRef(dataId: DataId): void {
    this.blockOf(dataId);
    (dataId as Storage).refs++;
  }

  release(dataId: DataId): void {
    const s = dataId as Storage;
    if (!s.block || --s.refs > 0) return;
    const block = s.block;
    s.block = null;
    if (s.registered) this.collected.unregister(s);
    this.free(block.home);
    if (block.js) this.arrays.recycle(block.js);
    block.js = null;
    block.fill = null;
  }

  /** The garbage collector took a buffer nobody released (its JS values went with it). */
  private reclaim(home: Residence): void {
    this.free(home);
  }

  private free(home: Residence): void {
    this.liveBuffers--;
    this.liveBytes -= home.bytes;
    this.rt?.forget(home);
    if (home.ptr < 0) return;
    if (this.owned.delete(home)) this.ownedBytes -= home.bytes;
    else if (this.mirrored.delete(home)) this.mirroredBytes -= home.bytes;
    this.rt?.heap.free(home.ptr);
    home.ptr = -1;
  }

  /** Drops the wasm copy of a block JS holds as well. */
  private dropCopy(home: Residence): void {
    this.mirrored.delete(home);
    this.mirroredBytes -= home.bytes;
    this.rt!.heap.free(home.ptr);
    home.ptr = -1;
  }

  /** Copies a block only wasm holds out to JS and frees its wasm memory. */
  private evict(block: Block): void {
    this.valuesOf(block); // moves it to the mirrored list
    this.dropCopy(block.home);
    this.evictions++;
  }

  /** Moves every resident buffer but `keep` to JS (a kernel found wasm memory full). */
  evictAll(keep: readonly Block[]): void {
    const kept = new Set(keep.map((b) => b.home));
    for (const [home, block] of [...this.owned]) if (!kept.has(home)) this.evict(block);
    for (const home of [...this.mirrored]) if (!kept.has(home)) this.dropCopy(home);
  }

  /** Resident bytes now (wasm-only and mirrored). */
  get bytesResident(): number {
    return this.ownedBytes + this.mirroredBytes;
  }

  memory(): MemoryInfo {
    return { numBuffers: this.liveBuffers, numBytes: this.liveBytes };
  }
}
