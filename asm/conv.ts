// AssemblyScript: convolution helpers (NCHW, PyTorch cross-correlation semantics). The im2col
// packers live in pack.ts (they feed gemm directly); col2im folds a column matrix back onto an image,
// and the dw* kernels run convolutions whose groups see one input channel each (depthwise) directly.
import { madd } from './fma';
import { tapHi, tapLo } from './pack';


/** y[i] += s * x[i] for i < n (unit stride), 4 lanes at a time. */
// @ts-ignore: decorator
@inline function axpy(y: usize, x: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(sv, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + s * load<f32>(x + o));
  }
}

/**
 * Folds the column matrix of one group (rows (c, ky, kx), columns oy*OW+ox) onto image channels
 * [c0, c1) of dx (dx points at the group's channel 0); those planes are overwritten.
 */
export function col2im(
  col: usize, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  OH: i32, OW: i32, c0: i32, c1: i32, dx: usize,
): void {
  const plane = <usize>H * <usize>W;
  const P = <usize>OH * <usize>OW;
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(dx + (<usize>c0 * plane << 2), 0, <usize>(c1 - c0) * plane << 2);
  for (let c = c0; c < c1; c++) {
    const dp = dx + (<usize>c * plane << 2);
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - pt;
      const oyLo = tapLo(offY, sh), oyHi = tapHi(offY, sh, H, OH, oyLo);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - pl;
        const oxLo = tapLo(offX, sw), oxHi = tapHi(offX, sw, W, OW, oxLo);
        if (oxLo >= oxHi) continue;
        const crow = col + ((<usize>((c * kh + ky) * kw + kx) * P) << 2);
        for (let oy = oyLo; oy < oyHi; oy++) {
          const drow = dp + ((<isize>((oy * sh + offY) * W + offX)) << 2);
          const srow = crow + (<usize>(oy * OW) << 2);
          if (sw == 1) {
            axpy(drow + (<usize>oxLo << 2), srow + (<usize>oxLo << 2), 1, oxHi - oxLo);
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) {
              const d = drow + (<usize>(ox * sw) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(srow + (<usize>ox << 2)));
            }
          }
        }
      }
    }
  }
}

/**
 * Direct convolution when every group has one input channel (depthwise, channel multiplier Kg):
 * output planes p = n*K + k for p in [p0, p1); w is [K, 1, kh, kw].
 */
export function dwConv(
  x: usize, w: usize, y: usize, C: i32, H: i32, W: i32, K: i32, Kg: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(y + (<usize>p0 * oplane << 2), 0, <usize>(p1 - p0) * oplane << 2);
  for (let p = p0; p < p1; p++) {
    const n = p / K, k = p - n * K, c = k / Kg;
    const yp = y + (<usize>p * oplane << 2);
    const xp = x + ((<usize>n * <usize>C + <usize>c) * plane << 2);
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - pt;
      const oyLo = tapLo(offY, sh), oyHi = tapHi(offY, sh, H, OH, oyLo);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - pl;
        const oxLo = tapLo(offX, sw), oxHi = tapHi(offX, sw, W, OW, oxLo);
        if (oxLo >= oxHi) continue;
        const wk = load<f32>(w + (<usize>((k * kh + ky) * kw + kx) << 2));
        for (let oy = oyLo; oy < oyHi; oy++) {
          const xrow = xp + ((<isize>((oy * sh + offY) * W + offX)) << 2);
          const yrow = yp + (<usize>(oy * OW) << 2);
          if (sw == 1) {
            axpy(yrow + (<usize>oxLo << 2), xrow + (<usize>oxLo << 2), wk, oxHi - oxLo);
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) {
              const d = yrow + (<usize>ox << 2);
              store<f32>(d, load<f32>(d) + wk * load<f32>(xrow + (<usize>(ox * sw) << 2)));
            }
          }
        }
      }
    }
  }
}

/** Adjoint of dwConv w.r.t. x: dx planes p = n*C + c for p in [p0, p1) (overwritten). */
export function dwConvBackpropInput(
  dy: usize, w: usize, dx: usize, C: i32, H: i32, W: i32, K: i32, Kg: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  // One fill for the whole range: a memory.fill per plane costs a call out of wasm each.
  memory.fill(dx + (<usize>p0 * plane << 2), 0, <usize>(p1 - p0) * plane << 2);
  for (let p = p0; p < p1; p++) {
    const n = p / C, c = p - n * C;
    const dp = dx + (<usize>p * plane << 2);
    for (let k = c * Kg; k < (c + 1) * Kg; k++) {
      const gp = dy + ((<usize>n * <usize>K + <usize>k) * oplane << 2);
      for (let ky = 0; ky < kh; ky++) {
        const offY = ky * dh - pt;
        const oyLo = tapLo(offY, sh), oyHi = tapHi(offY, sh, H, OH, oyLo);
        for (let kx = 0; kx < kw; kx++) {
          const offX = kx * dw - pl;
          const oxLo = tapLo(offX, sw), oxHi = tapHi(offX, sw, W, OW, oxLo);
          if (oxLo >= oxHi) continue;
          const wk = load<f32>(w + (<usize>((k * kh + ky) * kw + kx) << 2));
          for (let oy = oyLo; oy < oyHi; oy++) {
            const drow = dp + ((<isize>((oy * sh + offY) * W + offX)) << 2);
            const grow = gp + (<usize>(oy * OW) << 2);
            if (sw == 1) {
              axpy(drow + (<usize>oxLo << 2), grow + (<usize>oxLo << 2), wk, oxHi - oxLo);
            } else {
              for (let ox = oxLo; ox < oxHi; ox++) {
                const d = drow + (<usize>(ox * sw) << 2);
                store<f32>(d, load<f32>(d) + wk * load<f32>(grow + (<usize>ox << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** Adjoint of dwConv w.r.t. w: dw[k, 0, ky, kx] for k in [k0, k1), summed over the batch. */
export function dwConvBackpropFilter(
  x: usize, dy: usize, dwt: usize, N: i32, C: i32, H: i32, W: i32, K: i32, Kg: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, k0: i32, k1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  for (let k = k0; k < k1; k++) {
    const c = k / Kg;
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - pt;
      const oyLo = tapLo(offY, sh), oyHi = tapHi(offY, sh, H, OH, oyLo);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - pl;
        const oxLo = tapLo(offX, sw), oxHi = tapHi(offX, sw, W, OW, oxLo);
        let sv = f32x4.splat(0);
        let s: f32 = 0;
        if (oxLo < oxHi) {
          for (let n = 0; n < N; n++) {
            const xp = x + ((<usize>n * <usize>C + <usize>c) * plane << 2);
            const gp = dy + ((<usize>n * <usize>K + <usize>k) * oplane << 2);
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xrow = xp + ((<isize>((oy * sh + offY) * W + offX)) << 2);
              const grow = gp + (<usize>(oy * OW) << 2);
              let ox = oxLo;
              if (sw == 1) {
                for (; ox + 4 <= oxHi; ox += 4) {
                  const o = <usize>ox << 2;
                  sv = madd(v128.load(grow + o), v128.load(xrow + o), sv);
                }
              }
              for (; ox < oxHi; ox++) s += load<f32>(grow + (<usize>ox << 2)) * load<f32>(xrow + (<usize>(ox * sw) << 2));
            }
          }
        }
        s += f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
        store<f32>(dwt + (<usize>((k * kh + ky) * kw + kx) << 2), s);
      }
    }
  }
}
