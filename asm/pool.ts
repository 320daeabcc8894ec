// AssemblyScript: pooling on NCHW planes, following the reference kernels' arithmetic exactly
// (window sums in f64 in the same order, the same divisor rules and argmax tie/NaN rules), so the
// results are bit-identical to the reference backend. Every kernel handles planes [p0, p1).
import { MAX, firstMatch, gather4, lanesExtreme } from './reduce';

/** The later of two candidates wins when it is larger or NaN (the reference's sequential rule). */
// @ts-ignore: decorator
@inline function laterWins(later: v128, earlier: v128): v128 {
  return v128.or(f32x4.gt(later, earlier), f32x4.ne(later, later));
}

/**
 * 2x2 stride-2 windows, 4 outputs at a time. The reference scans (h, w), (h, w+1), (h+1, w), (h+1, w+1)
 * and takes v when v > best or v is NaN: the first maximum, or the last NaN. A tree gives the same
 * winner (each row's pair, then the lower row's winner against the upper's) with a shorter dependency
 * chain; indices are offsets {0, 1, W, W+1} selected alongside.
 */
function maxPool2x2(xp: usize, o: usize, io: usize, W: i32, OH: i32, OW: i32): void {
  const Wb = <usize>W << 2;
  const one = i32x4.splat(1), w0 = i32x4.splat(W);
  for (let oh = 0; oh < OH; oh++) {
    const r0 = xp + (<usize>(2 * oh) * Wb), r1 = r0 + Wb;
    let base = i32x4.add(i32x4.splat(2 * oh * W), i32x4(0, 2, 4, 6));
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const c = <usize>(8 * ow);
      const u0 = v128.load(r0 + c), u1 = v128.load(r0 + c, 16);
      const l0 = v128.load(r1 + c), l1 = v128.load(r1 + c, 16);
      const a = v128.shuffle<i32>(u0, u1, 0, 2, 4, 6), b = v128.shuffle<i32>(u0, u1, 1, 3, 5, 7);
      const cc = v128.shuffle<i32>(l0, l1, 0, 2, 4, 6), d = v128.shuffle<i32>(l0, l1, 1, 3, 5, 7);
      const mab = laterWins(b, a), mcd = laterWins(d, cc);
      const top = v128.bitselect(b, a, mab), bottom = v128.bitselect(d, cc, mcd);
      const m = laterWins(bottom, top);
      // Offsets: top row 0 or 1, bottom row W or W+1.
      const topOff = v128.and(mab, one), bottomOff = i32x4.add(w0, v128.and(mcd, one));
      v128.store(o, v128.bitselect(bottom, top, m));
      v128.store(io, i32x4.add(base, v128.bitselect(bottomOff, topOff, m)));
      base = i32x4.add(base, i32x4.splat(8));
      o += 16;
      io += 16;
    }
    for (; ow < OW; ow++) {
      const h = 2 * oh, w = 2 * ow;
      let best = load<f32>(r0 + (<usize>w << 2)), bi = h * W + w;
      let v = load<f32>(r0 + (<usize>w << 2), 4);
      if (v > best || v != v) { best = v; bi = h * W + w + 1; }
      v = load<f32>(r1 + (<usize>w << 2));
      if (v > best || v != v) { best = v; bi = h * W + w + W; }
      v = load<f32>(r1 + (<usize>w << 2), 4);
      if (v > best || v != v) { best = v; bi = h * W + w + W + 1; }
      store<f32>(o, best);
      store<i32>(io, bi);
      o += 4;
      io += 4;
    }
  }
}

/**
 * Max (f32 at out) and its flat in-plane index (i32 at idx) over rows [h0, h1) step dH, columns [w0, w1)
 * step dW of the plane at xp: the reference's rules (the first maximum, the last NaN).
 */
