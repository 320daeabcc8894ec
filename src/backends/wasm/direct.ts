/**
 * Stride-1 convolutions without im2col (asm/direct.ts): each image is zero-padded once and the GEMM
 * microkernel reads its taps straight from the flattened padded planes. The input gradient of a
 * stride-1 convolution is itself one (dy, padded by dilation*(k-1) - pad, against the flipped and
 * transposed weights), and the filter gradient runs the same layout with dy packed into panels.
 * Threads split whole images (forward) or tap panels (filter gradient), so every output element is
 * summed in the same order whatever the thread count.
 */
import type { Conv2DAttrs } from '../../kernels/specs.js';
import { B_MATRIX, packA, packedASize } from './gemm.js';
import { MY_BP, MY_TMP, chunkRanges, splitRange, type Call, type WasmRuntime } from './runtime.js';

type Pads = readonly [number, number, number, number];

/** A stride-1 convolution over a zero-padded image, in the flattened layout's terms. */
export interface DirectGeometry {
  Hp: number;
  Wp: number;
  OH: number;
  OW: number;
  /** Virtual outputs per image (OH * Wp) and their 8-column tiles. */
  Pv: number;
  tiles: number;
  /** Floats of one padded image (plus the slack the last tile reads past the planes). */
  padFloats: number;
  /**
   * Whole 8-column tiles per output row (0 when OW < 8): the forward computes them without wasted columns
   * and, unpadded, reads the image in place. The `tail` columns a row has past them (OW % 8) run as tiles
   * of 8/tail rows when tail is 2 or 4 (asm convTilesOut), else are gathered and run as a small GEMM.
   * convTiles: the 8-column tiles the forward computes, either way.
   */
  rowTiles: number;
  tail: number;
  convTiles: number;
}

/**
 * Geometry of a stride-1 convolution of C-channel H x W images into K channels (per group); null when
 * padding would crop.
 */
export function directGeometry(C: number, K: number, H: number, W: number, kh: number, kw: number, dh: number, dw: number, pads: Pads): DirectGeometry | null {
  if (pads.some((p) => p < 0)) return null;
  const Hp = H + pads[0] + pads[1], Wp = W + pads[2] + pads[3];
  const OH = Hp - dh * (kh - 1), OW = Wp - dw * (kw - 1);
  if (OH < 1 || OW < 1) return null;
  const Pv = OH * Wp, tiles = Math.ceil(Pv / 8), whole = Math.floor(OW / 8), tail = OW % 8;
  // Row tiles with a tail, where the virtual columns they save outweigh gathering and packing the tail
  // (measured: LeNet-5's rows of 10 in 14 gain 5-7%; rows of 28 in 32 lose 20%). Tails of 2 or 4 columns
  // are read in place as tiles of 8/tail rows, at no extra cost.
  const tailTiles = Math.ceil((OH * tail) / 8), tailCost = tailInPlace(tail) ? 0 : 2 * TAIL_PACK_COST * OH * tail;
  const withTail = 8 * Math.ceil(K / 4) * 4 * (OH * whole + tailTiles) + tailCost < 8 * Math.ceil(K / 4) * 4 * tiles;
  const rowTiles = whole > 0 && (tail === 0 || withTail) ? whole : 0;
  const convTiles = rowTiles ? OH * rowTiles + (tail ? tailTiles : 0) : tiles;
  return { Hp, Wp, OH, OW, Pv, tiles, padFloats: C * Hp * Wp + dw * (kw - 1) + 8, rowTiles, tail: rowTiles ? tail : 0, convTiles };
}
/** Gathering or packing one tail element, in multiply-adds of one filter panel row. */
const TAIL_PACK_COST = 8;
/** Taps convTilesOut takes (asm/direct.ts KC: one block of taps, so every tile's sums finish in registers). */
const TILE_TAPS_MAX = 256;
/** Tails convTilesOut reads in place: tiles of 4 rows of 2 or 2 rows of 4 columns. */
const tailInPlace = (tail: number) => tail === 2 || tail === 4;
/** Whether runDirectConv stores every tile in place (asm convTilesOut) rather than through a tile buffer. */
export const tilesInPlace = (geo: DirectGeometry, ckk: number) => geo.rowTiles > 0 && ckk <= TILE_TAPS_MAX && (geo.tail === 0 || tailInPlace(geo.tail));

