/**
 * Convolution kernels on the wasm runtime, per image and group:
 * - Conv2D: y_g = W_g . col, im2col writing straight into the GEMM's packed B blocks (threads split
 *   the output positions);
 * - Conv2DBackpropInput: col = W_g^T . dY_g, then col2im (threads split input channels, so each thread
 *   folds back the rows it computed);
 * - Conv2DBackpropFilter: dW_g += dY_g . col^T, transposed im2col packing the B blocks (threads split
 *   the columns of dW; images are always summed in order, so results do not depend on the thread count).
 * Groups with one input channel and few filters (depthwise) run direct SIMD kernels instead of a GEMM
 * whose 4-row panels would be mostly padding.
 */
import type { Conv2DAttrs } from '../../kernels/specs.js';
import { B_IM2COL, B_IM2COL_T, B_MATRIX, gemmPackedA, packA, packedASize } from './gemm.js';
import { MY_BP, MY_TMP, THREAD_MIN_WORK, splitRange, type Call, type WasmRuntime } from './runtime.js';
import { float32Only, type Buf, type WasmKernel } from './types.js';

/** The geometry every conv export takes, in order: H, W, kh, kw, sh, sw, dh, dw, pt, pl. */
function geo(H: number, W: number, kh: number, kw: number, a: Conv2DAttrs): number[] {
  return [H, W, kh, kw, a.stride[0], a.stride[1], a.dilation[0], a.dilation[1], a.pads[0], a.pads[2]];
}

function outSize(n: number, k: number, before: number, after: number, s: number, d: number): number {
  return Math.max(0, Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1);
}

function check(inputs: Buf[], sizes: number[]): string | null {
  return float32Only(inputs) ?? (sizes.some((s) => s === 0) ? 'empty tensor' : null);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Groups with one input channel run the direct kernels only below this many filters per group: from 4
 * filters on, a GEMM with one 4-row panel per group beats per-row SIMD taps.
 */
const DIRECT_MAX_KG = 4;

/**
 * Image ranges when each image is too small to split (every chunk then runs whole images, one thread
 * each), or null to split inside every image instead. Calls per chunk stay within the pool's job size.
 */
function imageChunks(rt: WasmRuntime, N: number, G: number, workPerImage: number): [number, number][] | null {
  if (workPerImage >= THREAD_MIN_WORK || N * G > 400) return null;
  return splitRange(N, rt.chunksFor(N * workPerImage), 1);
}

export const Conv2D: WasmKernel<'Conv2D'> = (rt, inputs, a) => {
  const [x, w] = inputs;
  const [N, C, H, W] = x.shape;
  const [K, Cg, kh, kw] = w.shape;
  const OH = outSize(H, kh, a.pads[0], a.pads[1], a.stride[0], a.dilation[0]);
  const OW = outSize(W, kw, a.pads[2], a.pads[3], a.stride[1], a.dilation[1]);
  const why = check(inputs, [N, C, H, W, K, OH, OW]);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, g10 = geo(H, W, kh, kw, a);
  rt.reset();
  const xp = rt.put(x.values), wp = rt.put(w.values), y = rt.alloc(N * K * P);
  if (Cg === 1 && Kg < DIRECT_MAX_KG) {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(N * K, S, 1).map(([p0, p1]): Call[] =>
      [['dwConv', xp, wp, y, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, p0, p1]]));
  } else {
    const ckk = Cg * kh * kw, aSize = packedASize(Kg, ckk), Ap = rt.alloc(G * aSize);
    const S = rt.chunksFor(Kg * P * ckk);
    for (let g = 0; g < G; g++) packA(rt, S, { ptr: wp + 4 * g * Kg * ckk, rs: ckk, cs: 1 }, Kg, ckk, Ap + 4 * g * aSize);
    const images = imageChunks(rt, N, G, G * Kg * P * ckk);
    const prms = rt.alloc(13 * (images ? N * G : 1));
    const prm = (n: number, g: number) => {
      const at = images ? prms + 4 * 13 * (n * G + g) : prms;
      rt.setI32(at, [xp + 4 * (n * C + g * Cg) * H * W, Cg, ...g10, OW]);
      return at;
    };
    const yAt = (n: number, g: number) => y + 4 * (n * K + g * Kg) * P;
    if (images) {
      rt.run(images.map(([n0, n1]) => {
        const calls: Call[] = [];
        for (let n = n0; n < n1; n++) {
          for (let g = 0; g < G; g++) calls.push(['gemm', B_IM2COL, prm(n, g), Kg, P, ckk, 0, Ap + 4 * g * aSize, yAt(n, g), P, 0, MY_BP, MY_TMP]);
        }
        return calls;
      }));
    } else {
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < G; g++) gemmPackedA(rt, S, B_IM2COL, prm(n, g), Kg, P, ckk, Ap + 4 * g * aSize, yAt(n, g), P, false);
      }
    }
  }
  return [{ values: rt.takeF32(y, N * K * P), shape: [N, K, OH, OW], dtype: 'float32' }];
};

