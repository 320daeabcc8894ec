/** Reductions: sum/max/min over any set of axes, argmax/argmin along one axis. */
import { allocArray } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Buf, KernelFn, RefKernelTable } from './types.js';
import { broadcastOffsets } from './broadcast.js';

/** For every input element, the flat index of the output element it reduces into. */
function reductionTargets(shape: number[], axes: number[]): { outShape: number[]; target: Int32Array } {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const { offsets } = broadcastOffsets([keep, shape]);
  return { outShape: shape.filter((_, i) => !axes.includes(i)), target: offsets[0] };
}

function reduce(init: number, step: (acc: number, v: number) => number): KernelFn<{ axes: number[] }> {
  return ([x], { axes }) => {
    const { outShape, target } = reductionTargets(x.shape, axes);
    const acc = new Float64Array(sizeOf(outShape)).fill(init);
    const v = x.values;
    for (let i = 0; i < v.length; i++) acc[target[i]] = step(acc[target[i]], v[i]);
    const out = allocArray(x.dtype, acc.length);
    out.set(acc);
    return [{ values: out, shape: outShape, dtype: x.dtype }];
  };
}

function argReduce(better: (v: number, best: number) => boolean): KernelFn<{ axis: number }> {
  return ([x]: Buf[], { axis }) => {
    const outer = sizeOf(x.shape.slice(0, axis));
    const len = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const out = new Int32Array(outer * inner);
    const v = x.values;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let best = v[base], bestIdx = 0;
        for (let k = 1; k < len && best === best; k++) {
          const c = v[base + k * inner];
          if (better(c, best) || c !== c) { best = c; bestIdx = k; }
        }
        out[o * inner + i] = bestIdx;
      }
    }
    return [{ values: out, shape: x.shape.filter((_, i) => i !== axis), dtype: 'int32' }];
  };
}

// NaN wins every comparison, as in PyTorch.
const maxStep = (acc: number, v: number) => (v > acc || v !== v ? v : acc);
const minStep = (acc: number, v: number) => (v < acc || v !== v ? v : acc);

export const reduceKernels = {
  Sum: reduce(0, (acc, v) => acc + v),
  Max: reduce(-Infinity, maxStep),
  Min: reduce(Infinity, minStep),
  ArgMax: argReduce((v, best) => v > best),
  ArgMin: argReduce((v, best) => v < best),
} satisfies Pick<RefKernelTable, 'Sum' | 'Max' | 'Min' | 'ArgMax' | 'ArgMin'>;
