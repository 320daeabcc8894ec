/**
 * Pooling ops (torch.nn.functional semantics, PyTorch 1.13): max / avg / Lp / adaptive / global pools and
 * max-unpooling. Everything runs on the 2D kernels: 1D variants reshape [N,C,L] to [N,C,1,L], and
 * unbatched inputs ([C,H,W], or [C,L] for 1D) get a batch dim of 1, as PyTorch accepts them.
 */
import type { Tensor } from '../tensor/tensor.js';
import { onesLike } from '../tensor/creation.js';
import { fmtShape, shapesEqual } from '../tensor/shape.js';
import type { AvgPool2DAttrs, Pool2DAttrs } from '../kernels/specs.js';
import { record } from '../autograd/graph.js';
import { run1, runKernel } from './kernel.js';
import { scalar } from './util.js';
import { abs, mul, pow, sign } from './elementwise.js';
import { relu } from './activation.js';
import { reshape } from './shape.js';
import { assertDType, assertFloat, assertInt, assertNumber, assertRank, assertTensor, fail, tuple } from './validate.js';
import { show as showValue } from './args.js';

type Dims = 1 | 2;
type Ints = number | readonly number[];
type Pair = [number, number];

export interface MaxPoolOptions {
  kernelSize: Ints;
  /** Defaults to kernelSize. */
  stride?: Ints | null;
  padding?: Ints;
  dilation?: Ints;
  ceilMode?: boolean;
  returnIndices?: boolean;
}
export interface AvgPoolOptions {
  kernelSize: Ints;
  stride?: Ints | null;
  padding?: Ints;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
export interface LpPoolOptions { stride?: Ints | null; ceilMode?: boolean }
export interface MaxUnpoolOptions {
  kernelSize: Ints;
  stride?: Ints | null;
  padding?: Ints;
  /** Spatial size ([H,W] / [L]) or the full output shape ([N,C,H,W] / [N,C,L]). */
  outputSize?: readonly number[] | null;
}
/** An adaptive output size: one number for every spatial dim, or one entry each (null keeps the input size). */
export type AdaptiveSize = number | readonly (number | null)[];

// ---------------------------------------------------------------------------------------------------
// Shared plumbing

/** x as [N,C,H,W] plus the inverse reshape for outputs; 1D inputs get height 1. */
function as4d(op: string, x: Tensor, dims: Dims): { x4: Tensor; restore: (t: Tensor) => Tensor } {
  assertTensor(op, 'input', x);
  const hint = dims === 2 ? 'expected [N, C, H, W] or unbatched [C, H, W]' : 'expected [N, C, L] or unbatched [C, L]';
  assertRank(op, 'input', x, dims === 2 ? [3, 4] : [2, 3], hint);
  const batched = x.ndim === dims + 2;
  if (x.shape.slice(batched ? 1 : 0).some((d) => d === 0)) fail(op, `input ${fmtShape(x.shape)} has an empty channel or spatial dim`, hint);
  const full = batched ? x.shape : [1, ...x.shape];
  const x4 = dims === 2 ? full : [full[0], full[1], 1, full[2]];
  if (shapesEqual(x4, x.shape)) return { x4: x, restore: (t) => t };
  const lead = batched ? [full[0], full[1]] : [full[1]];
  return {
    x4: reshape(x, x4),
    restore: (t) => reshape(t, dims === 2 ? [...lead, t.shape[2], t.shape[3]] : [...lead, t.shape[3]]),
  };
}

const OPTION_KEYS = {
  max: ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'],
  avg: ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'],
  lp: ['stride', 'ceilMode'],
  adaptiveMax: ['returnIndices'],
  unpool: ['kernelSize', 'stride', 'padding', 'outputSize'],
};

function checkOptions(op: string, opts: unknown, keys: readonly string[], required = false): void {
  if (opts === undefined && !required) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    fail(op, `options must be an object${required ? ' with kernelSize' : ''}, got ${showValue(opts)}`, required ? `e.g. ${op}(x, { kernelSize: 2 })` : undefined);
  }
  for (const k of Object.keys(opts)) {
    if (!keys.includes(k)) fail(op, `unknown option '${k}'`, `options are ${keys.join(', ')}`);
  }
  if (required && (opts as { kernelSize?: unknown }).kernelSize === undefined) fail(op, 'options.kernelSize is required', `e.g. ${op}(x, { kernelSize: 2 })`);
}

/** Per-dim lists of length `dims`, expanded to 2D ([1, v] style for 1D). */
const to2d = (dims: Dims, v: number[], fill: number): Pair => (dims === 2 ? [v[0], v[1]] : [fill, v[0]]);
const show = (v: readonly number[]) => (v.length === 1 ? String(v[0]) : fmtShape(v));

