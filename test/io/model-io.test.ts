import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualSeed, nn, randn } from '../../src/index.js';
import { describeModel, descriptionPath, loadModel, loadSafetensors, saveModel, type ModelDescription } from '../../src/io/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function net() {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(16, 3),
  );
}

describe('saveModel / loadModel', () => {
  it('round-trips parameters and buffers by PyTorch names, and writes the description beside the weights', () => {
    manualSeed(1);
    const a = net();
    a.train();
    a.call(randn([3, 1, 4, 4])); // moves the batch-norm running statistics
    const path = join(tmp.dir, 'm.safetensors');
    const written = saveModel(a, path, { metadata: { note: 'x' } });
    expect(written).toEqual({ weights: path, description: join(tmp.dir, 'm.json') });
    expect(Object.keys(loadSafetensors(path))).toEqual(['0.weight', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '6.weight', '6.bias']);
    manualSeed(2);
    const b = net();
    expect(loadModel(b, path)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, t] of Object.entries(a.stateDict())) expect(Array.from(b.stateDict()[k].dataSync())).toEqual(Array.from(t.dataSync()));
    const x = randn([2, 1, 4, 4]);
    expect(Array.from(b.eval().call(x).dataSync())).toEqual(Array.from(a.eval().call(x).dataSync()));
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reports name mismatches (strict) or returns them (non-strict)', () => {
    const path = join(tmp.dir, 'small.safetensors');
    saveModel(new nn.Sequential(new nn.Linear(2, 3)), path, { describe: false });
    expect(existsSync(descriptionPath(path))).toBe(false);
    const other = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
    expect(() => loadModel(other, path)).toThrow(/loadModel\(.*small.safetensors\): .*missing key\(s\) in state dict: "1.weight", "1.bias"/s);
    expect(loadModel(other, path, { strict: false })).toEqual({ missingKeys: ['1.weight', '1.bias'], unexpectedKeys: [] });
    expect(() => loadModel(new nn.Sequential(new nn.Linear(2, 4)), path)).toThrow(/size mismatch for 0.weight/);
    expect(() => loadModel(other, join(tmp.dir, 'nope.safetensors'))).toThrow(/no such file/);
  });
});

describe('describeModel', () => {
  it('describes the tree with constructor options, parameter shapes and counts', () => {
    const m = net();
    const d = describeModel(m);
    expect(d.class).toBe('Sequential');
    expect(d.numParameters).toBe(m.numParameters());
    expect(d.numParameters).toBe(36 + 8 + 51);
    expect(Object.keys(d.children)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const conv = d.children['0'];
    expect(conv.class).toBe('Conv2d');
    expect(conv.options).toMatchObject({ inChannels: 1, outChannels: 4, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, paddingMode: 'zeros' });
    expect(conv.parameters).toEqual({ weight: [4, 1, 3, 3], bias: null });
    expect(d.children['1'].options).toMatchObject({ numFeatures: 4, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });
    expect(d.children['1'].buffers).toEqual({ running_mean: [4], running_var: [4], num_batches_tracked: [] });
    expect(d.children['1'].parameters).toEqual({ weight: [4], bias: [4] });
    expect(d.children['3'].options).toMatchObject({ kernelSize: 2, ceilMode: false });
    expect(d.children['5'].options).toEqual({ p: 0.25 });
    expect(d.children['6']).toMatchObject({ class: 'Linear', options: { inFeatures: 16, outFeatures: 3 }, numParameters: 51 });
    expect(d.repr).toContain('Conv2d(1, 4');
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('is what saveModel writes beside the weights', () => {
    const path = join(tmp.dir, 'desc.safetensors');
    saveModel(net(), path);
    const json = JSON.parse(readFileSync(join(tmp.dir, 'desc.json'), 'utf8')) as ModelDescription & { weights: string };
    expect(json.weights).toBe('desc.safetensors');
    expect(json.format).toBe('neocog.model');
    expect(json.children['6'].options).toEqual({ inFeatures: 16, outFeatures: 3 });
  });
});