// @ts-ignore: decorator
@inline function windowMax(xp: usize, W: i32, h0: i32, h1: i32, dH: i32, w0: i32, w1: i32, dW: i32, out: usize, idx: usize): void {
  let best: f32 = -Infinity;
  let bestIdx = h0 * W + w0;
  for (let h = h0; h < h1; h += dH) {
    const row = xp + (<usize>(h * W) << 2);
    for (let w = w0; w < w1; w += dW) {
      const v = load<f32>(row + (<usize>w << 2));
      // Branch-free: random data makes this comparison unpredictable.
      const take = v > best || v != v;
      best = select<f32>(v, best, take);
      bestIdx = select<i32>(h * W + w, bestIdx, take);
    }
  }
  store<f32>(out, best);
  store<i32>(idx, bestIdx);
}

/**
 * Four neighbouring outputs of one row (stride sW of 1 or 2, dilation 1 along the row), every tap in
 * the reference's scan order (rows, then columns), so ties and NaNs resolve as windowMax does. The
 * windows start at column c0 (>= 0) and all loads stay inside the row.
 */
// @ts-ignore: decorator
@inline function maxPool4(xp: usize, W: i32, h0: i32, h1: i32, dH: i32, c0: i32, kW: i32, sW: i32, out: usize, idx: usize): void {
  let best = f32x4.splat(-Infinity);
  const lanes = i32x4(0, sW, 2 * sW, 3 * sW);
  let bi = i32x4.add(i32x4.splat(h0 * W + c0), lanes);
  for (let h = h0; h < h1; h += dH) {
    const row = xp + (<usize>(h * W) << 2);
    for (let t = 0; t < kW; t++) {
      const a = row + (<usize>(c0 + t) << 2);
      const v = sW == 2 ? v128.shuffle<i32>(v128.load(a), v128.load(a, 16), 0, 2, 4, 6) : v128.load(a);
      const m = laterWins(v, best);
      best = v128.bitselect(v, best, m);
      bi = v128.bitselect(i32x4.add(i32x4.splat(h * W + c0 + t), lanes), bi, m);
    }
  }
  v128.store(out, best);
  v128.store(idx, bi);
}

/** MaxPool2D: out (f32) and flat in-plane argmax indices (i32). Implicit -inf padding. */
export function maxPool(
  x: usize, out: usize, idx: usize, H: i32, W: i32, OH: i32, OW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  const fast2x2 = kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && dH == 1 && dW == 1 && 2 * OH <= H && 2 * OW <= W;
  for (let p = p0; p < p1; p++) {
    if (fast2x2) {
      const o = <usize>p * oplane << 2;
      maxPool2x2(x + (<usize>p * plane << 2), out + o, idx + o, W, OH, OW);
      continue;
    }
    const xp = x + (<usize>p * plane << 2);
    let o = <usize>p * oplane << 2;
    for (let oh = 0; oh < OH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = min(h0 + (kH - 1) * dH + 1, H);
      while (h0 < 0) h0 += dH;
      let ow = 0;
      if (dW == 1 && (sW == 1 || sW == 2)) {
        // Windows left of the edge run below; then 4 outputs at a time while every load stays in the row.
        while (ow < OW && ow * sW - pW < 0) ow++;
        const reach = sW == 2 ? 7 : 3;
        for (let o0 = o, w0 = 0; w0 < ow; w0++) {
          const a = w0 * sW - pW;
          windowMax(xp, W, h0, h1, dH, max(a, 0), min(a + kW, W), 1, out + o0, idx + o0);
          o0 += 4;
        }
        o += <usize>ow << 2;
        for (; ow + 4 <= OW && ow * sW - pW + kW - 1 + reach < W; ow += 4) {
          maxPool4(xp, W, h0, h1, dH, ow * sW - pW, kW, sW, out + o, idx + o);
          o += 16;
        }
      }
      for (; ow < OW; ow++) {
        let w0 = ow * sW - pW;
        const w1 = min(w0 + (kW - 1) * dW + 1, W);
        while (w0 < 0) w0 += dW;
        windowMax(xp, W, h0, h1, dH, w0, w1, dW, out + o, idx + o);
        o += 4;
      }
    }
  }
}

