import { describe, expect, test } from 'vitest';
import { makeSet, run } from '../../examples/tdnn-transitions.js';

describe('examples/tdnn-transitions (a small slice)', () => {
  test('the classes differ by transition shape; labels cycle b, d, g', () => {
    const ds = makeSet(6, 1, 0, 3);
    expect(Array.from(ds.get(4)[1].dataSync())).toEqual([1]);
    expect(ds.get(0)[0].shape).toEqual([16, 15]);
  });

  test('a TDNN trained on early onsets classifies unseen later onsets (shift invariance)', async () => {
    const r = await run(20);
    expect(r.parameters).toBe(515);
    expect(r.seenOnsets).toBeGreaterThan(0.95);
    // onsets 4-6 never occur in training (90% after 25 epochs; chance is 33%)
    expect(r.unseenOnsets).toBeGreaterThan(0.75);
  });
});
