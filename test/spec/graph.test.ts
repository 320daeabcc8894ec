/** Graph form: named layers wired by name, built into a GraphModule. */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';
import { GraphModule, fromSpec, parseSpec, toSpec, toSpecJson, toSpecYaml, type GraphSpec, type TreeSpec } from '../../src/spec/index.js';
import { expectSameOutputs, expectSameStructure } from './helpers.js';

nc.manualSeed(1);

/** A small residual CNN written by hand in the graph form. */
const SPEC: GraphSpec = {
  format: 'neocog.spec/1',
  inputs: { x: [1, 12, 12] },
  layers: [
    { name: 'conv1', type: 'Conv2d', options: { inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1 }, inputs: ['x'] },
    { name: 'relu1', type: 'ReLU' },
    { name: 'conv2', type: 'Conv2d', options: { inChannels: 4, outChannels: 4, kernelSize: 3, padding: 1 } },
    { name: 'skip', type: 'Conv2d', options: { inChannels: 1, outChannels: 4, kernelSize: 1 }, inputs: ['x'] },
    { name: 'sum', type: 'add', inputs: ['conv2', 'skip'] },
    { name: 'gate', type: 'Sigmoid', inputs: ['sum'] },
    { name: 'gated', type: 'mul', inputs: ['sum', 'gate'] },
    { name: 'cat', type: 'concat', options: { dim: 1 }, inputs: ['gated', 'relu1'] },
    { name: 'pool', type: 'MaxPool2d', options: { kernelSize: 2 } },
    { name: 'flat', type: 'Flatten' },
    { name: 'fc', type: 'Linear', options: { inFeatures: 8 * 6 * 6, outFeatures: 3 } },
  ],
  outputs: ['fc'],
};

