/**
 * Elementwise kernels on the wasm runtime (asm/elementwise.ts). One asm entry (`binary`) runs every op
 * on a broadcast grid (shapes coalesced to at most 4 strided dims): Add/Sub/Mul/Div, the comparisons,
 * Maximum/Minimum, Where, the unary ops (Neg, Abs, Sign, Sqrt, LeakyRelu, Clamp: bit-identical to the
 * reference) and Log, Log1p, Elu and Pow (within 1-2 float32 ulp, see test/parity/transcendental.test.ts).
 * Also Relu and its gradient, Exp/Tanh/Sigmoid, and Sum over axes (f64 accumulation in the reference's
 * order). Operands are read where they lie in wasm memory and results written into new storage there.
 */
import { broadcastShapes, shapesEqual, sizeOf, stridesOf } from '../../tensor/shape.js';
import { broadcastStrides } from '../reference/broadcast.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';
import { float32Only, type Buf, type OutBuf, type WasmKernel, type WasmKernelFn } from './types.js';

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

/** Op codes of asm/elementwise.ts `binary`, which runs every op on a broadcast grid. */
const OPS = {
  Add: 0, Sub: 1, Mul: 2, Div: 3, Greater: 4, GreaterEqual: 5, Less: 6, LessEqual: 7, Equal: 8, NotEqual: 9,
  Maximum: 10, Minimum: 11, Pow: 12,
  Neg: 13, Abs: 14, Sign: 15, Sqrt: 16, Log: 17, Log1p: 18, LeakyRelu: 19, Clamp: 20, Elu: 21,
  PowOne: 22, PowSquare: 23, PowSqrt: 24, PowRecip: 25, Where: 26,
} as const;
type Op = keyof typeof OPS;
/** int32 values that float32 holds exactly, so converting them first changes no result. */
const F32_EXACT_INT = 1 << 24;

/**
 * float32 operands, or float32 with int32 ones (the result is float32 either way, as the reference
 * promotes). `exactInts`: int32 values must stay within 2^24, because the reference computes on them
 * before rounding (arithmetic, Pow); selects (Maximum, Minimum, Where) round the picked value to
 * float32 only, which equals picking among the values converted first (rounding is monotonic).
 */
function float32Result(inputs: Buf[], exactInts: boolean): string | null {
  if (inputs.every((b) => b.dtype === 'float32')) return null;
  if (!inputs.some((b) => b.dtype === 'float32') || inputs.some((b) => b.dtype === 'float64')) return float32Only(inputs);
  if (!exactInts) return null;
  for (const b of inputs) {
    if (b.dtype !== 'int32') continue;
    const v = b.values;
    for (let i = 0; i < v.length; i++) if (v[i] > F32_EXACT_INT || v[i] < -F32_EXACT_INT) return 'int32 operand beyond 2^24';
  }
  return null;
}

/** Parameter block words (asm/elementwise.ts `rows`): dims, 3 stride sets, 4 shifts (0: whole operands), c's address, then 4 f64 attributes. */
const PRM_WORDS = 32, PRM_C = 20, PRM_ATTRS = 24;

/**
 * Runs op code `op` over the broadcast output grid of `outShape`. Operands: [a, b, c] (the asm kernel's
 * roles; unary ops repeat a, binary ops pass a as c); their int32 values convert to float32. Returns
 * the output's address, or null when the shapes need more than 4 strided dims.
 */
function runGrid(
  rt: WasmRuntime, op: number, [a, b, c]: [Buf, Buf, Buf], outShape: number[], attrs: number[] = [],
): number | null {
  const n = sizeOf(outShape);
  const co = coalesce(outShape, [a, b, c].map((x) => broadcastStrides(x.shape, outShape)));
  if (!co) return null;
  const [dims, sa, sb, sc] = co;
  const rows = dims[0] * dims[1] * dims[2], cols = dims[3], S = rt.chunksFor(n / 2);
  const ptr = new Map([...new Set([a, b, c])].map((x) => [x, rt.f32PtrOf(x)]));
  const prm = rt.alloc(PRM_WORDS), out = rt.output(n);
  rt.setI32(prm, [...dims, ...sa, ...sb, ...sc, 0, 0, 0, 0]);
  rt.setI32(prm + 4 * PRM_C, [ptr.get(c)!]);
  rt.setF64(prm + 4 * PRM_ATTRS, [attrs[0] ?? 0, attrs[1] ?? 0, attrs[2] ?? 0, attrs[3] ?? 0]);
  const call = (r0: number, r1: number, c0: number, c1: number): Call[] => [['binary', op, ptr.get(a)!, ptr.get(b)!, out, prm, r0, r1, c0, c1]];
  rt.run(S <= 1 ? [call(0, rows, 0, cols)]
    : rows >= S ? splitRange(rows, S, 1).map(([r0, r1]) => call(r0, r1, 0, cols))
      : splitRange(cols, S, 16).map(([c0, c1]) => call(0, rows, c0, c1)));
  return out;
}

