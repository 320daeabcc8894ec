/**
 * ONNX math and shape operators on neocog ops. Where every input is on the host (shapes, indices,
 * small constants), the result is computed on the host too: that is the constant folding of shape chains.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import { record } from '../../autograd/graph.js';
import { run1 } from '../../ops/kernel.js';
import * as E from '../../ops/elementwise.js';
import * as R from '../../ops/reduce.js';
import * as S from '../../ops/shape.js';
import { matmul } from '../../ops/matmul.js';
import { DataType } from './schema.js';
import { checkDims, OnnxError, type HostArray } from './tensor-proto.js';
import type { Attrs } from './graph.js';
import { axis, broadcastShapes, tensorOf, dtypeOf, hostMap, hv, ints, isFloatType, shapeOf, sizeOf, stridesOf, toHost, toTensor, tv, typeOf, typeName, type Val } from './values.js';

export interface OpCtx {
  opset: number;
  training: boolean;
  where: string;
}
export type OpFn = (ctx: OpCtx, ins: (Val | null)[], at: Attrs) => Val[];

const need = (ctx: OpCtx, ins: (Val | null)[], i: number, what: string): Val => {
  const v = ins[i];
  if (!v) throw new OnnxError(`${ctx.where}: input ${i} (${what}) is required`);
  return v;
};
const allHost = (ins: (Val | null)[]) => ins.every((v) => v === null || v.kind === 'h');

// --- elementwise -------------------------------------------------------------------------------

const truncDiv = (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b));
type Bin = { t: (a: Tensor, b: Tensor) => Tensor; h: (a: number, b: number) => number; int?: (a: number, b: number) => number };
const BINARY: Record<string, Bin> = {
  Add: { t: E.add, h: (a, b) => a + b },
  Sub: { t: E.sub, h: (a, b) => a - b },
  Mul: { t: E.mul, h: (a, b) => a * b },
  Div: { t: E.div, h: (a, b) => a / b, int: truncDiv },
  Pow: { t: E.pow, h: (a, b) => a ** b },
};

function binary(op: string): OpFn {
  const f = BINARY[op];
  return (ctx, ins, at) => {
    const a = need(ctx, ins, 0, 'A');
    let b = need(ctx, ins, 1, 'B');
    // Before opset 7: broadcast=1 with axis aligns B's dims with A's starting at axis.
    if (at.int('broadcast', 0) === 1 && at.has('axis')) {
      const ra = shapeOf(a).length, bs = shapeOf(b);
      const ax = axis(at.int('axis', 0), ra, ctx.where);
      b = reshapeVal(b, [...bs, ...new Array(Math.max(0, ra - ax - bs.length)).fill(1)]);
    }
    const type = typeOf(a);
    if (op !== 'Pow' && typeOf(b) !== type) throw new OnnxError(`${ctx.where}: inputs have different types ${typeName(type)} and ${typeName(typeOf(b))}`);
    if (allHost([a, b])) return [hostMap([toHost(a), toHost(b)], type, ctx.where, !isFloatType(type) && f.int ? f.int : f.h)];
    let y = f.t(toTensor(a), toTensor(b));
    if (op === 'Div' && !isFloatType(type)) y = E.cast(E.sub(E.div(toTensor(a), toTensor(b)), 0), 'int32');
    if (op === 'Pow' && y.dtype !== dtypeOf(type)) y = E.cast(y, dtypeOf(type));
    return [tv(y, type)];
  };
}

function variadic(op: 'Sum' | 'Mean' | 'Max' | 'Min'): OpFn {
  return (ctx, ins) => {
    const vs = ins.filter((v): v is Val => v !== null);
    if (vs.length === 0) throw new OnnxError(`${ctx.where}: needs at least one input`);
    const type = typeOf(vs[0]);
    if (allHost(vs)) {
      const f = op === 'Max' ? Math.max : op === 'Min' ? Math.min : (...x: number[]) => x.reduce((a, b) => a + b, 0) / (op === 'Mean' ? x.length : 1);
      return [hostMap(vs.map(toHost), type, ctx.where, f)];
    }
    let y = toTensor(vs[0]);
    for (const v of vs.slice(1)) y = op === 'Max' ? E.maximum(y, toTensor(v)) : op === 'Min' ? E.minimum(y, toTensor(v)) : E.add(y, toTensor(v));
    if (vs.length === 1) y = S.reshape(y, y.shape);
    if (op === 'Mean') y = E.div(y, vs.length);
    return [tv(y, type)];
  };
}

function unary(t: (x: Tensor) => Tensor, h: (x: number) => number): OpFn {
  return (ctx, ins) => {
    const x = need(ctx, ins, 0, 'X');
    if (x.kind === 'h') return [hostMap([x.a], x.a.type, ctx.where, h)];
    return [tv(t(x.t), x.type)];
  };
}

function compare(t: (a: Tensor, b: Tensor) => Tensor, h: (x: number, y: number) => boolean): OpFn {
  return (ctx, ins) => {
    const a = need(ctx, ins, 0, 'A'), b = need(ctx, ins, 1, 'B');
    if (allHost([a, b])) return [hostMap([toHost(a), toHost(b)], DataType.BOOL, ctx.where, (x, y) => (h(x, y) ? 1 : 0))];
    return [tv(t(toTensor(a), toTensor(b)), DataType.BOOL)];
  };
}

const not: OpFn = (ctx, ins) => {
  const x = need(ctx, ins, 0, 'X');
  if (x.kind === 'h') return [hostMap([x.a], DataType.BOOL, ctx.where, (v) => (v ? 0 : 1))];
  return [tv(E.eq(x.t, 0), DataType.BOOL)];
};

/** Mod on integer index values (no gradient); fmod=1 takes the dividend's sign, else the divisor's. */
const mod: OpFn = (ctx, ins, at) => {
  const a = need(ctx, ins, 0, 'A'), b = need(ctx, ins, 1, 'B');
  const fmod = at.int('fmod', 0) === 1;
  const type = typeOf(a);
  const r = hostMap([toHost(a), toHost(b)], type, ctx.where, (x, y) => (y === 0 ? 0 : fmod ? x % y : x - y * Math.floor(x / y)));
  return [allHost([a, b]) ? r : tv(toTensor(r), type)];
};

