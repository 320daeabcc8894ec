// AssemblyScript: elementwise and reduction kernels whose results equal the reference backend's bit for
// bit: f32 +, -, *, / round exactly like the reference's f64 arithmetic rounded to f32, comparisons give
// int32 0/1, Relu keeps NaN and maps -0 to +0, and Sum accumulates in f64 in the reference's order.
// Shapes arrive coalesced to 4 dims in an i32 parameter block written by JS.

// Ops 0-3 give f32, 4-9 give i32 0/1 (comparisons are false on NaN, as in JS).
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, GT = 4, GE = 5, LT = 6, LE = 7, EQ = 8;

// @ts-ignore: decorator
@inline function opv(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  const one = i32x4.splat(1);
  if (op == GT) return v128.and(f32x4.gt(a, b), one);
  if (op == GE) return v128.and(f32x4.ge(a, b), one);
  if (op == LT) return v128.and(f32x4.lt(a, b), one);
  if (op == LE) return v128.and(f32x4.le(a, b), one);
  if (op == EQ) return v128.and(f32x4.eq(a, b), one);
  return v128.and(f32x4.ne(a, b), one);
}

/** The result's bits (f32 for arithmetic, i32 0/1 for comparisons). */
// @ts-ignore: decorator
@inline function ops(op: i32, a: f32, b: f32): i32 {
  if (op == ADD) return reinterpret<i32>(a + b);
  if (op == SUB) return reinterpret<i32>(a - b);
  if (op == MUL) return reinterpret<i32>(a * b);
  if (op == DIV) return reinterpret<i32>(a / b);
  if (op == GT) return <i32>(a > b);
  if (op == GE) return <i32>(a >= b);
  if (op == LT) return <i32>(a < b);
  if (op == LE) return <i32>(a <= b);
  if (op == EQ) return <i32>(a == b);
  return <i32>(a != b);
}

/**
 * out = a (op) b with broadcasting, over rows [r0, r1) and columns [c0, c1) of the output viewed as
 * [d0*d1*d2, d3]. prm: [d0, d1, d2, d3, as0, as1, as2, as3, bs0, bs1, bs2, bs3] (element strides, 0 = broadcast),
 * then [aShift, bShift, outShift]: element offsets subtracted from a's, b's and out's addresses, so a block
 * of rows can live in a small window (0 when the buffers hold everything).
 */
export function binary(op: i32, a: usize, b: usize, out: usize, prm: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  const d1 = load<i32>(prm, 4), d2 = load<i32>(prm, 8), d3 = load<i32>(prm, 12);
  const as0 = load<i32>(prm, 16), as1 = load<i32>(prm, 20), as2 = load<i32>(prm, 24), as3 = load<i32>(prm, 28);
  const bs0 = load<i32>(prm, 32), bs1 = load<i32>(prm, 36), bs2 = load<i32>(prm, 40), bs3 = load<i32>(prm, 44);
  const aShift = load<i32>(prm, 48), bShift = load<i32>(prm, 52), oShift = load<i32>(prm, 56);
  for (let r = r0; r < r1; r++) {
    const i2 = r % d2, q = r / d2, i1 = q % d1, i0 = q / d1;
    const pa = a + (<usize>(i0 * as0 + i1 * as1 + i2 * as2 + c0 * as3 - aShift) << 2);
    const pb = b + (<usize>(i0 * bs0 + i1 * bs1 + i2 * bs2 + c0 * bs3 - bShift) << 2);
    const po = out + (<usize>(r * d3 + c0 - oShift) << 2);
    const n = c1 - c0;
    let i = 0;
    if (as3 == 1 && bs3 == 1) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, opv(op, v128.load(pa + o), v128.load(pb + o)));
      }
    } else if (as3 == 1 && bs3 == 0) {
      const vb = v128.load32_splat(pb);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, opv(op, v128.load(pa + o), vb));
      }
    } else if (as3 == 0 && bs3 == 1) {
      const va = v128.load32_splat(pa);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, opv(op, va, v128.load(pb + o)));
      }
    }
    for (; i < n; i++) {
      store<i32>(po + (<usize>i << 2), ops(op, load<f32>(pa + (<usize>(i * as3) << 2)), load<f32>(pb + (<usize>(i * bs3) << 2))));
    }
  }
}

/** out[i] = relu(x[i]) for i in [i0, i1): max(x, 0) keeps NaN and turns -0 into +0, as the reference. */
export function relu(x: usize, out: usize, i0: i32, i1: i32): void {
  const z = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.max(v128.load(x + o), z));
  }
  for (; i < i1; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), v > 0 ? v : v != v ? v : 0);
  }
}

