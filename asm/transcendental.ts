// AssemblyScript: exp, tanh and sigmoid on f32x4 (Cephes-style polynomials, a few ulp from the
// reference's f64 Math functions rounded to f32). NaN propagates, exp overflows to +inf and underflows
// through the subnormals to 0, tanh and sigmoid saturate exactly.
// Also the math of the elementwise kernels in asm/elementwise.ts: expm1 (Elu) in f32 lanes, and ln,
// ln(1 + x) and pow in f64 lanes (fdlibm's algorithms), so their f32 results are rounded once from a
// value within ~2^-45 of the exact one, as the reference rounds Math.log/log1p/pow's f64 results.

// @ts-ignore: decorator
@inline function poly(x: v128, c: f32): v128 {
  return f32x4.add(x, f32x4.splat(c));
}

/**
 * The i32 lanes of whole numbers n (|n| < 2^22) in f32 lanes: n + 1.5 * 2^23 holds n in its low mantissa
 * bits, so its bits less the constant's are n. Two instructions; trunc_sat takes ~7 in V8.
 */
// @ts-ignore: decorator
@inline function intOfF4(n: v128): v128 {
  return i32x4.sub(f32x4.add(n, f32x4.splat(12582912.0)), i32x4.splat(0x4b400000));
}

/** e^x: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-7 polynomial, 2^n applied in two halves. */
// @ts-ignore: decorator
@inline function expf4(x: v128): v128 {
  // Beyond these e^x is +inf or 0 in f32 anyway; clamping keeps n inside the exponent range. pmax/pmin
  // (one instruction each; f32x4.max/min take ~8 in V8) keep a NaN x, as max/min would.
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104)), f32x4.splat(89));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = poly(f32x4.mul(p, r), 1.3981999507e-3);
  p = poly(f32x4.mul(p, r), 8.3334519073e-3);
  p = poly(f32x4.mul(p, r), 4.1665795894e-2);
  p = poly(f32x4.mul(p, r), 1.6666665459e-1);
  p = poly(f32x4.mul(p, r), 5.0000001201e-1);
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n = 2^h * 2^(n-h), each a normal power of two for n in [-150, 128].
  const ni = intOfF4(n);
  const h = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, h), i32x4.splat(127)), 23);
  const y = f32x4.mul(f32x4.mul(er, s1), s2);
  // NaN in, NaN out (the clamp above would have turned it into a number).
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

// @ts-ignore: decorator
@inline function tanhf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial (no cancellation near 0).
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = poly(f32x4.mul(p, z), 2.06390887954e-2);
  p = poly(f32x4.mul(p, z), -5.37397155531e-2);
  p = poly(f32x4.mul(p, z), 1.33314422036e-1);
  p = poly(f32x4.mul(p, z), -3.33332819422e-1);
  // x + x*z*p, keeping -0 (and subnormals) as they are.
  const small = v128.bitselect(x, f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x), f32x4.eq(x, f32x4.splat(0)));
  // Otherwise 1 - 2 / (e^{2|x|} + 1), with the sign of x (e^{2|x|} = inf gives exactly 1).
  const e = expf4(f32x4.add(ax, ax));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(big, v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** As the reference: x >= 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x), both from e = e^-|x|. */
