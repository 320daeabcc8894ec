/**
 * Softmax, LogSoftmax and their gradients on the wasm runtime (asm/softmax.ts): the reference's f64
 * arithmetic per slice, one slice an f64x2 lane (four neighbouring slices of NCHW maps from vector loads);
 * threads split the slices. The input is viewed as [outer][len][inner] around the axis.
 */
import { shapesEqual } from '../../tensor/shape.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import { splitRange } from './runtime.js';
import { float32Only, sizeOfShape, type WasmKernel, type WasmKernelFn } from './types.js';

/** asm/softmax.ts's op codes. */
const OPS = { Softmax: 0, LogSoftmax: 1, SoftmaxGrad: 2, LogSoftmaxGrad: 3 } as const;

/** Work per slice element, in the units chunksFor weighs (an exp or a log counts for several flops). */
const WORK_PER_ELEMENT = 16;

function alongAxis(name: keyof typeof OPS): WasmKernelFn<{ axis: number }> {
  return (rt, inputs, { axis }) => {
    const why = float32Only(inputs);
    if (why) return why;
    const [x, x2 = x] = inputs;
    if (!shapesEqual(x.shape, x2.shape)) return 'shapes differ (the reference kernel reports it)';
    const n = sizeOfShape(x.shape);
    if (n === 0) return 'empty tensor';
    const R = x.shape[axis], K = sizeOfShape(x.shape.slice(axis + 1)), slices = n / R;
    const xp = rt.ptrOf(x), x2p = rt.ptrOf(x2), out = rt.output(n);
    const chunks = rt.chunksFor(n * WORK_PER_ELEMENT);
    // Each slice's result is its own lane's: any split gives the same bits.
    const ranges = chunks > 1 ? splitRange(slices, chunks, 1) : [[0, slices]];
    rt.run(ranges.map(([j0, j1]) => [['softmaxSlices', OPS[name], xp, x2p, out, R, K, j0, j1]]));
    return [{ ptr: out, shape: [...x.shape], dtype: 'float32' }];
  };
}

export const softmaxKernels = {
  Softmax: alongAxis('Softmax'),
  LogSoftmax: alongAxis('LogSoftmax'),
  SoftmaxGrad: alongAxis('SoftmaxGrad'),
  LogSoftmaxGrad: alongAxis('LogSoftmaxGrad'),
} satisfies { [K in KernelName]?: WasmKernel<K> };
