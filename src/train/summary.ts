/**
 * summary: a Keras-style table of a model, from one forward pass (eval mode, no gradients, zeros as
 * input) with forward hooks on every leaf module: each call's output shape, parameters, FLOPs and
 * activation memory, then totals.
 *
 * FLOPs count multiply-adds twice for Conv/ConvTranspose/Linear (bias adds not counted, the usual
 * convention); batch norm 2 per element, pooling one per window element of each output, activations
 * and other element-wise layers 1 per element; reshapes, padding, dropout (eval) and identities 0.
 * Activation memory is each output's size in bytes (batch included).
 */
import { MetaBackend } from '../backends/meta.js';
import { withBackend } from '../backends/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { bytesPerElement, type DType } from '../tensor/dtype.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import { Module, type AnyModule, type HookHandle } from '../nn/module.js';
import { fail } from '../ops/validate.js';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { BatchNorm1d, BatchNorm2d, LocalResponseNorm, LocalContrastNorm } from '../nn/normalization.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, LPPool1d, LPPool2d, MaxPool1d, MaxPool2d } from '../nn/pooling.js';
import { ELU, LeakyReLU, LogSoftmax, ReLU, ReLU6, Sigmoid, Softmax, Tanh } from '../nn/activation.js';
import { Upsample } from '../nn/upsampling.js';
import { show } from '../ops/args.js';
import { options } from '../ops/args.js';

export interface SummaryRow {
  /** Dotted module name ('features.0'); the class name for a model that is itself a leaf. */
  name: string;
  type: string;
  inputShapes: number[][];
  /** Output shape (the first output's, for layers returning several). */
  outputShape: number[];
  /** Shapes of every output, when a layer returns several (MaxPool2d with returnIndices). */
  outputShapes: number[][];
  /** Parameters of this module (0 on repeated calls of a shared module). */
  params: number;
  trainableParams: number;
  flops: number;
  activationBytes: number;
}

export interface ModelSummary {
  model: string;
  inputShape: number[];
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  totalFlops: number;
  /** Sum of the rows' output sizes, in bytes. */
  activationBytes: number;
  /** Parameters in bytes. */
  paramBytes: number;
  /** Persistent buffers (running statistics) in bytes. */
  bufferBytes: number;
  inputBytes: number;
}

export interface SummaryOptions {
  batchSize?: number;
  /** Input dtype (default: the first parameter's, else float32). */
  dtype?: DType;
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);
const windowSize = (k: number | readonly number[], dims: number): number => (Array.isArray(k) ? prod(k) : (k as number) ** dims);

/** FLOPs of one call of a leaf module (see the header for the conventions). */
export function layerFlops(m: AnyModule, inputs: number[][], outputs: number[][]): number {
  if (!(m instanceof Module)) fail('layerFlops', `m must be a Module, got ${show(m)}`);
  const shapes = (arg: string, v: unknown) => {
    if (!Array.isArray(v) || v.some((s) => !Array.isArray(s))) fail('layerFlops', `${arg} must be an array of shapes (number arrays), got ${show(v)}`);
  };
  shapes('inputs', inputs);
  shapes('outputs', outputs);
  const out = outputs[0] ? prod(outputs[0]) : 0;
  const inp = inputs[0] ? prod(inputs[0]) : 0;
  if (m instanceof Conv1d || m instanceof Conv2d) return 2 * out * (m.inChannels / m.groups) * prod(m.kernelSize);
  if (m instanceof ConvTranspose1d || m instanceof ConvTranspose2d) return 2 * inp * (m.outChannels / m.groups) * prod(m.kernelSize);
  if (m instanceof Linear) return 2 * out * m.inFeatures;
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) return 2 * out;
  if (m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof LPPool2d) return out * windowSize(m.kernelSize, 2);
  if (m instanceof MaxPool1d || m instanceof AvgPool1d || m instanceof LPPool1d) return out * windowSize(m.kernelSize, 1);
  if (m instanceof AdaptiveAvgPool1d || m instanceof AdaptiveAvgPool2d || m instanceof AdaptiveMaxPool1d || m instanceof AdaptiveMaxPool2d) return inp;
  if (m instanceof LocalResponseNorm) return out * (m.size + 3);
  if (m instanceof LocalContrastNorm) return 4 * out;
  if (m instanceof ReLU || m instanceof ReLU6 || m instanceof LeakyReLU || m instanceof ELU || m instanceof Sigmoid || m instanceof Tanh) return out;
  if (m instanceof Softmax || m instanceof LogSoftmax) return 3 * out;
  if (m instanceof Upsample) return m.mode === 'nearest' ? 0 : 4 * out;
  return 0;
}

function shapesOf(v: unknown): number[][] {
  if (v && typeof v === 'object' && 'shape' in v && Array.isArray((v as Tensor).shape)) return [[...(v as Tensor).shape]];
  if (Array.isArray(v)) return v.flatMap(shapesOf);
  return [];
}

function bytesOf(v: unknown): number {
  if (v && typeof v === 'object' && 'shape' in v && 'dtype' in v) return (v as Tensor).size * bytesPerElement((v as Tensor).dtype);
  if (Array.isArray(v)) return v.reduce((a: number, x) => a + bytesOf(x), 0);
  return 0;
}

