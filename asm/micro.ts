// The 4x8 f32x4 microkernel shared by the packed GEMM (gemm.ts) and the direct convolution (direct.ts):
// 8 accumulators, which V8 keeps in xmm registers (it gives wasm SIMD 15). Its flags are constants at
// every call site, so each inlined copy keeps only its own branches.
import { madd } from './fma';
import { relu4 } from './relu';

/** B rows of 8 floats (ROW), or of 2 rows of 4 (TAIL4) or 4 rows of 2 (TAIL2) floats; see micro4x8. */
export const ROW: i32 = 0, TAIL4: i32 = 1, TAIL2: i32 = 2;

/**
 * C[4 x 8] (+)= A-panel[kc x 4]^T . B[kc x 8]; ldc in bytes. The kc rows of B are 8 floats `bStep` bytes
 * apart from `b` (32: a packed panel), or with `taps` at b + offs[p] (byte offsets, i32, from `offs`). With `half`
 * only rows 0-1 of A and C: an edge panel whose other rows are zero padding.
 * `mode` TAIL4 / TAIL2 reads each B row (wherever it starts) as 2 rows of 4 floats at + 0 and s1 bytes, or
 * 4 rows of 2 at + 0, s1, s2, s3. With `out`, C is not stored: rows r < nr, plus bias[r] (bias != 0) and ReLU,
 * go to c + r*ldc as storeOut places them (`outRow`, `last`). With `rowOffs` (and `out`), rows r < nr are
 * added into c + rowOffs[r] instead (i32 byte offsets; the input gradient's col2im), placed as storeOut does.
 * With `pool` (POOL_AVG / POOL_MAX, and `out`, TAIL4 or TAIL2), each row's 8 outputs (after bias and ReLU)
 * are pooled 2x2 into 2 outputs, as storePool places them.
 * With `pair` (only with `half`, `taps`, `out`, ROW or TAIL4, no rowOffs), a second tile too: B rows at b2 +
 * offs[p], its rows 0-1 stored at c2 as the first tile's at c. Alone, a half panel's 4 accumulators cannot
 * hide the multiply-add latency (a 6-filter layer's last panel cost 0.78 of a full one).
 */
// @ts-ignore: decorator
@inline export function micro4x8(
  kc: i32, a: usize, b: usize, offs: usize, bStep: usize, c: usize, ldc: usize, accumulate: bool, half: bool, taps: bool,
  mode: i32 = ROW, s1: usize = 0, s2: usize = 0, s3: usize = 0, out: bool = false, nr: i32 = 4, outRow: usize = 0, last: i32 = 0, bias: usize = 0, relu: bool = false,
  rowOffs: usize = 0, pool: i32 = 0, pair: bool = false, b2: usize = 0, c2: usize = 0,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const off: usize = taps ? <usize>load<i32>(offs) : 0, row = b + off;
    let b0: v128, b1: v128;
    if (mode == TAIL4) {
      b0 = v128.load(row);
      b1 = v128.load(row + s1);
    } else if (mode == TAIL2) {
      b0 = v128.load64_lane(row + s1, v128.load64_zero(row), 1);
      b1 = v128.load64_lane(row + s3, v128.load64_zero(row + s2), 1);
    } else {
      b0 = v128.load(row);
      b1 = v128.load(row, 16);
    }
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    if (pair) {
      // The second tile's rows 0-1 in the registers the half panel leaves free.
      const row2 = b2 + off;
      const e0 = v128.load(row2), e1 = mode == TAIL4 ? v128.load(row2 + s1) : v128.load(row2, 16);
      c20 = madd(a0, e0, c20);
      c21 = madd(a0, e1, c21);
      c30 = madd(a1, e0, c30);
      c31 = madd(a1, e1, c31);
    }
    if (!half) {
      const a2 = v128.load32_splat(a, 8);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(a, 12);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
    }
    a += 16;
    if (taps) offs += 4;
    else b += bStep;
  }
  if (out && rowOffs != 0) {
    addOut(c00, c01, c + <usize>load<i32>(rowOffs), mode, outRow, last);
    if (nr > 1) addOut(c10, c11, c + <usize>load<i32>(rowOffs, 4), mode, outRow, last);
    if (!half) {
      if (nr > 2) addOut(c20, c21, c + <usize>load<i32>(rowOffs, 8), mode, outRow, last);
      if (nr > 3) addOut(c30, c31, c + <usize>load<i32>(rowOffs, 12), mode, outRow, last);
    }
    return;
  }
  if (out && pool != 0) {
    storePool(c00, c01, c, mode, outRow, last, bias, relu, pool);
    if (nr > 1) storePool(c10, c11, c + ldc, mode, outRow, last, bias != 0 ? bias + 4 : 0, relu, pool);
    if (!half) {
      if (nr > 2) storePool(c20, c21, c + 2 * ldc, mode, outRow, last, bias != 0 ? bias + 8 : 0, relu, pool);
      if (nr > 3) storePool(c30, c31, c + 3 * ldc, mode, outRow, last, bias != 0 ? bias + 12 : 0, relu, pool);
    }
    if (pair) {
      storePool(c20, c21, c2, mode, outRow, last, bias, relu, pool);
      if (nr > 1) storePool(c30, c31, c2 + ldc, mode, outRow, last, bias != 0 ? bias + 4 : 0, relu, pool);
    }
    return;
  }
  if (out) {
    storeOut(c00, c01, c, mode, outRow, last, bias, relu);
    if (nr > 1) storeOut(c10, c11, c + ldc, mode, outRow, last, bias != 0 ? bias + 4 : 0, relu);
    if (!half) {
      if (nr > 2) storeOut(c20, c21, c + 2 * ldc, mode, outRow, last, bias != 0 ? bias + 8 : 0, relu);
      if (nr > 3) storeOut(c30, c31, c + 3 * ldc, mode, outRow, last, bias != 0 ? bias + 12 : 0, relu);
    }
    if (pair) {
      storeOut(c20, c21, c2, mode, outRow, last, bias, relu);
      if (nr > 1) storeOut(c30, c31, c2 + ldc, mode, outRow, last, bias != 0 ? bias + 4 : 0, relu);
    }
    return;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    if (!half) {
      c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
    }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  if (!half) {
    v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
    v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  }
}

