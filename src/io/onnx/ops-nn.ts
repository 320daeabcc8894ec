/** ONNX neural-network operators (convolution, pooling, normalisation, activations, pad, resize) on neocog ops. */
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import * as E from '../../ops/elementwise.js';
import * as R from '../../ops/reduce.js';
import * as S from '../../ops/shape.js';
import * as A from '../../ops/activation.js';
import * as C from '../../ops/conv.js';
import * as P from '../../ops/pool.js';
import { pad as padOp } from '../../ops/pad.js';
import { batchNorm, localResponseNorm } from '../../ops/norm.js';
import { dropout } from '../../ops/dropout.js';
import { DataType } from './schema.js';
import { checkDims, OnnxError } from './tensor-proto.js';
import type { Attrs } from './graph.js';
import { axis, ints, sizeOf, shapeOf, tensorOf, toHost, toTensor, tv, typeOf, type Val } from './values.js';
import type { OpCtx, OpFn } from './ops-tensor.js';

/** Offsets (n * C + c) * plane as an int32 [N, C, 1...] tensor: ONNX pool indices count over the whole tensor. */
function planeBase(N: number, Cn: number, plane: number, spatialDims: number): Tensor {
  const base = new Int32Array(N * Cn);
  for (let i = 0; i < base.length; i++) base[i] = i * plane;
  return fromArray(base, [N, Cn, ...new Array(spatialDims).fill(1)]);
}

const need = (ctx: OpCtx, ins: (Val | null)[], i: number, what: string): Tensor => {
  const v = ins[i];
  if (!v) throw new OnnxError(`${ctx.where}: input ${i} (${what}) is required`);
  return toTensor(v);
};
const out = (ins: (Val | null)[], t: Tensor): Val => tv(t, typeOf(ins[0]!));

function spatial(ctx: OpCtx, x: Tensor): number {
  const n = x.ndim - 2;
  if (n !== 1 && n !== 2) throw new OnnxError(`${ctx.where}: only 1D and 2D spatial inputs ([N,C,L] or [N,C,H,W]) are supported, got rank ${x.ndim} [${x.shape.join(',')}]`);
  return n;
}

