/**
 * What every inspect method shares: argument checks, eval mode and frozen weights for the duration
 * of one call, named layers (PyTorch dotted paths), the class score to explain, a fresh input leaf.
 */
import '../tensor/methods.js'; // Tensor methods (x.slice, x.sum) used across inspect
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { Module, type AnyModule } from '../nn/module.js';
import { Conv1d, Conv2d } from '../nn/conv.js';
import { mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { NeocogError } from '../ops/validate.js';
import { MAX_ELEMENTS, integer, options, show } from '../ops/args.js';

export function fail(op: string, message: string, hint?: string): never {
  throw new NeocogError(`inspect.${op}`, message, hint);
}

export function checkModel(op: string, model: unknown): asserts model is AnyModule {
  if (!(model instanceof Module)) fail(op, `model must be an nn.Module, got ${describe(model)}`);
}

export function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor [${v.shape.join(',')}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  return show(v);
}

/** The helpers that take their caller's name first (inputGradient, layerFeatures) check it before using it in messages. */
export function checkOp(fn: string, op: unknown): asserts op is string {
  if (typeof op !== 'string' || !/^[\w.$-]+$/.test(op)) fail(fn, `op must be the calling method's name (a string), got ${describe(op)}`);
}

/** An array or typed array of numbers. */
export function isNumbers(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
}

/** Row-major data [n, d] as the plain-array helpers (pca, tsne, kNN) take it: sizes checked before anything is allocated. */
export function checkMatrix(op: string, arg: string, data: unknown, n: unknown, d: unknown): asserts data is ArrayLike<number> {
  if (!isNumbers(data)) fail(op, `${arg} must be an array or typed array of numbers [n * d], got ${describe(data)}`);
  integer(`inspect.${op}`, 'n', n, { min: 1 });
  integer(`inspect.${op}`, 'd', d, { min: 1 });
  if ((n as number) * (d as number) > MAX_ELEMENTS) fail(op, `n * d = ${(n as number) * (d as number)} is over the limit of ${MAX_ELEMENTS}`);
  if (data.length < (n as number) * (d as number)) fail(op, `${arg} has ${data.length} values, fewer than n * d = ${n} * ${d}`);
}

/** Rejects option keys the method does not know (with a did-you-mean), so a typo is never silently ignored. */
export function checkOptions(op: string, opts: unknown, known: readonly string[]): Record<string, unknown> {
  return options<Record<string, unknown>>(`inspect.${op}`, opts, known);
}

export function intOpt(op: string, name: string, v: unknown, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(op, `${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

export function numOpt(op: string, name: string, v: unknown, dflt: number, min = -Infinity): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(op, `${name} must be a finite number >= ${min}, got ${describe(v)}`);
  return v;
}

/** A float input batch [N, ...]; a single unbatched sample is the caller's to unsqueeze (shapes are model-specific). */
export function checkInput(op: string, input: unknown, minRank = 2): Tensor {
  if (!(input instanceof Tensor)) fail(op, `input must be a Tensor [N, C, ...], got ${describe(input)}`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') fail(op, `input must be float32 or float64, got ${input.dtype}`);
  if (input.ndim < minRank) fail(op, `input must be a batch [N, C, ...] of rank >= ${minRank}, got [${input.shape.join(',')}]`, 'add the batch dim: x.unsqueeze(0)');
  if (input.shape[0] < 1) fail(op, 'input batch is empty');
  return input;
}

/** One class index per sample: a number (the same for all) or an array of N. */
export function checkTarget(op: string, target: unknown, n: number, numClasses: number): number[] {
  const list = typeof target === 'number' ? new Array<number>(n).fill(target) : Array.isArray(target) ? (target as unknown[]) : fail(op, `target must be a class index or an array of ${n}, got ${describe(target)}`);
  if (list.length !== n) fail(op, `target has ${list.length} entries but the input batch has ${n}`);
  for (const t of list) {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= numClasses) fail(op, `target ${describe(t)} is not a class index in [0, ${numClasses})`);
  }
  return list as number[];
}

/** The model's output as logits [N, K], or a clear error. */
export function logitsOf(op: string, out: unknown, n: number): Tensor {
  if (!(out instanceof Tensor) || out.ndim !== 2 || out.shape[0] !== n) {
    fail(op, `the model must return logits [N, K] for a batch of ${n}, got ${describe(out)}`, 'wrap the model so it returns one [N, K] tensor');
  }
  return out;
}

/** sum_n out[n, target[n]]: backward from it gives every sample its own class gradient (samples are independent in eval mode). */
export function targetScore(logits: Tensor, target: readonly number[]): Tensor {
  const [n, k] = logits.shape;
  const mask = new Float32Array(n * k);
  target.forEach((t, i) => (mask[i * k + t] = 1));
  return sum(mul(logits, fromArray(logits.dtype === 'float64' ? Float64Array.from(mask) : mask, [n, k])));
}

/**
 * Runs fn in eval mode with every parameter's requiresGrad off (attribution needs input gradients
 * only; weight .grad is never touched), restoring both afterwards.
 */
export function inspecting<T>(model: AnyModule, fn: () => T): T {
  const modes = model.modules().map((m) => [m, m.training] as const);
  const params = model.parameters().map((p) => [p, p.requiresGrad] as const);
  model.eval();
  for (const [p] of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const [m, t] of modes) m.training = t;
    for (const [p, r] of params) p.requiresGrad = r;
  }
}

/** A detached copy of x that requires grad: a fresh leaf, so no gradient of an earlier call leaks in. */
export function leaf(x: Tensor): Tensor {
  const t = noGrad(() => x.clone());
  t.requiresGrad = true;
  return t;
}

export function namedLayer(op: string, model: AnyModule, name: unknown): AnyModule {
  if (typeof name !== 'string') fail(op, `layer must be a dotted module name (a string), got ${describe(name)}`);
  const all = model.namedModules();
  const hit = all.find(([n]) => n === name);
  if (!hit) {
    const names = all.map(([n]) => n).filter((n) => n !== '');
    fail(op, `no layer named '${name}'`, `layers: ${names.join(', ')}`);
  }
  return hit[1];
}

/** The last convolution in registration order (the usual Grad-CAM target), or an error naming what exists. */
export function lastConv(op: string, model: AnyModule): string {
  const convs = model.namedModules().filter(([, m]) => m instanceof Conv1d || m instanceof Conv2d);
  if (convs.length === 0) fail(op, 'the model has no convolution layer', 'pass { layer } naming the layer to explain');
  return convs[convs.length - 1][0];
}

/**
 * The default layer for Grad-CAM and the deconvnet projection: the last convolution whose output still
 * has more than one position for this input (LeNet-5's last conv gives 1x1 maps, which explain nothing).
 */
export function lastSpatialConv(op: string, model: AnyModule, x: Tensor): string {
  const convs = model.namedModules().filter(([, m]) => m instanceof Conv1d || m instanceof Conv2d);
  if (convs.length === 0) fail(op, 'the model has no convolution layer', 'pass { layer } naming the layer to explain');
  const sizes = new Map<string, number>();
  const handles = convs.map(([n, m]) => m.registerForwardHook((_m, _i, out) => { if (out instanceof Tensor) sizes.set(n, out.size / (out.shape[0] * out.shape[1])); }));
  try {
    inspecting(model, () => noGrad(() => model.call(x.slice(0, 0, 1))));
  } finally {
    for (const h of handles) h.remove();
  }
  for (let i = convs.length - 1; i >= 0; i--) if ((sizes.get(convs[i][0]) ?? 0) > 1) return convs[i][0];
  return convs[convs.length - 1][0];
}

/** Runs fn while a forward hook keeps the output of `layer` (the last call's, if the layer runs more than once). */
export function capture<T>(op: string, model: AnyModule, layer: string, fn: () => T): { result: T; activation: Tensor } {
  const m = namedLayer(op, model, layer);
  let act: unknown;
  const h = m.registerForwardHook((_m, _i, out) => {
    act = out;
    // Keep its gradient too (Grad-CAM reads dScore/dA from it after backward).
    if (out instanceof Tensor && out.requiresGrad) out.retainsGrad = true;
  });
  let result: T;
  try {
    result = fn();
  } finally {
    h.remove();
  }
  if (act === undefined) fail(op, `layer '${layer}' did not run in the forward pass`, 'name a module that the model calls');
  if (!(act instanceof Tensor)) fail(op, `layer '${layer}' returned ${describe(act)}, not a tensor`);
  return { result, activation: act };
}
