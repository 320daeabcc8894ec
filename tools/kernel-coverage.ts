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
  BatchMatMul: 'GEMM: GotoBLAS blocking, 4x8 f32x4 microkernel, strided packing covers every transpose; threads split N (or M), or the batch when matrices are small',
  Conv2D: 'bias fused. Kernel covering the whole input: one GEMM over the batch. 3x3 stride 1 with >= 16 channels in and out: Winograd F(2x2,3x3) (16 GEMMs on transformed tiles, bias in the epilogue). Other stride-1 convolutions where a cost model favours it: direct implicit GEMM over the zero-padded image (no im2col; bias in the epilogue). Otherwise im2col written straight into packed GEMM B blocks + GEMM per image and group. One input channel and < 4 filters per group (depthwise): direct SIMD kernel',
  Conv2DBackpropInput: 'kernel covering the input: one GEMM over the batch; 3x3 stride 1 with >= 16 channels: Winograd on dy with flipped, transposed weights; stride 1 on large images: the direct forward kernel on dy with flipped, transposed weights; otherwise GEMM W^T.dY then col2im (threads split input channels, or images); depthwise: direct SIMD kernel',
  Conv2DBackpropFilter: 'kernel covering the input: one GEMM over the batch; stride 1 where the cost model favours it (few input channels, e.g. the first layer): direct kernel reading taps from the padded image against dy panels; otherwise GEMM dY.col^T with transposed im2col packing, accumulated over the batch (threads split dW columns, or images with partial sums); depthwise: direct SIMD kernel',
  MaxPool2D: 'bit-identical to reference (same argmax/NaN rules); 2x2 stride-2 SIMD fast path; threads split planes, one thread streams them',
  AvgPool2D: 'bit-identical to reference (f64 window sums); threads split planes, one thread streams them',
  AvgPool2DGrad: 'bit-identical to reference; 2x2 stride-2 SIMD fast path; threads split planes, one thread streams them',
  ScatterPlane: 'bit-identical to reference (max-pool gradient); the kernel flags bad indices, JS names the first',
  Relu: 'bit-identical (f32x4.max); one thread streams blocks',
  ReluGrad: 'bit-identical (f32x4 compare and mask); one thread streams blocks',
  Exp: 'Cephes-style f32x4 polynomial with 2^n scaling, within 4 ulp of the reference (test/parity/transcendental.test.ts)',
  Tanh: 'odd polynomial below 0.625, else 1 - 2/(exp(2 abs(x)) + 1) on the f32x4 exp; within 4 ulp of the reference',
  Sigmoid: 'from exp(-abs(x)) on the f32x4 exp, both branches as the reference; within 4 ulp of the reference',
  Sum: 'bit-identical (f64 accumulation in the reference order); up to 4 alternating kept/reduced dim groups; a kept middle axis (bias gradients) runs its channel chains side by side',
};
const BINARY_NOTE = 'bit-identical; any broadcast that coalesces to <= 4 strided dims; one thread streams blocks';
for (const k of ['Add', 'Sub', 'Mul', 'Div'] as const) WASM_NOTES[k] = `${BINARY_NOTE}; float32 with float32 or int32 (values within 2^24)`;
for (const k of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const) WASM_NOTES[k] = `${BINARY_NOTE}; float32 pairs, int32 0/1 out`;

/** Why some kernels have no wasm version. */
const FALLBACK_NOTES: Partial<Record<KernelName, string>> = {};
const groups: [string, KernelName[]][] = [
  ['transcendental or rare: not ported yet (Exp, Tanh and Sigmoid show the f32x4 polynomial pattern)', ['Pow', 'Log', 'Log1p', 'Sqrt', 'Elu']],
  ['not done yet (cheap next candidates: the Relu/binary SIMD pattern)', ['Maximum', 'Minimum', 'Neg', 'Abs', 'Sign', 'LeakyRelu', 'Clamp', 'Where']],
  ['not done yet (the Sum pattern with other NaN rules)', ['Max', 'Min', 'ArgMax', 'ArgMin']],
  ['data movement only: a copy into wasm memory would cost what the kernel does', ['Cast', 'Transpose', 'Slice', 'Concat', 'BroadcastTo', 'GatherElements', 'ScatterAddElements', 'GatherPlane', 'Pad', 'PadGrad']],
  ['not done yet', ['AdaptiveAvgPool2D', 'AdaptiveAvgPool2DGrad', 'AdaptiveMaxPool2D', 'Resize2D', 'Resize2DGrad']],
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
    'runs the reference kernel on the same storage. Parity: test/parity/ compares the wasm kernel with the',
    'reference one on random shapes with 1 and 2 threads.',
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
