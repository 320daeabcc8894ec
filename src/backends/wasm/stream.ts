/**
 * The single-thread path of elementwise and per-plane kernels: full-size operands pass through wasm
 * memory in blocks of about BLOCK elements, and each block's result goes straight into the output
 * array. The copy in, the kernel and the copy out then work on cached windows instead of full-size wasm
 * buffers written once and read back (10-30% off a 1.2 MB Relu or 2x2 pool timed alone).
 */
import type { TypedArray } from '../../tensor/dtype.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';

/** Elements per block: the few 64 KB windows of a kernel fit in L2 together. */
export const BLOCK = 16384;

/** A fresh output array that the caller fills completely (from the runtime's array pool). */
export function outputArray<T extends Float32ArrayConstructor | Int32ArrayConstructor>(rt: WasmRuntime, type: T, n: number): InstanceType<T> {
  return rt.outputArray(type, n);
}

/** A rectangle of an output viewed as [rows, cols], contiguous in it: whole rows, or a piece of one row. */
export interface Block {
  r0: number; r1: number; c0: number; c1: number;
  /** Flat output index of the first element, and the element count. */
  e0: number; len: number;
}

export function blocksOf(rows: number, cols: number): Block[] {
  const out: Block[] = [];
  if (cols >= BLOCK) {
    for (let r = 0; r < rows; r++) {
      for (let c0 = 0; c0 < cols; c0 += BLOCK) {
        const c1 = Math.min(cols, c0 + BLOCK);
        out.push({ r0: r, r1: r + 1, c0, c1, e0: r * cols + c0, len: c1 - c0 });
      }
    }
    return out;
  }
  const step = Math.floor(BLOCK / cols);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    out.push({ r0, r1, c0: 0, c1: cols, e0: r0 * cols, len: (r1 - r0) * cols });
  }
  return out;
}

/**
 * Runs `call(block)` for every block of the [rows, cols] output: first copies each `staged` operand's
 * elements [e0, e0 + len) into its window (int32 values convert to float32), then copies the window at
 * `outWindow` into `result`. Windows are BLOCK-element buffers the caller allocated; a window may be
 * both staged and `outWindow` when the kernel runs in place.
 */
export function streamBlocks(
  rt: WasmRuntime, rows: number, cols: number, staged: { values: TypedArray; window: number }[],
  outWindow: number, result: Float32Array | Int32Array, call: (b: Block) => Call,
): void {
  const buf = rt.memory.buffer;
  const f32 = new Float32Array(buf), view = new (result.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(buf);
  const o = outWindow >> 2;
  for (const b of blocksOf(rows, cols)) {
    for (const s of staged) f32.set(s.values.subarray(b.e0, b.e0 + b.len), s.window >> 2);
    rt.run([[call(b)]]);
    result.set(view.subarray(o, o + b.len), b.e0);
  }
}

/** An input or output of a per-plane kernel: its elements per plane. Int32 data is copied as is. */
export interface PlaneData { values: Float32Array | Int32Array; per: number }

/**
 * Runs a kernel over `count` planes, `call(inPtrs, outPtrs, p0, p1)` handling planes [p0, p1) at those
 * addresses, and fills the `outs` arrays. Split across threads (`chunks` > 1), every input is copied
 * whole; on one thread the planes stream through windows of about BLOCK elements each.
 */
export function mapPlanes(
  rt: WasmRuntime, count: number, chunks: number, ins: PlaneData[], outs: PlaneData[],
  call: (inPtrs: number[], outPtrs: number[], p0: number, p1: number) => Call,
): void {
  const step = chunks > 1 ? count : Math.max(1, Math.floor(BLOCK / Math.max(1, ...ins.map((d) => d.per), ...outs.map((d) => d.per))));
  const inPtrs = ins.map((d) => rt.alloc(step * d.per)), outPtrs = outs.map((d) => rt.alloc(step * d.per));
  const buf = rt.memory.buffer;
  const view = (d: PlaneData) => (d.values instanceof Int32Array ? new Int32Array(buf) : new Float32Array(buf));
  const inViews = ins.map(view), outViews = outs.map(view);
  for (let p0 = 0; p0 < count; p0 += step) {
    const n = Math.min(step, count - p0);
    ins.forEach((d, i) => inViews[i].set(d.values.subarray(p0 * d.per, (p0 + n) * d.per), inPtrs[i] >> 2));
    if (chunks > 1) rt.run(splitRange(n, chunks, 1).map(([q0, q1]) => [call(inPtrs, outPtrs, q0, q1)]));
    else rt.run([[call(inPtrs, outPtrs, 0, n)]]);
    outs.forEach((d, i) => d.values.set(outViews[i].subarray(outPtrs[i] >> 2, (outPtrs[i] >> 2) + n * d.per), p0 * d.per));
  }
}