/** Byte offsets of taps (c, ky, kx) in a padded image, padded with zeros to a multiple of `multiple` entries. */
export function tapOffsets(Cg: number, kh: number, kw: number, dh: number, dw: number, g: DirectGeometry, multiple: number): number[] {
  const offs: number[] = [];
  for (let c = 0; c < Cg; c++) {
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) offs.push(4 * (c * g.Hp * g.Wp + ky * dh * g.Wp + kx * dw));
  }
  while (offs.length % multiple !== 0) offs.push(0);
  return offs;
}

/** Sizes of a grouped stride-1 convolution: N images of G*Cg channels, G*Kg filters of Cg x kh x kw. */
export interface ConvSizes {
  N: number;
  G: number;
  Cg: number;
  Kg: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  pads: Pads;
}

export interface DirectConv extends ConvSizes {
  /** Arena pointers: input [N][G*Cg][H][W], weights [G*Kg][Cg][kh][kw], bias [G*Kg] or 0, output [N][G*Kg][OH][OW]. */
  x: number;
  w: number;
  /** The weights already packed as GEMM A panels per group (packA of [Kg][Cg*kh*kw]), else packed from w here. */
  filters?: number;
  bias: number;
  y: number;
  /** ReLU after the bias (Conv2D's activation). */
  relu?: boolean;
}

/** The taps' byte offsets in the padded image and the filters as GEMM A panels per group (packed here unless prepared). */
function tapsAndPanels(rt: WasmRuntime, c: DirectConv, geo: DirectGeometry): { offs: number; Ap: number; aSize: number } {
  const { G, Cg, Kg, kh, kw } = c, ckk = Cg * kh * kw;
  const offs = rt.alloc(ckk);
  rt.setI32(offs, tapOffsets(Cg, kh, kw, c.dh, c.dw, geo, 1));
  const aSize = packedASize(Kg, ckk), Ap = c.filters ?? rt.alloc(G * aSize);
  if (c.filters === undefined) for (let g = 0; g < G; g++) packA(rt, 1, { ptr: c.w + 4 * g * Kg * ckk, rs: ckk, cs: 1 }, Kg, ckk, Ap + 4 * g * aSize);
  return { offs, Ap, aSize };
}

/**
 * y = conv(x, w) + bias (then ReLU), stride 1, on the arena (the geometry must come from directGeometry).
 * Row tiles (geo.rowTiles) cover each output row's first 8*rowTiles columns; its tail columns are gathered
 * into a GEMM B matrix against the same filter panels. Without row tiles, 8-column tiles run over the
 * virtual output (rows of Wp, the columns past OW wasted).
 */