/** Begin/end pads per spatial dim from pads / auto_pad (SAME_UPPER, SAME_LOWER, VALID). */
function resolvePads(ctx: OpCtx, at: Attrs, inSp: number[], kernel: number[], strides: number[], dil: number[]): [number[], number[]] {
  const n = inSp.length;
  const auto = at.string('auto_pad', 'NOTSET');
  const pads = at.ints('pads') ?? new Array(2 * n).fill(0);
  if (pads.length !== 2 * n) throw new OnnxError(`${ctx.where}: pads has ${pads.length} entries, expected ${2 * n}`);
  if (auto === 'NOTSET') return [pads.slice(0, n), pads.slice(n)];
  if (auto === 'VALID') return [new Array(n).fill(0), new Array(n).fill(0)];
  if (auto !== 'SAME_UPPER' && auto !== 'SAME_LOWER') throw new OnnxError(`${ctx.where}: auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const b: number[] = [], e: number[] = [];
  inSp.forEach((len, i) => {
    const total = Math.max(0, (Math.ceil(len / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - len);
    const lo = auto === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    b.push(lo); e.push(total - lo);
  });
  return [b, e];
}

/** Pads the spatial dims explicitly (torch order: last dim first). */
function padSpatial(x: Tensor, b: number[], e: number[], value = 0, mode: 'constant' | 'reflect' | 'replicate' = 'constant'): Tensor {
  if (b.every((v) => v === 0) && e.every((v) => v === 0)) return x;
  const p: number[] = [];
  for (let i = b.length - 1; i >= 0; i--) p.push(b[i], e[i]);
  return padOp(x, p, { mode, value });
}

const geometry = (ctx: OpCtx, at: Attrs, n: number, kernel: number[]) => ({
  strides: at.ints('strides') ?? new Array(n).fill(1),
  dil: at.ints('dilations') ?? new Array(n).fill(1),
  kernel,
});

/** Conv and ConvTranspose inputs and their shared attributes. */
function convArgs(ctx: OpCtx, ins: (Val | null)[], at: Attrs) {
  const x = need(ctx, ins, 0, 'X');
  const w = need(ctx, ins, 1, 'W');
  const b = ins[2] ? toTensor(ins[2]) : null;
  const n = spatial(ctx, x);
  const kernel = at.ints('kernel_shape') ?? w.shape.slice(2);
  return { x, w, b, n, ...geometry(ctx, at, n, kernel), group: at.int('group', 1) };
}

const conv: OpFn = (ctx, ins, at) => {
  const a = convArgs(ctx, ins, at);
  const { w, b, n, kernel, strides, dil, group } = a;
  let x = a.x;
  const [pb, pe] = resolvePads(ctx, at, x.shape.slice(2), kernel, strides, dil);
  const symmetric = pb.every((v, i) => v === pe[i]);
  if (!symmetric) x = padSpatial(x, pb, pe);
  const padding = symmetric ? pb : pb.map(() => 0);
  const y = n === 2
    ? C.conv2d(x, w, b, { stride: strides as [number, number], padding: padding as [number, number], dilation: dil as [number, number], groups: group })
    : C.conv1d(x, w, b, { stride: strides[0], padding: padding[0], dilation: dil[0], groups: group });
  return [out(ins, y)];
};

const convTranspose: OpFn = (ctx, ins, at) => {
  const { x, w, b, n, kernel, strides, dil, group } = convArgs(ctx, ins, at);
  const outPad = at.ints('output_padding') ?? new Array(n).fill(0);
  const outShape = at.ints('output_shape');
  const auto = at.string('auto_pad', 'NOTSET');
  const inSp = x.shape.slice(2);
  const full = inSp.map((l, i) => (l - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1);
  let pb: number[], pe: number[];
  if (outShape || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const target = outShape ? outShape.slice(-n) : inSp.map((l, i) => l * strides[i]);
    const total = target.map((t, i) => full[i] + outPad[i] - t);
    const upper = auto === 'SAME_UPPER';
    pb = total.map((t) => (upper ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    pe = total.map((t, i) => t - pb[i]);
  } else {
    const pads = auto === 'VALID' ? null : at.ints('pads');
    pb = pads ? pads.slice(0, n) : new Array(n).fill(0);
    pe = pads ? pads.slice(n) : new Array(n).fill(0);
  }
  // Full transposed convolution, then crop the pads and grow output_padding (as zeros plus bias).
  let y = n === 2
    ? C.convTranspose2d(x, w, null, { stride: strides as [number, number], dilation: dil as [number, number], groups: group })
    : C.convTranspose1d(x, w, null, { stride: strides[0], dilation: dil[0], groups: group });
  const crop = pb.map((v, i) => [-v, outPad[i] - pe[i]]);
  const p: number[] = [];
  for (let i = n - 1; i >= 0; i--) p.push(crop[i][0], crop[i][1]);
  if (p.some((v) => v !== 0)) y = padOp(y, p);
  if (b) y = E.add(y, S.reshape(b, [1, b.shape[0], ...new Array(n).fill(1)]));
  return [out(ins, y)];
};

/** Pooling input and window geometry; `undilated` names ops that reject dilations. */
function poolArgs(ctx: OpCtx, ins: (Val | null)[], at: Attrs, undilated?: string) {
  const x = need(ctx, ins, 0, 'X');
  const n = spatial(ctx, x);
  const kernel = at.ints('kernel_shape');
  if (!kernel) throw new OnnxError(`${ctx.where}: kernel_shape is required`);
  const g = geometry(ctx, at, n, kernel);
  if (undilated && g.dil.some((d) => d !== 1)) throw new OnnxError(`${ctx.where}: dilated ${undilated} is not supported`);
  return { x, n, ...g, ceil: at.int('ceil_mode', 0) === 1 };
}

const maxPool: OpFn = (ctx, ins, at) => {
  const a = poolArgs(ctx, ins, at);
  const { n, kernel, strides, dil, ceil } = a;
  let x = a.x;
  const colMajor = at.int('storage_order', 0) === 1;
  const [pb, pe] = resolvePads(ctx, at, x.shape.slice(2), kernel, strides, dil);
  const symmetric = pb.every((v, i) => v === pe[i] && 2 * v <= kernel[i]);
  const wantIdx = (ctx as OpCtx & { nOut?: number }).nOut === 2;
  if (!symmetric) {
    if (wantIdx) throw new OnnxError(`${ctx.where}: the Indices output with asymmetric pads is not supported`);
    x = padSpatial(x, pb, pe, -Infinity);
  }
  const opts = { kernelSize: kernel, stride: strides, padding: symmetric ? pb : pb.map(() => 0), dilation: dil, ceilMode: ceil };
  const inShape = x.shape;
  if (!wantIdx) return [out(ins, n === 2 ? P.maxPool2d(x, opts) : P.maxPool1d(x, opts))];
  const [y, idx] = n === 2 ? P.maxPool2d(x, { ...opts, returnIndices: true }) : P.maxPool1d(x, { ...opts, returnIndices: true });
  // ONNX indices count over the whole N*C*H*W tensor; neocog's over one plane.
  const plane = sizeOf(inShape.slice(2));
  let local = idx;
  if (colMajor) {
    // storage_order=1: the index within a plane counts down columns (w * H + h).
    const Wd = inShape[inShape.length - 1], Hd = n === 2 ? inShape[2] : 1;
    local = fromArray(Int32Array.from(idx.dataSync(), (v) => (v % Wd) * Hd + Math.floor(v / Wd)), [...idx.shape]);
  }
  return [out(ins, y), tv(E.add(local, planeBase(inShape[0], inShape[1], plane, n)), DataType.INT64)];
};

const maxUnpool: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'X');
  const idx = need(ctx, ins, 1, 'I');
  const n = spatial(ctx, x);
  const kernel = at.ints('kernel_shape');
  if (!kernel) throw new OnnxError(`${ctx.where}: kernel_shape is required`);
  const strides = at.ints('strides') ?? new Array(n).fill(1);
  const pads = at.ints('pads') ?? new Array(2 * n).fill(0);
  const inferred = x.shape.slice(2).map((l, i) => (l - 1) * strides[i] - pads[i] - pads[i + n] + kernel[i]);
  const size = ins[2] ? ints(ins[2], `${ctx.where}: output_shape`).slice(2) : inferred;
  if (size.length !== n) throw new OnnxError(`${ctx.where}: output_shape must have rank ${n + 2}`);
  let local = E.cast(E.sub(idx, planeBase(x.shape[0], x.shape[1], sizeOf(inferred), n)), 'int32');
  if (size.some((v, i) => v !== inferred[i])) {
    // Indices address the inferred output; place those positions into the requested, larger one.
    const W0 = inferred[n - 1], W = size[n - 1];
    local = fromArray(Int32Array.from(local.dataSync(), (v) => Math.floor(v / W0) * W + (v % W0)), [...local.shape]);
  }
  const opts = { kernelSize: kernel, stride: strides, outputSize: size };
  return [out(ins, n === 2 ? P.maxUnpool2d(x, local, opts) : P.maxUnpool1d(x, local, opts))];
};

const avgPool: OpFn = (ctx, ins, at) => {
  const a = poolArgs(ctx, ins, at, 'AveragePool');
  const { n, kernel, strides, dil, ceil } = a;
  let x = a.x;
  const include = at.int('count_include_pad', 0) === 1;
  const [pb, pe] = resolvePads(ctx, at, x.shape.slice(2), kernel, strides, dil);
  const symmetric = pb.every((v, i) => v === pe[i]) && pb.every((v, i) => v <= kernel[i] / 2);
  if (!symmetric) {
    if (!include) {
      // Divide the zero-padded window sum by the count of real cells in each window.
      const ones = E.add(E.mul(x, 0), 1);
      const o = { kernelSize: kernel, stride: strides, ceilMode: ceil, countIncludePad: true };
      const pool = (t: Tensor) => (n === 2 ? P.avgPool2d(padSpatial(t, pb, pe), o) : P.avgPool1d(padSpatial(t, pb, pe), o));
      return [out(ins, E.div(pool(x), pool(ones)))];
    }
    x = padSpatial(x, pb, pe);
  }
  const opts = { kernelSize: kernel, stride: strides, padding: symmetric ? pb : pb.map(() => 0), ceilMode: ceil, countIncludePad: include };
  return [out(ins, n === 2 ? P.avgPool2d(x, opts) : P.avgPool1d(x, opts))];
};

const lpPool: OpFn = (ctx, ins, at) => {
  const a = poolArgs(ctx, ins, at, 'LpPool');
  const { n, kernel, strides, dil, ceil } = a;
  let x = a.x;
  const p = at.int('p', 2);
  const [pb, pe] = resolvePads(ctx, at, x.shape.slice(2), kernel, strides, dil);
  x = padSpatial(x, pb, pe);
  const o = { stride: strides, ceilMode: ceil };
  return [out(ins, n === 2 ? P.lpPool2d(x, p, kernel, o) : P.lpPool1d(x, p, kernel, o))];
};

const globalPool = (kind: 'avg' | 'max'): OpFn => (ctx, ins) => {
  const x = need(ctx, ins, 0, 'X');
  const axes = x.shape.map((_, i) => i).slice(2);
  return [out(ins, kind === 'avg' ? R.mean(x, axes, true) : R.amax(x, axes, true))];
};

const batchNormalization: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'X');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(ctx, ins, i, ['scale', 'B', 'mean', 'var'][i - 1]));
  const eps = at.float('epsilon', 1e-5);
  const momentum = at.float('momentum', 0.9);
  at.int('spatial', 1);
  at.int('is_test', 0);
  if (at.int('training_mode', 0) === 1) {
    // ONNX training mode as a graph: batch statistics, and the updated running statistics as outputs.
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const bs = x.shape.map((d, i) => (i === 1 ? d : 1));
    const mu = R.mean(x, axes, true);
    const c = E.sub(x, mu);
    const v = R.mean(E.mul(c, c), axes, true);
    const y = E.add(E.mul(E.div(c, E.sqrt(E.add(v, eps))), S.reshape(scale, bs)), S.reshape(bias, bs));
    const upd = (run: Tensor, cur: Tensor) => E.add(E.mul(run, momentum), E.mul(S.reshape(cur, [x.shape[1]]), 1 - momentum));
    return [out(ins, y), out(ins, upd(mean, mu)), out(ins, upd(variance, v))];
  }
  if ((ctx as OpCtx & { nOut?: number }).nOut! > 1) throw new OnnxError(`${ctx.where}: BatchNormalization's extra outputs exist only with training_mode=1`);
  const y = batchNorm(x, mean, variance, { weight: scale, bias, training: ctx.training, momentum: 1 - momentum, eps });
  return [out(ins, y)];
};

const instanceNorm: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  const scale = need(ctx, ins, 1, 'scale'), b = need(ctx, ins, 2, 'B');
  const eps = at.float('epsilon', 1e-5);
  const axes = x.shape.map((_, i) => i).slice(2);
  const mu = R.mean(x, axes, true);
  const c = E.sub(x, mu);
  const v = R.mean(E.mul(c, c), axes, true);
  const bs = [1, x.shape[1], ...axes.map(() => 1)];
  return [out(ins, E.add(E.mul(E.div(c, E.sqrt(E.add(v, eps))), S.reshape(scale, bs)), S.reshape(b, bs)))];
};

