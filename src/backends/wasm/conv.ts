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
import { B_IM2COL, B_IM2COL_T, B_MATRIX, denseRows, gemm, gemmPackedA, packA, packAllBlocks, packedASize, packedBFloats } from './gemm.js';
import { runWinograd, runWinogradFilterGrad, winogradFilters, winogradFits, winogradOperands, winogradOutput, winogradPlan } from './winograd.js';
import { adjointPads, directGeometry, type DirectGeometry, flipTranspose, poolInTiles, runAdjointTiles, runDirectConv, runDirectFilterGrad, runPooledConv, tilesInPlace, adjointTilesFit, packAdjointFilters } from './direct.js';
import { pool2x2 } from './pool.js';
import { DW_IMAGE_GROUP, imageGroupPartials, runFewFilterGrad } from './filtergrad.js';
import { MY_BP, MY_TMP, THREAD_MIN_WORK, chunkRanges, splitRange, type Call, type WasmRuntime } from './runtime.js';
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

/** Testing and measuring aid: force (true) or forbid (false) the direct path where it applies (null = the built-in choice); allow Winograd. */
export const convPathOverride: { direct: boolean | null; winograd: boolean; fewFilters: boolean | null } = { direct: null, winograd: true, fewFilters: null };

/**
 * Whether the direct path (stride 1 only) runs, by a cost model in multiply-add units fitted to
 * measurements (LeNet/FuaNet layers, the 56x56 W3 layer, ResNet at 32/16/8 pixels): the direct path
 * pays for every padded position it computes; im2col pays ~8 multiply-adds per element it packs or folds.
 */
function chooseDirect(a: Conv2DAttrs, geo: DirectGeometry | null, directCost: number, im2colCost: number): geo is DirectGeometry {
  if (geo === null || a.stride[0] !== 1 || a.stride[1] !== 1) return false;
  if (convPathOverride.direct !== null) return convPathOverride.direct;
  return directCost < im2colCost;
}
/** Element packing or folding, in multiply-adds (see chooseDirect). */
const PACK_COST = 8;
/**
 * The filter-gradient microkernel (4 strided broadcasts per step) per multiply-add, against the GEMM's.
 * Fitted to (alone, batch 64 unless noted, 2 threads, ms, im2col -> direct): 6 -> 16 filters of 5x5 on
 * 14x14 0.67 -> 0.40, on 28x28 padded 5.5 -> 2.8; 10 -> 20 on 12x12 0.74 -> 0.59; 32 -> 64 of 5x5 on
 * 16x16 padded 20.4 -> 17.9; 1x1 64 -> 128 on 16x16, batch 32, 1.48 -> 2.0-2.2.
 */
const FILTER_DIRECT_COST = 1.1;
const up = (n: number, m: number) => Math.ceil(n / m) * m;

/** Calls per path and kernel (tests use it to prove every path ran). */
export const convPaths = new Map<string, number>();
const took = (kernel: string, path: 'dense' | 'depthwise' | 'winograd' | 'winograd4' | 'direct' | 'im2col' | 'fewFilters' | 'rowTiles' | 'pooledTiles') => {
  const key = `${kernel}:${path}`;
  convPaths.set(key, (convPaths.get(key) ?? 0) + 1);
};

/** A convolution whose kernel covers the whole unpadded input is a fully connected layer: one GEMM over the batch. */
function isDense(H: number, W: number, kh: number, kw: number, a: Conv2DAttrs): boolean {
  return a.groups === 1 && kh === H && kw === W && a.pads.every((p) => p === 0);
}

/**
 * Bias and ReLU over y [N][K][P] in the arena (for the paths whose kernels have no epilogue): the
 * direct path's epilogue run in place on rows of P, threads splitting the N*K rows.
 */
function biasEpilogue(rt: WasmRuntime, y: number, bias: Buf | undefined, relu: boolean, N: number, K: number, P: number): void {
  if (!bias && !relu) return;
  const bp = bias ? rt.ptrOf(bias) : 0;
  rt.run(splitRange(N * K, rt.chunksFor(N * K * P), 1).map(([r0, r1]): Call[] => {
    const calls: Call[] = [];
    for (let r = r0; r < r1;) {
      const k = r % K, rows = Math.min(r1 - r, K - k), at = y + 4 * r * P;
      calls.push(['convEpilogue', at, P, rows, P, 1, P, P, bp ? bp + 4 * k : 0, at, relu ? 1 : 0]);
      r += rows;
    }
    return calls;
  }));
}