/** PyTorch's pooling_output_shape: floor/ceil, and in ceil mode the last window must start inside input or left pad. */
function poolOutputSize(n: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= n + p) out--;
  return out;
}

interface Geometry { kernelSize?: Ints; stride?: Ints | null; padding?: Ints; dilation?: Ints; ceilMode?: boolean }

/** Validates the window options against the input and resolves the output size. */
function poolGeometry(op: string, x4: Tensor, dims: Dims, o: Geometry): Pool2DAttrs {
  const k = tuple(op, 'kernelSize', o.kernelSize, dims, { min: 1 });
  const s = o.stride == null || (Array.isArray(o.stride) && o.stride.length === 0) ? k : tuple(op, 'stride', o.stride, dims, { min: 1 });
  const p = tuple(op, 'padding', o.padding ?? 0, dims, { min: 0 });
  const d = tuple(op, 'dilation', o.dilation ?? 1, dims, { min: 1 });
  const ceil = !!o.ceilMode;
  if (p.some((v, i) => v > Math.floor(k[i] / 2))) {
    fail(op, `padding ${show(p)} must be at most half of kernelSize ${show(k)}`, 'PyTorch requires padding <= kernelSize / 2; pad the input with F.pad for more');
  }
  const n = x4.shape.slice(4 - dims);
  const out = n.map((v, i) => poolOutputSize(v, k[i], s[i], p[i], d[i], ceil));
  if (out.some((v) => v < 1)) {
    const dil = d.some((v) => v !== 1) ? ` with dilation ${show(d)}` : '';
    fail(op, `kernelSize ${show(k)}${dil} is larger than the padded input: input ${show(n)} + padding ${show(p)} per side gives output size ${show(out)}`,
      'use a smaller kernel or more padding, or a larger input');
  }
  return { kernel: to2d(dims, k, 1), stride: to2d(dims, s, 1), pad: to2d(dims, p, 0), dilation: to2d(dims, d, 1), outSize: to2d(dims, out, 1) };
}

const spatial = (t: Tensor): Pair => [t.shape[2], t.shape[3]];
const shape4 = (t: Tensor) => t.shape as [number, number, number, number];

/** Max over windows (or adaptive windows) with indices; the gradient scatters dy to the argmax. */
function maxWithIndices(op: string, x4: Tensor, kernel: 'MaxPool2D' | 'AdaptiveMaxPool2D', attrs: Pool2DAttrs | { outSize: Pair }): [Tensor, Tensor] {
  const [out, idx] = kernel === 'MaxPool2D' ? runKernel(kernel, [x4], attrs as Pool2DAttrs) : runKernel(kernel, [x4], { outSize: attrs.outSize });
  record(op, out, [x4], (dy) => [run1('ScatterPlane', [dy, idx], { planeShape: spatial(x4) })]);
  return [out, idx];
}

// ---------------------------------------------------------------------------------------------------
// Max pooling

function maxPool(op: string, dims: Dims, x: Tensor, opts: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  checkOptions(op, opts, OPTION_KEYS.max, true);
  const { x4, restore } = as4d(op, x, dims);
  const [out, idx] = maxWithIndices(op, x4, 'MaxPool2D', poolGeometry(op, x4, dims, opts));
  return opts.returnIndices ? [restore(out), restore(idx)] : restore(out);
}

/** maxPool2d(x, { kernelSize, stride, padding, dilation, ceilMode, returnIndices }); indices are flat into H*W. */
export function maxPool2d(x: Tensor, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, opts: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, opts: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, opts: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  assertTensor('maxPool2d', 'x', x);
  return maxPool('maxPool2d', 2, x, opts);
}

export function maxPool1d(x: Tensor, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, opts: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, opts: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, opts: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  assertTensor('maxPool1d', 'x', x);
  return maxPool('maxPool1d', 1, x, opts);
}

// ---------------------------------------------------------------------------------------------------
// Average and Lp pooling

function avgPool(op: string, dims: Dims, x: Tensor, opts: AvgPoolOptions): Tensor {
  checkOptions(op, opts, OPTION_KEYS.avg, true);
  const { x4, restore } = as4d(op, x, dims);
  assertFloat(op, 'input', x);
  const { divisorOverride = null, countIncludePad = true } = opts;
  if (divisorOverride !== null) {
    assertInt(op, 'divisorOverride', divisorOverride);
    if (divisorOverride === 0) fail(op, 'divisorOverride must not be zero', 'leave it out (null) to divide by the window size');
  }
  const attrs: AvgPool2DAttrs = { ...poolGeometry(op, x4, dims, opts), countIncludePad: !!countIncludePad, divisorOverride };
  const out = run1('AvgPool2D', [x4], attrs);
  return restore(record(op, out, [x4], (dy) => [run1('AvgPool2DGrad', [dy], { ...attrs, inputShape: shape4(x4) })]));
}