const lrn: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'X');
  return [out(ins, localResponseNorm(x, at.int('size', 0), { alpha: at.float('alpha', 1e-4), beta: at.float('beta', 0.75), k: at.float('bias', 1) }))];
};

const act = (f: (x: Tensor, at: Attrs) => Tensor): OpFn => (ctx, ins, at) => [out(ins, f(need(ctx, ins, 0, 'X'), at))];

const softmaxLike = (log: boolean): OpFn => (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  if (ctx.opset >= 13) {
    const ax = axis(at.int('axis', -1), x.ndim, ctx.where);
    return [out(ins, log ? A.logSoftmax(x, ax) : A.softmax(x, ax))];
  }
  // Before opset 13: softmax over the flattened trailing dims from `axis` on.
  const ax = axis(at.int('axis', 1), x.ndim, ctx.where);
  const flat = S.reshape(x, [sizeOf(x.shape.slice(0, ax)), sizeOf(x.shape.slice(ax))]);
  return [out(ins, S.reshape(log ? A.logSoftmax(flat, 1) : A.softmax(flat, 1), x.shape))];
};

const clip: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'input');
  let min = -Infinity, max = Infinity;
  if (ctx.opset < 11) {
    min = at.float('min', -Infinity); max = at.float('max', Infinity);
  } else {
    if (ins[1]) min = toHost(ins[1]).data[0];
    if (ins[2]) max = toHost(ins[2]).data[0];
  }
  if (!(min <= max)) return [out(ins, E.add(E.mul(x, 0), max))];
  return [out(ins, E.clamp(x, { min, max }))];
};

