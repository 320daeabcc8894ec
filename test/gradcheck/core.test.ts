import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

const r = randomInput;
const pos = (shape: number[], seed: number) => nc.add(nc.abs(r(shape, seed, { requiresGrad: false })), 0.5).detach().requiresGrad_();

describe('gradcheck: elementwise', () => {
  test.each([
    ['add', (a: nc.Tensor, b: nc.Tensor) => nc.add(a, b)],
    ['sub', (a: nc.Tensor, b: nc.Tensor) => nc.sub(a, b)],
    ['mul', (a: nc.Tensor, b: nc.Tensor) => nc.mul(a, b)],
    ['div', (a: nc.Tensor, b: nc.Tensor) => nc.div(a, nc.add(nc.abs(b), 1))],
    ['maximum', (a: nc.Tensor, b: nc.Tensor) => nc.maximum(a, b)],
    ['minimum', (a: nc.Tensor, b: nc.Tensor) => nc.minimum(a, b)],
    ['where', (a: nc.Tensor, b: nc.Tensor) => nc.where(nc.gt(a, 0), a, b)],
  ])('%s with broadcasting', (_n, fn) => {
    expect(gradcheck(fn, [r([2, 3, 4], 1), r([3, 1], 2)])).toBe(true);
    expect(gradcheck(fn, [r([1], 3), r([5], 4)])).toBe(true);
  });
  test('pow', () => expect(gradcheck((a, b) => nc.pow(a, b), [pos([3, 2], 5), r([2], 6)])).toBe(true));
  test.each([
    ['exp', (x: nc.Tensor) => nc.exp(x)],
    ['log', (x: nc.Tensor) => nc.log(x)],
    ['log1p', (x: nc.Tensor) => nc.log1p(x)],
    ['sqrt', (x: nc.Tensor) => nc.sqrt(x)],
    ['abs', (x: nc.Tensor) => nc.abs(nc.sub(x, 1))],
    ['neg', (x: nc.Tensor) => nc.neg(x)],
    ['clamp', (x: nc.Tensor) => nc.clamp(x, { min: 0.7, max: 1.2 })],
    ['relu', (x: nc.Tensor) => nc.F.relu(nc.sub(x, 1))],
    ['relu6', (x: nc.Tensor) => nc.F.relu6(nc.mul(x, 4))],
    ['leakyRelu', (x: nc.Tensor) => nc.F.leakyRelu(nc.sub(x, 1), { negativeSlope: 0.2 })],
    ['elu', (x: nc.Tensor) => nc.F.elu(nc.sub(x, 1), { alpha: 0.7 })],
    ['sigmoid', (x: nc.Tensor) => nc.F.sigmoid(x)],
    ['tanh', (x: nc.Tensor) => nc.F.tanh(x)],
    ['cast', (x: nc.Tensor) => nc.cast(x, 'float64')],
    ['clone', (x: nc.Tensor) => nc.clone(x)],
  ])('%s', (_n, fn) => expect(gradcheck(fn, [pos([3, 5], 7)])).toBe(true));
});

describe('gradcheck: reductions, softmax, matmul', () => {
  const x = () => r([2, 3, 5], 11);
  test.each([
    ['sum all', (t: nc.Tensor) => nc.sum(t)],
    ['sum dims keepDim', (t: nc.Tensor) => nc.sum(t, [0, 2], true)],
    ['mean', (t: nc.Tensor) => nc.mean(t, 1)],
    ['max (values of max(dim))', (t: nc.Tensor) => nc.max(t, 2).values],
    ['amax', (t: nc.Tensor) => nc.amax(t, [0, 2])],
    ['amin', (t: nc.Tensor) => nc.amin(t, [0, 1])],
    ['min (values of min(dim))', (t: nc.Tensor) => nc.min(t, 0).values],
    ['var', (t: nc.Tensor) => nc.var(t, 1)],
    ['std', (t: nc.Tensor) => nc.std(t, [1, 2], true, { unbiased: false })],
    ['logSumExp', (t: nc.Tensor) => nc.logSumExp(t, 2)],
    ['softmax', (t: nc.Tensor) => nc.F.softmax(t, 1)],
    ['logSoftmax', (t: nc.Tensor) => nc.F.logSoftmax(t, -1)],
  ])('%s', (_n, fn) => expect(gradcheck(fn, [x()])).toBe(true));
  test('matmul variants', () => {
    expect(gradcheck((a, b) => nc.matmul(a, b), [r([3, 4], 1), r([4, 2], 2)])).toBe(true);
    expect(gradcheck((a, b) => nc.matmul(a, b), [r([2, 3, 4], 3), r([4, 5], 4)])).toBe(true);
    expect(gradcheck((a, b) => nc.matmul(a, b), [r([4], 5), r([2, 4, 3], 6)])).toBe(true);
    expect(gradcheck((a, b) => nc.matmul(a, b), [r([4], 7), r([4], 8)])).toBe(true);
    expect(gradcheck((a, b) => nc.bmm(a, b, { transposeA: true, transposeB: true }), [r([2, 4, 3], 9), r([2, 5, 4], 10)])).toBe(true);
  });
  test('linear', () => {
    expect(gradcheck((x, w, b) => nc.F.linear(x, w, b), [r([2, 3, 4], 1), r([5, 4], 2), r([5], 3)])).toBe(true);
  });
});

describe('gradcheck: layout', () => {
  test.each([
    ['reshape', (t: nc.Tensor) => t.reshape(6, 5)],
    ['permute', (t: nc.Tensor) => t.permute(2, 0, 1)],
    ['transpose', (t: nc.Tensor) => t.transpose(0, 2)],
    ['slice step', (t: nc.Tensor) => t.slice(2, 1, 5, 2)],
    ['narrow', (t: nc.Tensor) => t.narrow(1, 1, 2)],
    ['flip', (t: nc.Tensor) => t.flip(0, 2)],
    ['expand', (t: nc.Tensor) => t.unsqueeze(0).expand(3, -1, -1, -1)],
    ['split', (t: nc.Tensor) => nc.mul(t.split(2, 2)[1], 2)],
    ['cat', (t: nc.Tensor) => nc.cat([t, nc.mul(t, 2)], 1)],
    ['stack', (t: nc.Tensor) => nc.stack([t, t], 0)],
    ['gather', (t: nc.Tensor) => t.gather(2, nc.tensor(Array.from({ length: 12 }, (_, i) => i % 5), [2, 3, 2], { dtype: 'int32' }))],
  ])('%s', (_n, fn) => expect(gradcheck(fn, [r([2, 3, 5], 13)])).toBe(true));
  test('scatterAdd', () => {
    const idx = nc.tensor([0, 2, 2, 1], [1, 4], { dtype: 'int32' });
    expect(gradcheck((x, s) => nc.scatterAdd(x, 1, idx, s), [r([2, 3], 1), r([2, 5], 2)])).toBe(true);
  });
});

test('gradcheck itself catches a wrong gradient', () => {
  const wrong = (x: nc.Tensor) => nc.add(x, nc.noGrad(() => nc.mul(x, x)));
  expect(() => gradcheck(wrong, [r([3], 1)])).toThrow(/gradient mismatch for input 0/);
});
