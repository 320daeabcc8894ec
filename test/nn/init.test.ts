import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/index.js';

const { init } = nn;

function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const v = t.dataSync();
  let s = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length), maxAbs };
}

describe('calculateGain and fans', () => {
  test('gains as PyTorch', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04));
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('gelu' as never)).toThrow(/unsupported nonlinearity 'gelu'/);
  });

  test('fan in / out of linear and conv weights', () => {
    expect(init.calculateFanInAndFanOut(nc.zeros([20, 10]))).toEqual([10, 20]);
    expect(init.calculateFanInAndFanOut(nc.zeros([16, 6, 5, 5]))).toEqual([150, 400]);
    expect(() => init.calculateFanInAndFanOut(nc.zeros([5]))).toThrow(/fewer than 2 dims/);
  });
});

describe('initialisers (statistics on large tensors)', () => {
  test('kaimingUniform_: bound gain·√(3/fan)', () => {
    nc.manualSeed(0);
    const t = init.kaimingUniform_(nc.zeros([256, 512]), { nonlinearity: 'relu' });
    const bound = Math.sqrt(6 / 512);
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * bound);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    // fanOut mode uses dim 0 times the receptive field.
    const c = init.kaimingUniform_(nc.zeros([64, 8, 3, 3]), { mode: 'fanOut', nonlinearity: 'relu' });
    const cb = Math.sqrt(6 / (64 * 9));
    expect(stats(c).maxAbs).toBeLessThanOrEqual(cb);
    expect(stats(c).maxAbs).toBeGreaterThan(0.97 * cb);
  });

  test('kaimingNormal_: std gain/√fan', () => {
    const t = init.kaimingNormal_(nc.zeros([400, 300]), { nonlinearity: 'relu' });
    const s = stats(t);
    expect(s.std / Math.sqrt(2 / 300)).toBeCloseTo(1, 1);
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    const o = init.kaimingNormal_(nc.zeros([400, 300]), { mode: 'fanOut', a: 0.1 });
    expect(stats(o).std / (Math.sqrt(2 / 1.01) / Math.sqrt(400))).toBeCloseTo(1, 1);
  });

  test('xavierUniform_ and xavierNormal_', () => {
    const u = init.xavierUniform_(nc.zeros([300, 200]), { gain: 2 });
    const bound = 2 * Math.sqrt(6 / 500);
    expect(stats(u).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(u).std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
    const n = init.xavierNormal_(nc.zeros([300, 200]));
    const sn = stats(n);
    expect(Math.abs(sn.std / Math.sqrt(2 / 500) - 1)).toBeLessThan(0.02);
    expect(Math.abs(sn.mean)).toBeLessThan(0.002);
  });

  test('lecun, uniform, normal, truncNormal, constants', () => {
    const lu = init.lecunUniform_(nc.zeros([100, 400]));
    expect(stats(lu).maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 400));
    const ln = init.lecunNormal_(nc.zeros([100, 400]));
    expect(stats(ln).std / Math.sqrt(1 / 400)).toBeCloseTo(1, 1);
    const u = init.uniform_(nc.zeros([10000]), -2, 3);
    const v = u.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(3);
    expect(stats(u).mean).toBeCloseTo(0.5, 1);
    const n = init.normal_(nc.zeros([20000]), 1, 0.5);
    expect(stats(n).mean).toBeCloseTo(1, 1);
    expect(stats(n).std).toBeCloseTo(0.5, 1);
    const tn = init.truncNormal_(nc.zeros([5000]), 0, 1, -0.5, 0.5);
    expect(stats(tn).maxAbs).toBeLessThanOrEqual(0.5);
    expect(init.constant_(nc.zeros([3]), 2.5).toArray()).toEqual([2.5, 2.5, 2.5]);
    expect(init.ones_(nc.zeros([2], { dtype: 'float64' })).toArray()).toEqual([1, 1]);
    expect(init.zeros_(nc.ones([2], { dtype: 'int32' })).toArray()).toEqual([0, 0]);
    expect(() => init.uniform_(nc.zeros([2], { dtype: 'int32' }))).toThrow(/must be floating point/);
  });

  test('seeded through manualSeed and assigned in place (same object, same dtype)', () => {
    const p = new nn.Parameter(nc.zeros([4, 4], { dtype: 'float64' }));
    nc.manualSeed(42);
    const r = init.kaimingUniform_(p);
    expect(r).toBe(p);
    expect(p.dtype).toBe('float64');
    const first = p.toArray();
    nc.manualSeed(42);
    init.kaimingUniform_(p);
    expect(p.toArray()).toEqual(first);
    expect(p.requiresGrad).toBe(true);
    expect(p.gradFn).toBeNull();
  });
});

describe('layer defaults (PyTorch reset_parameters)', () => {
  test('Linear: weight and bias in ±1/√fanIn', () => {
    const lin = new nn.Linear(400, 300);
    const b = 1 / Math.sqrt(400);
    const w = stats(lin.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(b);
    expect(w.maxAbs).toBeGreaterThan(0.99 * b);
    expect(w.std / (b / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(stats(lin.bias!).maxAbs).toBeLessThanOrEqual(b);
  });

  test('Conv2d, grouped conv and ConvTranspose2d use their fan in', () => {
    const conv = new nn.Conv2d(32, 64, 3, { groups: 2 });
    const b = 1 / Math.sqrt(16 * 9);
    expect(stats(conv.weight).maxAbs).toBeLessThanOrEqual(b);
    expect(stats(conv.weight).maxAbs).toBeGreaterThan(0.97 * b);
    expect(stats(conv.bias!).maxAbs).toBeLessThanOrEqual(b);
    // PyTorch computes a transposed conv's fan in from weight dim 1 (outChannels / groups).
    const t = new nn.ConvTranspose2d(64, 32, 4);
    const tb = 1 / Math.sqrt(32 * 16);
    expect(stats(t.weight).maxAbs).toBeLessThanOrEqual(tb);
    expect(stats(t.weight).maxAbs).toBeGreaterThan(0.97 * tb);
  });

  test('BatchNorm: weight 1, bias 0, running mean 0 / var 1', () => {
    const bn = new nn.BatchNorm2d(3);
    expect(bn.weight!.toArray()).toEqual([1, 1, 1]);
    expect(bn.bias!.toArray()).toEqual([0, 0, 0]);
    expect(bn.runningMean!.toArray()).toEqual([0, 0, 0]);
    expect(bn.runningVar!.toArray()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.toArray()).toEqual(0);
  });
});
