import { show } from '../ops/args.js';
/**
 * Convolution shape maths shared by ops, layers and backends: output sizes, padding modes
 * ('valid', 'same', 'causal', symmetric or per-side), and the padding that makes a strided
 * convolution the exact adjoint of a transposed one. Pure functions; errors go through `fail`
 * so the caller (an op) names itself in the message.
 */

/** Reports an invalid argument; never returns. */
export type Fail = (message: string, hint?: string) => never;

/** Padding as accepted by conv1d/conv2d (PyTorch's forms plus per-side pads and 'causal' for 1D). */
export type ConvPadding = number | readonly number[] | 'valid' | 'same' | 'causal';

/** Output size of a convolution along one axis: floor((in + before + after - d*(k-1) - 1) / s) + 1. */
export function convOutSize(inSize: number, k: number, padBefore: number, padAfter: number, stride: number, dilation: number): number {
  return Math.floor((inSize + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

/** Output size of a transposed convolution: (in-1)*s - 2p + d*(k-1) + outputPadding + 1. */
export function convTransposeOutSize(inSize: number, k: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (inSize - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1;
}

/** 'same' padding (stride 1): total d*(k-1); the odd unit goes after (right/bottom), as PyTorch. */
export function samePads(k: number, dilation: number): [number, number] {
  const total = dilation * (k - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** 'causal' padding (WaveNet): everything before, so output t only sees inputs <= t. */
export function causalPads(k: number, dilation: number): [number, number] {
  return [dilation * (k - 1), 0];
}

function nonNegInt(v: unknown, what: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${what} must be an integer, got ${show(v)}`);
  if (v < 0) fail(`${what} must be >= 0, got ${v}`);
  return v;
}

/**
 * Resolves a padding option into [before, after] per spatial dim. Arrays: one entry (all dims),
 * one per dim (symmetric), or two per dim, per side ([left, right] in 1D; [top, bottom, left, right] in 2D).
 */
export function resolveConvPadding(
  padding: unknown,
  geo: { kernel: readonly number[]; stride: readonly number[]; dilation: readonly number[]; allowCausal: boolean },
  fail: Fail,
): [number, number][] {
  const dims = geo.kernel.length;
  const forms = `a number, an array of ${dims === 1 ? '1 or 2 ([left, right])' : '1, 2 ([padH, padW]) or 4 ([top, bottom, left, right])'} integers, 'valid', 'same'${geo.allowCausal ? " or 'causal'" : ''}`;
  if (typeof padding === 'string') {
    if (padding === 'valid') return geo.kernel.map(() => [0, 0]);
    if (padding === 'same') {
      if (geo.stride.some((s) => s !== 1)) {
        fail(`padding='same' is not supported for strided convolutions (stride ${show(geo.stride)})`, 'use stride 1, or give explicit padding');
      }
      return geo.kernel.map((k, i) => samePads(k, geo.dilation[i]));
    }
    if (padding === 'causal' && geo.allowCausal) return geo.kernel.map((k, i) => causalPads(k, geo.dilation[i]));
    fail(`unknown padding ${show(padding)}; padding must be ${forms}`);
  }
  if (typeof padding === 'number') {
    const p = nonNegInt(padding, 'padding', fail);
    return geo.kernel.map(() => [p, p]);
  }
  if (!Array.isArray(padding)) fail(`padding must be ${forms}, got ${show(padding)}`);
  const p = padding.map((v) => nonNegInt(v, 'padding', fail));
  if (p.length === 1) return geo.kernel.map(() => [p[0], p[0]]);
  if (p.length === 2 * dims) return geo.kernel.map((_, i) => [p[2 * i], p[2 * i + 1]]);
  if (p.length === dims) return p.map((v) => [v, v]);
  return fail(`padding must be ${forms}, got ${show(padding)}`);
}

/**
 * Geometry of one axis of a transposed convolution seen as the adjoint of Conv2D: `padAfter` is
 * chosen so that Conv2D over the output (with `crop` trailing positions, which no input reaches,
 * removed) maps back to exactly `inSize` positions. `crop` is non-zero only when outputPadding >= stride
 * (allowed when dilation > outputPadding).
 */
export function transposeAdjoint(stride: number, padding: number, outputPadding: number): { padAfter: number; crop: number } {
  const after = padding - outputPadding + stride - 1;
  return after >= 0 ? { padAfter: Math.min(padding, after), crop: 0 } : { padAfter: 0, crop: -after };
}
