/**
 * Reference 2D resize on NCHW buffers, matching torch.nn.functional.interpolate (PyTorch 1.13 CPU) for
 * 'nearest' (the legacy rule, not 'nearest-exact') and 'bilinear'. Resize2DGrad is the exact adjoint.
 *
 * Both modes are separable: each output row/column reads at most two input rows/columns with weights,
 * so we tabulate the taps per axis once and combine them per output cell.
 */
import { allocArray } from '../../tensor/dtype.js';
import type { Resize2DAttrs, ResizeMode } from '../../kernels/specs.js';
import type { Buf, RefKernelTable } from './types.js';

/** For every output position along one axis: input taps i0, i1 with weights l0, l1. */
export interface AxisTaps { i0: Int32Array; i1: Int32Array; l0: Float64Array; l1: Float64Array }

export function axisTaps(mode: ResizeMode, n: number, outN: number, alignCorners: boolean, scale: number): AxisTaps {
  const i0 = new Int32Array(outN), i1 = new Int32Array(outN);
  const l0 = new Float64Array(outN), l1 = new Float64Array(outN);
  // PyTorch computes the nearest source index in float32 whatever the dtype; the floor makes that visible.
  const nearestScale = Math.fround(scale);
  const linearRatio = alignCorners ? (outN > 1 ? (n - 1) / (outN - 1) : 0) : scale;
  for (let o = 0; o < outN; o++) {
    let a: number, b: number, lambda: number;
    if (outN === n) {
      // PyTorch short-circuits equal sizes to a copy, ignoring any supplied scale.
      a = b = o; lambda = 0;
    } else if (mode === 'nearest') {
      // Legacy rule, with PyTorch's exact-2x shortcut (it also ignores the scale).
      a = b = outN === 2 * n ? o >> 1 : Math.min(Math.floor(Math.fround(o * nearestScale)), n - 1);
      lambda = 0;
    } else {
      const src = alignCorners ? o * linearRatio : Math.max((o + 0.5) * linearRatio - 0.5, 0);
      a = Math.min(Math.floor(src), n - 1); // the min only guards against rounding past the edge
      b = Math.min(a + 1, n - 1);
      lambda = Math.min(Math.max(src - a, 0), 1);
    }
    i0[o] = a; i1[o] = b; l0[o] = 1 - lambda; l1[o] = lambda;
  }
  return { i0, i1, l0, l1 };
}

function plan(a: Resize2DAttrs, H: number, W: number) {
  const [OH, OW] = a.outSize;
  return {
    OH, OW,
    th: axisTaps(a.mode, H, OH, a.alignCorners, a.scales[0]),
    tw: axisTaps(a.mode, W, OW, a.alignCorners, a.scales[1]),
  };
}

export const resizeKernels = {
  Resize2D: ([x], a) => {
    const [N, C, H, W] = x.shape;
    const { OH, OW, th, tw } = plan(a, H, W);
    const xv = x.values, out = allocArray(x.dtype, N * C * OH * OW);
    for (let p = 0; p < N * C; p++) {
      const xBase = p * H * W;
      let o = p * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        const r0 = xBase + th.i0[oh] * W, r1 = xBase + th.i1[oh] * W;
        for (let ow = 0; ow < OW; ow++, o++) {
          const c0 = tw.i0[ow], c1 = tw.i1[ow];
          if (a.mode === 'nearest') {
            out[o] = xv[r0 + c0]; // a plain copy, so infinities do not turn into 0*inf = NaN
          } else {
            const lw0 = tw.l0[ow], lw1 = tw.l1[ow];
            out[o] = th.l0[oh] * (lw0 * xv[r0 + c0] + lw1 * xv[r0 + c1])
              + th.l1[oh] * (lw0 * xv[r1 + c0] + lw1 * xv[r1 + c1]);
          }
        }
      }
    }
    return [{ values: out, shape: [N, C, OH, OW], dtype: x.dtype }];
  },

  Resize2DGrad: ([dy], a) => {
    const [N, C, H, W] = a.inputShape;
    const { OH, OW, th, tw } = plan(a, H, W);
    const g = dy.values, dx = allocArray(dy.dtype, N * C * H * W);
    for (let p = 0; p < N * C; p++) {
      const xBase = p * H * W;
      let o = p * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        const r0 = xBase + th.i0[oh] * W, r1 = xBase + th.i1[oh] * W;
        for (let ow = 0; ow < OW; ow++, o++) {
          const c0 = tw.i0[ow], c1 = tw.i1[ow];
          if (a.mode === 'nearest') {
            dx[r0 + c0] += g[o];
          } else {
            // Transpose of the forward: each of the four taps gets its weight times dy.
            const gh0 = th.l0[oh] * g[o], gh1 = th.l1[oh] * g[o];
            const lw0 = tw.l0[ow], lw1 = tw.l1[ow];
            dx[r0 + c0] += gh0 * lw0; dx[r0 + c1] += gh0 * lw1;
            dx[r1 + c0] += gh1 * lw0; dx[r1 + c1] += gh1 * lw1;
          }
        }
      }
    }
    return [{ values: dx, shape: [N, C, H, W], dtype: dy.dtype }];
  },
} satisfies Pick<RefKernelTable, 'Resize2D' | 'Resize2DGrad'>;
