// AssemblyScript: elementwise and reduction kernels. `binary` runs every op on a broadcast grid (the
// arithmetic, comparisons, Maximum/Minimum/Pow, the unary maths and Where): f32 +, -, *, / round
// exactly like the reference's f64 arithmetic rounded to f32, comparisons give int32 0/1, and the
// selects (Maximum, Minimum, Where, Sign, Clamp, ...) follow the reference's rules bit for bit; Log, Log1p,
// Pow and Elu come from asm/transcendental.ts. Relu keeps NaN and maps -0 to +0, and Sum accumulates
// in f64 in the reference's order. Shapes arrive coalesced to 4 dims in an i32 parameter block written by JS.
import { expm1NegF4, log1pF4, logF4, powF4 } from './transcendental';
import { relu4 } from './relu';

// Op codes (src/backends/wasm/elementwise.ts keeps the same table). Binary ops read a and b: 0-3 give
// f32, 4-9 i32 0/1 (comparisons are false on NaN, as in JS), 10-12 f32. Unary ops (13-25) read a only;
// Pow with a scalar exponent runs as one of them. WHERE reads a, b and the condition c.
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, GT = 4, GE = 5, LT = 6, LE = 7, EQ = 8, NE = 9;
const MAXIMUM = 10, MINIMUM = 11, POW = 12;
const NEG = 13, ABS = 14, SIGN = 15, SQRT = 16, LOG = 17, LOG1P = 18, LEAKY_RELU = 19, CLAMP = 20, ELU = 21;
const POW_ONE = 22, POW_SQUARE = 23, POW_SQRT = 24, POW_RECIP = 25, WHERE = 26;

// @ts-ignore: decorator
@inline function isUnary(op: i32): bool {
  return op >= NEG && op < WHERE;
}

/** x * k in f64, rounded to f32 once (the reference multiplies by its f64 attribute). */
// @ts-ignore: decorator
@inline function mulF64(x: v128, k: v128): v128 {
  const lo = f64x2.mul(f64x2.promote_low_f32x4(x), k);
  const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3)), k);
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * The unary ops on x. k0-k3: the op's attributes as it reads them, splat (see `attrs`); plain
 * parameters, since an object would be allocated on every call by the stub runtime, which never frees.
 */
// @ts-ignore: decorator
@inline function unaryv(op: i32, x: v128, k0: v128, k1: v128, k2: v128, k3: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  // ±0 and NaN stay as they are.
  if (op == SIGN) return v128.bitselect(f32x4.splat(-1), v128.bitselect(one, x, f32x4.gt(x, zero)), f32x4.lt(x, zero));
  if (op == SQRT) return f32x4.sqrt(x); // correctly rounded, as f64 sqrt rounded to f32 is
  if (op == LOG) return logF4(x);
  if (op == LOG1P) return log1pF4(x);
  if (op == LEAKY_RELU) return v128.bitselect(x, mulF64(x, k0), f32x4.gt(x, zero));
  // x < min ? min : x > max ? max : x, with the f64 bounds turned into f32 thresholds by JS:
  // k0 = the largest f32 below min, k1 = f32(min), k2 = the smallest f32 above max, k3 = f32(max).
  if (op == CLAMP) return v128.bitselect(k1, v128.bitselect(k3, x, f32x4.ge(x, k2)), f32x4.le(x, k0));
  if (op == ELU) return v128.bitselect(x, mulF64(expm1NegF4(x), k0), f32x4.gt(x, zero));
  if (op == POW_ONE) return x;
  if (op == POW_SQUARE) return f32x4.mul(x, x);
  if (op == POW_RECIP) return f32x4.div(one, x);
  // POW_SQRT: Math.pow(x, 0.5) is sqrt(x), except (-0)^0.5 = +0 and (-inf)^0.5 = +inf.
  const r = v128.bitselect(f32x4.splat(Infinity), f32x4.sqrt(x), f32x4.eq(x, f32x4.splat(-Infinity)));
  return v128.bitselect(zero, r, f32x4.eq(x, zero));
}