/** avgPool2d(x, { kernelSize, stride, padding, ceilMode, countIncludePad = true, divisorOverride }). */
export function avgPool2d(x: Tensor, opts: AvgPoolOptions): Tensor {
  assertTensor('avgPool2d', 'x', x);
  return avgPool('avgPool2d', 2, x, opts);
}

export function avgPool1d(x: Tensor, opts: AvgPoolOptions): Tensor {
  assertTensor('avgPool1d', 'x', x);
  return avgPool('avgPool1d', 1, x, opts);
}

/**
 * PyTorch's lp_pool: s = avgPool(x^p) (no padding, countIncludePad), then
 * (sign(s) * relu(|s|) * kernelArea)^(1/p). In ceil mode an overhanging window's mean divides by the
 * clipped window, so multiplying by the full area over-counts it — exactly as PyTorch does.
 */
function lpPool(op: string, dims: Dims, x: Tensor, normType: number, kernelSize: Ints, opts: LpPoolOptions = {}): Tensor {
  checkOptions(op, opts, OPTION_KEYS.lp);
  assertTensor(op, 'input', x);
  assertNumber(op, 'normType', normType, { min: 0, exclusiveMin: true });
  const k = tuple(op, 'kernelSize', kernelSize, dims, { min: 1 });
  const s = avgPool(op, dims, pow(x, normType), { kernelSize, stride: opts.stride, ceilMode: opts.ceilMode });
  const area = k.reduce((a, b) => a * b, 1);
  return pow(mul(mul(sign(s), relu(abs(s))), area), 1 / normType);
}

/** lpPool2d(x, normType, kernelSize, { stride, ceilMode }). */
export function lpPool2d(x: Tensor, normType: number, kernelSize: Ints, opts: LpPoolOptions = {}): Tensor {
  assertTensor('lpPool2d', 'x', x);
  return lpPool('lpPool2d', 2, x, normType, kernelSize, opts);
}

export function lpPool1d(x: Tensor, normType: number, kernelSize: Ints, opts: LpPoolOptions = {}): Tensor {
  assertTensor('lpPool1d', 'x', x);
  return lpPool('lpPool1d', 1, x, normType, kernelSize, opts);
}

// ---------------------------------------------------------------------------------------------------
// Adaptive and global pooling

function adaptiveSize(op: string, outputSize: AdaptiveSize, x4: Tensor, dims: Dims): Pair {
  const n = x4.shape.slice(4 - dims);
  const raw: unknown[] = Array.isArray(outputSize) ? [...outputSize] : [outputSize];
  if (raw.length === 1 && dims === 2) raw.push(raw[0]);
  if (raw.length !== dims) fail(op, `outputSize must be a number or ${dims} entries, got ${showValue(outputSize)}`);
  const out = raw.map((v, i) => (v === null ? n[i] : assertInt(op, 'outputSize', v)));
  if (out.some((v) => v < 1)) fail(op, `outputSize must be >= 1, got ${showValue(outputSize)}`, 'an output of size 0 has no windows');
  return to2d(dims, out, 1);
}

function adaptiveAvgPool(op: string, dims: Dims, x: Tensor, outputSize: AdaptiveSize): Tensor {
  const { x4, restore } = as4d(op, x, dims);
  assertFloat(op, 'input', x);
  const outSize = adaptiveSize(op, outputSize, x4, dims);
  const out = run1('AdaptiveAvgPool2D', [x4], { outSize });
  return restore(record(op, out, [x4], (dy) => [run1('AdaptiveAvgPool2DGrad', [dy], { inputShape: shape4(x4) })]));
}

function adaptiveMaxPool(op: string, dims: Dims, x: Tensor, outputSize: AdaptiveSize, opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  checkOptions(op, opts, OPTION_KEYS.adaptiveMax);
  const { x4, restore } = as4d(op, x, dims);
  const [out, idx] = maxWithIndices(op, x4, 'AdaptiveMaxPool2D', { outSize: adaptiveSize(op, outputSize, x4, dims) });
  return opts.returnIndices ? [restore(out), restore(idx)] : restore(out);
}