// @ts-ignore: decorator
@inline function sigmoidf4(x: v128): v128 {
  const e = expf4(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(f32x4.splat(1), e);
  return v128.bitselect(f32x4.div(f32x4.splat(1), d), f32x4.div(e, d), f32x4.ge(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function apply(v: v128, which: i32): v128 {
  return which == 0 ? expf4(v) : which == 1 ? tanhf4(v) : sigmoidf4(v);
}

/** Function `which` (0 exp, 1 tanh, 2 sigmoid) over [i0, i1) of x into out; a tail of 1-3 goes through one padded vector. */
// @ts-ignore: decorator
@inline function map4(x: usize, out: usize, i0: i32, i1: i32, which: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, apply(v128.load(x + o), which));
  }
  const n = i1 - i;
  if (n <= 0) return;
  const src = x + (<usize>i << 2), dst = out + (<usize>i << 2);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(src));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(src, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(src, 8));
  const y = apply(v, which);
  store<f32>(dst, f32x4.extract_lane(y, 0));
  if (n > 1) store<f32>(dst, f32x4.extract_lane(y, 1), 4);
  if (n > 2) store<f32>(dst, f32x4.extract_lane(y, 2), 8);
}

export function expf(x: usize, out: usize, i0: i32, i1: i32): void {
  map4(x, out, i0, i1, 0);
}

export function tanhf(x: usize, out: usize, i0: i32, i1: i32): void {
  map4(x, out, i0, i1, 1);
}

export function sigmoidf(x: usize, out: usize, i0: i32, i1: i32): void {
  map4(x, out, i0, i1, 2);
}

// ---- f32x4 expm1 (Elu) ----

/** e^r - 1 for |r| <= ln2/2: Taylor to r^8 (truncation under 2^-30 relative); r and r^2/2 lead, so no cancellation. */
// @ts-ignore: decorator
@inline function expm1Small(r: v128): v128 {
  let q = f32x4.splat(1 / 40320);
  q = poly(f32x4.mul(q, r), 1 / 5040);
  q = poly(f32x4.mul(q, r), 1 / 720);
  q = poly(f32x4.mul(q, r), 1 / 120);
  q = poly(f32x4.mul(q, r), 1 / 24);
  q = poly(f32x4.mul(q, r), 1 / 6);
  q = poly(f32x4.mul(q, r), 0.5);
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
}

/**
 * e^x - 1 for x <= 0 (positive lanes give a finite value of no meaning): x = n ln2 + r, |r| <= ln2/2, and
 * per n as fdlibm's expm1 so one rounding dominates: n = 0: p = expm1(r); n = -1: (p - 1) / 2; n <= -2:
 * 2^n (1 + p) - 1. Below -30 the result is -1 in f32; ±0 and NaN pass through.
 */
// @ts-ignore: decorator
@inline export function expm1NegF4(x: v128): v128 {
  // pmin/pmax as in expf4: NaN and both zeros pass through as with min/max.
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(0)), f32x4.splat(-30));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  const p = expm1Small(r), one = f32x4.splat(1);
  const scale = i32x4.shl(i32x4.add(intOfF4(n), i32x4.splat(127)), 23);
  const far = f32x4.sub(f32x4.mul(f32x4.add(p, one), scale), one);
  const near = f32x4.mul(f32x4.sub(p, one), f32x4.splat(0.5));
  let y = v128.bitselect(near, far, f32x4.eq(n, f32x4.splat(-1)));
  y = v128.bitselect(p, y, f32x4.eq(n, f32x4.splat(0)));
  // -0 (which r loses) and NaN (which the clamp may hide) come back as they are.
  return v128.bitselect(x, y, v128.or(f32x4.eq(x, f32x4.splat(0)), f32x4.ne(x, x)));
}

// ---- f64x2: ln, exp; f32x4 ln, ln(1 + x), pow through them ----

const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;

// @ts-ignore: decorator
@inline function poly64(x: v128, c: f64): v128 {
  return f64x2.add(x, f64x2.splat(c));
}

/**
 * ln x (fdlibm's __ieee754_log, under 1 f64 ulp): x = 2^k m, m in [sqrt(1/2), sqrt(2)), f = m - 1,
 * s = f / (2 + f), ln m = f - (f^2/2 - s (f^2/2 + R(s^2))). x comes from float32, so it is never
 * subnormal; 0 gives -inf, negatives NaN, +inf and NaN themselves.
 */
