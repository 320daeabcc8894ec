/**
 * Convolutions (PyTorch semantics): conv1d/conv2d and their transposes. Everything runs on the three
 * Conv2D kernels; 1D runs as 2D with height 1 (a reshape), unbatched inputs as a batch of one.
 * Gradient rules: conv's dx is Conv2DBackpropInput, dw Conv2DBackpropFilter; a transposed conv swaps
 * the roles (its forward is Conv2DBackpropInput, its dx is Conv2D). db sums dy over N, H, W.
 */
import type { Tensor } from '../tensor/tensor.js';
import { shareStorage } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import type { Conv2DAttrs } from '../kernels/specs.js';
import { convOutSize, convTransposeOutSize, resolveConvPadding, transposeAdjoint, type ConvPadding } from '../kernels/conv-geometry.js';
import { isGradEnabled, record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { reshape } from './shape.js';
import { assertFloat, assertInt, assertRank, assertSameDType, assertTensor, fail, tuple } from './validate.js';
import { isPlainObject, positional, show } from './args.js';

export type { ConvPadding } from '../kernels/conv-geometry.js';
export type IntOrPair = number | readonly number[];

export interface Conv2dOptions {
  stride?: IntOrPair;
  /** number, [padH, padW], [top, bottom, left, right], 'valid' or 'same' (stride 1 only). */
  padding?: Exclude<ConvPadding, 'causal'>;
  dilation?: IntOrPair;
  groups?: number;
}
export interface Conv1dOptions extends Omit<Conv2dOptions, 'padding'> {
  /** number, [p], [left, right], 'valid', 'same' (stride 1 only) or 'causal' (left pad dilation*(k-1)). */
  padding?: ConvPadding;
}
export interface ConvTransposeOptions {
  stride?: IntOrPair;
  /** Symmetric zero padding removed from the output: a number or one per spatial dim. */
  padding?: IntOrPair;
  /** Extra size added to one side of the output; must be < stride or < dilation. */
  outputPadding?: IntOrPair;
  dilation?: IntOrPair;
  groups?: number;
}

/** torch.nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups): the same positional order, or one options object. */
export type ConvFnArgs<P> = [opts?: P] | [stride?: IntOrPair, padding?: P extends { padding?: infer Q } ? Q : never, dilation?: IntOrPair, groups?: number];
/** conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation). */
export type ConvTransposeFnArgs = [opts?: ConvTransposeOptions] | [stride?: IntOrPair, padding?: IntOrPair, outputPadding?: IntOrPair, groups?: number, dilation?: IntOrPair];
const CONV_POS = ['stride', 'padding', 'dilation', 'groups'] as const;
const CONV_T_POS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

type Dims = 1 | 2;
const AXES = { 1: ['length'], 2: ['height', 'width'] } as const;
const dimsOf = (dims: Dims, v: number[]): [number, number] => (dims === 1 ? [1, v[0]] : [v[0], v[1]]);

/** Checks shared by all four ops; returns 4D views of x and the weight plus the parsed options. */
function prepare(op: string, dims: Dims, x: Tensor, w: Tensor, b: Tensor | null | undefined, opts: { stride?: IntOrPair; dilation?: IntOrPair; groups?: number }, transposed: boolean) {
  const layout = dims === 1 ? 'N, C, L' : 'N, C, H, W';
  const wLayout = `${transposed ? 'inChannels, outChannels/groups' : 'outChannels, inChannels/groups'}, ${dims === 1 ? 'k' : 'kh, kw'}`;
  assertTensor(op, 'input', x);
  assertTensor(op, 'weight', w);
  assertRank(op, 'input', x, [dims + 1, dims + 2], `expected [${layout}] or unbatched [${layout.slice(3)}]`);
  assertRank(op, 'weight', w, [dims + 2], `weight is [${wLayout}]`);
  if (b != null) assertRank(op, 'bias', b, [1], 'bias is [outChannels]');
  assertFloat(op, 'input', x);
  assertSameDType(op, [['input', x], ['weight', w], ['bias', b]]);
  const groups = assertInt(op, 'groups', opts.groups ?? 1, { min: 1 });
  const stride = tuple(op, 'stride', opts.stride ?? 1, dims, { min: 1 });
  const dilation = tuple(op, 'dilation', opts.dilation ?? 1, dims, { min: 1 });
  const batched = x.ndim === dims + 2;
  const xs = batched ? x.shape : [1, ...x.shape];
  const [N, C] = xs;
  const spatial = xs.slice(2);
  const kernel = w.shape.slice(2);
  // Built only for an error message: this runs on every call.
  const shapes = () => `(input ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)})`;
  if (kernel.some((k) => k < 1)) fail(op, `kernel sizes must be positive, got weight ${fmtShape(w.shape)}`);
  if (C % groups !== 0) fail(op, `input has ${C} channels, which groups=${groups} does not divide ${shapes()}`, 'input channels must be a multiple of groups');
  const wIn = transposed ? w.shape[0] : w.shape[1] * groups;
  if (C !== wIn) {
    const hint = transposed ? `weight is [${wLayout}]` : groups === 1 ? `weight is [${wLayout}]; check inChannels` : `weight is [${wLayout}] with groups=${groups}`;
    fail(op, `input has ${C} channels but weight expects ${wIn} ${shapes()}`, hint);
  }
  if (!transposed && w.shape[0] % groups !== 0) fail(op, `weight has ${w.shape[0]} output channels, which groups=${groups} does not divide ${shapes()}`, 'output channels must be a multiple of groups');
  const outC = transposed ? w.shape[1] * groups : w.shape[0];
  if (b != null && b.shape[0] !== outC) fail(op, `bias must be [${outC}] (one per output channel), got ${fmtShape(b.shape)} (weight ${fmtShape(w.shape)}${groups > 1 ? `, groups=${groups}` : ''})`);
  const x4 = x.ndim === 4 ? x : reshape(x, [N, C, ...dimsOf(dims, spatial)]);
  const w4 = dims === 2 ? w : reshape(w, [w.shape[0], w.shape[1], 1, kernel[0]]);
  const finish = (y: Tensor, out: number[]) => (dims === 2 && batched ? y : reshape(y, batched ? [N, outC, ...out] : [outC, ...out]));
  return { x4, w4, N, C, groups, stride, dilation, spatial, kernel, outC, batched, finish };
}

/** bias is a Tensor, null or absent; an options object in its place (a common slip) is refused by name. */
function checkBias(op: string, bias: unknown): void {
  if (bias === null || bias === undefined) return;
  if (isPlainObject(bias)) fail(op, 'the third argument is the bias (a Tensor or null), got an options object', `pass null for no bias: ${op}(x, weight, null, { ... })`);
  assertTensor(op, 'bias', bias);
}

/** Conv2D (+ bias) on 4D tensors, with its gradient rule. */
function convCore(op: string, x: Tensor, w: Tensor, b: Tensor | null | undefined, attrs: Conv2DAttrs): Tensor {
  const y = run1('Conv2D', b ? [x, w, b] : [x, w], attrs);
  return record(op, y, [x, w, b], (dy) => [
    x.requiresGrad ? run1('Conv2DBackpropInput', [dy, w], { ...attrs, inputShape: x.shape as [number, number, number, number] }) : null,
    w.requiresGrad ? run1('Conv2DBackpropFilter', [x, dy], { ...attrs, filterShape: w.shape as [number, number, number, number] }) : null,
    b?.requiresGrad ? run1('Sum', [dy], { axes: [0, 2, 3] }) : null,
  ]);
}

/** What an inference convolution fuses after its bias: ReLU, then a pooling over 2x2 windows, stride 2 (floor mode). */
export interface ConvEpilogue {
  relu?: boolean;
  pool?: 'avg' | 'max';
}

function convNd(op: string, dims: Dims, x: Tensor, w: Tensor, b: Tensor | null | undefined, opts: Conv1dOptions, epilogue: ConvEpilogue = {}): Tensor {
  const p = prepare(op, dims, x, w, b, opts, false);
  const pads = resolveConvPadding(opts.padding ?? 0, { kernel: p.kernel, stride: p.stride, dilation: p.dilation, allowCausal: dims === 1 }, (m, h) => fail(op, m, h));
  const out = p.spatial.map((n, i) => {
    const [k, d, [lo, hi]] = [p.kernel[i], p.dilation[i], pads[i]];
    const eff = d * (k - 1) + 1;
    if (n + lo + hi < eff) {
      const what = d > 1 ? `dilated kernel ${AXES[dims][i]} ${eff} (size ${k}, dilation ${d})` : `kernel ${AXES[dims][i]} ${k}`;
      fail(op, `${what} is larger than the padded input ${AXES[dims][i]} ${n + lo + hi} (input ${n} + padding ${lo}+${hi}; input ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)})`,
        `pad the input (e.g. padding: 'same') or use a smaller kernel${d > 1 ? ' or dilation' : ''}`);
    }
    return convOutSize(n, k, lo, hi, p.stride[i], d);
  });
  const [ph, pw] = dims === 1 ? [[0, 0], pads[0]] : pads;
  const attrs: Conv2DAttrs = { stride: dimsOf(dims, p.stride), pads: [ph[0], ph[1], pw[0], pw[1]], dilation: dimsOf(dims, p.dilation), groups: p.groups };
  const { relu = false, pool } = epilogue;
  if (!relu && !pool) return p.finish(convCore(op, p.x4, p.w4, b, attrs), out);
  if (isGradEnabled() && [x, w, b].some((t) => t?.requiresGrad)) fail(op, 'a fused activation has no gradient', 'call it under noGrad, or use relu(conv2d(...))');
  if (pool && (dims !== 2 || out.some((n) => n < 2))) {
    fail(op, `a fused 2x2 pool needs a 2D output of at least 2x2, got ${out.join('x')}`, 'pool the convolution\'s output separately');
  }
  const fused = { ...attrs, ...(relu ? { activation: 'relu' as const } : {}), ...(pool ? { pool } : {}) };
  return p.finish(run1('Conv2D', b ? [p.x4, p.w4, b] : [p.x4, p.w4], fused), pool ? out.map((n) => Math.floor(n / 2)) : out);
}

function convTransposeNd(op: string, dims: Dims, x: Tensor, w: Tensor, b: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  const p = prepare(op, dims, x, w, b, opts, true);
  if (typeof opts.padding === 'string') fail(op, `padding must be a number or an array of ${dims} integers, got ${show(opts.padding)}`, 'transposed convolutions take explicit padding only, as in PyTorch');
  const padding = tuple(op, 'padding', opts.padding ?? 0, dims, { min: 0 });
  const outPad = tuple(op, 'outputPadding', opts.outputPadding ?? 0, dims, { min: 0 });
  const out = p.spatial.map((n, i) => {
    const [s, d, op_] = [p.stride[i], p.dilation[i], outPad[i]];
    if (op_ >= s && op_ >= d) fail(op, `outputPadding ${show(outPad)} must be smaller than either stride ${show(p.stride)} or dilation ${show(p.dilation)}`, 'outputPadding only picks among output sizes that map back to the same input size');
    const o = convTransposeOutSize(n, p.kernel[i], s, padding[i], d, op_);
    if (o < 1) fail(op, `output ${AXES[dims][i]} would be ${o} (input ${n}, kernel ${p.kernel[i]}, stride ${s}, padding ${padding[i]}, dilation ${d}, outputPadding ${op_}; input ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)})`, 'reduce padding or use a larger input');
    return o;
  });
  const adj = padding.map((pad, i) => transposeAdjoint(p.stride[i], pad, outPad[i]));
  const [ph, pw] = dims === 1 ? [0, padding[0]] : padding;
  const [ah, aw] = dims === 1 ? [{ padAfter: 0, crop: 0 }, adj[0]] : adj;
  const attrs: Conv2DAttrs = { stride: dimsOf(dims, p.stride), pads: [ph, ah.padAfter, pw, aw.padAfter], dilation: dimsOf(dims, p.dilation), groups: p.groups };
  const [OH, OW] = dimsOf(dims, out);
  // Trailing positions that no input reaches (only when outputPadding >= stride) are zero-filled.
  const inner: [number, number, number, number] = [p.N, p.outC, OH - ah.crop, OW - aw.crop];
  const cropped = ah.crop > 0 || aw.crop > 0;
  const { x4, w4 } = p;
  let y = run1('Conv2DBackpropInput', [x4, w4], { ...attrs, inputShape: inner });
  if (cropped) y = run1('Pad', [y], { pads: [[0, 0], [0, 0], [0, ah.crop], [0, aw.crop]], mode: 'constant', value: 0 });
  if (b) y = run1('Add', [y, shareStorage(b, [1, b.size, 1, 1])], {});
  y = record(op, y, [x4, w4, b], (dy) => {
    const dyIn = cropped ? run1('Slice', [dy], { begin: [0, 0, 0, 0], size: inner, step: [1, 1, 1, 1] }) : dy;
    return [
      x4.requiresGrad ? run1('Conv2D', [dyIn, w4], attrs) : null,
      w4.requiresGrad ? run1('Conv2DBackpropFilter', [dyIn, x4], { ...attrs, filterShape: w4.shape as [number, number, number, number] }) : null,
      b?.requiresGrad ? run1('Sum', [dy], { axes: [0, 2, 3] }) : null,
    ];
  });
  return p.finish(y, out);
}

/** conv1d(x [N,C,L], weight [K,C/groups,k], bias? [K]) -> [N,K,Lout], as torch.nn.functional.conv1d (plus 'causal' and [left, right] padding). */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: ConvFnArgs<Conv1dOptions>): Tensor {
  checkBias('conv1d', bias);
  return convNd('conv1d', 1, x, weight, bias, positional<Conv1dOptions>('conv1d', rest, CONV_POS));
}