/** Images below which a dense convolution (a fully connected layer) runs as matrix-vector products. */
const GEMV_MAX_N = 4;

/**
 * Groups with one input channel run the direct kernels only below this many filters per group: from 4
 * filters on, a GEMM with one 4-row panel per group beats per-row SIMD taps.
 */
const DIRECT_MAX_KG = 4;
/**
 * Whether a stride-1 filter gradient runs asm/filtergrad.ts's kernel (filter pairs, blocks of 4 taps,
 * no packing) rather than the direct one (8-filter columns, 4-tap panels): for one input channel per
 * group (first layers), always. Measured alone, batch 64, 28x28, 2 threads (ms, few filters vs direct),
 * 5x5 filters: 6 with padding 2 0.42 vs 0.63; 10 0.46 vs 0.92; 16 0.65 vs 1.11; 20 0.62 vs 1.16; 24
 * 0.89 vs 1.43; 32 1.04 vs 1.73; 64 2.04 vs 3.80; 3x3 with padding 1: 16 0.34 vs 0.97, 64 1.15 vs 3.55.
 */
const fewFilters = (Cg: number) => Cg === 1;

/**
 * Image ranges when each image is too small to split (every chunk then runs whole images, one thread
 * each), or null to split inside every image instead. Calls per chunk stay within the pool's job size.
 * Images of few output positions (`columns`) are not split either when there are images enough for
 * every chunk: split, each thread's GEMM got a sliver of the columns against all of the filters (a
 * ResNet stride-2 layer at 8x8 ran at 47 GFLOP/s split, 90 whole).
 */
function imageChunks(rt: WasmRuntime, N: number, G: number, workPerImage: number, columns: number): [number, number][] | null {
  if (N * G > 400) return null;
  const S = rt.chunksFor(N * workPerImage);
  return workPerImage < THREAD_MIN_WORK || (columns < SPLIT_MIN_COLUMNS && N >= S) ? splitRange(N, S, 1) : null;
}
/** Output positions per image from which threads split inside images (see imageChunks). */
const SPLIT_MIN_COLUMNS = 512;

/** Each group's filters [Kg][ckk] packed as GEMM A panels at Ap (G * aSize floats). */
function packFilters(rt: WasmRuntime, wp: number, G: number, Kg: number, ckk: number, aSize: number, Ap: number): void {
  const S = rt.chunksFor(G * Kg * ckk * 16);
  for (let g = 0; g < G; g++) packA(rt, S, { ptr: wp + 4 * g * Kg * ckk, rs: ckk, cs: 1 }, Kg, ckk, Ap + 4 * g * aSize);
}

