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