const prelu: OpFn = (ctx, ins) => {
  const x = need(ctx, ins, 0, 'X');
  let slope = need(ctx, ins, 1, 'slope');
  // PyTorch exports a per-channel slope as [C]; ONNX broadcasts it from the right, so [C, 1, 1] is meant for NCHW.
  if (slope.ndim === 1 && slope.shape[0] > 1 && x.ndim > 2 && slope.shape[0] === x.shape[1] && slope.shape[0] !== x.shape[x.ndim - 1]) slope = S.reshape(slope, [slope.shape[0], ...new Array(x.ndim - 2).fill(1)]);
  return [out(ins, E.add(A.relu(x), E.mul(slope, E.minimum(x, 0))))];
};

const padOnnx: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const r = x.ndim;
  const mode = at.string('mode', 'constant');
  let pads: number[], value = 0;
  if (ctx.opset < 11) {
    pads = at.ints('pads') ?? at.ints('paddings') ?? [];
    value = at.float('value', 0);
  } else {
    pads = ins[1] ? ints(ins[1], `${ctx.where}: pads`) : [];
    if (ins[2]) value = toHost(ins[2]).data[0] ?? 0;
  }
  let axesList = x.shape.map((_, i) => i);
  if (ins[3]) axesList = ints(ins[3], `${ctx.where}: axes`).map((a) => axis(a, r, ctx.where));
  if (pads.length !== 2 * axesList.length) throw new OnnxError(`${ctx.where}: pads has ${pads.length} entries, expected ${2 * axesList.length}`);
  const m = mode === 'edge' ? 'replicate' : mode;
  if (m !== 'constant' && m !== 'reflect' && m !== 'replicate') throw new OnnxError(`${ctx.where}: pad mode '${mode}' is not supported (constant, reflect, edge)`);
  if (pads.some((v) => !Number.isSafeInteger(v))) throw new OnnxError(`${ctx.where}: pads must be integers`);
  checkDims(x.shape.map((d, i) => { const k = axesList.indexOf(i); return k < 0 ? d : Math.max(0, d + pads[k] + pads[k + axesList.length]); }), ctx.where);
  const per = new Map<number, [number, number]>();
  axesList.forEach((a, i) => per.set(a, [pads[i], pads[i + axesList.length]]));
  const p: number[] = [];
  for (let d = r - 1; d >= 0; d--) p.push(...(per.get(d) ?? [0, 0]));
  while (p.length > 2 && p[p.length - 1] === 0 && p[p.length - 2] === 0) p.length -= 2;
  if (p.every((v) => v === 0)) return [out(ins, S.reshape(x, x.shape))];
  if (m !== 'constant' && p.length / 2 > 2) throw new OnnxError(`${ctx.where}: ${mode} padding of more than the last 2 dims is not supported`);
  return [out(ins, padOp(x, p, { mode: m, value }))];
};

