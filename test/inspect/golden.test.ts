/**
 * inspect against PyTorch (tools/gen_inspect_golden.py): two seeded nets, one with a module ReLU reused
 * twice plus a functional relu and max-pools, one a Sequential of Conv2d + BatchNorm2d + ReLU that
 * neocog fuses at inference. Tolerance: |a - b| <= 1e-4 * (1 + max|b|) (float32 vs torch's float64).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';
import * as inspect from '../../src/inspect/index.js';
import { Net, seqNet } from './nets.js';

interface Fix { shape: number[]; data: number[] }
interface Case {
  name: string; state: Record<string, Fix>; input: Fix; target: number[]; logits: number[];
  gradient: number[]; guidedBackprop: number[]; deconvnet: number[]; inputXGradient: number[];
  integratedGradients: { steps: number; attribution: number[]; completenessError: number[] };
  gradCam: { layer: string; raw: number[]; rawShape: number[]; map: number[] };
  gradCamPlusPlus: { layer: string; raw: number[]; rawShape: number[]; map: number[] };
  occlusion: { window: number; stride: number; attribution: number[]; grid: number[]; gridShape: number[] };
  deconvProjection: { layer: string; channel: number; position: number[]; projection: number[] };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/inspect.json', import.meta.url), 'utf8')) as { cases: Case[]; pca: { data: number[]; shape: number[]; coords: number[] } };

function build(c: Case): nn.AnyModule {
  const model: nn.AnyModule = c.name === 'net' ? new Net() : seqNet();
  model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, nc.tensor(v.data, v.shape)])), { strict: false });
  return model.eval();
}

function expectClose(actual: Tensor | ArrayLike<number>, expected: number[], tol = 1e-4): void {
  const a = 'dataSync' in actual ? (actual as Tensor).dataSync() : actual;
  expect(a.length).toBe(expected.length);
  const scale = 1 + Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tol * scale);
}

for (const c of fixture.cases) {
  describe(`inspect vs PyTorch: ${c.name}`, () => {
    const model = build(c);
    const x = nc.tensor(c.input.data, c.input.shape);

    test('logits', () => expectClose(nc.noGrad(() => model.call(x)), c.logits));

    for (const method of ['gradient', 'guidedBackprop', 'deconvnet', 'inputXGradient'] as const) {
      test(method, () => {
        const r = inspect.attribution(model, x, c.target, { method });
        expect(r.attribution.shape).toEqual(c.input.shape);
        expectClose(r.attribution, c[method]);
      });
    }

    test('guided backprop and deconvnet differ from the gradient (the rules took effect)', () => {
      const g = inspect.attribution(model, x, c.target).attribution.dataSync();
      const d = inspect.attribution(model, x, c.target, { method: 'deconvnet' }).attribution.dataSync();
      expect(g.some((v, i) => Math.abs(v - d[i]) > 1e-3)).toBe(true);
    });

    test('integratedGradients, with its completeness error', () => {
      const r = inspect.attribution(model, x, c.target, { method: 'integratedGradients', steps: c.integratedGradients.steps, batchSize: 5 });
      expectClose(r.attribution, c.integratedGradients.attribution);
      expectClose(r.completenessError!, c.integratedGradients.completenessError, 1e-3);
    });

    for (const key of ['gradCam', 'gradCamPlusPlus'] as const) {
      test(`${key} (default layer: the last conv)`, () => {
        const r = inspect[key](model, x, c.target);
        expect(r.layer).toBe(c[key].layer);
        expect(r.raw.shape).toEqual(c[key].rawShape);
        expect(r.map.shape).toEqual([2, 1, 14, 14]);
        expectClose(r.raw, c[key].raw);
        expectClose(r.map, c[key].map);
      });
    }

    test('occlusion', () => {
      const r = inspect.occlusion(model, x, c.target, { window: c.occlusion.window, stride: c.occlusion.stride, batchSize: 7 });
      expect(r.grid.shape).toEqual(c.occlusion.gridShape);
      expectClose(r.grid, c.occlusion.grid);
      expectClose(r.attribution, c.occlusion.attribution);
    });

    test('deconvProjection', () => {
      const r = inspect.deconvProjection(model, x, { layer: c.deconvProjection.layer, channel: c.deconvProjection.channel });
      expect(r.position).toEqual(c.deconvProjection.position);
      expectClose(r.projection, c.deconvProjection.projection);
    });

    test('the model is left as it was: weights without .grad, requiresGrad restored', () => {
      inspect.attribution(model, x, c.target, { method: 'guidedBackprop' });
      for (const p of model.parameters()) {
        expect(p.grad).toBeNull();
        expect(p.requiresGrad).toBe(true);
      }
    });
  });
}
