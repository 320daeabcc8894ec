/**
 * Pooling kernels on the wasm runtime (asm/pool.ts): bit-identical to the reference kernels, threads
 * split the (n, c) planes.
 */
import type { AvgPool2DAttrs } from '../../kernels/specs.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';
import { float32Only, type WasmKernel } from './types.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs `call(p0, p1)` over the planes, split across threads when the work is large enough. */
function planes(rt: WasmRuntime, count: number, work: number, call: (p0: number, p1: number) => Call): void {
  rt.run(splitRange(count, rt.chunksFor(work), 1).map(([p0, p1]) => [call(p0, p1)]));
}

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
  rt.reset();
  const xp = rt.put(x.values), out = rt.alloc(n), idx = rt.alloc(n);
  planes(rt, N * C, n * a.kernel[0] * a.kernel[1], (p0, p1) => [
    'maxPool', xp, out, idx, H, W, OH, OW, a.kernel[0], a.kernel[1], a.stride[0], a.stride[1],
    a.pad[0], a.pad[1], a.dilation[0], a.dilation[1], p0, p1,
  ]);
  const shape = [N, C, OH, OW];
  return [
    { values: rt.takeF32(out, n), shape, dtype: 'float32' },
    { values: rt.takeI32(idx, n), shape: [...shape], dtype: 'int32' },
  ];
};

export const AvgPool2D: WasmKernel<'AvgPool2D'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [x] = inputs;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const n = N * C * OH * OW;
  rt.reset();
  const xp = rt.put(x.values), out = rt.alloc(n);
  planes(rt, N * C, n * a.kernel[0] * a.kernel[1], (p0, p1) => ['avgPool', xp, out, H, W, OH, OW, ...args, p0, p1]);
  return [{ values: rt.takeF32(out, n), shape: [N, C, OH, OW], dtype: 'float32' }];
};

export const AvgPool2DGrad: WasmKernel<'AvgPool2DGrad'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [dy] = inputs;
  const [N, C, H, W] = a.inputShape;
  const [OH, OW] = a.outSize;
  const n = N * C * H * W;
  rt.reset();
  const dyp = rt.put(dy.values), dx = rt.alloc(n);
  planes(rt, N * C, N * C * OH * OW * a.kernel[0] * a.kernel[1], (p0, p1) => ['avgPoolGrad', dyp, dx, H, W, OH, OW, ...args, p0, p1]);
  return [{ values: rt.takeF32(dx, n), shape: [...a.inputShape], dtype: 'float32' }];
};

export const ScatterPlane: WasmKernel<'ScatterPlane'> = (rt, inputs, a) => {
  const [src, indices] = inputs;
  const why = float32Only([src]) ?? (indices.dtype !== 'int32' ? `${indices.dtype} indices` : null);
  if (why) return why;
  const [N, C] = src.shape;
  const [PH, PW] = a.planeShape;
  const plane = PH * PW, per = size(src.shape.slice(2));
  const iv = indices.values;
  for (let i = 0; i < iv.length; i++) {
    const j = iv[i];
    if (!(j >= 0 && j < plane)) throw new Error(`ScatterPlane: index ${j} is outside the ${PH}x${PW} plane`);
  }
  rt.reset();
  const sp = rt.put(src.values), ip = rt.put(iv), out = rt.alloc(N * C * plane);
  planes(rt, N * C, N * C * (per + plane), (p0, p1) => ['scatterPlane', sp, ip, out, per, plane, p0, p1]);
  return [{ values: rt.takeF32(out, N * C * plane), shape: [N, C, PH, PW], dtype: 'float32' }];
};