/** PyTorch's avg-pool window along one axis: [lo, hi) clipped to the input, span measured to n + pad. */
// @ts-ignore: decorator
@inline function winLo(o: i32, s: i32, p: i32): i32 {
  return max(o * s - p, 0);
}
// @ts-ignore: decorator
@inline function winEnd(o: i32, s: i32, p: i32, k: i32, n: i32): i32 {
  return min(o * s - p + k, n + p);
}

/** Divisor of output cell (oh, ow); divisorOverride != 0 wins (the JS side passes 0 for none). */
// @ts-ignore: decorator
@inline function divisorOf(
  oh: i32, ow: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32,
  countIncludePad: i32, divisorOverride: f64,
): f64 {
  if (divisorOverride != 0) return divisorOverride;
  const eh = winEnd(oh, sH, pH, kH, H), ew = winEnd(ow, sW, pW, kW, W);
  if (countIncludePad) return <f64>((eh - (oh * sH - pH)) * (ew - (ow * sW - pW)));
  return <f64>((min(eh, H) - winLo(oh, sH, pH)) * (min(ew, W) - winLo(ow, sW, pW)));
}

/** Whether d is a power of two from 1 to 2^64 (its mantissa bits all zero): 1 / d is then a normal f32. */
// @ts-ignore: decorator
@inline function powerOfTwo(d: f64): bool {
  return d >= 1 && d <= 18446744073709551616.0 && (reinterpret<u64>(d) & 0x000F_FFFF_FFFF_FFFF) == 0;
}

/**
 * 2x2 stride-2 windows without padding, 4 outputs at a time in two f64x2 halves: ((0 + a) + b) + c) + d
 * in f64, then / divisor, exactly the reference's sequence.
 */
function avgPool2x2(xp: usize, o: usize, W: i32, OH: i32, OW: i32, divisor: f64): void {
  const Wb = <usize>W << 2;
  const dv = f64x2.splat(divisor), z = f64x2.splat(0);
  for (let oh = 0; oh < OH; oh++) {
    const r0 = xp + (<usize>(2 * oh) * Wb), r1 = r0 + Wb;
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const c = <usize>(8 * ow);
      const u0 = v128.load(r0 + c), u1 = v128.load(r0 + c, 16), l0 = v128.load(r1 + c), l1 = v128.load(r1 + c, 16);
      const a = v128.shuffle<i32>(u0, u1, 0, 2, 4, 6), b = v128.shuffle<i32>(u0, u1, 1, 3, 5, 7);
      const cc = v128.shuffle<i32>(l0, l1, 0, 2, 4, 6), d = v128.shuffle<i32>(l0, l1, 1, 3, 5, 7);
      // Lanes 0-1 and 2-3 of each f32x4, promoted to f64x2.
      const a2 = v128.shuffle<i32>(a, a, 2, 3, 0, 1), b2 = v128.shuffle<i32>(b, b, 2, 3, 0, 1);
      const c2 = v128.shuffle<i32>(cc, cc, 2, 3, 0, 1), d2 = v128.shuffle<i32>(d, d, 2, 3, 0, 1);
      let lo = f64x2.add(z, f64x2.promote_low_f32x4(a));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(b));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(cc));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(d));
      let hi = f64x2.add(z, f64x2.promote_low_f32x4(a2));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(b2));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(c2));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(d2));
      const rlo = f32x4.demote_f64x2_zero(f64x2.div(lo, dv)), rhi = f32x4.demote_f64x2_zero(f64x2.div(hi, dv));
      v128.store(o, v128.shuffle<i32>(rlo, rhi, 0, 1, 4, 5));
      o += 16;
    }
    for (; ow < OW; ow++) {
      const w = <usize>(2 * ow) << 2;
      let sum: f64 = 0;
      sum += <f64>load<f32>(r0 + w);
      sum += <f64>load<f32>(r0 + w, 4);
      sum += <f64>load<f32>(r1 + w);
      sum += <f64>load<f32>(r1 + w, 4);
      store<f32>(o, <f32>(sum / divisor));
      o += 4;
    }
  }
}

