// AssemblyScript: Resize2D and Resize2DGrad on NCHW planes [p0, p1), bit-identical to the reference.
// The JS side passes the reference's own tap tables (src/backends/reference/resize.ts axisTaps):
// `idx` i32 [hi0[OH], hi1[OH], wi0[OW], wi1[OW]] (source rows/columns of each output row/column) and
// `wts` f64 [hl0[OH], hl1[OH], wl0[OW], wl1[OW]] (their weights). Bilinear math stays in f64 with the
// reference's operation order; nearest copies values.
import { gather4 } from './reduce';
import { copyFloats } from './mem';

const NEAREST = 0;

/** dst[ow] = wl0[ow] * x[wi0[ow]] + wl1[ow] * x[wi1[ow]] in f64: one input row interpolated along w. */
function lerpRow(xrow: usize, dst: usize, wi0: usize, wi1: usize, wl0: usize, wl1: usize, OW: i32): void {
  for (let ow = 0; ow < OW; ow++) {
    const i = <usize>ow << 2, j = <usize>ow << 3;
    const a = <f64>load<f32>(xrow + (<usize>load<i32>(wi0 + i) << 2));
    const b = <f64>load<f32>(xrow + (<usize>load<i32>(wi1 + i) << 2));
    store<f64>(dst + j, load<f64>(wl0 + j) * a + load<f64>(wl1 + j) * b);
  }
}

