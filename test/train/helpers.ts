import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, manualSeed, nn, randn, tensor, type Tensor } from '../../src/index.js';
import type { WritableLike } from '../../src/train/index.js';

export function tempDir(prefix = 'neocog-train-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Two Gaussian-ish classes split by the line x0 + x1 = 0 (linearly separable). */
export function separable(n = 64, seed = 0): { x: Tensor; y: Tensor } {
  manualSeed(seed);
  const x = randn([n, 2]);
  const v = x.dataSync();
  const y = tensor(Array.from({ length: n }, (_, i) => (v[2 * i] + v[2 * i + 1] > 0 ? 1 : 0)), [n], { dtype: 'int32' });
  return { x, y };
}

export function loaderOf(x: Tensor, y: Tensor, opts: { batchSize?: number; shuffle?: boolean } = {}) {
  return new data.DataLoader(new data.TensorDataset(x, y), { batchSize: opts.batchSize ?? 16, shuffle: opts.shuffle ?? false });
}

export function mlp(dropout = 0): nn.Sequential {
  const layers: nn.Module[] = [new nn.Linear(2, 8), new nn.ReLU()];
  if (dropout) layers.push(new nn.Dropout(dropout));
  layers.push(new nn.Linear(8, 2));
  return new nn.Sequential(...layers);
}

/** A stream that records what is written. */
export function captureStream(isTTY = false): WritableLike & { text: string } {
  const s = { text: '', isTTY, write(chunk: string) { s.text += chunk; return true; } };
  return s;
}

export function flatParams(m: nn.Module): number[] {
  return m.parameters().flatMap((p) => Array.from(p.dataSync()));
}
