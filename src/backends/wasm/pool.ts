/**
 * Pooling kernels on the wasm runtime (asm/pool.ts): bit-identical to the reference kernels, threads
 * split the (n, c) planes.
 */
import type { AvgPool2DAttrs } from '../../kernels/specs.js';
import { adaptiveAxis } from '../reference/pool.js';
import { float32Only, sizeOfShape, type Buf, type WasmKernel } from './types.js';
import { mapPlanes } from './planes.js';
import type { WasmRuntime } from './runtime.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function avgArgs(a: AvgPool2DAttrs): number[] | string {
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) return 'dilation (the reference kernel reports the error)';
  if (a.divisorOverride === 0) return 'divisorOverride 0';
  return [a.kernel[0], a.kernel[1], a.stride[0], a.stride[1], a.pad[0], a.pad[1], a.countIncludePad ? 1 : 0, a.divisorOverride ?? 0];
}

export const MaxPool2D: WasmKernel<'MaxPool2D'> = (rt, inputs, a) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [x] = inputs;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const n = N * C * OH * OW;
  const out = rt.output(n), idx = rt.output(n);
  mapPlanes(rt, N * C, rt.chunksFor(n * a.kernel[0] * a.kernel[1]), [rt.ptrOf(x)],
    [out, idx], ([xp], [op, ip], p0, p1) => [
      'maxPool', xp, op, ip, H, W, OH, OW, a.kernel[0], a.kernel[1], a.stride[0], a.stride[1],
      a.pad[0], a.pad[1], a.dilation[0], a.dilation[1], p0, p1,
    ]);
  const shape = [N, C, OH, OW];
  return [{ ptr: out, shape, dtype: 'float32' }, { ptr: idx, shape: [...shape], dtype: 'int32' }];
};

/**
 * A 2x2 stride-2 pooling (floor mode, no padding) of the planes [N*C][H][W] at x into out, as AvgPool2D or
 * MaxPool2D (its indices into scratch): Conv2D's fused `pool` where the convolution cannot pool in its tiles.
 */
export function pool2x2(rt: WasmRuntime, kind: 'avg' | 'max', x: number, out: number, planes: number, H: number, W: number): void {
  const OH = H >> 1, OW = W >> 1, n = planes * OH * OW, S = rt.chunksFor(4 * n);
  if (kind === 'avg') {
    mapPlanes(rt, planes, S, [x], [out], ([xp], [op], p0, p1) => ['avgPool', xp, op, H, W, OH, OW, 2, 2, 2, 2, 0, 0, 1, 0, p0, p1]);
  } else {
    mapPlanes(rt, planes, S, [x], [out, rt.alloc(n)], ([xp], [op, ip], p0, p1) => ['maxPool', xp, op, ip, H, W, OH, OW, 2, 2, 2, 2, 0, 0, 1, 1, p0, p1]);
  }
}

export const AvgPool2D: WasmKernel<'AvgPool2D'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [x] = inputs;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const out = rt.output(N * C * OH * OW);
  mapPlanes(rt, N * C, rt.chunksFor(N * C * OH * OW * a.kernel[0] * a.kernel[1]), [rt.ptrOf(x)],
    [out], ([xp], [op], p0, p1) => ['avgPool', xp, op, H, W, OH, OW, ...args, p0, p1]);
  return [{ ptr: out, shape: [N, C, OH, OW], dtype: 'float32' }];
};

export const AvgPool2DGrad: WasmKernel<'AvgPool2DGrad'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [dy] = inputs;
  const [N, C, H, W] = a.inputShape;
  const [OH, OW] = a.outSize;
  const dx = rt.output(N * C * H * W);
  mapPlanes(rt, N * C, rt.chunksFor(N * C * OH * OW * a.kernel[0] * a.kernel[1]), [rt.ptrOf(dy)],
    [dx], ([gp], [dp], p0, p1) => ['avgPoolGrad', gp, dp, H, W, OH, OW, ...args, p0, p1]);
  return [{ ptr: dx, shape: [...a.inputShape], dtype: 'float32' }];
};

