// AssemblyScript: softmax and log-softmax along an axis, and their gradients, as the reference computes
// them: per slice in f64 (fdlibm's exp and log, as V8's Math.exp and Math.log), summed in order, each output
// rounded once. x is viewed as [A][R][K]; slice j = (a, k) runs along R, K floats a step. Two slices share
// an f64x2 vector, one per lane.
import { exp64, log64 } from './transcendental';

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

/** Slices [j0, j1) of `op` (SOFTMAX, ...): x the input (the gradients: dy, with x2 = y), out the result. */
export function softmaxSlices(op: i32, x: usize, x2: usize, out: usize, R: i32, K: i32, j0: i32, j1: i32): void {
  const step = <usize>K << 2;
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
