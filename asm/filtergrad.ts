// AssemblyScript: the filter gradient of a stride-1 convolution with few filters, with no im2col and no
// packing: dW[k][tap] = sum over images and output positions of dy[k][oy][ox] * x[off[tap] + oy*Wp + ox]
// (off: the tap's byte offset in the image's zero-padded planes, as in direct.ts). Four output columns
// a vector; each vector of dy feeds 4 taps and each vector of x 2 filters. Lane-wise sums stay in v128
// accumulators across images and are summed horizontally once, by filterGradReduce.

import { madd } from './fma';

/**
 * Taps per block. 2 filters x 4 taps = 8 accumulators; with the 2 dy and 4 x vectors, 14 registers. V8
 * loads every x vector of an iteration first, so 5 taps (17 registers) spilled two accumulators to the
 * stack, and their store-to-load round trip bounded the loop (1.3-1.5x slower).
 */
const TAPS: i32 = 4;
/** Accumulators per block of a filter pair. */
const ACCS: i32 = 2 * TAPS;

/**
 * acc[p][b] (8 v128: filter 2p + j, tap 4b + t at 4j + t) += the sums of one image, for filter pairs
 * [p0, p1) and every one of the nb tap blocks (offs: 4*nb byte offsets, i32, padded with 0).
 * x: the image's planes, Wp floats a row; dy: its [K][OH][OW] gradient. A last row of OW % 4 columns
 * reads up to 3 floats past each tap's row (in the planes' slack) and masks them out.
 */
export function filterGradAcc(x: usize, Wp: i32, offs: usize, nb: i32, dy: usize, K: i32, OH: i32, OW: i32, acc: usize, p0: i32, p1: i32): void {
  const plane = <usize>(OH * OW) << 2;
  for (let p = p0; p < p1; p++) {
    const d0 = dy + <usize>(2 * p) * plane;
    for (let b = 0; b < nb; b++) {
      const o = offs + (<usize>(b * TAPS) << 2), a = acc + (<usize>(p * nb + b) * ACCS << 4);
      if (2 * p + 1 < K) tapBlock2(x, Wp, o, d0, d0 + plane, OH, OW, a);
      else tapBlock1(x, Wp, o, d0, OH, OW, a);
    }
  }
}

/** Lanes [0, n) of the floats at p, zeros above (n = 1..3: no read past them). */
// @ts-ignore: decorator
@inline function loadTail(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// Two filters and one filter are separate functions with no flag: a runtime choice per multiply-add
// cost V8 a branch each.
function tapBlock2(x: usize, Wp: i32, o: usize, d0: usize, d1: usize, OH: i32, OW: i32, a: usize): void {
  const o0 = <usize>load<i32>(o), o1 = <usize>load<i32>(o, 4), o2 = <usize>load<i32>(o, 8), o3 = <usize>load<i32>(o, 12);
  let a00 = v128.load(a), a01 = v128.load(a, 16), a02 = v128.load(a, 32), a03 = v128.load(a, 48);
  let a10 = v128.load(a, 64), a11 = v128.load(a, 80), a12 = v128.load(a, 96), a13 = v128.load(a, 112);
  const full = <usize>(OW & ~3) << 2, rem = OW & 3;
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem));
  const rowX = <usize>Wp << 2, rowY = <usize>OW << 2, gap = d1 - d0;
  let xr = x, r0 = d0;
  for (let oy = 0; oy < OH; oy++) {
    // Pointers that walk the row (V8 keeps them in registers; base + offset + q would cost adds per load).
    let p0 = xr + o0, p1 = xr + o1, p2 = xr + o2, p3 = xr + o3, g = r0;
    const end = r0 + full;
    for (; g < end; g += 16) {
      const g0 = v128.load(g), g1 = v128.load(g + gap);
      let v = v128.load(p0);
      a00 = madd(v, g0, a00); a10 = madd(v, g1, a10);
      v = v128.load(p1);
      a01 = madd(v, g0, a01); a11 = madd(v, g1, a11);
      v = v128.load(p2);
      a02 = madd(v, g0, a02); a12 = madd(v, g1, a12);
      v = v128.load(p3);
      a03 = madd(v, g0, a03); a13 = madd(v, g1, a13);
      p0 += 16; p1 += 16; p2 += 16; p3 += 16;
    }
    if (rem != 0) {
      // x is masked too: a value past the row times a zero of dy would still be NaN if it were Inf.
      const g0 = loadTail(g, rem), g1 = loadTail(g + gap, rem);
      let v = v128.and(v128.load(p0), mask);
      a00 = madd(v, g0, a00); a10 = madd(v, g1, a10);
      v = v128.and(v128.load(p1), mask);
      a01 = madd(v, g0, a01); a11 = madd(v, g1, a11);
      v = v128.and(v128.load(p2), mask);
      a02 = madd(v, g0, a02); a12 = madd(v, g1, a12);
      v = v128.and(v128.load(p3), mask);
      a03 = madd(v, g0, a03); a13 = madd(v, g1, a13);
    }
    xr += rowX; r0 += rowY;
  }
  v128.store(a, a00); v128.store(a, a01, 16); v128.store(a, a02, 32); v128.store(a, a03, 48);
  v128.store(a, a10, 64); v128.store(a, a11, 80); v128.store(a, a12, 96); v128.store(a, a13, 112);
}