/** Per-axis source taps for ONNX Resize: for every output position, input indices and weights. */
function resizeTaps(ctx: OpCtx, at: Attrs, mode: string, n: number, m: number, scale: number, coord: string, nearest: string, roi: [number, number]): { idx: number[][]; w: number[][]; inside: boolean[] } {
  const inside = new Array<boolean>(m).fill(true);
  const K = mode === 'nearest' ? 1 : mode === 'linear' ? 2 : 4;
  const idx = Array.from({ length: K }, () => new Array<number>(m));
  const w = Array.from({ length: K }, () => new Array<number>(m));
  const A = at.float('cubic_coeff_a', -0.75);
  const exclude = at.int('exclude_outside', 0) === 1;
  for (let o = 0; o < m; o++) {
    let xo: number;
    switch (coord) {
      case 'half_pixel': xo = (o + 0.5) / scale - 0.5; break;
      case 'pytorch_half_pixel': xo = m > 1 ? (o + 0.5) / scale - 0.5 : 0; break;
      case 'align_corners': { const len = n * scale; xo = len > 1 ? (o * (n - 1)) / (len - 1) : 0; break; }
      case 'asymmetric': xo = o / scale; break;
      case 'tf_half_pixel_for_nn': xo = (o + 0.5) / scale; break;
      case 'tf_crop_and_resize':
        xo = m > 1 ? roi[0] * (n - 1) + (o * (roi[1] - roi[0]) * (n - 1)) / (m - 1) : 0.5 * (roi[0] + roi[1]) * (n - 1);
        if (xo < 0 || xo > n - 1) inside[o] = false;
        break;
      default: throw new OnnxError(`${ctx.where}: coordinate_transformation_mode '${coord}' is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize)`);
    }
    const clampI = (k: number) => Math.min(Math.max(k, 0), n - 1);
    if (mode === 'nearest') {
      let k: number;
      switch (nearest) {
        case 'round_prefer_floor': k = Number.isInteger(xo - 0.5) ? Math.floor(xo) : Math.round(xo); break;
        case 'round_prefer_ceil': k = Math.round(xo); break;
        case 'floor': k = Math.floor(xo); break;
        case 'ceil': k = Math.ceil(xo); break;
        default: throw new OnnxError(`${ctx.where}: nearest_mode '${nearest}' is not supported`);
      }
      idx[0][o] = clampI(k); w[0][o] = 1;
    } else if (mode === 'linear') {
      const xc = Math.min(Math.max(xo, 0), n - 1);
      const f = Math.floor(xc);
      idx[0][o] = f; idx[1][o] = clampI(f + 1); w[0][o] = 1 - (xc - f); w[1][o] = xc - f;
    } else {
      // Cubic convolution (Keys) with coefficient A; outside taps clamp to the edge or, with exclude_outside, drop out.
      const f = Math.floor(xo), t = xo - f;
      const c = [
        ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
        ((A + 2) * t - (A + 3)) * t * t + 1,
        ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
        ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A,
      ];
      if (exclude) {
        for (let k = 0; k < 4; k++) if (f - 1 + k < 0 || f - 1 + k >= n) c[k] = 0;
        const s = c[0] + c[1] + c[2] + c[3];
        for (let k = 0; k < 4; k++) c[k] /= s;
      }
      for (let k = 0; k < 4; k++) { idx[k][o] = clampI(f - 1 + k); w[k][o] = c[k]; }
    }
    if (!inside[o]) for (let k = 0; k < K; k++) w[k][o] = 0;
  }
  return { idx, w, inside };
}

