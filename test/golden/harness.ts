/**
 * Replays the PyTorch golden fixtures (written by tools/gen_golden.py) against neocog's ops.
 * Shared by the golden test and tools/op-table.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export interface FixtureTensor { shape: number[]; dtype?: string; data: number[]; grad?: boolean; name?: string }
export interface GoldenCase {
  name: string;
  op: string;
  inputs: FixtureTensor[];
  args: unknown[];
  options: Record<string, unknown>;
  outputs: FixtureTensor[];
  gradOutput?: FixtureTensor;
  grads?: Record<string, FixtureTensor>;
  mutated?: Record<string, FixtureTensor>;
}

export const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Fixture files written by gen_golden.py (optim.json has its own format and test). */
export function loadCases(): { file: string; cases: GoldenCase[] }[] {
  return readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json') && f !== 'optim.json')
    .sort()
    .map((file) => ({ file, cases: JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')).cases as GoldenCase[] }));
}

function toTensor(f: FixtureTensor): Tensor {
  const dtype = (f.dtype ?? 'float32') as nc.DType;
  return nc.tensor(f.data, f.shape, { dtype, requiresGrad: !!f.grad && dtype !== 'int32' });
}

/** Positional slots before the options object where an op has optional positional tensors or args. */
const POSITIONAL: Record<string, number> = {
  conv1d: 3, conv2d: 3, convTranspose1d: 3, convTranspose2d: 3, linear: 3,
  sum: 3, mean: 3, max: 3, min: 3, var: 3, add: 2, sub: 2, mul: 2, div: 2, pow: 2, slice: 5, logSumExp: 3,
};

/** Ops whose PyTorch argument order interleaves tensors and plain args, or takes a list of tensors. */
const CALL_ORDER: Record<string, (inputs: Tensor[], args: unknown[]) => unknown[]> = {
  cat: (inputs, args) => [inputs, ...args],
  stack: (inputs, args) => [inputs, ...args],
  gather: ([x, index], [dim]) => [x, dim, index],
  scatterAdd: ([x, index, src], [dim]) => [x, dim, index, src],
};

export function resolveOp(op: string): ((...a: unknown[]) => Tensor | Tensor[]) | undefined {
  const table = { ...(nc as unknown as Record<string, unknown>), ...(nc.F as unknown as Record<string, unknown>) };
  const fn = table[op];
  return typeof fn === 'function' ? (fn as (...a: unknown[]) => Tensor | Tensor[]) : undefined;
}

export interface Mismatch { what: string; index: number; got: number; want: number }

/**
 * |a-b| <= rtol*|b| + atol: relative, plus an absolute floor scaled to the tensor's largest value (float32
 * cancellation on tiny elements), never below 1e-7 (float32 epsilon at unit scale).
 */
export function compare(what: string, got: ArrayLike<number>, want: FixtureTensor, rtol: number, atolScale: number): Mismatch | null {
  if (got.length !== want.data.length) return { what: `${what} size`, index: -1, got: got.length, want: want.data.length };
  const exact = want.dtype === 'int32';
  const maxAbs = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < got.length; i++) {
    const a = got[i], b = want.data[i];
    if (exact ? a !== b : !(Math.abs(a - b) <= rtol * Math.abs(b) + Math.max(atolScale * maxAbs, 1e-7)) && !(Number.isNaN(a) && Number.isNaN(b)) && a !== b) {
      return { what, index: i, got: a, want: b };
    }
  }
  return null;
}

const shapeOf = (t: Tensor) => `[${t.shape.join(',')}]`;

/** Runs one case; returns a list of problems (empty when it matches PyTorch). */
export function runCase(c: GoldenCase): string[] {
  const fn = resolveOp(c.op);
  if (!fn) return [`op ${c.op} does not exist`];
  const inputs = c.inputs.map(toTensor);
  const options: Record<string, unknown> = {};
  const optionTensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.options)) {
    if (v && typeof v === 'object' && 'tensor' in v) {
      optionTensors[k] = toTensor((v as { tensor: FixtureTensor }).tensor);
      options[k] = optionTensors[k];
    } else options[k] = v;
  }
  const positional: unknown[] = CALL_ORDER[c.op]?.(inputs, c.args) ?? [...inputs, ...c.args];
  const slots = POSITIONAL[c.op];
  // Absent optional tensors (a bias) are null; absent plain args are undefined so defaults apply.
  const filler = c.op === 'linear' || c.op.startsWith('conv') ? null : undefined;
  if (slots !== undefined) while (positional.length < slots) positional.push(filler);
  const problems: string[] = [];
  let result: Tensor | Tensor[];
  try {
    // No options: none passed (ops without an options parameter refuse an extra argument).
    result = Object.keys(options).length > 0 ? fn(...positional, options) : fn(...positional);
  } catch (e) {
    return [`threw: ${(e as Error).message}`];
  }
  const outs = Array.isArray(result) ? result : [result];
  c.outputs.forEach((want, k) => {
    const got = outs[k];
    if (!got) return problems.push(`output ${k} missing`);
    if (got.shape.join(',') !== want.shape.join(',')) return problems.push(`output ${k} shape ${shapeOf(got)} != [${want.shape.join(',')}]`);
    const m = compare(`output ${k}`, got.dataSync(), want, 1e-5, 1e-5);
    if (m) problems.push(`${m.what}[${m.index}] = ${m.got}, PyTorch ${m.want}`);
  });
  if (c.gradOutput && c.grads) {
    try {
      outs[0].backward(toTensor({ ...c.gradOutput, grad: false }));
    } catch (e) {
      return [...problems, `backward threw: ${(e as Error).message}`];
    }
    const named: Record<string, Tensor> = { ...optionTensors };
    c.inputs.forEach((f, i) => { named[f.name ?? String(i)] = inputs[i]; });
    for (const [name, want] of Object.entries(c.grads)) {
      const g = named[name]?.grad;
      if (!g) { problems.push(`no gradient for ${name}`); continue; }
      const m = compare(`grad ${name}`, g.dataSync(), want, 1e-4, 1e-5);
      if (m) problems.push(`${m.what}[${m.index}] = ${m.got}, PyTorch ${m.want}`);
    }
  }
  for (const [name, want] of Object.entries(c.mutated ?? {})) {
    const idx = c.inputs.findIndex((f) => f.name === name);
    const m = compare(`mutated ${name}`, inputs[idx].dataSync(), want, 1e-5, 1e-6);
    if (m) problems.push(`${m.what}[${m.index}] = ${m.got}, PyTorch ${m.want}`);
  }
  return problems;
}
