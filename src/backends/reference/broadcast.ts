/** Broadcast iteration shared by binary and ternary elementwise kernels. */
import { broadcastShapes, sizeOf, stridesOf } from '../../tensor/shape.js';

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
