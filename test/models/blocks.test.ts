/**
 * The generic wiring blocks of src/nn/blocks.ts: forward values against the same maths written with
 * ops, float64 finite-difference gradient checks through each block (input and parameters), names,
 * config() and error messages.
 */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

const { F } = nc;

function close(a: Tensor, b: Tensor, tol = 1e-6): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol);
}

/** gradcheck of module(x) w.r.t. x and every parameter (float64). */
function gradOk(m: nn.AnyModule, shape: number[], seed = 1): void {
  m.double();
  const x = randomInput(shape, seed);
  expect(gradcheck((xx) => m.call(xx) as Tensor, [x, ...m.parameters()])).toBe(true);
}

describe('SkipConcat', () => {
  test('y = cat([x, body(x)]) over flat named children (DenseNet layer names)', () => {
    nc.manualSeed(1);
    const conv = new nn.Conv2d(3, 2, 3, { padding: 1 });
    const b = new nn.SkipConcat({ norm: new nn.BatchNorm2d(3), conv });
    expect(Object.keys(b.stateDict())).toEqual(['norm.weight', 'norm.bias', 'norm.running_mean', 'norm.running_var', 'norm.num_batches_tracked', 'conv.weight', 'conv.bias']);
    b.eval();
    const x = nc.randn([2, 3, 5, 5]);
    close(b.call(x), nc.cat([x, conv.call(b.getSubmodule('norm').call(x) as Tensor)], 1));
    expect(b.config()).toEqual({});
    expect(new nn.SkipConcat([conv], { dim: -3, crop: true }).config()).toEqual({ dim: -3, crop: true });
  });

  test('crop: the input is center-cropped to the body output (U-Net with valid convs)', () => {
    const body = new nn.Conv2d(1, 1, 3); // 6x7 -> 4x5
    const b = new nn.SkipConcat(body, { crop: true });
    const x = nc.arange(0, 42, 1, { dtype: 'float32' }).reshape([1, 1, 6, 7]);
    const y = b.call(x);
    expect(y.shape).toEqual([1, 2, 4, 5]);
    close(nc.slice(y, 1, 0, 1), nc.slice(nc.slice(x, 2, 1, 5), 3, 1, 6));
    expect(() => new nn.SkipConcat(body).call(x)).toThrow(/differ outside dim 1.*crop: true/);
  });

  test('gradients', () => {
    gradOk(new nn.SkipConcat({ conv: new nn.Conv2d(2, 2, 3), relu: new nn.Tanh() }, { crop: true }), [1, 2, 5, 5]);
  });
});

describe('ResidualSum', () => {
  test("torchvision's BasicBlock: path, projection skip and a ReLU reused after the sum", () => {
    nc.manualSeed(2);
    const c = {
      conv1: new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1, bias: false }), bn1: new nn.BatchNorm2d(4), relu: new nn.ReLU(),
      conv2: new nn.Conv2d(4, 4, 3, { padding: 1, bias: false }), bn2: new nn.BatchNorm2d(4),
      downsample: new nn.Sequential(new nn.Conv2d(2, 4, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(4)),
    };
    const b = new nn.ResidualSum(c, { path: ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], skip: 'downsample', after: ['relu'] });
    expect(Object.keys(b.stateDict()).filter((k) => k.endsWith('weight'))).toEqual(['conv1.weight', 'bn1.weight', 'conv2.weight', 'bn2.weight', 'downsample.0.weight', 'downsample.1.weight']);
    b.eval();
    const x = nc.randn([2, 2, 6, 6]);
    const main = c.bn2.call(c.conv2.call(F.relu(c.bn1.call(c.conv1.call(x)))));
    close(b.call(x), F.relu(main.add(c.downsample.call(x))), 1e-5);
    expect(b.config()).toEqual({ path: ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], skip: 'downsample', after: ['relu'] });
  });

  test('defaults: path = every child, identity skip (MobileNet v2 inverted residual)', () => {
    const conv = new nn.Conv2d(3, 3, 1);
    const b = new nn.ResidualSum({ conv });
    const x = nc.randn([1, 3, 2, 2]);
    close(b.call(x), conv.call(x).add(x));
    expect(b.path).toEqual(['conv']);
    expect(b.config()).toEqual({ path: ['conv'] });
  });

  test('errors name the child and the shapes', () => {
    expect(() => new nn.ResidualSum({ a: new nn.ReLU() }, { skip: 'b' })).toThrow(/skip names "b", which is not a child \(children: a\)/);
    expect(() => new nn.ResidualSum({ path: new nn.ReLU() })).toThrow(/cannot be named 'path'/);
    const b = new nn.ResidualSum({ conv: new nn.Conv2d(3, 4, 1) });
    expect(() => b.call(nc.randn([1, 3, 2, 2]))).toThrow(/main path output \[1,4,2,2\] and identity shortcut output \[1,3,2,2\] differ/);
  });

  test('gradients', () => {
    gradOk(new nn.ResidualSum({ conv: new nn.Conv2d(2, 3, 3, { padding: 1 }), act: new nn.Tanh(), proj: new nn.Conv2d(2, 3, 1) }, { path: ['conv', 'act'], skip: 'proj', after: ['act'] }), [1, 2, 4, 4]);
  });
});

