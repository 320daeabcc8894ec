import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import '../../src/tensor/methods.js';
import { fromArray } from '../../src/tensor/creation.js';
import { bceLoss, diceMetric, segLoss, softDiceLoss } from '../../src/segment/losses.js';
import { slidingWindow, tileStarts } from '../../src/segment/inference.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/conv.js';
import { constant_ } from '../../src/nn/init.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { SegSample } from '../../src/segment/sample.js';

interface Case { value: number; grad: number[] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/seg-losses.json', import.meta.url), 'utf8')) as Record<string, Case> & { shape: number[]; logits: number[]; mask: number[]; weight: number[] };

describe('segmentation losses vs PyTorch', () => {
  const mask = fromArray(Float64Array.from(fx.mask), fx.shape);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['bce', (x) => bceLoss(x, mask)],
    ['bcePosWeight', (x) => bceLoss(x, mask, { posWeight: 4 })],
    ['dice', (x) => softDiceLoss(x, mask)],
    ['diceSmooth0', (x) => softDiceLoss(x, mask, { smooth: 0 })],
    ['bceDice', (x) => segLoss('bce+dice')(x, mask)],
  ];
  test.each(cases)('%s: value and gradient', (name, f) => {
    const x = fromArray(Float64Array.from(fx.logits), fx.shape, { requiresGrad: true });
    const v = f(x);
    v.backward();
    expect(v.item()).toBeCloseTo(fx[name].value, 10);
    Array.from(x.grad!.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(fx[name].grad[i], 10));
  });

  test('a per-pixel weight map in the target\'s second channel', () => {
    // PyTorch's case has N = 2; stack the two images' (mask, weight) pairs into [2, 2, H, W].
    const [n, , h, w] = fx.shape;
    const t = new Float64Array(n * 2 * h * w);
    for (let b = 0; b < n; b++) {
      t.set(fx.mask.slice(b * h * w, (b + 1) * h * w), (2 * b) * h * w);
      t.set(fx.weight.slice(b * h * w, (b + 1) * h * w), (2 * b + 1) * h * w);
    }
    const x = fromArray(Float64Array.from(fx.logits), fx.shape, { requiresGrad: true });
    const v = bceLoss(x, fromArray(t, [n, 2, h, w]));
    v.backward();
    expect(v.item()).toBeCloseTo(fx.bceWeighted.value, 10);
    Array.from(x.grad!.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(fx.bceWeighted.grad[i], 10));
  });

  test('argument errors name the op', () => {
    const x = fromArray(new Float32Array(4), [1, 1, 2, 2]);
    expect(() => bceLoss(x, fromArray(new Float32Array(4), [1, 2, 2]))).toThrow(/bceLoss: target must be \[1,1,2,2\]/);
    expect(() => softDiceLoss(fromArray(new Float32Array(8), [1, 2, 2, 2]), x)).toThrow(/softDiceLoss: input must be logits \[N,1,H,W\]/);
    expect(() => bceLoss(x, x, { posWeight: -1 })).toThrow(/posWeight must be a positive number/);
    expect(() => segLoss('focal' as never)).toThrow(/unknown loss "focal"/);
  });

  test('dice metric counts logits > 0 as predicted', () => {
    const out = fromArray(Float32Array.from([1, -1, 1, -1]), [1, 1, 2, 2]);
    const y = fromArray(Float32Array.from([1, 1, 0, 0]), [1, 1, 2, 2]);
    expect(diceMetric.update(out, y).value).toBeCloseTo(0.5, 12);
  });
});

/** A 1x1 convolution with weight 1 and bias 0: the logits are the input, so the output is sigmoid(image). */
class Identity extends Module<[Tensor], Tensor> {
  conv = new Conv2d(1, 1, 1);

  constructor() {
    super();
    constant_(this.conv.weight, 1);
    constant_(this.conv.bias!, 0);
  }

  forward(x: Tensor): Tensor {
    return this.conv.call(x);
  }
}

describe('sliding-window inference', () => {
  test('tile starts cover the axis, the last flush with the end', () => {
    expect(tileStarts(10, 4, 2)).toEqual([0, 2, 4, 6]);
    expect(tileStarts(11, 4, 4)).toEqual([0, 4, 7]);
    expect(tileStarts(3, 4, 2)).toEqual([0]);
  });

  test('overlap averaging of a pixelwise model gives sigmoid(image) everywhere, also for images smaller than the window', () => {
    const model = new Identity();
    for (const [h, w] of [[13, 17], [5, 3]]) {
      const image = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i) * 3);
      const s: SegSample = { name: 't', channels: 1, height: h, width: w, image, mask: new Uint8Array(h * w), fov: null };
      const p = slidingWindow(model, s, { window: 8, stride: 3, batchSize: 4 });
      p.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-image[i])), 5));
    }
  });

  test('refuses models whose output is not one map of the window size', () => {
    const s: SegSample = { name: 't', channels: 1, height: 8, width: 8, image: new Float32Array(64), mask: new Uint8Array(64), fov: null };
    const two = new Conv2d(1, 2, 1);
    expect(() => slidingWindow(two as never, s, { window: 4 })).toThrow(/to \[9,2,4,4\], expected \[9,1,4,4\]/);
    expect(() => slidingWindow(new Identity(), s, { window: 4, stride: 5 })).toThrow(/stride 5 > window 4/);
  });
});
