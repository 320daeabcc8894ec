/**
 * gradcheck(fn, inputs): compares autograd against float64 central differences. Like
 * torch.autograd.gradcheck it returns true or throws, naming the input and element that disagree.
 * The output is projected on a fixed random direction r, so one backward pass checks <J^T r, e_i>
 * for every input element i.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import { noGrad } from './graph.js';
import { runBackward } from './backward.js';
import { assertTensor, fail } from '../ops/validate.js';
import { finite, integer, noExtra, options, show } from '../ops/args.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

type Outputs = Tensor | Tensor[];

function floatOutputs(out: Outputs): Tensor[] {
  const outs = Array.isArray(out) ? out : [out];
  outs.forEach((t, i) => { if (!(t instanceof Tensor)) fail('gradcheck', `fn must return a Tensor or an array of tensors, got ${show(t)}${outs.length > 1 ? ` at [${i}]` : ''}`); });
  return outs.filter((t) => t.dtype === 'float64');
}

export function gradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[] | Tensor, opts: GradcheckOptions = {}): true {
  if (typeof fn !== 'function') fail('gradcheck', `fn must be a function of the inputs, got ${show(fn)}`);
  // Like torch.autograd.gradcheck, one tensor stands for a one-element list.
  if (inputs instanceof Tensor) inputs = [inputs];
  if (!Array.isArray(inputs)) fail('gradcheck', `inputs must be a Tensor or an array of tensors, got ${show(inputs)}`);
  inputs.forEach((t, i) => assertTensor('gradcheck', `inputs[${i}]`, t));
  noExtra('gradcheck', arguments, 3);
  const o = options<GradcheckOptions>('gradcheck', opts, ['eps', 'atol', 'rtol', 'seed']);
  const eps = finite('gradcheck', 'eps', o.eps ?? 1e-6, { min: Number.MIN_VALUE });
  const atol = finite('gradcheck', 'atol', o.atol ?? 1e-5, { min: 0 });
  const rtol = finite('gradcheck', 'rtol', o.rtol ?? 1e-3, { min: 0 });
  const seed = integer('gradcheck', 'seed', o.seed ?? 1234);
  const all = inputs;
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input has requiresGrad: true');
  for (const t of checked) {
    if (t.dtype !== 'float64') throw new Error(`gradcheck: inputs must be float64 for finite differences, got ${t.dtype} [${t.shape.join(',')}]`);
  }
  const outputs = floatOutputs(fn(...all));
  if (outputs.length === 0) throw new Error('gradcheck: fn returned no float64 output');
  const g = new Generator(seed);
  const directions = outputs.map((o) => {
    const r = new Float64Array(o.size);
    for (let i = 0; i < r.length; i++) r[i] = g.normal();
    return r;
  });
  const project = (outs: Tensor[]) => outs.reduce((acc, o, k) => {
    const v = o.dataSync();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * directions[k][i];
    return acc + s;
  }, 0);

  // Analytic: backprop r through every output at once.
  for (const t of checked) t.grad = null;
  outputs.forEach((o, k) => {
    if (o.requiresGrad) runBackward(o, fromArray(directions[k].slice(), [...o.shape]));
  });
  const analytic = checked.map((t) => (t.grad ? t.grad.dataSync() : new Float64Array(t.size)));

  // Numeric: perturb one element at a time and re-run the forward without the tape.
  checked.forEach((t, ti) => {
    const base = t.dataSync() as Float64Array;
    const original = t.dataId;
    for (let i = 0; i < base.length; i++) {
      const evalAt = (delta: number) => {
        const p = base.slice();
        p[i] += delta;
        const probe = fromArray(p, [...t.shape]);
        t.dataId = probe.dataId;
        try {
          return noGrad(() => project(floatOutputs(fn(...all))));
        } finally {
          t.dataId = original;
        }
      };
      const numeric = (evalAt(eps) - evalAt(-eps)) / (2 * eps);
      const a = analytic[ti][i];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck: gradient mismatch for input ${all.indexOf(t)} [${t.shape.join(',')}] at element ${i}: ` +
            `analytic ${a}, numeric ${numeric} (atol ${atol}, rtol ${rtol})`,
        );
      }
    }
  });
  for (const t of checked) t.grad = null;
  return true;
}

/** Helper for tests: a float64 leaf with random normal values. */
export function randomInput(shape: number[], seed: number, { requiresGrad = true, scale = 1 } = {}): Tensor {
  const g = new Generator(seed);
  const v = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = g.normal() * scale;
  return fromArray(v, shape, { requiresGrad });
}

