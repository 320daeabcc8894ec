/**
 * The allocator of wasm memory above the runtime's fixed scratch: tensor storage, prepared weights
 * and per-kernel scratch all come from here, so a new tensor reuses memory a released one left (pages
 * already touched) instead of costing the OS a fresh, page-faulting allocation.
 *
 * Segregated fits with immediate coalescing (the shape of TLSF): free blocks sit in bins of 4 per power
 * of two, a request takes the first fitting block from its bin or any larger bin and splits off the
 * rest; a freed block merges with free neighbours, and a free block at the top is returned to the
 * unused region above. Bookkeeping lives in JS maps, never in wasm memory, so a kernel writing out of
 * bounds cannot corrupt it.
 *
 * In front of that, freed blocks up to CACHE_BLOCK_MAX bytes wait in a per-size cache (a stack per size,
 * CACHE_MAX_BYTES in all) for the next request of their size: a training step or an inference call asks
 * for the same sizes every time, and a cached block is an array pop instead of four map updates and a
 * bin search (the allocator's maps were ~7% of a LeNet-5 batch-1 call). Before the top passes its
 * high-water mark, the cache is freed for real (coalesced), so cached blocks never make wasm memory
 * larger nor touch fresh pages; below the mark a request the cache cannot serve takes the top as it is
 * (flushing there cost a loss step three flushes: a step's tensors the garbage collector frees later,
 * such as the loss and last step's gradients, miss the cache every time).
 */

export const HEAP_ALIGN = 64;
const SUB_BINS = 4;
/** Blocks of the request's own bin looked at before a larger bin is used (bounds the time of a malloc). */
const OWN_BIN_LOOKS = 8;

/** Largest block the size cache keeps, and the bytes it keeps in all. */
const CACHE_BLOCK_MAX = 4 * 2 ** 20;
const CACHE_MAX_BYTES = 32 * 2 ** 20;
/** Blocks of one size the cache keeps. */
const CACHE_PER_SIZE = 8;

/** The heap cannot grow enough (the 32-bit address space or the engine refused). */
export class HeapFullError extends Error {}

export class Heap {
  private readonly used = new Map<number, number>();
  private readonly freeAt = new Map<number, number>();
  private readonly freeEnding = new Map<number, number>();
  private readonly bins: Set<number>[] = [];
  /** End of the highest block; everything above it is unused. */
  private top: number;
  /** The highest the top has been: memory below it has been handed out before. */
  private highWater: number;
  private inUse = 0;
  /** Freed blocks by size, waiting for a request of that size (see the header). */
  private readonly cache = new Map<number, number[]>();
  private cachedBytes = 0;

  /**
   * `base`: the first address (aligned). `ensure(end)` makes memory cover [0, end) or throws; it is called
   * before an address at or above the current top is handed out.
   */
  constructor(readonly base: number, private readonly ensure: (end: number) => void) {
    this.top = base;
    this.highWater = base;
  }

  /** Bytes handed out and not freed. */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** The highest address in use (what the memory must cover). */
  get end(): number {
    return this.top;
  }

  /** Blocks handed out and not freed. */
  get blocks(): number {
    return this.used.size;
  }

  /** Address of `bytes` bytes (HEAP_ALIGN-aligned, contents undefined). */
  malloc(bytes: number): number {
    const size = Math.max(HEAP_ALIGN, Math.ceil(bytes / HEAP_ALIGN) * HEAP_ALIGN);
    const cached = this.cache.get(size);
    let ptr: number;
    if (cached !== undefined && cached.length > 0) {
      ptr = cached.pop()!;
      this.cachedBytes -= size;
    } else {
      ptr = this.takeFree(size) ?? this.splitCached(size) ?? this.takeTop(size);
    }
    this.used.set(ptr, size);
    this.inUse += size;
    return ptr;
  }

