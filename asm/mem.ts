// AssemblyScript: small copies without memory.copy. V8 runs memory.copy / memory.fill as a call out of
// wasm (~30-40 ns each): for rows of 8-32 floats, once per row, the calls cost more than the copying.

/** Below this many floats a copy runs as vector moves here; from it on, memory.copy. */
const CALL_FROM: i32 = 64;

/** d[0..n) = s[0..n) (floats; the ranges do not overlap). */
// @ts-ignore: decorator
@inline export function copyFloats(d: usize, s: usize, n: i32): void {
  if (n >= CALL_FROM) {
    memory.copy(d, s, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(d + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
}
