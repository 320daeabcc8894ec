/**
 * Generates docs/KERNELS.md: every kernel in KernelSpecs with its reference (✓, the oracle) and wasm
 * status (✓ with what runs, or "falls back to reference"), plus whether test/parity/ checks it.
 * Usage: npx tsx tools/kernel-coverage.ts [--check]   (--check fails when docs/KERNELS.md is out of date)
 */
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceKernels } from '../src/backends/reference/index.js';
import { wasmKernels } from '../src/backends/wasm/index.js';
import type { KernelName } from '../src/kernels/specs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** How each wasm kernel works (every one is float32 only: float64 / int32 calls run the reference kernel). */
const WASM_NOTES: Partial<Record<KernelName, string>> = {
  BatchMatMul: 'GEMM: GotoBLAS blocking, 4x8 f32x4 microkernel, strided packing covers every transpose; threads split N (or M: each chunk packs its rows of A, and a B of up to 64K floats for itself, a larger one packed once and shared, in one dispatch), or the batch when matrices are small',
  Conv2D: 'bias fused, and ReLU with `activation: relu` (in the epilogue of the Winograd and direct paths; nn.Sequential uses it under noGrad). With `pool` (nn.Sequential under noGrad fuses a 2x2 stride-2 AvgPool2d or MaxPool2d after the conv or its ReLU): stride-1 convolutions of up to 256 taps pool in their tiles\' registers and never store the full-size output (bit-identical to the conv then the pool kernel), others pool their output in wasm. Kernel covering the whole input: one GEMM over the batch on the filters packed as GEMM B blocks once per weight tensor, each chunk of images packing its rows and adding bias and ReLU in one dispatch (fewer than 4 images: a matrix-vector product per image on the filter panels prepared once per weight tensor, bias and ReLU fused). 3x3 stride 1 with >= 16 channels in and out: Winograd F(4x4,3x3) (points 0, 1, -1, 1/2, -2: within the parity tolerance) where its GEMM work, edge tiles counted, is below 0.85x that of F(2x2,3x3), else F(2x2,3x3) (filters transformed in wasm straight into packed GEMM panels once per weight tensor, 36 or 16 GEMMs on transformed tiles, bias in the epilogue; images narrower than a 4-tile row share planes side by side; under F(4x4), images of 1-2 tiles a row sit apart so no tile is wasted). Other stride-1 convolutions where a cost model favours it: direct implicit GEMM over the zero-padded image (no im2col; 8-column tiles within output rows compute outputs only and read unpadded images in place; with up to 256 taps every tile is finished in registers, bias and ReLU applied and stored straight into y, and a tail of 2 or 4 columns runs as tiles of 4 rows of 2 or 2 rows of 4 read in place; other tails are gathered into a small GEMM where that beats computing padded rows). Otherwise im2col written straight into packed GEMM B blocks + GEMM per image and group. One input channel and < 4 filters per group (depthwise): direct SIMD kernel',
  Conv2DBackpropInput: 'kernel covering the input: one GEMM over the batch; 3x3 stride 1 with >= 16 channels: Winograd (F(4x4) or F(2x2), as Conv2D) on dy with flipped, transposed weights, transformed once per weight tensor; unpadded stride 1 where dy rows are 8-column tiles and a tail of 0, 2 or 4 columns (FuaNet and LeNet-5 conv2): W^T.dY added straight into dx, no columns stored or folded (threads split images); stride 1 on large images: the direct forward kernel on dy with flipped, transposed weights; otherwise GEMM W^T.dY then col2im (threads split input channels, or images); depthwise: direct SIMD kernel',
  Conv2DBackpropFilter: 'kernel covering the input: one GEMM over the batch; 3x3 stride 1 with >= 16 channels: Winograd F(4x4) or F(2x2), as Conv2D (V = B^T x B, Z = A dY A^T, 36 or 16 GEMMs summing Z.V^T over tiles and images, dW = G^T S G in wasm); stride 1, one input channel per group (first layers): dy and the input read in place, 4 output columns a vector against 2 filters x 4 taps of lane-wise accumulators, fixed groups of 8 images summed in order; other stride-1 ones where the cost model favours it: direct kernel broadcasting 4 taps from the (padded, or in place) input over the output rows against 8-filter dy panels, the images of every element summed in registers; otherwise GEMM dY.col^T with transposed im2col packing, accumulated over the batch (small images, batch >= 16: fixed groups of 8 images, one partial dW each, added in group order, so each image is packed once and the result does not depend on the thread count; otherwise threads split dW columns or rows); depthwise: direct SIMD kernel',
  MaxPool2D: 'bit-identical to reference (same argmax/NaN rules); 2x2 stride-2 SIMD fast path, 4 outputs at a time along rows of stride 1 or 2; threads split planes',
  AvgPool2D: 'bit-identical to reference (f64 window sums); threads split planes',
  AvgPool2DGrad: 'bit-identical to reference; 2x2 stride-2 SIMD fast path (a power-of-two divisor: one f32 multiply by its inverse, the f64 quotient being exact); threads split planes',
  ScatterPlane: 'bit-identical to reference (max-pool gradient); planes that 2x2 windows tile are written in one dense pass (each index checked against its window, else that plane is scattered); the kernel flags bad indices, JS names the first',
  AdaptiveAvgPool2D: 'bit-identical (the reference windows, f64 sums in its order); 1x1 (global pooling): four planes side by side in f64x2 chains',
  AdaptiveAvgPool2DGrad: 'bit-identical (f64 shares added to f32 dx in the reference order, overlapping windows included); 1x1: SIMD fill',
  AdaptiveMaxPool2D: 'bit-identical (MaxPool2D rules: last NaN, first maximum); 1x1: small planes four per lane, large ones f32x4.max then a scan for the index',
  Resize2D: 'bit-identical (the reference tap tables, f64 in its order); bilinear: each input row lerped once per row pair, rows blended in f64x2; nearest: a gather, repeated rows copied',
  Resize2DGrad: 'bit-identical (the reference scatter order, f32 rounding after every add); four planes at a time, one per lane',
  BatchNormTrain: 'per-channel f64 sums (four f64x2 chains: within the reduction tolerance of the reference), the affine step in f64 rounded once; threads split channels',
  BatchNormTrainGrad: 'per-channel f64 sums of dy and dy * (x - mean) (within the reduction tolerance), dx in f64 rounded once; threads split channels',
  SGDStep: 'bit-identical (f32x4 mul and add, each rounded as the separate ops round them; no fused multiply-add); one pass over the parameter, its gradient and its momentum buffer; threads split parameters of 512K elements and more',
  AdamStep: 'bit-identical (f32x4 mul, add, div and sqrt, each rounded as the separate ops round them; AMSGrad\'s maximum with the reference\'s NaN rule); one pass over the parameter, its gradient and its moment buffers; threads split parameters of 512K elements and more',
  Relu: 'bit-identical (f32x4.max)',
  ReluGrad: 'bit-identical (f32x4 compare and mask)',
  Exp: 'Cephes-style f32x4 polynomial with 2^n scaling, within 4 ulp of the reference (test/parity/transcendental.test.ts)',
  Tanh: 'odd polynomial below 0.625, else 1 - 2/(exp(2 abs(x)) + 1) on the f32x4 exp; within 4 ulp of the reference',
  Sigmoid: 'from exp(-abs(x)) on the f32x4 exp, both branches as the reference; within 4 ulp of the reference',
  Sum: 'bit-identical (f64 accumulation in the reference order); up to 4 alternating kept/reduced dim groups; a kept middle axis (bias gradients) runs its channel chains side by side, 3 pairs of channels at a time in registers, threads splitting whole chains',
  Transpose: 'exact (a copy of 4-byte elements, float32 or int32); dims merged where contiguous, rows of the last dim copied as vectors when contiguous; threads split rows',
  Slice: 'as Transpose: steps and reversals (negative steps) are strides of the copy',
  BroadcastTo: 'as Transpose: stretched dims step 0 (a repeated value stored as vectors); the gradient of sums, means and expand',
  Concat: 'exact (4-byte elements of one dtype); each input\'s rows copied into its columns of the output, vectors for short rows, memory.copy for long ones; threads split the outer rows',
  Max: 'bit-identical (the reference NaN/-0 rules); rows (class axis, full reductions): f32x4.max with an exact rescan when the result is 0 or NaN, short rows four per lane; a middle axis (NCHW channels): one lane per output; up to 4 alternating kept/reduced dim groups in flat order',
  Min: 'as Max, with f32x4.min',
  ArgMax: 'bit-identical (first maximum, first NaN; int32 out); long rows: f32x4.max then a bitmask scan for its first match; short rows four per lane; an inner axis: one lane per output',
  ArgMin: 'as ArgMax, with f32x4.min',
  Softmax: 'bit-identical (the reference f64 arithmetic per slice: fdlibm exp as Math.exp, the sum in order, one rounding; an infinite maximum takes its 0/0 and x - inf paths); one slice an f64x2 lane: four neighbouring slices of NCHW maps (K >= 4 floats apart) from vector loads, class rows two at a time; threads split slices',
  LogSoftmax: 'as Softmax: x - (max + ln sum), fdlibm log as Math.log',
  SoftmaxGrad: 'as Softmax: y (dy - sum(dy y)) in f64',
  LogSoftmaxGrad: 'as Softmax: dy - e^y sum(dy) in f64 (e^-inf is 0)',
  NllLoss: 'bit-identical (the targets in order, the f64 sum and the mean rounded as the composite gather, neg, sum, div rounds them); one scalar pass on the calling thread; a target outside the classes stops the kernel, JS names it',
  NllLossGrad: 'bit-identical (0 + -(dy / count) at each target, zeros elsewhere, as the composite scatter-add); memory.fill then one pass over the targets',
};
const BINARY_NOTE = 'bit-identical; any broadcast that coalesces to <= 4 strided dims';
for (const k of ['Add', 'Sub', 'Mul', 'Div'] as const) WASM_NOTES[k] = `${BINARY_NOTE}; float32 with float32 or int32 (values within 2^24)`;
for (const k of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const) WASM_NOTES[k] = `${BINARY_NOTE}; float32 pairs, int32 0/1 out`;
for (const k of ['Maximum', 'Minimum'] as const) WASM_NOTES[k] = `${BINARY_NOTE}; the reference rules (NaN from either side, ties give b: +0 vs -0); float32 with float32 or any int32`;
WASM_NOTES.Where = 'bit-identical (a select: NaN payloads kept); any three-way broadcast that coalesces to <= 4 strided dims; int32 or float32 condition (NaN true, -0 false); a, b float32 or any int32';
const UNARY_NOTE = 'on the binary kernel\'s grid';
WASM_NOTES.Neg = `bit-identical (f32x4.neg); ${UNARY_NOTE}`;
WASM_NOTES.Abs = `bit-identical (f32x4.abs); ${UNARY_NOTE}`;
WASM_NOTES.Sign = `bit-identical (±0 and NaN kept); ${UNARY_NOTE}`;
WASM_NOTES.Sqrt = `bit-identical (f32x4.sqrt is correctly rounded, as f64 sqrt rounded to f32 is); ${UNARY_NOTE}`;
WASM_NOTES.LeakyRelu = `bit-identical (x * slope in f64 lanes, rounded once); ${UNARY_NOTE}`;
WASM_NOTES.Clamp = `bit-identical (the f64 bounds become exact f32 thresholds; min > max, NaN and out-of-range bounds as the reference); ${UNARY_NOTE}`;
WASM_NOTES.Log = `fdlibm log in f64x2 lanes, rounded once: within 1 ulp (equal to Node 20's Math.log on all 2^32 inputs); ${UNARY_NOTE}`;
WASM_NOTES.Log1p = `ln(1 + x) on the f64 log, 1 + x being exact in f64 (x itself below 2^-29): within 1 ulp (equal to Node 20's on all 2^32 inputs); ${UNARY_NOTE}`;
WASM_NOTES.Elu = `f32x4 expm1 (Taylor on abs(r) <= ln2/2, fdlibm's per-n reconstruction), times alpha in f64: within 2 ulp (1 for alpha = 1, all inputs checked); ${UNARY_NOTE}`;
WASM_NOTES.Pow = 'scalar exponent 1, 2, 0.5, -1: exact shortcuts (bit-identical); otherwise e^(y ln(abs(x))) in f64 lanes with the JS sign/NaN/inf rules: within 1 ulp; any broadcast that coalesces to <= 4 strided dims; float32 with float32 or int32 (within 2^24)';

