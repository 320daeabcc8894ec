/**
 * sort and topk along one dim, as torch.sort / torch.topk: values and int32 indices. The order is
 * found on the host (a stable index sort per row); values are a gather of the input, so gradients flow
 * to the chosen elements through gather's rule. NaN sorts as the largest value, as in PyTorch.
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { gather, narrow } from './shape.js';
import { assertTensor, fail, normDim } from './validate.js';
import { bool, integer, positional } from './args.js';

/** [values, indices] that also reads as { values, indices } (PyTorch's named tuple). */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

/** NaN above everything (PyTorch's order), then plain numeric order. */
function ascending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

/** Indices that sort each row of `x` along dim `d` (int32, same shape as x). */
function sortIndices(x: Tensor, d: number, descending: boolean): Tensor {
  const data = x.dataSync();
  const n = x.shape[d];
  const inner = x.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const outer = x.size / Math.max(1, n * inner);
  const out = new Int32Array(x.size);
  const order = new Array<number>(n);
  const row = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) { order[j] = j; row[j] = data[base + j * inner]; }
      // Array.prototype.sort is stable, so ties keep their input order in both directions.
      order.sort(descending ? (a, b) => ascending(row[b], row[a]) : (a, b) => ascending(row[a], row[b]));
      for (let j = 0; j < n; j++) out[base + j * inner] = order[j];
    }
  }
  return fromArray(out, [...x.shape]);
}

interface SortOptions { dim?: number; descending?: boolean; stable?: boolean }

/** sort(x, dim = -1, descending = false) or sort(x, { dim, descending, stable }): [values, indices]. Always stable. */
export function sort(x: Tensor, ...rest: [dim?: number | SortOptions, descending?: boolean | SortOptions, stable?: boolean | SortOptions]): ValuesIndices {
  assertTensor('sort', 'input', x);
  const o = positional<SortOptions>('sort', rest, ['dim', 'descending', 'stable']);
  if (x.ndim === 0) return valuesIndices(x, fromArray(new Int32Array(1), []));
  const d = normDim('sort', integer('sort', 'dim', o.dim ?? -1), x.ndim);
  const descending = o.descending === undefined ? false : bool('sort', 'descending', o.descending);
  if (o.stable !== undefined) bool('sort', 'stable', o.stable);
  const indices = noGrad(() => sortIndices(x, d, descending));
  return valuesIndices(gather(x, d, indices), indices);
}

interface TopkOptions { dim?: number; largest?: boolean; sorted?: boolean }

/** topk(x, k, dim = -1, largest = true, sorted = true) or topk(x, k, { dim, largest, sorted }): [values, indices]. */
export function topk(x: Tensor, k: number, ...rest: [dim?: number | TopkOptions, largest?: boolean | TopkOptions, sorted?: boolean | TopkOptions]): ValuesIndices {
  assertTensor('topk', 'input', x);
  const o = positional<TopkOptions>('topk', rest, ['dim', 'largest', 'sorted']);
  const d = x.ndim === 0 ? 0 : normDim('topk', integer('topk', 'dim', o.dim ?? -1), x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  integer('topk', 'k', k, { min: 0 });
  if (k > n) fail('topk', `k = ${k} is larger than dim ${d}'s size ${n}`, 'k must be at most the size of the dimension');
  const largest = o.largest === undefined ? true : bool('topk', 'largest', o.largest);
  if (o.sorted !== undefined) bool('topk', 'sorted', o.sorted); // results always come sorted, which sorted = false allows
  if (x.ndim === 0) return valuesIndices(x, fromArray(new Int32Array(1), []));
  const indices = noGrad(() => narrow(sortIndices(x, d, largest), d, 0, k));
  return valuesIndices(gather(x, d, indices), indices);
}
