/**
 * Reference padding for any rank (PyTorch F.pad semantics). Every output element either reads one input
 * element or the constant, so both Pad and its adjoint PadGrad reduce to one table: the flat source
 * offset of each output element (-1 for the constant). Reflect/replicate may map several outputs to one
 * source, which is why the gradient accumulates.
 */
import { allocArray } from '../../tensor/dtype.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import type { PadAttrs, PadMode } from '../../kernels/specs.js';
import type { RefKernelTable } from './types.js';

/** Source index along one axis for each output position; -1 where the constant fills. */
function axisMap(n: number, [before, after]: [number, number], mode: PadMode): Int32Array {
  const map = new Int32Array(Math.max(n + before + after, 0));
  for (let o = 0; o < map.length; o++) {
    let i = o - before; // negative `before` crops: the output starts further into the input
    if (i < 0 || i >= n) {
      if (mode === 'constant') i = -1;
      else if (mode === 'replicate') i = i < 0 ? 0 : n - 1;
      else i = i < 0 ? -i : 2 * (n - 1) - i; // reflect about the edge element without repeating it
      if (mode !== 'constant' && (i < 0 || i >= n)) {
        throw new Error(`Pad: ${mode} padding [${before}, ${after}] does not fit a dim of size ${n}`);
      }
    }
    map[o] = i;
  }
  return map;
}

/** Output shape and, in row-major output order, the flat input offset of every element (-1: constant). */
function sourceOffsets(inShape: number[], a: PadAttrs): { outShape: number[]; src: Int32Array } {
  const strides = stridesOf(inShape);
  const outShape: number[] = [];
  let src = new Int32Array([0]); // rank 0: the single element reads offset 0
  // Extend one dim at a time: the offsets of the leading dims times the map of the next one.
  inShape.forEach((n, d) => {
    const map = axisMap(n, a.pads[d], a.mode);
    const next = new Int32Array(src.length * map.length);
    for (let j = 0, k = 0; j < src.length; j++) {
      for (let o = 0; o < map.length; o++, k++) {
        next[k] = src[j] < 0 || map[o] < 0 ? -1 : src[j] + map[o] * strides[d];
      }
    }
    outShape.push(map.length);
    src = next;
  });
  return { outShape, src };
}

export const padKernels = {
  Pad: ([x], a) => {
    const { outShape, src } = sourceOffsets(x.shape, a);
    const xv = x.values, out = allocArray(x.dtype, src.length);
    for (let k = 0; k < src.length; k++) out[k] = src[k] < 0 ? a.value : xv[src[k]];
    return [{ values: out, shape: outShape, dtype: x.dtype }];
  },

  PadGrad: ([dy], a) => {
    const { src } = sourceOffsets(a.inputShape, a);
    const g = dy.values, dx = allocArray(dy.dtype, sizeOf(a.inputShape));
    for (let k = 0; k < src.length; k++) if (src[k] >= 0) dx[src[k]] += g[k];
    return [{ values: dx, shape: [...a.inputShape], dtype: dy.dtype }];
  },
} satisfies Pick<RefKernelTable, 'Pad' | 'PadGrad'>;