/** v + the bias bv, then ReLU as the Relu kernel (relu4: NaN kept, -0 turned into +0). */
// @ts-ignore: decorator
@inline function activate(v: v128, bv: v128, relu: bool): v128 {
  v = f32x4.add(v, bv);
  return relu ? relu4(v) : v;
}

/**
 * One filter's 8 outputs, plus its bias (the direct epilogue's order: sum, + bias, then ReLU), stored at o:
 * 8 floats (ROW), 2 rows of 4 or 4 rows of 2 `outRow` bytes apart (TAIL4 / TAIL2), rows past `last` skipped.
 */
// @ts-ignore: decorator
@inline function storeOut(v0: v128, v1: v128, o: usize, mode: i32, outRow: usize, last: i32, bias: usize, relu: bool): void {
  const bv = f32x4.splat(bias != 0 ? load<f32>(bias) : <f32>0);
  v0 = activate(v0, bv, relu);
  v1 = activate(v1, bv, relu);
  if (mode == TAIL4) {
    v128.store(o, v0);
    if (last > 0) v128.store(o + outRow, v1);
  } else if (mode == TAIL2) {
    v128.store64_lane(o, v0, 0);
    if (last > 0) v128.store64_lane(o + outRow, v0, 1);
    if (last > 1) v128.store64_lane(o + 2 * outRow, v1, 0);
    if (last > 2) v128.store64_lane(o + 3 * outRow, v1, 1);
  } else {
    v128.store(o, v0);
    v128.store(o, v1, 16);
  }
}

/** The pooling storePool applies: the mean or the maximum of each 2x2 window. */
export const POOL_AVG: i32 = 1, POOL_MAX: i32 = 2;

/**
 * One filter's 8 outputs (bias and ReLU as storeOut) pooled 2x2 into 2, stored at o: with TAIL4 (v0, v1 are
 * rows 2py and 2py+1 of 4 columns) the two windows side by side; with TAIL2 (v0 rows 4u, 4u+1 and v1 rows
 * 4u+2, 4u+3 of 2 columns) one window from each, the second `outRow` bytes below the first, if last > 0.
 * Each window (a, b / c, d) is pooled as the reference's AvgPool2D: f64 ((0 + a) + b) + c) + d, / 4,
 * rounded once; or as its MaxPool2D: the first maximum, a NaN sticking.
 */
