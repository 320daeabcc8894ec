import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderKernelTable } from '../../tools/kernel-coverage.js';

test('docs/KERNELS.md is generated from the kernel tables, and every wasm kernel has a parity test', () => {
  const table = renderKernelTable();
  expect(readFileSync(new URL('../../docs/KERNELS.md', import.meta.url), 'utf8')).toBe(table);
  const wasmRows = table.split('\n').filter((l) => l.startsWith('| `') && l.includes('| ✓ | ✓ |'));
  expect(wasmRows.length).toBeGreaterThanOrEqual(8);
  for (const row of wasmRows) expect(row, row).not.toMatch(/✗/);
});
