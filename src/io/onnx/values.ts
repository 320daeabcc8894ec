/**
 * Values flowing through an imported graph. Float data that depends on the graph input lives in
 * neocog Tensors (so autograd sees it); shapes, indices and other small constants live on the host
 * (HostArray), so shape chains (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) fold to plain
 * numbers without touching a backend or the autograd graph.
 */
import { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import type { DType } from '../../tensor/dtype.js';
import { DataType, DataTypeName } from './schema.js';
import { checkDims, OnnxError, type HostArray } from './tensor-proto.js';

export interface TensorVal { kind: 't'; t: Tensor; type: number }
export interface HostVal { kind: 'h'; a: HostArray }
export type Val = TensorVal | HostVal;

export const isFloatType = (type: number) => type === DataType.FLOAT || type === DataType.DOUBLE || type === DataType.FLOAT16;
export const dtypeOf = (type: number): DType => (type === DataType.DOUBLE ? 'float64' : isFloatType(type) ? 'float32' : 'int32');

export const tv = (t: Tensor, type: number): TensorVal => ({ kind: 't', t, type });
export const hv = (dims: number[], type: number, data: ArrayLike<number>): HostVal => ({ kind: 'h', a: { dims, type, data: data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data) } });

export const shapeOf = (v: Val): number[] => (v.kind === 't' ? v.t.shape : v.a.dims);
export const typeOf = (v: Val): number => (v.kind === 't' ? v.type : v.a.type);
export const typeName = (type: number) => DataTypeName[type] ?? String(type);

/** A tensor of `dtype` from any numeric array (fromArray takes its dtype from the array type). */
export function tensorOf(data: ArrayLike<number>, dims: number[], dtype: DType): Tensor {
  const arr = dtype === 'float32' ? (data instanceof Float32Array ? data : Float32Array.from(data)) : dtype === 'float64' ? (data instanceof Float64Array ? data : Float64Array.from(data)) : data instanceof Int32Array ? data : Int32Array.from(data);
  return fromArray(arr, dims);
}

/** The value as a tensor (host data is uploaded; int types become int32). */
export function toTensor(v: Val): Tensor {
  if (v.kind === 't') return v.t;
  const dt = dtypeOf(v.a.type);
  if (dt === 'int32') {
    for (const x of v.a.data) if (x > 2147483647 || x < -2147483648) throw new OnnxError(`value ${x} does not fit neocog's int32 tensors`);
  }
  return tensorOf(v.a.data, [...v.a.dims], dt);
}

/** The value on the host (tensor data is read back; used for shapes, axes, pads and other small inputs). */
export function toHost(v: Val): HostArray {
  if (v.kind === 'h') return v.a;
  const d = v.t.dataSync();
  return { dims: [...v.t.shape], type: v.type, data: d instanceof Float32Array ? d : Float64Array.from(d) };
}

/** A host value's entries as integers (shape, axes, indices inputs). */
export function ints(v: Val, what: string): number[] {
  const a = toHost(v);
  if (isFloatType(a.type)) throw new OnnxError(`${what} must be an integer tensor, got ${typeName(a.type)}`);
  return Array.from(a.data);
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Numpy broadcasting of two shapes, or an error naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new OnnxError(`${where}: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Host elementwise op over broadcast inputs. */
export function hostMap(inputs: HostArray[], type: number, where: string, f: (...x: number[]) => number): HostVal {
  const dims = inputs.reduce((s, a) => broadcastShapes(s, a.dims, where), [] as number[]);
  const n = checkDims(dims, where);
  const out = new Float64Array(n);
  const strides = inputs.map((a) => {
    const st = stridesOf(a.dims);
    const off = dims.length - a.dims.length;
    return dims.map((_, i) => (i < off || a.dims[i - off] === 1 ? 0 : st[i - off]));
  });
  const idx = new Array<number>(dims.length).fill(0);
  const args = new Array<number>(inputs.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < inputs.length; j++) {
      let o = 0;
      for (let d = 0; d < dims.length; d++) o += idx[d] * strides[j][d];
      args[j] = inputs[j].data[o];
    }
    out[k] = f(...args);
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return hv(dims, type, out);
}

/** Normalises a possibly negative axis against `rank`. */
export function axis(a: number, rank: number, where: string): number {
  const r = a < 0 ? a + rank : a;
  if (!Number.isInteger(r) || r < 0 || r >= rank) throw new OnnxError(`${where}: axis ${a} is out of range for rank ${rank}`);
  return r;
}

export const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;
