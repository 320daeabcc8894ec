/** The reference BroadcastTo copies in runs (fill / set); checked against the per-element offset table. */
import { describe, expect, test } from 'vitest';
import { broadcastInto, broadcastOffsets } from '../../src/backends/reference/broadcast.js';
import { Generator } from '../../src/index.js';

describe('broadcastInto', () => {
  test('matches the per-element offsets for random shapes, stretched and copied dims mixed', () => {
    const g = new Generator(3);
    const pick = (n: number) => Math.floor(g.random() * n);
    for (let t = 0; t < 300; t++) {
      const rank = pick(5);
      const out = Array.from({ length: rank }, () => 1 + pick(20));
      // The source: a suffix of the output's dims, each kept or set to 1 (stretched).
      const src = out.slice(pick(rank + 1)).map((d) => (g.random() < 0.5 ? 1 : d));
      const n = src.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => i + 1);
      const dst = new Float32Array(out.reduce((a, b) => a * b, 1));
      broadcastInto(values, src, dst, out);
      const { offsets: [off] } = broadcastOffsets([src, out]);
      expect(Array.from(dst), `[${src}] -> [${out}]`).toEqual(Array.from(off, (o) => values[o]));
    }
  });

  test('shapes with a zero extent write nothing', () => {
    const dst = new Float64Array(0);
    broadcastInto(new Float64Array([1, 2]), [2], dst, [0, 2]);
    expect(dst.length).toBe(0);
  });
});
