import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderTable } from '../../tools/op-table.js';

test('docs/OPS.md is generated from the current tests and fixtures, and every op is fully covered', () => {
  const table = renderTable();
  expect(readFileSync(new URL('../../docs/OPS.md', import.meta.url), 'utf8')).toBe(table);
  const rows = table.split('\n').filter((l) => l.startsWith('| `'));
  expect(rows.length).toBeGreaterThan(60);
  for (const row of rows) expect(row, row).not.toMatch(/✗|—/);
});
