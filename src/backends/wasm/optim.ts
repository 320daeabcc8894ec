/**
 * Fused optimizer steps on the wasm runtime (asm/optim.ts): one pass per parameter instead of one kernel per
 * operation. The scalars come from the reference module, so both backends round the same numbers.
 */
import { float32Only, sizeOfShape, type WasmKernel } from './types.js';
import { splitRange, type Call } from './runtime.js';
import { adamScalars } from '../reference/optim.js';

/** The asm kernel's flags (asm/optim.ts). */
const MAXIMIZE = 1, WEIGHT_DECAY = 2, MOMENTUM = 4, HAS_BUFFER = 8, DAMPENING = 16, NESTEROV = 32;
/** Elements per chunk from which threads split a step (it is memory-bound: only large parameters gain). */
const SPLIT_AT = 1 << 18;

const SGDStep: WasmKernel<'SGDStep'> = (rt, inputs, a) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [p, g, buf] = inputs;
  const n = sizeOfShape(p.shape);
  if (inputs.some((t) => sizeOfShape(t.shape) !== n || t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))) {
    return 'operand shapes differ (the reference kernel reports it)';
  }
  if (n === 0) return 'empty tensor';
  const flags = (a.maximize ? MAXIMIZE : 0) | (a.weightDecay !== 0 ? WEIGHT_DECAY : 0) | (a.momentum !== 0 ? MOMENTUM : 0)
    | (buf ? HAS_BUFFER : 0) | (a.dampening !== 0 ? DAMPENING : 0) | (a.nesterov ? NESTEROV : 0);
  const pp = rt.ptrOf(p), gp = rt.ptrOf(g), bp = buf ? rt.ptrOf(buf) : 0;
  const outP = rt.output(n), outB = a.momentum !== 0 ? rt.output(n) : 0;
  // The scalars go through memory as f64: the kernel rounds them to f32 as the separate ops round theirs.
  const prm = rt.alloc(8);
  rt.setF64(prm, [a.weightDecay, a.momentum, 1 - a.dampening, -a.lr]);
  rt.run(splitRange(n, n >= 2 * SPLIT_AT ? rt.chunksFor(n) : 1, 4).map(([i0, i1]): Call[] =>
    [['sgdStep', pp, gp, bp, outP, outB, flags, prm, i0, i1]]));
  const out = [{ ptr: outP, shape: [...p.shape], dtype: 'float32' as const }];
  if (outB) out.push({ ptr: outB, shape: [...p.shape], dtype: 'float32' as const });
  return out;
};

/** The asm kernel's flags (asm/optim.ts). */
const ADAM_MAXIMIZE = 1, ADAM_WEIGHT_DECAY = 2, ADAM_DECOUPLED = 4, ADAM_AMSGRAD = 8;

const AdamStep: WasmKernel<'AdamStep'> = (rt, inputs, a) => {
  const why = float32Only(inputs);
  if (why) return why;
  const [p] = inputs;
  const n = sizeOfShape(p.shape);
  if (inputs.length !== (a.amsgrad ? 5 : 4) || inputs.some((t) => t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))) {
    return 'operands do not match (the reference kernel reports it)';
  }
  if (n === 0) return 'empty tensor';
  const flags = (a.maximize ? ADAM_MAXIMIZE : 0) | (a.weightDecay !== 0 ? ADAM_WEIGHT_DECAY : 0) | (a.decoupled ? ADAM_DECOUPLED : 0) | (a.amsgrad ? ADAM_AMSGRAD : 0);
  const [pp, gp, mp, vp, xp] = [...inputs.map((t) => rt.ptrOf(t)), 0];
  const outs = Array.from({ length: a.amsgrad ? 4 : 3 }, () => rt.output(n));
  const prm = rt.alloc(18);
  rt.setF64(prm, adamScalars(a));
  rt.run(splitRange(n, n >= 2 * SPLIT_AT ? rt.chunksFor(n) : 1, 4).map(([i0, i1]): Call[] =>
    [['adamStep', pp, gp, mp, vp, xp, outs[0], outs[1], outs[2], outs[3] ?? 0, flags, prm, i0, i1]]));
  return outs.map((ptr) => ({ ptr, shape: [...p.shape], dtype: 'float32' as const }));
};

export const optimKernels = { SGDStep, AdamStep } satisfies { SGDStep: WasmKernel<'SGDStep'>; AdamStep: WasmKernel<'AdamStep'> };