const gatherElements: OpFn = (ctx, ins, at) => {
  const x = toTensor(need(ctx, ins, 0, 'data'));
  const idx = toHost(need(ctx, ins, 1, 'indices'));
  const ax = axis(at.int('axis', 0), x.ndim, ctx.where);
  const n = x.shape[ax];
  const index = Int32Array.from(idx.data, (i) => {
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new OnnxError(`${ctx.where}: index ${i} out of range for axis ${ax} of size ${n}`);
    return j;
  });
  return [tv(S.gather(x, ax, fromArray(index, [...idx.dims])), typeOf(ins[0]!))];
};

const whereOp: OpFn = (ctx, ins) => {
  const c = need(ctx, ins, 0, 'condition'), a = need(ctx, ins, 1, 'X'), b = need(ctx, ins, 2, 'Y');
  const type = typeOf(a);
  if (allHost([c, a, b])) return [hostMap([toHost(c), toHost(a), toHost(b)], type, ctx.where, (p, x, y) => (p ? x : y))];
  const shape = broadcastShapes(broadcastShapes(shapeOf(c), shapeOf(a), ctx.where), shapeOf(b), ctx.where);
  let y = E.where(toTensor(c), toTensor(a), toTensor(b));
  if (!sameShape(y.shape, shape)) y = S.expand(y, shape);
  return [tv(y, type)];
};

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

const CAST_OK = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.INT64, DataType.INT32, DataType.INT8, DataType.INT16, DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.BOOL]);
const cast: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  const to = at.int('to', 0);
  at.int('saturate', 1);
  if (!CAST_OK.has(to)) throw new OnnxError(`${ctx.where}: Cast to ${typeName(to)} is not supported (numeric and bool types only)`);
  const conv = (v: number) => (to === DataType.BOOL ? (v !== 0 ? 1 : 0) : isFloatType(to) ? (to === DataType.FLOAT ? Math.fround(v) : v) : Number.isFinite(v) ? Math.trunc(v) : 0);
  if (x.kind === 'h') return [hostMap([x.a], to, ctx.where, conv)];
  let t = x.t;
  if (to === DataType.BOOL) t = E.ne(t, 0);
  else if (dtypeOf(to) !== t.dtype) t = E.cast(t, dtypeOf(to));
  return [tv(t, to)];
};

