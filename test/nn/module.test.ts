import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';

const smallCnn = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 4 * 4, 10),
  );

/** LeNet-5 as in the Keras table: 61,706 parameters. */
const lenet5 = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.Tanh(),
    new nn.AvgPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.Tanh(),
    new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new nn.Tanh(),
    new nn.Linear(120, 84),
    new nn.Tanh(),
    new nn.Linear(84, 10),
  );

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 2, 3);
  bn1 = new nn.BatchNorm2d(2);
  features: nn.Sequential;
  fc: nn.Linear;
  scale: nn.Parameter;
  constructor() {
    super();
    this.features = new nn.Sequential(new nn.Conv2d(2, 2, 1), new nn.ReLU());
    this.fc = new nn.Linear(2, 3);
    this.scale = new nn.Parameter(nc.ones([1]));
    this.registerBuffer('step_count', nc.zeros([], { dtype: 'int32' }));
    this.registerBuffer('cache', nc.zeros([2]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    const h = this.features.call(this.bn1.call(this.conv1.call(x)));
    return this.fc.call(h.mean([2, 3])).mul(this.scale);
  }
}

describe('parameter and buffer names', () => {
  test('Sequential CNN: PyTorch names and order', () => {
    const m = smallCnn();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '5.weight', '5.bias']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(Object.keys(m.stateDict())).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '5.weight', '5.bias',
    ]);
    expect(m.stateDict()['1.num_batches_tracked'].dtype).toBe('int32');
    expect(m.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', '0', '1', '2', '3', '4', '5']);
  });

  test('a subclass: fields adopted in declaration order, explicit buffers, nested names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale', 'conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'features.0.weight', 'features.0.bias', 'fc.weight', 'fc.bias',
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      'scale', 'step_count', 'conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked',
      'features.0.weight', 'features.0.bias', 'fc.weight', 'fc.bias',
    ]);
    // Non-persistent buffers are buffers but stay out of the state dict.
    expect(net.namedBuffers().map(([n]) => n)).toContain('cache');
    expect(net.getSubmodule('features.0')).toBe(net.features.at(0));
    expect(net.getParameter('features.0.bias')).toBe(net.features.at<nn.Conv2d>(0).bias);
    expect(() => net.getSubmodule('features.7')).toThrow(/has no child '7' \(children: 0, 1\)/);
  });

  test('reassigning a slot keeps its position; null removes it; plain tensors are refused', () => {
    const lin = new nn.Linear(3, 2);
    lin.parameters(); // adopt
    const w = new nn.Parameter(nc.zeros([2, 3]));
    lin.weight = w;
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(lin.parameters()[0]).toBe(w);
    lin.bias = null;
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(lin.extraRepr()).toContain('bias=false');
    expect(() => {
      (lin as unknown as { weight: Tensor }).weight = nc.zeros([2, 3]);
    }).toThrow(/cannot assign a plain Tensor as parameter 'weight'/);
  });

  test('explicit registration, shared modules listed once, registration errors', () => {
    class M extends nn.Module {
      constructor() {
        super();
        const shared = new nn.Linear(2, 2);
        this.registerModule('a', shared);
        this.registerModule('b', shared);
        this.registerParameter('w', nc.ones([2]));
      }
      forward(x: Tensor) {
        return x;
      }
    }
    const m = new M();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w', 'a.weight', 'a.bias']);
    expect(m.numParameters()).toBe(2 + 6);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(m.parameters()[0]).toBeInstanceOf(nn.Parameter);
    expect(m.parameters()[0].requiresGrad).toBe(true);
    expect(() => m.registerModule('x.y', new nn.ReLU())).toThrow(/can't contain '\.'/);
    expect(() => m.registerModule('training', new nn.ReLU())).toThrow(/attribute 'training' already exists/);
  });
});

