/**
 * Elementwise kernels on the wasm runtime (asm/elementwise.ts), bit-identical to the reference:
 * Add/Sub/Mul/Div and the comparisons with broadcasting (shapes coalesced to at most 4 strided dims),
 * Relu, and Sum over axes (f64 accumulation in the reference's order). They pay a copy in and out of wasm memory, which
 * still beats the reference's generic broadcast/reduce loops several times over.
 */
import { broadcastShapes, sizeOf, stridesOf } from '../../tensor/shape.js';
import { broadcastStrides } from '../reference/broadcast.js';
import type { KernelName } from '../../kernels/specs.js';
import type { Call } from './runtime.js';
import { splitRange } from './runtime.js';
import { float32Only, type Buf, type WasmKernel, type WasmKernelFn } from './types.js';

/**
 * Merges dims (dropping size-1 ones) where every stride set stays linear; pads to 4 leading dims.
 * Returns [dims, ...strideSets] or null when more than 4 dims remain.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], ...number[][]] | null {
  const dims: number[] = [];
  const sets: number[][] = strides.map(() => []);
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => sets[k][last] === s[i] * d)) {
      dims[last] *= d;
      strides.forEach((s, k) => (sets[k][last] = s[i]));
    } else {
      dims.push(d);
      strides.forEach((s, k) => sets[k].push(s[i]));
    }
  });
  if (dims.length > 4) return null;
  while (dims.length < 4) {
    dims.unshift(1);
    sets.forEach((s) => s.unshift(0));
  }
  return [dims, ...sets];
}

const OPS = { Add: 0, Sub: 1, Mul: 2, Div: 3, Greater: 4, GreaterEqual: 5, Less: 6, LessEqual: 7, Equal: 8, NotEqual: 9 } as const;
/** int32 values that float32 holds exactly, so converting them first changes no result. */
const F32_EXACT_INT = 1 << 24;

/**
 * Arithmetic takes float32 with float32 or int32 (promoted to float32, as the reference does, provided
 * every |value| <= 2^24); comparisons take float32 pairs and give int32 0/1.
 */
function mixedOk(inputs: Buf[], arithmetic: boolean): string | null {
  if (inputs.every((b) => b.dtype === 'float32')) return null;
  if (!arithmetic || !inputs.some((b) => b.dtype === 'float32') || inputs.some((b) => b.dtype === 'float64')) {
    return float32Only(inputs);
  }
  for (const b of inputs) {
    if (b.dtype !== 'int32') continue;
    const v = b.values;
    for (let i = 0; i < v.length; i++) if (v[i] > F32_EXACT_INT || v[i] < -F32_EXACT_INT) return 'int32 operand beyond 2^24';
  }
  return null;
}

function binary(name: keyof typeof OPS): WasmKernelFn<Record<string, never>> {
  const arithmetic = OPS[name] < 4;
  return (rt, inputs) => {
    const why = mixedOk(inputs, arithmetic);
    if (why) return why;
    const [a, b] = inputs;
    const outShape = broadcastShapes(a.shape, b.shape);
    if (!outShape) return 'shapes do not broadcast (the reference kernel reports it)';
    const n = sizeOf(outShape);
    if (n === 0) return 'empty tensor';
    const c = coalesce(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)]);
    if (!c) return 'more than 4 broadcast dims';
    const [dims, sa, sb] = c;
    rt.reset();
    const ap = rt.putF32(a.values), bp = rt.putF32(b.values), out = rt.alloc(n), prm = rt.alloc(12);
    rt.setI32(prm, [...dims, ...sa, ...sb]);
    const rows = dims[0] * dims[1] * dims[2], cols = dims[3], S = rt.chunksFor(n / 2);
    const chunks: Call[][] = rows >= S
      ? splitRange(rows, S, 1).map(([r0, r1]) => [['binary', OPS[name], ap, bp, out, prm, r0, r1, 0, cols]])
      : splitRange(cols, S, 16).map(([c0, c1]) => [['binary', OPS[name], ap, bp, out, prm, 0, rows, c0, c1]]);
    rt.run(chunks);
    return [arithmetic
      ? { values: rt.takeF32(out, n), shape: outShape, dtype: 'float32' }
      : { values: rt.takeI32(out, n), shape: outShape, dtype: 'int32' }];
  };
}

const Relu: WasmKernel<'Relu'> = (rt, inputs) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [x] = inputs;
  const n = x.values.length;
  rt.reset();
  const xp = rt.put(x.values), out = rt.alloc(n);
  rt.run(splitRange(n, rt.chunksFor(n / 2), 64).map(([i0, i1]): Call[] => [['relu', xp, out, i0, i1]]));
  return [{ values: rt.takeF32(out, n), shape: [...x.shape], dtype: 'float32' }];
};

const Sum: WasmKernel<'Sum'> = (rt, inputs, { axes }) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [x]: Buf[] = inputs;
  if (x.values.length === 0) return 'empty tensor';
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const c = coalesce(x.shape, [keptStrides]);
  if (!c) return 'more than 4 alternating kept/reduced dims';
  const [dims, os] = c;
  const nOut = sizeOf(outShape);
  rt.reset();
  const xp = rt.put(x.values), out = rt.alloc(nOut), acc = rt.alloc(2 * nOut), prm = rt.alloc(8);
  rt.setI32(prm, [...dims, ...os]);
  rt.run([[['sumAxes', xp, out, acc, nOut, prm]]]);
  return [{ values: rt.takeF32(out, nOut), shape: outShape, dtype: 'float32' }];
};

export const elementwiseKernels = {
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'),
  Greater: binary('Greater'), GreaterEqual: binary('GreaterEqual'), Less: binary('Less'), LessEqual: binary('LessEqual'),
  Equal: binary('Equal'), NotEqual: binary('NotEqual'), Relu, Sum,
} satisfies { [K in KernelName]?: WasmKernel<K> };
