// AssemblyScript: softmax and log-softmax along an axis, and their gradients, as the reference computes
// them: per slice in f64 (fdlibm's exp and log, as V8's Math.exp and Math.log), summed in order, each output
// rounded once. x is viewed as [A][R][K]; slice j = (a, k) runs along R, K floats a step. Each f64x2 lane
// is one slice: four neighbouring slices (K >= 4, the class axis of NCHW maps) come from vector loads, others
// two at a time.
import { exp64, highF64 as hi64, log64, lowF64 as lo64, toF32 as toF32x4 } from './transcendental';

export const SOFTMAX: i32 = 0, LOG_SOFTMAX: i32 = 1, SOFTMAX_GRAD: i32 = 2, LOG_SOFTMAX_GRAD: i32 = 3;

/** Byte offset of slice j's first element. */
// @ts-ignore: decorator
@inline function sliceAt(j: i32, R: i32, K: i32): usize {
  const a = j / K;
  return <usize>(a * R * K + (j - a * K)) << 2;
}

/** Element r of the slices at p0 (lane 0) and p1 (lane 1), as f64. */
// @ts-ignore: decorator
@inline function pair(p0: usize, p1: usize, off: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p0 + off)), 1, <f64>load<f32>(p1 + off));
}

// @ts-ignore: decorator
@inline function storePair(p0: usize, p1: usize, off: usize, v: v128): void {
  store<f32>(p0 + off, <f32>f64x2.extract_lane(v, 0));
  store<f32>(p1 + off, <f32>f64x2.extract_lane(v, 1));
}

/** The reference's maximum (a NaN sticks), and the shift softmax subtracts: 0 when the maximum is ±inf. */
function shiftOf(p: usize, R: i32, step: usize): f64 {
  let m: f32 = -Infinity;
  for (let r = 0; r < R; r++) {
    const v = load<f32>(p);
    if (v > m || v != v) m = v;
    p += step;
  }
  return m == Infinity || m == -Infinity ? 0 : <f64>m;
}

/**
 * Four neighbouring slices (k, k + 1, k + 2, k + 3 of one a; K >= 4) at p, q (the gradients' y) and y: each
 * lane is one slice, computed as softmaxSlices computes it, from whole-vector loads.
 */
function fourSlices(op: i32, p: usize, q: usize, y: usize, R: i32, step: usize): void {
  if (op == SOFTMAX || op == LOG_SOFTMAX) {
    // The reference's maximum per lane (v > m or v is NaN), then a shift of 0 where it is ±inf.
    let m = f32x4.splat(-Infinity);
    for (let r = 0; r < R; r++) {
      const v = v128.load(p + <usize>r * step);
      m = v128.bitselect(v, m, v128.or(f32x4.gt(v, m), f32x4.ne(v, v)));
    }
    const inf = f32x4.eq(f32x4.abs(m), f32x4.splat(Infinity));
    m = v128.andnot(m, inf);
    const mLo = lo64(m), mHi = hi64(m);
    let sLo = f64x2.splat(0), sHi = f64x2.splat(0);
    for (let r = 0; r < R; r++) {
      const v = v128.load(p + <usize>r * step);
      sLo = f64x2.add(sLo, exp64(f64x2.sub(lo64(v), mLo)));
      sHi = f64x2.add(sHi, exp64(f64x2.sub(hi64(v), mHi)));
    }
    if (op == LOG_SOFTMAX) {
      const lseLo = f64x2.add(mLo, log64(sLo)), lseHi = f64x2.add(mHi, log64(sHi));
      for (let r = 0; r < R; r++) {
        const off = <usize>r * step, v = v128.load(p + off);
        v128.store(y + off, toF32x4(f64x2.sub(lo64(v), lseLo), f64x2.sub(hi64(v), lseHi)));
      }
    } else {
      for (let r = 0; r < R; r++) {
        const off = <usize>r * step, v = v128.load(p + off);
        v128.store(y + off, toF32x4(f64x2.div(exp64(f64x2.sub(lo64(v), mLo)), sLo), f64x2.div(exp64(f64x2.sub(hi64(v), mHi)), sHi)));
      }
    }
    // A shift of 0 may stand for an infinite maximum: redo those slices.
    if (v128.any_true(f32x4.eq(m, f32x4.splat(0)))) {
      for (let l = 0; l < 4; l++) fixInfinite(op, p + (<usize>l << 2), y + (<usize>l << 2), R, step);
    }
    return;
  }
  let sLo = f64x2.splat(0), sHi = f64x2.splat(0);
  for (let r = 0; r < R; r++) {
    const off = <usize>r * step, dy = v128.load(p + off);
    if (op == SOFTMAX_GRAD) {
      const yv = v128.load(q + off);
      sLo = f64x2.add(sLo, f64x2.mul(lo64(dy), lo64(yv)));
      sHi = f64x2.add(sHi, f64x2.mul(hi64(dy), hi64(yv)));
    } else {
      sLo = f64x2.add(sLo, lo64(dy));
      sHi = f64x2.add(sHi, hi64(dy));
    }
  }
  const ninf = f64x2.splat(-Infinity);
  for (let r = 0; r < R; r++) {
    const off = <usize>r * step, dy = v128.load(p + off), yv = v128.load(q + off);
    const dLo = lo64(dy), dHi = hi64(dy), yLo = lo64(yv), yHi = hi64(yv);
    let xLo: v128, xHi: v128;
    if (op == SOFTMAX_GRAD) {
      xLo = f64x2.mul(yLo, f64x2.sub(dLo, sLo));
      xHi = f64x2.mul(yHi, f64x2.sub(dHi, sHi));
    } else {
      // e^-inf is 0 (exp64 would clamp it to e^-110).
      const eLo = v128.bitselect(f64x2.splat(0), exp64(yLo), f64x2.eq(yLo, ninf));
      const eHi = v128.bitselect(f64x2.splat(0), exp64(yHi), f64x2.eq(yHi, ninf));
      xLo = f64x2.sub(dLo, f64x2.mul(eLo, sLo));
      xHi = f64x2.sub(dHi, f64x2.mul(eHi, sHi));
    }
    v128.store(y + off, toF32x4(xLo, xHi));
  }
}