describe('PoolUnpool', () => {
  test('unpools the body output to where the maxima were (SegNet)', () => {
    const b = new nn.PoolUnpool(new nn.Identity(), { kernelSize: 2 });
    const x = nc.tensor([[1, 5, 2, 0], [3, 4, 8, 7], [0, 0, 1, 1], [9, 0, 1, 2]]).reshape([1, 1, 4, 4]);
    expect(Array.from(b.call(x).dataSync())).toEqual([0, 5, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 9, 0, 0, 2]);
    expect(b.config()).toEqual({});
    expect(new nn.PoolUnpool(new nn.Identity(), { kernelSize: 3, stride: 2 }).config()).toEqual({ kernelSize: 3, stride: 2 });
  });

  test('odd sizes come back exactly; the body runs at the pooled size; 1D works too', () => {
    const conv = new nn.Conv2d(2, 2, 3, { padding: 1 });
    const b = new nn.PoolUnpool(conv);
    const x = nc.randn([1, 2, 5, 7]);
    const [p, idx] = F.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    close(b.call(x), F.maxUnpool2d(conv.call(p), idx, { kernelSize: 2, outputSize: [5, 7] }));
    expect(new nn.PoolUnpool(new nn.Conv1d(2, 2, 3, { padding: 1 })).call(nc.randn([2, 2, 9])).shape).toEqual([2, 2, 9]);
    expect(() => new nn.PoolUnpool(new nn.Conv2d(2, 3, 1)).call(x)).toThrow(/the body must keep the pooled shape/);
  });

  test('gradients', () => {
    gradOk(new nn.PoolUnpool(new nn.Sequential(new nn.Conv2d(2, 2, 3, { padding: 1 }), new nn.Tanh())), [1, 2, 4, 6], 3);
  });
});

