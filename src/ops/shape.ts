/** Shape and layout ops: views, permutations, slicing, joining, broadcasting, gather/scatter. */
import { Tensor, shareStorage } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { fmtShape, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { sumToShape } from './util.js';
import { assertDType, assertInt, assertRank, assertTensor, fail, normDim } from './validate.js';
import { show } from './args.js';

/** reshape(x, shape): one entry may be -1 (inferred). Shares storage with x (tensors are contiguous). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', 'input', x);
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (s.filter((d) => d === -1).length > 1) fail('reshape', `only one dimension can be -1, got ${fmtShape(s)}`);
  s.forEach((d, i) => { if (i !== infer) assertInt('reshape', 'shape', d, { min: 0 }); });
  if (infer >= 0) {
    const known = sizeOf(s.filter((_, i) => i !== infer));
    if (known === 0 || x.size % known !== 0) fail('reshape', `shape ${fmtShape(shape)} is invalid for input of size ${x.size} ${fmtShape(x.shape)}`);
    s[infer] = x.size / known;
  }
  if (sizeOf(s) !== x.size) fail('reshape', `shape ${fmtShape(s)} (${sizeOf(s)} elements) is invalid for input of size ${x.size} ${fmtShape(x.shape)}`);
  return record('reshape', shareStorage(x, s), [x], (dy) => [shareStorage(dy, x.shape)]);
}

export const view = reshape;

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  assertTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim, 'startDim');
  const e = normDim('flatten', endDim, x.ndim, 'endDim');
  if (s > e) fail('flatten', `startDim (${startDim}) must not come after endDim (${endDim})`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  assertTensor('squeeze', 'input', x);
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normDim('squeeze', dim, x.ndim);
  return x.shape[d] === 1 ? reshape(x, x.shape.filter((_, i) => i !== d)) : x;
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  assertTensor('unsqueeze', 'input', x);
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  assertTensor('permute', 'input', x);
  if (dims.length !== x.ndim) fail('permute', `dims ${show(dims)} must list all ${x.ndim} dims of input ${fmtShape(x.shape)}`);
  const perm = dims.map((d) => normDim('permute', d, x.ndim, 'dims'));
  if (new Set(perm).size !== perm.length) fail('permute', `dims ${show(dims)} repeat a dimension`);
  if (perm.every((p, i) => p === i)) return reshape(x, x.shape);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return record('permute', run1('Transpose', [x], { perm }), [x], (dy) => [run1('Transpose', [dy], { perm: inverse })]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  assertTensor('transpose', 'input', x);
  const a = normDim('transpose', dim0, x.ndim, 'dim0');
  const b = normDim('transpose', dim1, x.ndim, 'dim1');
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}

/**
 * slice(x, dim, start, end, step): Python-style x[..., start:end:step] along one dim
 * (negative start/end count from the end; out-of-range bounds are clipped).
 */
export function slice(x: Tensor, dim: number, start = 0, end = Infinity, step = 1): Tensor {
  assertTensor('slice', 'input', x);
  const d = normDim('slice', dim, x.ndim);
  assertInt('slice', 'step', step, { min: 1 });
  const n = x.shape[d];
  const clip = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = clip(start), e = clip(end);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const begin = x.shape.map((_, i) => (i === d ? s : 0));
  const size = x.shape.map((v, i) => (i === d ? len : v));
  const steps = x.shape.map((_, i) => (i === d ? step : 1));
  const out = run1('Slice', [x], { begin, size, step: steps });
  return record('slice', out, [x], (dy) => {
    if (step === 1) {
      const pads = x.shape.map((v, i): [number, number] => (i === d ? [s, v - s - len] : [0, 0]));
      return [run1('Pad', [dy], { pads, mode: 'constant', value: 0 })];
    }
    // Strided slices scatter back through an index along `dim`.
    const idx = new Int32Array(dy.size);
    const inner = sizeOf(dy.shape.slice(d + 1));
    for (let i = 0; i < idx.length; i++) idx[i] = s + (Math.floor(i / inner) % len) * step;
    return [run1('ScatterAddElements', [dy, fromArray(idx, [...dy.shape])], { axis: d, shape: [...x.shape] })];
  });
}

/** flip(x, dims): reverses the order of elements along each of `dims` (torch.flip); a copy. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  assertTensor('flip', 'input', x);
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) fail('flip', `dims must be a dimension or an array of dimensions, got ${show(dims)}`);
  const flipped = list.map((d) => normDim('flip', d, x.ndim, 'dims'));
  if (new Set(flipped).size !== flipped.length) fail('flip', `dims ${show(dims)} repeat a dimension`);
  const begin = x.shape.map((n, i) => (flipped.includes(i) && n > 0 ? n - 1 : 0));
  const step = x.shape.map((_, i) => (flipped.includes(i) ? -1 : 1));
  const reverse = (t: Tensor) => run1('Slice', [t], { begin, size: [...t.shape], step });
  return record('flip', reverse(x), [x], (dy) => [reverse(dy)]);
}

/** narrow(x, dim, start, length), as in PyTorch. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  assertTensor('narrow', 'input', x);
  const d = normDim('narrow', dim, x.ndim);
  assertInt('narrow', 'length', length, { min: 0 });
  const s = start < 0 ? start + x.shape[d] : start;
  if (s < 0 || s + length > x.shape[d]) fail('narrow', `start (${start}) + length (${length}) exceeds dimension ${d} of size ${x.shape[d]}`);
  return slice(x, d, s, s + length);
}

/** The sequence cat/stack join: an array (torch's list or tuple) of at least one tensor. */
function tensorList(op: string, tensors: unknown): asserts tensors is readonly Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) fail(op, `tensors must be a non-empty array of tensors, got ${show(tensors)}`);
  tensors.forEach((t, i) => assertTensor(op, `tensors[${i}]`, t));
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  tensorList('cat', tensors);
  const first = tensors[0];
  const d = normDim('cat', dim, first.ndim);
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((v, k) => k !== d && v !== first.shape[k])) {
      fail('cat', `tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[0] has ${fmtShape(first.shape)}; all dims except ${d} must match`);
    }
    if (t.dtype !== first.dtype) fail('cat', `tensors[${i}] has dtype ${t.dtype} but tensors[0] has ${first.dtype}`);
  });
  const out = run1('Concat', [...tensors], { axis: d });
  return record('cat', out, [...tensors], (dy) => {
    let offset = 0;
    return tensors.map((t) => {
      const begin = dy.shape.map((_, i) => (i === d ? offset : 0));
      offset += t.shape[d];
      return run1('Slice', [dy], { begin, size: [...t.shape], step: dy.shape.map(() => 1) });
    });
  });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  tensorList('stack', tensors);
  const d = normDim('stack', dim, tensors[0].ndim + 1);
  tensors.forEach((t, i) => {
    if (t.ndim !== tensors[0].ndim || t.shape.some((v, k) => v !== tensors[0].shape[k])) {
      fail('stack', `tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[0] has ${fmtShape(tensors[0].shape)}; stack needs equal shapes`);
    }
  });
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** split(x, sizeOrSections, dim): equal chunks of `size` (last may be smaller) or the listed sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  assertTensor('split', 'input', x);
  const d = normDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    assertInt('split', 'splitSize', sizeOrSections, { min: 1 });
    sizes = Array.from({ length: Math.ceil(n / sizeOrSections) }, (_, i) => Math.min(sizeOrSections, n - i * sizeOrSections));
  } else {
    sizes = [...sizeOrSections];
    if (sizes.reduce((a, b) => a + b, 0) !== n) fail('split', `sections ${show(sizes)} do not add up to dimension ${d} of size ${n}`);
  }
  let offset = 0;
  return sizes.map((len) => {
    const part = slice(x, d, offset, offset + len);
    offset += len;
    return part;
  });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  assertInt('chunk', 'chunks', chunks, { min: 1 });
  const d = normDim('chunk', dim, x.ndim);
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}