export function runDirectConv(rt: WasmRuntime, c: DirectConv, geo: DirectGeometry): void {
  const { N, G, Cg, Kg, H, W, kh, kw } = c, { OH, OW, Wp, rowTiles, tail } = geo;
  const ckk = Cg * kh * kw, P = OH * OW, rows = Math.ceil(Kg / 4) * 4;
  // Tiles the taps kernel runs and the yv row they fill (outputs only with row tiles).
  const tiles = rowTiles ? OH * rowTiles : geo.tiles, ldy = tiles * 8, tailCols = OH * tail;
  // Row tiles and the gathered tail read only the planes themselves: an unpadded image is read where it is.
  const inPlace = rowTiles > 0 && c.pads.every((p) => p === 0);
  const { offs, Ap, aSize } = tapsAndPanels(rt, c, geo);
  const image = (n: number, g: number) => c.x + 4 * (n * G + g) * Cg * H * W;
  const bias = (g: number) => (c.bias ? c.bias + 4 * g * Kg : 0), out = (n: number, g: number) => c.y + 4 * (n * G + g) * Kg * P;
  // The first image padded into a scratch zeroes all of it; later ones rewrite its interior (the zeros stay).
  const pad = (n: number, g: number, xpad: number, first: boolean): Call[] =>
    inPlace ? [] : [['padImage', image(n, g), Cg, H, W, c.pads[0], c.pads[2], geo.Hp, Wp, xpad, first ? geo.padFloats : 0]];
  const taps = (g: number, xpad: number, yv: number, t0: number, t1: number): Call =>
    ['convTaps', xpad, offs, ckk, Ap + 4 * g * aSize, Kg, yv, ldy, t0, t1, rowTiles, Wp];
  // yv rows are virtual rows of Wp floats, or compact rows of 8*rowTiles columns with row tiles.
  const epilogue = (n: number, g: number, yv: number): Call =>
    ['convEpilogue', yv, ldy, Kg, rowTiles ? 8 * rowTiles : Wp, OH, rowTiles ? 8 * rowTiles : OW, OW, bias(g), out(n, g), c.relu ? 1 : 0];
  const S = rt.chunksFor(N * G * Kg * ckk * geo.convTiles * 8);
  if (tilesInPlace(geo, ckk)) {
    // Every tile finished in registers and stored into y (asm convTilesOut): no tile buffer, no epilogue.
    const relu = c.relu ? 1 : 0;
    runImageTiles(rt, c, geo, geo.convTiles, S, (n, g, xn, t0, t1) =>
      ['convTilesOut', xn, offs, ckk, Ap + 4 * g * aSize, Kg, out(n, g), OH, OW, Wp, rowTiles, tail, t0, t1, bias(g), relu]);
    return;
  }
  /** The tail columns: gathered (col, with its B_MATRIX parameters at prm), multiplied into yt, then cropped into y. */
  const tailCalls = (n: number, g: number, xpad: number, [col, prm, yt]: number[]): Call[] => tail === 0 ? [] : [
    ['gatherColumns', xpad, offs, ckk, Wp, OH, 8 * rowTiles, tail, col, tailCols],
    ['gemm', B_MATRIX, prm, Kg, tailCols, ckk, 0, Ap + 4 * g * aSize, yt, tailCols, 0, MY_BP, MY_TMP],
    ['convEpilogue', yt, tailCols, Kg, tail, OH, tail, OW, bias(g), out(n, g) + 4 * 8 * rowTiles, c.relu ? 1 : 0],
  ];
  const tailScratch = (): number[] => {
    if (tail === 0) return [0, 0, 0];
    const col = rt.alloc(ckk * tailCols), prm = rt.alloc(3);
    rt.setI32(prm, [col, tailCols, 1]);
    return [col, prm, rt.alloc(Kg * tailCols)];
  };
  if (N * G >= S) {
    const chunks = chunkRanges(N * G, S, 1);
    const scratch = chunks.map(() => [inPlace ? 0 : rt.alloc(geo.padFloats), rt.alloc(rows * ldy), ...tailScratch()]);
    rt.run(chunks.map(([i0, i1], i): Call[] => {
      const [xpad, yv, ...tailBufs] = scratch[i], calls: Call[] = [];
      for (let j = i0; j < i1; j++) {
        const n = Math.floor(j / G), g = j % G, xn = inPlace ? image(n, g) : xpad;
        calls.push(...pad(n, g, xpad, j === i0), taps(g, xn, yv, 0, tiles), epilogue(n, g, yv), ...tailCalls(n, g, xn, tailBufs));
      }
      return calls;
    }));
  } else {
    // Fewer images than threads: split each image's tiles instead (the tail runs as one more chunk).
    const xpad = inPlace ? 0 : rt.alloc(geo.padFloats), yv = rt.alloc(rows * ldy), parts = splitRange(tiles, S, 1), tailBufs = tailScratch();
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < G; g++) {
        const xn = inPlace ? image(n, g) : xpad;
        if (!inPlace) rt.run([pad(n, g, xpad, n === 0 && g === 0)]);
        const chunks = parts.map(([t0, t1]): Call[] => [taps(g, xn, yv, t0, t1)]);
        if (tail) chunks.push(tailCalls(n, g, xn, tailBufs));
        rt.run(chunks);
        rt.run([[epilogue(n, g, yv)]]);
      }
    }
  }
}

