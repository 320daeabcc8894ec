/**
 * The safetensors format (https://github.com/huggingface/safetensors), in memory and browser-safe:
 *
 *   [u64 little-endian N][N bytes of JSON header, padded with spaces][raw little-endian tensor data]
 *
 * The header maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets relative
 * to the start of the data section) plus an optional "__metadata__" of string -> string. We write
 * what the reference (Rust) loader used by `safetensors.torch.load_file` requires: known dtype strings,
 * offsets contiguous from 0 in header order and covering the data exactly, and a header padded with
 * spaces to a multiple of 8 bytes so the data starts aligned.
 *
 * Written dtypes: F32, F64, I32 (neocog's own). Read dtypes: F64, F32, F16 and BF16 (-> float32),
 * I64 (-> int32, range-checked), I32, I16, I8, U8, BOOL (-> int32).
 */
import { fromArray } from '../tensor/creation.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { MAX_ELEMENTS, noExtra, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Entries in header order. */
  tensors: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

const ITEM_BYTES: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const WRITE_DTYPE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32' };
/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class SafetensorsError extends Error {
  constructor(message: string, source?: string) {
    super(`safetensors${source ? ` (${source})` : ''}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Serializes tensors (in the Record's order) and optional string metadata to safetensors bytes. */
/** Tensors to write: a name -> Tensor record (a state dict), never a primitive or an array. */
export function checkTensorRecord(op: string, tensors: unknown): asserts tensors is Record<string, Tensor> {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors) || ArrayBuffer.isView(tensors) || tensors instanceof Map || 'dataId' in tensors) {
    fail(op, `tensors must be an object of name -> Tensor (e.g. model.stateDict()), got ${show(tensors)}`);
  }
}

export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  checkTensorRecord('serializeSafetensors', tensors);
  noExtra('serializeSafetensors', arguments, 2);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') throw new SafetensorsError('metadata must be an object of string -> string');
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(`metadata value for '${k}' must be a string, got ${typeof v} (the format only stores strings; JSON.stringify it)`);
    }
    if (Object.keys(metadata).length) header.__metadata__ = { ...metadata };
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new SafetensorsError("a tensor can't be named '__metadata__'");
    if (!t || typeof (t as Tensor).dataSync !== 'function') throw new SafetensorsError(`value for '${name}' is not a Tensor`);
    const values = t.dataSync();
    const bytes = toLittleEndian(values);
    header[name] = { dtype: WRITE_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let pos = 8 + padded;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function toLittleEndian(values: TypedArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  const set = values instanceof Float64Array ? (i: number, v: number) => view.setFloat64(i * 8, v, true)
    : values instanceof Float32Array ? (i: number, v: number) => view.setFloat32(i * 4, v, true)
    : (i: number, v: number) => view.setInt32(i * 4, v, true);
  values.forEach((v, i) => set(i, v));
  return out;
}

/** Reads and validates the header without decoding any tensor. */
export function parseSafetensorsHeader(bytes: Uint8Array, source?: string): SafetensorsHeader {
  const fail = (m: string): never => {
    throw new SafetensorsError(m, source);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short to hold the 8-byte header length (truncated or not a safetensors file)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail(`header length ${n} is implausibly large (over ${MAX_HEADER} bytes); not a safetensors file?`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) fail(`header claims ${headerLen} bytes but only ${bytes.length - 8} follow the length field (truncated file)`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message}); the file is corrupt or not a safetensors file`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('header must be a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  // Keyed by file content: null-prototype records, so names like __proto__ or constructor are plain keys.
  const tensors: Record<string, SafetensorsEntry> = Object.create(null);
  let metadata: Record<string, string> = Object.create(null);
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('__metadata__ must be an object of string -> string');
      for (const [k, s] of Object.entries(v as object)) if (typeof s !== 'string') fail(`__metadata__.${k} must be a string, got ${typeof s}`);
      metadata = Object.assign(Object.create(null), v as Record<string, string>);
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`entry '${name}' must be an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in ITEM_BYTES)) fail(`tensor '${name}' has unsupported dtype ${show(e.dtype)} (supported: ${Object.keys(ITEM_BYTES).join(', ')})`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`tensor '${name}' has an invalid shape ${show(e.shape)}`);
    // As the reference's checked multiplication: every dim and the element count must fit (zero-size included).
    if ((e.shape as number[]).some((d) => d > MAX_ELEMENTS) || (e.shape as number[]).reduce((a, d) => a * Math.max(d, 1), 1) > MAX_ELEMENTS) {
      fail(`tensor '${name}' has shape ${show(e.shape)}, over ${MAX_ELEMENTS} elements`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isInteger(o) || o < 0) || off[1] < off[0]) {
      fail(`tensor '${name}' has invalid data_offsets ${show(off)}`);
    }
    const dtype = e.dtype as SafetensorsDType;
    const shape = e.shape as number[];
    const [begin, end] = off as [number, number];
    const want = sizeOf(shape) * ITEM_BYTES[dtype];
    if (end - begin !== want) fail(`tensor '${name}' (${dtype} [${shape.join(',')}]) needs ${want} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
    if (end > dataLen) fail(`tensor '${name}' ends at byte ${end} of the data section, which has only ${dataLen} bytes (truncated file)`);
    tensors[name] = { dtype, shape: [...shape], dataOffsets: [begin, end] };
  }
  // As the reference loader: sorted by offset, the tensors must tile the data section without gaps.
  let expected = 0;
  for (const [name, e] of Object.entries(tensors).sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1])) {
    if (e.dataOffsets[0] !== expected) fail(`tensor '${name}' starts at byte ${e.dataOffsets[0]} of the data section, expected ${expected} (overlapping or gapped data_offsets)`);
    expected = e.dataOffsets[1];
  }
  if (expected !== dataLen) fail(`the tensors cover ${expected} bytes but the data section has ${dataLen} (trailing bytes: corrupt file)`);
  return { tensors, metadata, dataStart };
}