export const ScatterPlane: WasmKernel<'ScatterPlane'> = (rt, inputs, a) => {
  const [src, indices] = inputs;
  const why = float32Only([src]) ?? (indices.dtype !== 'int32' ? `${indices.dtype} indices` : null);
  if (why) return why;
  const [N, C] = src.shape;
  const [PH, PW] = a.planeShape;
  const plane = PH * PW, per = size(src.shape.slice(2));
  const out = rt.output(N * C * plane);
  const bad = rt.alloc(1);
  rt.setI32(bad, [0]);
  // Windows that tile the plane 2x2 (max pooling's usual shape): one dense pass, no fill; the kernel
  // checks each index lies in its window and scatters any plane where one does not.
  const [OH, OW] = src.shape.slice(2);
  const tiles = src.shape.length === 4 && PH === 2 * OH && PW === 2 * OW;
  mapPlanes(rt, N * C, rt.chunksFor(N * C * (per + plane)), [rt.ptrOf(src), rt.ptrOf(indices)], [out],
    ([sp, ip], [op], p0, p1) => tiles ? ['scatterPlane2x2', sp, ip, op, OH, OW, p0, p1, bad] : ['scatterPlane', sp, ip, op, per, plane, p0, p1, bad]);
  // The kernel only flags bad indices; the first one in order names the reference's error.
  if (rt.readI32(bad) !== 0) {
    const j = (indices.values as Int32Array).find((v) => !(v >= 0 && v < plane));
    throw new Error(`ScatterPlane: index ${j} is outside the ${PH}x${PW} plane`);
  }
  return [{ ptr: out, shape: [N, C, PH, PW], dtype: 'float32' }];
};

/** The reference's adaptive windows as one i32 block [hLo[OH], hHi[OH], wLo[OW], wHi[OW]] in wasm memory. */
function putWindows(rt: WasmRuntime, H: number, W: number, OH: number, OW: number): number {
  const wh = adaptiveAxis(H, OH), ww = adaptiveAxis(W, OW);
  const ptr = rt.alloc(2 * (OH + OW));
  rt.setI32(ptr, [...wh.lo, ...wh.hi, ...ww.lo, ...ww.hi]);
  return ptr;
}

/** Element visits of adaptive pooling: windows overlap by at most one row/column per neighbour. */
const adaptiveWork = (N: number, C: number, H: number, W: number, OH: number, OW: number) =>
  N * C * (H + OH) * (W + OW);

/** The precondition of the single-input kernels: float32 and not empty (the reference handles the rest). */
export const float32NonEmpty = (x: Buf) => float32Only([x]) ?? (sizeOfShape(x.shape) === 0 ? 'empty tensor' : null);

export const AdaptiveAvgPool2D: WasmKernel<'AdaptiveAvgPool2D'> = (rt, inputs, a) => {
  const [x] = inputs;
  const why = float32NonEmpty(x);
  if (why) return why;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const out = rt.output(N * C * OH * OW);
  const win = putWindows(rt, H, W, OH, OW);
  mapPlanes(rt, N * C, rt.chunksFor(adaptiveWork(N, C, H, W, OH, OW)), [rt.ptrOf(x)],
    [out], ([xp], [op], p0, p1) => ['adaptiveAvgPool', xp, op, win, H, W, OH, OW, p0, p1]);
  return [{ ptr: out, shape: [N, C, OH, OW], dtype: 'float32' }];
};

export const AdaptiveAvgPool2DGrad: WasmKernel<'AdaptiveAvgPool2DGrad'> = (rt, inputs, a) => {
  const [dy] = inputs;
  const why = float32NonEmpty(dy);
  if (why) return why;
  const [N, C, H, W] = a.inputShape;
  const [OH, OW] = [dy.shape[2], dy.shape[3]];
  const dx = rt.output(N * C * H * W);
  const win = putWindows(rt, H, W, OH, OW);
  mapPlanes(rt, N * C, rt.chunksFor(adaptiveWork(N, C, H, W, OH, OW)), [rt.ptrOf(dy)],
    [dx], ([gp], [dp], p0, p1) => ['adaptiveAvgPoolGrad', gp, dp, win, H, W, OH, OW, p0, p1]);
  return [{ ptr: dx, shape: [...a.inputShape], dtype: 'float32' }];
};

export const AdaptiveMaxPool2D: WasmKernel<'AdaptiveMaxPool2D'> = (rt, inputs, a) => {
  const [x] = inputs;
  const why = float32NonEmpty(x);
  if (why) return why;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const n = N * C * OH * OW;
  const out = rt.output(n), idx = rt.output(n);
  const win = putWindows(rt, H, W, OH, OW);
  mapPlanes(rt, N * C, rt.chunksFor(adaptiveWork(N, C, H, W, OH, OW)), [rt.ptrOf(x)],
    [out, idx],
    ([xp], [op, ip], p0, p1) => ['adaptiveMaxPool', xp, op, ip, win, H, W, OH, OW, p0, p1]);
  const shape = [N, C, OH, OW];
  return [{ ptr: out, shape, dtype: 'float32' }, { ptr: idx, shape: [...shape], dtype: 'int32' }];
};
