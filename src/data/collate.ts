/** The default collate: a list of samples -> one batch (tensors stacked on a new first dimension). */
import { fromArray } from '../tensor/creation.js';
import { allocArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { Collated } from './dataset.js';
import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

/**
 * Tensors of equal shape [...] -> one tensor [B, ...] (copied straight into one typed array, no
 * autograd); numbers -> an int32 tensor [B] when all are integers (labels), else float32; tuples and
 * plain objects are collated position by position / key by key; anything else is returned as a list.
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items)) fail('defaultCollate', `items must be an array of samples, got ${show(items)}`);
  if (items.length === 0) throw new Error('collate: cannot collate an empty batch');
  return collate(items as readonly unknown[], 'batch') as Collated<T>;
}

function collate(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stackTensors(items, path);
  if (typeof first === 'number') {
    const nums = items as readonly number[];
    nums.forEach((v, i) => {
      if (typeof v !== 'number') throw new Error(`collate: ${path} item ${i} is ${typeof v}, but item 0 is a number`);
    });
    const values = nums.every(Number.isInteger) ? new Int32Array(nums) : new Float32Array(nums);
    return fromArray(values, [nums.length]);
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => {
      items.forEach((it, i) => {
        if (!Array.isArray(it) || it.length !== first.length) throw new Error(`collate: ${path} item ${i} is not an array of length ${first.length} like item 0`);
      });
      return collate(items.map((it) => (it as unknown[])[k]), `${path}[${k}]`);
    });
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = collate(items.map((it) => (it as Record<string, unknown>)[key]), `${path}.${key}`);
    return out;
  }
  return [...items];
}

function stackTensors(items: readonly unknown[], path: string): Tensor {
  const first = items[0] as Tensor;
  const n = first.size;
  const out = allocArray(first.dtype, items.length * n);
  items.forEach((it, i) => {
    if (!(it instanceof Tensor)) throw new Error(`collate: ${path} item ${i} is not a Tensor, but item 0 is`);
    if (it.ndim !== first.ndim || it.shape.some((d, k) => d !== first.shape[k])) {
      throw new Error(`collate: ${path} item ${i} has shape [${it.shape.join(',')}] but item 0 has [${first.shape.join(',')}]; a batch needs equal shapes (resize or crop first)`);
    }
    if (it.dtype !== first.dtype) throw new Error(`collate: ${path} item ${i} has dtype ${it.dtype} but item 0 has ${first.dtype}`);
    out.set(it.dataSync(), i * n);
  });
  return fromArray(out, [items.length, ...first.shape]);
}
