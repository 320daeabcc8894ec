import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
export const MNIST_DIR = join(DATASETS, 'mnist');
export const FASHION_DIR = join(DATASETS, 'fashion-mnist');

/** A fresh temp directory and a cleanup function. */
export function tempDir(prefix = 'neocog-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** IDX bytes: magic, dims, then payload. */
export function idxBytes(magic: number, dims: number[], payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const v = new DataView(header.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}
