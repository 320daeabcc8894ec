// ReLU on f32x4 lanes as the reference's: max(v, 0), NaN kept, -0 turned into +0. wasm's f32x4.max does
// exactly that, but V8 lowers it to ~8 instructions (NaN and signed-zero fixups); pmax (v < 0 ? 0 : v) is
// one maxps and keeps NaN, and + 0 turns the -0 it keeps into +0 (x + 0 is x for every other x).
// @ts-ignore: decorator
@inline export function relu4(v: v128): v128 {
  const zero = f32x4.splat(0);
  return f32x4.add(f32x4.pmax(v, zero), zero);
}