/** out[ow] = f32(l0 * top[ow] + l1 * bottom[ow]), two f64 lanes at a time. */
function blendRows(top: usize, bottom: usize, out: usize, l0: f64, l1: f64, OW: i32): void {
  const v0 = f64x2.splat(l0), v1 = f64x2.splat(l1);
  let ow = 0;
  for (; ow + 4 <= OW; ow += 4) {
    const j = <usize>ow << 3;
    const lo = f64x2.add(f64x2.mul(v0, v128.load(top + j)), f64x2.mul(v1, v128.load(bottom + j)));
    const hi = f64x2.add(f64x2.mul(v0, v128.load(top + j, 16)), f64x2.mul(v1, v128.load(bottom + j, 16)));
    v128.store(out + (<usize>ow << 2), v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; ow < OW; ow++) {
    const j = <usize>ow << 3;
    store<f32>(out + (<usize>ow << 2), <f32>(l0 * load<f64>(top + j) + l1 * load<f64>(bottom + j)));
  }
}

/** Nearest: out[oh, ow] = x[hi0[oh], wi0[ow]]; an output row repeating its predecessor's source is copied. */
function nearestPlane(xp: usize, op: usize, idx: usize, W: i32, OH: i32, OW: i32): void {
  const wi0 = idx + (<usize>(2 * OH) << 2);
  const rowBytes = <usize>OW << 2;
  let prev = -1;
  for (let oh = 0; oh < OH; oh++) {
    const src = load<i32>(idx + (<usize>oh << 2));
    const o = op + <usize>oh * rowBytes;
    if (src == prev) {
      copyFloats(o, o - rowBytes, OW);
      continue;
    }
    const xrow = xp + (<usize>(src * W) << 2);
    for (let ow = 0; ow < OW; ow++) {
      store<i32>(o + (<usize>ow << 2), load<i32>(xrow + (<usize>load<i32>(wi0 + (<usize>ow << 2)) << 2)));
    }
    prev = src;
  }
}

/**
 * Bilinear: out = hl0 * (row hi0 lerped) + hl1 * (row hi1 lerped), the reference's expression. The two
 * lerped rows live in `rows` (2 * OW f64) and are reused while consecutive output rows share them.
 */
function bilinearPlane(xp: usize, op: usize, idx: usize, wts: usize, rows: usize, W: i32, OH: i32, OW: i32): void {
  const hi0 = idx, hi1 = hi0 + (<usize>OH << 2), wi0 = hi1 + (<usize>OH << 2), wi1 = wi0 + (<usize>OW << 2);
  const hl0 = wts, hl1 = hl0 + (<usize>OH << 3), wl0 = hl1 + (<usize>OH << 3), wl1 = wl0 + (<usize>OW << 3);
  let bufA = rows, bufB = rows + (<usize>OW << 3);
  let rowA = -1, rowB = -1;
  for (let oh = 0; oh < OH; oh++) {
    const a = load<i32>(hi0 + (<usize>oh << 2)), b = load<i32>(hi1 + (<usize>oh << 2));
    if (a != rowA) {
      if (a == rowB) {
        const t = bufA; bufA = bufB; bufB = t;
        rowB = rowA;
      } else {
        lerpRow(xp + (<usize>(a * W) << 2), bufA, wi0, wi1, wl0, wl1, OW);
      }
      rowA = a;
    }
    if (b != rowA && b != rowB) {
      lerpRow(xp + (<usize>(b * W) << 2), bufB, wi0, wi1, wl0, wl1, OW);
      rowB = b;
    }
    const bottom = b == rowA ? bufA : bufB;
    blendRows(bufA, bottom, op + (<usize>oh * <usize>OW << 2), load<f64>(hl0 + (<usize>oh << 3)), load<f64>(hl1 + (<usize>oh << 3)), OW);
  }
}

export function resize2D(
  mode: i32, x: usize, out: usize, idx: usize, wts: usize, rows: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  for (let p = p0; p < p1; p++) {
    const xp = x + (<usize>p * plane << 2), op = out + (<usize>p * oplane << 2);
    if (mode == NEAREST) nearestPlane(xp, op, idx, W, OH, OW);
    else bilinearPlane(xp, op, idx, wts, rows, W, OH, OW);
  }
}

/**
 * dx[p] += dy scattered, for one plane in the reference's exact order: dx starts at 0 and every output's
 * contributions are added in f64 to the f32 dx values, output by output (taps coincide at edges and
 * neighbouring outputs share taps, so each += rounds to f32 in sequence).
 */
function gradPlane(mode: i32, g: usize, dp: usize, idx: usize, wts: usize, H: i32, W: i32, OH: i32, OW: i32): void {
  const hi0 = idx, hi1 = hi0 + (<usize>OH << 2), wi0 = hi1 + (<usize>OH << 2), wi1 = wi0 + (<usize>OW << 2);
  const hl0 = wts, hl1 = hl0 + (<usize>OH << 3), wl0 = hl1 + (<usize>OH << 3), wl1 = wl0 + (<usize>OW << 3);
  memory.fill(dp, 0, <usize>H * <usize>W << 2);
  for (let oh = 0; oh < OH; oh++) {
    const r0 = dp + (<usize>(load<i32>(hi0 + (<usize>oh << 2)) * W) << 2);
    const r1 = dp + (<usize>(load<i32>(hi1 + (<usize>oh << 2)) * W) << 2);
    const l0 = load<f64>(hl0 + (<usize>oh << 3)), l1 = load<f64>(hl1 + (<usize>oh << 3));
    for (let ow = 0; ow < OW; ow++) {
      const i = <usize>ow << 2, j = <usize>ow << 3;
      const c0 = <usize>load<i32>(wi0 + i) << 2;
      const gv = <f64>load<f32>(g);
      g += 4;
      if (mode == NEAREST) {
        store<f32>(r0 + c0, <f32>(<f64>load<f32>(r0 + c0) + gv));
        continue;
      }
      const c1 = <usize>load<i32>(wi1 + i) << 2;
      const gh0 = l0 * gv, gh1 = l1 * gv;
      const lw0 = load<f64>(wl0 + j), lw1 = load<f64>(wl1 + j);
      store<f32>(r0 + c0, <f32>(<f64>load<f32>(r0 + c0) + gh0 * lw0));
      store<f32>(r0 + c1, <f32>(<f64>load<f32>(r0 + c1) + gh0 * lw1));
      store<f32>(r1 + c0, <f32>(<f64>load<f32>(r1 + c0) + gh1 * lw0));
      store<f32>(r1 + c1, <f32>(<f64>load<f32>(r1 + c1) + gh1 * lw1));
    }
  }
}

/** p[lane] = f32(f64(p[lane]) + term[lane]) for four interleaved f32 lanes; lo/hi hold lanes 0-1 and 2-3 in f64. */
// @ts-ignore: decorator
@inline function addLanes(p: usize, lo: v128, hi: v128): void {
  const d = v128.load(p);
  const a = f32x4.demote_f64x2_zero(f64x2.add(f64x2.promote_low_f32x4(d), lo));
  const b = f32x4.demote_f64x2_zero(f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<i32>(d, d, 2, 3, 2, 3)), hi));
  v128.store(p, v128.shuffle<i32>(a, b, 0, 1, 4, 5));
}

