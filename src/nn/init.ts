/**
 * Parameter initialisation (torch.nn.init): every function fills its tensor in place (through
 * `assign`, outside autograd), returns it, and draws from the global seeded generator unless one is
 * given, so `manualSeed` makes a model's initial weights reproducible.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { allocArray, isFloat } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { noGrad } from '../autograd/graph.js';
import { show } from '../ops/args.js';
import { options } from '../ops/args.js';
import { assertTensor } from '../ops/validate.js';

export type Nonlinearity =
  | 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'leaky_relu' | 'selu'
  | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d';
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface RandomInitOptions {
  generator?: Generator;
}
export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (used only with 'leakyRelu'). Default 0. */
  a?: number;
  /** 'fanIn' (default) keeps the forward variance, 'fanOut' the backward one. */
  mode?: FanMode;
  /** Default 'leakyRelu' (with a = 0 this is ReLU's gain √2), as PyTorch. */
  nonlinearity?: Nonlinearity;
}
export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

const LINEAR_LIKE = new Set(['linear', 'identity', 'conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']);

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky ReLU's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_LIKE.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  switch (nonlinearity) {
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu':
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope)) throw new Error(`calculateGain: negative slope ${show(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new Error(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}' (use linear, sigmoid, tanh, relu, leakyRelu, selu or a conv name)`);
  }
}

/**
 * [fanIn, fanOut] of a weight as PyTorch computes them: dim 1 and dim 0 times the receptive field
 * (the product of the dims after the first two). Needs at least 2 dims.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  assertTensor('calculateFanInAndFanOut', 't', t);
  if (t.ndim < 2) throw new Error(`init: fan in and fan out can not be computed for a tensor with fewer than 2 dims (shape [${t.shape.join(',')}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanFor(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new Error(`init: mode must be 'fanIn' or 'fanOut', got ${show(mode)}`);
}

/** Replaces t's values with `sample()` draws, in t's dtype. */
function fill(op: string, t: Tensor, sample: () => number, needFloat = true): Tensor {
  if (needFloat && !isFloat(t.dtype)) throw new Error(`${op}: tensor must be floating point, got dtype ${t.dtype}`);
  const values = allocArray(t.dtype, t.size);
  for (let i = 0; i < values.length; i++) values[i] = sample();
  noGrad(() => t.assign(fromArray(values, [...t.shape])));
  return t;
}

function checkNumber(op: string, arg: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${op}: ${arg} must be a number, got ${show(v)}`);
}

/** Fills with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: RandomInitOptions = {}): Tensor {
  assertTensor('uniform_', 't', t);
  const { generator = defaultGenerator } = options<RandomInitOptions>('uniform_', opts, ['generator']);
  checkNumber('uniform_', 'a', a);
  checkNumber('uniform_', 'b', b);
  if (b < a) throw new Error(`uniform_: the lower bound a (${a}) must not exceed the upper bound b (${b})`);
  return fill('uniform_', t, () => a + (b - a) * generator.random());
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, opts: RandomInitOptions = {}): Tensor {
  assertTensor('normal_', 't', t);
  const { generator = defaultGenerator } = options<RandomInitOptions>('normal_', opts, ['generator']);
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std);
  if (std < 0) throw new Error(`normal_: std must be >= 0, got ${std}`);
  return fill('normal_', t, () => mean + std * generator.normal());
}

/** Fills with N(mean, std²) redrawn until inside [a, b] (torch.nn.init.trunc_normal_). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: RandomInitOptions = {}): Tensor {
  assertTensor('truncNormal_', 't', t);
  const { generator = defaultGenerator } = options<RandomInitOptions>('truncNormal_', opts, ['generator']);
  if (!(b > a)) throw new Error(`truncNormal_: a (${a}) must be less than b (${b})`);
  if (!(std > 0)) throw new Error(`truncNormal_: std must be > 0, got ${std}`);
  return fill('truncNormal_', t, () => {
    for (let i = 0; i < 1000; i++) {
      const v = mean + std * generator.normal();
      if (v >= a && v <= b) return v;
    }
    return Math.min(Math.max(mean, a), b);
  });
}

export function constant_(t: Tensor, value: number): Tensor {
  assertTensor('constant_', 't', t);
  checkNumber('constant_', 'value', value);
  return fill('constant_', t, () => value, false);
}
export function zeros_(t: Tensor): Tensor {
  assertTensor('zeros_', 't', t);
  return fill('zeros_', t, () => 0, false);
}
export function ones_(t: Tensor): Tensor {
  assertTensor('ones_', 't', t);
  return fill('ones_', t, () => 1, false);
}

/** Kaiming/He uniform: U(-bound, bound), bound = gain · √(3 / fan). Linear/Conv use a = √5. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  assertTensor('kaimingUniform_', 't', t);
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu', generator } = options<KaimingOptions>('kaimingUniform_', opts, ['a', 'mode', 'nonlinearity', 'generator']);
  const fan = fanFor(t, mode);
  if (fan === 0) return t; // PyTorch warns and leaves a zero-element tensor alone
  const bound = Math.sqrt(3) * (calculateGain(nonlinearity, a) / Math.sqrt(fan));
  return uniform_(t, -bound, bound, { generator });
}

/** Kaiming/He normal: N(0, std²), std = gain / √fan. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  assertTensor('kaimingNormal_', 't', t);
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu', generator } = options<KaimingOptions>('kaimingNormal_', opts, ['a', 'mode', 'nonlinearity', 'generator']);
  const fan = fanFor(t, mode);
  if (fan === 0) return t;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan), { generator });
}

/** Xavier/Glorot uniform: U(-a, a), a = gain · √(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, opts: XavierOptions = {}): Tensor {
  assertTensor('xavierUniform_', 't', t);
  const { gain = 1, generator } = options<XavierOptions>('xavierUniform_', opts, ['gain', 'generator']);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, { generator });
}

/** Xavier/Glorot normal: N(0, std²), std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, opts: XavierOptions = {}): Tensor {
  assertTensor('xavierNormal_', 't', t);
  const { gain = 1, generator } = options<XavierOptions>('xavierNormal_', opts, ['gain', 'generator']);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), { generator });
}

/** LeCun uniform (Keras): U(-√(3 / fanIn), √(3 / fanIn)). */
export function lecunUniform_(t: Tensor, opts: RandomInitOptions = {}): Tensor {
  assertTensor('lecunUniform_', 't', t);
  const [fanIn] = calculateFanInAndFanOut(t);
  const bound = Math.sqrt(3 / fanIn);
  return uniform_(t, -bound, bound, opts);
}

/** LeCun normal: N(0, 1 / fanIn) (the SELU init). */
export function lecunNormal_(t: Tensor, opts: RandomInitOptions = {}): Tensor {
  assertTensor('lecunNormal_', 't', t);
  const [fanIn] = calculateFanInAndFanOut(t);
  return normal_(t, 0, Math.sqrt(1 / fanIn), opts);
}
