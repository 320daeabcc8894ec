/**
 * Reference 2D convolution kernels (PyTorch conv2d semantics: cross-correlation, NCHW).
 *
 * All three kernels share one loop structure: for every kernel tap (ky, kx) the set of output
 * positions that read a real (non-padding) input pixel is a contiguous range, precomputed once by
 * `tapRanges`. The innermost loops then run over output columns without bounds checks.
 * Sums are accumulated in JS numbers (float64 scratch planes) and rounded once to the output dtype.
 */
import { allocArray } from '../../tensor/dtype.js';
import type { Conv2DAttrs, Pool2DAttrs } from '../../kernels/specs.js';
import { poolKernels } from './pool.js';
import type { Buf, RefKernel, RefKernelTable } from './types.js';

/** Spatial output size of a convolution along one axis (0 if the window never fits). */
function outSize(inSize: number, k: number, padBefore: number, padAfter: number, stride: number, dil: number): number {
  return Math.max(0, Math.floor((inSize + padBefore + padAfter - dil * (k - 1) - 1) / stride) + 1);
}

/**
 * For each tap t along one axis: input index = o * stride + off[t], valid for o in [lo[t], hi[t]).
 * Returned flat as [off, lo, hi] triples.
 */
function tapRanges(taps: number, dil: number, padBefore: number, stride: number, inSize: number, outSz: number): Int32Array {
  const r = new Int32Array(3 * taps);
  for (let t = 0; t < taps; t++) {
    const off = t * dil - padBefore;
    const lo = Math.max(0, Math.ceil(-off / stride));
    const hi = Math.min(outSz, Math.floor((inSize - 1 - off) / stride) + 1);
    r[3 * t] = off;
    r[3 * t + 1] = lo;
    r[3 * t + 2] = Math.max(lo, hi); // empty range when the tap only ever sees padding
  }
  return r;
}

/** Geometry shared by the three kernels, derived from x/dy/w shapes and attrs. */
interface Geometry {
  N: number; C: number; H: number; W: number;
  K: number; Cg: number; Kg: number; kh: number; kw: number;
  OH: number; OW: number; sh: number; sw: number;
  rowTaps: Int32Array; colTaps: Int32Array;
}

function geometry(
  xShape: readonly number[], wShape: readonly number[], outHW: [number, number] | null, a: Conv2DAttrs,
): Geometry {
  const [N, C, H, W] = xShape;
  const [K, Cg, kh, kw] = wShape;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pb, pl, pr] = a.pads;
  // Backprop kernels take the output size from dy (inputShape may exceed what the forward reaches).
  const OH = outHW ? outHW[0] : outSize(H, kh, pt, pb, sh, dh);
  const OW = outHW ? outHW[1] : outSize(W, kw, pl, pr, sw, dw);
  return {
    N, C, H, W, K, Cg, Kg: K / a.groups, kh, kw, OH, OW, sh, sw,
    rowTaps: tapRanges(kh, dh, pt, sh, H, OH),
    colTaps: tapRanges(kw, dw, pl, sw, W, OW),
  };
}

/** y[n,k,oy,ox] = sum_{c,ky,kx} x[n, g*Cg+c, oy*sh+ky*dh-pt, ox*sw+kx*dw-pl] * w[k,c,ky,kx] (+ bias[k], added to the rounded sum; then ReLU with activation 'relu', then the fused `pool`). */
const Conv2D: RefKernel<'Conv2D'> = ([x, w, bias], attrs) => {
  const g = geometry(x.shape, w.shape, null, attrs);
  const { N, C, H, W, K, Cg, Kg, kh, kw, OH, OW, sh, sw, rowTaps, colTaps } = g;
  const xv = x.values, wv = w.values;
  const y = allocArray(x.dtype, N * K * OH * OW);
  const acc = new Float64Array(OH * OW); // one output plane, accumulated at full precision
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      acc.fill(0);
      const cBase = Math.floor(k / Kg) * Cg; // first input channel of k's group
      for (let c = 0; c < Cg; c++) {
        const xPlane = ((n * C) + cBase + c) * H * W;
        const wBase = (k * Cg + c) * kh * kw;
        for (let ky = 0; ky < kh; ky++) {
          const offY = rowTaps[3 * ky], oyLo = rowTaps[3 * ky + 1], oyHi = rowTaps[3 * ky + 2];
          for (let kx = 0; kx < kw; kx++) {
            const offX = colTaps[3 * kx], oxLo = colTaps[3 * kx + 1], oxHi = colTaps[3 * kx + 2];
            const wk = wv[wBase + ky * kw + kx];
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xRow = xPlane + (oy * sh + offY) * W + offX;
              const aRow = oy * OW;
              for (let ox = oxLo; ox < oxHi; ox++) acc[aRow + ox] += wk * xv[xRow + ox * sw];
            }
          }
        }
      }
      const at = (n * K + k) * OH * OW;
      y.set(acc, at);
      if (bias) for (let i = at, b = bias.values[k]; i < at + OH * OW; i++) y[i] += b;
      // Relu's rule: NaN stays, -0 becomes +0.
      if (attrs.activation === 'relu') for (let i = at; i < at + OH * OW; i++) y[i] = y[i] > 0 || y[i] !== y[i] ? y[i] : 0;
    }
  }
  const out = { values: y, shape: [N, K, OH, OW], dtype: x.dtype };
  return attrs.pool ? [pool2x2(out, attrs.pool)] : [out];
};