/** AvgPool2D: window sum (f64) / divisor; a window entirely in padding gives 0. */
export function avgPool(
  x: usize, out: usize, H: i32, W: i32, OH: i32, OW: i32, kH: i32, kW: i32, sH: i32, sW: i32,
  pH: i32, pW: i32, countIncludePad: i32, divisorOverride: f64, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  if (kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && 2 * OH <= H && 2 * OW <= W) {
    // Full windows only: the divisor is 4 either way (or the override).
    const divisor: f64 = divisorOverride != 0 ? divisorOverride : 4;
    for (let p = p0; p < p1; p++) avgPool2x2(x + (<usize>p * plane << 2), out + (<usize>p * oplane << 2), W, OH, OW, divisor);
    return;
  }
  for (let p = p0; p < p1; p++) {
    const xp = x + (<usize>p * plane << 2);
    let o = out + (<usize>p * oplane << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = winLo(oh, sH, pH), h1 = min(winEnd(oh, sH, pH, kH, H), H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = winLo(ow, sW, pW), w1 = min(winEnd(ow, sW, pW, kW, W), W);
        let v: f64 = 0;
        if (h0 < h1 && w0 < w1) {
          let sum: f64 = 0;
          for (let h = h0; h < h1; h++) {
            const row = xp + (<usize>(h * W) << 2);
            for (let w = w0; w < w1; w++) sum += <f64>load<f32>(row + (<usize>w << 2));
          }
          v = sum / divisorOf(oh, ow, H, W, kH, kW, sH, sW, pH, pW, countIncludePad, divisorOverride);
        }
        store<f32>(o, <f32>v);
        o += 4;
      }
    }
  }
}

/**
 * The adjoint of avgPool2x2: each dx tap is written once, as the reference's f32(+0 + dy / divisor) (the
 * +0 turns -0 into +0), 4 windows at a time. Rows and columns beyond 2*OH x 2*OW are left to the caller.
 */
function avgPoolGrad2x2(g: usize, dp: usize, W: i32, OH: i32, OW: i32, divisor: f64): void {
  // By a power of two the f64 quotient is exact, so its rounding to f32 is the f32 product with the inverse.
  if (powerOfTwo(divisor)) avgPoolGrad2x2Rows(g, dp, W, OH, OW, divisor, true);
  else avgPoolGrad2x2Rows(g, dp, W, OH, OW, divisor, false);
}

// @ts-ignore: decorator
@inline function avgPoolGrad2x2Rows(g: usize, dp: usize, W: i32, OH: i32, OW: i32, divisor: f64, pow2: bool): void {
  const Wb = <usize>W << 2;
  const dv = f64x2.splat(divisor), z = f64x2.splat(0);
  const iv = f32x4.splat(<f32>(1 / divisor)), zf = f32x4.splat(0);
  for (let oh = 0; oh < OH; oh++) {
    const r0 = dp + (<usize>(2 * oh) * Wb), r1 = r0 + Wb;
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const v = v128.load(g);
      let s: v128;
      // A zero of dy gives +0 (the reference's 0 + -0); a product that underflows keeps its sign, as there.
      if (pow2) s = v128.bitselect(zf, f32x4.mul(v, iv), f32x4.eq(v, zf));
      else {
        const lo = f32x4.demote_f64x2_zero(f64x2.add(z, f64x2.div(f64x2.promote_low_f32x4(v), dv)));
        const hi = f32x4.demote_f64x2_zero(f64x2.add(z, f64x2.div(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)), dv)));
        s = v128.shuffle<i32>(lo, hi, 0, 1, 4, 5);
      }
      const a = v128.shuffle<i32>(s, s, 0, 0, 1, 1), b = v128.shuffle<i32>(s, s, 2, 2, 3, 3);
      const c = <usize>(8 * ow);
      v128.store(r0 + c, a);
      v128.store(r0 + c, b, 16);
      v128.store(r1 + c, a);
      v128.store(r1 + c, b, 16);
      g += 16;
    }
    for (; ow < OW; ow++) {
      const share = <f32>(0 + <f64>load<f32>(g) / divisor);
      const c = <usize>(8 * ow);
      store<f32>(r0 + c, share);
      store<f32>(r0 + c, share, 4);
      store<f32>(r1 + c, share);
      store<f32>(r1 + c, share, 4);
      g += 4;
    }
  }
}