/** The summary as data: one row per leaf-module call, in call order, plus totals. */
export function summaryRows(model: AnyModule, inputShape: number[], opts: SummaryOptions = {}): ModelSummary {
  const { batchSize = 1, dtype } = options<SummaryOptions>('summaryRows', opts, ['batchSize', 'dtype']);
  if (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`summary: inputShape must be an array of positive integers without the batch dim, got ${show(inputShape)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`summary: batchSize must be a positive integer, got ${batchSize}`);
  const params = model.parameters();
  const inputDType = dtype ?? params[0]?.dtype ?? 'float32';
  const rows: SummaryRow[] = [];
  const counted = new Set<AnyModule>();
  const handles: HookHandle[] = [];
  const leaves = model.namedModules().filter(([, m]) => m.children().length === 0);
  for (const [name, m] of leaves) {
    handles.push(m.registerForwardHook((mod: AnyModule, inputs: unknown[], output: unknown) => {
      const own = counted.has(mod) ? [] : mod.parameters();
      counted.add(mod);
      const inputShapes = shapesOf(inputs);
      const outputShapes = shapesOf(output);
      rows.push({
        name: name || mod.constructor.name, type: mod.constructor.name, inputShapes, outputShape: outputShapes[0] ?? [], outputShapes,
        params: own.reduce((a, p) => a + p.size, 0), trainableParams: own.reduce((a, p) => a + (p.requiresGrad ? p.size : 0), 0),
        flops: layerFlops(mod, inputShapes, outputShapes), activationBytes: bytesOf(output),
      });
    }));
  }
  const was = model.training;
  model.eval();
  const forward = () => noGrad(() => tidy(() => void model.call(zeros([batchSize, ...inputShape], { dtype: inputDType }))));
  try {
    // Shapes only first (no values computed or stored). A model whose forward reads values (MetaReadError,
    // possibly wrapped by a layer's own message) runs for real; a real error then shows up there.
    try {
      withBackend(new MetaBackend(), forward);
    } catch {
      rows.length = 0;
      counted.clear();
      forward();
    }
  } catch (e) {
    throw new Error(`summary: the forward pass with input [${[batchSize, ...inputShape].join(', ')}] failed: ${(e as Error).message}`);
  } finally {
    for (const h of handles) h.remove();
    model.train(was);
  }
  const totalParams = model.numParameters();
  const trainableParams = model.numParameters({ trainableOnly: true });
  return {
    model: model.constructor.name, inputShape: [batchSize, ...inputShape], rows, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams,
    totalFlops: rows.reduce((a, r) => a + r.flops, 0), activationBytes: rows.reduce((a, r) => a + r.activationBytes, 0),
    paramBytes: params.reduce((a, p) => a + p.size * bytesPerElement(p.dtype), 0),
    bufferBytes: Object.entries(model.stateDict()).reduce((a, [, t]) => a + t.size * bytesPerElement(t.dtype), 0) - params.reduce((a, p) => a + p.size * bytesPerElement(p.dtype), 0),
    inputBytes: batchSize * prod(inputShape) * bytesPerElement(inputDType),
  };
}

/** 61706 -> '61,706'. */
/** The number argument of the format helpers: NaN and Infinity are printed, other types refused. */
function num(op: string, n: unknown): number {
  if (typeof n !== 'number') fail(op, `n must be a number, got ${show(n)}`);
  return n;
}

export function formatCount(n: number): string {
  num('formatCount', n);
  return Math.round(n).toLocaleString('en-US');
}

/** 1536 -> '1.50 KB' (1024-based, as Keras). */
export function formatBytes(n: number): string {
  num('formatBytes', n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(2)} ${units[i]}`;
}

/** 2_340_000 -> '2.34M'. */
export function formatFlops(n: number): string {
  num('formatFlops', n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [s, u] of units) if (n >= s) return `${(n / s).toFixed(2)}${u}`;
  return String(n);
}

function fmtShape(s: number[][]): string {
  return s.map((x) => `[${x.join(', ')}]`).join(', ');
}

/** A Keras-style table: layer (type), output shape, params, FLOPs, activation memory; then totals. */
export function summary(model: AnyModule, inputShape: number[], opts: SummaryOptions = {}): string {
  return formatSummary(summaryRows(model, inputShape, opts));
}

export function formatSummary(s: ModelSummary): string {
  if (s === null || typeof s !== 'object' || !Array.isArray((s as { rows?: unknown }).rows)) fail('formatSummary', `s must be a ModelSummary (what summaryRows returns), got ${show(s)}`);
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'FLOPs', 'Act. Mem.'];
  const body = s.rows.map((r) => [`${r.name} (${r.type})`, fmtShape(r.outputShapes), formatCount(r.params), formatFlops(r.flops), formatBytes(r.activationBytes)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)) + 2);
  const lineLength = widths.reduce((a, b) => a + b, 0);
  const fmt = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] - 2).padEnd(widths[i]) : c.padEnd(widths[i]))).join('').trimEnd();
  const lines = [
    `Model: "${s.model}" (input [${s.inputShape.join(', ')}])`,
    '_'.repeat(lineLength),
    fmt(header),
    '='.repeat(lineLength),
  ];
  for (const row of body) lines.push(fmt(row));
  lines.push('='.repeat(lineLength));
  lines.push(
    `Total params: ${formatCount(s.totalParams)} (${formatBytes(s.paramBytes)})`,
    `Trainable params: ${formatCount(s.trainableParams)}`,
    `Non-trainable params: ${formatCount(s.nonTrainableParams)}`,
    `Total FLOPs: ${formatFlops(s.totalFlops)} (${formatCount(s.totalFlops)})`,
    `Input size: ${formatBytes(s.inputBytes)}`,
    `Activation memory: ${formatBytes(s.activationBytes)}`,
    `Param memory: ${formatBytes(s.paramBytes)}${s.bufferBytes ? ` (+ ${formatBytes(s.bufferBytes)} buffers)` : ''}`,
    '_'.repeat(lineLength),
  );
  return lines.join('\n');
}