/** The op on 4 lanes: f32 results, or i32 0/1 for comparisons. */
// @ts-ignore: decorator
@inline function opv(op: i32, a: v128, b: v128, c: v128, k0: v128, k1: v128, k2: v128, k3: v128): v128 {
  if (isUnary(op)) return unaryv(op, a, k0, k1, k2, k3);
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  // a > b ? a : b (ties give b, so max(+0, -0) = -0), NaN if either is: pmax(b, a) = b < a ? a : b.
  if (op == MAXIMUM) return v128.bitselect(a, f32x4.pmax(b, a), f32x4.ne(a, a));
  if (op == MINIMUM) return v128.bitselect(a, f32x4.pmin(b, a), f32x4.ne(a, a));
  if (op == POW) return powF4(a, b);
  // Non-zero condition (NaN included, -0 not) picks a; int32 conditions arrive converted to f32.
  if (op == WHERE) return v128.bitselect(a, b, f32x4.ne(c, f32x4.splat(0)));
  const one = i32x4.splat(1);
  if (op == GT) return v128.and(f32x4.gt(a, b), one);
  if (op == GE) return v128.and(f32x4.ge(a, b), one);
  if (op == LT) return v128.and(f32x4.lt(a, b), one);
  if (op == LE) return v128.and(f32x4.le(a, b), one);
  if (op == EQ) return v128.and(f32x4.eq(a, b), one);
  return v128.and(f32x4.ne(a, b), one);
}

/** Lanes i..i+3 of an operand row: a vector where its inner stride is 1, a splat where it is 0 (broadcast). */
// @ts-ignore: decorator
@inline function lanes(p: usize, stride: i32, i: i32): v128 {
  return stride ? v128.load(p + (<usize>i << 2)) : v128.load32_splat(p);
}

/** Lanes i..n-1 (1 to 3) of an operand row; the unused lanes repeat lane 0. */
// @ts-ignore: decorator
@inline function tailLanes(p: usize, stride: i32, i: i32, n: i32): v128 {
  let v = v128.load32_splat(p + (<usize>(i * stride) << 2));
  if (n - i > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + (<usize>((i + 1) * stride) << 2)));
  if (n - i > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + (<usize>((i + 2) * stride) << 2)));
  return v;
}

/**
 * n outputs at po from operand rows pa, pb, pc with inner strides sa, sb, sc (each 0 or 1). Call sites
 * pass constant strides for the common layouts, so the loads compile to plain vector loads or splats.
 * A tail of 1-3 goes through the op on a partly filled vector (outside the loop: ~10% faster than
 * checking for it inside, for memory-bound ops).
 */
// @ts-ignore: decorator
@inline function span(
  op: i32, pa: usize, sa: i32, pb: usize, sb: i32, pc: usize, sc: i32, po: usize, n: i32, k0: v128, k1: v128, k2: v128, k3: v128,
): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(po + (<usize>i << 2), opv(op, lanes(pa, sa, i), lanes(pb, sb, i), lanes(pc, sc, i), k0, k1, k2, k3));
  }
  if (i == n) return;
  const y = opv(op, tailLanes(pa, sa, i, n), tailLanes(pb, sb, i, n), tailLanes(pc, sc, i, n), k0, k1, k2, k3);
  const o = po + (<usize>i << 2);
  store<i32>(o, i32x4.extract_lane(y, 0));
  if (n - i > 1) store<i32>(o, i32x4.extract_lane(y, 1), 4);
  if (n - i > 2) store<i32>(o, i32x4.extract_lane(y, 2), 8);
}

/** Attribute i of the block (an f64) as op reads it: f64 lanes for the f64 products of LeakyRelu and Elu, else f32 lanes. */
// @ts-ignore: decorator
@inline function attr(op: i32, prm: usize, i: i32): v128 {
  const v = load<f64>(prm + 96 + (<usize>i << 3));
  return op == LEAKY_RELU || op == ELU ? f64x2.splat(v) : f32x4.splat(<f32>v);
}