describe('parameter counts', () => {
  test('LeNet-5 (Keras table) has 61,706 parameters', () => {
    const m = lenet5();
    expect(m.numParameters()).toBe(61706);
    expect(m.parameters().map((p) => p.size)).toEqual([150, 6, 2400, 16, 48000, 120, 10080, 84, 840, 10]);
    const y = m.call(nc.randn([2, 1, 28, 28]));
    expect(y.shape).toEqual([2, 10]);
  });

  test('layer counts match PyTorch', () => {
    expect(new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }).numParameters()).toBe(9408);
    expect(new nn.Conv2d(32, 64, 3, { groups: 4 }).numParameters()).toBe(64 * 8 * 9 + 64);
    expect(new nn.ConvTranspose2d(16, 8, 2, { stride: 2 }).numParameters()).toBe(16 * 8 * 4 + 8);
    expect(new nn.BatchNorm2d(64).numParameters()).toBe(128);
    expect(new nn.BatchNorm1d(10, { affine: false }).numParameters()).toBe(0);
    expect(new nn.Linear(9216, 4096).numParameters()).toBe(37752832);
  });

  test('requiresGrad_ freezes; numParameters can count trainable only', () => {
    const m = smallCnn();
    m.at(0).requiresGrad_(false);
    expect(m.numParameters({ trainableOnly: true })).toBe(m.numParameters() - (4 * 9 + 4));
  });
});

describe('train / eval', () => {
  test('flags propagate and switch Dropout and BatchNorm', () => {
    nc.manualSeed(1);
    const drop = new nn.Dropout(0.5);
    const bn = new nn.BatchNorm1d(3);
    const m = new nn.Sequential(bn, drop);
    expect(m.training && bn.training && drop.training).toBe(true);
    const x = nc.randn([16, 3]);
    const yTrain = drop.call(x).toArray() as number[][];
    expect(yTrain.flat().some((v) => v === 0)).toBe(true);
    m.eval();
    expect(m.training || bn.training || drop.training).toBe(false);
    expect(drop.call(x).toArray()).toEqual(x.toArray());
    // Eval-mode BatchNorm with fresh stats (mean 0, var 1) is x / sqrt(1 + eps).
    const y = bn.call(x).dataSync();
    const xs = x.dataSync();
    y.forEach((v, i) => expect(v).toBeCloseTo(xs[i] / Math.sqrt(1 + 1e-5), 5));
    expect(bn.numBatchesTracked!.item()).toBe(0);
    m.train();
    expect(bn.training && drop.training).toBe(true);
  });
});