export const Conv2D: WasmKernel<'Conv2D'> = (rt, inputs, a) => {
  const [x, w, bias] = inputs;
  const [N, C, H, W] = x.shape;
  const [K, Cg, kh, kw] = w.shape;
  const OH = outSize(H, kh, a.pads[0], a.pads[1], a.stride[0], a.dilation[0]);
  const OW = outSize(W, kw, a.pads[2], a.pads[3], a.stride[1], a.dilation[1]);
  const why = check(inputs, [N, C, H, W, K, OH, OW]) ?? (a.pool && (OH < 2 || OW < 2) ? 'a fused 2x2 pool of an output under 2x2 (the reference kernel reports the error)' : null);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, g10 = geo(H, W, kh, kw, a), relu = a.activation === 'relu';
  const direct = directGeometry(Cg, Kg, H, W, kh, kw, a.dilation[0], a.dilation[1], a.pads);
  const path = isDense(H, W, kh, kw, a) ? 'dense' : Cg === 1 && Kg < DIRECT_MAX_KG ? 'depthwise'
    : convPathOverride.winograd && a.pads.every((p) => p >= 0) && winogradFits(kh, kw, a.stride, a.dilation, Cg, Kg, OH) ? 'winograd'
    : chooseDirect(a, direct, up(Kg, 4) * (direct?.convTiles ?? 0) * 8, P * (up(Kg, 4) + PACK_COST)) ? 'direct' : 'im2col';
  const ckk = Cg * kh * kw, aSize = packedASize(Kg, ckk);
  if (a.pool && (path === 'direct' || path === 'im2col') && poolInTiles(direct, a, ckk)) {
    took('Conv2D', 'pooledTiles');
    const Ap = rt.resident(w.key, `im2col:${G}:${Kg}:${ckk}`, G * aSize, (Ap) => packFilters(rt, rt.ptrOf(w), G, Kg, ckk, aSize, Ap));
    const y = rt.output(N * K * (OH >> 1) * (OW >> 1));
    runPooledConv(rt, { x: rt.ptrOf(x), w: Ap >= 0 ? 0 : rt.ptrOf(w), filters: Ap >= 0 ? Ap : undefined, bias: bias ? rt.ptrOf(bias) : 0, y, N, G, Cg, Kg, H, W, kh, kw, dh: a.dilation[0], dw: a.dilation[1], pads: a.pads, relu }, a.pool, direct);
    return [{ ptr: y, shape: [N, K, OH >> 1, OW >> 1], dtype: 'float32' }];
  }
  const layout = path === 'winograd' ? winogradPlan(N, H, W, a.pads) : null;
  took('Conv2D', layout?.m === 4 ? 'winograd4' : path === 'direct' && tilesInPlace(direct!, ckk) ? 'rowTiles' : path);
  // Weights in the layout the path's GEMMs read, prepared once per weight tensor (-1: not kept, prepare below).
  let prepared = -1;
  if (layout) {
    const m = layout.m;
    prepared = rt.resident(w.key, `winograd${m}:${G}:${Kg}:${Cg}`, G * winogradOperands(m) * packedASize(Kg, Cg), (Ap) => winogradFilters(rt, { w: rt.ptrOf(w), G, Cg, Kg }, m, Ap));
  } else if (path === 'im2col' || path === 'direct' || (path === 'dense' && N < GEMV_MAX_N)) {
    prepared = rt.resident(w.key, `im2col:${G}:${Kg}:${ckk}`, G * aSize, (Ap) => packFilters(rt, rt.ptrOf(w), G, Kg, ckk, aSize, Ap));
  }
  // With a fused pool, the full output is scratch, pooled into the kernel's output at the end.
  const xp = rt.ptrOf(x), wp = prepared >= 0 ? 0 : rt.ptrOf(w), y = a.pool ? rt.alloc(N * K * P) : rt.output(N * K * P);
  let epilogueDone = false;
  if (path === 'dense' && N < GEMV_MAX_N) {
    // One matrix-vector product per image on the prepared filter panels (a GEMM would pack the filters
    // as B blocks every call and fill 4-row panels with 1-2 images).
    let Ap = prepared;
    if (Ap < 0) packFilters(rt, wp, 1, K, ckk, aSize, (Ap = rt.alloc(aSize)));
    const bp = bias ? rt.ptrOf(bias) : 0;
    rt.run(splitRange(Math.ceil(K / 4), rt.chunksFor(N * K * ckk), 1).map(([p0, p1]): Call[] => Array.from({ length: N }, (_, n): Call =>
      ['gemvPanels', Ap, ckk, K, xp + 4 * n * ckk, y + 4 * n * K, bp, relu ? 1 : 0, 4 * p0, Math.min(K, 4 * p1), MY_TMP])));
    epilogueDone = true;
  } else if (path === 'dense') {
    // y [N][K] = x [N][ckk] . w^T, w^T packed as GEMM B blocks once per weight tensor; the bias runs along each image's row.
    const packW = (Bp: number) => {
      const prm = rt.alloc(3);
      rt.setI32(prm, [rt.ptrOf(w), 1, ckk]);
      packAllBlocks(rt, B_MATRIX, prm, K, ckk, Bp);
    };
    let Bp = rt.resident(w.key, `denseB:${K}:${ckk}`, packedBFloats(K, ckk), packW);
    if (Bp < 0) packW((Bp = rt.alloc(packedBFloats(K, ckk))));
    denseRows(rt, xp, N, ckk, Bp, K, y, bias ? rt.ptrOf(bias) : 0, relu);
    epilogueDone = true;
  } else if (path === 'depthwise') {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(N * K, S, 1).map(([p0, p1]): Call[] =>
      [['dwConv', xp, wp, y, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, p0, p1]]));
  } else if (path === 'winograd') {
    const bp = bias ? rt.ptrOf(bias) : 0;
    runWinograd(rt, { x: xp, w: wp, filters: prepared >= 0 ? prepared : undefined, layout: layout!, bias: bp, y, N, G, Cg, Kg, H, W, pads: a.pads, relu });
    epilogueDone = true;
  } else if (path === 'direct') {
    const bp = bias ? rt.ptrOf(bias) : 0;
    runDirectConv(rt, { x: xp, w: wp, filters: prepared >= 0 ? prepared : undefined, bias: bp, y, N, G, Cg, Kg, H, W, kh, kw, dh: a.dilation[0], dw: a.dilation[1], pads: a.pads, relu }, direct!);
    epilogueDone = true;
  } else {
    let Ap = prepared;
    if (Ap < 0) packFilters(rt, wp, G, Kg, ckk, aSize, (Ap = rt.alloc(G * aSize)));
    const S = rt.chunksFor(Kg * P * ckk);
    const images = imageChunks(rt, N, G, G * Kg * P * ckk, P);
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
  if (!epilogueDone) biasEpilogue(rt, y, bias, relu, N, K, P);
  if (a.pool) {
    const pooled = rt.output(N * K * (OH >> 1) * (OW >> 1));
    pool2x2(rt, a.pool, y, pooled, N * K, OH, OW);
    return [{ ptr: pooled, shape: [N, K, OH >> 1, OW >> 1], dtype: 'float32' }];
  }
  return [{ ptr: y, shape: [N, K, OH, OW], dtype: 'float32' }];
};