// @ts-ignore: decorator
@inline export function log64(x: v128): v128 {
  let k = i64x2.sub(i64x2.shr_u(x, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(1.41421356237309504880));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  k = i64x2.sub(k, big); // big is -1 where m was halved
  const dk = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(m, f64x2.splat(1));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const z = f64x2.mul(s, s), w = f64x2.mul(z, z);
  let t1 = poly64(f64x2.mul(w, f64x2.splat(1.531383769920937332e-01)), 2.222219843214978396e-01);
  t1 = f64x2.mul(w, poly64(f64x2.mul(w, t1), 3.999999999940941908e-01));
  let t2 = poly64(f64x2.mul(w, f64x2.splat(1.479819860511658591e-01)), 1.818357216161805012e-01);
  t2 = poly64(f64x2.mul(w, t2), 2.857142874366239149e-01);
  t2 = f64x2.mul(z, poly64(f64x2.mul(w, t2), 6.666666666666735130e-01));
  const R = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(dk, f64x2.splat(LN2_LO)));
  const y = f64x2.sub(f64x2.mul(dk, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
  const inf = f64x2.splat(Infinity);
  let r = v128.bitselect(x, y, v128.or(f64x2.eq(x, inf), f64x2.ne(x, x)));
  r = v128.bitselect(f64x2.neg(inf), r, f64x2.eq(x, f64x2.splat(0)));
  return v128.bitselect(f64x2.splat(NaN), r, f64x2.lt(x, f64x2.splat(0)));
}

/**
 * e^t (fdlibm's __ieee754_exp, under 1 f64 ulp): t = k ln2 + r, e^r = 1 - ((lo - r c / (2 - c)) - hi).
 * t is clamped to [-110, 100], beyond which float32 results are 0 or +inf anyway; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function exp64(t: v128): v128 {
  // pmax/pmin: one instruction each (f64x2.max/min take several in V8), a NaN t passes as with max/min.
  const tc = f64x2.pmin(f64x2.pmax(t, f64x2.splat(-110)), f64x2.splat(100));
  const k = f64x2.nearest(f64x2.mul(tc, f64x2.splat(1.44269504088896338700e+00)));
  const hi = f64x2.sub(tc, f64x2.mul(k, f64x2.splat(LN2_HI))), lo = f64x2.mul(k, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo), rr = f64x2.mul(r, r);
  let c = poly64(f64x2.mul(rr, f64x2.splat(4.13813679705723846039e-08)), -1.65339022054652515390e-06);
  c = poly64(f64x2.mul(rr, c), 6.61375632143793436117e-05);
  c = poly64(f64x2.mul(rr, c), -2.77777777770155933842e-03);
  c = poly64(f64x2.mul(rr, c), 1.66666666666666019037e-01);
  c = f64x2.sub(r, f64x2.mul(rr, c));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2), c));
  const y = f64x2.sub(f64x2.splat(1), f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^k, k in [-159, 145]: a normal f64.
  // k is a whole number: k + 1.5 * 2^52 holds it in its low mantissa bits, so its bits less the constant's are k.
  const ki = i64x2.sub(f64x2.add(k, f64x2.splat(6755399441055744.0)), i64x2.splat(0x4338000000000000));
  const scale = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  return v128.bitselect(t, f64x2.mul(y, scale), f64x2.ne(t, t));
}

// @ts-ignore: decorator
@inline export function lowF64(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}

// @ts-ignore: decorator
@inline export function highF64(x: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3));
}

/** Lanes 0-1 from lo and 2-3 from hi, each rounded to f32 once. */
// @ts-ignore: decorator
@inline export function toF32(lo: v128, hi: v128): v128 {
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline export function logF4(x: v128): v128 {
  return toF32(log64(lowF64(x)), log64(highF64(x)));
}

/**
 * ln(1 + x): for |x| >= 2^-29, 1 + x is exact in f64 (bar x > 2^53, where its rounding no longer shows),
 * so ln of it is accurate; below, ln(1 + x) rounds to x itself in f32 (and -0, subnormals stay).
 */
// @ts-ignore: decorator
@inline export function log1pF4(x: v128): v128 {
  const one = f64x2.splat(1);
  const y = toF32(log64(f64x2.add(one, lowF64(x))), log64(f64x2.add(one, highF64(x))));
  return v128.bitselect(x, y, f32x4.lt(f32x4.abs(x), f32x4.splat(1.862645149230957e-9)));
}

/**
 * x^y as Math.pow: |x|^y = e^(y ln|x|) in f64 (ln 1 = 0 exactly, so 1^y = 1; 0 * inf gives NaN for
 * (±1)^±inf, as in JS), then a negative x (or -0, -inf) gives a negative result for odd integer y and
 * NaN for finite x < 0 with non-integer y; y = ±0 gives 1 even for NaN x.
 */
// @ts-ignore: decorator
@inline export function powF4(x: v128, y: v128): v128 {
  const ax = f32x4.abs(x);
  const lo = exp64(f64x2.mul(lowF64(y), log64(lowF64(ax))));
  const hi = exp64(f64x2.mul(highF64(y), log64(highF64(ax))));
  let r = toF32(lo, hi);
  const yInt = f32x4.eq(f32x4.trunc(y), y); // true for ±inf too, which is no odd integer
  const half = f32x4.mul(y, f32x4.splat(0.5));
  const odd = v128.andnot(yInt, f32x4.eq(f32x4.trunc(half), half));
  r = v128.xor(r, v128.and(odd, v128.and(x, f32x4.splat(-0.0))));
  const negFinite = v128.and(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, f32x4.splat(-Infinity)));
  r = v128.bitselect(f32x4.splat(NaN), r, v128.andnot(negFinite, yInt));
  return v128.bitselect(f32x4.splat(1), r, f32x4.eq(y, f32x4.splat(0)));
}
