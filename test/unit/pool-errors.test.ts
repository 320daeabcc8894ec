/** Validation of the pooling, resize and pad ops: each error names the op, the argument and expected vs actual. */
import { describe, expect, it } from 'vitest';
import { F, NeocogError, tensor, zeros, type Tensor } from '../../src/index.js';

const x4 = zeros([1, 2, 5, 5]);
const x3 = zeros([1, 2, 8]);

/** Runs fn and returns its NeocogError message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NeocogError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('pool validation', () => {
  it('wrong rank', () => {
    expect(errorOf(() => F.maxPool2d(zeros([5, 5]), { kernelSize: 2 }))).toBe('maxPool2d: input must be 3D or 4D, got 2D [5,5] (hint: expected [N, C, H, W] or unbatched [C, H, W])');
    expect(errorOf(() => F.avgPool1d(x4, { kernelSize: 2 }))).toBe('avgPool1d: input must be 2D or 3D, got 4D [1,2,5,5] (hint: expected [N, C, L] or unbatched [C, L])');
    expect(errorOf(() => F.adaptiveAvgPool2d(zeros([2]), 1))).toMatch(/^adaptiveAvgPool2d: input must be 3D or 4D, got 1D \[2\]/);
    expect(errorOf(() => F.globalMaxPool2d(zeros([1, 1, 1, 2, 2])))).toMatch(/^globalMaxPool2d: input must be 3D or 4D, got 5D/);
  });
  it('empty dims', () => {
    expect(errorOf(() => F.maxPool2d(zeros([1, 2, 0, 4]), { kernelSize: 2 }))).toMatch(/^maxPool2d: input \[1,2,0,4\] has an empty channel or spatial dim/);
  });
  it('kernel larger than the padded input', () => {
    expect(errorOf(() => F.maxPool2d(zeros([1, 1, 2, 2]), { kernelSize: 3 })))
      .toBe('maxPool2d: kernelSize [3,3] is larger than the padded input: input [2,2] + padding [0,0] per side gives output size [0,0] (hint: use a smaller kernel or more padding, or a larger input)');
    expect(errorOf(() => F.maxPool1d(zeros([1, 1, 4]), { kernelSize: 2, dilation: 4 })))
      .toMatch(/^maxPool1d: kernelSize 2 with dilation 4 is larger than the padded input: input 4 \+ padding 0 per side gives output size 0/);
    expect(errorOf(() => F.avgPool2d(zeros([1, 1, 2, 6]), { kernelSize: [3, 2] }))).toMatch(/output size \[0,3\]/);
  });
  it('zero, negative and non-integer sizes', () => {
    expect(errorOf(() => F.maxPool2d(x4, { kernelSize: 0 }))).toBe('maxPool2d: kernelSize must be >= 1, got 0');
    expect(errorOf(() => F.maxPool2d(x4, { kernelSize: 2, stride: -1 }))).toBe('maxPool2d: stride must be >= 1, got -1');
    expect(errorOf(() => F.avgPool2d(x4, { kernelSize: 2.5 }))).toBe('avgPool2d: kernelSize must be an integer, got 2.5');
    expect(errorOf(() => F.avgPool2d(x4, { kernelSize: 2, padding: -1 }))).toBe('avgPool2d: padding must be >= 0, got -1');
    expect(errorOf(() => F.maxPool2d(x4, { kernelSize: [2, 2, 2] }))).toBe('maxPool2d: kernelSize must be an integer or an array of 2 integers, got [2,2,2]');
    expect(errorOf(() => F.maxPool2d(x4, { kernelSize: 2, dilation: 0 }))).toBe('maxPool2d: dilation must be >= 1, got 0');
    expect(errorOf(() => F.avgPool2d(x4, { kernelSize: 2, divisorOverride: 0 }))).toMatch(/^avgPool2d: divisorOverride must not be zero/);
  });
  it('padding more than half the kernel', () => {
    expect(errorOf(() => F.maxPool2d(x4, { kernelSize: 3, padding: 2 })))
      .toBe('maxPool2d: padding [2,2] must be at most half of kernelSize [3,3] (hint: PyTorch requires padding <= kernelSize / 2; pad the input with F.pad for more)');
    expect(errorOf(() => F.avgPool1d(x3, { kernelSize: 2, padding: 2 }))).toMatch(/^avgPool1d: padding 2 must be at most half of kernelSize 2/);
  });
  it('missing or unknown options', () => {
    expect(errorOf(() => F.maxPool2d(x4, {} as F.MaxPoolOptions))).toBe('maxPool2d: options.kernelSize is required (hint: e.g. maxPool2d(x, { kernelSize: 2 }))');
    expect(errorOf(() => F.maxPool2d(x4, { kernel_size: 2 } as unknown as F.MaxPoolOptions))).toMatch(/^maxPool2d: unknown option 'kernel_size' \(hint: options are kernelSize, stride/);
    expect(errorOf(() => F.avgPool2d(x4, { kernelSize: 2, dilation: 2 } as unknown as F.AvgPoolOptions))).toMatch(/^avgPool2d: unknown option 'dilation'/);
  });
  it('float input required where averaging', () => {
    expect(errorOf(() => F.avgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), { kernelSize: 2 }))).toMatch(/^avgPool2d: input must be a floating-point tensor, got dtype int32/);
  });
  it('lpPool arguments', () => {
    expect(errorOf(() => F.lpPool2d(x4, 0, 2))).toBe('lpPool2d: normType must be > 0, got 0');
    expect(errorOf(() => F.lpPool1d(x3, 2, 0))).toBe('lpPool1d: kernelSize must be >= 1, got 0');
  });
  it('adaptive output sizes', () => {
    expect(errorOf(() => F.adaptiveAvgPool2d(x4, 0))).toMatch(/^adaptiveAvgPool2d: outputSize must be >= 1, got 0/);
    expect(errorOf(() => F.adaptiveMaxPool2d(x4, [2, 0]))).toMatch(/^adaptiveMaxPool2d: outputSize must be >= 1, got \[2,0\]/);
    expect(errorOf(() => F.adaptiveAvgPool2d(x4, [1, 2, 3]))).toBe('adaptiveAvgPool2d: outputSize must be a number or 2 entries, got [1,2,3]');
    expect(errorOf(() => F.adaptiveAvgPool1d(x3, 1.5))).toBe('adaptiveAvgPool1d: outputSize must be an integer, got 1.5');
  });
});

describe('maxUnpool validation', () => {
  const [v, idx] = F.maxPool2d(tensor(Array.from({ length: 50 }, (_, i) => i), [1, 2, 5, 5]), { kernelSize: 2, returnIndices: true });
  it('indices dtype and shape', () => {
    expect(errorOf(() => F.maxUnpool2d(v, v, { kernelSize: 2 })))
      .toBe('maxUnpool2d: indices must have dtype int32, got float32 (hint: use the indices from maxPool2d(x, { returnIndices: true }))');
    expect(errorOf(() => F.maxUnpool2d(v, zeros([1, 2, 2, 3], { dtype: 'int32' }), { kernelSize: 2 })))
      .toBe('maxUnpool2d: indices [1,2,2,3] must have the same shape as input [1,2,2,2] (hint: pass the values and indices returned together by maxPool with returnIndices)');
    expect(errorOf(() => F.maxUnpool2d(v, 3 as unknown as Tensor, { kernelSize: 2 }))).toBe('maxUnpool2d: indices must be a Tensor, got 3');
  });
  it('outputSize', () => {
    expect(errorOf(() => F.maxUnpool2d(v, idx, { kernelSize: 2, outputSize: [7, 5] })))
      .toBe('maxUnpool2d: outputSize [7,5] is invalid: dim 0 must be between 2 and 6 (exclusive) (hint: the default for this input and kernelSize [2,2], stride [2,2], padding [0,0] is [4,4])');
    expect(errorOf(() => F.maxUnpool2d(v, idx, { kernelSize: 2, outputSize: [1, 5, 5] }))).toBe('maxUnpool2d: outputSize must have 2 or 4 entries, got [1,5,5]');
    expect(errorOf(() => F.maxUnpool1d(zeros([1, 1, 1]), zeros([1, 1, 1], { dtype: 'int32' }), { kernelSize: 1, padding: 1 })))
      .toMatch(/^maxUnpool1d: output size -1 must be >= 1/);
  });
  it('indices outside the output plane', () => {
    expect(errorOf(() => F.maxUnpool2d(v, idx, { kernelSize: 2, stride: 1 }))).toMatch(/^maxUnpool2d: invalid indices for an output of size \[3,3\]: ScatterPlane: index \d+ is outside the 3x3 plane/);
  });
});

describe('interpolate validation', () => {
  it('size and scaleFactor', () => {
    expect(errorOf(() => F.interpolate(x4, {}))).toBe('interpolate: exactly one of size and scaleFactor must be given, got neither (hint: e.g. { scaleFactor: 2 } or { size: [64, 64] })');
    expect(errorOf(() => F.interpolate(x4, { size: 3, scaleFactor: 2 }))).toMatch(/^interpolate: exactly one of size and scaleFactor must be given, got both/);
    expect(errorOf(() => F.interpolate(x4, { size: [2, 3, 4] }))).toBe('interpolate: size must be a number or 2 numbers for a 4D input, got [2,3,4]');
    expect(errorOf(() => F.interpolate(x4, { scaleFactor: -2 }))).toBe('interpolate: scaleFactor must be > 0, got -2');
    expect(errorOf(() => F.interpolate(x4, { size: 2.5 }))).toBe('interpolate: size must be an integer, got 2.5');
  });
  it('output size 0', () => {
    expect(errorOf(() => F.interpolate(x4, { scaleFactor: 0.1 })))
      .toBe('interpolate: output size [0,0] must be >= 1 in every dim (input [1,2,5,5]) (hint: use a larger size or scaleFactor)');
    expect(errorOf(() => F.interpolate(x4, { size: [0, 3] }))).toMatch(/^interpolate: output size \[0,3\] must be >= 1/);
  });
  it('mode, rank and alignCorners', () => {
    expect(errorOf(() => F.interpolate(x4, { size: 3, mode: 'bicubic' as F.InterpolateMode }))).toBe("interpolate: unknown mode 'bicubic' (hint: use one of nearest, bilinear, linear)");
    expect(errorOf(() => F.interpolate(x3, { size: 3, mode: 'bilinear' }))).toBe("interpolate: input must be 4D, got 3D [1,2,8] (hint: bilinear needs [N, C, H, W]; use 'linear' for [N, C, L])");
    expect(errorOf(() => F.interpolate(zeros([2, 2]), { size: 3 }))).toMatch(/^interpolate: input must be 3D or 4D, got 2D/);
    expect(errorOf(() => F.interpolate(x4, { size: 3, alignCorners: true }))).toBe("interpolate: alignCorners can only be set with mode 'bilinear' or 'linear' (hint: leave alignCorners out for 'nearest')");
    expect(errorOf(() => F.upsample(x4, { size: 3, scale: 2 } as F.InterpolateOptions))).toMatch(/^upsample: unknown option 'scale'/);
  });
});

describe('pad validation', () => {
  it('pad list', () => {
    expect(errorOf(() => F.pad(x4, [1, 2, 3]))).toBe('pad: pad must have an even length (pairs per dim), got 3 entries [1,2,3]');
    expect(errorOf(() => F.pad(x3, [1, 1, 1, 1, 1, 1, 1, 1]))).toBe('pad: pad [1,1,1,1,1,1,1,1] pads 4 dims but input [1,2,8] has only 3');
    expect(errorOf(() => F.pad(x3, [1.5, 1]))).toBe('pad: pad must be an integer, got 1.5');
    expect(errorOf(() => F.pad(x3, [-5, -4]))).toBe('pad: padding [-5, -4] leaves dim 2 of size 8 with output size -1 (input [1,2,8]) (hint: the output must keep at least 1 element per dim)');
  });
  it('modes', () => {
    expect(errorOf(() => F.pad(x3, [1, 1], { mode: 'circular' as 'constant' }))).toBe("pad: unknown mode 'circular' (hint: use one of constant, reflect, replicate)");
    expect(errorOf(() => F.pad(x3, [8, 1], { mode: 'reflect' })))
      .toBe("pad: reflect padding [8, 1] must be less than dim 2 of size 8 (input [1,2,8]) (hint: use mode 'replicate' or pad in several steps)");
    expect(errorOf(() => F.pad(x3, [1, 1], { mode: 'replicate', value: 2 }))).toMatch(/^pad: mode 'replicate' does not take a value, got 2/);
    expect(errorOf(() => F.pad(x3, [-1, 1], { mode: 'replicate' }))).toMatch(/^pad: mode 'replicate' needs non-negative padding, got \[-1, 1\] for dim 2/);
    expect(errorOf(() => F.pad(zeros([4]), [1, 1], { mode: 'reflect' }))).toMatch(/^pad: mode 'reflect' pads the last 1, 2 or 3 dims of a \[C, \.\.\.\] or \[N, C, \.\.\.\] input; got pad \[1,1\] for input \[4\]/);
    expect(errorOf(() => F.pad(x4, [1, 1], { mode: 'replicate' }))).toMatch(/^pad: mode 'replicate' pads the last 1, 2 or 3 dims/);
  });
});
