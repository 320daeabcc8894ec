// AssemblyScript: fused optimizer steps. Every operation is the f32 operation the separate elementwise
// kernels run (f32x4 mul and add each round once; never a fused multiply-add), so a fused step gives
// the same bits as the optimizer's separate ops.

/** sgdStep flags. */
const MAXIMIZE = 1, WEIGHT_DECAY = 2, MOMENTUM = 4, HAS_BUFFER = 8, DAMPENING = 16, NESTEROV = 32;

/**
 * Elements [i0, i1) of one SGD step: d = (maximize ? -g : g) + wd * p; with momentum,
 * b = m * buf + keep * d (b = d without a buffer, keep skipped without dampening), d = nesterov ? d + m * b : b;
 * p' = p + step * d. Writes p' to outP and b to outB. prm: f64 [wd, m, keep, step], each rounded to f32
 * here as the separate ops round their scalars.
 */
export function sgdStep(p: usize, g: usize, buf: usize, outP: usize, outB: usize, flags: i32, prm: usize, i0: i32, i1: i32): void {
  const wd = <f32>load<f64>(prm), m = <f32>load<f64>(prm, 8), keep = <f32>load<f64>(prm, 16), step = <f32>load<f64>(prm, 24);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & WEIGHT_DECAY) != 0, momentum = (flags & MOMENTUM) != 0;
  const hasBuffer = (flags & HAS_BUFFER) != 0, dampening = (flags & DAMPENING) != 0, nesterov = (flags & NESTEROV) != 0;
  const wdv = f32x4.splat(wd), mv = f32x4.splat(m), kv = f32x4.splat(keep), sv = f32x4.splat(step);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (decay) d = f32x4.add(d, f32x4.mul(pv, wdv));
    if (momentum) {
      let b = d;
      if (hasBuffer) b = f32x4.add(f32x4.mul(v128.load(buf + o), mv), dampening ? f32x4.mul(d, kv) : d);
      v128.store(outB + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, mv)) : b;
    }
    v128.store(outP + o, f32x4.add(pv, f32x4.mul(d, sv)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (decay) d = d + pv * wd;
    if (momentum) {
      let b = d;
      if (hasBuffer) b = load<f32>(buf + o) * m + (dampening ? d * keep : d);
      store<f32>(outB + o, b);
      d = nesterov ? d + b * m : b;
    }
    store<f32>(outP + o, pv + d * step);
  }
}

/** adamStep flags. */
const ADAM_MAXIMIZE = 1, ADAM_WEIGHT_DECAY = 2, ADAM_DECOUPLED = 4, ADAM_AMSGRAD = 8;

/** max(a, b) as the Maximum kernel's reference: NaN if either is NaN, else a > b ? a : b. */
// @ts-ignore: decorator
@inline function maxNaN(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
}

/**
 * Elements [i0, i1) of one Adam / AdamW step, each operation an f32 one as optim.Adam's separate ops:
 * d = (maximize ? -g : g) (+ wd * p, or p *= decay when decoupled); m = b1 * m + k1 * d; v = b2 * v + k2 * d * d;
 * vmax = max(vmax, v) (amsgrad); p' = p + step * (m / (sqrt(v or vmax) / bc2Sqrt + eps)). prm: f64
 * [wd, decay, b1, k1, b2, k2, bc2Sqrt, eps, step], rounded to f32 here. Writes p', m', v' (and vmax').
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, outP: usize, outM: usize, outV: usize, outX: usize, flags: i32, prm: usize, i0: i32, i1: i32,
): void {
  const wd = <f32>load<f64>(prm), decay = <f32>load<f64>(prm, 8), b1 = <f32>load<f64>(prm, 16), k1 = <f32>load<f64>(prm, 24);
  const b2 = <f32>load<f64>(prm, 32), k2 = <f32>load<f64>(prm, 40), bc2 = <f32>load<f64>(prm, 48), eps = <f32>load<f64>(prm, 56);
  const step = <f32>load<f64>(prm, 64);
  const maximize = (flags & ADAM_MAXIMIZE) != 0, decayOn = (flags & ADAM_WEIGHT_DECAY) != 0;
  const decoupled = (flags & ADAM_DECOUPLED) != 0, amsgrad = (flags & ADAM_AMSGRAD) != 0;
  const wdv = f32x4.splat(wd), dv = f32x4.splat(decay), b1v = f32x4.splat(b1), k1v = f32x4.splat(k1);
  const b2v = f32x4.splat(b2), k2v = f32x4.splat(k2), bcv = f32x4.splat(bc2), ev = f32x4.splat(eps), sv = f32x4.splat(step);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    let pv = v128.load(p + o), d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (decayOn) {
      if (decoupled) pv = f32x4.mul(pv, dv);
      else d = f32x4.add(d, f32x4.mul(pv, wdv));
    }
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1v), f32x4.mul(d, k1v));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2v), f32x4.mul(f32x4.mul(d, d), k2v));
    let second = vi;
    if (amsgrad) {
      second = maxNaN(v128.load(vmax + o), vi);
      v128.store(outX + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), bcv), ev);
    v128.store(outM + o, mi);
    v128.store(outV + o, vi);
    v128.store(outP + o, f32x4.add(pv, f32x4.mul(f32x4.div(mi, denom), sv)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    let pv = load<f32>(p + o), d = load<f32>(g + o);
    if (maximize) d = -d;
    if (decayOn) {
      if (decoupled) pv = pv * decay;
      else d = d + pv * wd;
    }
    const mi = load<f32>(m + o) * b1 + d * k1;
    const vi = load<f32>(v + o) * b2 + (d * d) * k2;
    let second = vi;
    if (amsgrad) {
      const x = load<f32>(vmax + o);
      second = x != x || vi != vi ? NaN : x > vi ? x : vi;
      store<f32>(outX + o, second);
    }
    const denom = sqrt<f32>(second) / bc2 + eps;
    store<f32>(outM + o, mi);
    store<f32>(outV + o, vi);
    store<f32>(outP + o, pv + (mi / denom) * step);
  }
}