export const Conv2DBackpropInput: WasmKernel<'Conv2DBackpropInput'> = (rt, inputs, a) => {
  const [dy, w] = inputs;
  const [N, C, H, W] = a.inputShape;
  const [K, Cg, kh, kw] = w.shape;
  const [, , OH, OW] = dy.shape;
  const why = check(inputs, [N, C, H, W, K, OH, OW]);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, g10 = geo(H, W, kh, kw, a);
  const dyp = rt.ptrOf(dy), dx = rt.output(N * C * H * W);
  const adj = adjointPads(kh, kw, a), direct = directGeometry(Kg, Cg, OH, OW, kh, kw, a.dilation[0], a.dilation[1], adj);
  if (isDense(H, W, kh, kw, a)) {
    took('Conv2DBackpropInput', 'dense');
    const ckk = C * kh * kw, wp = rt.ptrOf(w);
    gemm(rt, N, ckk, K, { ptr: dyp, rs: K, cs: 1 }, { ptr: wp, rs: ckk, cs: 1 }, dx, ckk, false, rt.alloc(packedASize(N, K)));
    return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
  }
  const wino = winogradOutput(OH, OW, adj);
  if (convPathOverride.winograd && adj.every((p) => p >= 0) && wino.OH === H && wino.OW === W
    && winogradFits(kh, kw, a.stride, a.dilation, Kg, Cg, H)) {
    const layout = winogradPlan(N, OH, OW, adj), m = layout.m;
    took('Conv2DBackpropInput', m === 4 ? 'winograd4' : 'winograd');
    // The flipped, transposed filters, prepared once per weight tensor as the forward's are.
    const filters = rt.resident(w.key, `winograd${m}T:${G}:${Kg}:${Cg}`, G * winogradOperands(m) * packedASize(Cg, Kg),
      (Ap) => winogradFilters(rt, { w: rt.ptrOf(w), adjoint: true, G, Cg: Kg, Kg: Cg }, m, Ap));
    runWinograd(rt, { x: dyp, w: filters >= 0 ? 0 : rt.ptrOf(w), filters: filters >= 0 ? filters : undefined, adjoint: true, layout, bias: 0, y: dx, N, G, Cg: Kg, Kg: Cg, H: OH, W: OW, pads: adj });
    return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
  }
  // An unpadded stride-1 convolution whose dy rows are 8-column tiles and a tail of 0, 2 or 4: W^T . dy
  // added straight into dx, the GEMM's multiply-adds without packing or folding columns (chunks of whole images).
  const tileChunks = rt.chunksFor(N * G * Kg * Cg * kh * kw * P);
  if (!(Cg === 1 && Kg < DIRECT_MAX_KG) && a.stride.every((s) => s === 1) && a.pads.every((p) => p === 0) && adjointTilesFit(OW)
    && N * G >= tileChunks && (convPathOverride.direct ?? true)) {
    took('Conv2DBackpropInput', 'rowTiles');
    const chunks = chunkRanges(N * G, tileChunks, 1), ckk = Cg * kh * kw;
    // W^T packed once per weight tensor, as the forward's panels are (not again on every call).
    const filters = rt.resident(w.key, `adjointT:${G}:${Kg}:${Cg}:${kh * kw}`, G * packedASize(ckk, Kg), (Ap) => packAdjointFilters(rt, rt.ptrOf(w), G, Kg, Cg, kh * kw, Ap));
    runAdjointTiles(rt, { dy: dyp, w: filters >= 0 ? 0 : rt.ptrOf(w), filters: filters >= 0 ? filters : undefined, dx, N, G, Cg, Kg, H, W, kh, kw, dh: a.dilation[0], dw: a.dilation[1], OH, OW }, chunks);
    return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
  }
  if (!(Cg === 1 && Kg < DIRECT_MAX_KG) && direct && direct.OH === H && direct.OW === W
    && chooseDirect(a, direct, up(Cg, 4) * direct.convTiles * 8 * Kg, Cg * P * (Kg + PACK_COST))) {
    took('Conv2DBackpropInput', 'direct');
    const wt = rt.put(flipTranspose(w.values as Float32Array, G, Kg, Cg, kh, kw));
    runDirectConv(rt, { x: dyp, w: wt, bias: 0, y: dx, N, G, Cg: Kg, Kg: Cg, H: OH, W: OW, kh, kw, dh: a.dilation[0], dw: a.dilation[1], pads: adj }, direct);
    return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
  }
  const wp = rt.ptrOf(w);
  took('Conv2DBackpropInput', Cg === 1 && Kg < DIRECT_MAX_KG ? 'depthwise' : 'im2col');
  if (Cg === 1 && Kg < DIRECT_MAX_KG) {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(N * C, S, 1).map(([p0, p1]): Call[] =>
      [['dwConvBackpropInput', dyp, wp, dx, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, p0, p1]]));
  } else {
    const taps = kh * kw, ckk = Cg * taps, aSize = packedASize(ckk, Kg), Ap = rt.alloc(G * aSize);
    const S = rt.chunksFor(ckk * P * Kg);
    // A = W_g^T (ckk x Kg), packed once; thread chunks are whole channels starting on 4-row panels.
    for (let g = 0; g < G; g++) packA(rt, S, { ptr: wp + 4 * g * Kg * ckk, rs: 1, cs: ckk }, ckk, Kg, Ap + 4 * g * aSize);
    const images = imageChunks(rt, N, G, G * ckk * P * Kg, P);
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
  return [{ ptr: dx, shape: [N, C, H, W], dtype: 'float32' }];
};

