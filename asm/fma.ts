// c + a*b on f32x4 lanes: the relaxed-SIMD build fuses it (one rounding, one instruction where the CPU
// has FMA); the strict build multiplies then adds. ASC_FEATURE_RELAXED_SIMD is a compile-time constant,
// so each build contains only its own branch.
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
