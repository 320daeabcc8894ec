/**
 * Tensor storage of the wasm backend. A buffer is either resident (a block of the runtime's heap: what
 * a wasm kernel wrote its result into, read by the next kernel where it lies) or a JS typed array (user
 * data, float64, reference-kernel results; a kernel copies it into scratch when it needs it).
 *
 * Resident storage is freed when its last reference is released (scopes, module calls, backward, the
 * optimizer), else by a finalizer once the garbage collector took the tensor. A synchronous loop never
 * runs finalizers, so resident bytes are capped: above `residentLimit`, the oldest resident buffers are
 * moved out to JS arrays, which the garbage collector reclaims like any other. Reading a resident
 * buffer from JS copies it once and keeps the copy (storage never changes in place).
 */
import type { DataId, MemoryInfo } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { WasmRuntime } from './runtime.js';
import type { Buf } from './types.js';
import { ArrayPool } from './array-pool.js';

/** Where a buffer's values are: at `ptr` in wasm memory (>= 0), or in `js` (then ptr is -1). */
export class Block {
  constructor(
    public ptr: number,
    /** The values when not resident; a read-back copy (or null) when resident. */
    public js: TypedArray | null,
    readonly length: number,
    readonly dtype: DType,
  ) {}
}

class Storage implements DataId {
  constructor(
    readonly id: number,
    public block: Block | null,
    public refs: number,
  ) {}
}

/** Default cap on resident storage that only wasm memory holds, before the least recently used moves to JS. */
export const DEFAULT_RESIDENT_LIMIT = 1024 * 2 ** 20;
/** Cap on resident copies of buffers that JS holds as well (dropping one costs nothing). */
export const MIRRORED_LIMIT = 128 * 2 ** 20;

/** Resident blocks in least-recently-used order, with their byte total. */
class LruBlocks {
  readonly blocks = new Set<Block>();
  bytes = 0;
  add(block: Block): void {
    this.blocks.add(block);
    this.bytes += 4 * block.length;
  }
  delete(block: Block): boolean {
    if (!this.blocks.delete(block)) return false;
    this.bytes -= 4 * block.length;
    return true;
  }
  touch(block: Block): void {
    if (this.blocks.delete(block)) this.blocks.add(block);
  }
}

export class WasmStore {
  private nextId = 1;
  private liveBuffers = 0;
  private liveBytes = 0;
  private rt: WasmRuntime | null = null;
  /** Resident blocks whose values only wasm memory holds. */
  private readonly owned = new LruBlocks();
  /** Resident blocks whose values JS holds too (user data a kernel read, buffers read back). */
  private readonly mirrored = new LruBlocks();
  private readonly collected = new FinalizationRegistry<Block>((block) => this.reclaim(block));
  /** Bytes of wasm-only storage above which the least recently used buffers move to JS (see the module comment). */
  residentLimit = DEFAULT_RESIDENT_LIMIT;
  /** Whether kernels copy JS buffers into wasm memory for good when they first read them (off: into scratch per call). */
  promote = true;
  /** Buffers moved out to JS so far (tests and profiles read it). */
  evictions = 0;

  constructor(readonly arrays: ArrayPool) {}

  /** Switches runtimes: every resident buffer of the old one moves to JS first (its memory goes away). */
  attach(rt: WasmRuntime | null): void {
    for (const block of [...this.owned.blocks, ...this.mirrored.blocks]) this.evict(block);
    this.rt = rt;
  }

  /** Keeps `values` as a JS buffer (the caller hands over ownership). */
  write(values: TypedArray, dtype: DType): DataId {
    return this.track(new Block(-1, values, values.length, dtype));
  }

  /** Makes the heap block at ptr (a kernel's output) the storage of a new buffer. */
  adopt(ptr: number, length: number, dtype: DType): DataId {
    const block = new Block(ptr, null, length, dtype);
    this.owned.add(block);
    return this.track(block);
  }

  private track(block: Block): Storage {
    const storage = new Storage(this.nextId++, block, 1);
    this.liveBuffers++;
    this.liveBytes += bytesOf(block);
    this.collected.register(storage, block, storage);
    return storage;
  }

  /** The live block of a buffer, or a clear error when it was released. */
  blockOf(dataId: DataId): Block {
    const block = (dataId as Storage).block;
    if (!block) throw new Error(`wasm backend: buffer ${dataId.id} was already released (tensor used after dispose?)`);
    return block;
  }

