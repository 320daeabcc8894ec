/** Conv2d + eval-mode BatchNorm2d + ReLU fused into one conv under noGrad (src/nn/fusion.ts). */
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';
import { conv2dReluInference } from '../../src/ops/conv.js';

/** A conv + batch norm (+ ReLU) in eval mode with non-trivial running statistics and affine parameters. */
function convBn(opts: { bias?: boolean; affine?: boolean; paddingMode?: nn.PaddingMode; conv?: nn.Conv2d } = {}): nn.Sequential {
  nc.manualSeed(7);
  const conv = opts.conv ?? new nn.Conv2d(3, 8, 3, { padding: 1, bias: opts.bias ?? true, paddingMode: opts.paddingMode ?? 'zeros' });
  const bn = new nn.BatchNorm2d(8, { affine: opts.affine ?? true });
  bn.runningMean!.assign(nc.randn([8]));
  bn.runningVar!.assign(nc.add(nc.rand([8]), 0.5));
  if (bn.weight) bn.weight.assign(nc.randn([8]));
  if (bn.bias) bn.bias.assign(nc.randn([8]));
  const model = new nn.Sequential(conv, bn, new nn.ReLU());
  model.eval();
  return model;
}

function expectNear(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync(), y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  expect(worst).toBeLessThan(1e-5);
}

afterEach(() => vi.restoreAllMocks());

