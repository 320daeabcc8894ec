/**
 * safetensors files: the in-memory format (./safetensors-format.ts, browser-safe) plus Node file I/O.
 * Saves are atomic (temp file + rename): an interrupted save never leaves a half file behind.
 *
 * PyTorch interop: `tools/gen_safetensors_fixture.py` writes a torch state dict in this format, and
 * `/usr/bin/python3 tools/gen_safetensors_fixture.py --verify model.safetensors` loads a file written
 * by neocog's saveModel into the equivalent torch model and checks its logits.
 */
import { readFileBounded } from '../data/limits.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkPath, writeFileAtomic } from './atomic.js';
import { noExtra } from '../ops/args.js';
import { checkTensorRecord, parseSafetensors, parseSafetensorsHeader, serializeSafetensors, type SafetensorsHeader } from './safetensors-format.js';

export * from './safetensors-format.js';

/**
 * Writes tensors (and optional string metadata) to `path` atomically. Takes safetensors' own order,
 * saveSafetensors(tensors, path, metadata) (save_file; also saveModel's model-then-path), and the
 * path-first order of earlier neocog versions; which one is told by where the path string is.
 */
export function saveSafetensors(tensors: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void;
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void;
export function saveSafetensors(a: string | Record<string, Tensor>, b: string | Record<string, Tensor>, metadata?: Record<string, string>): void {
  noExtra('saveSafetensors', arguments, 3);
  const [path, tensors] = typeof a === 'string' ? [a, b] : [b, a];
  checkPath('saveSafetensors', 'path', path);
  checkTensorRecord('saveSafetensors', tensors);
  writeFileAtomic(path as string, serializeSafetensors(tensors as Record<string, Tensor>, metadata));
}

/** The file's bytes; a bad path or an unreadable file is named by the calling function. */
function readBytes(op: string, path: string): Uint8Array {
  checkPath(op, 'path', path);
  return readFileBounded(op, path);
}

/** Reads every tensor of a safetensors file (name -> Tensor, in file order). */
export function loadSafetensors(path: string): Record<string, Tensor> {
  noExtra('loadSafetensors', arguments, 1);
  return parseSafetensors(readBytes('loadSafetensors', path), path);
}

/** Reads a file's header only: entries (dtype, shape, offsets) and metadata. */
export function loadSafetensorsHeader(path: string): SafetensorsHeader {
  noExtra('loadSafetensorsHeader', arguments, 1);
  return parseSafetensorsHeader(readBytes('loadSafetensorsHeader', path), path);
}