/** adaptiveAvgPool2d(x, outputSize): number or [h, w] (null keeps that input dim). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  assertTensor('adaptiveAvgPool2d', 'x', x);
  return adaptiveAvgPool('adaptiveAvgPool2d', 2, x, outputSize);
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly number[]): Tensor {
  assertTensor('adaptiveAvgPool1d', 'x', x);
  return adaptiveAvgPool('adaptiveAvgPool1d', 1, x, outputSize);
}

export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  assertTensor('adaptiveMaxPool2d', 'x', x);
  return adaptiveMaxPool('adaptiveMaxPool2d', 2, x, outputSize, opts);
}

export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  assertTensor('adaptiveMaxPool1d', 'x', x);
  return adaptiveMaxPool('adaptiveMaxPool1d', 1, x, outputSize, opts);
}

/** Mean over H and W: [N,C,H,W] -> [N,C,1,1]. */
export function globalAvgPool2d(x: Tensor): Tensor {
  assertTensor('globalAvgPool2d', 'x', x);
  return adaptiveAvgPool('globalAvgPool2d', 2, x, 1);
}

/** Max over H and W: [N,C,H,W] -> [N,C,1,1]. */
export function globalMaxPool2d(x: Tensor): Tensor {
  assertTensor('globalMaxPool2d', 'x', x);
  return adaptiveMaxPool('globalMaxPool2d', 2, x, 1) as Tensor;
}

// ---------------------------------------------------------------------------------------------------
// Max unpooling

function maxUnpool(op: string, dims: Dims, x: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor {
  checkOptions(op, opts, OPTION_KEYS.unpool, true);
  const { x4, restore } = as4d(op, x, dims);
  assertTensor(op, 'indices', indices);
  assertDType(op, 'indices', indices, 'int32', `use the indices from ${dims === 2 ? 'maxPool2d' : 'maxPool1d'}(x, { returnIndices: true })`);
  if (!shapesEqual(indices.shape, x.shape)) {
    fail(op, `indices ${fmtShape(indices.shape)} must have the same shape as input ${fmtShape(x.shape)}`, 'pass the values and indices returned together by maxPool with returnIndices');
  }
  const k = tuple(op, 'kernelSize', opts.kernelSize, dims, { min: 1 });
  const s = opts.stride == null ? k : tuple(op, 'stride', opts.stride, dims, { min: 1 });
  const p = tuple(op, 'padding', opts.padding ?? 0, dims, { min: 0 });
  const n = x4.shape.slice(4 - dims);
  const deflt = n.map((v, i) => (v - 1) * s[i] + k[i] - 2 * p[i]);
  let size = deflt;
  if (opts.outputSize != null) {
    const o = [...opts.outputSize];
    if (o.length !== dims && o.length !== dims + 2) fail(op, `outputSize must have ${dims} or ${dims + 2} entries, got ${showValue(opts.outputSize)}`);
    size = o.slice(o.length - dims).map((v) => assertInt(op, 'outputSize', v));
    size.forEach((v, i) => {
      if (!(v > deflt[i] - s[i] && v < deflt[i] + s[i])) {
        fail(op, `outputSize ${show(size)} is invalid: dim ${i} must be between ${deflt[i] - s[i]} and ${deflt[i] + s[i]} (exclusive)`, `the default for this input and kernelSize ${show(k)}, stride ${show(s)}, padding ${show(p)} is ${show(deflt)}`);
      }
    });
  }
  if (size.some((v) => v < 1)) fail(op, `output size ${show(size)} must be >= 1`, 'check kernelSize, stride and padding');
  const idx4 = reshape(indices, x4.shape);
  const planeShape = to2d(dims, size, 1);
  let out: Tensor;
  try {
    out = run1('ScatterPlane', [x4, idx4], { planeShape });
    if (s.some((v, i) => v < k[i])) {
      // Overlapping windows can pick one element twice: PyTorch writes it (once), a scatter-add would sum it.
      const hits = run1('ScatterPlane', [onesLike(x4), idx4], { planeShape });
      out = run1('Div', [out, run1('Maximum', [hits, scalar(1, hits.dtype)], {})], {});
    }
  } catch (e) {
    fail(op, `invalid indices for an output of size ${show(size)}: ${(e as Error).message}`, 'indices must come from maxPool with the same kernelSize, stride and padding');
  }
  return restore(record(op, out, [x4, null], (dy) => [run1('GatherPlane', [dy, idx4], {}), null]));
}

/** maxUnpool2d(x, indices, { kernelSize, stride, padding, outputSize }): the inverse placement of maxPool2d. */
export function maxUnpool2d(x: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor {
  assertTensor('maxUnpool2d', 'x', x);
  return maxUnpool('maxUnpool2d', 2, x, indices, opts);
}

export function maxUnpool1d(x: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor {
  assertTensor('maxUnpool1d', 'x', x);
  return maxUnpool('maxUnpool1d', 1, x, indices, opts);
}
