/**
 * PyTorch interop of the zoo: tools/gen_zoo_fixture.py wrote torchvision-layout models (ResNet-18 at
 * width 8, VGG-11 at 1/16 width, a tiny DenseNet-BC), hand-written in torch with torchvision's module
 * names, as safetensors state dicts with trained-looking batch-norm statistics, plus the eval-mode
 * logits of a fixed input. Each file loads by name (strict) into the neocog builder with the same
 * options and reproduces the logits.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { noGrad, tensor } from '../../src/index.js';
import { loadModel, loadSafetensorsHeader } from '../../src/io/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import * as zoo from '../../src/models/zoo.js';

interface Fixture {
  input: { shape: number[]; data: number[] };
  models: Record<string, {
    weights: string;
    neocog: { builder: string; options: Record<string, unknown> };
    numParameters: number;
    stateDict: Record<string, { dtype: string; shape: number[] }>;
    logits: { shape: number[]; data: number[] };
  }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/zoo_logits.json', import.meta.url), 'utf8')) as Fixture;
const builders: Record<string, (o: never) => AnyModule> = { resnet18: zoo.resnet18, vgg11: zoo.vgg11, densenet: zoo.densenet };

describe('torchvision-layout PyTorch weights load by name and give the same logits', () => {
  test('the fixture holds the three models', () => {
    expect(Object.keys(fixture.models)).toEqual(['resnet18_w8', 'vgg11_w16', 'densenet_tiny']);
  });

  test.each(Object.keys(fixture.models))('%s', (name) => {
    const f = fixture.models[name];
    const path = fileURLToPath(new URL(`./fixtures/${name}.safetensors`, import.meta.url));
    const model = builders[f.neocog.builder](f.neocog.options as never);
    // Same names, order and shapes as torch's state_dict (num_batches_tracked included).
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(f.stateDict));
    for (const [k, e] of Object.entries(f.stateDict)) expect(sd[k].shape, k).toEqual(e.shape);
    expect(Object.keys(loadSafetensorsHeader(path).tensors)).toEqual(Object.keys(f.stateDict));
    expect(model.numParameters()).toBe(f.numParameters);

    expect(loadModel(model, path)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    const y = noGrad(() => model.call(tensor(fixture.input.data, fixture.input.shape)));
    expect(y.shape).toEqual(f.logits.shape);
    const got = Array.from(y.dataSync() as Float32Array);
    let maxDiff = 0;
    got.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - f.logits.data[i]))));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
