/**
 * Inference-time layer fusion (what ONNX Runtime does to an exported graph), for a Conv2d followed by
 * an eval-mode BatchNorm2d and/or a ReLU (or a MaxPool2d then a ReLU) and/or a 2x2 stride-2 pooling, and
 * for a Linear followed by a ReLU:
 * - the batch norm is a per-channel scale s and shift t on the conv's output, so it folds into the
 *   conv's weights, w' = w * s per filter and b' = b * s + t;
 * - the ReLU runs in the convolution's epilogue (Conv2D's `activation`); after a max pool too, since
 *   the two commute;
 * - a 2x2 stride-2 AvgPool2d or MaxPool2d runs in the convolution's tiles (Conv2D's `pool`), which then
 *   never store the full-size output (LeNet-5's conv-ReLU-pool, the MNIST net's conv-pool-ReLU).
 * Each saves full passes over the feature map. Only when no gradient is recorded (noGrad), the layers
 * are exactly nn.Conv2d, nn.BatchNorm2d, nn.ReLU and the pools (not subclasses that may override
 * forward), the batch norm has running statistics, and no layer has hooks; results equal the unfused
 * layers up to float32 rounding (the pool's, given the convolution's output, exactly).
 */
import { getBackend } from '../backends/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/graph.js';
import { keep } from '../autograd/scope.js';
import { add, div, mul, neg, sqrt } from '../ops/elementwise.js';
import { reshape } from '../ops/shape.js';
import { linearInference } from '../ops/matmul.js';
import { Linear } from './linear.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './normalization.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';
import type { AnyModule } from './module.js';

const exactly = (m: AnyModule | undefined, cls: { prototype: object }) => m !== undefined && Object.getPrototypeOf(m) === cls.prototype && !m.hasHooks;

/**
 * modules[i] (a Conv2d) and what follows it fused on x: the output and how many modules it covers,
 * or null where nothing fuses (then run modules[i] as usual).
 */
export function fuseForInference(modules: readonly AnyModule[], i: number, x: Tensor): { y: Tensor; consumed: number } | null {
  // Shapes only (summary on the meta backend): nothing to fold, and nothing to cache.
  if (getBackend().name === 'meta') return null;
  if (isGradEnabled()) return null;
  if (exactly(modules[i], Linear)) return fuseLinearRelu(modules[i] as Linear, modules[i + 1], x);
  if (!exactly(modules[i], Conv2d)) return null;
  const conv = modules[i] as Conv2d;
  if (conv.weight.dtype !== 'float32' || x.dtype !== 'float32') return null;
  let weight: Tensor = conv.weight, bias: Tensor | null = conv.bias, consumed = 1;
  const bn = modules[i + 1] as BatchNorm2d | undefined;
  if (exactly(bn, BatchNorm2d) && !bn!.training && bn!.runningMean && bn!.runningVar && bn!.numFeatures === conv.outChannels) {
    ({ weight, bias } = foldedWeights(conv, bn!));
    consumed++;
  }
  const next = modules[i + consumed], after = modules[i + consumed + 1];
  if (exactly(next, ReLU)) {
    const pool = pool2x2(after);
    if (pool) return { y: conv.forwardWith(x, weight, bias, { relu: true, pool }), consumed: consumed + 2 };
    return { y: conv.forwardWith(x, weight, bias, { relu: true }), consumed: consumed + 1 };
  }
  // ReLU and max pooling commute (max(relu(a), relu(b)) = relu(max(a, b))): a max pool then a ReLU
  // (the lectures' MNIST net) puts the ReLU in the convolution's epilogue, before the pool.
  if (exactly(next, MaxPool2d) && !(next as MaxPool2d).returnIndices && exactly(after, ReLU)) {
    if (pool2x2(next)) return { y: conv.forwardWith(x, weight, bias, { relu: true, pool: 'max' }), consumed: consumed + 2 };
    return { y: (next as MaxPool2d).forward(conv.forwardWith(x, weight, bias, { relu: true })) as Tensor, consumed: consumed + 2 };
  }
  const pool = pool2x2(next);
  if (pool) return { y: conv.forwardWith(x, weight, bias, { pool }), consumed: consumed + 1 };
  return consumed === 1 ? null : { y: conv.forwardWith(x, weight, bias), consumed };
}