export const Conv2DBackpropInput: WasmKernel<'Conv2DBackpropInput'> = (rt, inputs, a) => {
  const [dy, w] = inputs;
  const [N, C, H, W] = a.inputShape;
  const [K, Cg, kh, kw] = w.shape;
  const [, , OH, OW] = dy.shape;
  const why = check(inputs, [N, C, H, W, K, OH, OW]);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, g10 = geo(H, W, kh, kw, a);
  rt.reset();
  const dyp = rt.put(dy.values), wp = rt.put(w.values), dx = rt.alloc(N * C * H * W);
  if (Cg === 1 && Kg < DIRECT_MAX_KG) {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(N * C, S, 1).map(([p0, p1]): Call[] =>
      [['dwConvBackpropInput', dyp, wp, dx, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, p0, p1]]));
  } else {
    const taps = kh * kw, ckk = Cg * taps, aSize = packedASize(ckk, Kg), Ap = rt.alloc(G * aSize);
    const S = rt.chunksFor(ckk * P * Kg);
    // A = W_g^T (ckk x Kg), packed once; thread chunks are whole channels starting on 4-row panels.
    for (let g = 0; g < G; g++) packA(rt, S, { ptr: wp + 4 * g * Kg * ckk, rs: 1, cs: ckk }, ckk, Kg, Ap + 4 * g * aSize);
    const images = imageChunks(rt, N, G, G * ckk * P * Kg);
    const prms = rt.alloc(3 * (images ? N * G : 1));
    const prm = (n: number, g: number) => {
      const at = images ? prms + 4 * 3 * (n * G + g) : prms;
      rt.setI32(at, [dyp + 4 * (n * K + g * Kg) * P, P, 1]);
      return at;
    };
    /** Rows of channels [c0, c1) of image n, group g: col = W_g^T . dY_g, folded back onto dx. */
    const calls = (n: number, g: number, c0: number, c1: number, col: number): Call[] => [
      ['gemm', B_MATRIX, prm(n, g), (c1 - c0) * taps, P, Kg, 0, Ap + 4 * (g * aSize + c0 * taps * Kg), col + 4 * c0 * taps * P, P, 0, MY_BP, MY_TMP],
      ['col2im', col, ...g10, OH, OW, c0, c1, dx + 4 * (n * C + g * Cg) * H * W],
    ];
    if (images) {
      const cols = rt.alloc(images.length * ckk * P);
      rt.run(images.map(([n0, n1], i) => {
        const out: Call[] = [];
        for (let n = n0; n < n1; n++) for (let g = 0; g < G; g++) out.push(...calls(n, g, 0, Cg, cols + 4 * i * ckk * P));
        return out;
      }));
    } else {
      const col = rt.alloc(ckk * P), chunks = splitRange(Cg, S, 4 / gcd(4, taps));
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < G; g++) rt.run(chunks.map(([c0, c1]) => calls(n, g, c0, c1, col)));
      }
    }
  }
  return [{ values: rt.takeF32(dx, N * C * H * W), shape: [N, C, H, W], dtype: 'float32' }];
};

export const Conv2DBackpropFilter: WasmKernel<'Conv2DBackpropFilter'> = (rt, inputs, a) => {
  const [x, dy] = inputs;
  const [N, C, H, W] = x.shape;
  const [K, Cg, kh, kw] = a.filterShape;
  const [, , OH, OW] = dy.shape;
  const why = check(inputs, [N, C, H, W, K, OH, OW]);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, ckk = Cg * kh * kw, g10 = geo(H, W, kh, kw, a);
  rt.reset();
  const xp = rt.put(x.values), dyp = rt.put(dy.values), dwt = rt.alloc(K * ckk);
  if (Cg === 1 && Kg < DIRECT_MAX_KG) {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(K, S, 1).map(([k0, k1]): Call[] =>
      [['dwConvBackpropFilter', xp, dyp, dwt, N, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, k0, k1]]));
  } else {
    const S = rt.chunksFor(Kg * ckk * P), aSize = packedASize(Kg, P);
    const images = imageChunks(rt, N, G, G * Kg * ckk * P);
    const prms = rt.alloc(13 * (images ? N * G : 1));
    const prm = (n: number, g: number) => {
      const at = images ? prms + 4 * 13 * (n * G + g) : prms;
      rt.setI32(at, [xp + 4 * (n * C + g * Cg) * H * W, Cg, ...g10, OW]);
      return at;
    };
    const dyAt = (n: number, g: number) => dyp + 4 * (n * K + g * Kg) * P;
    if (images) {
      // Small images: every chunk owns a block of dW (columns, else rows) and runs all images into it,
      // so each dW element sums the images in order, whatever the thread count (reproducible results).
      const SS = rt.chunksFor(N * G * Kg * ckk * P);
      const blocks = SS > 1 && ckk >= 32 ? splitRange(ckk, SS, 16).map(([r0, r1]): number[] => [0, Kg, r0, r1])
        : SS > 1 && Kg >= 8 ? splitRange(Kg, SS, 4).map(([m0, m1]): number[] => [m0, m1, 0, ckk])
          : [[0, Kg, 0, ckk]];
      const Aps = rt.alloc(blocks.length * aSize);
      for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) prm(n, g);
      rt.run(blocks.map(([m0, m1, r0, r1], i) => {
        const Ap = Aps + 4 * i * aSize, out: Call[] = [];
        for (let n = 0; n < N; n++) {
          for (let g = 0; g < G; g++) {
            out.push(['packA', dyAt(n, g) + 4 * m0 * P, P, 1, m1 - m0, P, Ap]);
            out.push(['gemm', B_IM2COL_T, prms + 4 * 13 * (n * G + g), m1 - m0, r1 - r0, P, r0, Ap,
              dwt + 4 * ((g * Kg + m0) * ckk + r0), ckk, n > 0 ? 1 : 0, MY_BP, MY_TMP]);
          }
        }
        return out;
      }));
    } else {
      const Ap = rt.alloc(aSize);
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < G; g++) {
          packA(rt, S, { ptr: dyAt(n, g), rs: P, cs: 1 }, Kg, P, Ap);
          gemmPackedA(rt, S, B_IM2COL_T, prm(n, g), Kg, ckk, P, Ap, dwt + 4 * g * Kg * ckk, ckk, n > 0, 'n');
        }
      }
    }
  }
  return [{ values: rt.takeF32(dwt, K * ckk), shape: [...a.filterShape], dtype: 'float32' }];
};