/**
 * Rows [r0, r1), columns [c0, c1) of the output viewed as [d0*d1*d2, d3], for one op (a constant
 * after inlining, so each op gets its own loops). prm (i32 words): [0-3] d0-d3, [4-7] a's element
 * strides (0 = broadcast), [8-11] b's, [12-15] c's, [16-19] element offsets subtracted from a's, b's,
 * c's and out's addresses (so a block of rows can live in a small window; 0 when the buffers hold
 * everything), [20] c's address; bytes 96-127: four f64 attributes of the unary ops.
 * `layouts` picks the stride combinations that get their own loop: 1 for unary ops (a's stride 1),
 * 2 for binary ops (a and b any of 1/1, 1/0, 0/1), 3 for Where (all 1); others run the generic loop.
 */
// @ts-ignore: decorator
@inline function rows(op: i32, layouts: i32, a: usize, b: usize, out: usize, prm: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  const d1 = load<i32>(prm, 4), d2 = load<i32>(prm, 8), d3 = load<i32>(prm, 12);
  const as0 = load<i32>(prm, 16), as1 = load<i32>(prm, 20), as2 = load<i32>(prm, 24), as3 = load<i32>(prm, 28);
  const bs0 = load<i32>(prm, 32), bs1 = load<i32>(prm, 36), bs2 = load<i32>(prm, 40), bs3 = load<i32>(prm, 44);
  const cs0 = load<i32>(prm, 48), cs1 = load<i32>(prm, 52), cs2 = load<i32>(prm, 56), cs3 = load<i32>(prm, 60);
  const aShift = load<i32>(prm, 64), bShift = load<i32>(prm, 68), cShift = load<i32>(prm, 72), oShift = load<i32>(prm, 76);
  const c = <usize>load<i32>(prm, 80);
  const k0 = attr(op, prm, 0), k1 = attr(op, prm, 1), k2 = attr(op, prm, 2), k3 = attr(op, prm, 3);
  const n = c1 - c0;
  for (let r = r0; r < r1; r++) {
    const i2 = r % d2, q = r / d2, i1 = q % d1, i0 = q / d1;
    const pa = a + (<usize>(i0 * as0 + i1 * as1 + i2 * as2 + c0 * as3 - aShift) << 2);
    const pb = b + (<usize>(i0 * bs0 + i1 * bs1 + i2 * bs2 + c0 * bs3 - bShift) << 2);
    const pc = c + (<usize>(i0 * cs0 + i1 * cs1 + i2 * cs2 + c0 * cs3 - cShift) << 2);
    const po = out + (<usize>(r * d3 + c0 - oShift) << 2);
    if (layouts == 1) {
      if (as3 == 1) span(op, pa, 1, pa, 1, pa, 1, po, n, k0, k1, k2, k3);
      else span(op, pa, as3, pa, as3, pa, as3, po, n, k0, k1, k2, k3);
    } else if (layouts == 2) {
      if (as3 == 1 && bs3 == 1) span(op, pa, 1, pb, 1, pa, 1, po, n, k0, k1, k2, k3);
      else if (as3 == 1) span(op, pa, 1, pb, 0, pa, 1, po, n, k0, k1, k2, k3);
      else if (bs3 == 1) span(op, pa, 0, pb, 1, pa, 0, po, n, k0, k1, k2, k3);
      else span(op, pa, 0, pb, 0, pa, 0, po, n, k0, k1, k2, k3);
    } else {
      if (as3 == 1 && bs3 == 1 && cs3 == 1) span(op, pa, 1, pb, 1, pc, 1, po, n, k0, k1, k2, k3);
      else span(op, pa, as3, pb, bs3, pc, cs3, po, n, k0, k1, k2, k3);
    }
  }
}

