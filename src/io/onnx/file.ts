/**
 * exportOnnx / importOnnx with file paths (Node): the bytes API of ./index.ts plus atomic writes and
 * size-checked reads.
 */
import { readFileSync, statSync } from 'node:fs';
import type { AnyModule } from '../../nn/module.js';
import { writeFileAtomic } from '../atomic.js';
import { exportOnnxBytes, type ExportOnnxOptions } from './export.js';
import { importOnnxBytes, type OnnxModel } from './import.js';
import { OnnxError } from './tensor-proto.js';
import { show } from '../../ops/args.js';

/** Largest .onnx file read (4 GiB is protobuf's own limit; 2 GiB keeps one Buffer). */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/**
 * The ONNX bytes of `model` traced in eval mode on `input` (a shape with the batch dim, or a sample);
 * with `path`, also written there atomically.
 */
export function exportOnnx(model: AnyModule, opts: ExportOnnxOptions & { path?: string }): Uint8Array {
  const path = opts?.path;
  if (path !== undefined && (typeof path !== 'string' || path === '')) throw new OnnxError(`exportOnnx: path must be a non-empty string, got ${show(path)}`);
  const { path: _p, ...rest } = opts ?? ({} as ExportOnnxOptions);
  const bytes = exportOnnxBytes(model, rest as ExportOnnxOptions);
  if (path) writeFileAtomic(path, bytes);
  return bytes;
}

/** A trainable neocog Module from an .onnx file path or its bytes. */
export function importOnnx(source: Uint8Array | string): OnnxModel {
  if (typeof source === 'string') {
    let size: number;
    try {
      size = statSync(source).size;
    } catch (e) {
      throw new OnnxError(`importOnnx: cannot read ${source} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (size > MAX_FILE_BYTES) throw new OnnxError(`importOnnx: ${source} is ${size} bytes, more than the ${MAX_FILE_BYTES} supported`);
    return importOnnxBytes(new Uint8Array(readFileSync(source)));
  }
  return importOnnxBytes(source);
}