/** Conv2D's fused `pool`: AvgPool2D / MaxPool2D over 2x2 windows, stride 2, no padding, floor mode. */
function pool2x2(y: Buf, kind: 'avg' | 'max'): Buf {
  const [, , OH, OW] = y.shape;
  if (OH < 2 || OW < 2) throw new Error(`Conv2D: a fused 2x2 pool needs an output of at least 2x2, got ${OH}x${OW}`);
  const a = { kernel: [2, 2], stride: [2, 2], pad: [0, 0], dilation: [1, 1], outSize: [Math.floor(OH / 2), Math.floor(OW / 2)] } satisfies Pool2DAttrs;
  return kind === 'avg' ? poolKernels.AvgPool2D([y], { ...a, countIncludePad: true, divisorOverride: null })[0] : poolKernels.MaxPool2D([y], a)[0];
}

/** Adjoint of Conv2D w.r.t. x: scatter each dy pixel back through every tap onto dx. */
const Conv2DBackpropInput: RefKernel<'Conv2DBackpropInput'> = ([dy, w], attrs) => {
  const g = geometry(attrs.inputShape, w.shape, [dy.shape[2], dy.shape[3]], attrs);
  const { N, C, H, W, K, Cg, Kg, kh, kw, OH, OW, sh, sw, rowTaps, colTaps } = g;
  const dyv = dy.values, wv = w.values;
  const dx = allocArray(dy.dtype, N * C * H * W);
  const acc = new Float64Array(H * W); // one dx plane; pixels no tap reaches stay 0
  for (let n = 0; n < N; n++) {
    for (let ci = 0; ci < C; ci++) {
      acc.fill(0);
      const grp = Math.floor(ci / Cg), c = ci - grp * Cg;
      // Only the filters of ci's group read channel ci.
      for (let k = grp * Kg; k < (grp + 1) * Kg; k++) {
        const dyPlane = (n * K + k) * OH * OW;
        const wBase = (k * Cg + c) * kh * kw;
        for (let ky = 0; ky < kh; ky++) {
          const offY = rowTaps[3 * ky], oyLo = rowTaps[3 * ky + 1], oyHi = rowTaps[3 * ky + 2];
          for (let kx = 0; kx < kw; kx++) {
            const offX = colTaps[3 * kx], oxLo = colTaps[3 * kx + 1], oxHi = colTaps[3 * kx + 2];
            const wk = wv[wBase + ky * kw + kx];
            for (let oy = oyLo; oy < oyHi; oy++) {
              const aRow = (oy * sh + offY) * W + offX;
              const dyRow = dyPlane + oy * OW;
              for (let ox = oxLo; ox < oxHi; ox++) acc[aRow + ox * sw] += wk * dyv[dyRow + ox];
            }
          }
        }
      }
      dx.set(acc, (n * C + ci) * H * W);
    }
  }
  return [{ values: dx, shape: [N, C, H, W], dtype: dy.dtype }];
};

/** Adjoint of Conv2D w.r.t. w: dw[k,c,ky,kx] = sum_{n,oy,ox} dy[n,k,oy,ox] * x[n, g*Cg+c, iy, ix]. */
const Conv2DBackpropFilter: RefKernel<'Conv2DBackpropFilter'> = ([x, dy], attrs) => {
  const g = geometry(x.shape, attrs.filterShape, [dy.shape[2], dy.shape[3]], attrs);
  const { N, C, H, W, K, Cg, Kg, kh, kw, OH, OW, sh, sw, rowTaps, colTaps } = g;
  const xv = x.values, dyv = dy.values;
  const dw = allocArray(x.dtype, K * Cg * kh * kw);
  for (let k = 0; k < K; k++) {
    const cBase = Math.floor(k / Kg) * Cg;
    for (let c = 0; c < Cg; c++) {
      for (let ky = 0; ky < kh; ky++) {
        const offY = rowTaps[3 * ky], oyLo = rowTaps[3 * ky + 1], oyHi = rowTaps[3 * ky + 2];
        for (let kx = 0; kx < kw; kx++) {
          const offX = colTaps[3 * kx], oxLo = colTaps[3 * kx + 1], oxHi = colTaps[3 * kx + 2];
          // Each weight is one dot product over (n, valid oy, valid ox): a scalar JS accumulator.
          let s = 0;
          for (let n = 0; n < N; n++) {
            const xPlane = (n * C + cBase + c) * H * W;
            const dyPlane = (n * K + k) * OH * OW;
            for (let oy = oyLo; oy < oyHi; oy++) {
              const xRow = xPlane + (oy * sh + offY) * W + offX;
              const dyRow = dyPlane + oy * OW;
              for (let ox = oxLo; ox < oxHi; ox++) s += dyv[dyRow + ox] * xv[xRow + ox * sw];
            }
          }
          dw[((k * Cg + c) * kh + ky) * kw + kx] = s;
        }
      }
    }
  }
  return [{ values: dw, shape: [...attrs.filterShape], dtype: x.dtype }];
};

export const convKernels = { Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter } satisfies Pick<
  RefKernelTable, 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter'
>;