const all = (v: unknown, n: number) => v === n || (Array.isArray(v) && v.every((e) => e === n));

/**
 * The pooling Conv2D fuses (2x2 windows, stride 2, no padding, floor mode, PyTorch's divisor) when m is
 * exactly such an AvgPool2d or MaxPool2d (without indices), else null.
 */
function pool2x2(m: AnyModule | undefined): 'avg' | 'max' | null {
  if (exactly(m, AvgPool2d)) {
    const p = m as AvgPool2d;
    return all(p.kernelSize, 2) && all(p.stride, 2) && all(p.padding, 0) && !p.ceilMode && p.divisorOverride === null ? 'avg' : null;
  }
  if (exactly(m, MaxPool2d)) {
    const p = m as MaxPool2d;
    return all(p.kernelSize, 2) && all(p.stride, 2) && all(p.padding, 0) && all(p.dilation, 1) && !p.ceilMode && !p.returnIndices ? 'max' : null;
  }
  return null;
}

/** A Linear and the ReLU after it as one GEMM with the bias and the ReLU in its epilogue. */
function fuseLinearRelu(linear: Linear, next: AnyModule | undefined, x: Tensor): { y: Tensor; consumed: number } | null {
  // Anything unusual (a mismatched input: let Linear say so) runs unfused.
  if (!exactly(next, ReLU) || x.ndim === 0 || x.shape[x.ndim - 1] !== linear.inFeatures || x.dtype !== 'float32') return null;
  return { y: linearInference(x, linear.weight, linear.bias, undefined, true), consumed: 2 };
}

interface Folded {
  /** What the folded weights were computed from: storage handles and versions, compared by identity. */
  from: unknown[];
  weight: Tensor;
  bias: Tensor;
}
/** Folded weights per conv, prepared once and reused until a source tensor changes (assign swaps storage and bumps version). */
const foldCache = new WeakMap<Conv2d, Folded>();

function foldSources(conv: Conv2d, bn: BatchNorm2d): unknown[] {
  const ts = [conv.weight, conv.bias, bn.weight, bn.bias, bn.runningMean, bn.runningVar];
  return [bn, bn.eps, ...ts.flatMap((t) => (t ? [t, t.dataId, t.version] : [null, null, null]))];
}

function foldedWeights(conv: Conv2d, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  const from = foldSources(conv, bn);
  const hit = foldCache.get(conv);
  if (hit && hit.from.length === from.length && hit.from.every((v, i) => v === from[i])) return hit;
  const folded = foldBatchNorm(conv.weight, conv.bias, bn);
  if (hit) {
    hit.weight.dispose();
    hit.bias.dispose();
  }
  foldCache.set(conv, { from, weight: keep(folded.weight), bias: keep(folded.bias) });
  return folded;
}

/** The same scale and shift batchNorm computes from running statistics, folded into the conv's weight and bias. */
function foldBatchNorm(weight: Tensor, bias: Tensor | null, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  const variance = bn.runningVar!;
  const scale = bn.weight ? div(bn.weight, sqrt(add(variance, bn.eps))) : div(1, sqrt(add(variance, bn.eps)));
  let shift = neg(mul(bn.runningMean!, scale));
  if (bn.bias) shift = add(shift, bn.bias);
  return { weight: mul(weight, reshape(scale, [-1, 1, 1, 1])), bias: bias ? add(mul(bias, scale), shift) : shift };
}

/**
 * Runs modules in order on x, fusing Conv2d [+ BatchNorm2d] [+ ReLU] runs under noGrad (Sequential and
 * the residual blocks' paths). `check` sees each module's output (containers validate it).
 */
export function runChain(modules: readonly AnyModule[], x: Tensor, check: (y: unknown, i: number) => Tensor = (y) => y as Tensor): Tensor {
  let y = x;
  for (let i = 0; i < modules.length; i++) {
    const fused = fuseForInference(modules, i, y);
    if (fused) {
      y = fused.y;
      i += fused.consumed - 1;
    } else {
      y = check(modules[i].call(y), i);
    }
  }
  return y;
}
