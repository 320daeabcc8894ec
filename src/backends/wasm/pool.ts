/**
 * Pooling kernels on the wasm runtime (asm/pool.ts): bit-identical to the reference kernels, threads
 * split the (n, c) planes; on one thread the planes stream through small windows (stream.ts).
 */
import type { AvgPool2DAttrs } from '../../kernels/specs.js';
import { float32Only, type WasmKernel } from './types.js';
import { mapPlanes, outputArray } from './stream.js';

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
  const out = outputArray(rt, Float32Array, n), idx = outputArray(rt, Int32Array, n);
  rt.reset();
  mapPlanes(rt, N * C, rt.chunksFor(n * a.kernel[0] * a.kernel[1]), [{ values: x.values as Float32Array, per: H * W }],
    [{ values: out, per: OH * OW }, { values: idx, per: OH * OW }], ([xp], [op, ip], p0, p1) => [
      'maxPool', xp, op, ip, H, W, OH, OW, a.kernel[0], a.kernel[1], a.stride[0], a.stride[1],
      a.pad[0], a.pad[1], a.dilation[0], a.dilation[1], p0, p1,
    ]);
  const shape = [N, C, OH, OW];
  return [{ values: out, shape, dtype: 'float32' }, { values: idx, shape: [...shape], dtype: 'int32' }];
};

export const AvgPool2D: WasmKernel<'AvgPool2D'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [x] = inputs;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = a.outSize;
  const out = outputArray(rt, Float32Array, N * C * OH * OW);
  rt.reset();
  mapPlanes(rt, N * C, rt.chunksFor(out.length * a.kernel[0] * a.kernel[1]), [{ values: x.values as Float32Array, per: H * W }],
    [{ values: out, per: OH * OW }], ([xp], [op], p0, p1) => ['avgPool', xp, op, H, W, OH, OW, ...args, p0, p1]);
  return [{ values: out, shape: [N, C, OH, OW], dtype: 'float32' }];
};

export const AvgPool2DGrad: WasmKernel<'AvgPool2DGrad'> = (rt, inputs, a) => {
  const args = float32Only(inputs) ?? avgArgs(a);
  if (typeof args === 'string') return args;
  const [dy] = inputs;
  const [N, C, H, W] = a.inputShape;
  const [OH, OW] = a.outSize;
  const dx = outputArray(rt, Float32Array, N * C * H * W);
  rt.reset();
  mapPlanes(rt, N * C, rt.chunksFor(N * C * OH * OW * a.kernel[0] * a.kernel[1]), [{ values: dy.values as Float32Array, per: OH * OW }],
    [{ values: dx, per: H * W }], ([gp], [dp], p0, p1) => ['avgPoolGrad', gp, dp, H, W, OH, OW, ...args, p0, p1]);
  return [{ values: dx, shape: [...a.inputShape], dtype: 'float32' }];
};

export const ScatterPlane: WasmKernel<'ScatterPlane'> = (rt, inputs, a) => {
  const [src, indices] = inputs;
  const why = float32Only([src]) ?? (indices.dtype !== 'int32' ? `${indices.dtype} indices` : null);
  if (why) return why;
  const [N, C] = src.shape;
  const [PH, PW] = a.planeShape;
  const plane = PH * PW, per = size(src.shape.slice(2));
  const iv = indices.values as Int32Array;
  const out = outputArray(rt, Float32Array, N * C * plane);
  rt.reset();
  const bad = rt.alloc(1);
  rt.setI32(bad, [0]);
  mapPlanes(rt, N * C, rt.chunksFor(N * C * (per + plane)), [{ values: src.values as Float32Array, per }, { values: iv, per }],
    [{ values: out, per: plane }], ([sp, ip], [op], p0, p1) => ['scatterPlane', sp, ip, op, per, plane, p0, p1, bad]);
  // The kernel only flags bad indices; the first one in order names the reference's error.
  if (new Int32Array(rt.memory.buffer, bad, 1)[0] !== 0) {
    const j = iv.find((v) => !(v >= 0 && v < plane));
    throw new Error(`ScatterPlane: index ${j} is outside the ${PH}x${PW} plane`);
  }
  return [{ values: out, shape: [N, C, PH, PW], dtype: 'float32' }];
};
