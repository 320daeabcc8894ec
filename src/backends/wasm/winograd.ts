/**
 * Stride-1 3x3 convolutions by Winograd F(m x m, 3x3), m = 2 (asm/winograd.ts) or 4 (asm/winograd4.ts):
 * per plane of images (see winogradLayout), the padded input becomes (m+2)^2 transformed planes V[xi]
 * (C x tiles), the filters as many matrices U[xi] (K x C, transformed straight into packed GEMM panels),
 * the products U[xi] . V[xi] run on the GEMM, and the output transform rebuilds m x m tiles. 2.25x
 * (m = 2) or 4x (m = 4) fewer multiplies than im2col, at the price of transforms; winogradPlan picks m
 * per layer by the tiles each wastes. Sums are regrouped, so results differ from the reference in the
 * last bits (the parity tests bound it; F(4x4) amplifies rounding ~10x more than F(2x2), and its points
 * were chosen to keep that within the bounds, see asm/winograd4.ts). The input gradient of such a
 * convolution is one too (flipped, transposed weights), so Conv2DBackpropInput uses it as well; the
 * filter gradient has its own transforms (runWinogradFilterGrad).
 */
import { B_MATRIX, packedASize } from './gemm.js';
import { MY_BP, MY_TMP, splitRange, type Call, type WasmRuntime } from './runtime.js';
import type { ConvSizes } from './direct.js';

type Pads = readonly [number, number, number, number];

/** Tiles per block of tile rows (see runWinograd), by tile size m: about the same floats of V either way. */
const BLOCK_TILES = { 2: 96, 4: 40 } as const;
/** Narrower blocks make GEMMs too thin to pay (ResNet's 7x7 maps): few planes then split each step instead. */
const MIN_BLOCK_TILES = 8;

/**
 * Floats between the xi rows of a transformed block holding n floats each: a whole number of 4 KiB
 * pages plus one cache line, so the 16 or 36 streams a transform writes (or reads) fall in different L1 sets
 * (a multiple of 4 KiB put them all in one set: the transforms ran 2-3x slower).
 */
const xiStride = (n: number) => Math.ceil(n / 1024) * 1024 + 16;

/** Output tile size: F(2x2, 3x3) or F(4x4, 3x3). */
export type WinogradTile = 2 | 4;

export interface WinogradConv extends Pick<ConvSizes, 'N' | 'G' | 'Cg' | 'Kg' | 'H' | 'W' | 'pads'> {
  /** Arena pointers: input [N][G*Cg][H][W], bias [G*Kg] or 0, output [N][G*Kg][OH][OW]. */
  x: number;
  bias: number;
  y: number;
  /**
   * Arena pointer to the conv's weights [G*Kg][Cg][3][3]; `adjoint`: the weights are those of the
   * convolution this one is the input gradient of ([G*Cg][Kg][3][3]), used flipped and transposed.
   */
  w: number;
  adjoint?: boolean;
  /** Filters already transformed by winogradFilters (then `w` is not read). */
  filters?: number;
  /** ReLU after the bias (Conv2D's activation). */
  relu?: boolean;
  /** The plan (winogradPlan) the filters were transformed for; default: winogradPlan's choice. */
  layout?: WinogradLayout;
}

/**
 * How images sit in the zero-padded planes the transforms read. By default every image has its own
 * plane, tiled TH x TW (TW rounded up to 4: the transforms run 4 tiles per vector). Images so narrow
 * that most of a 4-tile row would be wasted (ResNet's 4x4 stage: 2 of 4 tiles) share planes instead:
 * `per` of them side by side, each in a slot `slot` columns wide (its own zero padding, rounded up to
 * even so tiles start at every slot); the outputs between slots are dropped. Images at most two F(4x4)
 * tiles wide (ResNet's 8x8 and 4x4 stages) share planes with no tile wasted: `tpi` tiles an image,
 * images `slot` = 4*tpi + 2 columns apart in the plane (each tile reads its own image's columns) and
 * `outSlot` = 4*tpi apart in the output; adjacent 4-column tiles would waste a third to a half there.
 */
