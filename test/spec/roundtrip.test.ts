/** Tree form: toSpec(model) -> JSON / YAML -> fromSpec rebuilds the same module tree. */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import { fromSpec, parseSpec, toSpec, toSpecJson, toSpecYaml, type TreeSpec } from '../../src/spec/index.js';
import { expectSameOutputs, expectSameStructure, roundTrip } from './helpers.js';

nc.manualSeed(0);

const lenet5 = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Tanh(), new nn.AvgPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.Tanh(), new nn.AvgPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.Tanh(), new nn.Linear(120, 84), new nn.Tanh(), new nn.Linear(84, 10),
  );

const basicBlock = (cin: number, cout: number, stride: number) =>
  new nn.Residual(
    new nn.Sequential(
      new nn.Conv2d(cin, cout, 3, { stride, padding: 1, bias: false }), new nn.BatchNorm2d(cout), new nn.ReLU(),
      new nn.Conv2d(cout, cout, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(cout),
    ),
    { shortcut: cin === cout && stride === 1 ? null : new nn.Sequential(new nn.Conv2d(cin, cout, 1, { stride, bias: false }), new nn.BatchNorm2d(cout)), activation: new nn.ReLU() },
  );

/** Hand-built nets: [name, build, sample input shape (no batch dim) or null when it has no forward]. */
const NETS: [string, () => AnyModule, number[] | null][] = [
  ['lenet5 (Sequential)', lenet5, [1, 28, 28]],
  ['named Sequential (Map)', () => new nn.Sequential(new Map<string, AnyModule>([['conv', new nn.Conv2d(3, 8, 3, { padding: 'same' })], ['act', new nn.LeakyReLU(0.2)], ['pool', new nn.AdaptiveAvgPool2d(1)], ['flat', new nn.Flatten()], ['fc', new nn.Linear(8, 4, { bias: false })]])), [3, 12, 12]],
  ['mixed-order names (array children)', () => new nn.Sequential(new Map<string, AnyModule>([['stem', new nn.Conv2d(1, 2, 3)], ['1', new nn.ReLU()], ['0', new nn.Flatten()]])), [1, 6, 6]],
  ['resnet basic blocks (Residual)', () => new nn.Sequential(basicBlock(3, 8, 1), basicBlock(8, 16, 2), basicBlock(16, 16, 1), new nn.AdaptiveAvgPool2d([1, 1]), new nn.Flatten(), new nn.Linear(16, 10)), [3, 16, 16]],
  ['inception-like (Concat)', () => new nn.Sequential(
    new nn.Concat({ a: new nn.Conv2d(3, 4, 1), b: new nn.Sequential(new nn.Conv2d(3, 2, 1), new nn.Conv2d(2, 4, 3, { padding: 1 })), c: new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1 }), new nn.Conv2d(3, 2, 1)) }),
    new nn.ReLU6(),
  ), [3, 8, 8]],
  ['densenet-like (DenseConcat, dim)', () => new nn.Sequential(new nn.DenseConcat(new nn.Sequential(new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Conv2d(4, 2, 3, { padding: 1 }))), new nn.DenseConcat(new nn.Conv2d(6, 2, 1), { dim: 1 })), [4, 6, 6]],
  ['Add of branches', () => new nn.Add([new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.Conv2d(2, 3, 1)]), [2, 5, 5]],
  ['1d stack', () => new nn.Sequential(
    new nn.Conv1d(2, 4, 3, { padding: 'causal', dilation: 2 }), new nn.BatchNorm1d(4, { momentum: null, eps: 1e-3 }), new nn.ELU(0.5),
    new nn.MaxPool1d(2), new nn.AvgPool1d(2, { stride: 1, countIncludePad: false }), new nn.LPPool1d(2, 2), new nn.AdaptiveMaxPool1d(3),
    new nn.ReflectionPad1d([1, 2]), new nn.ReplicationPad1d(1), new nn.ZeroPad1d(1), new nn.ConstantPad1d([0, 1], 0.5), new nn.AdaptiveAvgPool1d(2), new nn.Dropout(0.3),
  ), [2, 32]],
  ['2d odds and ends', () => new nn.Sequential(
    new nn.Conv2d(3, 6, [3, 5], { stride: [1, 2], padding: [1, 2], groups: 3, paddingMode: 'reflect' }), new nn.LocalResponseNorm(3, { alpha: 2e-4 }),
    new nn.LocalContrastNorm({ size: 3, sigma: 1 }), new nn.LPPool2d(2, [2, 1]), new nn.ReflectionPad2d([1, 1, 2, 2]), new nn.ReplicationPad2d(1),
    new nn.ZeroPad2d([0, 1, 0, 1]), new nn.ConstantPad2d(1, -1), new nn.Dropout2d(0.1), new nn.AdaptiveMaxPool2d([2, 3]),
    new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }), new nn.UpsamplingNearest2d({ size: [6, 8] }), new nn.UpsamplingBilinear2d({ scaleFactor: 1.5 }),
    new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, divisorOverride: 4 }), new nn.Sigmoid(),
  ), [3, 10, 16]],
  ['decoder (ConvTranspose, Unflatten)', () => new nn.Sequential(
    new nn.Linear(8, 32), new nn.Unflatten(1, [2, 4, 4]), new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    new nn.Tanh(), new nn.Flatten(2), new nn.ConvTranspose1d(4, 2, 4, { stride: 2, groups: 2, bias: false }), new nn.Identity(), new nn.Softmax(-1),
  ), [8]],
  ['log-softmax head + Flatten(startDim, endDim)', () => new nn.Sequential(new nn.Flatten(1, 2), new nn.Linear(12, 5), new nn.LogSoftmax(1)), [3, 4]],
  ['maxpool with indices + unpool (ModuleList)', () => new nn.ModuleList([new nn.MaxPool2d(2, { returnIndices: true }), new nn.MaxUnpool2d(2), new nn.MaxUnpool1d(2, { stride: 2 }), new nn.MaxPool1d(3, { stride: 2, ceilMode: true, dilation: 2 })]), null],
  ['ModuleDict of losses', () => new nn.ModuleDict({ ce: new nn.CrossEntropyLoss({ weight: nc.tensor([1, 2, 3]), labelSmoothing: 0.1 }), nll: new nn.NLLLoss({ ignoreIndex: 0 }), bce: new nn.BCELoss({ reduction: 'sum' }), bcel: new nn.BCEWithLogitsLoss({ posWeight: nc.tensor([2]) }), mse: new nn.MSELoss(), l1: new nn.L1Loss({ reduction: 'none' }) }), null],
  ['BatchNorm without affine / running stats', () => new nn.Sequential(new nn.BatchNorm2d(3, { affine: false }), new nn.BatchNorm2d(3, { trackRunningStats: false }), new nn.Conv2d(3, 2, 1)), [3, 4, 4]],
];