describe('state dict', () => {
  test('round trip between two models', () => {
    nc.manualSeed(3);
    const a = smallCnn();
    a.train();
    a.call(nc.randn([2, 1, 8, 8])); // moves the running stats
    const b = smallCnn();
    const res = b.loadStateDict(a.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, v] of Object.entries(a.stateDict())) expect(b.stateDict()[k].toArray()).toEqual(v.toArray());
    expect(b.at<nn.BatchNorm2d>(1).numBatchesTracked!.item()).toBe(1);
    a.eval();
    b.eval();
    const x = nc.randn([1, 1, 8, 8]);
    expect(b.call(x).toArray()).toEqual(a.call(x).toArray());
    // Loading copies: later changes to the source do not leak.
    nn.init.zeros_(a.at<nn.Conv2d>(0).weight);
    expect(b.at<nn.Conv2d>(0).weight.dataSync().some((v: number) => v !== 0)).toBe(true);
  });

  test('accepts a Map and casts dtypes', () => {
    const lin = new nn.Linear(2, 1);
    lin.loadStateDict(new Map([['weight', nc.tensor([[1, 2]], undefined, { dtype: 'float64' })], ['bias', nc.tensor([3])]]));
    expect(lin.weight.dtype).toBe('float32');
    expect(lin.weight.toArray()).toEqual([[1, 2]]);
    expect(lin.call(nc.tensor([[1, 1]])).toArray()).toEqual([[6]]);
  });

  test('errors name missing and unexpected keys and both shapes; nothing is copied on error', () => {
    const m = smallCnn();
    const sd = m.stateDict();
    const before = m.at<nn.Conv2d>(0).weight.toArray();
    const bad: Record<string, Tensor> = { ...sd, extra: nc.zeros([1]), '0.weight': nc.zeros([4, 1, 5, 5]) };
    delete bad['5.bias'];
    let msg = '';
    try {
      m.loadStateDict(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('loadStateDict: error(s) in loading state dict for Sequential');
    expect(msg).toContain('missing key(s) in state dict: "5.bias"');
    expect(msg).toContain('unexpected key(s) in state dict: "extra"');
    expect(msg).toContain('size mismatch for 0.weight: copying a tensor with shape [4,1,5,5] from the state dict, the shape in the current model is [4,1,3,3]');
    expect(m.at<nn.Conv2d>(0).weight.toArray()).toEqual(before);
    // Non-strict tolerates missing/unexpected keys but reports them...
    const ok: Record<string, Tensor> = { ...sd, extra: nc.zeros([1]) };
    delete ok['5.bias'];
    expect(m.loadStateDict(ok, { strict: false })).toEqual({ missingKeys: ['5.bias'], unexpectedKeys: ['extra'] });
    // ...but never a shape mismatch.
    expect(() => m.loadStateDict({ '0.bias': nc.zeros([3]) }, { strict: false })).toThrow(/size mismatch for 0\.bias: .*shape \[3\].*shape in the current model is \[4\]/);
  });
});

describe('bulk operations', () => {
  test('zeroGrad, apply, modules, to(float64)', () => {
    const m = smallCnn();
    m.train();
    const y = m.call(nc.randn([2, 1, 8, 8]));
    y.sum().backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    const names: string[] = [];
    m.apply((mod) => names.push(mod.constructor.name));
    expect(names).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Linear', 'Sequential']);
    expect(m.modules().length).toBe(7);
    m.double();
    expect(m.parameters().every((p) => p.dtype === 'float64' && p instanceof nn.Parameter && p.requiresGrad)).toBe(true);
    expect(m.namedBuffers().map(([, b]) => b.dtype)).toEqual(['float64', 'float64', 'int32']);
    expect(m.call(nc.randn([2, 1, 8, 8], { dtype: 'float64' })).dtype).toBe('float64');
  });

  test('forward hooks see inputs and outputs, and can be removed', () => {
    const m = smallCnn();
    const seen: number[][] = [];
    const h = m.at(0).registerForwardHook((_mod, _inputs, out) => {
      seen.push((out as Tensor).shape);
    });
    m.call(nc.randn([1, 1, 8, 8]));
    h.remove();
    m.call(nc.randn([1, 1, 8, 8]));
    expect(seen).toEqual([[1, 4, 8, 8]]);
    const lin = new nn.Linear(2, 2);
    lin.registerForwardPreHook(() => [nc.zeros([1, 2])]);
    expect(lin.call(nc.ones([1, 2])).toArray()).toEqual(lin.forward(nc.zeros([1, 2])).toArray());
  });

  test('parameters survive tidy; init inside tidy keeps values', () => {
    const lin = nc.tidy(() => {
      const l = new nn.Linear(4, 3);
      nn.init.ones_(l.weight);
      return l;
    });
    expect(lin.weight.isDisposed).toBe(false);
    expect(lin.weight.dataSync().every((v) => v === 1)).toBe(true);
    expect(String(lin.weight)).toMatch(/^Parameter containing:\ntensor\(/);
    // Buffers are kept too, including running statistics updated inside a tidy.
    let bn: nn.BatchNorm2d | null = null;
    nc.tidy(() => {
      bn = new nn.BatchNorm2d(2);
      bn.call(nc.randn([2, 2, 3, 3]));
    });
    const b = bn as unknown as nn.BatchNorm2d;
    expect(b.runningMean!.isDisposed || b.runningVar!.isDisposed || b.weight!.isDisposed).toBe(false);
    expect(b.numBatchesTracked!.item()).toBe(1);
    expect(b.runningMean!.dataSync().some((v) => v !== 0)).toBe(true);
  });

  test('ModuleList held in a field names its children under the field', () => {
    class Stack extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1)]);
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = l.call(x);
        return x;
      }
    }
    const s = new Stack();
    expect(s.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(s.call(nc.ones([3, 2])).shape).toEqual([3, 1]);
    expect(() => s.loadStateDict(null as never)).toThrow(/expected a Record or Map of name -> Tensor, got null/);
  });
});

