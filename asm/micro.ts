// The 4x8 f32x4 microkernel shared by the packed GEMM (gemm.ts) and the direct convolution (direct.ts):
// 8 accumulators, which V8 keeps in xmm registers (it gives wasm SIMD 15). Its flags are constants at
// every call site, so each inlined copy keeps only its own branches.
import { madd } from './fma';

/**
 * C[4 x 8] (+)= A-panel[kc x 4]^T . B[kc x 8]; ldc in bytes. The kc rows of B are 8 floats `bStep` bytes
 * apart from `b` (32: a packed panel), or with `taps` at b + offs[p] (byte offsets, i32, from `offs`). With `half`
 * only rows 0-1 of A and C: an edge panel whose other rows are zero padding.
 */
// @ts-ignore: decorator
@inline export function micro4x8(kc: i32, a: usize, b: usize, offs: usize, bStep: usize, c: usize, ldc: usize, accumulate: bool, half: bool, taps: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const row = taps ? b + <usize>load<i32>(offs) : b;
    const b0 = v128.load(row), b1 = v128.load(row, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    if (!half) {
      const a2 = v128.load32_splat(a, 8);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(a, 12);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
    }
    a += 16;
    if (taps) offs += 4;
    else b += bStep;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    if (!half) {
      c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
    }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  if (!half) {
    v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
    v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  }
}