export interface WinogradLayout {
  /** Output tile size. */
  m: WinogradTile;
  OH: number;
  OW: number;
  TH: number;
  TW: number;
  /** Images per plane, and columns per image in the plane (the padded width rounded up to even). */
  per: number;
  slot: number;
  planes: number;
  /** Tiles per image row when images are tiled apart (0: tiles are adjacent, m columns apart), and output columns per image. */
  tpi: number;
  outSlot: number;
}

/**
 * Measuring aid: how much more of a plane's columns own planes may waste than shared ones before
 * images share (own planes measured faster at ResNet-18's 8x8 stage, 0% vs 20% waste; on par at 4x4,
 * 50% vs 33%).
 */
export const winogradTuning: { shareAtExtraWaste: number; tile: WinogradTile | null; f4Cost: number } = { shareAtExtraWaste: 0.1, tile: null, f4Cost: 0.85 };
/** 2x2 tiles per shared plane to aim for: enough columns for the GEMMs to reuse each packed filter block. */
const PLANE_TILES = 192;
/** F(4x4) tiles per row of a plane of images tiled apart (tpi > 0): a batch of 32 4x4 images is one plane. */
const PLANE_ROW_TILES = 32;

/** Output size of a stride-1 3x3 convolution with these pads. */
export function winogradOutput(H: number, W: number, pads: Pads): { OH: number; OW: number } {
  return { OH: H + pads[0] + pads[1] - 2, OW: W + pads[2] + pads[3] - 2 };
}

/** Tiles of size m (4 to a vector) covering `width` output columns. */
const tileColumns = (width: number, m: number) => Math.ceil(Math.ceil(width / m) / 4) * 4;

export function winogradLayout(N: number, H: number, W: number, pads: Pads, m: WinogradTile = 2): WinogradLayout {
  const { OH, OW } = winogradOutput(H, W, pads);
  const TH = Math.ceil(OH / m), slot = Math.ceil((OW + 2) / m) * m, ownTW = tileColumns(OW, m);
  const tpi = Math.ceil(OW / 4);
  if (m === 4 && N > 1 && tpi <= 2) {
    // About PLANE_ROW_TILES tiles a row of a plane, planes balanced.
    const per = Math.ceil(N / Math.ceil((N * tpi) / PLANE_ROW_TILES));
    return { m, OH, OW, TH, TW: tileColumns(4 * tpi * per, 4), per, slot: 4 * tpi + 2, planes: Math.ceil(N / per), tpi, outSlot: 4 * tpi };
  }
  const ownWaste = 1 - OW / (m * ownTW), sharedWaste = 1 - OW / slot;
  if (N === 1 || ownWaste <= sharedWaste + winogradTuning.shareAtExtraWaste) return { m, OH, OW, TH, TW: ownTW, per: 1, slot, planes: N, tpi: 0, outSlot: slot };
  const planeTiles = (PLANE_TILES * 4) / (m * m);
  const per = Math.ceil(N / Math.min(N, Math.ceil((N * TH * slot) / m / planeTiles))), planeOW = (per - 1) * slot + OW;
  return { m, OH, OW, TH, TW: tileColumns(planeOW, m), per, slot, planes: Math.ceil(N / per), tpi: 0, outSlot: slot };
}

/** Padded plane size the input transform reads (F(4x4)'s reads 2 floats past the last patch of a row of adjacent tiles). */
function planeSize(L: WinogradLayout): { Hp: number; Wp: number } {
  return { Hp: L.m * L.TH + 2, Wp: L.tpi > 0 ? (L.TW / L.tpi) * L.slot : L.m * L.TW + (L.m === 4 ? 4 : 2) };
}

/**
 * The layout a Winograd convolution runs: F(4x4) where its GEMM work (36 products per tile, tiles
 * counted with the ones wasted at the edges) is below f4Cost times F(2x2)'s (16 per tile), which pays
 * for its heavier transforms; else F(2x2). Measured on 2 threads (ms, F(2x2) -> F(4x4)): W3's layer
 * 30.5 -> 18.1; ResNet-18 at batch 1: 56x56 2.39 -> 1.35, 28x28 1.72 -> 1.13, 14x14 1.52 -> 1.20, and
 * 7x7 2.15 -> 3.15, which the cost model keeps on F(2x2) (its 4x4 tiles would be half waste).
 */
