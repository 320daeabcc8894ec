/**
 * Stride-1 3x3 convolutions by Winograd F(2x2, 3x3) (asm/winograd.ts): per image, the padded input
 * becomes 16 transformed planes V[xi] (C x tiles), the filters 16 matrices U[xi] (K x C, transformed
 * here once per call), the 16 products U[xi] . V[xi] run on the GEMM, and the output transform
 * rebuilds 2x2 tiles. 2.25x fewer multiplies than im2col; sums are regrouped, so results differ from
 * the reference in the last bits (the parity tests bound it). The input gradient of such a
 * convolution is one too (flipped, transposed weights), so Conv2DBackpropInput uses it as well.
 */
import { B_MATRIX, packA, packedASize } from './gemm.js';
import { MY_BP, MY_TMP, splitRange, type Call, type WasmRuntime } from './runtime.js';
import type { ConvSizes } from './direct.js';

type Pads = readonly [number, number, number, number];

/** Tiles per block of tile rows (see runWinograd). */
const BLOCK_TILES = 96;

export interface WinogradConv extends Pick<ConvSizes, 'N' | 'G' | 'Cg' | 'Kg' | 'H' | 'W' | 'pads'> {
  /** Arena pointers: input [N][G*Cg][H][W], bias [G*Kg] or 0, output [N][G*Kg][OH][OW]; weights as values. */
  x: number;
  w: Float32Array;
  bias: number;
  y: number;
}

/** Tile grid of a stride-1 3x3 convolution with these pads: TH x TW tiles of 2x2 (TW rounded up to 4). */
export function winogradTiles(H: number, W: number, pads: Pads): { OH: number; OW: number; TH: number; TW: number } {
  const OH = H + pads[0] + pads[1] - 2, OW = W + pads[2] + pads[3] - 2;
  return { OH, OW, TH: Math.ceil(OH / 2), TW: Math.ceil(Math.ceil(OW / 2) / 4) * 4 };
}

/**
 * Whether Winograd pays here (measured on the W3 layer and ResNet-18's): 3x3, stride 1, dilation 1,
 * enough channels for the GEMMs to dominate the transforms, and rows of at least 4 whole tiles.
 */
export function winogradFits(kh: number, kw: number, stride: readonly number[], dilation: readonly number[], Cg: number, Kg: number, OH: number, OW: number): boolean {
  return kh === 3 && kw === 3 && stride[0] === 1 && stride[1] === 1 && dilation[0] === 1 && dilation[1] === 1
    && Cg >= 16 && Kg >= 16 && OH >= 2 && OW >= 8 && Math.ceil(OW / 2) % 4 === 0;
}

/** U[g][xi][k][c] = (G w[g*Kg+k][c] G^T)[xi], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]. */
export function transformFilters(w: Float32Array, G: number, Kg: number, Cg: number): Float32Array {
  const U = new Float32Array(G * 16 * Kg * Cg);
  const gg = new Float64Array(12);
  for (let g = 0; g < G; g++) {
    for (let k = 0; k < Kg; k++) {
      for (let c = 0; c < Cg; c++) {
        const src = ((g * Kg + k) * Cg + c) * 9;
        // Rows: Gg (4 x 3).
        for (let j = 0; j < 3; j++) {
          const a = w[src + j], b = w[src + 3 + j], d = w[src + 6 + j];
          gg[j] = a;
          gg[3 + j] = (a + b + d) / 2;
          gg[6 + j] = (a - b + d) / 2;
          gg[9 + j] = d;
        }
        // Columns: (Gg) G^T (4 x 4).
        for (let i = 0; i < 4; i++) {
          const a = gg[3 * i], b = gg[3 * i + 1], d = gg[3 * i + 2];
          const row = [a, (a + b + d) / 2, (a - b + d) / 2, d];
          for (let j = 0; j < 4; j++) U[(((g * 16 + 4 * i + j) * Kg + k) * Cg) + c] = row[j];
        }
      }
    }
  }
  return U;
}