/** Runs a grid op and wraps its output, or says why it falls back. */
function gridKernel(
  rt: WasmRuntime, op: Op, roles: [Buf, Buf, Buf], outShape: number[], outType: 'float32' | 'int32', attrs?: number[],
): OutBuf[] | string {
  if (sizeOf(outShape) === 0) return 'empty tensor';
  const out = runGrid(rt, OPS[op], roles, outShape, attrs);
  if (out === null) return 'more than 4 broadcast dims';
  return [{ ptr: out, shape: outShape, dtype: outType }];
}

const COMPARISONS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

/**
 * Arithmetic takes float32 with float32 or int32 (within 2^24), Maximum and Minimum float32 with
 * float32 or any int32; comparisons take float32 pairs and give int32 0/1.
 */
function binary(name: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Maximum' | 'Minimum' | (typeof COMPARISONS)[number]): WasmKernelFn<Record<string, never>> {
  const comparison = (COMPARISONS as readonly Op[]).includes(name);
  return (rt, inputs) => {
    const why = comparison ? float32Only(inputs) : float32Result(inputs, name !== 'Maximum' && name !== 'Minimum');
    if (why) return why;
    const [a, b] = inputs;
    const outShape = broadcastShapes(a.shape, b.shape);
    if (!outShape) return 'shapes do not broadcast (the reference kernel reports it)';
    return gridKernel(rt, name, [a, b, a], outShape, comparison ? 'int32' : 'float32');
  };
}

/** Exponents with an exact shortcut (Math.pow(x, 2) is x*x, (x, 0.5) sqrt(x) but for -0 and -inf, (x, -1) 1/x). */
const POW_SCALAR: ReadonlyMap<number, Op> = new Map([[1, 'PowOne'], [2, 'PowSquare'], [0.5, 'PowSqrt'], [-1, 'PowRecip']]);

/** Pow: a scalar exponent of POW_SCALAR runs its shortcut (bit-identical), others e^(y ln|x|) in f64 (within 1 ulp). */
const Pow: WasmKernel<'Pow'> = (rt, inputs) => {
  const why = float32Result(inputs, true);
  if (why) return why;
  const [a, b] = inputs;
  const outShape = broadcastShapes(a.shape, b.shape);
  if (!outShape) return 'shapes do not broadcast (the reference kernel reports it)';
  const shortcut = sizeOf(b.shape) === 1 ? POW_SCALAR.get(b.values[0]) : undefined;
  return gridKernel(rt, shortcut ?? 'Pow', [a, b, a], outShape, 'float32');
};

/** A float32 unary op; `attrs` turns the kernel's attributes into the asm op's f64 parameters. */
function unary<A>(name: Op, attrs: (a: A) => number[] = () => []): WasmKernelFn<A> {
  return (rt, inputs, a) => {
    const why = float32Only(inputs);
    if (why) return why;
    const [x] = inputs;
    return gridKernel(rt, name, [x, x, x], [...x.shape], 'float32', attrs(a));
  };
}

const f32Bits = new Float32Array(1), i32Bits = new Int32Array(f32Bits.buffer);

/** The float32 next to f (a float32) in direction dir (+1 up, -1 down); NaN past an infinity. */
function nextFloat32(f: number, dir: 1 | -1): number {
  if (f === dir * Infinity) return NaN;
  if (f === 0) return dir * 2 ** -149;
  f32Bits[0] = f;
  i32Bits[0] += f > 0 === dir > 0 ? 1 : -1;
  return f32Bits[0];
}

/**
 * Clamp's f32 form of `x < min ? min : x > max ? max : x` on f64 bounds: for float32 x, x < min iff
 * x <= the largest float32 below min (NaN when there is none, or min is NaN: never true), likewise
 * for max; the outputs are min and max rounded to float32, as the reference stores them.
 */
function clampAttrs({ min, max }: { min: number; max: number }): number[] {
  const below = (v: number) => (Number.isNaN(v) ? NaN : Math.fround(v) < v ? Math.fround(v) : nextFloat32(Math.fround(v), -1));
  const above = (v: number) => (Number.isNaN(v) ? NaN : Math.fround(v) > v ? Math.fround(v) : nextFloat32(Math.fround(v), 1));
  return [below(min), Math.fround(min), above(max), Math.fround(max)];
}