/**
 * Runs tileCall(n, g, xn, t0, t1) over the tiles [0, tiles) of every image and group, xn its input (in
 * place when unpadded, else padded into scratch by the same chunk): threads split whole images, or each
 * image's tiles when there are fewer images than chunks (S).
 */
function runImageTiles(
  rt: WasmRuntime, c: DirectConv, geo: DirectGeometry, tiles: number, S: number,
  tileCall: (n: number, g: number, xn: number, t0: number, t1: number) => Call,
): void {
  const { N, G, Cg, H, W } = c, inPlace = c.pads.every((p) => p === 0);
  const image = (n: number, g: number) => c.x + 4 * (n * G + g) * Cg * H * W;
  // As runDirectConv's: only the first image padded into a scratch zeroes it.
  const pad = (n: number, g: number, xpad: number, first: boolean): Call[] =>
    inPlace ? [] : [['padImage', image(n, g), Cg, H, W, c.pads[0], c.pads[2], geo.Hp, geo.Wp, xpad, first ? geo.padFloats : 0]];
  if (N * G >= S) {
    const chunks = chunkRanges(N * G, S, 1), pads = chunks.map(() => (inPlace ? 0 : rt.alloc(geo.padFloats)));
    rt.run(chunks.map(([i0, i1], i): Call[] => {
      const calls: Call[] = [];
      for (let j = i0; j < i1; j++) {
        const n = Math.floor(j / G), g = j % G;
        calls.push(...pad(n, g, pads[i], j === i0), tileCall(n, g, inPlace ? image(n, g) : pads[i], 0, tiles));
      }
      return calls;
    }));
    return;
  }
  const xpad = inPlace ? 0 : rt.alloc(geo.padFloats), parts = splitRange(tiles, S, 1);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      if (!inPlace) rt.run([pad(n, g, xpad, n === 0 && g === 0)]);
      rt.run(parts.map(([t0, t1]): Call[] => [tileCall(n, g, inPlace ? image(n, g) : xpad, t0, t1)]));
    }
  }
}

/** Whether a stride-1 convolution's 2x2 pool (Conv2D's `pool`) runs in its tiles (runPooledConv). */
export const poolInTiles = (geo: DirectGeometry | null, a: Conv2DAttrs, ckk: number): geo is DirectGeometry =>
  geo !== null && a.stride[0] === 1 && a.stride[1] === 1 && ckk <= TILE_TAPS_MAX && geo.OH >= 2 && geo.OW >= 2;

/**
 * y = pool2x2(conv(x, w) + bias, then ReLU), stride 1, the pool (2x2, stride 2, floor mode) applied in the
 * tiles' registers (asm convPoolOut): the full-size output is never stored. y is [N][G*Kg][OH/2][OW/2].
 */
export function runPooledConv(rt: WasmRuntime, c: DirectConv, pool: 'avg' | 'max', geo: DirectGeometry): void {
  const { N, G, Cg, Kg, kh, kw } = c, ckk = Cg * kh * kw, PH = geo.OH >> 1, PW = geo.OW >> 1;
  // Tiles of two pooled columns of a row, then (PW odd) of two pooled rows of the last column.
  const tiles = PH * (PW >> 1) + (PW & 1 ? Math.ceil(PH / 2) : 0);
  const { offs, Ap, aSize } = tapsAndPanels(rt, c, geo);
  const relu = c.relu ? 1 : 0, kind = pool === 'avg' ? 1 : 2;
  runImageTiles(rt, c, geo, tiles, rt.chunksFor(N * G * Kg * ckk * tiles * 8), (n, g, xn, t0, t1) =>
    ['convPoolOut', xn, offs, ckk, Ap + 4 * g * aSize, Kg, c.y + 4 * (n * G + g) * Kg * PH * PW, PH, PW, geo.Wp, t0, t1, c.bias ? c.bias + 4 * g * Kg : 0, relu, kind]);
}