/**
 * gradPlane for four planes at once, one per lane, so each step's latency (a dx value re-read right
 * after its last update) covers four planes. dx accumulates in `acc` interleaved as [H*W][4], then goes
 * back to the four dx planes.
 */
function gradPlanes4(mode: i32, g: usize, dp: usize, acc: usize, idx: usize, wts: usize, H: i32, W: i32, OH: i32, OW: i32): void {
  const hi0 = idx, hi1 = hi0 + (<usize>OH << 2), wi0 = hi1 + (<usize>OH << 2), wi1 = wi0 + (<usize>OW << 2);
  const hl0 = wts, hl1 = hl0 + (<usize>OH << 3), wl0 = hl1 + (<usize>OH << 3), wl1 = wl0 + (<usize>OW << 3);
  const n = <usize>H * <usize>W, plane = n << 2, oplane = <usize>OH * <usize>OW << 2;
  memory.fill(acc, 0, n << 4);
  for (let oh = 0; oh < OH; oh++) {
    const r0 = acc + (<usize>(load<i32>(hi0 + (<usize>oh << 2)) * W) << 4);
    const r1 = acc + (<usize>(load<i32>(hi1 + (<usize>oh << 2)) * W) << 4);
    const l0 = f64x2.splat(load<f64>(hl0 + (<usize>oh << 3))), l1 = f64x2.splat(load<f64>(hl1 + (<usize>oh << 3)));
    for (let ow = 0; ow < OW; ow++) {
      const i = <usize>ow << 2, j = <usize>ow << 3;
      const c0 = <usize>load<i32>(wi0 + i) << 4;
      const gv = gather4(g, oplane);
      g += 4;
      const glo = f64x2.promote_low_f32x4(gv), ghi = f64x2.promote_low_f32x4(v128.shuffle<i32>(gv, gv, 2, 3, 2, 3));
      if (mode == NEAREST) {
        addLanes(r0 + c0, glo, ghi);
        continue;
      }
      const c1 = <usize>load<i32>(wi1 + i) << 4;
      const g0lo = f64x2.mul(l0, glo), g0hi = f64x2.mul(l0, ghi), g1lo = f64x2.mul(l1, glo), g1hi = f64x2.mul(l1, ghi);
      const lw0 = v128.load64_splat(wl0 + j), lw1 = v128.load64_splat(wl1 + j);
      addLanes(r0 + c0, f64x2.mul(g0lo, lw0), f64x2.mul(g0hi, lw0));
      addLanes(r0 + c1, f64x2.mul(g0lo, lw1), f64x2.mul(g0hi, lw1));
      addLanes(r1 + c0, f64x2.mul(g1lo, lw0), f64x2.mul(g1hi, lw0));
      addLanes(r1 + c1, f64x2.mul(g1lo, lw1), f64x2.mul(g1hi, lw1));
    }
  }
  for (let k: usize = 0; k < n; k++) {
    const v = v128.load(acc + (k << 4)), d = dp + (k << 2);
    v128.store32_lane(d, v, 0);
    v128.store32_lane(d + plane, v, 1);
    v128.store32_lane(d + 2 * plane, v, 2);
    v128.store32_lane(d + 3 * plane, v, 3);
  }
}

/**
 * Resize2DGrad (the adjoint of resize2D) over planes [p0, p1): four planes at a time in lanes, the rest
 * one by one. `acc` is this call's scratch of 4 * H * W floats.
 */
export function resize2DGrad(
  mode: i32, dy: usize, dx: usize, idx: usize, wts: usize, acc: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32,
): void {
  const plane = <usize>H * <usize>W << 2, oplane = <usize>OH * <usize>OW << 2;
  let p = p0;
  for (; p + 4 <= p1; p += 4) gradPlanes4(mode, dy + <usize>p * oplane, dx + <usize>p * plane, acc, idx, wts, H, W, OH, OW);
  for (; p < p1; p++) gradPlane(mode, dy + <usize>p * oplane, dx + <usize>p * plane, idx, wts, H, W, OH, OW);
}