export function winogradPlan(N: number, H: number, W: number, pads: Pads): WinogradLayout {
  const f2 = winogradLayout(N, H, W, pads, 2);
  if (winogradTuning.tile === 2) return f2;
  const f4 = winogradLayout(N, H, W, pads, 4);
  if (winogradTuning.tile === 4) return f4;
  const work = (L: WinogradLayout) => (L.m + 2) ** 2 * L.planes * L.TH * L.TW;
  return work(f4) < winogradTuning.f4Cost * work(f2) ? f4 : f2;
}

/** Transformed operands (xi) of a tile size. */
export const winogradOperands = (m: WinogradTile) => (m + 2) * (m + 2);

/**
 * Whether Winograd pays here (measured on the W3 layer and ResNet-18's): 3x3, stride 1, dilation 1,
 * enough channels for the GEMMs to dominate the transforms, and at least 2 output rows.
 */
export function winogradFits(kh: number, kw: number, stride: readonly number[], dilation: readonly number[], Cg: number, Kg: number, OH: number): boolean {
  return kh === 3 && kw === 3 && stride[0] === 1 && stride[1] === 1 && dilation[0] === 1 && dilation[1] === 1
    && Cg >= 16 && Kg >= 16 && OH >= 2;
}

/** Tile-row blocks of about `tiles` tiles (at least one row). */
function tileBlocks(TH: number, TW: number, tiles: number): { blocks: [number, number][]; Tb: number } {
  const rows = Math.min(TH, Math.max(1, Math.floor(tiles / TW)));
  return { blocks: splitRange(TH, Math.ceil(TH / rows), 1), Tb: rows * TW };
}

/** The calls that zero-pad images [n0, n1) (at(n): where image n's `channels` H x W planes start) into one plane. */
function padPlane(at: (n: number) => number, n0: number, n1: number, channels: number, H: number, W: number, pt: number, pl: number, L: WinogradLayout, slot: number, Hp: number, Wp: number, dst: number): Call[] {
  const floats = channels * Hp * Wp;
  if (L.per === 1) return [['padImage', at(n0), channels, H, W, pt, pl, Hp, Wp, dst, floats]];
  const calls: Call[] = [['zero', dst, floats]];
  for (let n = n0; n < n1; n++) calls.push(['padImage', at(n), channels, H, W, pt, pl + (n - n0) * slot, Hp, Wp, dst, 0]);
  return calls;
}

/** The input transform of `rows` tile rows of C padded planes at xpad into V (T tiles a row of V, xi rows vStride apart). */
function inputTransform(L: WinogradLayout, xpad: number, C: number, Hp: number, Wp: number, rows: number, V: number, T: number, vStride: number): Call {
  return L.m === 4 ? ['wino4Input', xpad, C, Hp, Wp, rows, L.TW, L.tpi, L.slot, V, T, vStride, MY_TMP]
    : ['winoInput', xpad, C, Hp, Wp, rows, L.TW, V, T, vStride, MY_TMP];
}

/** Splits a list of independent calls into at most `parts` chunks. */
const spread = (calls: Call[], parts: number): Call[][] => splitRange(calls.length, parts, 1).map(([a, b]) => calls.slice(a, b));

/**
 * U[g][xi] = G w G^T for every filter, transformed straight into packed GEMM operands at Ap
 * (G * winogradOperands(m) * packedASize(Kg, Cg) floats; threads split filter panels).
 */
export function winogradFilters(rt: WasmRuntime, c: Pick<WinogradConv, 'w' | 'adjoint' | 'G' | 'Cg' | 'Kg'>, m: WinogradTile, Ap: number): void {
  const { G, Cg, Kg } = c;
  const aSize = packedASize(Kg, Cg), panels = Math.ceil(Kg / 4), nxi = winogradOperands(m);
  const [fs, cs] = c.adjoint ? [9, 9 * Kg] : [9 * Cg, 9];
  rt.run(splitRange(G * panels, rt.chunksFor(G * Kg * Cg * 4 * nxi), 1).map(([p0, p1]): Call[] => {
    const calls: Call[] = [];
    for (let p = p0; p < p1; p++) {
      const g = Math.floor(p / panels), k = 4 * (p % panels);
      const args = [c.w + 4 * g * Kg * Cg * 9, Kg, Cg, fs, cs, c.adjoint ? 1 : 0, k, k + 4, Ap + 4 * g * nxi * aSize, aSize];
      calls.push(m === 4 ? ['wino4Filter', ...args, MY_TMP] : ['winoFilter', ...args]);
    }
    return calls;
  }));
}