/** Decodes every tensor (name -> Tensor, header order). */
export function parseSafetensors(bytes: Uint8Array, source?: string): Record<string, Tensor> {
  const header = parseSafetensorsHeader(bytes, source);
  const out: Record<string, Tensor> = Object.create(null);
  for (const [name, e] of Object.entries(header.tensors)) {
    const raw = bytes.subarray(header.dataStart + e.dataOffsets[0], header.dataStart + e.dataOffsets[1]);
    out[name] = fromArray(decode(name, e.dtype, raw, source), e.shape);
  }
  return out;
}

/** Parses tensors and metadata together. */
export function parseSafetensorsWithMetadata(bytes: Uint8Array, source?: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  return { tensors: parseSafetensors(bytes, source), metadata: parseSafetensorsHeader(bytes, source).metadata };
}

function decode(name: string, dtype: SafetensorsDType, raw: Uint8Array, source?: string): TypedArray {
  const n = raw.length / ITEM_BYTES[dtype];
  // Copy into a fresh, aligned buffer so the typed-array views below are always legal. (Not
  // raw.slice(): on a Node Buffer, slice is a view into a shared pool, not a copy.)
  if (LITTLE_ENDIAN) {
    const buf = new Uint8Array(raw).buffer;
    switch (dtype) {
      case 'F32': return new Float32Array(buf);
      case 'F64': return new Float64Array(buf);
      case 'I32': return new Int32Array(buf);
    }
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'F32': return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
    case 'F64': return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
    case 'I32': return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    case 'F16': return Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16': return Float32Array.from({ length: n }, (_, i) => bf16ToFloat(view.getUint16(i * 2, true)));
    case 'I16': return Int32Array.from({ length: n }, (_, i) => view.getInt16(i * 2, true));
    case 'I8': return Int32Array.from({ length: n }, (_, i) => view.getInt8(i));
    case 'U8': return Int32Array.from({ length: n }, (_, i) => view.getUint8(i));
    case 'BOOL': return Int32Array.from({ length: n }, (_, i) => (view.getUint8(i) ? 1 : 0));
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) {
          throw new SafetensorsError(`tensor '${name}' is I64 and element ${i} (${v}) does not fit in int32, neocog's only integer type`, source);
        }
        out[i] = Number(v);
      }
      return out;
    }
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bf16ToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
