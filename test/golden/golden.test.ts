import { describe, expect, test } from 'vitest';
import { loadCases, runCase } from './harness.js';

for (const { file, cases } of loadCases()) {
  describe(`PyTorch golden: ${file}`, () => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expect(runCase(c)).toEqual([]);
    });
  });
}