export const Conv2DBackpropFilter: WasmKernel<'Conv2DBackpropFilter'> = (rt, inputs, a) => {
  const [x, dy] = inputs;
  const [N, C, H, W] = x.shape;
  const [K, Cg, kh, kw] = a.filterShape;
  const [, , OH, OW] = dy.shape;
  const why = check(inputs, [N, C, H, W, K, OH, OW]);
  if (why) return why;
  const G = a.groups, Kg = K / G, P = OH * OW, ckk = Cg * kh * kw, g10 = geo(H, W, kh, kw, a);
  const xp = rt.ptrOf(x), dyp = rt.ptrOf(dy);
  const direct = directGeometry(Cg, Kg, H, W, kh, kw, a.dilation[0], a.dilation[1], a.pads);
  if (isDense(H, W, kh, kw, a)) {
    took('Conv2DBackpropFilter', 'dense');
    const dwd = rt.output(K * ckk);
    gemm(rt, K, ckk, N, { ptr: dyp, rs: 1, cs: K }, { ptr: xp, rs: ckk, cs: 1 }, dwd, ckk, false, rt.alloc(packedASize(K, N)));
    return [{ ptr: dwd, shape: [...a.filterShape], dtype: 'float32' }];
  }
  if (convPathOverride.winograd && a.pads.every((p) => p >= 0) && winogradFits(kh, kw, a.stride, a.dilation, Cg, Kg, OH)) {
    const layout = winogradPlan(N, H, W, a.pads);
    took('Conv2DBackpropFilter', layout.m === 4 ? 'winograd4' : 'winograd');
    const dw = runWinogradFilterGrad(rt, { x: xp, dy: dyp, layout, N, G, Cg, Kg, H, W, pads: a.pads });
    return [{ ptr: dw, shape: [...a.filterShape], dtype: 'float32' }];
  }
  if (!(Cg === 1 && Kg < DIRECT_MAX_KG) && direct && direct.OH === OH && direct.OW === OW && (convPathOverride.fewFilters ?? fewFilters(Cg))) {
    took('Conv2DBackpropFilter', 'fewFilters');
    const dw = rt.output(K * ckk);
    runFewFilterGrad(rt, { x: xp, dy: dyp, out: dw, N, G, Cg, Kg, H, W, kh, kw, dh: a.dilation[0], dw: a.dilation[1], pads: a.pads }, direct);
    return [{ ptr: dw, shape: [...a.filterShape], dtype: 'float32' }];
  }
  if (!(Cg === 1 && Kg < DIRECT_MAX_KG) && direct && direct.OH === OH && direct.OW === OW
    && chooseDirect(a, direct, FILTER_DIRECT_COST * up(Kg, 8) * up(ckk, 4) * P, ckk * P * (up(Kg, 4) + PACK_COST))) {
    took('Conv2DBackpropFilter', 'direct');
    const values = runDirectFilterGrad(rt, { x: xp, dy: dyp, N, G, Cg, Kg, H, W, kh, kw, dh: a.dilation[0], dw: a.dilation[1], pads: a.pads }, direct);
    return [{ values, shape: [...a.filterShape], dtype: 'float32' }];
  }
  const dwt = rt.output(K * ckk);
  took('Conv2DBackpropFilter', Cg === 1 && Kg < DIRECT_MAX_KG ? 'depthwise' : 'im2col');
  if (Cg === 1 && Kg < DIRECT_MAX_KG) {
    const S = rt.chunksFor(N * K * P * kh * kw);
    rt.run(splitRange(K, S, 1).map(([k0, k1]): Call[] =>
      [['dwConvBackpropFilter', xp, dyp, dwt, N, C, H, W, K, Kg, kh, kw, ...g10.slice(4), OH, OW, k0, k1]]));
  } else {
    const S = rt.chunksFor(Kg * ckk * P), aSize = packedASize(Kg, P);
    const images = imageChunks(rt, N, G, G * Kg * ckk * P, P);
    const prms = rt.alloc(13 * (images ? N * G : 1));
    const prm = (n: number, g: number) => {
      const at = images ? prms + 4 * 13 * (n * G + g) : prms;
      rt.setI32(at, [xp + 4 * (n * C + g * Cg) * H * W, Cg, ...g10, OW]);
      return at;
    };
    const dyAt = (n: number, g: number) => dyp + 4 * (n * K + g * Kg) * P;
    if (images && N >= 2 * DW_IMAGE_GROUP) {
      // Small images, batch enough for groups: every chunk sums a fixed group of images (in order) into
      // its own partial dW, then the partials are added in group order. Each image's im2col is packed
      // once, and the sums do not depend on the thread count (the groups do not).
      const { groups, partAt, addPartials } = imageGroupPartials(rt, N, K * ckk, dwt);
      const Aps = rt.alloc(groups.length * aSize);
      for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) prm(n, g);
      rt.run(groups.map(([n0, n1], i) => {
        const Ap = Aps + 4 * i * aSize, out: Call[] = [];
        for (let n = n0; n < n1; n++) {
          for (let g = 0; g < G; g++) {
            out.push(['packA', dyAt(n, g), P, 1, Kg, P, Ap]);
            out.push(['gemm', B_IM2COL_T, prms + 4 * 13 * (n * G + g), Kg, ckk, P, 0, Ap, partAt(i) + 4 * g * Kg * ckk, ckk, n > n0 ? 1 : 0, MY_BP, MY_TMP]);
          }
        }
        return out;
      }));
      addPartials();
    } else if (images) {
      // Small images, small batch: every chunk owns a block of dW (columns, else rows) and runs all
      // images into it, so each dW element sums the images in order, whatever the thread count.
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
  return [{ ptr: dwt, shape: [...a.filterShape], dtype: 'float32' }];
};