/** out[i] = y[i] <= 0 ? 0 : dy[i] for i in [i0, i1) (relu's gradient from its output; NaN y passes dy). */
export function reluGrad(dy: usize, y: usize, out: usize, i0: i32, i1: i32): void {
  const z = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.andnot(v128.load(dy + o), f32x4.le(v128.load(y + o), z)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(y + o) <= 0 ? 0 : load<f32>(dy + o));
  }
}

/**
 * Sum over axes: x viewed as [d0, d1, d2, d3] (coalesced), each dim kept or reduced; every input element
 * is added, in flat order, to its output's f64 accumulator, then the accumulators are rounded to f32.
 * prm: [d0, d1, d2, d3, os0, os1, os2, os3] (output element strides, 0 for reduced dims); acc: nOut f64.
 */
export function sumAxes(x: usize, out: usize, acc: usize, nOut: i32, prm: usize): void {
  const d0 = load<i32>(prm), d1 = load<i32>(prm, 4), d2 = load<i32>(prm, 8), d3 = load<i32>(prm, 12);
  const s0 = load<i32>(prm, 16), s1 = load<i32>(prm, 20), s2 = load<i32>(prm, 24), s3 = load<i32>(prm, 28);
  memory.fill(acc, 0, <usize>nOut << 3);
  let px = x;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const t = acc + (<usize>(i0 * s0 + i1 * s1 + i2 * s2) << 3);
        if (s3 == 0) {
          let s = load<f64>(t);
          for (let i = 0; i < d3; i++) s += <f64>load<f32>(px + (<usize>i << 2));
          store<f64>(t, s);
        } else if (s3 == 1) {
          // Independent accumulators: two f64 lanes at a time change no rounding.
          let i = 0;
          for (; i + 2 <= d3; i += 2) {
            const ti = t + (<usize>i << 3);
            v128.store(ti, f64x2.add(v128.load(ti), f64x2.promote_low_f32x4(v128.load64_zero(px + (<usize>i << 2)))));
          }
          for (; i < d3; i++) {
            const ti = t + (<usize>i << 3);
            store<f64>(ti, load<f64>(ti) + <f64>load<f32>(px + (<usize>i << 2)));
          }
        } else {
          for (let i = 0; i < d3; i++) {
            const ti = t + (<usize>(i * s3) << 3);
            store<f64>(ti, load<f64>(ti) + <f64>load<f32>(px + (<usize>i << 2)));
          }
        }
        px += <usize>d3 << 2;
      }
    }
  }
  for (let i = 0; i < nOut; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}

/**
 * Sum of x viewed as [A, B, K] over A and K (the bias gradient of NCHW: A = N, B = C, K = H*W), in the
 * reference's order: each channel's f64 sum is one sequential chain over (a, k). The chains of channel
 * pairs (c, c+1) share the two lanes of an f64x2, and the pairs are interleaved so their latencies overlap.
 * x may come in slices of A: acc (2 * ceil(B / 2) f64) carries the sums between calls; `first` zeroes
 * it, `last` rounds it into out.
 */
export function sumMiddle(x: usize, out: usize, acc: usize, A: i32, B: i32, K: i32, first: i32, last: i32): void {
  const pairs = (B + 1) >> 1, K4 = K & ~3;
  const plane = <usize>K << 2;
  if (first) memory.fill(acc, 0, <usize>pairs << 4);
  for (let a = 0; a < A; a++) {
    const xa = x + <usize>a * <usize>B * plane;
    for (let k = 0; k < K4; k += 4) {
      const ko = <usize>k << 2;
      for (let p = 0; p < pairs; p++) {
        const c = p << 1;
        const p0 = xa + <usize>c * plane + ko;
        const p1 = c + 1 < B ? p0 + plane : p0; // odd B: the last lane 1 is a discarded copy
        const v0 = v128.load(p0), v1 = v128.load(p1);
        const lo = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5), hi = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
        const t = acc + (<usize>p << 4);
        let s = v128.load(t);
        s = f64x2.add(s, f64x2.promote_low_f32x4(lo));
        s = f64x2.add(s, f64x2.promote_low_f32x4(v128.shuffle<i32>(lo, lo, 2, 3, 2, 3)));
        s = f64x2.add(s, f64x2.promote_low_f32x4(hi));
        s = f64x2.add(s, f64x2.promote_low_f32x4(v128.shuffle<i32>(hi, hi, 2, 3, 2, 3)));
        v128.store(t, s);
      }
    }
    for (let c = 0; c < B; c++) {
      const xc = xa + <usize>c * plane;
      const t = acc + (<usize>c << 3);
      let s = load<f64>(t);
      for (let k = K4; k < K; k++) s += <f64>load<f32>(xc + (<usize>k << 2));
      store<f64>(t, s);
    }
  }
  if (last) for (let c = 0; c < B; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}