/** conv2d(x [N,C,H,W], weight [K,C/groups,kh,kw], bias? [K]) -> [N,K,OH,OW], as torch.nn.functional.conv2d (plus [top, bottom, left, right] padding). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: ConvFnArgs<Conv2dOptions>): Tensor {
  checkBias('conv2d', bias);
  return convNd('conv2d', 2, x, weight, bias, positional<Conv2dOptions>('conv2d', rest, CONV_POS));
}

/**
 * relu(conv2d(x, weight, bias, opts)) as one kernel (ReLU in the convolution's epilogue), for inference:
 * no gradient, so it refuses inputs that require one while autograd records (nn/fusion.ts calls it under noGrad).
 */
export function conv2dReluInference(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: ConvFnArgs<Conv2dOptions>): Tensor {
  return conv2dFusedInference(x, weight, bias, positional<Conv2dOptions>('conv2d', rest, CONV_POS), { relu: true });
}

/**
 * conv2d(x, weight, bias, opts), then ReLU and/or a 2x2 stride-2 pooling (as avgPool2d / maxPool2d with
 * kernelSize 2) as one kernel, for inference: neither the full-size output nor the ReLU's is stored.
 */
export function conv2dFusedInference(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: Conv2dOptions, epilogue: ConvEpilogue): Tensor {
  checkBias('conv2d', bias);
  return convNd('conv2d', 2, x, weight, bias, opts, epilogue);
}

/** convTranspose1d(x [N,Cin,L], weight [Cin,Cout/groups,k], bias? [Cout]), as torch.nn.functional.conv_transpose1d. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: ConvTransposeFnArgs): Tensor {
  checkBias('convTranspose1d', bias);
  return convTransposeNd('convTranspose1d', 1, x, weight, bias, positional<ConvTransposeOptions>('convTranspose1d', rest, CONV_T_POS));
}

/** convTranspose2d(x [N,Cin,H,W], weight [Cin,Cout/groups,kh,kw], bias? [Cout]), as torch.nn.functional.conv_transpose2d. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: ConvTransposeFnArgs): Tensor {
  checkBias('convTranspose2d', bias);
  return convTransposeNd('convTranspose2d', 2, x, weight, bias, positional<ConvTransposeOptions>('convTranspose2d', rest, CONV_T_POS));
}