export interface AdjointTiles {
  /** Arena pointers: dy [N][G*Kg][OH][OW], weights [G*Kg][Cg][kh][kw], dx [N][G*Cg][H][W]. */
  dy: number;
  w: number;
  dx: number;
  /** W^T already packed per group (packAdjointFilters), else packed from w here. */
  filters?: number;
  N: number; G: number; Cg: number; Kg: number; H: number; W: number; kh: number; kw: number; dh: number; dw: number;
  /** dy's plane; OW % 8 must be 0, 2 or 4 (see adjointTilesFit). */
  OH: number;
  OW: number;
}

/**
 * W^T of each group's [Kg][Cg][taps] weights at w, packed as GEMM A panels at Ap (G * packedASize(ckk, Kg)
 * floats), its rows in (tap, channel) order: the 4 rows of a panel are then mostly one tap of 4 channels,
 * whose dx rows lie in different planes. In (channel, tap) order they were 4 neighbouring taps, and each
 * row's read-modify-write of dx overlapped the one just stored 4 bytes before it, so no load could take its
 * value from the store in flight (a store-forwarding stall per row).
 */
export function packAdjointFilters(rt: WasmRuntime, w: number, G: number, Kg: number, Cg: number, taps: number, Ap: number): void {
  const ckk = Cg * taps, aSize = packedASize(ckk, Kg);
  let src = w;
  if (Cg > 1 && taps > 1) {
    src = rt.alloc(G * Kg * ckk);
    const prm = rt.alloc(7);
    rt.setI32(prm, [3, G * Kg, taps, Cg, ckk, 1, taps]);
    rt.run([[['stridedCopy', w, src, prm, 0, G * Kg * taps, MY_TMP]]]);
  }
  for (let g = 0; g < G; g++) packA(rt, 1, { ptr: src + 4 * g * Kg * ckk, rs: 1, cs: ckk }, ckk, Kg, Ap + 4 * g * aSize);
}

/** Byte offsets of each W^T row's dx origin, in packAdjointFilters' (tap, channel) order. */
function adjointTapOffsets(Cg: number, kh: number, kw: number, dh: number, dw: number, H: number, W: number): number[] {
  const offs: number[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) for (let ch = 0; ch < Cg; ch++) offs.push(4 * (ch * H * W + ky * dh * W + kx * dw));
  }
  return offs;
}

/** Whether convAdjointTiles takes dy rows of OW: whole 8-column tiles, then a tail of 0, 2 or 4 columns. */
export const adjointTilesFit = (OW: number) => OW % 8 === 0 || tailInPlace(OW % 8);

/**
 * dx of an unpadded stride-1 convolution whose dy rows are 8-column tiles and a tail of 2 or 4 (asm convAdjointTiles:
 * W^T . dy added straight into dx, no columns stored or folded), chunks of whole images and groups.
 */
export function runAdjointTiles(rt: WasmRuntime, c: AdjointTiles, chunks: readonly [number, number][]): void {
  const { N, G, Cg, Kg, H, W, kh, kw } = c, ckk = Cg * kh * kw, P = c.OH * c.OW;
  const aSize = packedASize(ckk, Kg), Ap = c.filters ?? rt.alloc(G * aSize);
  if (c.filters === undefined) packAdjointFilters(rt, c.w, G, Kg, Cg, kh * kw, Ap);
  const tapOffs = rt.alloc(ckk);
  rt.setI32(tapOffs, adjointTapOffsets(Cg, kh, kw, c.dh, c.dw, H, W));
  rt.run(chunks.map(([i0, i1]): Call[] => {
    const calls: Call[] = [];
    for (let j = i0; j < i1; j++) {
      const n = Math.floor(j / G), g = j % G;
      calls.push(['convAdjointTiles', c.dy + 4 * (n * G + g) * Kg * P, 4 * P, Kg, Ap + 4 * g * aSize, ckk, tapOffs, c.OH, c.OW,
        Math.floor(c.OW / 8), c.OW % 8, W, c.dx + 4 * (n * G + g) * Cg * H * W, Cg * H * W]);
    }
    return calls;
  }));
}