  /** The buffer's values in JS (a resident buffer is copied once; callers must not mutate the result). */
  readSync(dataId: DataId): TypedArray {
    return this.valuesOf(this.blockOf(dataId));
  }

  valuesOf(block: Block): TypedArray {
    if (block.js) return block.js;
    const rt = this.rt!;
    block.js = block.dtype === 'int32' ? rt.takeI32(block.ptr, block.length) : rt.takeF32(block.ptr, block.length);
    if (this.owned.delete(block)) this.mirrored.add(block);
    return block.js;
  }

  /** A fresh copy of what wasm memory holds for a resident buffer (tests check kernels leave inputs alone). */
  wasmCopy(dataId: DataId): TypedArray | null {
    const block = this.blockOf(dataId);
    if (block.ptr < 0) return null;
    return block.dtype === 'int32' ? this.rt!.takeI32(block.ptr, block.length).slice() : this.rt!.takeF32(block.ptr, block.length).slice();
  }

  /**
   * Before a kernel reads `blocks`: JS buffers it can read in wasm are copied there (promote), resident
   * ones become the most recently used, and the caps are enforced on the others.
   */
  use(blocks: readonly Block[]): void {
    for (const block of blocks) {
      if (block.ptr >= 0) {
        this.owned.touch(block);
        this.mirrored.touch(block);
      } else if (this.promote && this.rt && (block.dtype === 'float32' || block.dtype === 'int32') && block.length > 0) {
        try {
          block.ptr = this.rt.upload(block.js as Float32Array | Int32Array);
        } catch {
          continue; // wasm memory is full: the kernel copies it into scratch, or falls back
        }
        this.mirrored.add(block);
      }
    }
    if (this.mirrored.bytes > MIRRORED_LIMIT) this.trimSet(this.mirrored, MIRRORED_LIMIT / 2, blocks);
    if (this.owned.bytes > this.residentLimit) this.trimSet(this.owned, this.residentLimit / 2, blocks);
  }

  private trimSet(set: LruBlocks, target: number, keep: readonly Block[]): void {
    for (const block of [...set.blocks]) {
      if (set.bytes <= target) break;
      if (!keep.includes(block)) this.evict(block);
    }
  }

  /** What a kernel reads for this buffer: its address when resident, its values on demand. */
  operand(block: Block, shape: number[]): Buf {
    const valuesOf = (b: Block) => this.valuesOf(b);
    return {
      key: block, ptr: block.ptr, dtype: block.dtype, shape,
      get values() {
        return valuesOf(block);
      },
    };
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
    this.collected.unregister(s);
    this.liveBuffers--;
    this.liveBytes -= bytesOf(block);
    this.free(block);
  }

  /** The garbage collector took a buffer nobody released. */
  private reclaim(block: Block): void {
    this.liveBuffers--;
    this.liveBytes -= bytesOf(block);
    this.free(block);
  }

  private free(block: Block): void {
    this.rt?.forget(block);
    if (block.ptr >= 0) this.dropWasm(block);
    if (block.js) this.arrays.recycle(block.js);
    block.js = null;
  }

  private dropWasm(block: Block): void {
    if (!this.owned.delete(block)) this.mirrored.delete(block);
    this.rt?.heap.free(block.ptr);
    block.ptr = -1;
  }

  /** Moves a resident buffer's values to JS (a copy unless JS holds them already) and frees its wasm memory. */
  private evict(block: Block): void {
    this.valuesOf(block);
    this.dropWasm(block);
    this.evictions++;
  }

  /** Moves every resident buffer but `keep` to JS (a kernel found wasm memory full). */
  evictAll(keep: readonly Block[]): void {
    for (const block of [...this.owned.blocks, ...this.mirrored.blocks]) if (!keep.includes(block)) this.evict(block);
  }

  /** Resident bytes now (wasm-only and mirrored). */
  get bytesResident(): number {
    return this.owned.bytes + this.mirrored.bytes;
  }

  memory(): MemoryInfo {
    return { numBuffers: this.liveBuffers, numBytes: this.liveBytes };
  }
}

function bytesOf(block: Block): number {
  return block.length * (block.dtype === 'float64' ? 8 : 4);
}