describe('containers', () => {
  test('Sequential from a Record or Map, slicing, append, iteration', () => {
    const s = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU() });
    expect(s.namedParameters().map(([n]) => n)).toEqual(['conv.weight', 'conv.bias']);
    const t = new nn.Sequential(new Map<string, nn.AnyModule>([['b', new nn.ReLU()], ['a', new nn.Linear(2, 2)]]));
    expect(t.namedChildren().map(([n]) => n)).toEqual(['b', 'a']);
    const l = lenet5();
    const head = l.slice(0, 3);
    expect(head.length).toBe(3);
    expect(head.call(nc.randn([1, 1, 28, 28])).shape).toEqual([1, 6, 14, 14]);
    expect(l.slice(7).namedChildren().map(([n]) => n)).toEqual(['7', '8', '9', '10', '11']);
    expect(l.at(-1)).toBeInstanceOf(nn.Linear);
    expect([...l].length).toBe(12);
    const a = new nn.Sequential().append(new nn.Linear(2, 3)).append(new nn.ReLU());
    expect(a.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    expect(() => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.AnyModule)).toThrow(/Sequential: entry 1 must be a Module/);
  });

  test('a module used twice in a Sequential runs twice', () => {
    const lin = new nn.Linear(1, 1, { bias: false });
    nn.init.constant_(lin.weight, 2);
    const s = new nn.Sequential(lin, lin);
    expect(s.call(nc.tensor([[3]])).item()).toBe(12);
    expect(s.numParameters()).toBe(1);
  });

  test('ModuleList and ModuleDict', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 3)]);
    list.append(new nn.ReLU());
    list.insert(0, new nn.Linear(2, 2, { bias: false }));
    expect(list.length).toBe(4);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '1.weight', '1.bias', '2.weight', '2.bias']);
    list.pop(0);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    let x = nc.randn([1, 2]);
    for (const layer of list) x = layer.call(x);
    expect(x.shape).toEqual([1, 3]);
    expect(() => list.forward()).toThrow(/ModuleList has no forward/);

    const dict = new nn.ModuleDict({ encoder: new nn.Linear(2, 2), keys: new nn.Linear(2, 1) });
    expect(dict.keys()).toEqual(['encoder', 'keys']);
    expect(dict.get('keys')).toBeInstanceOf(nn.Linear);
    expect(dict.namedParameters().map(([n]) => n)).toEqual(['encoder.weight', 'encoder.bias', 'keys.weight', 'keys.bias']);
    dict.delete('encoder');
    expect(dict.keys()).toEqual(['keys']);
    expect(() => dict.get('nope')).toThrow(/no module named 'nope' \(keys: keys\)/);
  });
});

describe('toString', () => {
  test('prints the tree like PyTorch', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(160, 10, { bias: false }));
    expect(m.toString()).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(1, 10, kernelSize=[5,5], stride=[1,1])',
        '  (1): ReLU()',
        '  (2): MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)',
        '  (3): Flatten(startDim=1, endDim=-1)',
        '  (4): Linear(inFeatures=160, outFeatures=10, bias=false)',
        ')',
      ].join('\n'),
    );
    const nested = new nn.Sequential({ block: new nn.Residual(new nn.Sequential(new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4)), { activation: new nn.ReLU() }) });
    expect(nested.toString()).toBe(
      [
        'Sequential(',
        '  (block): Residual(',
        '    (body): Sequential(',
        '      (0): Conv2d(4, 4, kernelSize=[3,3], stride=[1,1], padding=[1,1])',
        '      (1): BatchNorm2d(4, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)',
        '    )',
        '    (activation): ReLU()',
        '  )',
        ')',
      ].join('\n'),
    );
    expect(new nn.Conv2d(4, 8, 3, { stride: 2, padding: 'valid', dilation: 2, groups: 2, paddingMode: 'reflect' }).toString()).toBe(
      "Conv2d(4, 8, kernelSize=[3,3], stride=[2,2], padding='valid', dilation=[2,2], groups=2, paddingMode='reflect')",
    );
    expect(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }).toString()).toBe("Upsample(scaleFactor=2, mode='bilinear', alignCorners=false)");
  });
});
