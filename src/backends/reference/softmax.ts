/**
 * Softmax and log-softmax along one axis, and their gradients: each slice in f64 (Math.exp, Math.log),
 * summed in order, every output rounded once. x is viewed as [outer][len][inner], the slice running along len.
 */
import { allocArray } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Buf, KernelFn, RefKernelTable } from './types.js';

type SliceFn = (read: (k: number) => number, read2: (k: number) => number, len: number, write: (k: number, v: number) => void) => void;

/**
 * The shift the exponentials subtract: the slice's maximum (NaN wins), or 0 when that is ±inf, so a +inf entry
 * leaves the finite ones at probability 0 (log-probability -inf) beside its own NaN, as the composite these
 * kernels replaced did; an all -inf slice gives NaN either way.
 */
function shiftOf(read: (k: number) => number, len: number): number {
  let m = -Infinity;
  for (let k = 0; k < len; k++) {
    const v = read(k);
    if (v > m || v !== v) m = v;
  }
  return m === Infinity || m === -Infinity ? 0 : m;
}

const softmaxSlice: SliceFn = (read, _read2, len, write) => {
  const m = shiftOf(read, len);
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(read(k) - m);
  for (let k = 0; k < len; k++) write(k, Math.exp(read(k) - m) / s);
};

const logSoftmaxSlice: SliceFn = (read, _read2, len, write) => {
  const m = shiftOf(read, len);
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(read(k) - m);
  const lse = m + Math.log(s);
  for (let k = 0; k < len; k++) write(k, read(k) - lse);
};

/** read: dy, read2: y. */
const softmaxGradSlice: SliceFn = (dy, y, len, write) => {
  let s = 0;
  for (let k = 0; k < len; k++) s += dy(k) * y(k);
  for (let k = 0; k < len; k++) write(k, y(k) * (dy(k) - s));
};

const logSoftmaxGradSlice: SliceFn = (dy, y, len, write) => {
  let s = 0;
  for (let k = 0; k < len; k++) s += dy(k);
  for (let k = 0; k < len; k++) write(k, dy(k) - Math.exp(y(k)) * s);
};

function alongAxis(slice: SliceFn): KernelFn<{ axis: number }> {
  return (inputs: Buf[], { axis }) => {
    const x = inputs[0], x2 = inputs[1] ?? x;
    const outer = sizeOf(x.shape.slice(0, axis)), len = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1));
    const a = x.values, b = x2.values, out = allocArray(x.dtype, a.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        slice((k) => a[base + k * inner], (k) => b[base + k * inner], len, (k, v) => { out[base + k * inner] = v; });
      }
    }
    return [{ values: out, shape: [...x.shape], dtype: x.dtype }];
  };
}

export const softmaxKernels = {
  Softmax: alongAxis(softmaxSlice),
  LogSoftmax: alongAxis(logSoftmaxSlice),
  SoftmaxGrad: alongAxis(softmaxGradSlice),
  LogSoftmaxGrad: alongAxis(logSoftmaxGradSlice),
} satisfies Pick<RefKernelTable, 'Softmax' | 'LogSoftmax' | 'SoftmaxGrad' | 'LogSoftmaxGrad'>;