describe('Mul, Fork, SkipSum (the WaveNet wiring)', () => {
  test('Mul multiplies its branches: the gated activation tanh(f) * sigmoid(g)', () => {
    const f = new nn.Conv1d(2, 3, 2, { padding: 'causal' });
    const g = new nn.Conv1d(2, 3, 2, { padding: 'causal' });
    const gate = new nn.Mul({ filter: new nn.Sequential(f, new nn.Tanh()), gate: new nn.Sequential(g, new nn.Sigmoid()) });
    const x = nc.randn([2, 2, 6]);
    close(gate.call(x), nc.tanh(f.call(x)).mul(nc.sigmoid(g.call(x))));
    expect(Object.keys(gate.stateDict())).toEqual(['filter.0.weight', 'filter.0.bias', 'gate.0.weight', 'gate.0.bias']);
  });

  test('Fork returns one output per head on the trunk output', () => {
    const trunk = new nn.Conv1d(2, 3, 1);
    const a = new nn.Conv1d(3, 2, 1);
    const s = new nn.Conv1d(3, 4, 1);
    const fork = new nn.Fork(trunk, { residual: a, skip: s });
    const x = nc.randn([1, 2, 5]);
    const [r, k] = fork.call(x);
    close(r, a.call(trunk.call(x)));
    close(k, s.call(trunk.call(x)));
    expect(fork.heads).toEqual(['residual', 'skip']);
    expect(() => new nn.Fork(trunk, { trunk: a })).toThrow(/cannot be named 'trunk'/);
  });

  test('SkipSum: h += residual after each block, output = sum of skips', () => {
    nc.manualSeed(3);
    const blocks = [0, 1, 2].map(() => new nn.Fork(new nn.Conv1d(2, 2, 1), { residual: new nn.Conv1d(2, 2, 1), skip: new nn.Conv1d(2, 3, 1) }));
    const stack = new nn.SkipSum(blocks);
    const x = nc.randn([2, 2, 4]);
    let h = x;
    let acc: Tensor | null = null;
    for (const b of blocks) {
      const [r, s] = b.call(h);
      h = h.add(r);
      acc = acc ? acc.add(s) : s;
    }
    close(stack.call(x), acc!);
    expect(stack.config()).toEqual({});
    expect(new nn.SkipSum(blocks, { residual: false }).config()).toEqual({ residual: false });
    expect(() => new nn.SkipSum([new nn.ReLU()]).call(x)).toThrow(/block '0' must return \[residual, skip\]/);
  });

  test('gradients through a two-block gated stack', () => {
    const block = (d: number) => new nn.Fork(
      new nn.Mul({ f: new nn.Sequential(new nn.Conv1d(2, 2, 2, { dilation: d, padding: 'causal' }), new nn.Tanh()), g: new nn.Sequential(new nn.Conv1d(2, 2, 2, { dilation: d, padding: 'causal' }), new nn.Sigmoid()) }),
      { residual: new nn.Conv1d(2, 2, 1), skip: new nn.Conv1d(2, 2, 1) },
    );
    gradOk(new nn.SkipSum([block(1), block(2)]), [1, 2, 5], 4);
  });
});

describe('IndexSelect and Pad', () => {
  test('IndexSelect picks, repeats and reorders entries along a dim', () => {
    const x = nc.arange(0, 12).reshape([1, 4, 3]);
    const y = new nn.IndexSelect(1, [3, 0, 1, 1]).call(x);
    expect(y.toArray()).toEqual([[[9, 10, 11], [0, 1, 2], [3, 4, 5], [3, 4, 5]]]);
    expect(new nn.IndexSelect(-1, [2]).call(x).shape).toEqual([1, 4, 1]);
    expect(new nn.IndexSelect(1, [0, 1]).config()).toEqual({ dim: 1, index: [0, 1] });
    expect(() => new nn.IndexSelect(1, [4]).call(x)).toThrow(/index 4 is out of range for dim 1 of size 4/);
    const m = new nn.IndexSelect(1, [2, 0, 0]);
    m.double();
    expect(gradcheck((a) => m.call(a), [randomInput([1, 3, 2], 5)])).toBe(true);
  });

  test('Pad pads any dim (channels for the CIFAR ResNet option-A shortcut)', () => {
    const p = new nn.Pad([0, 0, 0, 0, 1, 2]);
    const x = nc.ones([1, 2, 2, 2]);
    const y = p.call(x);
    expect(y.shape).toEqual([1, 5, 2, 2]);
    expect(nc.sum(y).item()).toBe(8);
    expect(Array.from(nc.slice(y, 1, 1, 3).dataSync()).every((v) => v === 1)).toBe(true);
    expect(p.config()).toEqual({ pad: [0, 0, 0, 0, 1, 2] });
    expect(new nn.Pad([1, 1], { value: 0.25 }).config()).toEqual({ pad: [1, 1], value: 0.25 });
    expect(() => new nn.Pad([1])).toThrow(/pairs/);
  });
});
