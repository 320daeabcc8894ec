/** The layer-type registry: every exported nn class is a layer type; users add their own. */
import { afterAll, describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import { Module } from '../../src/nn/module.js';
import type { Tensor } from '../../src/index.js';
import { closeMatches, fromSpec, layerType, layerTypes, registerLayer, toSpec, typeOfClass, type TreeSpec } from '../../src/spec/index.js';
import { expectSameOutputs, roundTrip } from './helpers.js';

const nnClasses = Object.entries(nn).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Module) as [string, abstract new (...a: never[]) => Module][];

describe('registry', () => {
  test('covers every exported nn class, under its class name', () => {
    expect(nnClasses.length).toBeGreaterThan(60);
    const missing = nnClasses.filter(([name, cls]) => typeOfClass(cls) !== name).map(([name]) => name);
    expect(missing).toEqual([]);
    for (const [name] of nnClasses) expect(layerTypes()).toContain(name);
  });

  test('every nn class but Lambda has a config() reporting its constructor arguments', () => {
    const without = nnClasses.filter(([, cls]) => typeof (cls.prototype as { config?: unknown }).config !== 'function').map(([n]) => n);
    expect(without).toEqual(['Lambda']);
  });

  test('the wiring blocks of the zoo round-trip (options + children)', () => {
    const relu = new nn.ReLU();
    const model = new nn.Sequential(new Map<string, nc.nn.AnyModule>([
      ['pad', new nn.Pad([1, 1, 1, 1], { mode: 'reflect' })],
      ['conv', new nn.Conv2d(2, 4, 3)],
      ['block', new nn.ResidualSum({ conv1: new nn.Conv2d(4, 4, 3, { padding: 1 }), relu, conv2: new nn.Conv2d(4, 4, 3, { padding: 1 }) }, { path: ['conv1', 'relu', 'conv2'], after: ['relu'] })],
      ['proj', new nn.ResidualSum({ a: new nn.Conv2d(4, 6, 1), down: new nn.Conv2d(4, 6, 1, { bias: false }) }, { skip: 'down' })],
      ['dense', new nn.SkipConcat([new nn.BatchNorm2d(6), new nn.Conv2d(6, 2, 3, { padding: 1 })])],
      ['pu', new nn.PoolUnpool(new nn.Conv2d(8, 8, 1), { kernelSize: 2 })],
      ['gate', new nn.Mul([new nn.Tanh(), new nn.Sigmoid()])],
      ['sel', new nn.IndexSelect(1, [0, 2, 3, 5])],
    ]));
    const copy = roundTrip(model, { inputShape: [2, 8, 8] });
    expectSameOutputs(model, copy, [nc.randn([2, 2, 8, 8])]);
    const wave = new nn.SkipSum([
      new nn.Fork(new nn.Conv1d(3, 3, 2, { padding: 'causal' }), { residual: new nn.Conv1d(3, 3, 1), skip: new nn.Conv1d(3, 5, 1) }),
      new nn.Fork(new nn.Conv1d(3, 3, 2, { padding: 'causal', dilation: 2 }), { residual: new nn.Conv1d(3, 3, 1), skip: new nn.Conv1d(3, 5, 1) }),
    ]);
    const w2 = roundTrip(wave, { inputShape: [3, 16] });
    expectSameOutputs(wave, w2, [nc.randn([2, 3, 16])]);
  });

  test('a user-defined layer joins with registerLayer, and rebuilds from its options', () => {
    class Scale extends Module {
      readonly factor: number;
      constructor(factor: number) {
        super();
        this.factor = factor;
      }
      forward(x: Tensor): Tensor {
        return nc.mul(x, this.factor);
      }
      config() {
        return { factor: this.factor };
      }
    }
    registerLayer('Scale', { cls: Scale, options: ['factor'], required: ['factor'], fromSpec: (o) => new Scale(o.factor as number) });
    const m = new nn.Sequential(new nn.Linear(2, 2), new Scale(3));
    const spec = toSpec(m) as TreeSpec;
    expect((spec.model.children as Record<string, unknown>)['1']).toEqual({ type: 'Scale', options: { factor: 3 } });
    const copy = fromSpec(spec);
    expect((copy as nn.Sequential).at(1)).toBeInstanceOf(Scale);
    expectSameOutputs(m, copy, [nc.randn([3, 2])]);
    expect(() => registerLayer('Scale', { fromSpec: () => new nn.ReLU() })).toThrow("spec: registerLayer: layer type 'Scale' is already registered (pass { replace: true })");
    expect(() => registerLayer('add', { fromSpec: () => new nn.ReLU() })).toThrow("'add' is a merge node of the graph form");
    expect(() => registerLayer('bad name', { fromSpec: () => new nn.ReLU() })).toThrow('type must be an identifier');
    registerLayer('Scale', { cls: Scale, fromSpec: (o) => new Scale((o.factor as number) * 2) }, { replace: true });
    expect((fromSpec(spec) as nn.Sequential).at<Scale>(1).factor).toBe(6);
    expect(layerType('Scale')).toBeDefined();
  });

  test('closeMatches finds near names case-insensitively', () => {
    expect(closeMatches('batchnorm2d', layerTypes())).toEqual(['BatchNorm2d', 'BatchNorm1d']);
    expect(closeMatches('maxpool', layerTypes())[0]).toMatch(/^MaxPool/);
    expect(closeMatches('Xyzzy', layerTypes())).toEqual([]);
  });
});

afterAll(() => {
  nc.manualSeed(0);
});
