/**
 * Reuse of JS arrays (a caching allocator, like PyTorch's) for copies of resident storage read from JS
 * and for evicted storage: a fresh large typed array costs a zero-fill plus a page fault per 4 KiB on
 * first write. Only arrays this pool handed out are taken back, and only once the backend has dropped
 * every reference to them (storage released); tensor reads hand users copies (Tensor.dataSync), so a
 * recycled array is never visible.
 */
import type { TypedArray } from '../../tensor/dtype.js';

/** Below this many elements a fresh array is cheap; pooling would only add bookkeeping. */
const MIN_POOLED = 1024;
/** Bytes kept for reuse at most; beyond that, released arrays go to the garbage collector. */
const MAX_POOLED_BYTES = 256 * 2 ** 20;

type UnsafeAlloc = { allocUnsafeSlow(bytes: number): { buffer: ArrayBuffer } };
const NodeBuffer = (globalThis as { Buffer?: UnsafeAlloc }).Buffer;

type OutType = Float32ArrayConstructor | Int32ArrayConstructor;

export class ArrayPool {
  private readonly free = new Map<string, TypedArray[]>();
  private readonly ours = new WeakSet<TypedArray>();
  private pooledBytes = 0;
  /** Arrays handed out again instead of allocated (tests and profiles read it). */
  reused = 0;

  /** An array of n elements with undefined contents: the caller writes every element. */
  acquire<T extends OutType>(type: T, n: number): InstanceType<T> {
    if (n < MIN_POOLED) return new type(n) as InstanceType<T>;
    const list = this.free.get(key(type, n));
    const hit = list?.pop();
    if (hit) {
      this.pooledBytes -= hit.byteLength;
      this.reused++;
      return hit as InstanceType<T>;
    }
    // In Node, skip the zero-fill: an unpooled Buffer owns its whole ArrayBuffer, so the array is as
    // private as `new type(n)`.
    const out = (NodeBuffer ? new type(NodeBuffer.allocUnsafeSlow(4 * n).buffer, 0, n) : new type(n)) as InstanceType<T>;
    this.ours.add(out);
    return out;
  }

  /** Takes back an array the backend no longer references (ignores arrays it did not hand out). */
  recycle(values: TypedArray): void {
    if (!this.ours.has(values) || this.pooledBytes + values.byteLength > MAX_POOLED_BYTES) return;
    const type = values instanceof Int32Array ? Int32Array : values instanceof Float32Array ? Float32Array : null;
    if (!type) return;
    const k = key(type, values.length);
    let list = this.free.get(k);
    if (!list) this.free.set(k, (list = []));
    list.push(values);
    this.pooledBytes += values.byteLength;
  }

  /** Drops every pooled array. */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  get bytes(): number {
    return this.pooledBytes;
  }
}

function key(type: OutType, n: number): string {
  return `${type === Int32Array ? 'i' : 'f'}${n}`;
}