/** y = conv3x3(x, w) + bias, stride 1, on the arena. */
export function runWinograd(rt: WasmRuntime, c: WinogradConv): void {
  const { N, G, Cg, Kg, H, W, pads } = c;
  const { OH, OW, TH, TW } = winogradTiles(H, W, pads);
  const T = TH * TW, Hp = 2 * TH + 2, Wp = 2 * TW + 2;
  const padFloats = Cg * Hp * Wp, aSize = packedASize(Kg, Cg);
  const U = rt.put(transformFilters(c.w, G, Kg, Cg)), Ap = rt.alloc(G * 16 * aSize);
  for (let i = 0; i < G * 16; i++) packA(rt, 1, { ptr: U + 4 * i * Kg * Cg, rs: Cg, cs: 1 }, Kg, Cg, Ap + 4 * i * aSize);
  const P = OH * OW, yRows = 2 * TH, yvFloats = yRows * 2 * TW;
  // Tile-row blocks of ~BLOCK_TILES tiles: a block's V and M stay in L2 between the transforms and the GEMMs.
  const blockRows = Math.min(TH, Math.max(1, Math.floor(BLOCK_TILES / TW))), Tb = blockRows * TW;
  const blocks = splitRange(TH, Math.ceil(TH / blockRows), 1);
  const S = rt.chunksFor(N * G * 16 * Kg * Cg * T);
  /** Scratch of one chunk: padded image, V and M of one block, the tiled output, 16 GEMM parameter blocks. */
  const scratch = () => {
    const xpad = rt.alloc(padFloats), V = rt.alloc(16 * Cg * Tb), M = rt.alloc(16 * Kg * Tb), yv = rt.alloc(Kg * yvFloats);
    // GEMM B operands V[xi] of each block (blocks differ in tile count only at the end).
    const prm = rt.alloc(blocks.length * 16 * 3);
    blocks.forEach(([ty0, ty1], b) => {
      const tb = (ty1 - ty0) * TW;
      for (let xi = 0; xi < 16; xi++) rt.setI32(prm + 12 * (16 * b + xi), [V + 4 * xi * Cg * tb, tb, 1]);
    });
    return { xpad, V, M, yv, prm };
  };
  /** The calls for image n, group g: before (pad), per tile block (input transform, GEMMs split into `split` column ranges, output transform), after (crop + bias). */
  const image = (n: number, g: number, s: ReturnType<typeof scratch>, split: number) => {
    const blockCalls = blocks.map(([ty0, ty1], b) => {
      const tb = (ty1 - ty0) * TW;
      const gemms = splitRange(tb, split, 16).map(([t0, t1]): Call[] => Array.from({ length: 16 }, (_, xi): Call =>
        ['gemm', B_MATRIX, s.prm + 12 * (16 * b + xi), Kg, t1 - t0, Cg, t0, Ap + 4 * (g * 16 + xi) * aSize, s.M + 4 * (xi * Kg * tb + t0), tb, 0, MY_BP, MY_TMP]));
      const input: Call = ['winoInput', s.xpad + 4 * 2 * ty0 * Wp, Cg, Hp, Wp, ty1 - ty0, TW, s.V, tb, MY_TMP];
      const output: Call = ['winoOutput', s.M, Kg, tb, ty1 - ty0, TW, s.yv + 4 * 2 * ty0 * 2 * TW, yRows];
      return { input, gemms, output };
    });
    const pad: Call = ['padImage', c.x + 4 * (n * G + g) * Cg * H * W, Cg, H, W, pads[0], pads[2], Hp, Wp, s.xpad, padFloats];
    const epilogue: Call = ['convEpilogue', s.yv, yvFloats, Kg, 2 * TW, OH, OW, c.bias ? c.bias + 4 * g * Kg : 0, c.y + 4 * (n * G + g) * Kg * P];
    return { pad, blockCalls, epilogue };
  };
  if (N * G >= S) {
    // Every chunk runs whole images with its own scratch.
    const chunks = splitRange(N * G, S, 1);
    const scratches = chunks.map(scratch);
    rt.run(chunks.map(([i0, i1], i): Call[] => {
      const calls: Call[] = [];
      for (let j = i0; j < i1; j++) {
        const { pad, blockCalls, epilogue } = image(Math.floor(j / G), j % G, scratches[i], 1);
        calls.push(pad);
        for (const b of blockCalls) calls.push(b.input, ...b.gemms[0], b.output);
        calls.push(epilogue);
      }
      return calls;
    }));
  } else {
    // Fewer images than threads: the GEMMs of each block split their tiles.
    const s = scratch();
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < G; g++) {
        const { pad, blockCalls, epilogue } = image(n, g, s, S);
        rt.run([[pad]]);
        for (const b of blockCalls) {
          rt.run([[b.input]]);
          rt.run(b.gemms);
          rt.run([[b.output]]);
        }
        rt.run([[epilogue]]);
      }
    }
  }
}
