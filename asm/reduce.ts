// AssemblyScript: Max/Min over axes and ArgMax/ArgMin along one axis, bit-identical to the reference
// backend's sequential rules. Max takes v when v > acc or v is NaN: the last NaN sticks, and of equal
// values (only -0 and +0 differ in bits) the first stays. ArgMax keeps the first index whose value beats
// every earlier one, and stops at the first NaN. Min and ArgMin mirror them with <. `op` is 0 for the
// max kernels, 1 for the min ones.

export const MAX = 0, MIN = 1;

// @ts-ignore: decorator
@inline function beats(op: i32, v: f32, acc: f32): bool {
  return (op == MIN ? v < acc : v > acc) || v != v;
}

// @ts-ignore: decorator
@inline function beatsV(op: i32, v: v128, acc: v128): v128 {
  return v128.or(op == MIN ? f32x4.lt(v, acc) : f32x4.gt(v, acc), f32x4.ne(v, v));
}

/** The reference's fold over n elements `step` floats apart, from -inf (max) or +inf (min). */
function foldRule(op: i32, p: usize, n: i32, step: i32): f32 {
  let acc: f32 = op == MIN ? Infinity : -Infinity;
  const stride = <usize>step << 2;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(p);
    acc = select<f32>(v, acc, beats(op, v, acc));
    p += stride;
  }
  return acc;
}

// @ts-ignore: decorator
@inline function pick(op: i32, a: f32, b: f32): f32 {
  return op == MIN ? min<f32>(a, b) : max<f32>(a, b);
}

/** Four floats `stride` bytes apart, one per lane: element k of four neighbouring rows. */
// @ts-ignore: decorator
@inline export function gather4(p: usize, stride: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + stride, v, 1);
  v = v128.load32_lane(p + 2 * stride, v, 2);
  return v128.load32_lane(p + 3 * stride, v, 3);
}

/**
 * f32 max/min of a contiguous run of n >= 16 (NaN if any element is NaN), 16 lanes at a time. The
 * order-free result equals the sequential rule's whenever it is neither 0 (a -0/+0 tie) nor NaN.
 * pmax/pmin (one instruction each; f32x4.max/min take ~8 in V8) drop NaN, so NaN lanes are tracked apart.
 */
export function lanesExtreme(op: i32, p: usize, n: i32): f32 {
  let a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
  let nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d)));
  let i = 16;
  for (; i + 16 <= n; i += 16) {
    const q = p + (<usize>i << 2);
    const va = v128.load(q), vb = v128.load(q, 16), vc = v128.load(q, 32), vd = v128.load(q, 48);
    a = pickP(op, a, va); b = pickP(op, b, vb);
    c = pickP(op, c, vc); d = pickP(op, d, vd);
    nan = v128.or(nan, v128.or(v128.or(f32x4.ne(va, va), f32x4.ne(vb, vb)), v128.or(f32x4.ne(vc, vc), f32x4.ne(vd, vd))));
  }
  if (v128.any_true(nan)) return NaN;
  const m = pickP(op, pickP(op, a, b), pickP(op, c, d));
  let r = pick(op, pick(op, f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), pick(op, f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) r = pick(op, r, load<f32>(p + (<usize>i << 2)));
  return r;
}

/** pmax/pmin: the larger (smaller) of two non-NaN lanes, either one on a -0/+0 tie. */
// @ts-ignore: decorator
@inline function pickP(op: i32, a: v128, b: v128): v128 {
  return op == MIN ? f32x4.pmin(a, b) : f32x4.pmax(a, b);
}

/** Rows shorter than this run four at a time, one per lane; longer ones use lanesExtreme. */
const SHORT = 16;