/** Gathers along one axis with a host index list (differentiable through gather's scatter-add). */
function takeAxis(x: Tensor, d: number, idx: number[]): Tensor {
  const shape = x.shape.map((v, i) => (i === d ? idx.length : v));
  const inner = sizeOf(x.shape.slice(d + 1));
  const index = new Int32Array(sizeOf(shape));
  for (let k = 0; k < index.length; k++) index[k] = idx[Math.floor(k / inner) % idx.length];
  return S.gather(x, d, fromArray(index, shape));
}

function resizeCore(ctx: OpCtx, at: Attrs, x: Tensor, outSize: number[], scales: number[], mode: string, coord: string, nearest: string, roi: number[] | null = null): Tensor {
  let y = x;
  const insideAll: boolean[][] = [];
  for (let d = 0; d < x.ndim; d++) {
    const r: [number, number] = roi ? [roi[d], roi[d + x.ndim]] : [0, 1];
    if (outSize[d] === x.shape[d] && scales[d] === 1 && !(roi && (r[0] !== 0 || r[1] !== 1))) { insideAll.push(new Array(outSize[d]).fill(true)); continue; }
    const t = resizeTaps(ctx, at, mode, x.shape[d], outSize[d], scales[d], coord, nearest, r);
    insideAll.push(t.inside);
    const wShape = y.shape.map((v, i) => (i === d ? outSize[d] : 1));
    let acc: Tensor | null = null;
    for (let k = 0; k < t.idx.length; k++) {
      if (t.w[k].every((v) => v === 0)) continue;
      const g = takeAxis(y, d, t.idx[k]);
      const term = t.w[k].every((v) => v === 1) ? g : E.mul(g, tensorOf(t.w[k], wShape, y.dtype));
      acc = acc ? E.add(acc, term) : term;
    }
    y = acc ?? E.mul(takeAxis(y, d, t.idx[0]), 0);
  }
  const extrapolation = at.float('extrapolation_value', 0);
  if (coord === 'tf_crop_and_resize' && extrapolation !== 0 && insideAll.some((a) => a.includes(false))) {
    // Positions outside the crop box in any axis take extrapolation_value (their taps were zeroed).
    const n = sizeOf(outSize);
    const fill = new Float64Array(n);
    const st = outSize.map((_, d) => sizeOf(outSize.slice(d + 1)));
    for (let k = 0; k < n; k++) if (outSize.some((len, d) => !insideAll[d][Math.floor(k / st[d]) % len])) fill[k] = extrapolation;
    y = E.add(y, tensorOf(fill, outSize, y.dtype));
  }
  return y;
}

