/** The model registry and the lecture models: parameter counts, shapes, PyTorch names, forward + backward. */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as models from '../../src/models/index.js';
import { summaryRows } from '../../src/train/index.js';

const LECTURE = ['mnist-convnet', 'mnist-convnet-stride2', 'mnist-convnet-conv3x3', 'lenet5'];

describe('registry', () => {
  test('lists the four lecture models first, with their input shape and a description', () => {
    const names = models.list().map((e) => e.name);
    expect(names.slice(0, 4)).toEqual(LECTURE);
    for (const e of models.list().filter((x) => LECTURE.includes(x.name))) {
      expect(e.inputShape).toEqual([1, 28, 28]);
      expect(e.numClasses).toBe(10);
      expect(e.description.length).toBeGreaterThan(10);
    }
  });

  test('declared parameter counts agree with the built models', () => {
    for (const name of LECTURE) expect(models.info(name).numParameters, name).toBe(models.get(name).numParameters());
  });

  test('parameter counts match the PyTorch / Keras originals', () => {
    // cv1 1*10*25+10, cv2 10*20*25+20, fc1 320*50+50, fc2 50*10+10 = 21,840; conv3x3 adds 10*10*9+10 and 20*20*9+20.
    expect(models.get('mnist-convnet').numParameters()).toBe(21840);
    expect(models.get('mnist-convnet-stride2').numParameters()).toBe(21840);
    expect(models.get('mnist-convnet-conv3x3').numParameters()).toBe(26370);
    expect(models.get('lenet5').numParameters()).toBe(61706);
    expect(models.get('mnist-convnet', { nChannel: 20, nHidden: 100 }).numParameters()).toBe(20 * 26 + 20 * 20 * 25 + 20 + 320 * 100 + 100 + 1010);
  });

  test('unknown names fail listing the known ones; register adds entries and refuses duplicates', () => {
    expect(() => models.get('resnet999')).toThrow(/unknown model 'resnet999'(; did you mean '[^']+'\?)? \(known: mnist-convnet, /);
    expect(() => models.get('resnet1B')).toThrow(/unknown model 'resnet1B'; did you mean 'resnet18'\?/);
    const entry = { name: 'tiny-test-net', description: 'a test entry', inputShape: [1, 28, 28], numClasses: 10, build: () => models.lenet5() };
    models.register(entry);
    expect(models.has('tiny-test-net')).toBe(true);
    expect(() => models.register(entry)).toThrow(/already registered/);
    expect(() => models.register({ ...entry, name: 'Bad Name' })).toThrow(/kebab-case/);
  });

  test('variant options are checked', () => {
    expect(() => models.mnistConvNet({ variant: 'avg' as never })).toThrow(/variant must be one of pool, stride2, conv3x3s2/);
    expect(() => models.mnistConvNet({ nHidden: 0 })).toThrow(/nHidden must be a positive integer/);
  });
});

describe('lecture ConvNet', () => {
  test('PyTorch state-dict names (cv1, cv2, fc1, fc2; ds1, ds2 for the conv3x3 variant)', () => {
    expect(Object.keys(models.get('mnist-convnet').stateDict())).toEqual(['cv1.weight', 'cv1.bias', 'cv2.weight', 'cv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(Object.keys(models.get('mnist-convnet-conv3x3').stateDict())).toEqual([
      'cv1.weight', 'cv1.bias', 'ds1.weight', 'ds1.bias', 'cv2.weight', 'cv2.bias', 'ds2.weight', 'ds2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias',
    ]);
    expect(Object.keys(models.get('lenet5').stateDict())).toEqual([
      'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.6.weight', 'features.6.bias',
      'classifier.1.weight', 'classifier.1.bias', 'classifier.3.weight', 'classifier.3.bias',
    ]);
  });

  test('each variant downsamples 28 -> 4 so the flattened features are the lecture 320', () => {
    const shapes = (name: string) => summaryRows(models.get(name), [1, 28, 28]).rows.filter((r) => r.params > 0).map((r) => `${r.name}:${r.outputShape.join('x')}`);
    expect(shapes('mnist-convnet')).toEqual(['cv1:1x10x24x24', 'cv2:1x20x8x8', 'fc1:1x50', 'fc2:1x10']);
    expect(shapes('mnist-convnet-stride2')).toEqual(['cv1:1x10x12x12', 'cv2:1x20x4x4', 'fc1:1x50', 'fc2:1x10']);
    expect(shapes('mnist-convnet-conv3x3')).toEqual(['cv1:1x10x24x24', 'ds1:1x10x12x12', 'cv2:1x20x8x8', 'ds2:1x20x4x4', 'fc1:1x50', 'fc2:1x10']);
  });

  test('the pool variant computes the lecture forward exactly', () => {
    nc.manualSeed(3);
    const m = models.mnistConvNet();
    const x = nc.rand([2, 1, 28, 28]);
    const { F } = nc;
    const p = m.stateDict();
    let h = F.relu(F.maxPool2d(F.conv2d(x, p['cv1.weight'], p['cv1.bias']), { kernelSize: 2 }));
    h = F.relu(F.maxPool2d(F.conv2d(h, p['cv2.weight'], p['cv2.bias']), { kernelSize: 2 }));
    h = F.relu(F.linear(h.reshape([-1, 320]), p['fc1.weight'], p['fc1.bias']));
    const expected = F.linear(h, p['fc2.weight'], p['fc2.bias']);
    const got = m.call(x);
    const a = got.dataSync();
    const b = expected.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
  });
});

describe.each(LECTURE)('%s', (name) => {
  test('forward gives [N,10] logits and backward reaches every parameter', () => {
    nc.manualSeed(1);
    const m = models.get(name);
    const x = nc.rand([3, 1, 28, 28]);
    const y = m.call(x);
    expect(y.shape).toEqual([3, 10]);
    const loss = nc.F.crossEntropy(y, nc.tensor([1, 5, 9], undefined, { dtype: 'int32' }));
    loss.backward();
    for (const [pname, p] of m.namedParameters()) {
      expect(p.grad, pname).toBeTruthy();
      expect(p.grad!.shape).toEqual(p.shape);
      expect(Array.from(p.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    }
  });
});