/** AvgPool2DGrad: every tap of a window receives dy / divisor (dx planes overwritten). */
export function avgPoolGrad(
  dy: usize, dx: usize, H: i32, W: i32, OH: i32, OW: i32, kH: i32, kW: i32, sH: i32, sW: i32,
  pH: i32, pW: i32, countIncludePad: i32, divisorOverride: f64, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  if (kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && 2 * OH <= H && 2 * OW <= W) {
    // Windows tile the plane without overlap; an odd last row or column gets no gradient.
    const divisor: f64 = divisorOverride != 0 ? divisorOverride : 4;
    const tiled = 2 * OH == H && 2 * OW == W;
    if (!tiled) memory.fill(dx + (<usize>p0 * plane << 2), 0, <usize>(p1 - p0) * plane << 2);
    for (let p = p0; p < p1; p++) {
      const dp = dx + (<usize>p * plane << 2);
      avgPoolGrad2x2(dy + (<usize>p * oplane << 2), dp, W, OH, OW, divisor);
    }
    return;
  }
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(dx + (<usize>p0 * plane << 2), 0, <usize>(p1 - p0) * plane << 2);
  for (let p = p0; p < p1; p++) {
    const dp = dx + (<usize>p * plane << 2);
    let g = dy + (<usize>p * oplane << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = winLo(oh, sH, pH), h1 = min(winEnd(oh, sH, pH, kH, H), H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = winLo(ow, sW, pW), w1 = min(winEnd(ow, sW, pW, kW, W), W);
        if (h0 < h1 && w0 < w1) {
          const share = <f64>load<f32>(g) / divisorOf(oh, ow, H, W, kH, kW, sH, sW, pH, pW, countIncludePad, divisorOverride);
          for (let h = h0; h < h1; h++) {
            const row = dp + (<usize>(h * W) << 2);
            for (let w = w0; w < w1; w++) {
              const d = row + (<usize>w << 2);
              store<f32>(d, <f32>(<f64>load<f32>(d) + share));
            }
          }
        }
        g += 4;
      }
    }
  }
}

/**
 * ScatterPlane: out.plane[idx] += src over `per` entries per plane. An index outside the plane is
 * skipped and sets the i32 at `bad` to 1, so the caller can raise the reference's error.
 */
export function scatterPlane(src: usize, idx: usize, out: usize, per: i32, plane: i32, p0: i32, p1: i32, bad: usize): void {
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(out + (<usize>p0 * <usize>plane << 2), 0, <usize>(p1 - p0) * <usize>plane << 2);
  for (let p = p0; p < p1; p++) {
    const op = out + (<usize>p * <usize>plane << 2);
    const base = <usize>p * <usize>per << 2;
    for (let i = 0; i < per; i++) {
      const o = <usize>i << 2;
      const j = load<i32>(idx + base + o);
      if (<u32>j >= <u32>plane) {
        store<i32>(bad, 1);
        continue;
      }
      const d = op + (<usize>j << 2);
      store<f32>(d, load<f32>(d) + load<f32>(src + base + o));
    }
  }
}

/**
 * ScatterPlane for 2x2 stride-2 max pooling whose windows tile the plane exactly (PH = 2 OH, PW = 2 OW):
 * every window's index lies in its own window, so each output value is its window's gradient or zero and
 * the plane is written in one dense pass, with no fill and no scattered read-modify-write. A plane with
 * an index outside its window (another pooling, or bad indices) runs the general scatter instead. Values
 * are 0 + src as in the general path (so -0 becomes +0).
 */
