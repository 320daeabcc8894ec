/** inspect: the properties that need no PyTorch (argument checks, smoothGrad, IG completeness, maximize, sanity, PCA). */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { inspect } from '../../src/index.js';
import { Net } from './nets.js';

function net(): Net {
  nc.manualSeed(5);
  return new Net().eval();
}
const input = () => { nc.manualSeed(9); return nc.rand([2, 1, 14, 14]); };

describe('argument checks', () => {
  const m = net(), x = input();
  test('clear errors name the method, the argument and the fix', () => {
    expect(() => inspect.attribution(m, x, 1, { method: 'saliency' as never })).toThrow(/inspect\.attribution: unknown method "saliency".*gradient, inputXGradient/);
    expect(() => inspect.attribution(m, x, 7)).toThrow(/target 7 is not a class index in \[0, 5\)/);
    expect(() => inspect.attribution(m, x, [1])).toThrow(/target has 1 entries but the input batch has 2/);
    expect(() => inspect.attribution(m, x, 1, { steps: 8 })).toThrow(/option 'steps' does not apply to method 'gradient'/);
    expect(() => inspect.attribution(m, x, 1, { method: 'integratedGradients', stepz: 8 } as never)).toThrow(/unknown option 'stepz'/);
    expect(() => inspect.gradCam(m, x, 1, { layer: 'conv9' })).toThrow(/no layer named 'conv9'.*conv1, conv2/);
    expect(() => inspect.gradCam(m, x, 1, { layer: 'fc1' })).toThrow(/Grad-CAM needs maps/);
    expect(() => inspect.attribution(m, x.reshape([2, 196]).slice(1, 0, 1).squeeze(1), 1)).toThrow(/rank >= 2/);
    expect(() => inspect.occlusion(m, x, 1, { window: 20 })).toThrow(/larger than the input/);
    expect(() => inspect.attribution({} as never, x, 1)).toThrow(/model must be an nn.Module/);
  });
});

describe('methods', () => {
  const m = net(), x = input();
  test('smoothGrad with no noise is the gradient; with noise it is the mean over the same draws', () => {
    const g = inspect.attribution(m, x, [1, 2]).attribution.dataSync();
    const s = inspect.attribution(m, x, [1, 2], { method: 'smoothGrad', noiseLevel: 0, samples: 3 }).attribution.dataSync();
    for (let i = 0; i < g.length; i++) expect(s[i]).toBeCloseTo(g[i], 5);
    const a = inspect.attribution(m, x, [1, 2], { method: 'smoothGrad', samples: 4, generator: new nc.Generator(3), batchSize: 3 }).attribution.dataSync();
    const b = inspect.attribution(m, x, [1, 2], { method: 'smoothGrad', samples: 4, generator: new nc.Generator(3) }).attribution.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    expect(a.some((v, i) => Math.abs(v - g[i]) > 1e-4)).toBe(true);
  });

  test('integratedGradients: completeness error shrinks with more steps', () => {
    const coarse = inspect.attribution(m, x, 1, { method: 'integratedGradients', steps: 2 });
    const fine = inspect.attribution(m, x, 1, { method: 'integratedGradients', steps: 128 });
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(fine.completenessError![i])).toBeLessThan(2e-3 * (1 + Math.abs(fine.scoreDelta![i])));
      expect(Math.abs(fine.completenessError![i])).toBeLessThanOrEqual(Math.abs(coarse.completenessError![i]) + 1e-6);
    }
  });

  test('occlusion does not depend on the batch size', () => {
    const a = inspect.occlusion(m, x, 0, { window: 3, stride: 1, batchSize: 5 }).attribution.dataSync();
    const b = inspect.occlusion(m, x, 0, { window: 3, stride: 1 }).attribution.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
  });

  test('maximize raises the unit it targets', () => {
    const r = inspect.maximize(m, { layer: 'conv2', channel: 2, inputShape: [1, 14, 14], steps: 30, generator: new nc.Generator(1) });
    expect(r.activation).toBeGreaterThan(r.start);
    expect(r.image.shape).toEqual([1, 1, 14, 14]);
    const v = r.image.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
  });

  test('weight randomisation restores the weights and reports one similarity per layer', () => {
    const before = m.stateDict();
    const copy = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.dataSync().slice()]));
    const r = inspect.weightRandomization(m, x, [1, 2], { generator: new nc.Generator(2) });
    expect(r.layers).toEqual(['fc2', 'fc1', 'conv2', 'conv1']);
    for (const s of Object.values(r.similarity)) expect(s).toHaveLength(4);
    for (const [k, v] of Object.entries(m.stateDict())) expect(Array.from(v.dataSync())).toEqual(Array.from(copy[k]));
  });

  test('spearman: identical 1, reversed -1, ties averaged', () => {
    expect(inspect.spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(inspect.spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(inspect.spearman([-3, 1, 2], [3, 1, 2], { absolute: true })).toBeCloseTo(1);
  });

  test('activations by dotted name, filters of a conv', () => {
    const acts = inspect.activations(m, x, ['conv1', 'fc1']);
    expect(acts.conv1.shape).toEqual([2, 4, 12, 12]);
    expect(acts.fc1.shape).toEqual([2, 16]);
    const f = inspect.filters(m, 'conv2');
    expect(f.weight.shape).toEqual([6, 4, 3, 3]);
    expect(() => inspect.filters(m, 'fc1')).toThrow(/not a Conv1d or Conv2d/);
  });

  test('filters of a 1-D conv over one-hot DNA read as motifs', () => {
    const conv = new nc.nn.Conv1d(4, 2, 3);
    const w = new Float32Array(24).fill(-1);
    // filter 0 = A C G (channel order ACGT), filter 1 = T T T
    w[0 * 3 + 0] = 1; w[1 * 3 + 1] = 1; w[2 * 3 + 2] = 1;
    for (let j = 0; j < 3; j++) w[12 + 3 * 3 + j] = 2;
    nc.noGrad(() => conv.weight.assign(nc.fromArray(w, [2, 4, 3])));
    const f = inspect.filters(new nc.nn.Sequential(conv), '0');
    expect(f.motifs).toEqual(['ACG', 'TTT']);
  });
});

describe('pca vs numpy SVD', () => {
  test('the first two components agree up to sign', () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/inspect.json', import.meta.url), 'utf8')).pca as { data: number[]; shape: number[]; coords: number[] };
    const [n, d] = fx.shape;
    const { coords } = inspect.pca(fx.data, n, d, 2);
    for (let c = 0; c < 2; c++) {
      const sign = Math.sign(coords[c]) === Math.sign(fx.coords[c]) ? 1 : -1;
      for (let i = 0; i < n; i++) expect(sign * coords[i * 2 + c]).toBeCloseTo(fx.coords[i * 2 + c], 3);
    }
  });
});
