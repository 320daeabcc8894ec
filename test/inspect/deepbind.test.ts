/** Synthetic DNA (src/data/synthetic-dna.ts) and DeepBind reading it: a small slice of examples/deepbind-motif.ts. */
import { describe, expect, test } from 'vitest';
import { data, inspect } from '../../src/index.js';
import { motifMatch, rocAuc, trainDeepBind } from '../../examples/deepbind-motif.js';

describe('syntheticDna', () => {
  test('seeded one-hot sequences; positives carry the motif with few mutations', () => {
    const a = data.syntheticDna({ n: 200, length: 30, seed: 3, mutationRate: 0.1 });
    expect(a.shape).toEqual([200, 4, 30]);
    expect(data.syntheticDna({ n: 200, length: 30, seed: 3, mutationRate: 0.1 }).sequences).toEqual(a.sequences);
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 30; j++) {
        let s = 0;
        for (let r = 0; r < 4; r++) s += a.onehot[(i * 4 + r) * 30 + j];
        expect(s).toBe(1);
        expect(a.onehot[(i * 4 + 'ACGT'.indexOf(a.sequences[i][j])) * 30 + j]).toBe(1);
      }
      if (a.labels[i]) {
        const site = a.sequences[i].slice(a.positions[i], a.positions[i] + a.motif.length);
        const same = [...site].filter((c, j) => c === a.motif[j]).length;
        expect(same).toBeGreaterThanOrEqual(a.motif.length - 4);
      } else expect(a.positions[i]).toBe(-1);
    }
    const pos = a.labels.reduce((s, v) => s + v, 0);
    expect(pos).toBeGreaterThan(70);
    expect(pos).toBeLessThan(130);
    expect(() => data.syntheticDna({ motif: 'TGAXT' })).toThrow(/motif must be a non-empty string of A, C, G, T/);
    expect(() => data.syntheticDna({ length: 4 })).toThrow(/length must be an integer from the motif length/);
  });

  test('rocAuc and motifMatch', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(motifMatch('ccTGACTCATgg', 'TGACTCAT')).toEqual({ matches: 8, offset: 2 });
    expect(motifMatch('TGACTCAT', 'TGACTCAT').matches).toBe(8);
  });

  test('DeepBind learns the planted motif and a filter spells it', () => {
    const { model, auc, motif } = trainDeepBind({ nTrain: 1200, nTest: 400, length: 40, epochs: 5, seed: 2, motifs: 6, motifLength: 10 });
    expect(auc).toBeGreaterThan(0.9);
    const f = inspect.filters(model, 'conv');
    expect(f.alphabet).toBe('ACGT');
    const best = Math.max(...f.motifs!.map((m) => motifMatch(m, motif).matches));
    expect(best).toBeGreaterThanOrEqual(motif.length - 1);
  }, 60_000);
});
