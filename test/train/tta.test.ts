import { describe, expect, it } from 'vitest';
import { flip, logSoftmax, manualSeed, nn, randn, softmax, tensor } from '../../src/index.js';
import { evaluate, FlipTTA } from '../../src/train/index.js';
import { loaderOf } from './helpers.js';

const net = () => new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.Flatten(), new nn.Linear(3 * 3 * 4, 4));

describe('FlipTTA', () => {
  it('returns the log of the mean of the two class distributions (image and mirror)', () => {
    manualSeed(2);
    const model = net();
    const x = randn([5, 1, 5, 6]);
    const out = new FlipTTA(model).forward(x);
    const p = softmax(model.forward(x), 1).dataSync();
    const q = softmax(model.forward(flip(x, -1)), 1).dataSync();
    const got = out.dataSync();
    expect(out.shape).toEqual([5, 4]);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(Math.log((p[i] + q[i]) / 2), 5);
  });
  it('stays finite where a probability underflows, and equals logSoftmax for a mirror-blind model', () => {
    // A global max pool sees the image and its mirror alike: both predictions are one and the same.
    const blind = new nn.Sequential(new nn.AdaptiveMaxPool2d(1), new nn.Flatten(), new nn.Linear(1, 3));
    blind.loadStateDict({ '2.weight': tensor([[200], [0], [-200]]), '2.bias': tensor([0, 0, 0]) });
    const x = tensor([[[[1, 0], [0, 0]]]]);
    const v = Array.from(new FlipTTA(blind).forward(x).dataSync());
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v[2]).toBeCloseTo(-400, 3); // a plain log(mean of softmaxes) gives -Infinity here (e^-400 underflows)
    const direct = Array.from(logSoftmax(blind.forward(x), 1).dataSync());
    v.forEach((value, i) => expect(value).toBeCloseTo(direct[i], 5));
  });
  it('owns the model (parameters, eval mode) and evaluates through evaluate()', async () => {
    manualSeed(3);
    const model = net();
    const tta = new FlipTTA(model);
    expect(tta.parameters()).toEqual(model.parameters());
    tta.eval();
    expect(model.training).toBe(false);
    const x = randn([6, 1, 5, 6]);
    const y = tensor(Int32Array.from([0, 1, 2, 3, 0, 1]));
    const r = await evaluate(tta, loaderOf(x, y), { loss: 'crossEntropy' });
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(r.loss)).toBe(true);
  });
  it('rejects what it cannot mirror', () => {
    expect(() => new FlipTTA({} as never)).toThrow('FlipTTA: model must be a Module, got object');
    expect(() => new FlipTTA(new nn.Linear(2, 2)).forward(randn([3, 2]))).toThrow('FlipTTA: expected a batch [N,C,H,W] (or [N,C,L]), got [3,2]');
    expect(() => new FlipTTA(new nn.Identity()).forward(randn([1, 1, 2, 2]))).toThrow('FlipTTA: the model must return class scores [N,classes], got [1,1,2,2]');
  });
});