/** Where: a float32 condition, or an int32 one (converted: non-zero stays non-zero); a, b as Maximum's. */
const Where: WasmKernel<'Where'> = (rt, inputs) => {
  const [cond, a, b] = inputs;
  if (cond.dtype === 'float64') return 'float64 condition (wasm kernels are float32 only)';
  const why = float32Result([a, b], false);
  if (why) return why;
  const ab = broadcastShapes(a.shape, b.shape);
  const outShape = ab && broadcastShapes(cond.shape, ab);
  if (!outShape) return 'shapes do not broadcast (the reference kernel reports it)';
  return gridKernel(rt, 'Where', [a, b, cond], outShape, 'float32');
};

/** An elementwise kernel `fn(...inputs, out, i0, i1)` over same-size float32 operands; threads split the range. */
function mapSameSize(rt: WasmRuntime, inputs: Buf[], fn: 'relu' | 'reluGrad' | 'expf' | 'tanhf' | 'sigmoidf'): number {
  const n = sizeOf(inputs[0].shape), S = rt.chunksFor(n / 2);
  const ptrs = inputs.map((x) => rt.ptrOf(x)), out = rt.output(n);
  rt.run((S > 1 ? splitRange(n, S, 64) : [[0, n]]).map(([i0, i1]): Call[] => [[fn, ...ptrs, out, i0, i1]]));
  return out;
}

const Relu: WasmKernel<'Relu'> = (rt, inputs) => {
  const why = float32Only(inputs);
  if (why) return why;
  return [{ ptr: mapSameSize(rt, inputs, 'relu'), shape: [...inputs[0].shape], dtype: 'float32' }];
};

/** Exp, Tanh, Sigmoid (asm/transcendental.ts): polynomials within a few float32 ulp of the reference. */
function transcendental(fn: 'expf' | 'tanhf' | 'sigmoidf'): WasmKernelFn<Record<string, never>> {
  return (rt, inputs) => {
    const why = float32Only(inputs);
    if (why) return why;
    return [{ ptr: mapSameSize(rt, inputs, fn), shape: [...inputs[0].shape], dtype: 'float32' }];
  };
}

const ReluGrad: WasmKernel<'ReluGrad'> = (rt, inputs) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [dy, y] = inputs;
  if (!shapesEqual(dy.shape, y.shape)) return 'shapes differ (the reference kernel reports it)';
  return [{ ptr: mapSameSize(rt, inputs, 'reluGrad'), shape: [...dy.shape], dtype: 'float32' }];
};

const Sum: WasmKernel<'Sum'> = (rt, inputs, { axes }) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [x]: Buf[] = inputs;
  if (sizeOf(x.shape) === 0) return 'empty tensor';
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const c = coalesce(x.shape, [keptStrides]);
  if (!c) return 'more than 4 alternating kept/reduced dims';
  const [dims, os] = c;
  const nOut = sizeOf(outShape);
  const xp = rt.ptrOf(x), out = rt.output(nOut), acc = rt.alloc(2 * nOut + 2);
  if (os[0] === 0 && os[1] === 0 && os[2] === 1 && os[3] === 0) {
    // [A, B, K] reduced over A and K (conv bias gradients, row sums): channel chains run side by side,
    // threads split whole chains (blocks of 3 channel pairs, which the kernel keeps in registers), so
    // every sum keeps the reference's order.
    const [A, B, K] = [dims[0] * dims[1], dims[2], dims[3]], pairs = Math.ceil(B / 2);
    const S = Math.min(rt.chunksFor(A * B * K) > 1 ? rt.threads : 1, Math.ceil(pairs / 3));
    rt.run(splitRange(pairs, S, 3).map(([p0, p1]): Call[] => [['sumMiddle', xp, out, acc, A, B, K, p0, p1]]));
  } else {
    const prm = rt.alloc(8);
    rt.setI32(prm, [...dims, ...os]);
    rt.run([[['sumAxes', xp, out, acc, nOut, prm]]]);
  }
  return [{ ptr: out, shape: outShape, dtype: 'float32' }];
};

export const elementwiseKernels = {
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'),
  Greater: binary('Greater'), GreaterEqual: binary('GreaterEqual'), Less: binary('Less'), LessEqual: binary('LessEqual'),
  Equal: binary('Equal'), NotEqual: binary('NotEqual'), Relu, ReluGrad, Sum,
  Exp: transcendental('expf'), Tanh: transcendental('tanhf'), Sigmoid: transcendental('sigmoidf'),
  Maximum: binary('Maximum'), Minimum: binary('Minimum'), Pow, Where,
  Neg: unary('Neg'), Abs: unary('Abs'), Sign: unary('Sign'), Sqrt: unary('Sqrt'), Log: unary('Log'), Log1p: unary('Log1p'),
  LeakyRelu: unary<KernelSpecs['LeakyRelu']>('LeakyRelu', ({ negativeSlope }) => [negativeSlope]),
  Clamp: unary('Clamp', clampAttrs),
  Elu: unary<KernelSpecs['Elu']>('Elu', ({ alpha }) => [alpha]),
} satisfies { [K in KernelName]?: WasmKernel<K> };