/** y = conv3x3(x, w) + bias, stride 1, on the arena. */
export function runWinograd(rt: WasmRuntime, c: WinogradConv): void {
  const { N, G, Cg, Kg, H, W, pads } = c;
  const L = c.layout ?? winogradPlan(N, H, W, pads), { m, OH, OW, TH, TW } = L;
  const nxi = winogradOperands(m);
  const { Hp, Wp } = planeSize(L);
  const padFloats = Cg * Hp * Wp, aSize = packedASize(Kg, Cg);
  let Ap = c.filters ?? -1;
  if (Ap < 0) winogradFilters(rt, c, m, (Ap = rt.alloc(G * nxi * aSize)));
  const P = OH * OW, yRows = m * TH, yvFloats = yRows * m * TW;
  const S = rt.chunksFor(L.planes * G * nxi * Kg * Cg * TH * TW);
  // Tile-row blocks of ~BLOCK_TILES tiles: a block's V and M stay in L2 between the transforms and the
  // GEMMs. With fewer planes than chunks, blocks small enough that every chunk gets some.
  const small = L.planes * G < S ? tileBlocks(TH, TW, Math.min(BLOCK_TILES[m], Math.ceil((TH * TW) / S))) : null;
  const blockwise = small !== null && small.blocks.length >= 2 && small.Tb >= MIN_BLOCK_TILES;
  const { blocks, Tb } = blockwise ? small : tileBlocks(TH, TW, BLOCK_TILES[m]);
  const vStride = xiStride(Cg * Tb), mStride = xiStride(Kg * Tb);
  /** Scratch of one chunk: padded plane, V and M of one block, the tiled output, nxi GEMM parameter blocks (plane and output may be shared). */
  const scratch = (shared?: { xpad: number; yv: number }) => {
    const xpad = shared?.xpad ?? rt.alloc(padFloats), V = rt.alloc(nxi * vStride), M = rt.alloc(nxi * mStride);
    const yv = shared?.yv ?? rt.alloc(Kg * yvFloats);
    // GEMM B operands V[xi] of each block (blocks differ in tile count only at the end).
    const prm = rt.alloc(blocks.length * nxi * 3);
    blocks.forEach(([ty0, ty1], b) => {
      const tb = (ty1 - ty0) * TW;
      for (let xi = 0; xi < nxi; xi++) rt.setI32(prm + 12 * (nxi * b + xi), [V + 4 * xi * vStride, tb, 1]);
    });
    return { xpad, V, M, yv, prm };
  };
  type Scratch = ReturnType<typeof scratch>;
  /** Input transform of block b for channels [c0, c1). */
  const input = (b: number, s: Scratch, c0: number, c1: number): Call => {
    const [ty0, ty1] = blocks[b], tb = (ty1 - ty0) * TW;
    return inputTransform(L, s.xpad + 4 * (c0 * Hp + m * ty0) * Wp, c1 - c0, Hp, Wp, ty1 - ty0, s.V + 4 * c0 * tb, tb, vStride);
  };
  /** Output transform of block b for filters [k0, k1). */
  const output = (b: number, s: Scratch, k0: number, k1: number): Call => {
    const [ty0, ty1] = blocks[b], tb = (ty1 - ty0) * TW;
    const args = [s.M + 4 * k0 * tb, k1 - k0, tb, mStride, ty1 - ty0, TW, s.yv + 4 * (k0 * yvFloats + m * ty0 * m * TW), yRows];
    return m === 4 ? ['wino4Output', ...args, MY_TMP] : ['winoOutput', ...args];
  };
  /** The nxi GEMMs of block b, group g, for tiles [t0, t1) and filters [k0, k1) (k0 a multiple of 4). */
  const gemms = (b: number, g: number, s: Scratch, t0: number, t1: number, k0: number, k1: number): Call[] => {
    const tb = (blocks[b][1] - blocks[b][0]) * TW;
    return Array.from({ length: nxi }, (_, xi): Call => ['gemm', B_MATRIX, s.prm + 12 * (nxi * b + xi), k1 - k0, t1 - t0, Cg, t0,
      Ap + 4 * ((g * nxi + xi) * aSize + k0 * Cg), s.M + 4 * (xi * mStride + k0 * tb + t0), tb, 0, MY_BP, MY_TMP]);
  };
  /** Plane p holds images [p*per, ...): padding them, and cropping their outputs (+ bias). */
  const pad = (p: number, g: number, s: Scratch): Call[] =>
    padPlane((n) => c.x + 4 * (n * G + g) * Cg * H * W, p * L.per, Math.min(N, (p + 1) * L.per), Cg, H, W, pads[0], pads[2], L, L.slot, Hp, Wp, s.xpad);
  const epilogues = (p: number, g: number, s: Scratch): Call[] => {
    const n0 = p * L.per, n1 = Math.min(N, n0 + L.per), calls: Call[] = [];
    for (let n = n0; n < n1; n++) {
      calls.push(['convEpilogue', s.yv + 4 * (n - n0) * L.outSlot, yvFloats, Kg, m * TW, OH, OW, OW, c.bias ? c.bias + 4 * g * Kg : 0, c.y + 4 * (n * G + g) * Kg * P, c.relu ? 1 : 0]);
    }
    return calls;
  };
  if (L.planes * G >= S) {
    // Every chunk runs whole planes with its own scratch.
    rt.run(splitRange(L.planes * G, S, 1).map(([i0, i1]): Call[] => {
      const s = scratch(), calls: Call[] = [];
      for (let j = i0; j < i1; j++) {
        const p = Math.floor(j / G), g = j % G;
        calls.push(...pad(p, g, s));
        blocks.forEach((_, b) => calls.push(input(b, s, 0, Cg), ...gemms(b, g, s, 0, (blocks[b][1] - blocks[b][0]) * TW, 0, Kg), output(b, s, 0, Kg)));
        calls.push(...epilogues(p, g, s));
      }
      return calls;
    }));
    return;
  }
  if (blockwise) {
    // Fewer planes than chunks, but enough tile blocks: the plane is padded once, then every chunk runs
    // whole blocks (transform, GEMMs, transform) with its own V and M: three synchronizations a plane.
    const shared = { xpad: rt.alloc(padFloats), yv: rt.alloc(Kg * yvFloats) };
    const ranges = splitRange(blocks.length, S, 1), own = ranges.map(() => scratch(shared));
    for (let p = 0; p < L.planes; p++) {
      for (let g = 0; g < G; g++) {
        rt.run([pad(p, g, own[0])]);
        rt.run(ranges.map(([b0, b1], i): Call[] => {
          const calls: Call[] = [];
          for (let b = b0; b < b1; b++) calls.push(input(b, own[i], 0, Cg), ...gemms(b, g, own[i], 0, (blocks[b][1] - blocks[b][0]) * TW, 0, Kg), output(b, own[i], 0, Kg));
          return calls;
        }));
        rt.run(spread(epilogues(p, g, own[0]), S));
      }
    }
    return;
  }
  // One tile block: every step splits, the GEMMs by tiles (wide blocks) or by filters (the filters of
  // a thin block are better read by one thread each than streamed by all).
  const s = scratch();
  for (let p = 0; p < L.planes; p++) {
    for (let g = 0; g < G; g++) {
      rt.run([pad(p, g, s)]);
      blocks.forEach(([ty0, ty1], b) => {
        const tb = (ty1 - ty0) * TW;
        rt.run(splitRange(Cg, S, 1).map(([c0, c1]) => [input(b, s, c0, c1)]));
        rt.run(tb >= 32 * S ? splitRange(tb, S, 16).map(([t0, t1]) => gemms(b, g, s, t0, t1, 0, Kg))
          : splitRange(Kg, S, 4).map(([k0, k1]) => gemms(b, g, s, 0, tb, k0, k1)));
        rt.run(splitRange(Kg, S, 1).map(([k0, k1]) => [output(b, s, k0, k1)]));
      });
      rt.run(spread(epilogues(p, g, s), S));
    }
  }
}

