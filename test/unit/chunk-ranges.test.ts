/**
 * splitRange and chunkRanges: the ranges kernels hand to threads. Every range is contiguous, aligned to
 * `step`, and together they cover [0, n) once; chunkRanges' sizes decrease from 6 parts on (2 threads x 3
 * chunks), so the chunks claimed last are small.
 */
import { expect, test } from 'vitest';
import { chunkRanges, splitRange } from '../../src/backends/wasm/runtime.js';

function check(split: typeof splitRange, n: number, parts: number, step: number): number[] {
  const r = split(n, parts, step);
  expect(r.length).toBeGreaterThan(0);
  expect(r.length).toBeLessThanOrEqual(parts);
  expect(r[0][0]).toBe(0);
  expect(r[r.length - 1][1]).toBe(n);
  for (let i = 0; i < r.length; i++) {
    expect(r[i][1]).toBeGreaterThan(r[i][0]);
    expect(r[i][0] % step).toBe(0);
    if (i > 0) expect(r[i][0]).toBe(r[i - 1][1]);
  }
  return r.map(([a, b]) => b - a);
}

test('ranges cover [0, n) once, contiguous and aligned, for every size, part count and step', () => {
  for (const split of [splitRange, chunkRanges]) {
    for (const step of [1, 3, 4, 16]) {
      for (let n = 1; n <= 80; n++) for (let parts = 1; parts <= 12; parts++) check(split, n, parts, step);
    }
  }
});

test('splitRange is as equal as possible; chunkRanges too below 6 parts, then decreasing p, p-1, ..., 1', () => {
  expect(check(splitRange, 210, 6, 1)).toEqual([35, 35, 35, 35, 35, 35]);
  expect(check(chunkRanges, 60, 5, 1)).toEqual([12, 12, 12, 12, 12]);
  expect(check(chunkRanges, 210, 6, 1)).toEqual([60, 50, 40, 30, 20, 10]);
  const sizes = check(chunkRanges, 64 * 20, 12, 4);
  for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
  expect(check(chunkRanges, 5, 6, 1)).toEqual([1, 1, 1, 1, 1]); // fewer units than parts: one each
});