describe('conv + batch norm folding', () => {
  const x = () => { nc.manualSeed(3); return nc.randn([2, 3, 9, 7]); };

  test('under noGrad the batch norm folds into the conv and ReLU runs in its epilogue: same output, neither layer called', () => {
    for (const opts of [{}, { bias: false }, { affine: false }, { paddingMode: 'reflect' as const }]) {
      const model = convBn(opts);
      const bnForward = vi.spyOn(nn.BatchNorm2d.prototype, 'forward'), reluForward = vi.spyOn(nn.ReLU.prototype, 'forward');
      const unfused = model.call(x());
      expect([bnForward.mock.calls.length, reluForward.mock.calls.length]).toEqual([1, 1]);
      const fused = nc.noGrad(() => model.call(x()));
      expect([bnForward.mock.calls.length, reluForward.mock.calls.length], JSON.stringify(opts)).toEqual([1, 1]);
      expectNear(fused, unfused);
      expect(Math.min(...fused.dataSync())).toBe(0);
      vi.restoreAllMocks();
    }
  });

  test('Conv2d + ReLU alone fuses too; a lone Conv2d runs as usual', () => {
    nc.manualSeed(5);
    const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.Conv2d(4, 2, 1));
    const reluForward = vi.spyOn(nn.ReLU.prototype, 'forward'), convForward = vi.spyOn(nn.Conv2d.prototype, 'forward');
    const unfused = model.call(x());
    const fused = nc.noGrad(() => model.call(x()));
    expectNear(fused, unfused);
    expect(reluForward).toHaveBeenCalledTimes(1);
    expect(convForward).toHaveBeenCalledTimes(3); // 2 unfused + the lone 1x1 conv
  });

  test('Conv2d + MaxPool2d + ReLU (the lectures\' MNIST net): ReLU in the conv epilogue (they commute), a 2x2 pool in its tiles', () => {
    nc.manualSeed(6);
    const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.MaxPool2d(2), new nn.ReLU(), new nn.Conv2d(4, 2, 2), new nn.MaxPool2d(2, { padding: 1 }), new nn.ReLU());
    const reluForward = vi.spyOn(nn.ReLU.prototype, 'forward'), poolForward = vi.spyOn(nn.MaxPool2d.prototype, 'forward');
    const input = nc.randn([2, 3, 13, 12]);
    const unfused = model.call(input);
    const fused = nc.noGrad(() => model.call(input));
    expectNear(fused, unfused);
    expect(Math.min(...fused.dataSync())).toBeGreaterThanOrEqual(0);
    expect(reluForward).toHaveBeenCalledTimes(2); // the unfused call's only
    expect(poolForward).toHaveBeenCalledTimes(3); // the padded pool runs in both, the 2x2 one fused away
    // An average pool does not commute with ReLU: the pool fuses, the ReLU after it runs.
    const avg = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.AvgPool2d(2), new nn.ReLU());
    const avgForward = vi.spyOn(nn.AvgPool2d.prototype, 'forward');
    expectNear(nc.noGrad(() => avg.call(input)), avg.call(input));
    expect(reluForward).toHaveBeenCalledTimes(4);
    expect(avgForward).toHaveBeenCalledTimes(1);
  });

  test('Conv2d [+ ReLU] + a 2x2 stride-2 pool (LeNet-5): the pool runs in the conv kernel; other pools run as layers', () => {
    const input = (() => { nc.manualSeed(8); return nc.randn([3, 2, 15, 13]); })();
    const conv = () => new nn.Conv2d(2, 5, 3, { padding: 1 });
    const fusedPools: [string, () => nn.Module][] = [
      ['avg', () => new nn.AvgPool2d(2)], ['avg, stride given', () => new nn.AvgPool2d([2, 2], { stride: 2, countIncludePad: false })],
      ['max', () => new nn.MaxPool2d(2)], ['max, dilation 1 given', () => new nn.MaxPool2d(2, { stride: [2, 2], dilation: 1 })],
    ];
    const unfusedPools: [string, () => nn.Module][] = [
      ['avg ceil mode', () => new nn.AvgPool2d(2, { ceilMode: true })], ['avg stride 1', () => new nn.AvgPool2d(2, { stride: 1 })],
      ['avg padding 1', () => new nn.AvgPool2d(2, { padding: 1 })], ['avg divisorOverride', () => new nn.AvgPool2d(2, { divisorOverride: 3 })],
      ['avg 3x3', () => new nn.AvgPool2d(3, { stride: 2 })], ['max dilation 2', () => new nn.MaxPool2d(2, { dilation: 2 })],
      ['max ceil mode', () => new nn.MaxPool2d(2, { ceilMode: true })],
    ];
    for (const [fuses, pools] of [[true, fusedPools], [false, unfusedPools]] as const) {
      for (const [name, pool] of pools) {
        for (const relu of [false, true]) {
          nc.manualSeed(9);
          const model = new nn.Sequential(...(relu ? [conv(), new nn.ReLU(), pool()] : [conv(), pool()]));
          model.eval();
          const spies = [vi.spyOn(nn.AvgPool2d.prototype, 'forward'), vi.spyOn(nn.MaxPool2d.prototype, 'forward')];
          const unfused = model.call(input);
          const fused = nc.noGrad(() => model.call(input));
          expectNear(fused, unfused);
          const calls = spies.reduce((n, s) => n + s.mock.calls.length, 0);
          expect(calls, `${name}${relu ? ' after ReLU' : ''}`).toBe(fuses ? 1 : 2);
          vi.restoreAllMocks();
        }
      }
    }
  });

  test('a fused pool refuses a convolution output under 2x2, as the pool layer would', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.AvgPool2d(2));
    model.eval();
    expect(() => nc.noGrad(() => model.call(nc.randn([1, 1, 3, 8])))).toThrow(/fused 2x2 pool needs a 2D output of at least 2x2, got 1x6/);
  });

  test('the fused kernel has no gradient: it refuses inputs that require one while autograd records', () => {
    const w = nc.randn([4, 3, 3, 3], { requiresGrad: true });
    expect(() => conv2dReluInference(x(), w)).toThrow(/fused activation has no gradient/);
    expect(nc.noGrad(() => conv2dReluInference(x(), w)).shape).toEqual([2, 4, 7, 5]);
  });

  test('training mode, hooks, and Conv2d subclasses keep the layers apart', () => {
    const cases: [string, () => nn.Sequential][] = [
      ['training', () => convBn().train()],
      ['hook on the batch norm', () => { const m = convBn(); m.at(1).registerForwardHook(() => undefined); return m; }],
      ['hook on the conv', () => { const m = convBn(); m.at(0).registerForwardPreHook(() => undefined); return m; }],
      ['Conv2d subclass', () => convBn({ conv: new (class extends nn.Conv2d {})(3, 8, 3, { padding: 1 }) })],
    ];
    for (const [name, make] of cases) {
      const model = make();
      const bnForward = vi.spyOn(nn.BatchNorm2d.prototype, 'forward');
      nc.noGrad(() => model.call(x()));
      expect(bnForward, name).toHaveBeenCalledTimes(1);
      vi.restoreAllMocks();
    }
  });

  test('a hook on the batch norm sees its own output (the unfused path)', () => {
    const model = convBn();
    let seen: Tensor | null = null;
    model.at(1).registerForwardHook((_m, _in, out) => { seen = out as Tensor; });
    const y = nc.noGrad(() => model.call(x()));
    expect(seen).not.toBeNull();
    expectNear(nc.relu(seen!), y);
  });
});