/** Floats of transformed input and gradient tiles (V and Z) per block of the filter gradient: ~1 MB, in L2. */
const GRAD_BLOCK_FLOATS = 1 << 18;

export interface WinogradFilterGrad extends Pick<ConvSizes, 'N' | 'G' | 'Cg' | 'Kg' | 'H' | 'W' | 'pads'> {
  /** Arena pointers: input [N][G*Cg][H][W], output gradient [N][G*Kg][OH][OW]. */
  x: number;
  dy: number;
  /** Default: winogradPlan's choice. */
  layout?: WinogradLayout;
}

/**
 * dW of a stride-1 3x3 convolution by Winograd (F(4x4) or F(2x2), as winogradPlan picks for the
 * forward): per plane (winogradLayout) and tile block, V = B^T d B (the input transform) and
 * Z = A dy A^T (the gradient transform; dy is zero between and beyond the images, so those tiles add
 * nothing); 36 or 16 GEMMs S[xi] += Z[xi] . V[xi]^T sum over tiles and planes; dW = G^T S G. Chunks of
 * planes keep partial sums S, added in chunk order (results depend on the thread count in the last
 * bits only); fewer planes than chunks split their GEMMs across the threads instead.
 */
export function runWinogradFilterGrad(rt: WasmRuntime, c: WinogradFilterGrad): number {
  const { N, G, Cg, Kg, H, W, pads } = c;
  const L = c.layout ?? winogradPlan(N, H, W, pads), { m, OH, OW, TH, TW } = L;
  const nxi = winogradOperands(m);
  const { Hp, Wp } = planeSize(L), Hd = m * TH, Wd = m * TW;
  // dy needs no padded copy when its tiles cover it exactly.
  const dyInPlace = L.per === 1 && OH === Hd && OW === Wd;
  const padFloats = Cg * Hp * Wp, dyFloats = dyInPlace ? 0 : Kg * Hd * Wd, sFloats = G * nxi * Kg * Cg;
  const { blocks, Tb } = tileBlocks(TH, TW, Math.max(TW, Math.floor(GRAD_BLOCK_FLOATS / (nxi * (Cg + Kg)))));
  const vStride = xiStride(Cg * Tb), zStride = xiStride(Kg * Tb);
  const S = rt.chunksFor(L.planes * G * nxi * Kg * Cg * TH * TW);
  const byPlanes = L.planes * G >= S;
  const partials = byPlanes ? splitRange(L.planes * G, S, 1).length : 1;
  // (+4: winoFilterGrad reads whole vectors past the last filter-channel pair.)
  const sums = rt.alloc(partials * sFloats + 4);
  /** Scratch of one chunk: padded planes of x and dy, V and Z of one block, GEMM parameters. */
  const scratch = () => {
    const xpad = rt.alloc(padFloats), dypad = rt.alloc(dyFloats), V = rt.alloc(nxi * vStride), Z = rt.alloc(nxi * zStride);
    const prm = rt.alloc(blocks.length * nxi * 3);
    blocks.forEach(([ty0, ty1], b) => {
      const tb = (ty1 - ty0) * TW;
      // B = V[xi]^T (tiles x channels): a transposed operand.
      for (let xi = 0; xi < nxi; xi++) rt.setI32(prm + 12 * (nxi * b + xi), [V + 4 * xi * vStride, 1, tb]);
    });
    return { xpad, dypad, V, Z, prm };
  };
  type Scratch = ReturnType<typeof scratch>;
  const xAt = (g: number) => (n: number) => c.x + 4 * (n * G + g) * Cg * H * W;
  const dyAt = (g: number) => (n: number) => c.dy + 4 * (n * G + g) * Kg * OH * OW;
  /** Padding plane p of group g, and where its dy planes are read from. */
  const pad = (p: number, g: number, s: Scratch): { calls: Call[]; dy: number } => {
    const n0 = p * L.per, n1 = Math.min(N, n0 + L.per);
    const calls = padPlane(xAt(g), n0, n1, Cg, H, W, pads[0], pads[2], L, L.slot, Hp, Wp, s.xpad);
    if (dyInPlace) return { calls, dy: dyAt(g)(n0) };
    return { calls: [...calls, ...padPlane(dyAt(g), n0, n1, Kg, OH, OW, 0, 0, L, L.outSlot, Hd, Wd, s.dypad)], dy: s.dypad };
  };
  const transforms = (b: number, s: Scratch, dy: number): Call[] => {
    const [ty0, ty1] = blocks[b], tb = (ty1 - ty0) * TW;
    const grad = [dy + 4 * m * ty0 * Wd, Kg, Hd, Wd, ty1 - ty0, TW, s.Z, tb, zStride];
    return [
      inputTransform(L, s.xpad + 4 * m * ty0 * Wp, Cg, Hp, Wp, ty1 - ty0, s.V, tb, vStride),
      m === 4 ? ['wino4GradTransform', ...grad, MY_TMP] : ['winoGradTransform', ...grad],
    ];
  };
  const gemms = (b: number, g: number, xi0: number, xi1: number, s: Scratch, Ap: number, sum: number, acc: boolean): Call[] => {
    const tb = (blocks[b][1] - blocks[b][0]) * TW, calls: Call[] = [];
    for (let xi = xi0; xi < xi1; xi++) {
      calls.push(['packA', s.Z + 4 * xi * zStride, tb, 1, Kg, tb, Ap],
        ['gemm', B_MATRIX, s.prm + 12 * (nxi * b + xi), Kg, Cg, tb, 0, Ap, sum + 4 * (g * nxi + xi) * Kg * Cg, Cg, acc ? 1 : 0, MY_BP, MY_TMP]);
    }
    return calls;
  };
  const aSize = packedASize(Kg, Tb);
  if (byPlanes) {
    rt.run(splitRange(L.planes * G, S, 1).map(([j0, j1], i): Call[] => {
      const s = scratch(), Ap = rt.alloc(aSize), sum = sums + 4 * i * sFloats, calls: Call[] = [];
      const started = new Set<number>();
      for (let j = j0; j < j1; j++) {
        const p = Math.floor(j / G), g = j % G, padded = pad(p, g, s);
        calls.push(...padded.calls);
        blocks.forEach((_, b) => {
          calls.push(...transforms(b, s, padded.dy), ...gemms(b, g, 0, nxi, s, Ap, sum, started.has(g)));
          started.add(g);
        });
      }
      // A group no plane of this chunk reached (with more groups than planes per chunk).
      for (let g = 0; g < G; g++) if (!started.has(g)) calls.push(['zero', sum + 4 * g * nxi * Kg * Cg, nxi * Kg * Cg]);
      return calls;
    }));
  } else {
    // Fewer planes than chunks: per block, the threads split the GEMMs.
    const s = scratch(), xiRanges = splitRange(nxi, S, 1), Aps = rt.alloc(xiRanges.length * aSize);
    for (let p = 0; p < L.planes; p++) {
      for (let g = 0; g < G; g++) {
        const padded = pad(p, g, s);
        rt.run([padded.calls]);
        blocks.forEach((_, b) => {
          rt.run([transforms(b, s, padded.dy)]);
          rt.run(xiRanges.map(([x0, x1], i) => gemms(b, g, x0, x1, s, Aps + 4 * i * aSize, sums, p > 0 || b > 0)));
        });
      }
    }
  }
  // dW = G^T S G, the partial sums added on the way (threads split the filter-channel pairs).
  const KC = Kg * Cg, dw = rt.output(G * KC * 9);
  rt.run(splitRange(G * KC, rt.chunksFor(G * KC * nxi * (partials + 4)), 4).map(([i0, i1]): Call[] => {
    const calls: Call[] = [];
    for (let g = Math.floor(i0 / KC); g * KC < i1; g++) {
      const kc0 = Math.max(i0 - g * KC, 0), kc1 = Math.min(i1 - g * KC, KC);
      const args = [sums + 4 * g * nxi * KC, partials, sFloats, KC, kc0, kc1, dw + 4 * g * KC * 9];
      if (kc1 > kc0) calls.push(m === 4 ? ['wino4FilterGrad', ...args, MY_TMP] : ['winoFilterGrad', ...args]);
    }
    return calls;
  }));
  return dw;
}
