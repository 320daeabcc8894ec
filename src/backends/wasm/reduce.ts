/**
 * Max, Min, ArgMax and ArgMin on the wasm runtime (asm/reduce.ts), bit-identical to the reference
 * (same NaN and tie rules; values are only compared, never rounded). Shapes take one of three forms:
 * rows (x as [rows, len] reduced over len: softmax's class axis, full reductions), a middle axis (x as
 * [A, R, K] reduced over R: the class axis of NCHW maps, axis 0), or up to 4 alternating kept/reduced
 * dim groups folded in flat order on one thread. Rows and middle split their planes across threads.
 */
import { stridesOf } from '../../tensor/shape.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import { coalesce } from './elementwise.js';
import { mapPlanes } from './planes.js';
import { float32NonEmpty } from './pool.js';
import type { WasmRuntime } from './runtime.js';
import { sizeOfShape, type Buf, type WasmKernel, type WasmKernelFn } from './types.js';

type Form =
  | { kind: 'rows'; rows: number; len: number }
  | { kind: 'middle'; A: number; R: number; K: number }
  | { kind: 'flat'; dims: number[]; os: number[] };

/** The form of a reduction over `axes`, or null when more than 4 kept/reduced dim groups alternate. */
function reduceForm(shape: readonly number[], axes: readonly number[]): Form | null {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const c = coalesce(shape, [keptStrides]);
  if (!c) return null;
  const [dims, os] = c;
  // coalesce merged neighbours of a kind and dropped size-1 dims; what is left after the padding alternates.
  const groups = dims.filter((d) => d > 1);
  const pattern = dims.map((d, i) => (d === 1 ? '' : os[i] === 0 ? 'R' : 'K')).join('');
  const [g0 = 1, g1 = 1, g2 = 1] = groups;
  switch (pattern) {
    case '': return { kind: 'rows', rows: 1, len: 1 };
    case 'R': return { kind: 'rows', rows: 1, len: g0 };
    case 'KR': return { kind: 'rows', rows: g0, len: g1 };
    case 'K': return { kind: 'middle', A: 1, R: 1, K: g0 };
    case 'RK': return { kind: 'middle', A: 1, R: g0, K: g1 };
    case 'KRK': return { kind: 'middle', A: g0, R: g1, K: g2 };
    default: return { kind: 'flat', dims, os };
  }
}

/** Runs a rows or middle form: planes (rows, or [R, K] blocks) split across threads. */
function runPlanes(
  rt: WasmRuntime, fns: { rows: string; middle: string }, op: number, x: Buf, form: Form & { kind: 'rows' | 'middle' }, out: number,
): void {
  const chunks = rt.chunksFor(sizeOfShape(x.shape)), xPtr = rt.ptrOf(x);
  if (form.kind === 'rows') {
    const { rows, len } = form;
    mapPlanes(rt, rows, chunks, [xPtr], [out],
      ([xp], [outPtr], p0, p1) => [fns.rows, op, xp, outPtr, len, p0, p1]);
  } else {
    const { A, R, K } = form;
    mapPlanes(rt, A, chunks, [xPtr], [out],
      ([xp], [outPtr], p0, p1) => [fns.middle, op, xp, outPtr, R, K, p0, p1]);
  }
}

const EXTREME = { rows: 'extremeRows', middle: 'extremeMiddle' };
const ARG = { rows: 'argRows', middle: 'argMiddle' };

function extreme(op: 0 | 1): WasmKernelFn<KernelSpecs['Max']> {
  return (rt, inputs, { axes }) => {
    const [x] = inputs;
    const why = float32NonEmpty(x);
    if (why) return why;
    const form = reduceForm(x.shape, axes);
    if (!form) return 'more than 4 alternating kept/reduced dim groups';
    const outShape = x.shape.filter((_, i) => !axes.includes(i));
    const nOut = sizeOfShape(outShape), out = rt.output(nOut);
    if (form.kind !== 'flat') {
      runPlanes(rt, EXTREME, op, x, form, out);
      return [{ ptr: out, shape: outShape, dtype: 'float32' }];
    }
    const xp = rt.ptrOf(x), prm = rt.alloc(8);
    rt.setI32(prm, [...form.dims, ...form.os]);
    rt.run([[['extremeAxes', op, xp, out, nOut, prm]]]);
    return [{ ptr: out, shape: outShape, dtype: 'float32' }];
  };
}

function argExtreme(op: 0 | 1): WasmKernelFn<KernelSpecs['ArgMax']> {
  return (rt, inputs, { axis }) => {
    const [x] = inputs;
    const why = float32NonEmpty(x);
    if (why) return why;
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const outer = size(x.shape.slice(0, axis)), len = x.shape[axis], inner = size(x.shape.slice(axis + 1));
    const form: Form & { kind: 'rows' | 'middle' } = inner === 1
      ? { kind: 'rows', rows: outer, len }
      : { kind: 'middle', A: outer, R: len, K: inner };
    const out = rt.output(outer * inner);
    runPlanes(rt, ARG, op, x, form, out);
    return [{ ptr: out, shape: x.shape.filter((_, i) => i !== axis), dtype: 'int32' }];
  };
}

export const reduceKernels = {
  Max: extreme(0), Min: extreme(1), ArgMax: argExtreme(0), ArgMin: argExtreme(1),
} satisfies { [K in KernelName]?: WasmKernel<K> };
