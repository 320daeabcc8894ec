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
import { writeFileAtomic } from './atomic.js';
import { parseSafetensors, parseSafetensorsHeader, serializeSafetensors, SafetensorsError, type SafetensorsHeader } from './safetensors-format.js';

export * from './safetensors-format.js';

/** Writes tensors (and optional string metadata) to `path` atomically. */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileBounded('safetensors', path);
  } catch (e) {
    throw new SafetensorsError((e as Error).message.replace(/^safetensors: /, ''), path);
  }
}

/** Reads every tensor of a safetensors file (name -> Tensor, in file order). */
export function loadSafetensors(path: string): Record<string, Tensor> {
  return parseSafetensors(readBytes(path), path);
}

/** Reads a file's header only: entries (dtype, shape, offsets) and metadata. */
export function loadSafetensorsHeader(path: string): SafetensorsHeader {
  return parseSafetensorsHeader(readBytes(path), path);
}