/** Max/Min of each row of x viewed as [rows, len], rows [r0, r1). */
export function extremeRows(op: i32, x: usize, out: usize, len: i32, r0: i32, r1: i32): void {
  const rowBytes = <usize>len << 2;
  let r = r0;
  if (len < SHORT) {
    // Each lane is one row's sequential chain, so the rule holds as is.
    const init = f32x4.splat(op == MIN ? Infinity : -Infinity);
    for (; r + 4 <= r1; r += 4) {
      const row = x + <usize>r * rowBytes;
      let acc = init;
      for (let k = 0; k < len; k++) {
        const v = gather4(row + (<usize>k << 2), rowBytes);
        acc = v128.bitselect(v, acc, beatsV(op, v, acc));
      }
      v128.store(out + (<usize>r << 2), acc);
    }
  }
  for (; r < r1; r++) {
    const row = x + <usize>r * rowBytes;
    let v: f32 = 0;
    if (len >= SHORT) v = lanesExtreme(op, row, len);
    // Short rows, and the rare results where lane order could matter: the sequential rule.
    if (len < SHORT || v == 0 || v != v) v = foldRule(op, row, len, 1);
    store<f32>(out + (<usize>r << 2), v);
  }
}

/**
 * Max/Min of x viewed as [A, R, K] over R, planes a in [a0, a1): out [A, K]. Every output is its own
 * sequential chain (a SIMD lane), so the rule holds as is; 16 columns run at a time down the R rows.
 * Chains start at row 0 instead of -inf (+inf): the rule would take row 0 or keep an equal infinity.
 */
export function extremeMiddle(op: i32, x: usize, out: usize, R: i32, K: i32, a0: i32, a1: i32): void {
  const rowBytes = <usize>K << 2;
  for (let a = a0; a < a1; a++) {
    const xa = x + <usize>a * <usize>R * rowBytes, oa = out + <usize>a * rowBytes;
    let k = 0;
    for (; k + 16 <= K; k += 16) {
      let p = xa + (<usize>k << 2);
      let m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32), m3 = v128.load(p, 48);
      for (let r = 1; r < R; r++) {
        p += rowBytes;
        const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
        m0 = v128.bitselect(v0, m0, beatsV(op, v0, m0));
        m1 = v128.bitselect(v1, m1, beatsV(op, v1, m1));
        m2 = v128.bitselect(v2, m2, beatsV(op, v2, m2));
        m3 = v128.bitselect(v3, m3, beatsV(op, v3, m3));
      }
      const o = oa + (<usize>k << 2);
      v128.store(o, m0); v128.store(o, m1, 16); v128.store(o, m2, 32); v128.store(o, m3, 48);
    }
    for (; k + 4 <= K; k += 4) {
      let p = xa + (<usize>k << 2);
      let m = v128.load(p);
      for (let r = 1; r < R; r++) {
        p += rowBytes;
        const v = v128.load(p);
        m = v128.bitselect(v, m, beatsV(op, v, m));
      }
      v128.store(oa + (<usize>k << 2), m);
    }
    for (; k < K; k++) store<f32>(oa + (<usize>k << 2), foldRule(op, xa + (<usize>k << 2), R, K));
  }
}

/**
 * Max/Min over axes in the reference's flat order: x viewed as [d0, d1, d2, d3] (coalesced), every
 * element folded into its output. prm: [d0, d1, d2, d3, os0, os1, os2, os3] (output element strides,
 * 0 for reduced dims).
 */
export function extremeAxes(op: i32, x: usize, out: usize, nOut: i32, prm: usize): void {
  const d0 = load<i32>(prm), d1 = load<i32>(prm, 4), d2 = load<i32>(prm, 8), d3 = load<i32>(prm, 12);
  const s0 = load<i32>(prm, 16), s1 = load<i32>(prm, 20), s2 = load<i32>(prm, 24), s3 = load<i32>(prm, 28);
  const init: f32 = op == MIN ? Infinity : -Infinity;
  for (let i = 0; i < nOut; i++) store<f32>(out + (<usize>i << 2), init);
  let px = x;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const t = out + (<usize>(i0 * s0 + i1 * s1 + i2 * s2) << 2);
        for (let i = 0; i < d3; i++) {
          const ti = t + (<usize>(i * s3) << 2);
          const v = load<f32>(px), acc = load<f32>(ti);
          store<f32>(ti, select<f32>(v, acc, beats(op, v, acc)));
          px += 4;
        }
      }
    }
  }
}

