/** Broadcast iteration shared by binary and ternary elementwise kernels. */
import { broadcastShapes, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { TypedArray } from '../../tensor/dtype.js';

/** Strides of `shape` read as if broadcast to `outShape` (0 where the dim stretches). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => (i < offset || shape[i - offset] === 1 ? 0 : strides[i - offset]));
}

/**
 * For each output element in row-major order, the flat offsets into each input.
 * Returned as Int32Arrays so kernels can loop without recomputing indices.
 */
export function broadcastOffsets(shapes: readonly (readonly number[])[]): { outShape: number[]; offsets: Int32Array[] } {
  let outShape: number[] = [];
  for (const s of shapes) {
    const b = broadcastShapes(outShape, s);
    if (!b) throw new Error(`broadcast: shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} are not compatible`);
    outShape = b;
  }
  const n = sizeOf(outShape);
  const rank = outShape.length;
  const offsets = shapes.map((s) => {
    const st = broadcastStrides(s, outShape);
    const out = new Int32Array(n);
    const idx = new Array<number>(rank).fill(0);
    let off = 0;
    for (let i = 0; i < n; i++) {
      out[i] = off;
      // Odometer increment over the output index, carrying offsets along.
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]++;
        off += st[d];
        if (idx[d] < outShape[d]) break;
        off -= st[d] * outShape[d];
        idx[d] = 0;
      }
    }
    return out;
  });
  return { outShape, offsets };
}

/**
 * Writes `src` (shape `srcShape`) broadcast to `outShape` into `dst`, a run at a time: the innermost
 * dims that are all stretched become one `fill`, those that are all copied one `set`. Reductions'
 * gradients (mean, sum, batch norm) broadcast through here, so it must not cost an offset per element.
 */
export function broadcastInto(src: TypedArray, srcShape: readonly number[], dst: TypedArray, outShape: readonly number[]): void {
  if (dst.length === 0) return;
  const all = broadcastStrides(srcShape, outShape);
  // Dims of extent 1 change nothing; drop them so the runs below can merge across them.
  const dims: number[] = [], st: number[] = [];
  outShape.forEach((d, i) => {
    if (d !== 1) {
      dims.push(d);
      st.push(all[i]);
    }
  });
  let d = dims.length - 1, run = 1;
  const stretched = d >= 0 && st[d] === 0;
  if (stretched) {
    for (; d >= 0 && st[d] === 0; d--) run *= dims[d];
  } else {
    for (; d >= 0 && st[d] === run; d--) run *= dims[d];
  }
  const outer = dst.length / run;
  const idx = new Array<number>(d + 1).fill(0);
  let off = 0;
  for (let i = 0, o = 0; i < outer; i++, o += run) {
    if (stretched) dst.fill(src[off], o, o + run);
    else if (run < 16) for (let k = 0; k < run; k++) dst[o + k] = src[off + k];
    else dst.set(src.subarray(off, off + run), o);
    for (let k = d; k >= 0; k--) {
      idx[k]++;
      off += st[k];
      if (idx[k] < dims[k]) break;
      off -= st[k] * dims[k];
      idx[k] = 0;
    }
  }
}