describe('graph form', () => {
  test('builds a GraphModule whose children are the named layers, in order', () => {
    const g = fromSpec(SPEC) as GraphModule;
    expect(g).toBeInstanceOf(GraphModule);
    expect(g.namedChildren().map(([k]) => k)).toEqual(['conv1', 'relu1', 'conv2', 'skip', 'gate', 'pool', 'flat', 'fc']);
    expect(g.namedParameters().map(([k]) => k)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'skip.weight', 'skip.bias', 'fc.weight', 'fc.bias']);
    expect(g.shapes).toMatchObject({ conv1: [1, 4, 12, 12], sum: [1, 4, 12, 12], cat: [1, 8, 12, 12], pool: [1, 8, 6, 6], fc: [1, 3] });
    const y = g.call(nc.randn([5, 1, 12, 12])) as Tensor;
    expect(y.shape).toEqual([5, 3]);
  });

  test('trains one step (loss goes down)', () => {
    const g = fromSpec(SPEC) as GraphModule;
    const opt = new nc.optim.SGD(g.parameters(), { lr: 0.01 });
    const x = nc.randn([8, 1, 12, 12]);
    const t = nc.tensor([0, 1, 2, 0, 1, 2, 0, 1], undefined, { dtype: 'int32' });
    const loss = nc.F.crossEntropy(g.call(x) as Tensor, t);
    opt.zeroGrad();
    loss.backward();
    for (const p of g.parameters()) expect(p.grad).not.toBeNull();
    opt.step();
    const after = nc.noGrad(() => nc.F.crossEntropy(g.call(x) as Tensor, t));
    expect(after.item()).toBeLessThan(loss.item());
  });

  test('toSpec of a GraphModule writes the graph form back; it rebuilds identically (outputs too)', () => {
    const g = fromSpec(SPEC) as GraphModule;
    const spec = toSpec(g) as GraphSpec;
    expect(spec.layers.map((l) => l.name)).toEqual(SPEC.layers.map((l) => l.name));
    expect(spec.layers[1]).toEqual({ name: 'relu1', type: 'ReLU', inputs: ['conv1'] });
    expect(spec.layers[7]).toEqual({ name: 'cat', type: 'concat', options: { dim: 1 }, inputs: ['gated', 'relu1'] });
    const copy = fromSpec(parseSpec(toSpecJson(spec)));
    expectSameStructure(g, copy);
    expect(toSpec(copy)).toEqual(spec);
    expectSameOutputs(g, copy, [nc.randn([2, 1, 12, 12])]);
    const fromYaml = fromSpec(parseSpec(toSpecYaml(g)));
    expectSameStructure(g, fromYaml);
  });

  test('multi-output layers: max pool indices as "pool1:1" feed a MaxUnpool2d (SegNet style)', () => {
    const g = fromSpec({
      format: 'neocog.spec/1',
      inputs: { x: [2, 8, 8] },
      layers: [
        { name: 'pool1', type: 'MaxPool2d', options: { kernelSize: 2, returnIndices: true } },
        { name: 'conv', type: 'Conv2d', options: { inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1 }, inputs: ['pool1:0'] },
        { name: 'unpool', type: 'MaxUnpool2d', options: { kernelSize: 2 }, inputs: ['conv', 'pool1:1'] },
      ],
    }) as GraphModule;
    expect(g.shapes.pool1).toEqual([[1, 2, 4, 4], [1, 2, 4, 4]]);
    expect((g.call(nc.randn([3, 2, 8, 8])) as Tensor).shape).toEqual([3, 2, 8, 8]);
  });

  test('several inputs and outputs; containers (with children) as graph layers', () => {
    const g = fromSpec({
      format: 'neocog.spec/1',
      inputs: { image: [3, 8, 8], extra: [5] },
      layers: [
        {
          name: 'trunk', type: 'Sequential', inputs: ['image'],
          children: { conv: { type: 'Conv2d', options: { inChannels: 3, outChannels: 4, kernelSize: 3 } }, act: { type: 'ReLU' }, pool: { type: 'AdaptiveAvgPool2d', options: { outputSize: 1 } }, flat: { type: 'Flatten' } },
        },
        { name: 'both', type: 'concat', inputs: ['trunk', 'extra'] },
        { name: 'head', type: 'Linear', options: { inFeatures: 9, outFeatures: 2 } },
        { name: 'aux', type: 'Linear', options: { inFeatures: 4, outFeatures: 1 }, inputs: ['trunk'] },
      ],
      outputs: ['head', 'aux'],
    }) as GraphModule;
    expect(g.inputNames).toEqual(['image', 'extra']);
    expect(g.namedParameters().map(([k]) => k)).toEqual(['trunk.conv.weight', 'trunk.conv.bias', 'head.weight', 'head.bias', 'aux.weight', 'aux.bias']);
    const [head, aux] = g.call(nc.randn([2, 3, 8, 8]), nc.randn([2, 5])) as Tensor[];
    expect(head.shape).toEqual([2, 2]);
    expect(aux.shape).toEqual([2, 1]);
    expect(() => g.call(nc.randn([2, 3, 8, 8]))).toThrow("spec: GraphModule takes 2 input(s) (image, extra), got 1");
  });

  test('layers may be listed in any order: they run in dependency order, children keep spec order', () => {
    const g = fromSpec({
      format: 'neocog.spec/1',
      inputs: { x: [4] },
      layers: [
        { name: 'out', type: 'Linear', options: { inFeatures: 3, outFeatures: 2 }, inputs: ['hidden'] },
        { name: 'hidden', type: 'Linear', options: { inFeatures: 4, outFeatures: 3 }, inputs: ['x'] },
      ],
      outputs: ['out'],
    }) as GraphModule;
    expect(g.namedChildren().map(([k]) => k)).toEqual(['out', 'hidden']);
    expect((g.call(nc.randn([2, 4])) as Tensor).shape).toEqual([2, 2]);
  });

  test('a GraphModule nested in a module tree round-trips through the tree form', () => {
    const inner = fromSpec(SPEC) as GraphModule;
    const model = new nn.Sequential(inner, new nn.LogSoftmax(1));
    const spec = toSpec(model, { inputShape: [1, 12, 12] }) as TreeSpec;
    const kid = (spec.model.children as Record<string, { type: string; options?: Record<string, unknown> }>)['0'];
    expect(kid.type).toBe('GraphModule');
    expect(Object.keys(kid.options!)).toEqual(['inputs', 'layers', 'outputs']);
    const copy = fromSpec(parseSpec(toSpecYaml(spec)));
    expectSameStructure(model, copy);
    expectSameOutputs(model, copy, [nc.randn([2, 1, 12, 12])]);
  });

  test('the shape check leaves train mode and batch-norm statistics alone', () => {
    const g = fromSpec({
      format: 'neocog.spec/1',
      inputs: { x: [2, 4, 4] },
      layers: [{ name: 'bn', type: 'BatchNorm2d', options: { numFeatures: 2 } }, { name: 'drop', type: 'Dropout', options: { p: 0.5 } }],
    }) as GraphModule;
    expect(g.training).toBe(true);
    expect(g.modules().every((m) => m.training)).toBe(true);
    expect(g.getSubmodule('bn').getBuffer('num_batches_tracked')!.item()).toBe(0);
    expect(g.shapes.drop).toEqual([1, 2, 4, 4]);
  });

  test('checkShapes: false skips the forward on zeros', () => {
    const spec: GraphSpec = { format: 'neocog.spec/1', inputs: { x: [3] }, layers: [{ name: 'fc', type: 'Linear', options: { inFeatures: 4, outFeatures: 2 } }] };
    expect(() => fromSpec(spec)).toThrow("spec: layer 'fc' (Linear): ");
    const g = fromSpec(spec, { checkShapes: false }) as GraphModule;
    expect(g.shapes).toEqual({});
  });
});