/** Index of the first element of the run that is NaN (with `nan`), else equal to m (-0 == +0); n if none. */
export function firstMatch(p: usize, n: i32, nan: bool, m: f32): i32 {
  const mv = f32x4.splat(m);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const bits = i32x4.bitmask(nan ? f32x4.ne(v, v) : f32x4.eq(v, mv));
    if (bits != 0) return i + ctz(bits);
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (nan ? v != v : v == m) return i;
  }
  return n;
}

/** The reference's ArgMax/ArgMin scan of n elements `step` floats apart. */
function argFold(op: i32, p: usize, n: i32, step: i32): i32 {
  const stride = <usize>step << 2;
  let best = load<f32>(p), bestIdx = 0;
  for (let k = 1; k < n && best == best; k++) {
    p += stride;
    const v = load<f32>(p);
    if (beats(op, v, best)) { best = v; bestIdx = k; }
  }
  return bestIdx;
}

/** One step of the ArgMax/ArgMin scan in every lane: take v (and index k) when it beats a non-NaN best. */
// @ts-ignore: decorator
@inline function argStep(op: i32, v: v128, best: v128): v128 {
  return v128.and(beatsV(op, v, best), f32x4.eq(best, best));
}

/**
 * ArgMax/ArgMin of each row of x viewed as [rows, len], rows [r0, r1), into i32 out. Short rows run
 * four at a time, one per lane. For long rows the rule's answer is the first NaN if any, else the first
 * element equal to the extreme: order-free f32x4.max/min finds the extreme (NaN propagates), then a
 * scan finds that first match.
 */
export function argRows(op: i32, x: usize, out: usize, len: i32, r0: i32, r1: i32): void {
  const rowBytes = <usize>len << 2;
  let r = r0;
  if (len < SHORT) {
    for (; r + 4 <= r1; r += 4) {
      const row = x + <usize>r * rowBytes;
      let best = gather4(row, rowBytes), idx = i32x4.splat(0);
      for (let k = 1; k < len; k++) {
        const v = gather4(row + (<usize>k << 2), rowBytes);
        const take = argStep(op, v, best);
        best = v128.bitselect(v, best, take);
        idx = v128.bitselect(i32x4.splat(k), idx, take);
      }
      v128.store(out + (<usize>r << 2), idx);
    }
  }
  for (; r < r1; r++) {
    const row = x + <usize>r * rowBytes;
    let idx = 0;
    if (len >= SHORT) {
      const m = lanesExtreme(op, row, len);
      idx = firstMatch(row, len, m != m, m);
    } else {
      idx = argFold(op, row, len, 1);
    }
    store<i32>(out + (<usize>r << 2), idx);
  }
}

/**
 * ArgMax/ArgMin of x viewed as [A, R, K] over R, planes a in [a0, a1): i32 out [A, K]. Each column is
 * one lane running the reference's scan: a lane takes v when it beats the best, until its best is NaN.
 */
export function argMiddle(op: i32, x: usize, out: usize, R: i32, K: i32, a0: i32, a1: i32): void {
  const rowBytes = <usize>K << 2;
  for (let a = a0; a < a1; a++) {
    const xa = x + <usize>a * <usize>R * rowBytes, oa = out + <usize>a * rowBytes;
    let k = 0;
    for (; k + 8 <= K; k += 8) {
      let p = xa + (<usize>k << 2);
      let b0 = v128.load(p), b1 = v128.load(p, 16);
      let i0 = i32x4.splat(0), i1 = i32x4.splat(0);
      for (let r = 1; r < R; r++) {
        p += rowBytes;
        const v0 = v128.load(p), v1 = v128.load(p, 16), rv = i32x4.splat(r);
        const t0 = argStep(op, v0, b0), t1 = argStep(op, v1, b1);
        b0 = v128.bitselect(v0, b0, t0); i0 = v128.bitselect(rv, i0, t0);
        b1 = v128.bitselect(v1, b1, t1); i1 = v128.bitselect(rv, i1, t1);
      }
      const o = oa + (<usize>k << 2);
      v128.store(o, i0);
      v128.store(o, i1, 16);
    }
    for (; k < K; k++) store<i32>(oa + (<usize>k << 2), argFold(op, xa + (<usize>k << 2), R, K));
  }
}