// --- reductions --------------------------------------------------------------------------------

function reduceAxes(ctx: OpCtx, ins: (Val | null)[], at: Attrs, rank: number, axesFromInput: boolean): number[] | null {
  let axes: number[] | null;
  if (axesFromInput) axes = ins[1] ? ints(ins[1], `${ctx.where}: axes`) : null;
  else axes = at.ints('axes');
  const noop = at.int('noop_with_empty_axes', 0);
  if (!axes || axes.length === 0) return noop ? [] : null;
  return [...new Set(axes.map((a) => axis(a, rank, ctx.where)))].sort((a, b) => a - b);
}

function reduce(op: 'ReduceMean' | 'ReduceSum' | 'ReduceMax' | 'ReduceMin' | 'ReduceProd', inputFrom: number): OpFn {
  return (ctx, ins, at) => {
    const x = need(ctx, ins, 0, 'data');
    const rank = shapeOf(x).length;
    const keep = at.int('keepdims', 1) === 1;
    const ax = reduceAxes(ctx, ins, at, rank, ctx.opset >= inputFrom);
    if (ax && ax.length === 0) return [x];
    const axes = ax ?? shapeOf(x).map((_, i) => i);
    const type = typeOf(x);
    if (x.kind === 'h' || op === 'ReduceProd') {
      const a = toHost(x);
      const outDims = a.dims.map((d, i) => (axes.includes(i) ? 1 : d));
      const n = checkDims(outDims, ctx.where);
      const init = op === 'ReduceMax' ? -Infinity : op === 'ReduceMin' ? Infinity : op === 'ReduceProd' ? 1 : 0;
      const acc = new Float64Array(n).fill(init);
      const os = stridesOf(outDims), is = stridesOf(a.dims);
      for (let k = 0; k < a.data.length; k++) {
        let o = 0;
        for (let d = 0; d < a.dims.length; d++) if (!axes.includes(d)) o += Math.floor(k / is[d]) % a.dims[d] * os[d];
        const v = a.data[k];
        acc[o] = op === 'ReduceMax' ? Math.max(acc[o], v) : op === 'ReduceMin' ? Math.min(acc[o], v) : op === 'ReduceProd' ? acc[o] * v : acc[o] + v;
      }
      if (op === 'ReduceMean') { const c = sizeOf(axes.map((i) => a.dims[i])); for (let i = 0; i < n; i++) acc[i] /= c; }
      const dims = keep ? outDims : a.dims.filter((_, i) => !axes.includes(i));
      if (x.kind === 't') return [tv(tensorOf(acc, dims, x.t.dtype), type)];
      return [hv(dims, type, acc)];
    }
    const f = op === 'ReduceMean' ? R.mean : op === 'ReduceSum' ? R.sum : op === 'ReduceMax' ? R.amax : R.amin;
    return [tv(f(x.t, axes, keep), type)];
  };
}

const argmaxOp = (min: boolean): OpFn => (ctx, ins, at) => {
  const x = toTensor(need(ctx, ins, 0, 'data'));
  const ax = axis(at.int('axis', 0), x.ndim, ctx.where);
  const keep = at.int('keepdims', 1) === 1;
  if (at.int('select_last_index', 0)) {
    // The last extreme is the first one of the reversed axis.
    const n = x.shape[ax];
    const r = (min ? R.argmin : R.argmax)(slice1(x, ax, n - 1, n, -1), ax, keep);
    return [tv(E.sub(fromArray(new Int32Array([n - 1]), []), r), DataType.INT64)];
  }
  return [tv((min ? R.argmin : R.argmax)(x, ax, keep), DataType.INT64)];
};

// --- shape ops ---------------------------------------------------------------------------------

function hostReshape(a: HostArray, dims: number[]): HostArray {
  return { dims, type: a.type, data: a.data };
}