export function scatterPlane2x2(src: usize, idx: usize, out: usize, OH: i32, OW: i32, p0: i32, p1: i32, bad: usize): void {
  const PW = 2 * OW, per = OH * OW, plane = 4 * per;
  const zero = f32x4.splat(0), one = i32x4.splat(1), pw = i32x4.splat(PW), pw1 = i32x4.splat(PW + 1);
  for (let p = p0; p < p1; p++) {
    const sp = src + (<usize>p * <usize>per << 2), ip = idx + (<usize>p * <usize>per << 2);
    const op = out + (<usize>p * <usize>plane << 2);
    let ok = v128.not(zero);
    for (let oh = 0; oh < OH; oh++) {
      const s0 = sp + (<usize>(oh * OW) << 2), i0 = ip + (<usize>(oh * OW) << 2);
      const top = op + (<usize>(2 * oh * PW) << 2), bottom = top + (<usize>PW << 2);
      let base = i32x4.add(i32x4.splat(2 * oh * PW), i32x4(0, 2, 4, 6));
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        const o = <usize>ow << 2;
        const r = i32x4.sub(v128.load(i0 + o), base);
        const g = f32x4.add(v128.load(s0 + o), zero);
        const m0 = i32x4.eq(r, zero), m1 = i32x4.eq(r, one), m2 = i32x4.eq(r, pw), m3 = i32x4.eq(r, pw1);
        ok = v128.and(ok, v128.or(v128.or(m0, m1), v128.or(m2, m3)));
        const a = v128.and(g, m0), b = v128.and(g, m1), c = v128.and(g, m2), d = v128.and(g, m3);
        v128.store(top + (o << 1), v128.shuffle<i32>(a, b, 0, 4, 1, 5));
        v128.store(top + (o << 1), v128.shuffle<i32>(a, b, 2, 6, 3, 7), 16);
        v128.store(bottom + (o << 1), v128.shuffle<i32>(c, d, 0, 4, 1, 5));
        v128.store(bottom + (o << 1), v128.shuffle<i32>(c, d, 2, 6, 3, 7), 16);
        base = i32x4.add(base, i32x4.splat(8));
      }
      for (; ow < OW; ow++) {
        const o = <usize>ow << 2;
        const r = load<i32>(i0 + o) - (2 * oh * PW + 2 * ow);
        const g = load<f32>(s0 + o) + 0;
        if (r != 0 && r != 1 && r != PW && r != PW + 1) ok = zero;
        store<f32>(top + (o << 1), r == 0 ? g : 0);
        store<f32>(top + (o << 1), r == 1 ? g : 0, 4);
        store<f32>(bottom + (o << 1), r == PW ? g : 0);
        store<f32>(bottom + (o << 1), r == PW + 1 ? g : 0, 4);
      }
    }
    if (!i32x4.all_true(ok)) scatterPlane(src, idx, out, per, plane, p, p + 1, bad);
  }
}

// Adaptive pooling: `win` holds the reference's window tables as i32 [hLo[OH], hHi[OH], wLo[OW], wHi[OW]]
// (PyTorch's [floor(o*n/outN), ceil((o+1)*n/outN))), so windows may overlap and are never empty.

/**
 * Global average pooling (1x1 output) of planes [p0, p1), n values each: every plane's sum is one f64
 * chain in the reference's order. Four planes run side by side in the lanes of two f64x2 chains.
 */
