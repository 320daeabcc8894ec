/**
 * Batch norm with batch statistics on the wasm runtime (asm/norm.ts), forward and backward side by side:
 * per-channel sums in f64 (equal to the reference within the parity tolerance), threads split channels.
 */
import type { KernelName } from '../../kernels/specs.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';
import { float32Only, sizeOfShape, type Buf, type WasmKernel } from './types.js';

/** [N, C, *] as (N, C, S), or a reason to fall back. */
function dims(x: Buf): [number, number, number] | string {
  const [N, C] = x.shape;
  const size = sizeOfShape(x.shape);
  if (x.shape.length < 2 || size === 0) return 'empty tensor or fewer than 2 dims (the reference kernel handles it)';
  return [N, C, size / (N * C)];
}

/** The f64 eps where the asm kernels read it. */
function putEps(rt: WasmRuntime, eps: number): number {
  const at = rt.alloc(2);
  rt.setF64(at, [eps]);
  return at;
}

/** Per element: three passes, each converting to f64 (about 8 multiply-adds of work). */
const channelChunks = (rt: WasmRuntime, N: number, C: number, S: number) => splitRange(C, rt.chunksFor(8 * N * C * S), 1);

const BatchNormTrain: WasmKernel<'BatchNormTrain'> = (rt, inputs, { eps }) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [x, w, b] = inputs;
  const d = dims(x);
  if (typeof d === 'string') return d;
  const [N, C, S] = d;
  const xp = rt.ptrOf(x), wp = rt.ptrOf(w), bp = rt.ptrOf(b), epsAt = putEps(rt, eps);
  const y = rt.output(N * C * S), mean = rt.output(C), variance = rt.output(C);
  rt.run(channelChunks(rt, N, C, S).map(([c0, c1]): Call[] => [['bnTrain', xp, wp, bp, y, mean, variance, N, C, S, epsAt, c0, c1]]));
  return [
    { ptr: y, shape: [...x.shape], dtype: 'float32' },
    { ptr: mean, shape: [C], dtype: 'float32' },
    { ptr: variance, shape: [C], dtype: 'float32' },
  ];
};

const BatchNormTrainGrad: WasmKernel<'BatchNormTrainGrad'> = (rt, inputs, { eps }) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [dy, x, mean, variance, w] = inputs;
  const d = dims(x);
  if (typeof d === 'string') return d;
  const [N, C, S] = d;
  const ptrs = [dy, x, mean, variance, w].map((t) => rt.ptrOf(t)), epsAt = putEps(rt, eps);
  const dx = rt.output(N * C * S), dw = rt.output(C), db = rt.output(C);
  rt.run(channelChunks(rt, N, C, S).map(([c0, c1]): Call[] => [['bnTrainGrad', ...ptrs, dx, dw, db, N, C, S, epsAt, c0, c1]]));
  return [
    { ptr: dx, shape: [...x.shape], dtype: 'float32' },
    { ptr: dw, shape: [C], dtype: 'float32' },
    { ptr: db, shape: [C], dtype: 'float32' },
  ];
};

export const normKernels = { BatchNormTrain, BatchNormTrainGrad } satisfies { [K in KernelName]?: WasmKernel<K> };