/** ONNX Reshape's target (0 copies the input dim unless allowzero, -1 is inferred). */
function reshapeTarget(ctx: OpCtx, inShape: number[], spec: number[], allowzero: boolean): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowzero ? inShape[i] ?? NaN : d));
  if (out.some((d) => Number.isNaN(d) || d < -1)) throw new OnnxError(`${ctx.where}: invalid target shape [${spec.join(',')}] for input [${inShape.join(',')}]`);
  const n = sizeOf(inShape);
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1) throw new OnnxError(`${ctx.where}: target shape [${spec.join(',')}] has more than one -1`);
  if (neg === 1) {
    const known = sizeOf(out.filter((d) => d !== -1));
    if (known === 0 || n % known !== 0) throw new OnnxError(`${ctx.where}: cannot reshape [${inShape.join(',')}] to [${spec.join(',')}]`);
    out[out.indexOf(-1)] = n / known;
  }
  if (sizeOf(out) !== n) throw new OnnxError(`${ctx.where}: cannot reshape [${inShape.join(',')}] (${n} elements) to [${out.join(',')}]`);
  checkDims(out, ctx.where);
  return out;
}

function reshapeVal(v: Val, dims: number[]): Val {
  return v.kind === 'h' ? { kind: 'h', a: hostReshape(v.a, dims) } : tv(S.reshape(v.t, dims), v.type);
}

const reshape: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const spec = ints(need(ctx, ins, 1, 'shape'), `${ctx.where}: shape`);
  return [reshapeVal(x, reshapeTarget(ctx, shapeOf(x), spec, at.int('allowzero', 0) === 1))];
};

const flatten: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  const s = shapeOf(x);
  const a = at.int('axis', 1);
  const ax = a < 0 ? a + s.length : a;
  if (ax < 0 || ax > s.length) throw new OnnxError(`${ctx.where}: axis ${a} out of range for rank ${s.length}`);
  return [reshapeVal(x, [sizeOf(s.slice(0, ax)), sizeOf(s.slice(ax))])];
};

function squeezeAxes(ctx: OpCtx, ins: (Val | null)[], at: Attrs): number[] | null {
  return ctx.opset >= 13 ? (ins[1] ? ints(ins[1], `${ctx.where}: axes`) : null) : at.ints('axes');
}

const squeeze: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const s = shapeOf(x);
  const given = squeezeAxes(ctx, ins, at);
  const axes = given ? given.map((a) => axis(a, s.length, ctx.where)) : s.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const a of axes) if (s[a] !== 1) throw new OnnxError(`${ctx.where}: cannot squeeze axis ${a} of size ${s[a]}`);
  return [reshapeVal(x, s.filter((_, i) => !axes.includes(i)))];
};

const unsqueeze: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const s = shapeOf(x);
  const given = squeezeAxes(ctx, ins, at);
  if (!given) throw new OnnxError(`${ctx.where}: axes are required`);
  const rank = s.length + given.length;
  const axes = given.map((a) => axis(a, rank, ctx.where));
  if (new Set(axes).size !== axes.length) throw new OnnxError(`${ctx.where}: axes [${given.join(',')}] repeat`);
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : s[j++]);
  return [reshapeVal(x, out)];
};

const shape: OpFn = (ctx, ins, at) => {
  const s = shapeOf(need(ctx, ins, 0, 'data'));
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + s.length : v, 0), s.length);
  const start = clampAxis(at.int('start', 0));
  const end = at.has('end') ? clampAxis(at.int('end', s.length)) : s.length;
  const d = s.slice(start, Math.max(start, end));
  return [hv([d.length], DataType.INT64, d)];
};

function hostTranspose(a: HostArray, perm: number[]): HostArray {
  const dims = perm.map((p) => a.dims[p]);
  const is = stridesOf(a.dims), os = stridesOf(dims);
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let d = 0; d < dims.length; d++) src += (Math.floor(k / os[d]) % dims[d]) * is[perm[d]];
    out[k] = a.data[src];
  }
  return { dims, type: a.type, data: out };
}

