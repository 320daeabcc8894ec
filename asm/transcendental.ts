// AssemblyScript: exp, tanh and sigmoid on f32x4 (Cephes-style polynomials, a few ulp from the
// reference's f64 Math functions rounded to f32). NaN propagates, exp overflows to +inf and underflows
// through the subnormals to 0, tanh and sigmoid saturate exactly.

// @ts-ignore: decorator
@inline function poly(x: v128, c: f32): v128 {
  return f32x4.add(x, f32x4.splat(c));
}

/** e^x: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-7 polynomial, 2^n applied in two halves. */
// @ts-ignore: decorator
@inline function expf4(x: v128): v128 {
  // Beyond these e^x is +inf or 0 in f32 anyway; clamping keeps n inside the exponent range.
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(-104)), f32x4.splat(89));
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
  const ni = i32x4.trunc_sat_f32x4_s(n);
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