const resize: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'X');
  const mode = at.string('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') throw new OnnxError(`${ctx.where}: Resize mode '${mode}' is not supported (nearest, linear, cubic)`);
  const coord = at.string('coordinate_transformation_mode', ctx.opset >= 11 ? 'half_pixel' : 'asymmetric');
  const nearest = at.string('nearest_mode', 'round_prefer_floor');
  if (at.int('antialias', 0)) throw new OnnxError(`${ctx.where}: antialias=1 is not supported`);
  if (at.has('axes')) throw new OnnxError(`${ctx.where}: the axes attribute is not supported`);
  if (at.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw new OnnxError(`${ctx.where}: keep_aspect_ratio_policy other than stretch is not supported`);
  const roi = coord === 'tf_crop_and_resize' && ctx.opset >= 11 && ins[1] ? Array.from(toHost(ins[1]).data) : null;
  if (coord === 'tf_crop_and_resize' && (!roi || roi.length !== 2 * x.ndim)) throw new OnnxError(`${ctx.where}: tf_crop_and_resize needs an roi input with ${2 * x.ndim} entries`);
  const [si, zi] = ctx.opset >= 11 ? [2, 3] : [1, -1];
  const sc = ins[si] ? Array.from(toHost(ins[si]!).data) : [];
  const sz = zi > 0 && ins[zi] ? ints(ins[zi]!, `${ctx.where}: sizes`) : [];
  let outSize: number[], scales: number[];
  if (sz.length) {
    if (sz.length !== x.ndim) throw new OnnxError(`${ctx.where}: sizes has ${sz.length} entries for rank ${x.ndim}`);
    outSize = sz;
    scales = sz.map((v, i) => v / x.shape[i]);
  } else if (sc.length) {
    if (sc.length !== x.ndim) throw new OnnxError(`${ctx.where}: scales has ${sc.length} entries for rank ${x.ndim}`);
    scales = sc;
    outSize = x.shape.map((v, i) => Math.floor(v * sc[i]));
  } else throw new OnnxError(`${ctx.where}: one of scales and sizes is required`);
  if (outSize.some((v) => !(v >= 1) || v > 1 << 24)) throw new OnnxError(`${ctx.where}: output size [${outSize.join(',')}] is invalid`);
  checkDims(outSize, ctx.where);
  return [out(ins, resizeCore(ctx, at, x, outSize, scales, mode, coord, nearest, roi))];
};