  /** Returns a block from malloc (freeing anything else throws: a double free is a bug). */
  free(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: free of ${ptr}, which is not an allocated block`);
    this.used.delete(ptr);
    this.inUse -= size;
    if (size <= CACHE_BLOCK_MAX && this.cachedBytes + size <= CACHE_MAX_BYTES) {
      let stack = this.cache.get(size);
      if (stack === undefined) this.cache.set(size, (stack = []));
      if (stack.length < CACHE_PER_SIZE) {
        stack.push(ptr);
        this.cachedBytes += size;
        return;
      }
    }
    this.release(ptr, size);
  }

  /** Frees every cached block for real (they coalesce with their neighbours and the top). */
  flushCache(): void {
    if (this.cachedBytes === 0) return;
    for (const [size, stack] of this.cache) for (const ptr of stack) this.release(ptr, size);
    this.cache.clear();
    this.cachedBytes = 0;
  }

  /** Returns a block to the free bins, merged with free neighbours (or to the unused region at the top). */
  private release(ptr: number, size: number): void {
    let start = ptr, end = ptr + size;
    const before = this.freeEnding.get(start);
    if (before !== undefined) {
      this.unlinkFree(before);
      start = before;
    }
    const afterSize = this.freeAt.get(end);
    if (afterSize !== undefined) {
      this.unlinkFree(end);
      end += afterSize;
    }
    if (end === this.top) this.top = start;
    else this.linkFree(start, end - start);
  }

  /** Size of the block at ptr (rounded up as allocated), or undefined when ptr is not allocated. */
  sizeOf(ptr: number): number | undefined {
    return this.used.get(ptr);
  }

  private takeFree(size: number): number | null {
    const own = binOf(size);
    for (let b = own; b < this.bins.length; b++) {
      const bin = this.bins[b];
      if (!bin || bin.size === 0) continue;
      let looked = 0;
      for (const start of bin) {
        const have = this.freeAt.get(start)!;
        if (have >= size) {
          this.unlinkFree(start);
          if (have > size) this.linkFree(start + size, have - size);
          return start;
        }
        // Only the request's own bin holds smaller blocks; a few looks there, then any larger bin fits.
        if (++looked === OWN_BIN_LOOKS) break;
      }
    }
    return null;
  }

  /**
   * The smallest cached block larger than `size` (up to twice it), split: its rest goes to the free bins.
   * Cheaper than coalescing the whole cache, and it keeps the top where it is.
   */
  private splitCached(size: number): number | null {
    let best = 0;
    for (const [have, stack] of this.cache) {
      if (have > size && have <= 2 * size && stack.length > 0 && (best === 0 || have < best)) best = have;
    }
    if (best === 0) return null;
    const ptr = this.cache.get(best)!.pop()!;
    this.cachedBytes -= best;
    this.release(ptr + size, best - size);
    return ptr;
  }

  private takeTop(size: number): number {
    if (this.cachedBytes > 0 && this.top + size > this.highWater) {
      // Pass the high-water mark only when nothing freed fits: free the cached blocks for real and look again.
      this.flushCache();
      const ptr = this.takeFree(size);
      if (ptr !== null) return ptr;
    }
    // release() returns a block ending at the top to the unused region, so none ends there.
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    this.highWater = Math.max(this.highWater, this.top);
    return ptr;
  }

  private linkFree(start: number, size: number): void {
    this.freeAt.set(start, size);
    this.freeEnding.set(start + size, start);
    const b = binOf(size);
    (this.bins[b] ??= new Set()).add(start);
  }

  private unlinkFree(start: number): void {
    const size = this.freeAt.get(start)!;
    this.freeAt.delete(start);
    this.freeEnding.delete(start + size);
    this.bins[binOf(size)].delete(start);
  }
}

/** Bin of a size: SUB_BINS bins per power of two of HEAP_ALIGN units. */
function binOf(size: number): number {
  const units = size / HEAP_ALIGN;
  // Sizes stay below 2^31 units (wasm memory is at most 4 GiB): clz32 is the exact floor(log2).
  const log = 31 - Math.clz32(units);
  if (log < 2) return units - 1; // 1, 2, 3 units: a bin each
  // The SUB_BINS (4) bins of a power of two: the two bits below the leading one.
  return log * SUB_BINS + ((units >>> (log - 2)) & 3);
}