function globalAvgPool(x: usize, out: usize, n: i32, p0: i32, p1: i32): void {
  const plane = <usize>n << 2, n4 = n & ~3, dv = <f64>n;
  let p = p0;
  for (; p + 4 <= p1; p += 4) {
    const xa = x + <usize>p * plane, xb = xa + plane, xc = xb + plane, xd = xc + plane;
    let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const va = v128.load(xa + o), vb = v128.load(xb + o), vc = v128.load(xc + o), vd = v128.load(xd + o);
      // Lane pairs (a[j], b[j]) and (c[j], d[j]) for j = 0..3, added in order of j.
      const ab0 = v128.shuffle<i32>(va, vb, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(va, vb, 2, 6, 3, 7);
      const cd0 = v128.shuffle<i32>(vc, vd, 0, 4, 1, 5), cd1 = v128.shuffle<i32>(vc, vd, 2, 6, 3, 7);
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(ab0));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(cd0));
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v128.shuffle<i32>(ab0, ab0, 2, 3, 2, 3)));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(v128.shuffle<i32>(cd0, cd0, 2, 3, 2, 3)));
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(ab1));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(cd1));
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v128.shuffle<i32>(ab1, ab1, 2, 3, 2, 3)));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(v128.shuffle<i32>(cd1, cd1, 2, 3, 2, 3)));
    }
    let sa = f64x2.extract_lane(s01, 0), sb = f64x2.extract_lane(s01, 1);
    let sc = f64x2.extract_lane(s23, 0), sd = f64x2.extract_lane(s23, 1);
    for (let i = n4; i < n; i++) {
      const o = <usize>i << 2;
      sa += <f64>load<f32>(xa + o); sb += <f64>load<f32>(xb + o);
      sc += <f64>load<f32>(xc + o); sd += <f64>load<f32>(xd + o);
    }
    const q = out + (<usize>p << 2);
    store<f32>(q, <f32>(sa / dv)); store<f32>(q, <f32>(sb / dv), 4);
    store<f32>(q, <f32>(sc / dv), 8); store<f32>(q, <f32>(sd / dv), 12);
  }
  for (; p < p1; p++) {
    const xp = x + <usize>p * plane;
    let s: f64 = 0;
    for (let i = 0; i < n; i++) s += <f64>load<f32>(xp + (<usize>i << 2));
    store<f32>(out + (<usize>p << 2), <f32>(s / dv));
  }
}

/** AdaptiveAvgPool2D: each window's f64 sum (rows, then columns) / its tap count, as the reference. */
export function adaptiveAvgPool(x: usize, out: usize, win: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32): void {
  if (OH == 1 && OW == 1) {
    globalAvgPool(x, out, H * W, p0, p1);
    return;
  }
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  const hLo = win, hHi = hLo + (<usize>OH << 2), wLo = hHi + (<usize>OH << 2), wHi = wLo + (<usize>OW << 2);
  for (let p = p0; p < p1; p++) {
    const xp = x + (<usize>p * plane << 2);
    let o = out + (<usize>p * oplane << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = load<i32>(hLo + (<usize>oh << 2)), h1 = load<i32>(hHi + (<usize>oh << 2));
      for (let ow = 0; ow < OW; ow++) {
        const w0 = load<i32>(wLo + (<usize>ow << 2)), w1 = load<i32>(wHi + (<usize>ow << 2));
        let sum: f64 = 0;
        for (let h = h0; h < h1; h++) {
          const row = xp + (<usize>(h * W) << 2);
          for (let w = w0; w < w1; w++) sum += <f64>load<f32>(row + (<usize>w << 2));
        }
        store<f32>(o, <f32>(sum / <f64>((h1 - h0) * (w1 - w0))));
        o += 4;
      }
    }
  }
}

/**
 * AdaptiveAvgPool2DGrad: every tap of a window gets dy / tap count, added in f64 to its f32 dx value
 * in the reference's order (windows may overlap). A 1x1 output fills each plane with f32(+0 + share).
 */