describe('linear under noGrad: bias and ReLU in the GEMM epilogue', () => {
  const unfusedLinear = (x: Tensor, w: Tensor, b: Tensor | null) => nc.add(nc.matmul(x, w.t()), b ?? 0);

  test('F.linear without a gradient to record matches the recorded path, any rank, with and without bias', () => {
    nc.manualSeed(11);
    const w = nc.randn([7, 5]), b = nc.randn([7]);
    for (const shape of [[5], [3, 5], [2, 4, 5], [1, 5], [0, 5]]) {
      const x = nc.randn(shape);
      for (const bias of [b, null]) {
        const fast = nc.noGrad(() => nc.F.linear(x, w, bias));
        expect(fast.shape, JSON.stringify(shape)).toEqual([...shape.slice(0, -1), 7]);
        if (fast.size) expectNear(fast, unfusedLinear(x, w, bias));
      }
    }
    // float64 keeps the general path, same values.
    const x64 = nc.randn([3, 5], { dtype: 'float64' });
    const w64 = nc.cast(w, 'float64');
    expectNear(nc.noGrad(() => nc.F.linear(x64, w64, null)), nc.matmul(x64, w64.t()));
    expect(nc.noGrad(() => nc.F.linear(x64, w64, null)).dtype).toBe('float64');
  });

  test('Linear + ReLU in a Sequential fuse under noGrad; a lone Linear runs as usual; errors are the same', () => {
    nc.manualSeed(12);
    const [first, relu] = [new nn.Linear(6, 8), new nn.ReLU()];
    const model = new nn.Sequential(first, relu, new nn.Linear(8, 3));
    const x = nc.randn([4, 6]);
    const reluForward = vi.spyOn(nn.ReLU.prototype, 'forward'), linearForward = vi.spyOn(nn.Linear.prototype, 'forward');
    const unfused = model.call(x);
    const fused = nc.noGrad(() => model.call(x));
    expectNear(fused, unfused);
    expect(reluForward).toHaveBeenCalledTimes(1);
    expect(linearForward).toHaveBeenCalledTimes(3); // 2 unfused + the lone last Linear
    const hidden = nc.noGrad(() => first.call(x));
    expect(Math.min(...nc.noGrad(() => new nn.Sequential(first, relu).call(x)).dataSync())).toBe(0);
    expect(Math.min(...hidden.dataSync())).toBeLessThan(0);
    expect(() => nc.noGrad(() => model.call(nc.randn([4, 5])))).toThrow(/linear: input has 5 features but weight expects 6/);
  });

  test('with a gradient to record, linear keeps its autograd path', () => {
    const lin = new nn.Linear(4, 2);
    const y = lin.call(nc.randn([3, 4]));
    y.sum().backward();
    expect(lin.weight.grad?.shape).toEqual([2, 4]);
    expect(lin.bias?.grad?.shape).toEqual([2]);
  });
});
