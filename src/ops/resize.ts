/**
 * interpolate / upsample (torch.nn.functional.interpolate, PyTorch 1.13): 'nearest' (the legacy rule)
 * and 'bilinear' on [N,C,H,W]; 'nearest' and 'linear' on [N,C,L] run as height 1.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import type { Resize2DAttrs } from '../kernels/specs.js';
import { record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { reshape } from './shape.js';
import { assertFloat, assertInt, assertNumber, assertRank, assertTensor, fail } from './validate.js';
import { show } from './args.js';

export type InterpolateMode = 'nearest' | 'bilinear' | 'linear';

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier per spatial dim; the output is floor(input * scaleFactor). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Only for 'bilinear' / 'linear' (default false). */
  alignCorners?: boolean | null;
  /** Recompute the kernel's scale from the rounded output size instead of using 1/scaleFactor. */
  recomputeScaleFactor?: boolean | null;
}

const MODES: readonly string[] = ['nearest', 'bilinear', 'linear'];
const KEYS: readonly string[] = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'];

/** Expands a number-or-list option to one entry per spatial dim. */
function perDim(op: string, arg: string, v: number | readonly number[], dims: number): number[] {
  const arr = Array.isArray(v) ? [...v] : [v];
  if (arr.length !== dims) {
    if (arr.length !== 1 || Array.isArray(v)) fail(op, `${arg} must be a number or ${dims} numbers for a ${dims + 2}D input, got ${show(v)}`);
    return Array(dims).fill(arr[0]);
  }
  return arr;
}

function resize(op: string, x: Tensor, opts: InterpolateOptions): Tensor {
  assertTensor(op, 'input', x);
  if (opts === null || typeof opts !== 'object') fail(op, `options must be an object with size or scaleFactor, got ${show(opts)}`);
  for (const k of Object.keys(opts)) if (!KEYS.includes(k)) fail(op, `unknown option '${k}'`, `options are ${KEYS.join(', ')}`);
  const { size = null, scaleFactor = null, mode = 'nearest', alignCorners = null, recomputeScaleFactor = null } = opts;
  if (!MODES.includes(mode)) fail(op, `unknown mode '${String(mode)}'`, `use one of ${MODES.join(', ')}`);
  const ranks = mode === 'nearest' ? [3, 4] : mode === 'bilinear' ? [4] : [3];
  assertRank(op, 'input', x, ranks, mode === 'nearest' ? 'expected [N, C, L] or [N, C, H, W]' : mode === 'bilinear' ? "bilinear needs [N, C, H, W]; use 'linear' for [N, C, L]" : "linear needs [N, C, L]; use 'bilinear' for [N, C, H, W]");
  if (mode !== 'nearest') assertFloat(op, 'input', x);
  if (alignCorners && mode === 'nearest') fail(op, "alignCorners can only be set with mode 'bilinear' or 'linear'", "leave alignCorners out for 'nearest'");
  if (x.shape.some((d, i) => i > 0 && d === 0)) fail(op, `input ${fmtShape(x.shape)} has an empty channel or spatial dim`);
  if ((size == null) === (scaleFactor == null)) fail(op, `exactly one of size and scaleFactor must be given, got ${size == null ? 'neither' : 'both'}`, 'e.g. { scaleFactor: 2 } or { size: [64, 64] }');

  const dims = x.ndim - 2;
  const n = x.shape.slice(2);
  let out: number[];
  let scales: number[];
  if (size != null) {
    out = perDim(op, 'size', size, dims).map((v) => assertInt(op, 'size', v));
    scales = n.map((v, i) => v / out[i]);
  } else {
    const f = perDim(op, 'scaleFactor', scaleFactor!, dims).map((v) => assertNumber(op, 'scaleFactor', v, { min: 0, exclusiveMin: true }));
    out = n.map((v, i) => Math.floor(v * f[i]));
    scales = recomputeScaleFactor ? n.map((v, i) => v / out[i]) : f.map((v) => 1 / v);
  }
  if (out.some((v) => v < 1)) fail(op, `output size ${fmtShape(out)} must be >= 1 in every dim (input ${fmtShape(x.shape)})`, 'use a larger size or scaleFactor');

  const x4 = dims === 2 ? x : reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
  const attrs: Resize2DAttrs = {
    mode: mode === 'nearest' ? 'nearest' : 'bilinear',
    outSize: dims === 2 ? [out[0], out[1]] : [1, out[0]],
    alignCorners: !!alignCorners,
    scales: dims === 2 ? [scales[0], scales[1]] : [1, scales[0]],
  };
  const inputShape = x4.shape as [number, number, number, number];
  const y = record(op, run1('Resize2D', [x4], attrs), [x4], (dy) => [run1('Resize2DGrad', [dy], { ...attrs, inputShape })]);
  return dims === 2 ? y : reshape(y, [x.shape[0], x.shape[1], out[0]]);
}

/** interpolate(x, { size | scaleFactor, mode = 'nearest', alignCorners }), as torch.nn.functional.interpolate. */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  assertTensor('interpolate', 'x', x);
  return resize('interpolate', x, opts);
}

/** upsample: the old name of interpolate. */
export function upsample(x: Tensor, opts: InterpolateOptions): Tensor {
  assertTensor('upsample', 'x', x);
  return resize('upsample', x, opts);
}

type SizeOrScale = Pick<InterpolateOptions, 'size' | 'scaleFactor'>;

/** PyTorch's upsample_nearest: interpolate with mode 'nearest'. */
export function upsampleNearest2d(x: Tensor, opts: SizeOrScale): Tensor {
  assertTensor('upsampleNearest2d', 'x', x);
  return resize('upsampleNearest2d', x, { ...opts, mode: 'nearest' });
}

/** PyTorch's upsample_bilinear: interpolate with mode 'bilinear' and alignCorners true. */
export function upsampleBilinear2d(x: Tensor, opts: SizeOrScale): Tensor {
  assertTensor('upsampleBilinear2d', 'x', x);
  return resize('upsampleBilinear2d', x, { ...opts, mode: 'bilinear', alignCorners: true });
}
