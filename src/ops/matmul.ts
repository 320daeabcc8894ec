/** Matrix products: matmul with PyTorch's broadcasting rules, and linear. */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, fmtShape, sizeOf } from '../tensor/shape.js';
import { isGradEnabled, record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { add } from './elementwise.js';
import { expand, reshape, squeeze, unsqueeze } from './shape.js';
import { assertFloat, assertRank, assertTensor, fail } from './validate.js';

/**
 * bmm over [B,M,K] x [B,K,N] with optional transposes. The gradient rule reuses the same kernel with
 * flipped transposes, so no explicit transpose copy is ever made.
 */
export function bmm(a: Tensor, b: Tensor, { transposeA = false, transposeB = false } = {}): Tensor {
  assertRank('bmm', 'input', a, [3]);
  assertRank('bmm', 'mat2', b, [3]);
  const k1 = transposeA ? a.shape[1] : a.shape[2];
  const k2 = transposeB ? b.shape[2] : b.shape[1];
  if (a.shape[0] !== b.shape[0] || k1 !== k2) {
    fail('bmm', `cannot multiply ${fmtShape(a.shape)}${transposeA ? 'ᵀ' : ''} by ${fmtShape(b.shape)}${transposeB ? 'ᵀ' : ''}`, 'batch sizes and inner dims must match');
  }
  const out = run1('BatchMatMul', [a, b], { transposeA, transposeB });
  return record('bmm', out, [a, b], (dy) => [
    a.requiresGrad
      ? transposeA
        ? run1('BatchMatMul', [b, dy], { transposeA: transposeB, transposeB: true })
        : run1('BatchMatMul', [dy, b], { transposeA: false, transposeB: !transposeB })
      : null,
    b.requiresGrad
      ? transposeB
        ? run1('BatchMatMul', [dy, a], { transposeA: true, transposeB: transposeA })
        : run1('BatchMatMul', [a, dy], { transposeA: !transposeA, transposeB: false })
      : null,
  ]);
}

/** matmul(a, b) like torch.matmul: 1D operands are promoted, batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor('matmul', 'input', a);
  assertTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) fail('matmul', `both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, 'use mul for scalars');
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const [m, k] = a2.shape.slice(-2);
  const [k2, n] = b2.shape.slice(-2);
  if (k !== k2) fail('matmul', `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k} vs ${k2})`);
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  if (!batch) fail('matmul', `batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast`);
  const B = sizeOf(batch);
  const a3 = reshape(expand(a2, [...batch, m, k]), [B, m, k]);
  const b3 = reshape(expand(b2, [...batch, k, n]), [B, k, n]);
  let out = reshape(bmm(a3, b3), [...batch, m, n]);
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/** linear(x, weight [out,in], bias? [out]) = x @ weightᵀ + bias, for x [..., in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  assertTensor('linear', 'input', x);
  assertRank('linear', 'weight', weight, [2], 'weight is [outFeatures, inFeatures]');
  assertFloat('linear', 'input', x);
  const inF = weight.shape[1];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    fail('linear', `input has ${x.shape[x.ndim - 1] ?? 0} features but weight expects ${inF} (input ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)})`, 'flatten the input first, or fix inFeatures');
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    fail('linear', `bias must be [${weight.shape[0]}], got ${fmtShape(bias.shape)}`);
  }
  const rows = x.size / inF;
  if (!recordsGradient(x, weight, bias)) return linearInference(x, weight, bias ?? null, rows);
  return linearAsMatmul(x, weight, bias ?? null, rows);
}

/** x @ weightᵀ + bias as a batched matmul and an add: differentiable, every dtype, empty shapes. */
function linearAsMatmul(x: Tensor, weight: Tensor, bias: Tensor | null, rows: number): Tensor {
  const [outF, inF] = weight.shape;
  const y = reshape(bmm(reshape(x, [1, rows, inF]), reshape(weight, [1, outF, inF]), { transposeB: true }), [...x.shape.slice(0, -1), outF]);
  return bias ? add(y, bias) : y;
}

const recordsGradient = (...ts: (Tensor | null | undefined)[]) => isGradEnabled() && ts.some((t) => t?.requiresGrad);

/**
 * linear with nothing to differentiate (checked arguments): one kernel where the bias, and a ReLU when
 * `relu` (nn.Sequential's inference fusion), run in the GEMM's epilogue. A linear layer is a 1x1
 * convolution of [rows, in, 1, 1], which Conv2D runs as one GEMM over the rows.
 */
export function linearInference(x: Tensor, weight: Tensor, bias: Tensor | null, rows = x.size / weight.shape[1], relu = false): Tensor {
  const [outF, inF] = weight.shape;
  const float32 = x.dtype === 'float32' && weight.dtype === 'float32' && (!bias || bias.dtype === 'float32');
  if (!float32 || rows === 0 || inF === 0) {
    // Other dtypes keep the general path (its dtype checks and errors); an empty product has no GEMM.
    const out = linearAsMatmul(x, weight, bias, rows);
    return relu ? run1('Relu', [out], {}) : out;
  }
  const attrs = { stride: [1, 1] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1, ...(relu ? { activation: 'relu' as const } : {}) };
  const operands = [reshape(x, [rows, inF, 1, 1]), reshape(weight, [outF, inF, 1, 1])];
  const y = run1('Conv2D', bias ? [...operands, bias] : operands, attrs);
  return reshape(y, [...x.shape.slice(0, -1), outF]);
}