const transpose: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const r = shapeOf(x).length;
  const perm = at.ints('perm') ?? shapeOf(x).map((_, i) => r - 1 - i);
  if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) throw new OnnxError(`${ctx.where}: perm [${perm.join(',')}] is not a permutation of rank ${r}`);
  if (x.kind === 'h') return [{ kind: 'h', a: hostTranspose(x.a, perm) }];
  return [tv(S.permute(x.t, perm), x.type)];
};

/** A slice of one axis with any step (negative too), differentiable. */
export function slice1(x: Tensor, d: number, start: number, len: number, step: number): Tensor {
  if (step > 0) return S.slice(x, d, start, start + len * step, step);
  const begin = x.shape.map((_, i) => (i === d ? start : 0));
  const size = x.shape.map((v, i) => (i === d ? len : v));
  const steps = x.shape.map((_, i) => (i === d ? step : 1));
  return record('slice', run1('Slice', [x], { begin, size, step: steps }), [x], (dy) => {
    const idx = new Int32Array(dy.size);
    const inner = sizeOf(dy.shape.slice(d + 1));
    for (let i = 0; i < idx.length; i++) idx[i] = start + (Math.floor(i / inner) % len) * step;
    return [run1('ScatterAddElements', [dy, fromArray(idx, [...dy.shape])], { axis: d, shape: [...x.shape] })];
  });
}

function hostSlice(a: HostArray, d: number, start: number, len: number, step: number): HostArray {
  const dims = a.dims.map((v, i) => (i === d ? len : v));
  const os = stridesOf(dims), is = stridesOf(a.dims);
  const out = new Float64Array(sizeOf(dims));
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let j = 0; j < dims.length; j++) {
      const c = Math.floor(k / os[j]) % dims[j];
      src += (j === d ? start + c * step : c) * is[j];
    }
    out[k] = a.data[src];
  }
  return { dims, type: a.type, data: out };
}

/** ONNX Slice semantics for one axis: clamped start, element count. */
export function sliceRange(n: number, start: number, end: number, step: number): [number, number] {
  if (step === 0) throw new OnnxError('Slice: step 0');
  let s = start < 0 ? start + n : start, e = end < 0 ? end + n : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
    return [s, Math.max(0, Math.ceil((e - s) / step))];
  }
  s = Math.min(Math.max(s, -1), n - 1);
  e = Math.min(Math.max(e, -1), n - 1);
  return [s, Math.max(0, Math.ceil((e - s) / step))];
}

const sliceOp: OpFn = (ctx, ins, at) => {
  let x = need(ctx, ins, 0, 'data');
  const s = shapeOf(x);
  let starts: number[], ends: number[], axes: number[] | null, steps: number[] | null;
  if (ctx.opset < 10) {
    starts = at.ints('starts') ?? []; ends = at.ints('ends') ?? []; axes = at.ints('axes'); steps = null;
  } else {
    starts = ints(need(ctx, ins, 1, 'starts'), `${ctx.where}: starts`);
    ends = ints(need(ctx, ins, 2, 'ends'), `${ctx.where}: ends`);
    axes = ins[3] ? ints(ins[3], `${ctx.where}: axes`) : null;
    steps = ins[4] ? ints(ins[4], `${ctx.where}: steps`) : null;
  }
  if (starts.length !== ends.length) throw new OnnxError(`${ctx.where}: starts and ends differ in length`);
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => axis(a, s.length, ctx.where));
  ax.forEach((d, i) => {
    const step = steps ? steps[i] : 1;
    if (step === 0) throw new OnnxError(`${ctx.where}: step 0 on axis ${d}`);
    const [st, len] = sliceRange(shapeOf(x)[d], starts[i], ends[i], step);
    x = x.kind === 'h' ? { kind: 'h', a: hostSlice(x.a, d, st, len, step) } : tv(len === x.t.shape[d] && step === 1 ? x.t : slice1(x.t, d, st, len, step), x.type);
  });
  return [x];
};