/** Weights of the input-gradient convolution: wt[g*Cg + c][k][kh-1-ky][kw-1-kx] = w[g*Kg + k][c][ky][kx]. */
export function flipTranspose(w: Float32Array, G: number, Kg: number, Cg: number, kh: number, kw: number): Float32Array {
  const taps = kh * kw, out = new Float32Array(w.length);
  for (let g = 0; g < G; g++) {
    for (let k = 0; k < Kg; k++) {
      for (let c = 0; c < Cg; c++) {
        const src = ((g * Kg + k) * Cg + c) * taps, dst = ((g * Cg + c) * Kg + k) * taps;
        for (let t = 0; t < taps; t++) out[dst + taps - 1 - t] = w[src + t];
      }
    }
  }
  return out;
}

/** Padding of the input-gradient convolution (negative when the forward padding exceeds the dilated kernel). */
export function adjointPads(kh: number, kw: number, a: Conv2DAttrs): [number, number, number, number] {
  const eh = a.dilation[0] * (kh - 1), ew = a.dilation[1] * (kw - 1);
  return [eh - a.pads[0], eh - a.pads[1], ew - a.pads[2], ew - a.pads[3]];
}

export interface DirectFilterGrad extends ConvSizes {
  /** Arena pointers: input [N][G*Cg][H][W], dy [N][G*Kg][OH][OW]. */
  x: number;
  dy: number;
}

/** dw = sum over images of x (*) dy, stride 1; returns the filter gradient [G*Kg][Cg*kh*kw]. */
export function runDirectFilterGrad(rt: WasmRuntime, c: DirectFilterGrad, geo: DirectGeometry): Float32Array {
  const { N, G, Cg, Kg, H, W, kh, kw } = c;
  const ckk = Cg * kh * kw, P = geo.OH * geo.OW, Kp = Math.ceil(Kg / 8) * 8, panels = Math.ceil(ckk / 4);
  const offs = rt.alloc(panels * 4);
  rt.setI32(offs, tapOffsets(Cg, kh, kw, c.dh, c.dw, geo, 4));
  // Taps read rows of the output's width only: an unpadded input is read where it is.
  const inPlace = c.pads.every((p) => p === 0);
  const padStride = geo.padFloats + ((16 - (geo.padFloats % 16)) % 16), bStride = Kp * P;
  const xpads = inPlace ? 0 : rt.alloc(N * padStride), bps = rt.alloc(N * bStride), dwt = rt.alloc(panels * 4 * Kp);
  const xStride = inPlace ? G * Cg * H * W : padStride;
  const out = new Float32Array(G * Kg * ckk);
  const S = rt.chunksFor(N * Kg * ckk * P);
  for (let g = 0; g < G; g++) {
    rt.run(chunkRanges(N, S, 1).map(([n0, n1]): Call[] => {
      const calls: Call[] = [];
      for (let n = n0; n < n1; n++) {
        if (!inPlace) calls.push(['padImage', c.x + 4 * (n * G + g) * Cg * H * W, Cg, H, W, c.pads[0], c.pads[2], geo.Hp, geo.Wp, xpads + 4 * n * padStride, geo.padFloats]);
        calls.push(['packDyPanels', c.dy + 4 * (n * G + g) * Kg * P, Kg, P, bps + 4 * n * bStride]);
      }
      return calls;
    }));
    const x = inPlace ? c.x + 4 * g * Cg * H * W : xpads;
    rt.run(chunkRanges(panels, S, 1).map(([i0, i1]): Call[] =>
      [['convFilterTaps', x, 4 * xStride, N, offs, bps, 4 * bStride, Kg, geo.OH, geo.OW, geo.Wp, dwt, i0, i1]]));
    const t = rt.takeF32(dwt, panels * 4 * Kp);
    for (let k = 0; k < Kg; k++) {
      const row = (g * Kg + k) * ckk;
      for (let tap = 0; tap < ckk; tap++) out[row + tap] = t[tap * Kp + k];
    }
  }
  return out;
}
