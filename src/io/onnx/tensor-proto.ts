/**
 * TensorProto <-> typed arrays, with the checks an untrusted file needs: element counts capped before
 * anything is allocated, data lengths that must match the dims, int64 values that must fit a double.
 * Host-side values use Float64Array for every numeric type (int64 shape values fit exactly up to 2^53).
 */
import { DataType, DataTypeName, TensorProtoType, type Int64, type TensorMsg } from './schema.js';
import { show } from '../../ops/args.js';

export class OnnxError extends Error {
  override name = 'OnnxError';
  constructor(message?: string) {
    // A message is text: a symbol or bigint here is a caller's mistake, not something to stringify.
    if (message !== undefined && typeof message !== 'string') throw new OnnxError(`OnnxError: message must be a string, got ${show(message)}`);
    super(message);
  }
}

/** Largest tensor neocog materialises from a file (elements): 2^28 floats = 1 GiB. */
export const MAX_ELEMENTS = 2 ** 28;
/** Largest rank accepted. */
export const MAX_RANK = 16;

/** An int64 field as a JS number; values beyond +-2^53 are clamped (ONNX uses INT64_MAX as "to the end"). */
export function int64(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'high' in v) {
    const hi = v.unsigned ? v.high >>> 0 : v.high;
    if (hi >= 0x200000) return Number.MAX_SAFE_INTEGER;
    if (hi < -0x200000) return -Number.MAX_SAFE_INTEGER;
    return v.toNumber();
  }
  return Number(v);
}

/** Checks dims (non-negative integers, bounded rank) and returns the element count, capped. */
export function checkDims(dims: number[], what: string): number {
  if (dims.length > MAX_RANK) throw new OnnxError(`${what}: rank ${dims.length} exceeds the supported ${MAX_RANK}`);
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxError(`${what}: invalid dim ${d} in [${dims.join(',')}]`);
    n *= d;
    if (n > MAX_ELEMENTS) throw new OnnxError(`${what}: shape [${dims.join(',')}] has more than ${MAX_ELEMENTS} elements (the limit for one tensor)`);
  }
  return n;
}

export interface HostArray {
  dims: number[];
  /** ONNX data type code. */
  type: number;
  data: Float64Array | Float32Array;
}

const RAW_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes a TensorProto's values (float32 stays Float32Array; everything else widens to Float64Array). */
export function decodeTensor(t: TensorMsg, what: string): HostArray {
  const dims = (t.dims ?? []).map(int64);
  const n = checkDims(dims, what);
  const type = t.dataType;
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length)) throw new OnnxError(`${what}: tensor data stored in an external file is not supported; save the model with all tensors inside the .onnx file`);
  if (!(type in RAW_BYTES)) throw new OnnxError(`${what}: data type ${DataTypeName[type] ?? type} is not supported (supported: float, double, float16, int8..int64, uint8..uint64, bool)`);
  const raw = t.rawData;
  const out = type === DataType.FLOAT ? new Float32Array(n) : new Float64Array(n);
  if (raw && raw.length) {
    const bytes = RAW_BYTES[type];
    if (raw.length !== n * bytes) throw new OnnxError(`${what}: raw_data holds ${raw.length} bytes but dims [${dims.join(',')}] of ${DataTypeName[type]} need ${n * bytes}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      const o = i * bytes;
      switch (type) {
        case DataType.FLOAT: out[i] = view.getFloat32(o, true); break;
        case DataType.DOUBLE: out[i] = view.getFloat64(o, true); break;
        case DataType.FLOAT16: out[i] = halfToFloat(view.getUint16(o, true)); break;
        case DataType.INT8: out[i] = view.getInt8(o); break;
        case DataType.UINT8: case DataType.BOOL: out[i] = view.getUint8(o); break;
        case DataType.INT16: out[i] = view.getInt16(o, true); break;
        case DataType.UINT16: out[i] = view.getUint16(o, true); break;
        case DataType.INT32: out[i] = view.getInt32(o, true); break;
        case DataType.UINT32: out[i] = view.getUint32(o, true); break;
        case DataType.INT64: out[i] = clampBig(view.getBigInt64(o, true)); break;
        case DataType.UINT64: out[i] = clampBig(view.getBigUint64(o, true)); break;
      }
    }
    return { dims, type, data: out };
  }
  let src: ArrayLike<number | Int64>;
  if (type === DataType.FLOAT) src = t.floatData;
  else if (type === DataType.DOUBLE) src = t.doubleData;
  else if (type === DataType.INT64) src = t.int64Data;
  else if (type === DataType.UINT32 || type === DataType.UINT64) src = t.uint64Data;
  else src = t.int32Data;
  src = src ?? [];
  if (src.length !== n) throw new OnnxError(`${what}: holds ${src.length} values but dims [${dims.join(',')}] need ${n}`);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    out[i] = type === DataType.FLOAT16 ? halfToFloat(v as number) : typeof v === 'number' ? v : int64(v);
  }
  return { dims, type, data: out };
}

function clampBig(v: bigint): number {
  const m = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > m ? m : v < -m ? -m : v);
}

/** A TensorProto object (for protobufjs fromObject) from values; int types are written as raw little-endian. */
export function encodeTensor(name: string, dims: number[], type: number, values: ArrayLike<number>): Record<string, unknown> {
  const n = values.length;
  let raw: Uint8Array;
  if (type === DataType.FLOAT) raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (type === DataType.DOUBLE) raw = new Uint8Array(Float64Array.from(values).buffer);
  else if (type === DataType.INT32) raw = new Uint8Array(Int32Array.from(values).buffer);
  else if (type === DataType.INT64) {
    const b = new BigInt64Array(n);
    for (let i = 0; i < n; i++) b[i] = BigInt(Math.trunc(values[i]));
    raw = new Uint8Array(b.buffer);
  } else if (type === DataType.BOOL) raw = Uint8Array.from(values, (v) => (v ? 1 : 0));
  else throw new OnnxError(`encodeTensor: data type ${DataTypeName[type] ?? type} is not written by neocog`);
  return { name, dims, dataType: type, rawData: raw };
}

/** Parses a standalone serialized TensorProto (the .pb files of ONNX's test data). */
export function parseTensorProto(bytes: Uint8Array, what = 'TensorProto'): HostArray & { name: string } {
  let msg: TensorMsg;
  try {
    msg = TensorProtoType.decode(bytes) as unknown as TensorMsg;
  } catch (e) {
    throw new OnnxError(`${what}: not a valid protobuf TensorProto (${(e as Error).message})`);
  }
  return { ...decodeTensor(msg, what), name: msg.name };
}