function tapBlock1(x: usize, Wp: i32, o: usize, d0: usize, OH: i32, OW: i32, a: usize): void {
  const o0 = <usize>load<i32>(o), o1 = <usize>load<i32>(o, 4), o2 = <usize>load<i32>(o, 8), o3 = <usize>load<i32>(o, 12);
  let a00 = v128.load(a), a01 = v128.load(a, 16), a02 = v128.load(a, 32), a03 = v128.load(a, 48);
  const full = <usize>(OW & ~3) << 2, rem = OW & 3;
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem));
  const rowX = <usize>Wp << 2, rowY = <usize>OW << 2;
  let xr = x, r0 = d0;
  for (let oy = 0; oy < OH; oy++) {
    let p0 = xr + o0, p1 = xr + o1, p2 = xr + o2, p3 = xr + o3, g = r0;
    const end = r0 + full;
    for (; g < end; g += 16) {
      const g0 = v128.load(g);
      a00 = madd(v128.load(p0), g0, a00);
      a01 = madd(v128.load(p1), g0, a01);
      a02 = madd(v128.load(p2), g0, a02);
      a03 = madd(v128.load(p3), g0, a03);
      p0 += 16; p1 += 16; p2 += 16; p3 += 16;
    }
    if (rem != 0) {
      const g0 = loadTail(g, rem);
      a00 = madd(v128.and(v128.load(p0), mask), g0, a00);
      a01 = madd(v128.and(v128.load(p1), mask), g0, a01);
      a02 = madd(v128.and(v128.load(p2), mask), g0, a02);
      a03 = madd(v128.and(v128.load(p3), mask), g0, a03);
    }
    xr += rowX; r0 += rowY;
  }
  v128.store(a, a00); v128.store(a, a01, 16); v128.store(a, a02, 32); v128.store(a, a03, 48);
}

/**
 * dw[k][t] = the lane sum of filterGradAcc's accumulator of filter k, tap t, for filters [2*p0, min(2*p1, K))
 * and taps t < ckk; dw rows are ckk floats.
 */
export function filterGradReduce(acc: usize, nb: i32, K: i32, ckk: i32, p0: i32, p1: i32, dw: usize): void {
  const k1 = min(2 * p1, K);
  for (let k = 2 * p0; k < k1; k++) {
    const row = acc + (<usize>((k >> 1) * nb) * ACCS << 4) + (<usize>((k & 1) * TAPS) << 4);
    const out = dw + (<usize>(k * ckk) << 2);
    for (let t = 0; t < ckk; t++) {
      const b = t / TAPS;
      const v = v128.load(row + (<usize>(b * ACCS + t - b * TAPS) << 4));
      store<f32>(out + (<usize>t << 2), (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
    }
  }
}
