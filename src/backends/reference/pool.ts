/**
 * Reference pooling kernels on NCHW buffers, following PyTorch's CPU kernels exactly (window placement,
 * divisor rules, argmax tie/NaN rules). Each (n, c) plane is contiguous, so every kernel loops over planes.
 */
import { allocArray, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import type { AvgPool2DAttrs } from '../../kernels/specs.js';
import type { Buf, RefKernelTable } from './types.js';

type PoolKernelName =
  | 'MaxPool2D' | 'AvgPool2D' | 'AvgPool2DGrad' | 'AdaptiveAvgPool2D' | 'AdaptiveAvgPool2DGrad'
  | 'AdaptiveMaxPool2D' | 'ScatterPlane' | 'GatherPlane';

/** Per-output window along one axis: taps run over [lo, hi) clipped to the input; `span` feeds divisors. */
export interface AxisWindows { lo: Int32Array; hi: Int32Array; span: Int32Array }

/** PyTorch's adaptive windows: [floor(o*n/outN), ceil((o+1)*n/outN)). */
export function adaptiveAxis(n: number, outN: number): AxisWindows {
  const lo = new Int32Array(outN), hi = new Int32Array(outN), span = new Int32Array(outN);
  for (let o = 0; o < outN; o++) {
    lo[o] = Math.floor((o * n) / outN);
    hi[o] = Math.ceil(((o + 1) * n) / outN);
    span[o] = hi[o] - lo[o];
  }
  return { lo, hi, span };
}

/** Avg-pool windows; `span` is PyTorch's pool size along the axis: measured before clipping, to n + pad. */
function avgAxis(n: number, outN: number, k: number, s: number, p: number): AxisWindows {
  const lo = new Int32Array(outN), hi = new Int32Array(outN), span = new Int32Array(outN);
  for (let o = 0; o < outN; o++) {
    const start = o * s - p;
    const end = Math.min(start + k, n + p);
    span[o] = end - start;
    lo[o] = Math.max(start, 0);
    hi[o] = Math.min(end, n);
  }
  return { lo, hi, span };
}

/** Windows plus the divisor of every output cell, for AvgPool2D / AvgPool2DGrad. */
function avgPlan(a: AvgPool2DAttrs, H: number, W: number) {
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) {
    throw new Error(`AvgPool2D: dilation [${a.dilation.join(',')}] is not supported (PyTorch has none)`);
  }
  const wh = avgAxis(H, a.outSize[0], a.kernel[0], a.stride[0], a.pad[0]);
  const ww = avgAxis(W, a.outSize[1], a.kernel[1], a.stride[1], a.pad[1]);
  const divisor = (oh: number, ow: number): number =>
    a.divisorOverride ?? (a.countIncludePad
      ? wh.span[oh] * ww.span[ow]
      : (wh.hi[oh] - wh.lo[oh]) * (ww.hi[ow] - ww.lo[ow]));
  return { wh, ww, divisor };
}

type Divisor = (oh: number, ow: number) => number;

/** out = window sum / divisor; an empty window (entirely in padding) gives 0, as PyTorch. */
function windowMean(x: Buf, wh: AxisWindows, ww: AxisWindows, divisor: Divisor): Buf {
  const [N, C, H, W] = x.shape;
  const OH = wh.lo.length, OW = ww.lo.length;
  const xv = x.values, out = allocArray(x.dtype, N * C * OH * OW);
  for (let p = 0; p < N * C; p++) {
    const xBase = p * H * W, oBase = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        if (wh.lo[oh] >= wh.hi[oh] || ww.lo[ow] >= ww.hi[ow]) continue;
        let sum = 0;
        for (let h = wh.lo[oh]; h < wh.hi[oh]; h++) {
          for (let w = ww.lo[ow]; w < ww.hi[ow]; w++) sum += xv[xBase + h * W + w];
        }
        out[oBase + oh * OW + ow] = sum / divisor(oh, ow);
      }
    }
  }
  return { values: out, shape: [N, C, OH, OW], dtype: x.dtype };
}

/** Adjoint of windowMean: every tap of a window receives dy / divisor. */
function windowMeanGrad(
  dy: Buf, inputShape: number[], wh: AxisWindows, ww: AxisWindows, divisor: Divisor,
): Buf {
  const [N, C, H, W] = inputShape;
  const OH = wh.lo.length, OW = ww.lo.length;
  const g = dy.values, dx = allocArray(dy.dtype, N * C * H * W);
  for (let p = 0; p < N * C; p++) {
    const xBase = p * H * W, oBase = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        if (wh.lo[oh] >= wh.hi[oh] || ww.lo[ow] >= ww.hi[ow]) continue;
        const share = g[oBase + oh * OW + ow] / divisor(oh, ow);
        for (let h = wh.lo[oh]; h < wh.hi[oh]; h++) {
          for (let w = ww.lo[ow]; w < ww.hi[ow]; w++) dx[xBase + h * W + w] += share;
        }
      }
    }
  }
  return { values: dx, shape: [...inputShape], dtype: dy.dtype };
}

/**
 * Max over taps h0, h0+dH, .. < h1 (same for w) of one plane. PyTorch's rule: start from -inf with the
 * first tap's index, take v when v > max or v is NaN, so the first max wins and the last NaN sticks.
 */
