/** Spec files (loadSpec / saveSpec), the examples, and the CLI taking spec files for --model / summary. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';
import { GraphModule, fromSpec, isSpecPath, loadSpec, loadSpecModel, parseSpec, saveSpec, toSpec, type GraphSpec } from '../../src/spec/index.js';
import * as models from '../../src/models/index.js';
import { tempDir } from '../io/helpers.js';
import { cli, ROOT } from '../cli/helpers.js';
import { expectSameOutputs, expectSameStructure } from './helpers.js';

const tmp = tempDir('neocog-spec-');
afterAll(() => tmp.cleanup());

const LENET = join(ROOT, 'examples', 'lenet5.spec.json');
const RESBLOCK = join(ROOT, 'examples', 'resnet-block.spec.yaml');

describe('loadSpec / saveSpec', () => {
  test('JSON and YAML by extension, written atomically (no temp files left)', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(2 * 4 * 4, 3));
    for (const file of ['net.spec.json', 'net.yaml', 'net.yml']) {
      const path = join(tmp.dir, 'sub', file);
      saveSpec(path, toSpec(model, { inputShape: [1, 6, 6] }));
      const text = readFileSync(path, 'utf8');
      expect(text.trimStart().startsWith('{')).toBe(file.endsWith('.json'));
      const copy = loadSpecModel(path);
      expectSameStructure(model, copy);
      expectSameOutputs(model, copy, [nc.randn([2, 1, 6, 6])]);
    }
    saveSpec(join(tmp.dir, 'direct.json'), model);
    expect(loadSpec(join(tmp.dir, 'direct.json'))).toEqual(toSpec(model));
    expect(readdirSync(join(tmp.dir, 'sub')).sort()).toEqual(['net.spec.json', 'net.yaml', 'net.yml']);
  });

  test('errors name the file', () => {
    expect(() => loadSpec(join(tmp.dir, 'nope.json'))).toThrow(`spec: can't read spec file '${join(tmp.dir, 'nope.json')}': no such file`);
    const bad = join(tmp.dir, 'bad.yaml');
    writeFileSync(bad, 'format: neocog.spec/1\nlayers: [\n');
    expect(() => loadSpec(bad)).toThrow(`spec: ${bad}: invalid YAML`);
  });

  test('isSpecPath', () => {
    expect(['a.json', 'b.spec.YAML', 'c.yml'].every(isSpecPath)).toBe(true);
    expect(['lenet5', 'resnet18-cifar', 'x.safetensors'].some(isSpecPath)).toBe(false);
  });
});

describe('examples', () => {
  test('lenet5.spec.json: the graph form of LeNet-5, 61,706 parameters, trains one step', () => {
    const spec = loadSpec(LENET) as GraphSpec;
    expect(spec.layers.every((l) => Array.isArray(l.inputs))).toBe(true);
    const g = fromSpec(spec) as GraphModule;
    expect(g.numParameters()).toBe(61_706);
    expect(g.namedParameters().map(([k, p]) => `${k} ${p.shape.join('x')}`)).toEqual([
      'conv1.weight 6x1x5x5', 'conv1.bias 6', 'conv2.weight 16x6x5x5', 'conv2.bias 16', 'conv3.weight 120x16x5x5', 'conv3.bias 120',
      'fc1.weight 84x120', 'fc1.bias 84', 'fc2.weight 10x84', 'fc2.bias 10',
    ]);
    expect(g.shapes.conv3).toEqual([1, 120, 1, 1]);
    // Same parameter count as the registry's lenet5.
    expect(models.get('lenet5').numParameters()).toBe(61_706);
    const opt = new nc.optim.SGD(g.parameters(), { lr: 0.01 });
    const x = nc.randn([4, 1, 28, 28]);
    const t = nc.tensor([3, 1, 4, 1], undefined, { dtype: 'int32' });
    const loss = nc.F.crossEntropy(g.call(x) as Tensor, t);
    loss.backward();
    opt.step();
    expect(nc.noGrad(() => nc.F.crossEntropy(g.call(x) as Tensor, t)).item()).toBeLessThan(loss.item());
  });

  test('resnet-block.spec.yaml: a residual block with a projection shortcut', () => {
    const g = loadSpecModel(RESBLOCK) as GraphModule;
    expect(g.numParameters()).toBe(15_322);
    expect(g.shapes.sum).toEqual([1, 32, 16, 16]);
    expect(g.shapes.proj_bn).toEqual(g.shapes.bn2);
    expect((g.call(nc.randn([2, 3, 32, 32])) as Tensor).shape).toEqual([2, 10]);
    // Written back (graph form, YAML) and read again: the same model.
    const path = join(tmp.dir, 'block.yaml');
    saveSpec(path, g);
    const copy = loadSpecModel(path);
    expectSameStructure(g, copy);
    expectSameOutputs(g, copy, [nc.randn([2, 3, 32, 32])]);
  });
});

describe('docs/SPEC.md', () => {
  test('its tree-form and graph-form examples build', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'SPEC.md'), 'utf8');
    const tree = /## Tree form\n\n```json\n([\s\S]*?)```/.exec(doc)![1];
    const graph = /## Graph form\n\n```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const t = fromSpec(parseSpec(tree));
    expect(t.numParameters()).toBe(156 + 11_770);
    const g = fromSpec(parseSpec(graph)) as GraphModule;
    expect(g.shapes.cat).toEqual([1, 16, 14, 14]);
    expect(g.shapes.fc).toEqual([1, 10]);
  });
});

describe('CLI: spec files wherever a model name goes', () => {
  test('summary <spec file> (JSON and YAML)', async () => {
    const r = await cli('summary', LENET);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('61,706');
    expect(r.out).toContain('conv3');
    const y = await cli('summary', RESBLOCK);
    expect(y.code, y.err).toBe(0);
    expect(y.out).toContain('15,322');
  });

  test('train --model <spec file> trains and saves; eval reads the run back', async () => {
    const out = join(tmp.dir, 'run');
    const r = await cli('train', '--model', LENET, '--train-subset', '64', '--limit-test', '32', '--epochs', '1', '--batch-size', '32', '--quiet', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/accuracy: /);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    const e = await cli('eval', '--weights', out, '--limit', '32');
    expect(e.code, e.err).toBe(0);
  });

  test('a broken spec file fails in one line naming the layer', async () => {
    const bad = join(tmp.dir, 'broken.spec.json');
    const spec = loadSpec(LENET) as GraphSpec;
    (spec.layers[9].options as Record<string, unknown>).inFeatures = 100;
    saveSpec(bad, spec);
    const r = await cli('summary', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: spec: layer 'fc1' \(Linear\): linear: input has 120 features but weight expects 100/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    const m = await cli('train', '--model', 'lenet6');
    expect(m.code).toBe(1);
    expect(m.err).toContain('Allowed choices are mnist-convnet');
    expect(m.err).toContain('a model spec file (.json, .yaml)');
    const s = await cli('summary', 'lenet6');
    expect(s.err).toMatch(/unknown model 'lenet6'; did you mean lenet5[^(]*\(known: mnist-convnet/);
  });
});