/** Why some kernels have no wasm version. */
const FALLBACK_NOTES: Partial<Record<KernelName, string>> = {};
const groups: [string, KernelName[]][] = [
  ['data movement only: a copy into wasm memory would cost what the kernel does', ['Cast', 'GatherElements', 'ScatterAddElements', 'GatherPlane', 'Pad', 'PadGrad']],
];
for (const [note, names] of groups) for (const k of names) FALLBACK_NOTES[k] = note;

function parityCovered(): Set<string> {
  const dir = join(root, 'test', 'parity');
  const text = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  return new Set(Object.keys(referenceKernels).filter((k) => text.includes(`'${k}'`)));
}

export function renderKernelTable(): string {
  const names = Object.keys(referenceKernels) as KernelName[];
  const wasm = new Set(Object.keys(wasmKernels));
  const parity = parityCovered();
  const lines = [
    '# Kernel coverage',
    '',
    'Generated by `npx tsx tools/kernel-coverage.ts` — do not edit by hand. Every kernel of `KernelSpecs`',
    '(src/kernels/specs.ts). The reference backend (plain TypeScript) implements all of them and is the oracle.',
    'The wasm backend (WebAssembly SIMD + worker threads; sources in asm/, glue in src/backends/wasm/) runs the',
    'kernels marked ✓ for float32 inputs; everything else — and every float64 / int32 call, and empty tensors —',
    'runs the reference kernel on JS copies of its operands. Wasm kernels read their operands where they lie in',
    'wasm memory and write their results there as the new tensors\' storage (src/backends/wasm/storage.ts).',
    'Parity: test/parity/ compares the wasm kernel with the reference one on random shapes with 1 and 2 threads,',
    'operands resident or copied in, and checks that resident inputs are left untouched.',
    '',
    `wasm kernels: ${wasm.size} of ${names.length}.`,
    '',
    '| kernel | reference | wasm | parity test | notes |',
    '|---|---|---|---|---|',
  ];
  for (const k of names) {
    const inWasm = wasm.has(k);
    const note = inWasm ? WASM_NOTES[k] ?? '' : FALLBACK_NOTES[k] ?? '';
    lines.push(`| \`${k}\` | ✓ | ${inWasm ? '✓' : 'falls back to reference'} | ${inWasm ? (parity.has(k) ? '✓' : '✗') : '—'} | ${note} |`);
  }
  lines.push('');
  return lines.join('\n');
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const file = join(root, 'docs', 'KERNELS.md');
  const table = renderKernelTable();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = '';
    }
    if (current !== table) {
      console.error('docs/KERNELS.md is out of date: run npx tsx tools/kernel-coverage.ts');
      process.exit(1);
    }
    console.log('docs/KERNELS.md is current');
  } else {
    writeFileSync(file + '.tmp', table);
    renameSync(file + '.tmp', file);
    console.log(table);
  }
}
