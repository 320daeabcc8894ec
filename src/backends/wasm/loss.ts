/**
 * NllLoss and NllLossGrad on the wasm runtime (asm/loss.ts): one pass over the targets on the calling
 * thread (a loss has few), bit-identical to the reference; a target outside the classes gets its error.
 */
import type { KernelName } from '../../kernels/specs.js';
import type { WasmRuntime } from './runtime.js';
import { float32Only, sizeOfShape, type Buf, type WasmKernel } from './types.js';

/** Checks the operands; else [n (targets), C, inner]. */
function sizes(logpShape: readonly number[], target: Buf): [number, number, number] | string {
  if (target.dtype !== 'int32') return `${target.dtype} targets`;
  if (logpShape.length < 2) return 'input of fewer than 2 dims (the reference kernel reports it)';
  const n = sizeOfShape(target.shape), inner = sizeOfShape(logpShape.slice(2));
  if (n !== logpShape[0] * inner) return 'target count differs from the positions (the reference kernel reports it)';
  return [n, logpShape[1], inner];
}

/** Runs `fn` with a flag cell; a flagged target throws the reference kernel's error. */
function runChecked(rt: WasmRuntime, op: string, target: Buf, C: number, call: (bad: number) => [string, ...number[]]): void {
  const bad = rt.alloc(1);
  rt.setI32(bad, [0]);
  rt.run([[call(bad)]]);
  const j = rt.readI32(bad);
  if (j !== 0) throw new Error(`${op}: target ${target.values[j - 1]} is outside the ${C} classes`);
}

const NllLoss: WasmKernel<'NllLoss'> = (rt, inputs, { reduction }) => {
  const [logp, target] = inputs;
  const why = float32Only([logp]);
  if (why) return why;
  const s = sizes(logp.shape, target);
  if (typeof s === 'string') return s;
  const [n, C, inner] = s, out = rt.output(1);
  runChecked(rt, 'NllLoss', target, C, (bad) => ['nllLoss', rt.ptrOf(logp), rt.ptrOf(target), out, n, C, inner, reduction === 'mean' ? 1 : 0, bad]);
  return [{ ptr: out, shape: [], dtype: 'float32' }];
};

const NllLossGrad: WasmKernel<'NllLossGrad'> = (rt, inputs, { reduction, inputShape }) => {
  const [dy, target] = inputs;
  const why = float32Only([dy]);
  if (why) return why;
  if (sizeOfShape(dy.shape) !== 1) return 'dy is not a scalar (the reference kernel reports it)';
  const s = sizes(inputShape, target);
  if (typeof s === 'string') return s;
  const [n, C, inner] = s, out = rt.output(sizeOfShape(inputShape));
  runChecked(rt, 'NllLossGrad', target, C, (bad) => ['nllLossGrad', rt.ptrOf(dy), rt.ptrOf(target), out, n, C, inner, reduction === 'mean' ? 1 : 0, bad]);
  return [{ ptr: out, shape: [...inputShape], dtype: 'float32' }];
};

export const lossKernels = { NllLoss, NllLossGrad } satisfies { [K in KernelName]?: WasmKernel<K> };
