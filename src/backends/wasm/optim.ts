/**
 * Fused optimizer steps on the wasm runtime (asm/optim.ts): one pass per parameter instead of one kernel per
 * operation. The scalars come from the reference module, so both backends round the same numbers.
 */
import { float32Only, sizeOfShape, type Buf, type WasmKernel } from './types.js';
import { splitRange, type Call, type WasmRuntime } from './runtime.js';
import { adamScalars, sgdScalars } from '../reference/optim.js';

/** The asm kernel's flags (asm/optim.ts). */
const MAXIMIZE = 1, WEIGHT_DECAY = 2, MOMENTUM = 4, HAS_BUFFER = 8, DAMPENING = 16, NESTEROV = 32;
/** Elements per chunk from which threads split a step (it is memory-bound: only large parameters gain). */
const SPLIT_AT = 1 << 18;

/** Why the operands cannot run here (the reference kernel reports a mismatch), or null. */
function operandsIssue(inputs: readonly Buf[], counts: readonly number[]): string | null {
  const [p] = inputs, why = float32Only(inputs);
  if (why) return why;
  if (!counts.includes(inputs.length) || inputs.some((t) => t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))) {
    return 'operands do not match (the reference kernel reports it)';
  }
  return sizeOfShape(p.shape) === 0 ? 'empty tensor' : null;
}

/**
 * Runs `call(i0, i1)` over n elements (threads split large parameters) with the step's scalars at `prm`:
 * f64 in memory, which the kernel rounds to f32 as the separate ops round theirs.
 */
function runSteps(rt: WasmRuntime, n: number, scalars: number[], call: (prm: number, i0: number, i1: number) => Call): void {
  const prm = rt.alloc(2 * scalars.length);
  rt.setF64(prm, scalars);
  rt.run(splitRange(n, n >= 2 * SPLIT_AT ? rt.chunksFor(n) : 1, 4).map(([i0, i1]): Call[] => [call(prm, i0, i1)]));
}

const SGDStep: WasmKernel<'SGDStep'> = (rt, inputs, a) => {
  const [p, g, buf] = inputs;
  const why = operandsIssue(inputs, [2, 3]);
  if (why) return why;
  const n = sizeOfShape(p.shape);
  const flags = (a.maximize ? MAXIMIZE : 0) | (a.weightDecay !== 0 ? WEIGHT_DECAY : 0) | (a.momentum !== 0 ? MOMENTUM : 0)
    | (buf ? HAS_BUFFER : 0) | (a.dampening !== 0 ? DAMPENING : 0) | (a.nesterov ? NESTEROV : 0);
  const pp = rt.ptrOf(p), gp = rt.ptrOf(g), bp = buf ? rt.ptrOf(buf) : 0;
  const outs = Array.from({ length: a.momentum !== 0 ? 2 : 1 }, () => rt.output(n));
  runSteps(rt, n, sgdScalars(a), (prm, i0, i1) => ['sgdStep', pp, gp, bp, outs[0], outs[1] ?? 0, flags, prm, i0, i1]);
  return outs.map((ptr) => ({ ptr, shape: [...p.shape], dtype: 'float32' as const }));
};

/** The asm kernel's flags (asm/optim.ts). */
const ADAM_MAXIMIZE = 1, ADAM_WEIGHT_DECAY = 2, ADAM_DECOUPLED = 4, ADAM_AMSGRAD = 8;

const AdamStep: WasmKernel<'AdamStep'> = (rt, inputs, a) => {
  const [p] = inputs;
  const why = operandsIssue(inputs, [a.amsgrad ? 5 : 4]);
  if (why) return why;
  const n = sizeOfShape(p.shape);
  const flags = (a.maximize ? ADAM_MAXIMIZE : 0) | (a.weightDecay !== 0 ? ADAM_WEIGHT_DECAY : 0) | (a.decoupled ? ADAM_DECOUPLED : 0) | (a.amsgrad ? ADAM_AMSGRAD : 0);
  const [pp, gp, mp, vp, xp] = [...inputs.map((t) => rt.ptrOf(t)), 0];
  const outs = Array.from({ length: a.amsgrad ? 4 : 3 }, () => rt.output(n));
  runSteps(rt, n, adamScalars(a), (prm, i0, i1) => ['adamStep', pp, gp, mp, vp, xp, outs[0], outs[1], outs[2], outs[3] ?? 0, flags, prm, i0, i1]);
  return outs.map((ptr) => ({ ptr, shape: [...p.shape], dtype: 'float32' as const }));
};

export const optimKernels = { SGDStep, AdamStep } satisfies { SGDStep: WasmKernel<'SGDStep'>; AdamStep: WasmKernel<'AdamStep'> };