const concat: OpFn = (ctx, ins, at) => {
  const vs = ins.filter((v): v is Val => v !== null && sizeOf(shapeOf(v)) > 0 || (v !== null && ins.length === 1));
  const all = ins.filter((v): v is Val => v !== null);
  if (all.length === 0) throw new OnnxError(`${ctx.where}: needs at least one input`);
  const rank = shapeOf(all[0]).length;
  const ax = axis(at.int('axis', 0), rank, ctx.where);
  const type = typeOf(all[0]);
  const use = vs.length ? vs : [all[0]];
  if (allHost(use)) {
    const arrs = use.map(toHost);
    const dims = [...arrs[0].dims];
    dims[ax] = arrs.reduce((a, b) => a + b.dims[ax], 0);
    const outer = sizeOf(dims.slice(0, ax));
    const out: number[] = [];
    for (let o = 0; o < outer; o++) for (const a of arrs) {
      const chunk = sizeOf(a.dims.slice(ax));
      for (let i = 0; i < chunk; i++) out.push(a.data[o * chunk + i]);
    }
    return [hv(dims, type, out)];
  }
  return [tv(use.length === 1 ? toTensor(use[0]) : S.cat(use.map(toTensor), ax), type)];
};

const split: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  const s = shapeOf(x);
  const ax = axis(at.int('axis', 0), s.length, ctx.where);
  let parts = ctx.opset >= 13 ? (ins[1] ? ints(ins[1], `${ctx.where}: split`) : null) : at.ints('split');
  const nOut = at.has('num_outputs') ? at.int('num_outputs', 0) : (ctx as OpCtx & { nOut?: number }).nOut ?? 1;
  if (!parts) {
    const n = s[ax];
    const each = Math.ceil(n / nOut);
    parts = Array.from({ length: nOut }, (_, i) => Math.max(0, Math.min(each, n - i * each)));
  }
  if (parts.reduce((a, b) => a + b, 0) !== s[ax]) throw new OnnxError(`${ctx.where}: split sizes [${parts.join(',')}] do not add up to ${s[ax]}`);
  let off = 0;
  return parts.map((p) => {
    const st = off;
    off += p;
    return x.kind === 'h' ? { kind: 'h' as const, a: hostSlice(x.a, ax, st, p, 1) } : tv(S.narrow(x.t, ax, st, p), x.type);
  });
};

const gatherOp: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const iv = need(ctx, ins, 1, 'indices');
  const xs = shapeOf(x);
  const ax = axis(at.int('axis', 0), xs.length, ctx.where);
  const idxA = toHost(iv);
  const n = xs[ax];
  const idx = Array.from(idxA.data, (i) => {
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new OnnxError(`${ctx.where}: index ${i} out of range for axis ${ax} of size ${n}`);
    return j;
  });
  const outDims = [...xs.slice(0, ax), ...idxA.dims, ...xs.slice(ax + 1)];
  checkDims(outDims, ctx.where);
  if (x.kind === 'h') {
    const inner = sizeOf(xs.slice(ax + 1)), outer = sizeOf(xs.slice(0, ax));
    const out: number[] = [];
    for (let o = 0; o < outer; o++) for (const j of idx) for (let i = 0; i < inner; i++) out.push(x.a.data[(o * n + j) * inner + i]);
    return [hv(outDims, x.a.type, out)];
  }
  const gShape = xs.map((d, i) => (i === ax ? idx.length : d));
  const inner = sizeOf(xs.slice(ax + 1));
  const index = new Int32Array(sizeOf(gShape));
  for (let k = 0; k < index.length; k++) index[k] = idx[Math.floor(k / inner) % idx.length];
  const y = S.gather(x.t, ax, fromArray(index, gShape));
  return [tv(S.reshape(y, outDims), x.type)];
};

const expandOp: OpFn = (ctx, ins) => {
  const x = need(ctx, ins, 0, 'input');
  const spec = ints(need(ctx, ins, 1, 'shape'), `${ctx.where}: shape`);
  const target = broadcastShapes(shapeOf(x), spec, ctx.where);
  checkDims(target, ctx.where);
  if (x.kind === 'h') return [hostMap([x.a, { dims: target, type: x.a.type, data: new Float64Array(sizeOf(target)) }], x.a.type, ctx.where, (a) => a)];
  const xt = S.reshape(x.t, [...new Array(target.length - x.t.ndim).fill(1), ...x.t.shape]);
  return [tv(sameShape(xt.shape, target) ? xt : S.expand(xt, target), x.type)];
};