export function adaptiveAvgPoolGrad(dy: usize, dx: usize, win: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  if (OH == 1 && OW == 1) {
    const dv = <f64>(H * W);
    for (let p = p0; p < p1; p++) {
      const share = <f32>(0 + <f64>load<f32>(dy + (<usize>p << 2)) / dv);
      const dp = dx + (<usize>p * plane << 2), sv = f32x4.splat(share);
      let i: usize = 0;
      for (; i + 4 <= plane; i += 4) v128.store(dp + (i << 2), sv);
      for (; i < plane; i++) store<f32>(dp + (i << 2), share);
    }
    return;
  }
  const hLo = win, hHi = hLo + (<usize>OH << 2), wLo = hHi + (<usize>OH << 2), wHi = wLo + (<usize>OW << 2);
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(dx + (<usize>p0 * plane << 2), 0, <usize>(p1 - p0) * plane << 2);
  for (let p = p0; p < p1; p++) {
    const dp = dx + (<usize>p * plane << 2);
    let g = dy + (<usize>p * oplane << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = load<i32>(hLo + (<usize>oh << 2)), h1 = load<i32>(hHi + (<usize>oh << 2));
      for (let ow = 0; ow < OW; ow++) {
        const w0 = load<i32>(wLo + (<usize>ow << 2)), w1 = load<i32>(wHi + (<usize>ow << 2));
        const share = <f64>load<f32>(g) / <f64>((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) {
          const row = dp + (<usize>(h * W) << 2);
          for (let w = w0; w < w1; w++) {
            const d = row + (<usize>w << 2);
            store<f32>(d, <f32>(<f64>load<f32>(d) + share));
          }
        }
        g += 4;
      }
    }
  }
}

/**
 * Global max pooling (1x1 output) of planes [p0, p1), n values each, by the rule: take v when v > best
 * or v is NaN, so the last NaN wins, else the first value equal to the maximum (-0 == +0). Small planes
 * run four at a time, one per lane, each lane the sequential rule. Large ones find the maximum with
 * order-free f32x4.max, then scan for the element the rule picks, whose bits are the output.
 */
function globalMaxPool(x: usize, out: usize, idx: usize, n: i32, p0: i32, p1: i32): void {
  const plane = <usize>n << 2;
  let p = p0;
  if (n < 64) {
    for (; p + 4 <= p1; p += 4) {
      const xp = x + <usize>p * plane;
      let best = f32x4.splat(-Infinity), bi = i32x4.splat(0);
      for (let i = 0; i < n; i++) {
        const v = gather4(xp + (<usize>i << 2), plane);
        const take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        bi = v128.bitselect(i32x4.splat(i), bi, take);
      }
      v128.store(out + (<usize>p << 2), best);
      v128.store(idx + (<usize>p << 2), bi);
    }
  }
  for (; p < p1; p++) {
    const xp = x + <usize>p * plane;
    let i = 0;
    if (n >= 16) {
      const m = lanesExtreme(MAX, xp, n);
      if (m != m) {
        i = n - 1;
        while (load<f32>(xp + (<usize>i << 2)) == load<f32>(xp + (<usize>i << 2))) i--;
      } else {
        i = firstMatch(xp, n, false, m);
      }
    } else {
      let best: f32 = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = load<f32>(xp + (<usize>j << 2));
        if (v > best || v != v) { best = v; i = j; }
      }
    }
    store<f32>(out + (<usize>p << 2), load<f32>(xp + (<usize>i << 2)));
    store<i32>(idx + (<usize>p << 2), i);
  }
}

/** AdaptiveMaxPool2D: out (f32) and flat in-plane argmax indices (i32), MaxPool2D's rules. */
export function adaptiveMaxPool(x: usize, out: usize, idx: usize, win: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32): void {
  if (OH == 1 && OW == 1) {
    globalMaxPool(x, out, idx, H * W, p0, p1);
    return;
  }
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  const hLo = win, hHi = hLo + (<usize>OH << 2), wLo = hHi + (<usize>OH << 2), wHi = wLo + (<usize>OW << 2);
  for (let p = p0; p < p1; p++) {
    const xp = x + (<usize>p * plane << 2);
    let o = <usize>p * oplane << 2;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = load<i32>(hLo + (<usize>oh << 2)), h1 = load<i32>(hHi + (<usize>oh << 2));
      for (let ow = 0; ow < OW; ow++) {
        const w0 = load<i32>(wLo + (<usize>ow << 2)), w1 = load<i32>(wHi + (<usize>ow << 2));
        windowMax(xp, W, h0, h1, 1, w0, w1, 1, out + o, idx + o);
        o += 4;
      }
    }
  }
}
