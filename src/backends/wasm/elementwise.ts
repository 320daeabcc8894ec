/**
 * Elementwise kernels on the wasm runtime (asm/elementwise.ts), bit-identical to the reference:
 * Add/Sub/Mul/Div and the comparisons with broadcasting (shapes coalesced to at most 4 strided dims),
 * Relu and its gradient, and Sum over axes (f64 accumulation in the reference's order). They pay a
 * copy in and out of wasm memory (streamed in blocks on one thread, see stream.ts), which still beats
 * the reference's generic broadcast/reduce loops several times over.
 */
import { broadcastShapes, shapesEqual, sizeOf, stridesOf } from '../../tensor/shape.js';
import { broadcastStrides } from '../reference/broadcast.js';
import type { KernelName } from '../../kernels/specs.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';
import { BLOCK, mapPlanes, outputArray, streamBlocks } from './stream.js';
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
    const rows = dims[0] * dims[1] * dims[2], cols = dims[3], S = rt.chunksFor(n / 2);
    const op = OPS[name];
    rt.reset();
    const prm = rt.alloc(15);
    const shape = (values: Float32Array | Int32Array): Buf => ({ values, shape: outShape, dtype: arithmetic ? 'float32' : 'int32' });
    if (S > 1) {
      // Threads split one whole copy of the operands.
      const ap = rt.putF32(a.values), bp = rt.putF32(b.values), out = rt.alloc(n);
      rt.setI32(prm, [...dims, ...sa, ...sb, 0, 0, 0]);
      const chunks: Call[][] = rows >= S
        ? splitRange(rows, S, 1).map(([r0, r1]) => [['binary', op, ap, bp, out, prm, r0, r1, 0, cols]])
        : splitRange(cols, S, 16).map(([c0, c1]) => [['binary', op, ap, bp, out, prm, 0, rows, c0, c1]]);
      rt.run(chunks);
      return [shape(arithmetic ? rt.takeF32(out, n) : rt.takeI32(out, n))];
    }
    // One thread: operands of the output's size stream through windows (the result overwrites the
    // first one's); broadcast operands are copied whole, once.
    const staged: { values: TypedArray; window: number }[] = [];
    const ptrs = [a, b].map((x) => {
      if (x.values.length !== n) return rt.putF32(x.values);
      staged.push({ values: x.values, window: rt.alloc(BLOCK) });
      return staged[staged.length - 1].window;
    });
    const out = staged.length > 0 ? staged[0].window : rt.alloc(BLOCK);
    const aFull = a.values.length === n, bFull = b.values.length === n;
    const result = outputArray(rt, arithmetic ? Float32Array : Int32Array, n);
    rt.setI32(prm, [...dims, ...sa, ...sb]);
    streamBlocks(rt, rows, cols, staged, out, result, (blk) => {
      rt.setI32(prm + 48, [aFull ? blk.e0 : 0, bFull ? blk.e0 : 0, blk.e0]);
      return ['binary', op, ptrs[0], ptrs[1], out, prm, blk.r0, blk.r1, blk.c0, blk.c1];
    });
    return [shape(result)];
  };
}

/**
 * An elementwise kernel `fn(...inputs, out, i0, i1)` over same-size float32 operands, writing over the
 * copy of the first: threads split one whole copy, a single thread streams blocks.
 */
function mapSameSize(rt: WasmRuntime, inputs: Buf[], fn: 'relu' | 'reluGrad' | 'expf' | 'tanhf' | 'sigmoidf'): Float32Array {
  const n = inputs[0].values.length, S = rt.chunksFor(n / 2);
  rt.reset();
  if (S > 1) {
    const ptrs = inputs.map((x) => rt.put(x.values));
    rt.run(splitRange(n, S, 64).map(([i0, i1]): Call[] => [[fn, ...ptrs, ptrs[0], i0, i1]]));
    return rt.takeF32(ptrs[0], n);
  }
  const staged = inputs.map((x) => ({ values: x.values, window: rt.alloc(BLOCK) }));
  const ptrs = staged.map((st) => st.window);
  const result = outputArray(rt, Float32Array, n);
  streamBlocks(rt, 1, n, staged, ptrs[0], result, (blk) => [fn, ...ptrs, ptrs[0], 0, blk.len]);
  return result;
}

const Relu: WasmKernel<'Relu'> = (rt, inputs) => {
  const why = float32Only(inputs);
  if (why) return why;
  return [{ values: mapSameSize(rt, inputs, 'relu'), shape: [...inputs[0].shape], dtype: 'float32' }];
};

/** Exp, Tanh, Sigmoid (asm/transcendental.ts): polynomials within a few float32 ulp of the reference. */
function transcendental(fn: 'expf' | 'tanhf' | 'sigmoidf'): WasmKernelFn<Record<string, never>> {
  return (rt, inputs) => {
    const why = float32Only(inputs);
    if (why) return why;
    return [{ values: mapSameSize(rt, inputs, fn), shape: [...inputs[0].shape], dtype: 'float32' }];
  };
}

const ReluGrad: WasmKernel<'ReluGrad'> = (rt, inputs) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [dy, y] = inputs;
  if (!shapesEqual(dy.shape, y.shape)) return 'shapes differ (the reference kernel reports it)';
  return [{ values: mapSameSize(rt, inputs, 'reluGrad'), shape: [...dy.shape], dtype: 'float32' }];
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
  const out = rt.alloc(nOut), acc = rt.alloc(2 * nOut + 2);
  if (os[0] === 0 && os[1] === 0 && os[2] === 1 && os[3] === 0) {
    // [A, B, K] reduced over A and K (conv bias gradients, row sums): channel chains run side by side,
    // and x streams through a window in slices of A (one thread: the f64 chains keep their order).
    const [A, B, K] = [dims[0] * dims[1], dims[2], dims[3]];
    let done = 0;
    mapPlanes(rt, A, 1, [{ values: x.values as Float32Array, per: B * K }], [], ([xp], _, p0, p1) => {
      const call: Call = ['sumMiddle', xp, out, acc, p1 - p0, B, K, done === 0 ? 1 : 0, done + p1 - p0 === A ? 1 : 0];
      done += p1 - p0;
      return call;
    });
  } else {
    const xp = rt.put(x.values), prm = rt.alloc(8);
    rt.setI32(prm, [...dims, ...os]);
    rt.run([[['sumAxes', xp, out, acc, nOut, prm]]]);
  }
  return [{ values: rt.takeF32(out, nOut), shape: outShape, dtype: 'float32' }];
};

export const elementwiseKernels = {
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'),
  Greater: binary('Greater'), GreaterEqual: binary('GreaterEqual'), Less: binary('Less'), LessEqual: binary('LessEqual'),
  Equal: binary('Equal'), NotEqual: binary('NotEqual'), Relu, ReluGrad, Sum,
  Exp: transcendental('expf'), Tanh: transcendental('tanhf'), Sigmoid: transcendental('sigmoidf'),
} satisfies { [K in KernelName]?: WasmKernel<K> };
