/**
 * Tensor storage in wasm memory: kernel outputs stay resident and are reused when released, the heap
 * keeps blocks apart and coalesces them, resident bytes stay under their caps in code that never
 * releases, and values survive every move (read-back, eviction, a runtime restart).
 */
import { afterAll, expect, test } from 'vitest';
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { Heap } from '../../src/backends/wasm/heap.js';
import type { TensorInfo } from '../../src/backends/backend.js';
import { prng, randBuf } from './harness.js';

const backends: WasmBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));

function backend(threads = 1): WasmBackend {
  const b = new WasmBackend({ threads });
  backends.push(b);
  return b;
}

function input(be: WasmBackend, shape: number[], seed: number): TensorInfo {
  const buf = randBuf(prng(seed), shape);
  return { dataId: be.write(buf.values, 'float32'), shape, dtype: 'float32' };
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const heapOf = (be: WasmBackend) => (be as unknown as { rt: { heap: Heap } }).rt.heap;

test('heap: random mallocs and frees never overlap, and freeing everything returns the heap to its base', () => {
  let covered = 0;
  const heap = new Heap(1024, (end) => (covered = Math.max(covered, end)));
  const rand = prng(7);
  const live = new Map<number, number>();
  for (let i = 0; i < 5000; i++) {
    if (live.size > 0 && rand() < 0.45) {
      const ptrs = [...live.keys()];
      const p = ptrs[Math.floor(rand() * ptrs.length)];
      heap.free(p);
      live.delete(p);
    } else {
      const bytes = 1 + Math.floor(rand() ** 3 * 200000);
      const p = heap.malloc(bytes);
      expect(p % 64).toBe(0);
      expect(p).toBeGreaterThanOrEqual(1024);
      expect(p + bytes).toBeLessThanOrEqual(covered);
      live.set(p, bytes);
    }
    if (i % 100 === 0) {
      const sorted = [...live].sort((u, v) => u[0] - v[0]);
      for (let k = 1; k < sorted.length; k++) {
        const [q, n] = sorted[k - 1];
        expect(q + n <= sorted[k][0], `block ${q}+${n} overlaps ${sorted[k][0]}`).toBe(true);
      }
    }
  }
  const inUse = [...live.keys()].reduce((s, p) => s + heap.sizeOf(p)!, 0);
  expect(heap.bytesInUse).toBe(inUse);
  for (const p of live.keys()) heap.free(p);
  expect(heap.bytesInUse).toBe(0);
  heap.flushCache(); // freed blocks of up to 4 MiB wait in the size cache until then
  expect(heap.end).toBe(1024);
  expect(() => heap.free(1024)).toThrow(/not an allocated block/);
});

test('heap: a freed block waits in the size cache for a request of its size; the heap grows only after the cache is coalesced', () => {
  let covered = 0;
  const heap = new Heap(0, (end) => (covered = Math.max(covered, end)));
  const a = heap.malloc(640), b = heap.malloc(640), c = heap.malloc(6400);
  heap.free(a);
  heap.free(b);
  expect(() => heap.free(b)).toThrow(/not an allocated block/); // a cached block is not allocated
  expect(heap.sizeOf(a)).toBeUndefined();
  expect(heap.malloc(600)).toBe(b); // same size: the last one freed
  expect(heap.malloc(640)).toBe(a);
  heap.free(a);
  heap.free(b);
  heap.free(c);
  // No cached block has 7680 bytes: before growing, the cache is freed for real, and a, b and c merge.
  const end = covered;
  expect(heap.malloc(7680)).toBe(a);
  expect(covered).toBe(end);
  expect(heap.bytesInUse).toBe(7680);
  // Blocks above 4 MiB are never cached: freed at the top, they go back to the unused region at once.
  const big = heap.malloc(5 * 2 ** 20);
  heap.free(big);
  expect(heap.end).toBe(big);
});

test('heap: below its high-water mark, a request the cache cannot serve takes the top and leaves the cache alone', () => {
  let covered = 0;
  const heap = new Heap(0, (end) => (covered = Math.max(covered, end)));
  const a = heap.malloc(640), big = heap.malloc(5 * 2 ** 20);
  heap.free(big); // never cached: the top goes back to big
  heap.free(a); // cached
  const end = covered;
  expect(heap.malloc(1280)).toBe(big); // under the mark: the top, no flush
  expect(heap.malloc(640)).toBe(a); // still in the cache
  expect(covered).toBe(end);
  // Past the mark the cache is freed for real first (nothing there fits 5 MiB), then the heap grows.
  heap.free(a);
  expect(heap.malloc(5 * 2 ** 20)).toBe(big + 1280);
  expect(covered).toBe(big + 1280 + 5 * 2 ** 20);
  expect(() => heap.free(a)).toThrow(/not an allocated block/);
  expect(heap.malloc(640)).toBe(a); // from the free bins now
});

test('heap: a request no free block fits takes a cached block of up to twice its size, the rest freed', () => {
  const heap = new Heap(0, () => {});
  const a = heap.malloc(1280), b = heap.malloc(4096), guard = heap.malloc(64);
  heap.free(a);
  heap.free(b); // both cached; the free bins are empty
  expect(heap.malloc(1024)).toBe(a); // 1280 <= 2 * 1024; 4096 is not considered
  expect(heap.malloc(256)).toBe(a + 1024); // the rest of a, from the free bins
  expect(heap.malloc(4096)).toBe(b);
  expect(heap.malloc(64)).toBe(guard + 64); // nothing cached is left: the top
});

test('heap: a freed block is reused for a request that fits, and neighbours coalesce', () => {
  const heap = new Heap(0, () => {});
  const a = heap.malloc(640), b = heap.malloc(640), c = heap.malloc(640);
  heap.free(a);
  heap.free(b);
  expect(heap.malloc(1280)).toBe(a); // a and b merged
  expect(heap.malloc(64)).toBe(c + 640); // nothing free below the top
});

test('kernel outputs stay in wasm memory until read, and a chain of kernels copies nothing out', () => {
  const be = backend();
  const x = input(be, [4, 3, 32, 32], 1);
  const copiesBefore = be.arrays.reused;
  const a = be.runKernel('Relu', [x], {})[0];
  const b = be.runKernel('Exp', [a], {})[0];
  const c = be.runKernel('Mul', [a, b], {})[0];
  expect(be.store.wasmCopy(c.dataId)).not.toBeNull();
  expect(be.arrays.reused).toBe(copiesBefore);
  const xs = be.readSync(x.dataId), cs = be.readSync(c.dataId);
  for (let i = 0; i < xs.length; i++) {
    const r = Math.max(0, xs[i]);
    expect(Math.abs(cs[i] - r * Math.exp(r))).toBeLessThanOrEqual(1e-5 * (1 + r * Math.exp(r)));
  }
  expect(be.readSync(c.dataId)).toBe(cs); // read back once, then cached
});

test('a released output frees its wasm memory for the next kernel: memory stays flat in a loop', () => {
  const be = backend();
  const x = input(be, [8, 16, 32, 32], 2);
  const step = () => {
    const y = be.runKernel('Relu', [x], {})[0];
    const z = be.runKernel('Add', [y, x], {})[0];
    be.release(y.dataId);
    return z;
  };
  be.release(step().dataId);
  be.release(step().dataId); // the kernels' scratch has settled
  const heap = heapOf(be), end = heap.end, inUse = heap.bytesInUse;
  for (let i = 0; i < 50; i++) be.release(step().dataId);
  expect(heap.end).toBe(end);
  expect(heap.bytesInUse).toBe(inUse);
});

test('storage nobody releases stays under the resident cap: the least recently used moves to JS, values intact', () => {
  const be = backend();
  be.store.residentLimit = 4 * 2 ** 20;
  const x = input(be, [1, 16, 64, 64], 3); // 256 KiB
  const kept: TensorInfo[] = [];
  for (let i = 0; i < 64; i++) kept.push(be.runKernel('Relu', [x], {})[0]); // 16 MiB, never released
  expect(be.store.evictions).toBeGreaterThan(0);
  expect(heapOf(be).bytesInUse).toBeLessThan(8 * 2 ** 20);
  const expected = Float32Array.from(be.readSync(x.dataId), (v) => Math.max(0, v));
  for (const t of kept) expect(Buffer.compare(bytes(be.readSync(t.dataId)), bytes(expected))).toBe(0);
  // An evicted buffer is still a valid kernel input.
  const y = be.readSync(be.runKernel('Add', [kept[0], kept[1]], {})[0].dataId);
  for (let i = 0; i < y.length; i++) expect(y[i]).toBe(Math.fround(2 * expected[i]));
});

test('a new thread count restarts the runtime: resident values move to JS first', () => {
  const be = backend(1);
  const x = input(be, [2, 8, 16, 16], 4);
  const y = be.runKernel('Relu', [x], {})[0];
  const expected = Float32Array.from(be.readSync(x.dataId), (v) => Math.max(0, v));
  be.configure({ threads: 2 });
  expect(be.readSync(y.dataId)).toEqual(expected);
  const z = be.runKernel('Add', [y, y], {})[0];
  expect(be.readSync(z.dataId)).toEqual(expected.map((v) => 2 * v));
});

test('a released buffer cannot be read: the error says so', () => {
  const be = backend();
  const y = be.runKernel('Relu', [input(be, [64], 5)], {})[0];
  be.release(y.dataId);
  expect(() => be.readSync(y.dataId)).toThrow(/already released/);
});

test('a kernel that reads an operand from JS still reads it at its address (Pow by a resident scalar)', () => {
  const be = backend();
  const x = be.runKernel('Abs', [input(be, [1000], 6)], {})[0];
  const two = be.runKernel('Add', [input(be, [1], 7), input(be, [1], 7)], {})[0]; // resident, one element
  const y = be.runKernel('Pow', [x, two], {})[0]; // Pow reads the exponent's value to pick a shortcut
  const e = be.readSync(two.dataId)[0];
  const xs = be.readSync(x.dataId), ys = be.readSync(y.dataId);
  for (let i = 0; i < xs.length; i++) expect(Math.abs(ys[i] - Math.pow(xs[i], e))).toBeLessThanOrEqual(1e-5 * (1 + Math.pow(xs[i], e)));
});

test('the resident cap is an option of the wasm backend, checked', () => {
  const be = backend();
  be.configure({ residentLimit: 2 ** 20 });
  expect(be.store.residentLimit).toBe(2 ** 20);
  expect(() => be.configure({ residentLimit: -1 })).toThrow(/residentLimit must be a whole number of bytes >= 0, got -1/);
  expect(() => new WasmBackend({ residentLimit: '1GB' as unknown as number })).toThrow(/residentLimit/);
});

test('when wasm memory is full, resident storage moves to JS and the kernel runs once more', () => {
  const be = backend();
  const rt = (be as unknown as { rt: { maxBytes: number; memory: WebAssembly.Memory } }).rt;
  const x = input(be, [1, 16, 64, 64], 8); // 256 KiB
  const kept = Array.from({ length: 8 }, () => be.runKernel('Relu', [x], {})[0]);
  rt.maxBytes = rt.memory.buffer.byteLength; // no more growth from here
  const evictions = be.store.evictions;
  const more: TensorInfo[] = [];
  for (let i = 0; i < 200 && be.store.evictions === evictions; i++) more.push(be.runKernel('Relu', [x], {})[0]);
  expect(be.store.evictions).toBeGreaterThan(evictions);
  expect(be.stats.get('Relu')!.reference).toBe(0); // every call still ran in wasm
  const expected = Float32Array.from(be.readSync(x.dataId), (v) => Math.max(0, v));
  for (const t of [...kept, ...more]) expect(Buffer.compare(bytes(be.readSync(t.dataId)), bytes(expected))).toBe(0);
});

test('values written on demand (dataset batches): kernels get them in scratch, JS once, promotion and release work', () => {
  const be = backend(2);
  const src = randBuf(prng(11), [6, 2, 8, 8]).values as Float32Array;
  const rows = [4, 0, 5, 1];
  let fills = 0;
  const fill = (dst: Float32Array | Int32Array | Float64Array, at: number) => {
    fills++;
    rows.forEach((j, b) => dst.set(src.subarray(j * 128, (j + 1) * 128), at + b * 128));
  };
  const expected = new Float32Array(4 * 128);
  rows.forEach((j, b) => expected.set(src.subarray(j * 128, (j + 1) * 128), b * 128));
  const heap = heapOf(be), inUse = heap.bytesInUse;
  const x: TensorInfo = { dataId: be.writeWith('float32', 512, fill), shape: [4, 2, 8, 8], dtype: 'float32' };
  expect(fills).toBe(0); // nothing written, no wasm memory held
  expect(heap.bytesInUse).toBe(inUse);
  const y = be.runKernel('Relu', [x], {})[0];
  expect(fills).toBe(1);
  expect(be.readSync(y.dataId)).toEqual(expected.map((v) => Math.max(0, v)));
  be.runKernel('Neg', [x], {});
  be.runKernel('Exp', [x], {}); // third use: copied into wasm memory for good
  expect(be.store.wasmCopy(x.dataId)).toEqual(expected);
  const before = fills;
  be.runKernel('Abs', [x], {});
  expect(fills).toBe(before);
  expect(be.readSync(x.dataId)).toEqual(expected);
  be.release(x.dataId);
  expect(() => be.readSync(x.dataId)).toThrow(/already released/);

  // Read from JS first: filled once into a JS array, which kernels then copy as any JS buffer.
  const z: TensorInfo = { dataId: be.writeWith('float32', 512, fill), shape: [4, 2, 8, 8], dtype: 'float32' };
  expect(be.readSync(z.dataId)).toEqual(expected);
  const n = fills;
  expect(be.readSync(be.runKernel('Relu', [z], {})[0].dataId)).toEqual(expected.map((v) => Math.max(0, v)));
  expect(fills).toBe(n);

  // int32 on demand, read by a kernel that wants float32 (converted into scratch).
  const labels = Int32Array.from([3, -1, 7, 2]);
  const t: TensorInfo = { dataId: be.writeWith('int32', 4, (dst, at) => dst.set(labels, at)), shape: [4], dtype: 'int32' };
  const f = be.runKernel('Cast', [t], { dtype: 'float32' })[0];
  expect(Array.from(be.readSync(f.dataId))).toEqual([3, -1, 7, 2]);
  expect(Array.from(be.readSync(t.dataId))).toEqual([3, -1, 7, 2]);
});
