import { describe, expect, test } from 'vitest';
import { buildModel, generate, plotSequences, quantise, trainAndScore, waveform, LEVELS } from '../../examples/wavenet-waveform.js';

describe('examples/wavenet-waveform (a small slice)', () => {
  test('the waveform is deterministic and spans the levels', () => {
    expect(Array.from(waveform(100, 5))).toEqual(Array.from(waveform(100, 5)));
    const q = Array.from(waveform(0, 2000), quantise);
    expect(Math.min(...q)).toBeLessThan(6);
    expect(Math.max(...q)).toBeGreaterThan(LEVELS - 7);
  });

  test('60 steps: next-step prediction within one level beats "same as now" by a wide margin', () => {
    const model = buildModel();
    const r = trainAndScore(model, { steps: 60, batchSize: 8, L: 96 });
    // "same as now" is within one level ~52% of the time on the held-out stretch
    expect(r.baselineWithinOne).toBeLessThan(0.6);
    expect(r.withinOne).toBeGreaterThan(r.baselineWithinOne + 0.15);
    const g = generate(model, 40000, 40, 10);
    expect(g.generated).toHaveLength(50);
    expect(g.generated.slice(0, 40)).toEqual(g.truth.slice(0, 40));
    expect(plotSequences(g.truth, g.generated, 40).shape).toEqual([3, LEVELS * 6, 150]);
  });
});
