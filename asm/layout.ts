// AssemblyScript: layout kernels that move 4-byte elements (float32 or int32) without arithmetic.

import { copyFloats } from './mem';

/**
 * out[i] = x[offset of index i] for rows [r0, r1) of a strided view: prm holds i32 [rank, shape[rank],
 * strides[rank]] (elements; strides may be negative), rows are the last dim's runs (shape[rank-1]
 * elements each), and out row r starts at out + r * shape[rank-1]. x points at the view's first element.
 * tmp: 4 * (rank - 1) bytes of the calling thread's scratch (the outer index).
 */
export function stridedCopy(x: usize, out: usize, prm: usize, r0: i32, r1: i32, tmp: usize): void {
  const rank = load<i32>(prm);
  const shape = prm + 4, strides = shape + (<usize>rank << 2);
  const inner = load<i32>(shape + (<usize>(rank - 1) << 2)), step = load<i32>(strides + (<usize>(rank - 1) << 2));
  // The row's outer index, digit by digit (the last outer dim varies fastest), and its source offset.
  const idx = tmp;
  let r = r0, off = 0;
  for (let d = rank - 2; d >= 0; d--) {
    const n = load<i32>(shape + (<usize>d << 2)), i = r % n;
    store<i32>(idx + (<usize>d << 2), i);
    off += i * load<i32>(strides + (<usize>d << 2));
    r /= n;
  }
  let dst = out + (<usize>r0 * <usize>inner << 2);
  for (let row = r0; row < r1; row++) {
    const src = x + (<usize>off << 2);
    if (step == 1) {
      let j = 0;
      for (; j + 4 <= inner; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
      for (; j < inner; j++) store<i32>(dst + (<usize>j << 2), load<i32>(src + (<usize>j << 2)));
    } else if (step == 0) {
      // A broadcast row: one value repeated.
      const v = v128.load32_splat(src);
      let j = 0;
      for (; j + 4 <= inner; j += 4) v128.store(dst + (<usize>j << 2), v);
      for (; j < inner; j++) store<i32>(dst + (<usize>j << 2), load<i32>(src));
    } else {
      for (let j = 0; j < inner; j++) store<i32>(dst + (<usize>j << 2), load<i32>(src + (<usize>(j * step) << 2)));
    }
    dst += <usize>inner << 2;
    for (let d = rank - 2; d >= 0; d--) {
      const at = idx + (<usize>d << 2), s = load<i32>(strides + (<usize>d << 2)), i = load<i32>(at) + 1;
      off += s;
      if (i < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, i);
        break;
      }
      off -= s * i;
      store<i32>(at, 0);
    }
  }
}

/**
 * Rows [r0, r1) of a block copy: len elements from src + r*srcStride to dst + r*dstStride (elements).
 * Concat copies each input's [outer][chunk] block into its columns of the output this way.
 */
export function copyRows(src: usize, srcStride: i32, dst: usize, dstStride: i32, len: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) copyFloats(dst + (<usize>r * <usize>dstStride << 2), src + (<usize>r * <usize>srcStride << 2), len);
}