const upsample: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'X');
  const mode = at.string('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') throw new OnnxError(`${ctx.where}: Upsample mode '${mode}' is not supported`);
  const scales = ins[1] ? Array.from(toHost(ins[1]).data) : at.floats('scales');
  if (!scales || scales.length !== x.ndim) throw new OnnxError(`${ctx.where}: scales must have one entry per dim`);
  const outSize = x.shape.map((v, i) => Math.floor(v * scales[i]));
  if (outSize.some((v) => !(v >= 1))) throw new OnnxError(`${ctx.where}: output size [${outSize.join(',')}] is invalid`);
  checkDims(outSize, ctx.where);
  return [out(ins, resizeCore(ctx, at, x, outSize, scales, mode === 'nearest' ? 'nearest' : 'linear', 'asymmetric', 'floor'))];
};

const dropoutOp: OpFn = (ctx, ins, at) => {
  const x = need(ctx, ins, 0, 'data');
  const ratio = ctx.opset >= 12 ? (ins[1] ? toHost(ins[1]).data[0] : 0.5) : at.float('ratio', 0.5);
  at.int('seed', 0);
  at.int('is_test', 0);
  const trainingMode = ctx.opset >= 12 && ins[2] ? toHost(ins[2]).data[0] !== 0 : false;
  const train = ctx.training || trainingMode;
  const y = dropout(x, { p: ratio, training: train });
  const res: Val[] = [out(ins, y === x ? S.reshape(x, x.shape) : y)];
  if ((ctx as OpCtx & { nOut?: number }).nOut === 2) res.push(tv(E.ne(E.add(E.mul(y, 0), 1), 0), DataType.BOOL));
  return res;
};

export const NN_OPS: Record<string, OpFn> = {
  Conv: conv, ConvTranspose: convTranspose, MaxPool: maxPool, MaxUnpool: maxUnpool, AveragePool: avgPool, LpPool: lpPool,
  GlobalAveragePool: globalPool('avg'), GlobalMaxPool: globalPool('max'),
  BatchNormalization: batchNormalization, InstanceNormalization: instanceNorm, LRN: lrn,
  Relu: act((x) => A.relu(x)),
  LeakyRelu: act((x, at) => A.leakyRelu(x, { negativeSlope: at.float('alpha', 0.01) })),
  PRelu: prelu,
  Elu: act((x, at) => A.elu(x, { alpha: at.float('alpha', 1) })),
  Selu: act((x, at) => E.mul(A.elu(x, { alpha: at.float('alpha', 1.67326319217681884765625) }), at.float('gamma', 1.05070102214813232421875))),
  Sigmoid: act((x) => A.sigmoid(x)),
  HardSigmoid: act((x, at) => E.clamp(E.add(E.mul(x, at.float('alpha', 0.2)), at.float('beta', 0.5)), { min: 0, max: 1 })),
  Tanh: act((x) => A.tanh(x)),
  Softplus: act((x) => E.add(A.relu(x), E.log1p(E.exp(E.neg(E.abs(x)))))),
  Softmax: softmaxLike(false), LogSoftmax: softmaxLike(true),
  Clip: clip, Pad: padOnnx, Resize: resize, Upsample: upsample, Dropout: dropoutOp,
};