describe('tree form round trip', () => {
  for (const [name, build, shape] of NETS) {
    test(name, () => {
      const model = build();
      const copy = roundTrip(model, shape ? { inputShape: shape } : {});
      if (shape) expectSameOutputs(model, copy, [nc.randn([2, ...shape])]);
    });
  }

  test('the tree form is what the brief shows: format, model.type, options, children by name', () => {
    const spec = toSpec(lenet5(), { name: 'lenet5', inputShape: [1, 28, 28] }) as TreeSpec;
    expect(spec.format).toBe('neocog.spec/1');
    expect(spec.inputs).toEqual({ x: [1, 28, 28] });
    expect(spec.model.type).toBe('Sequential');
    expect(spec.model.name).toBe('lenet5');
    const kids = spec.model.children as Record<string, { type: string; options?: object }>;
    expect(Object.keys(kids)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(kids['0']).toEqual({ type: 'Conv2d', options: { inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 } });
    expect(kids['1']).toEqual({ type: 'Tanh' });
    expect(kids['2']).toEqual({ type: 'AvgPool2d', options: { kernelSize: 2 } });
  });

  test('children whose order a JSON object would change are written as an array of named nodes', () => {
    const m = new nn.Sequential(new Map<string, AnyModule>([['b', new nn.ReLU()], ['1', new nn.Tanh()]]));
    const spec = toSpec(m) as TreeSpec;
    expect(spec.model.children).toEqual([{ name: 'b', type: 'ReLU' }, { name: '1', type: 'Tanh' }]);
    expect(fromSpec(spec).namedChildren().map(([k]) => k)).toEqual(['b', '1']);
  });

  test('YAML round trip (toSpecYaml -> parseSpec -> fromSpec)', () => {
    const model = new nn.Sequential(basicBlock(3, 8, 2), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(8, 3));
    const yaml = toSpecYaml(toSpec(model, { inputShape: [3, 8, 8] }));
    expect(yaml).toContain('format: neocog.spec/1');
    expect(yaml).toContain('inputs: {x: [3, 8, 8]}');
    expect(yaml.trimStart().startsWith('{')).toBe(false);
    const copy = fromSpec(parseSpec(yaml));
    expectSameStructure(model, copy);
    expect(toSpec(copy, { inputShape: [3, 8, 8] })).toEqual(toSpec(model, { inputShape: [3, 8, 8] }));
    expectSameOutputs(model, copy, [nc.randn([2, 3, 8, 8])]);
  });

  test('YAML and JSON of one spec parse to the same object', () => {
    const spec = toSpec(lenet5(), { inputShape: [1, 28, 28] });
    expect(parseSpec(toSpecYaml(spec))).toEqual(spec);
    expect(parseSpec(toSpecJson(spec))).toEqual(spec);
    expect(JSON.parse(toSpecJson(spec))).toEqual(spec);
  });

  test('options are constructor arguments: defaults are left out, all-equal tuples collapse', () => {
    expect(new nn.Conv2d(1, 2, [3, 3], { stride: [1, 1], padding: [1, 1] }).config()).toEqual({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1 });
    expect(new nn.Conv2d(1, 2, 3, { padding: 'same', bias: false }).config()).toEqual({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 'same', bias: false });
    expect(new nn.MaxPool2d(3, { stride: 2 }).config()).toEqual({ kernelSize: 3, stride: 2 });
    expect(new nn.BatchNorm2d(8, { momentum: null }).config()).toEqual({ numFeatures: 8, momentum: null });
    expect(new nn.Linear(3, 4).config()).toEqual({ inFeatures: 3, outFeatures: 4 });
    expect(new nn.ReLU().config()).toEqual({});
  });

  test('the rebuilt model trains like the original (fresh weights, same parameter names for an optimizer)', () => {
    const copy = fromSpec(toSpec(lenet5())) as AnyModule;
    const opt = new nc.optim.SGD(copy.parameters(), { lr: 0.1 });
    const x = nc.randn([4, 1, 28, 28]);
    const y = nc.tensor([1, 2, 3, 4], undefined, { dtype: 'int32' });
    const before = nc.F.crossEntropy(copy.call(x), y);
    before.backward();
    opt.step();
    const after = nc.noGrad(() => nc.F.crossEntropy(copy.call(x), y));
    expect(after.item()).toBeLessThan(before.item());
  });
});
