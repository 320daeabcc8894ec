/**
 * Every registered model round-trips through the tree form: toSpec -> JSON -> fromSpec gives the
 * same parameter names and shapes (and the same spec again). Big families are built at reduced width
 * (channel multipliers, classifier widths). Small models are also checked end to end: the shape
 * check runs, and copied weights give identical outputs.

 */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as models from '../../src/models/index.js';
import type { Tensor } from '../../src/index.js';
import { fromSpec, parseSpec, toSpec, toSpecJson, typeOfModule } from '../../src/spec/index.js';
import { bufferShapes, expectSameOutputs, paramShapes } from './helpers.js';

/** Builder options that keep the big families small (channel multipliers and widths). */
const SMALL: Record<string, models.ModelOptions> = {
  alexnet: { hidden: 64 },
  'alexnet-2012': { hidden: 64 },
  ...Object.fromEntries(['vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11-bn', 'vgg13-bn', 'vgg16-bn', 'vgg19-bn'].map((n) => [n, { width: 1 / 16, hidden: 32 }])),
  ...Object.fromEntries(['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnet18-cifar'].map((n) => [n, { width: 8 }])),
  ...Object.fromEntries(['densenet121', 'densenet169', 'densenet201'].map((n) => [n, { growthRate: 4, numInitFeatures: 8 }])),
  ...Object.fromEntries(['fcn32s', 'fcn16s', 'fcn8s'].map((n) => [n, { width: 1 / 16, fcWidth: 32 }])),
  'mobilenet-v1': { width: 0.25 },
  'mobilenet-v2': { width: 0.25 },
  segnet: { width: 1 / 16 },
  unet: { width: 4 },
  wavenet: { layers: 4, skipChannels: 32 },
};


const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('every zoo model round-trips through a spec', () => {
  const entries = models.list();

  test('the zoo is registered', () => {
    expect(entries.length).toBeGreaterThan(30);
  });

  for (const entry of entries) {
    test(entry.name, () => {
      nc.manualSeed(0);
      const model = entry.build(SMALL[entry.name] ?? {});
      // Small inputs and models: declare the input so fromSpec also runs the shape check.
      const small = size(entry.inputShape) <= 20_000 && model.numParameters() <= 2_000_000;
      const opts = { name: entry.name, ...(small ? { inputShape: entry.inputShape } : {}) };
      const spec = toSpec(model, opts);
      const copy = fromSpec(parseSpec(toSpecJson(spec)));
      expect(paramShapes(copy)).toEqual(paramShapes(model));
      expect(bufferShapes(copy)).toEqual(bufferShapes(model));
      expect(copy.toString()).toBe(model.toString());
      expect(toSpec(copy, opts)).toEqual(spec);
      if (small) expectSameOutputs(model, copy, [nc.randn([2, ...entry.inputShape]) as Tensor]);
    });
  }
});