// One function per op (each a separate wasm function: one giant inlined switch stalls the optimizer).
type Rows = (a: usize, b: usize, out: usize, prm: usize, r0: i32, r1: i32, c0: i32, c1: i32) => void;
function addRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(ADD, 2, a, b, o, p, r0, r1, c0, c1); }
function subRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(SUB, 2, a, b, o, p, r0, r1, c0, c1); }
function mulRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(MUL, 2, a, b, o, p, r0, r1, c0, c1); }
function divRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(DIV, 2, a, b, o, p, r0, r1, c0, c1); }
function gtRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(GT, 2, a, b, o, p, r0, r1, c0, c1); }
function geRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(GE, 2, a, b, o, p, r0, r1, c0, c1); }
function ltRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(LT, 2, a, b, o, p, r0, r1, c0, c1); }
function leRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(LE, 2, a, b, o, p, r0, r1, c0, c1); }
function eqRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(EQ, 2, a, b, o, p, r0, r1, c0, c1); }
function neRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(NE, 2, a, b, o, p, r0, r1, c0, c1); }
function maximumRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(MAXIMUM, 2, a, b, o, p, r0, r1, c0, c1); }
function minimumRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(MINIMUM, 2, a, b, o, p, r0, r1, c0, c1); }
function powRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(POW, 2, a, b, o, p, r0, r1, c0, c1); }
function negRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(NEG, 1, a, b, o, p, r0, r1, c0, c1); }
function absRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(ABS, 1, a, b, o, p, r0, r1, c0, c1); }
function signRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(SIGN, 1, a, b, o, p, r0, r1, c0, c1); }
function sqrtRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(SQRT, 1, a, b, o, p, r0, r1, c0, c1); }
function logRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(LOG, 1, a, b, o, p, r0, r1, c0, c1); }
function log1pRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(LOG1P, 1, a, b, o, p, r0, r1, c0, c1); }
function leakyReluRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(LEAKY_RELU, 1, a, b, o, p, r0, r1, c0, c1); }
function clampRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(CLAMP, 1, a, b, o, p, r0, r1, c0, c1); }
function eluRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(ELU, 1, a, b, o, p, r0, r1, c0, c1); }
function powOneRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(POW_ONE, 1, a, b, o, p, r0, r1, c0, c1); }
function powSquareRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(POW_SQUARE, 1, a, b, o, p, r0, r1, c0, c1); }
function powSqrtRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(POW_SQRT, 1, a, b, o, p, r0, r1, c0, c1); }
function powRecipRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(POW_RECIP, 1, a, b, o, p, r0, r1, c0, c1); }
function whereRows(a: usize, b: usize, o: usize, p: usize, r0: i32, r1: i32, c0: i32, c1: i32): void { rows(WHERE, 3, a, b, o, p, r0, r1, c0, c1); }

/** Indexed by op code. */
const ROWS: StaticArray<Rows> = [
  addRows, subRows, mulRows, divRows, gtRows, geRows, ltRows, leRows, eqRows, neRows, maximumRows, minimumRows, powRows,
  negRows, absRows, signRows, sqrtRows, logRows, log1pRows, leakyReluRows, clampRows, eluRows,
  powOneRows, powSquareRows, powSqrtRows, powRecipRows, whereRows,
];

/** out = op(a, b, c) over a block of the broadcast output grid: see `rows` for prm and the blocks. */
export function binary(op: i32, a: usize, b: usize, out: usize, prm: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  unchecked(ROWS[op])(a, b, out, prm, r0, r1, c0, c1);
}

/** out[i] = relu(x[i]) for i in [i0, i1): max(x, 0) keeps NaN and turns -0 into +0, as the reference. */
export function relu(x: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, relu4(v128.load(x + o)));
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
 * pairs (c, c+1) share the two lanes of an f64x2; out gets the channels of pairs [p0, p1). Three pairs
 * at a time keep their chains in registers, so their latencies overlap (the chains themselves cannot
 * be split without changing the sums). acc: 2 * ceil(B / 2) f64 of scratch, for rows of K % 4 != 0.
 */