/** expand(x, shape): broadcast to `shape` (-1 keeps a dim); materialises the copy. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('expand', 'input', x);
  if (shape.length < x.ndim) fail('expand', `target ${fmtShape(shape)} has fewer dims than input ${fmtShape(x.shape)}`);
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  target.forEach((d, i) => {
    const src = i >= lead ? x.shape[i - lead] : 1;
    if (src !== 1 && src !== d) fail('expand', `dimension ${i}: size ${src} cannot expand to ${d} (input ${fmtShape(x.shape)}, target ${fmtShape(shape)})`, 'only size-1 dims can be expanded');
  });
  if (target.every((d, i) => d === (x.shape[i - lead] ?? -2))) return reshape(x, x.shape);
  return record('expand', run1('BroadcastTo', [x], { shape: target }), [x], (dy) => [sumToShape(dy, x.shape)]);
}

export function expandAs(x: Tensor, other: Tensor): Tensor {
  assertTensor('expandAs', 'x', x);
  return expand(x, other.shape);
}

function checkIndex(op: string, x: Tensor, dim: number, index: Tensor): number {
  assertTensor(op, 'index', index);
  assertDType(op, 'index', index, 'int32', 'indices must be int32 (e.g. from argmax or tensor(data, shape, { dtype: "int32" }))');
  const d = normDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim) fail(op, `index must have the same number of dims as input: index ${fmtShape(index.shape)}, input ${fmtShape(x.shape)}`);
  return d;
}

/** gather(x, dim, index): out[i][j] = x[index[i][j]][j] for dim 0, as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('gather', 'input', x);
  const d = checkIndex('gather', x, dim, index);
  index.shape.forEach((v, i) => {
    if (i !== d && v > x.shape[i]) fail('gather', `index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} in dim ${i}`);
  });
  return record('gather', run1('GatherElements', [x, index], { axis: d }), [x, null], (dy) => [
    run1('ScatterAddElements', [dy, index], { axis: d, shape: [...x.shape] }),
    null,
  ]);
}

/** scatterAdd(x, dim, index, src): x plus src added at `index` positions (out of place). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  assertTensor('scatterAdd', 'input', x);
  assertTensor('scatterAdd', 'src', src);
  const d = checkIndex('scatterAdd', x, dim, index);
  if (src.ndim !== index.ndim || src.shape.some((v, i) => v < index.shape[i])) fail('scatterAdd', `src ${fmtShape(src.shape)} must be at least as large as index ${fmtShape(index.shape)}`);
  const srcUsed = src.shape.every((v, i) => v === index.shape[i]) ? src : run1('Slice', [src], { begin: src.shape.map(() => 0), size: [...index.shape], step: src.shape.map(() => 1) });
  const scattered = run1('ScatterAddElements', [srcUsed, index], { axis: d, shape: [...x.shape] });
  return record('scatterAdd', run1('Add', [x, scattered], {}), [x, null, src], (dy) => {
    const g = run1('GatherElements', [dy, index], { axis: d });
    const pads = src.shape.map((v, i): [number, number] => [0, v - index.shape[i]]);
    return [dy, null, pads.some((p) => p[1] > 0) ? run1('Pad', [g], { pads, mode: 'constant', value: 0 }) : g];
  });
}

/** select(x, dim, index): the slice at `index` along dim, that dim removed, as torch.select (negative index counts from the end). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  assertTensor('select', 'input', x);
  const d = normDim('select', dim, x.ndim);
  const n = x.shape[d];
  assertInt('select', 'index', index, { min: -n });
  if (index >= n) fail('select', `index ${index} is out of range for dim ${d} of size ${n}`, `use -${n} .. ${n - 1}`);
  return squeeze(narrow(x, d, index < 0 ? index + n : index, 1), d);
}

/** Rank-checked helper other ops use: [N,C,L] -> [N,C,1,L]. */
export function as2d(op: string, x: Tensor): Tensor {
  assertRank(op, 'input', x, [3], 'expected [N, C, L]');
  return reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
}

