/**
 * Resize2D and Resize2DGrad on the wasm runtime (asm/resize.ts), bit-identical to the reference: the
 * kernels read the reference's own tap tables (axisTaps) and repeat its f64 arithmetic in its order.
 * Threads split the (n, c) planes.
 */
import type { Resize2DAttrs } from '../../kernels/specs.js';
import { axisTaps } from '../reference/resize.js';
import { sizeOfShape, type WasmKernel } from './types.js';
import { mapPlanes } from './planes.js';
import type { Call, WasmRuntime } from './runtime.js';
import { float32NonEmpty } from './pool.js';

const MODE = { nearest: 0, bilinear: 1 } as const;

type PlaneCall = (inPtrs: number[], outPtrs: number[], p0: number, p1: number) => Call;

/** An operand of a per-plane kernel: its address and elements per plane. */
interface Planes { ptr: number; per: number }

/**
 * mapPlanes with the planes taken `group` at a time, then the remainder one by one: the lane kernel
 * needs whole groups in one call.
 */
function mapPlaneGroups(rt: WasmRuntime, count: number, group: number, chunks: number, ins: Planes[], outs: Planes[], call: PlaneCall): void {
  const whole = count - (count % group);
  mapPlanes(rt, whole / group, chunks, ins.map((d) => d.ptr), outs.map((d) => d.ptr), (i, o, g0, g1) => call(i, o, g0 * group, g1 * group));
  if (whole === count) return;
  const rest = (d: Planes) => d.ptr + 4 * whole * d.per;
  mapPlanes(rt, count - whole, 1, ins.map(rest), outs.map(rest), call);
}

/** Tap tables in wasm memory: i32 [hi0, hi1, wi0, wi1] at `idx`, f64 [hl0, hl1, wl0, wl1] at `wts`. */
function putTaps(rt: WasmRuntime, a: Resize2DAttrs, H: number, W: number): { idx: number; wts: number } {
  const [OH, OW] = a.outSize;
  const th = axisTaps(a.mode, H, OH, a.alignCorners, a.scales[0]);
  const tw = axisTaps(a.mode, W, OW, a.alignCorners, a.scales[1]);
  const idx = rt.alloc(2 * (OH + OW));
  rt.setI32(idx, [...th.i0, ...th.i1, ...tw.i0, ...tw.i1]);
  const wts = rt.alloc(4 * (OH + OW)); // 2 (OH + OW) f64
  rt.setF64(wts, [...th.l0, ...th.l1, ...tw.l0, ...tw.l1]);
  return { idx, wts };
}

export const Resize2D: WasmKernel<'Resize2D'> = (rt, inputs, a) => {
  const [x] = inputs;
  const why = float32NonEmpty(x);
  if (why) return why;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const n = N * C * OH * OW, out = rt.output(n);
  if (n === 0) return [{ ptr: out, shape: [N, C, OH, OW], dtype: 'float32' }];
  const { idx, wts } = putTaps(rt, a, H, W);
  const chunks = rt.chunksFor(n * (a.mode === 'bilinear' ? 4 : 1));
  // Every chunk gets its own two f64 rows of bilinear scratch.
  const rows = rt.alloc(chunks * 4 * OW);
  let chunk = 0;
  mapPlanes(rt, N * C, chunks, [rt.ptrOf(x)], [out],
    ([xp], [op], p0, p1) => ['resize2D', MODE[a.mode], xp, op, idx, wts, rows + 16 * OW * (chunk++ % chunks), H, W, OH, OW, p0, p1]);
  return [{ ptr: out, shape: [N, C, OH, OW], dtype: 'float32' }];
};

export const Resize2DGrad: WasmKernel<'Resize2DGrad'> = (rt, inputs, a) => {
  const [dy] = inputs;
  const why = float32NonEmpty(dy);
  if (why) return why;
  const [N, C, H, W] = a.inputShape;
  const [OH, OW] = a.outSize;
  const dx = rt.output(N * C * H * W);
  if (N * C * H * W === 0) return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
  const { idx, wts } = putTaps(rt, a, H, W);
  const chunks = rt.chunksFor(sizeOfShape(dy.shape) * (a.mode === 'bilinear' ? 4 : 1));
  // Every chunk gets its own dx accumulator for four interleaved planes (asm gradPlanes4).
  const acc = rt.alloc(chunks * 4 * H * W);
  let chunk = 0;
  mapPlaneGroups(rt, N * C, 4, chunks, [{ ptr: rt.ptrOf(dy), per: OH * OW }], [{ ptr: dx, per: H * W }],
    ([gp], [dp], p0, p1) => ['resize2DGrad', MODE[a.mode], gp, dp, idx, wts, acc + 16 * H * W * (chunk++ % chunks), H, W, OH, OW, p0, p1]);
  return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
};
