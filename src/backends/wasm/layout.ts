/**
 * Transpose, Slice, BroadcastTo and Concat on the wasm runtime (asm/layout.ts), for 4-byte elements
 * (float32 or int32; float64 runs the reference). Transpose, Slice and BroadcastTo are a strided copy
 * into a new block (stretched dims step 0), threads splitting its rows; the view's dims are merged first
 * where they are contiguous, so a transpose of two dims is a copy of rank 2 or 3. Concat copies each
 * input's rows into its columns of the output.
 */
import { stridesOf } from '../../tensor/shape.js';
import { broadcastStrides } from '../reference/broadcast.js';
import { MY_TMP, splitRange, type Call, type WasmRuntime } from './runtime.js';
import { sizeOfShape, type Buf, type OutBuf, type WasmKernel } from './types.js';

/** Dims the kernel takes after merging (its outer index lives in the thread's scratch). */
const MAX_RANK = 8;

/** The view (shape, element strides, first element) with contiguous neighbours merged and size-1 dims dropped. */
function mergeDims(shape: readonly number[], strides: readonly number[]): [number[], number[]] {
  const dims: number[] = [], steps: number[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && steps[last] === strides[d] * n) {
      dims[last] *= n;
      steps[last] = strides[d];
    } else {
      dims.push(n);
      steps.push(strides[d]);
    }
  });
  return dims.length ? [dims, steps] : [[1], [1]];
}

/** out = the view of x (shape, element strides, first element at `start`), or why it runs the reference. */
function copyView(rt: WasmRuntime, x: Buf, shape: number[], strides: number[], start: number): OutBuf[] | string {
  if (x.dtype === 'float64') return 'float64 input (4-byte elements only)';
  const n = sizeOfShape(shape);
  if (n === 0) return 'empty result';
  const [dims, steps] = mergeDims(shape, strides);
  if (dims.length > MAX_RANK) return `rank ${dims.length} after merging contiguous dims`;
  const prm = rt.alloc(1 + 2 * dims.length), out = rt.output(n), rows = n / dims[dims.length - 1];
  rt.setI32(prm, [dims.length, ...dims, ...steps]);
  const xp = rt.ptrOf(x) + 4 * start;
  rt.run(splitRange(rows, rt.chunksFor(n), 1).map(([r0, r1]): Call[] => [['stridedCopy', xp, out, prm, r0, r1, MY_TMP]]));
  return [{ ptr: out, shape, dtype: x.dtype }];
}

export const Transpose: WasmKernel<'Transpose'> = (rt, [x], { perm }) => {
  const inStrides = stridesOf(x.shape);
  return copyView(rt, x, perm.map((p) => x.shape[p]), perm.map((p) => inStrides[p]), 0);
};

export const Slice: WasmKernel<'Slice'> = (rt, [x], { begin, size, step }) => {
  const inStrides = stridesOf(x.shape);
  const start = begin.reduce((acc, b, d) => acc + b * inStrides[d], 0);
  return copyView(rt, x, [...size], inStrides.map((s, d) => s * step[d]), start);
};

/** BroadcastTo: a strided copy whose stretched dims step 0 (the gradient of a sum or mean, `expand`). */
export const BroadcastTo: WasmKernel<'BroadcastTo'> = (rt, [x], { shape }) => {
  const offset = shape.length - x.shape.length;
  if (offset < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[i + offset])) return `shape [${x.shape}] does not broadcast to [${shape}] (the reference kernel reports it)`;
  return copyView(rt, x, [...shape], broadcastStrides(x.shape, shape), 0);
};

export const Concat: WasmKernel<'Concat'> = (rt, inputs, { axis }) => {
  const first = inputs[0];
  if (inputs.some((t) => t.dtype === 'float64' || t.dtype !== first.dtype)) return 'float64 or mixed dtypes (4-byte elements of one dtype only)';
  const outer = sizeOfShape(first.shape.slice(0, axis)), inner = sizeOfShape(first.shape.slice(axis + 1));
  const total = inputs.reduce((acc, t) => acc + t.shape[axis], 0), n = outer * total * inner;
  if (n === 0) return 'empty result';
  const out = rt.output(n), blocks: [number, number, number][] = [];
  let col = 0;
  for (const t of inputs) {
    const chunk = t.shape[axis] * inner;
    if (chunk > 0) blocks.push([rt.ptrOf(t), chunk, out + 4 * col]);
    col += chunk;
  }
  // Each chunk of output rows takes its rows of every input.
  rt.run(splitRange(outer, rt.chunksFor(n), 1).map(([r0, r1]): Call[] =>
    blocks.map(([src, chunk, dst]): Call => ['copyRows', src, chunk, dst, total * inner, chunk, r0, r1])));
  const shape = [...first.shape];
  shape[axis] = total;
  return [{ ptr: out, shape, dtype: first.dtype }];
};