// @ts-ignore: decorator
@inline function storePool(v0: v128, v1: v128, o: usize, mode: i32, outRow: usize, last: i32, bias: usize, relu: bool, pool: i32): void {
  const bv = f32x4.splat(bias != 0 ? load<f32>(bias) : <f32>0);
  if (pool == POOL_AVG) {
    // ReLU as pmax alone: the mean's sum starts at +0, so a -0 it keeps gives the same result.
    v0 = f32x4.add(v0, bv);
    v1 = f32x4.add(v1, bv);
    if (relu) {
      v0 = f32x4.pmax(v0, f32x4.splat(0));
      v1 = f32x4.pmax(v1, f32x4.splat(0));
    }
  } else {
    v0 = activate(v0, bv, relu);
    v1 = activate(v1, bv, relu);
  }
  // Lanes 0 and 1 of a, b, c, d: the taps of the two windows, in the reference's order.
  let a: v128, b: v128, c: v128, d: v128;
  if (mode == TAIL4) {
    a = v128.shuffle<i32>(v0, v0, 0, 2, 0, 2); b = v128.shuffle<i32>(v0, v0, 1, 3, 1, 3);
    c = v128.shuffle<i32>(v1, v1, 0, 2, 0, 2); d = v128.shuffle<i32>(v1, v1, 1, 3, 1, 3);
  } else {
    a = v128.shuffle<i32>(v0, v1, 0, 4, 0, 4); b = v128.shuffle<i32>(v0, v1, 1, 5, 1, 5);
    c = v128.shuffle<i32>(v0, v1, 2, 6, 2, 6); d = v128.shuffle<i32>(v0, v1, 3, 7, 3, 7);
  }
  let r: v128;
  if (pool == POOL_AVG) {
    let s = f64x2.add(f64x2.splat(0), f64x2.promote_low_f32x4(a));
    s = f64x2.add(s, f64x2.promote_low_f32x4(b));
    s = f64x2.add(s, f64x2.promote_low_f32x4(c));
    s = f64x2.add(s, f64x2.promote_low_f32x4(d));
    // / 4 as * 0.25: the same f64 (a power of two).
    r = f32x4.demote_f64x2_zero(f64x2.mul(s, f64x2.splat(0.25)));
  } else {
    // The reference's rule, v > max or v is NaN: pmax keeps the first of equal values, the select a later NaN.
    r = a;
    r = v128.bitselect(b, f32x4.pmax(r, b), f32x4.ne(b, b));
    r = v128.bitselect(c, f32x4.pmax(r, c), f32x4.ne(c, c));
    r = v128.bitselect(d, f32x4.pmax(r, d), f32x4.ne(d, d));
  }
  if (mode == TAIL4) v128.store64_lane(o, r, 0);
  else {
    v128.store32_lane(o, r, 0);
    if (last > 0) v128.store32_lane(o + outRow, r, 1);
  }
}

/** One row's 8 sums added into the floats at o, placed as storeOut places them. */
// @ts-ignore: decorator
@inline function addOut(v0: v128, v1: v128, o: usize, mode: i32, outRow: usize, last: i32): void {
  if (mode == TAIL4) {
    v128.store(o, f32x4.add(v128.load(o), v0));
    if (last > 0) v128.store(o + outRow, f32x4.add(v128.load(o + outRow), v1));
  } else if (mode == TAIL2) {
    v128.store64_lane(o, f32x4.add(v128.load64_zero(o), v0), 0);
    if (last > 0) v128.store64_lane(o + outRow, f32x4.add(v128.load64_zero(o + outRow), f32x4.shuffle(v0, v0, 2, 3, 0, 1)), 0);
    if (last > 1) v128.store64_lane(o + 2 * outRow, f32x4.add(v128.load64_zero(o + 2 * outRow), v1), 0);
    if (last > 2) v128.store64_lane(o + 3 * outRow, f32x4.add(v128.load64_zero(o + 3 * outRow), f32x4.shuffle(v1, v1, 2, 3, 0, 1)), 0);
  } else {
    v128.store(o, f32x4.add(v128.load(o), v0));
    v128.store(o, f32x4.add(v128.load(o, 16), v1), 16);
  }
}