const constantOfShape: OpFn = (ctx, ins, at) => {
  const dims = ints(need(ctx, ins, 0, 'input'), `${ctx.where}: shape`);
  checkDims(dims, ctx.where);
  const v = at.tensor('value');
  const type = v ? v.type : DataType.FLOAT;
  const fill = v ? v.data[0] ?? 0 : 0;
  return [hv(dims, type, new Float64Array(sizeOf(dims)).fill(fill))];
};

const constant: OpFn = (ctx, _ins, at) => {
  const t = at.tensor('value');
  if (t) return [{ kind: 'h', a: t }];
  if (at.has('value_float')) return [hv([], DataType.FLOAT, [at.float('value_float', 0)])];
  if (at.has('value_floats')) { const f = at.floats('value_floats')!; return [hv([f.length], DataType.FLOAT, f)]; }
  if (at.has('value_int')) return [hv([], DataType.INT64, [at.int('value_int', 0)])];
  if (at.has('value_ints')) { const f = at.ints('value_ints')!; return [hv([f.length], DataType.INT64, f)]; }
  throw new OnnxError(`${ctx.where}: Constant needs one of value, value_float(s), value_int(s) (sparse and string constants are not supported)`);
};

const identity: OpFn = (ctx, ins) => [need(ctx, ins, 0, 'input')];

const matmulOp: OpFn = (ctx, ins) => {
  const a = need(ctx, ins, 0, 'A'), b = need(ctx, ins, 1, 'B');
  return [tv(matmul(toTensor(a), toTensor(b)), typeOf(a))];
};

const gemm: OpFn = (ctx, ins, at) => {
  let a = toTensor(need(ctx, ins, 0, 'A')), b = toTensor(need(ctx, ins, 1, 'B'));
  const alpha = at.float('alpha', 1), beta = at.float('beta', 1);
  if (at.int('transA', 0)) a = S.transpose(a, 0, 1);
  if (at.int('transB', 0)) b = S.transpose(b, 0, 1);
  at.int('broadcast', 0);
  let y = matmul(a, b);
  if (alpha !== 1) y = E.mul(y, alpha);
  if (ins[2]) {
    const c = toTensor(ins[2]);
    y = E.add(y, beta === 1 ? c : E.mul(c, beta));
  }
  return [tv(y, typeOf(ins[0]!))];
};

export const TENSOR_OPS: Record<string, OpFn> = {
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'), Pow: binary('Pow'),
  Sum: variadic('Sum'), Mean: variadic('Mean'), Max: variadic('Max'), Min: variadic('Min'),
  Sqrt: unary(E.sqrt, Math.sqrt), Exp: unary(E.exp, Math.exp), Log: unary(E.log, Math.log), Neg: unary(E.neg, (x) => -x), Abs: unary(E.abs, Math.abs),
  Sign: unary(E.sign, Math.sign),
  Equal: compare(E.eq, (x, y) => x === y), Greater: compare(E.gt, (x, y) => x > y), Less: compare(E.lt, (x, y) => x < y),
  GreaterOrEqual: compare(E.ge, (x, y) => x >= y), LessOrEqual: compare(E.le, (x, y) => x <= y), Not: not, Mod: mod,
  GatherElements: gatherElements, Where: whereOp, Cast: cast,
  ReduceMean: reduce('ReduceMean', 18), ReduceSum: reduce('ReduceSum', 13), ReduceMax: reduce('ReduceMax', 18), ReduceMin: reduce('ReduceMin', 18),
  ArgMax: argmaxOp(false), ArgMin: argmaxOp(true),
  Reshape: reshape, Flatten: flatten, Squeeze: squeeze, Unsqueeze: unsqueeze, Shape: shape, Transpose: transpose,
  Slice: sliceOp, Concat: concat, Split: split, Gather: gatherOp, Expand: expandOp,
  ConstantOfShape: constantOfShape, Constant: constant, Identity: identity,
  MatMul: matmulOp, Gemm: gemm,
};