/** Slices [j0, j1) of `op` (SOFTMAX, ...): x the input (the gradients: dy, with x2 = y), out the result. */
export function softmaxSlices(op: i32, x: usize, x2: usize, out: usize, R: i32, K: i32, j0: i32, j1: i32): void {
  const step = <usize>K << 2;
  // Slices k..k+3 of one a lie side by side (K >= 4): four at a time, from vector loads (each lane's
  // result is its slice's, however the slices are grouped).
  if (K >= 4) {
    let j = j0;
    while (j < j1) {
      const k = j % K;
      if (k + 4 <= K && j + 4 <= j1) {
        const o = sliceAt(j, R, K);
        fourSlices(op, x + o, x2 + o, out + o, R, step);
        j += 4;
      } else {
        // Fewer than 4 left in this a or in the range: two slices a vector up to the end of either.
        const stop = min(j1, j - k + K);
        pairSlices(op, x, x2, out, R, K, step, j, stop);
        j = stop;
      }
    }
    return;
  }
  pairSlices(op, x, x2, out, R, K, step, j0, j1);
}

/** Slices [j0, j1), two at a time (one per f64x2 lane). */
function pairSlices(op: i32, x: usize, x2: usize, out: usize, R: i32, K: i32, step: usize, j0: i32, j1: i32): void {
  for (let j = j0; j < j1; j += 2) {
    // A last odd slice runs in both lanes.
    const jb = j + 1 < j1 ? j + 1 : j;
    const o0 = sliceAt(j, R, K), o1 = sliceAt(jb, R, K);
    const a0 = x + o0, a1 = x + o1, y0 = out + o0, y1 = out + o1;
    if (op == SOFTMAX || op == LOG_SOFTMAX) {
      const m0 = shiftOf(a0, R, step), m1 = shiftOf(a1, R, step);
      const m = f64x2.replace_lane(f64x2.splat(m0), 1, m1);
      let s = f64x2.splat(0);
      for (let r = 0; r < R; r++) s = f64x2.add(s, exp64(f64x2.sub(pair(a0, a1, <usize>r * step), m)));
      if (op == LOG_SOFTMAX) {
        const lse = f64x2.add(m, log64(s));
        for (let r = 0; r < R; r++) {
          const off = <usize>r * step;
          storePair(y0, y1, off, f64x2.sub(pair(a0, a1, off), lse));
        }
      } else {
        for (let r = 0; r < R; r++) {
          const off = <usize>r * step;
          storePair(y0, y1, off, f64x2.div(exp64(f64x2.sub(pair(a0, a1, off), m)), s));
        }
      }
      // A shift of 0 may stand for an infinite maximum (exp64 clamps its argument, so redo those slices).
      if (m0 == 0) fixInfinite(op, a0, y0, R, step);
      if (m1 == 0 && jb != j) fixInfinite(op, a1, y1, R, step);
    } else {
      const b0 = x2 + o0, b1 = x2 + o1;
      let s = f64x2.splat(0);
      for (let r = 0; r < R; r++) {
        const off = <usize>r * step, dy = pair(a0, a1, off);
        s = f64x2.add(s, op == SOFTMAX_GRAD ? f64x2.mul(dy, pair(b0, b1, off)) : dy);
      }
      for (let r = 0; r < R; r++) {
        const off = <usize>r * step, dy = pair(a0, a1, off), y = pair(b0, b1, off);
        let dx: v128;
        if (op == SOFTMAX_GRAD) dx = f64x2.mul(y, f64x2.sub(dy, s));
        else {
          // e^-inf is 0 (exp64 would clamp it to e^-110).
          const e = v128.bitselect(f64x2.splat(0), exp64(y), f64x2.eq(y, f64x2.splat(-Infinity)));
          dx = f64x2.sub(dy, f64x2.mul(e, s));
        }
        storePair(y0, y1, off, dx);
      }
    }
  }
}

/**
 * Redoes a slice whose maximum is ±inf (its shift is 0), as the reference's f64 arithmetic ends there: all
 * -inf gives 0/0 and -inf - -inf, NaN; +inf gives x - inf = -inf (log-softmax) or e^x / inf = 0 (softmax),
 * NaN where e^x is inf too. A NaN or a finite maximum of 0 leaves the slice as computed.
 */
function fixInfinite(op: i32, x: usize, y: usize, R: i32, step: usize): void {
  let m: f32 = -Infinity;
  for (let r = 0; r < R; r++) {
    const v = load<f32>(x + <usize>r * step);
    if (v != v) return;
    m = max(m, v);
  }
  if (m != Infinity && m != -Infinity) return;
  for (let r = 0; r < R; r++) {
    const v = <f64>load<f32>(x + <usize>r * step);
    // fdlibm's exp overflows above this.
    const nan = m == -Infinity || (op == SOFTMAX ? v > 7.09782712893383973096e+02 : v == Infinity);
    store<f32>(y + <usize>r * step, nan ? NaN : op == LOG_SOFTMAX ? -Infinity : 0);
  }
}
