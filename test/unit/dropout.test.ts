import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';

const { F } = nc;

const zeroFraction = (t: nc.Tensor) => Array.from(t.dataSync()).filter((v) => v === 0).length / t.size;

describe('dropout', () => {
  test.each([0.1, 0.5, 0.8])('zeroes about p = %f of a large tensor and scales the rest by 1/(1-p)', (p) => {
    nc.manualSeed(123);
    const x = nc.ones([200, 500]);
    const y = F.dropout(x, { p });
    expect(Math.abs(zeroFraction(y) - p)).toBeLessThan(0.01);
    const kept = Array.from(y.dataSync()).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / (1 - p)) < 1e-6)).toBe(true);
    // Inverted dropout keeps the expectation.
    expect(Math.abs(y.mean().item() - 1)).toBeLessThan(0.03);
  });

  test('eval mode and p = 0 are the identity; p = 1 gives zeros', () => {
    const x = nc.randn([4, 6]);
    expect(F.dropout(x, { training: false }).dataSync()).toEqual(x.dataSync());
    expect(F.dropout(x, { p: 0 }).dataSync()).toEqual(x.dataSync());
    expect(Array.from(F.dropout2d(nc.randn([2, 3, 2, 2]), { p: 1 }).dataSync()).every((v) => v === 0)).toBe(true);
    const z = F.dropout(x, { p: 1 });
    expect(Array.from(z.dataSync()).every((v) => v === 0)).toBe(true);
    expect(z.shape).toEqual([4, 6]);
  });

  test('manualSeed makes masks reproducible; an explicit generator leaves the default alone', () => {
    const x = nc.ones([50, 40]);
    nc.manualSeed(5);
    const a = F.dropout(x, { p: 0.4 }).dataSync();
    nc.manualSeed(5);
    const b = F.dropout(x, { p: 0.4 }).dataSync();
    expect(b).toEqual(a);
    const c = F.dropout(x, { p: 0.4 }).dataSync();
    expect(c).not.toEqual(a);
    const g1 = F.dropout(x, { p: 0.4, generator: new nc.Generator(9) }).dataSync();
    const g2 = F.dropout(x, { p: 0.4, generator: new nc.Generator(9) }).dataSync();
    expect(g2).toEqual(g1);
  });

  test('gradient is the mask', () => {
    nc.manualSeed(1);
    const x = nc.randn([30, 30], { requiresGrad: true });
    nc.manualSeed(2);
    const y = F.dropout(x, { p: 0.5 });
    y.sum().backward();
    const g = x.grad!.dataSync(), yv = y.dataSync();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(yv[i] === 0 ? 0 : 2, 6);
  });
});

describe('dropout2d', () => {
  test.each([[[8, 16, 3, 4]], [[16, 5, 5]]])('zeroes whole channels of %j', (shape) => {
    nc.manualSeed(42);
    const x = nc.add(nc.rand(shape), 0.5);
    const p = 0.5;
    const y = F.dropout2d(x, { p });
    const plane = shape[shape.length - 1] * shape[shape.length - 2];
    const xv = x.dataSync(), yv = y.dataSync();
    let dropped = 0;
    for (let c = 0; c < xv.length / plane; c++) {
      const vals = Array.from(yv.subarray(c * plane, (c + 1) * plane));
      const zero = vals.every((v) => v === 0);
      if (zero) dropped++;
      else vals.forEach((v, i) => expect(v).toBeCloseTo(xv[c * plane + i] / (1 - p), 5));
    }
    const channels = xv.length / plane;
    expect(Math.abs(dropped / channels - p)).toBeLessThan(0.2);
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(channels);
  });

  test('eval mode is the identity', () => {
    const x = nc.randn([2, 3, 4, 4]);
    expect(F.dropout2d(x, { training: false }).dataSync()).toEqual(x.dataSync());
  });
});
