/**
 * The filter gradient of a stride-1 convolution with few filters (asm/filtergrad.ts): dy and the
 * (padded) input are read where they are, with no im2col and no packed panels, 4 output columns a
 * vector. Fixed groups of images each sum into their own lane-wise accumulators, reduced to a partial
 * dW per group; the partials are added in group order, so the result does not depend on the thread
 * count. When there are fewer groups than chunks, threads split each group's filter pairs too.
 */
import { tapOffsets, type ConvSizes, type DirectGeometry } from './direct.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';

/**
 * Images per partial filter gradient: fixed, not per thread, so the order of the sums, and the result,
 * does not depend on the thread count.
 */
export const DW_IMAGE_GROUP = 8;
/** Taps per accumulator block (asm/filtergrad.ts's TAPS). */
const TAPS = 4;

/** Fixed groups of DW_IMAGE_GROUP images, each summing into its own partial dW of `floats` floats (group 0's is `out`). */
export function imageGroupPartials(rt: WasmRuntime, N: number, floats: number, out: number): {
  groups: [number, number][]; partAt: (i: number) => number; addPartials: () => void;
} {
  const groups: [number, number][] = [];
  for (let n0 = 0; n0 < N; n0 += DW_IMAGE_GROUP) groups.push([n0, Math.min(N, n0 + DW_IMAGE_GROUP)]);
  const parts = rt.alloc((groups.length - 1) * floats);
  const partAt = (i: number) => (i === 0 ? out : parts + 4 * (i - 1) * floats);
  // The partials are added in group order.
  const addPartials = () => {
    if (groups.length > 1) rt.run([groups.slice(1).map((_, i): Call => ['addTo', out, partAt(i + 1), floats])]);
  };
  return { groups, partAt, addPartials };
}

export interface FewFilterGrad extends ConvSizes {
  /** Arena pointers: input [N][G*Cg][H][W], dy [N][G*Kg][OH][OW]; output dW [G*Kg][Cg][kh][kw]. */
  x: number;
  dy: number;
  out: number;
}

/** dW = sum over images of x (*) dy, stride 1, written to c.out. */
export function runFewFilterGrad(rt: WasmRuntime, c: FewFilterGrad, geo: DirectGeometry): void {
  const { N, G, Cg, Kg, H, W, kh, kw } = c;
  const ckk = Cg * kh * kw, OH = geo.OH, OW = geo.OW, P = OH * OW;
  const offsList = tapOffsets(Cg, kh, kw, c.dh, c.dw, geo, TAPS), nb = offsList.length / TAPS, pairs = Math.ceil(Kg / 2);
  const offs = rt.alloc(offsList.length);
  rt.setI32(offs, offsList);
  // Unpadded images are read in place when no row ends in a partial vector (those read past the row).
  const inPlace = c.pads.every((p) => p === 0) && OW % 4 === 0;
  const { groups, partAt, addPartials } = imageGroupPartials(rt, N, G * Kg * ckk, c.out);
  const S = rt.chunksFor(N * G * Kg * ckk * P);
  const pairRanges = splitRange(pairs, Math.max(1, Math.ceil(S / groups.length)), 1);
  const accFloats = G * pairs * nb * 8 * TAPS, accs = rt.alloc(groups.length * accFloats);
  const chunks: Call[][] = [];
  groups.forEach(([n0, n1], i) => {
    for (const [p0, p1] of pairRanges) {
      const xpad = inPlace ? 0 : rt.alloc(geo.padFloats), calls: Call[] = [];
      for (let g = 0; g < G; g++) {
        const acc = accs + 4 * (i * accFloats + g * pairs * nb * 8 * TAPS);
        calls.push(['zero', acc + 4 * p0 * nb * 8 * TAPS, (p1 - p0) * nb * 8 * TAPS]);
        for (let n = n0; n < n1; n++) {
          const xn = c.x + 4 * (n * G + g) * Cg * H * W;
          // Only the chunk's first image zeroes its scratch; later ones rewrite the interior.
          if (!inPlace) calls.push(['padImage', xn, Cg, H, W, c.pads[0], c.pads[2], geo.Hp, geo.Wp, xpad, g === 0 && n === n0 ? geo.padFloats : 0]);
          calls.push(['filterGradAcc', inPlace ? xn : xpad, geo.Wp, offs, nb, c.dy + 4 * (n * G + g) * Kg * P, Kg, OH, OW, acc, p0, p1]);
        }
        calls.push(['filterGradReduce', acc, nb, Kg, ckk, p0, p1, partAt(i) + 4 * g * Kg * ckk]);
      }
      chunks.push(calls);
    }
  });
  rt.run(S > 1 ? chunks : [chunks.flat()]);
  addPartials();
}