function windowMax(
  xv: TypedArray, base: number, W: number,
  h0: number, h1: number, dH: number, w0: number, w1: number, dW: number,
): [number, number] {
  let best = -Infinity, bestIdx = h0 * W + w0;
  for (let h = h0; h < h1; h += dH) {
    for (let w = w0; w < w1; w += dW) {
      const v = xv[base + h * W + w];
      if (v > best || Number.isNaN(v)) { best = v; bestIdx = h * W + w; }
    }
  }
  return [best, bestIdx];
}

function maxOutputs(x: Buf, OH: number, OW: number) {
  const [N, C] = x.shape;
  const shape = [N, C, OH, OW];
  const out = allocArray(x.dtype, sizeOf(shape));
  const idx = new Int32Array(out.length);
  return { out, idx, bufs: [{ values: out, shape, dtype: x.dtype }, { values: idx, shape, dtype: 'int32' }] as Buf[] };
}

export const poolKernels = {
  MaxPool2D: ([x], a) => {
    const [N, C, H, W] = x.shape;
    const [OH, OW] = a.outSize, [kH, kW] = a.kernel, [sH, sW] = a.stride, [dH, dW] = a.dilation;
    const { out, idx, bufs } = maxOutputs(x, OH, OW);
    for (let p = 0; p < N * C; p++) {
      for (let oh = 0; oh < OH; oh++) {
        // Window rows start at oh*s - pad; taps outside the input are skipped (implicit -inf padding).
        let h0 = oh * sH - a.pad[0];
        const h1 = Math.min(h0 + (kH - 1) * dH + 1, H);
        while (h0 < 0) h0 += dH;
        for (let ow = 0; ow < OW; ow++) {
          let w0 = ow * sW - a.pad[1];
          const w1 = Math.min(w0 + (kW - 1) * dW + 1, W);
          while (w0 < 0) w0 += dW;
          const o = p * OH * OW + oh * OW + ow;
          [out[o], idx[o]] = windowMax(x.values, p * H * W, W, h0, h1, dH, w0, w1, dW);
        }
      }
    }
    return bufs;
  },

  AvgPool2D: ([x], a) => {
    const { wh, ww, divisor } = avgPlan(a, x.shape[2], x.shape[3]);
    return [windowMean(x, wh, ww, divisor)];
  },

  AvgPool2DGrad: ([dy], a) => {
    const { wh, ww, divisor } = avgPlan(a, a.inputShape[2], a.inputShape[3]);
    return [windowMeanGrad(dy, a.inputShape, wh, ww, divisor)];
  },

  AdaptiveAvgPool2D: ([x], a) => {
    const wh = adaptiveAxis(x.shape[2], a.outSize[0]), ww = adaptiveAxis(x.shape[3], a.outSize[1]);
    return [windowMean(x, wh, ww, (oh, ow) => wh.span[oh] * ww.span[ow])];
  },

  AdaptiveAvgPool2DGrad: ([dy], a) => {
    const wh = adaptiveAxis(a.inputShape[2], dy.shape[2]), ww = adaptiveAxis(a.inputShape[3], dy.shape[3]);
    return [windowMeanGrad(dy, a.inputShape, wh, ww, (oh, ow) => wh.span[oh] * ww.span[ow])];
  },

  AdaptiveMaxPool2D: ([x], a) => {
    const [N, C, H, W] = x.shape;
    const [OH, OW] = a.outSize;
    const wh = adaptiveAxis(H, OH), ww = adaptiveAxis(W, OW);
    const { out, idx, bufs } = maxOutputs(x, OH, OW);
    for (let p = 0; p < N * C; p++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const o = p * OH * OW + oh * OW + ow;
          [out[o], idx[o]] = windowMax(x.values, p * H * W, W, wh.lo[oh], wh.hi[oh], 1, ww.lo[ow], ww.hi[ow], 1);
        }
      }
    }
    return bufs;
  },

  ScatterPlane: ([src, indices], a) => {
    const [N, C] = src.shape;
    const [PH, PW] = a.planeShape;
    const plane = PH * PW, per = sizeOf(src.shape.slice(2));
    const sv = src.values, iv = indices.values, out = allocArray(src.dtype, N * C * plane);
    for (let p = 0; p < N * C; p++) {
      for (let i = 0; i < per; i++) {
        const j = iv[p * per + i];
        if (!(j >= 0 && j < plane)) throw new Error(`ScatterPlane: index ${j} is outside the ${PH}x${PW} plane`);
        out[p * plane + j] += sv[p * per + i];
      }
    }
    return [{ values: out, shape: [N, C, PH, PW], dtype: src.dtype }];
  },

  GatherPlane: ([x, indices]) => {
    const [N, C, H, W] = x.shape;
    const plane = H * W, per = sizeOf(indices.shape.slice(2));
    const xv = x.values, iv = indices.values, out = allocArray(x.dtype, N * C * per);
    for (let p = 0; p < N * C; p++) {
      for (let i = 0; i < per; i++) {
        const j = iv[p * per + i];
        if (!(j >= 0 && j < plane)) throw new Error(`GatherPlane: index ${j} is outside the ${H}x${W} plane`);
        out[p * per + i] = xv[p * plane + j];
      }
    }
    return [{ values: out, shape: [...indices.shape], dtype: x.dtype }];
  },
} satisfies Pick<RefKernelTable, PoolKernelName>;
