// AssemblyScript: batch norm with batch statistics (the reference's norm.ts), forward and backward side
// by side. Per channel: sums over the N x S values in f64 (four f64x2 chains, so not the reference's
// order: equal within the parity tolerance), elementwise work in f64 rounded once to f32 as the
// reference does. Every kernel handles channels [c0, c1) of x [N, C, S]; eps is an f64 at epsAt (thread
// calls pass i32 arguments only).

/** Sum of f32 values [p, p + S) in f64 (plus the sum of squares of (v - m) when sq). */
// @ts-ignore: decorator
@inline function promoteSum(a: v128, v: v128): v128 {
  return f64x2.add(f64x2.add(a, f64x2.promote_low_f32x4(v)), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)));
}

/** sum of row [p, p + S) in f64. */
function rowSum(p: usize, S: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= S; i += 8) {
    const q = p + (<usize>i << 2);
    a = promoteSum(a, v128.load(q));
    b = promoteSum(b, v128.load(q, 16));
  }
  const t = f64x2.add(a, b);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < S; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** sum of (v - m)^2 over row [p, p + S) in f64. */
function rowSquares(p: usize, S: i32, m: f64): f64 {
  const mm = f64x2.splat(m);
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= S; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), mm);
    const d1 = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)), mm);
    a = f64x2.add(a, f64x2.mul(d0, d0));
    b = f64x2.add(b, f64x2.mul(d1, d1));
  }
  const t = f64x2.add(a, b);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < S; i++) {
    const d = <f64>load<f32>(p + (<usize>i << 2)) - m;
    s += d * d;
  }
  return s;
}

/** out[i] = f32((v[i] - m) * scale + shift) over [0, S), the products and sums in f64. */
function rowAffine(p: usize, out: usize, S: i32, m: f64, scale: f64, shift: f64): void {
  const mm = f64x2.splat(m), sc = f64x2.splat(scale), sh = f64x2.splat(shift);
  let i = 0;
  for (; i + 4 <= S; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const lo = f64x2.add(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), mm), sc), sh);
    const hi = f64x2.add(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)), mm), sc), sh);
    v128.store(out + (<usize>i << 2), v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < S; i++) store<f32>(out + (<usize>i << 2), <f32>((<f64>load<f32>(p + (<usize>i << 2)) - m) * scale + shift));
}

/** y = (x - mean) / sqrt(var + eps) * w + b per channel; mean and biased var written as f32. */
export function bnTrain(x: usize, w: usize, b: usize, y: usize, mean: usize, variance: usize, N: i32, C: i32, S: i32, epsAt: usize, c0: i32, c1: i32): void {
  const eps = load<f64>(epsAt);
  const count = <f64>N * <f64>S;
  const nStride = <usize>C * <usize>S << 2;
  for (let c = c0; c < c1; c++) {
    const base = <usize>c * <usize>S << 2;
    let sum: f64 = 0;
    for (let n = 0; n < N; n++) sum += rowSum(x + base + <usize>n * nStride, S);
    const m = sum / count;
    let sq: f64 = 0;
    for (let n = 0; n < N; n++) sq += rowSquares(x + base + <usize>n * nStride, S, m);
    const v = sq / count;
    const scale = <f64>load<f32>(w + (<usize>c << 2)) / Math.sqrt(v + eps), shift = <f64>load<f32>(b + (<usize>c << 2));
    for (let n = 0; n < N; n++) rowAffine(x + base + <usize>n * nStride, y + base + <usize>n * nStride, S, m, scale, shift);
    store<f32>(mean + (<usize>c << 2), <f32>m);
    store<f32>(variance + (<usize>c << 2), <f32>v);
  }
}

/**
 * dx = w * invstd * (dy - sum(dy) / M - xhat * sum(dy * xhat) / M), dw = sum(dy * xhat), db = sum(dy),
 * with xhat = (x - mean) * invstd and M = N * S.
 */
export function bnTrainGrad(dy: usize, x: usize, mean: usize, variance: usize, w: usize, dx: usize, dw: usize, db: usize, N: i32, C: i32, S: i32, epsAt: usize, c0: i32, c1: i32): void {
  const eps = load<f64>(epsAt);
  const count = <f64>N * <f64>S;
  const nStride = <usize>C * <usize>S << 2;
  for (let c = c0; c < c1; c++) {
    const base = <usize>c * <usize>S << 2;
    const m = <f64>load<f32>(mean + (<usize>c << 2));
    const invstd = 1 / Math.sqrt(<f64>load<f32>(variance + (<usize>c << 2)) + eps);
    const mm = f64x2.splat(m);
    let sumDy: f64 = 0, sumDyXc: f64 = 0;
    for (let n = 0; n < N; n++) {
      const gp = dy + base + <usize>n * nStride, xp = x + base + <usize>n * nStride;
      let a = f64x2.splat(0), b = f64x2.splat(0);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const g = v128.load(gp + (<usize>i << 2)), v = v128.load(xp + (<usize>i << 2));
        const g0 = f64x2.promote_low_f32x4(g), g1 = f64x2.promote_low_f32x4(v128.shuffle<i32>(g, g, 2, 3, 2, 3));
        const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), mm), d1 = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)), mm);
        a = f64x2.add(a, f64x2.add(g0, g1));
        b = f64x2.add(b, f64x2.add(f64x2.mul(g0, d0), f64x2.mul(g1, d1)));
      }
      sumDy += f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      sumDyXc += f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
      for (; i < S; i++) {
        const g = <f64>load<f32>(gp + (<usize>i << 2));
        sumDy += g;
        sumDyXc += g * (<f64>load<f32>(xp + (<usize>i << 2)) - m);
      }
    }
    const sumDyXhat = sumDyXc * invstd;
    const k = <f64>load<f32>(w + (<usize>c << 2)) * invstd, meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
    // dx = k * (g - meanDy - (x - m) * invstd * meanDyXhat) = k*g - k*meanDy - (x - m) * (k * invstd * meanDyXhat)
    const kk = f64x2.splat(k), md = f64x2.splat(meanDy), coef = f64x2.splat(invstd * meanDyXhat);
    for (let n = 0; n < N; n++) {
      const gp = dy + base + <usize>n * nStride, xp = x + base + <usize>n * nStride, op = dx + base + <usize>n * nStride;
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const g = v128.load(gp + (<usize>i << 2)), v = v128.load(xp + (<usize>i << 2));
        const g0 = f64x2.promote_low_f32x4(g), g1 = f64x2.promote_low_f32x4(v128.shuffle<i32>(g, g, 2, 3, 2, 3));
        const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), mm), d1 = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)), mm);
        const r0 = f64x2.mul(kk, f64x2.sub(f64x2.sub(g0, md), f64x2.mul(d0, coef)));
        const r1 = f64x2.mul(kk, f64x2.sub(f64x2.sub(g1, md), f64x2.mul(d1, coef)));
        v128.store(op + (<usize>i << 2), v128.shuffle<i32>(f32x4.demote_f64x2_zero(r0), f32x4.demote_f64x2_zero(r1), 0, 1, 4, 5));
      }
      for (; i < S; i++) {
        const g = <f64>load<f32>(gp + (<usize>i << 2)), d = <f64>load<f32>(xp + (<usize>i << 2)) - m;
        store<f32>(op + (<usize>i << 2), <f32>(k * (g - meanDy - d * (invstd * meanDyXhat))));
      }
    }
    store<f32>(dw + (<usize>c << 2), <f32>sumDyXhat);
    store<f32>(db + (<usize>c << 2), <f32>sumDy);
  }
}