export function sumMiddle(x: usize, out: usize, acc: usize, A: i32, B: i32, K: i32, p0: i32, p1: i32): void {
  if ((K & 3) == 0) {
    let p = p0;
    for (; p + 3 <= p1; p += 3) pairChains(x, out, A, B, K, p, 3);
    if (p + 2 == p1) pairChains(x, out, A, B, K, p, 2);
    else if (p + 1 == p1) pairChains(x, out, A, B, K, p, 1);
    return;
  }
  const K4 = K & ~3, plane = <usize>K << 2;
  memory.fill(acc + (<usize>p0 << 4), 0, <usize>(p1 - p0) << 4);
  for (let a = 0; a < A; a++) {
    const xa = x + <usize>a * <usize>B * plane;
    for (let k = 0; k < K4; k += 4) {
      for (let p = p0; p < p1; p++) {
        const t = acc + (<usize>p << 4);
        v128.store(t, addPair(v128.load(t), xa, p << 1, B, plane, <usize>k << 2));
      }
    }
    for (let c = p0 << 1; c < min(B, p1 << 1); c++) {
      const xc = xa + <usize>c * plane;
      const t = acc + (<usize>c << 3);
      let s = load<f64>(t);
      for (let k = K4; k < K; k++) s += <f64>load<f32>(xc + (<usize>k << 2));
      store<f64>(t, s);
    }
  }
  for (let c = p0 << 1; c < min(B, p1 << 1); c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}

/** The chains of pairs [p, p + n) (n = 1..3, K % 4 == 0) in registers, rounded into out. */
// @ts-ignore: decorator
@inline function pairChains(x: usize, out: usize, A: i32, B: i32, K: i32, p: i32, n: i32): void {
  const plane = <usize>K << 2, rowEnd = plane, c = p << 1;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0);
  for (let a = 0; a < A; a++) {
    const xa = x + <usize>a * <usize>B * plane;
    for (let ko: usize = 0; ko < rowEnd; ko += 16) {
      s0 = addPair(s0, xa, c, B, plane, ko);
      if (n > 1) s1 = addPair(s1, xa, c + 2, B, plane, ko);
      if (n > 2) s2 = addPair(s2, xa, c + 4, B, plane, ko);
    }
  }
  storePair(out, c, B, s0);
  if (n > 1) storePair(out, c + 2, B, s1);
  if (n > 2) storePair(out, c + 4, B, s2);
}

/** s + the 4 values at k..k+3 (byte offset ko) of channels c and c+1 (c + 1 == B: a discarded copy of c), in order of k. */
// @ts-ignore: decorator
@inline function addPair(s: v128, xa: usize, c: i32, B: i32, plane: usize, ko: usize): v128 {
  const q0 = xa + <usize>c * plane + ko;
  const q1 = c + 1 < B ? q0 + plane : q0;
  const v0 = v128.load(q0), v1 = v128.load(q1);
  const lo = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5), hi = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
  s = f64x2.add(s, f64x2.promote_low_f32x4(lo));
  s = f64x2.add(s, f64x2.promote_low_f32x4(v128.shuffle<i32>(lo, lo, 2, 3, 2, 3)));
  s = f64x2.add(s, f64x2.promote_low_f32x4(hi));
  return f64x2.add(s, f64x2.promote_low_f32x4(v128.shuffle<i32>(hi, hi, 2, 3, 2, 3)));
}

// @ts-ignore: decorator
@inline function storePair(out: usize, c: i32, B: i32, s: v128): void {
  store<f32>(out + (<usize>c << 2), <f32>f64x2.extract_lane(s, 0));
  if (c + 1 < B) store<f32>(out + (<usize>(c + 1) << 2), <f32>f64x2.extract_lane(s, 1));
}

/** dst[i] += src[i] for i < n: partial sums folded in a fixed order (the filter gradient's image groups). */
export function addTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}
