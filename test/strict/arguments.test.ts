/** The argument cases of issue 11, one by one: each used to be silently ignored or to die deep inside. */
import { describe, expect, it } from 'vitest';
import { F, nn, arange, eye, tensor, zeros, ones, manualSeed, models } from '../../src/index.js';

const x = tensor([[-2, -1, 0, 1, 2]]);
const msg = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  return 'no error';
};

describe('PyTorch positional arguments are used, never ignored', () => {
  it('leakyRelu(x, 0.2) and elu(x, 2)', () => {
    expect([...F.leakyRelu(x, 0.2).dataSync()]).toEqual([-0.4000000059604645, -0.20000000298023224, 0, 1, 2]);
    expect(F.leakyRelu(x, { negativeSlope: 0.2 }).dataSync()[0]).toBeCloseTo(-0.4);
    expect(F.elu(x, 2).dataSync()[0]).toBeCloseTo(2 * (Math.exp(-2) - 1));
  });

  it('dropout(x, 0.9) drops 90%', () => {
    manualSeed(1);
    const y = F.dropout(ones([10000]), 0.9).dataSync();
    const zerosFrac = y.filter((v) => v === 0).length / y.length;
    expect(zerosFrac).toBeGreaterThan(0.88);
    expect(zerosFrac).toBeLessThan(0.92);
    expect(F.dropout(ones([4]), 0.9, false).dataSync()).toEqual(new Float32Array([1, 1, 1, 1]));
  });

  it('conv2d(x, w, null, 2) strides; { strides: 2 } is refused with a did-you-mean', () => {
    const img = ones([1, 1, 6, 6]);
    const w = ones([1, 1, 2, 2]);
    expect(F.conv2d(img, w, null, 2).shape).toEqual([1, 1, 3, 3]);
    expect(F.conv2d(img, w, null, 1, 1).shape).toEqual([1, 1, 7, 7]);
    expect(msg(() => F.conv2d(img, w, null, { strides: 2 } as never))).toBe("conv2d: unknown option 'strides' (hint: did you mean 'stride'?)");
    expect(msg(() => F.conv2d(img, w, { stride: 2 } as never))).toMatch(/conv2d: the third argument is the bias/);
  });

  it("crossEntropy(a, b, 'sum') sums", () => {
    const logits = tensor([[1, 2, 3], [1, 0, 0]]);
    const target = tensor([2, 0], undefined, { dtype: 'int32' });
    const mean = F.crossEntropy(logits, target).item();
    expect(F.crossEntropy(logits, target, 'sum').item()).toBeCloseTo(2 * mean, 5);
    expect(msg(() => F.crossEntropy(logits, target, 'summ' as never))).toMatch(/reduction must be 'mean', 'sum' or 'none', got "summ"/);
    expect(msg(() => F.mseLoss(logits, logits, { reductio: 'sum' } as never))).toMatch(/unknown option 'reductio' \(hint: did you mean 'reduction'\?\)/);
  });

  it('Linear(3, 2, false) has no bias; Conv2d(1, 2, 3, 2) strides; Conv2d(1, 32, 3, 1, 1) pads', () => {
    expect(new nn.Linear(3, 2, false).bias).toBeNull();
    expect(new nn.Conv2d(1, 2, 3, 2).stride).toEqual([2, 2]);
    const c = new nn.Conv2d(1, 32, 3, 1, 1);
    expect(c.forward(zeros([1, 1, 8, 8])).shape).toEqual([1, 32, 8, 8]);
    expect(new nn.Conv2d(4, 4, 3, 1, 0, 1, 2, false).bias).toBeNull();
    expect(new nn.ConvTranspose2d(1, 1, 3, 2, 1, 1).forward(zeros([1, 1, 4, 4])).shape).toEqual([1, 1, 8, 8]);
    expect(msg(() => new (nn.Conv2d as unknown as new (...a: unknown[]) => unknown)(1, 2, 3, 1, 0, 1, 1, true, 'zeros', 5))).toMatch(/Conv2d: too many arguments/);
    expect(msg(() => new nn.Linear(3, 2, { bais: false } as never))).toMatch(/Linear: unknown option 'bais' \(hint: did you mean 'bias'\?\)/);
  });

  it('misspelled model options are refused by every builder (mnist-convnet*, lenet5 included)', () => {
    for (const name of ['mnist-convnet', 'mnist-convnet-stride2', 'mnist-convnet-conv3x3', 'lenet5']) {
      expect(msg(() => models.get(name, { nHiden: 100 } as never))).toMatch(/unknown option 'nHiden'/);
    }
    expect(msg(() => models.get('mnist-convnet', { nHiden: 100 } as never))).toMatch(/did you mean 'nHidden'/);
  });
});

describe('sizes and values are checked before allocation', () => {
  it('eye(-1), int32 overflow, tensor(null), int64, 2**53 elements, arange to Infinity, Linear(1e6, 1e6)', () => {
    expect(msg(() => eye(-1))).toBe('eye: n must be in [0, 9007199254740991], got -1');
    expect(msg(() => tensor([2 ** 31], undefined, { dtype: 'int32' }))).toMatch(/tensor: element 0 2147483648 does not fit dtype int32/);
    expect(msg(() => tensor(null as never))).toBe('tensor: data must be a number, nested arrays or a typed array, got null');
    expect(msg(() => zeros([2], { dtype: 'int64' as never }))).toMatch(/zeros: dtype must be one of float32, float64, int32, got "int64" \(hint: neocog stores integers as int32\)/);
    expect(msg(() => zeros([2 ** 53]))).toMatch(/zeros: shape \[9007199254740992\] has 9\.007e\+15 elements, over the limit/);
    expect(msg(() => arange(0, Infinity))).toBe('arange: end must be a finite number, got Infinity');
    expect(msg(() => new nn.Linear(1e6, 1e6))).toMatch(/Linear: weight shape \[1000000,1000000\] has 1\.000e\+12 elements, over the limit/);
    expect(msg(() => zeros(-1))).toBe('zeros: shape must be >= 0, got -1');
  });

  it('NaN and Infinity are printed as such, never as null', () => {
    expect(msg(() => F.leakyRelu(x, NaN))).toBe('leakyRelu: negativeSlope must be a finite number, got NaN');
    expect(msg(() => F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 2, 2]), null, NaN))).toMatch(/got NaN/);
    expect(msg(() => F.maxPool2d(ones([1, 1, 4, 4]), { kernelSize: Infinity }))).toMatch(/got Infinity/);
  });
});
