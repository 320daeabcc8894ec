/** Argument validation of conv1d/conv2d/convTranspose1d/convTranspose2d: every message names the op and the argument. */
import { describe, expect, it } from 'vitest';
import { F, NeocogError, randn, zeros, type Tensor } from '../../src/index.js';

const x = randn([8, 3, 28, 28]);
const w = randn([10, 3, 5, 5]);
const bad = (fn: () => unknown) => expect(fn);
const conv2dOpts = (opts: object) => () => F.conv2d(x, w, null, opts as never);

describe('conv2d / conv1d errors', () => {
  it('channel mismatch names both shapes', () => {
    bad(() => F.conv2d(x, randn([10, 1, 5, 5]))).toThrow('conv2d: input has 3 channels but weight expects 1 (input [8,3,28,28], weight [10,1,5,5])');
    bad(() => F.conv2d(x, randn([10, 1, 5, 5]))).toThrow(NeocogError);
    // With groups the weight's channel count times groups is what's expected.
    bad(() => F.conv2d(randn([2, 6, 8, 8]), randn([4, 2, 3, 3]), null, { groups: 2 })).toThrow('conv2d: input has 6 channels but weight expects 4 (input [2,6,8,8], weight [4,2,3,3]) (hint: weight is [outChannels, inChannels/groups, kh, kw] with groups=2)');
    bad(() => F.conv1d(randn([2, 3, 10]), randn([4, 2, 3]))).toThrow('conv1d: input has 3 channels but weight expects 2 (input [2,3,10], weight [4,2,3])');
  });

  it('groups must divide input and output channels', () => {
    bad(() => F.conv2d(randn([8, 4, 8, 8]), randn([10, 2, 5, 5]), null, { groups: 3 })).toThrow('conv2d: input has 4 channels, which groups=3 does not divide (input [8,4,8,8], weight [10,2,5,5])');
    bad(() => F.conv2d(randn([8, 4, 8, 8]), randn([5, 2, 3, 3]), null, { groups: 2 })).toThrow('conv2d: weight has 5 output channels, which groups=2 does not divide (input [8,4,8,8], weight [5,2,3,3])');
    bad(conv2dOpts({ groups: 0 })).toThrow('conv2d: groups must be >= 1, got 0');
    bad(conv2dOpts({ groups: 1.5 })).toThrow('conv2d: groups must be an integer, got 1.5');
  });

  it('wrong ranks of input, weight and bias', () => {
    bad(() => F.conv2d(randn([28, 28]), w)).toThrow('conv2d: input must be 3D or 4D, got 2D [28,28] (hint: expected [N, C, H, W] or unbatched [C, H, W])');
    bad(() => F.conv2d(x, randn([10, 3, 5]))).toThrow('conv2d: weight must be 4D, got 3D [10,3,5] (hint: weight is [outChannels, inChannels/groups, kh, kw])');
    bad(() => F.conv1d(randn([2, 3, 10]), randn([4, 3, 3, 3]))).toThrow('conv1d: weight must be 3D, got 4D [4,3,3,3]');
    bad(() => F.conv1d(randn([2, 3, 10, 1, 1]), randn([4, 3, 3]))).toThrow('conv1d: input must be 2D or 3D, got 5D [2,3,10,1,1] (hint: expected [N, C, L] or unbatched [C, L])');
    bad(() => F.conv2d(x, w, randn([10, 1]))).toThrow('conv2d: bias must be 1D, got 2D [10,1]');
    bad(() => F.conv2d(null as unknown as Tensor, w)).toThrow('conv2d: input must be a Tensor, got null');
  });

  it('bias size', () => {
    bad(() => F.conv2d(x, w, randn([5]))).toThrow('conv2d: bias must be [10] (one per output channel), got [5] (weight [10,3,5,5])');
  });

  it('kernel larger than the padded input names both sizes and suggests padding', () => {
    bad(() => F.conv2d(randn([1, 1, 3, 3]), randn([1, 1, 5, 5]))).toThrow("conv2d: kernel height 5 is larger than the padded input height 3 (input 3 + padding 0+0; input [1,1,3,3], weight [1,1,5,5]) (hint: pad the input (e.g. padding: 'same') or use a smaller kernel)");
    bad(() => F.conv2d(randn([1, 1, 5, 3]), randn([1, 1, 3, 3]), null, { dilation: 2 })).toThrow('conv2d: dilated kernel width 5 (size 3, dilation 2) is larger than the padded input width 3 (input 3 + padding 0+0;');
    bad(() => F.conv1d(randn([1, 1, 3]), randn([1, 1, 5]), null, { padding: [0, 1] })).toThrow('conv1d: kernel length 5 is larger than the padded input length 4 (input 3 + padding 0+1;');
    // Padding that makes it fit is fine.
    expect(F.conv2d(randn([1, 1, 3, 3]), randn([1, 1, 5, 5]), null, { padding: 1 }).shape).toEqual([1, 1, 1, 1]);
  });

  it('zero or negative stride, dilation and kernel sizes', () => {
    bad(conv2dOpts({ stride: 0 })).toThrow('conv2d: stride must be >= 1, got 0');
    bad(conv2dOpts({ stride: [2, -1] })).toThrow('conv2d: stride must be >= 1, got -1');
    bad(conv2dOpts({ dilation: 0 })).toThrow('conv2d: dilation must be >= 1, got 0');
    bad(() => F.conv2d(x, randn([10, 3, 0, 5]))).toThrow('conv2d: kernel sizes must be positive, got weight [10,3,0,5]');
    bad(() => F.conv1d(randn([1, 2, 5]), randn([3, 2, 3]), null, { stride: -2 })).toThrow('conv1d: stride must be >= 1, got -2');
  });

  it('non-integer and malformed options', () => {
    bad(conv2dOpts({ stride: 1.5 })).toThrow('conv2d: stride must be an integer, got 1.5');
    bad(conv2dOpts({ dilation: '2' })).toThrow('conv2d: dilation must be an integer, got "2"');
    bad(conv2dOpts({ padding: 0.5 })).toThrow('conv2d: padding must be an integer, got 0.5');
    bad(conv2dOpts({ padding: -1 })).toThrow('conv2d: padding must be >= 0, got -1');
    bad(conv2dOpts({ stride: [1, 2, 3] })).toThrow('conv2d: stride must be an integer or an array of 2 integers, got [1,2,3]');
    bad(conv2dOpts({ padding: [1, 2, 3] })).toThrow("conv2d: padding must be a number, an array of 1, 2 ([padH, padW]) or 4 ([top, bottom, left, right]) integers, 'valid', 'same', got [1,2,3]");
  });

  it("'same' with stride > 1 and unknown padding strings", () => {
    bad(conv2dOpts({ padding: 'same', stride: 2 })).toThrow("conv2d: padding='same' is not supported for strided convolutions (stride [2,2]) (hint: use stride 1, or give explicit padding)");
    bad(() => F.conv1d(randn([2, 3, 10]), randn([4, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow("conv1d: padding='same' is not supported for strided convolutions (stride [2])");
    bad(conv2dOpts({ padding: 'full' })).toThrow(/^conv2d: unknown padding "full"; padding must be a number, .*'valid', 'same'$/);
    // 'causal' is a 1D padding only.
    bad(conv2dOpts({ padding: 'causal' })).toThrow('conv2d: unknown padding "causal"');
    bad(() => F.conv1d(randn([2, 3, 10]), randn([4, 3, 3]), null, { padding: 'full' as never })).toThrow("conv1d: unknown padding \"full\"; padding must be a number, an array of 1 or 2 ([left, right]) integers, 'valid', 'same' or 'causal'");
  });

  it('non-float input and dtype mismatches', () => {
    bad(() => F.conv2d(zeros([1, 3, 5, 5], { dtype: 'int32' }), randn([10, 3, 3, 3]))).toThrow('conv2d: input must be a floating-point tensor, got dtype int32 (hint: convert with .float())');
    bad(() => F.conv2d(randn([1, 3, 5, 5], { dtype: 'float64' }), randn([10, 3, 3, 3]))).toThrow('conv2d: weight has dtype float32 but input has float64');
    bad(() => F.conv2d(randn([1, 3, 5, 5]), randn([10, 3, 3, 3]), randn([10], { dtype: 'float64' }))).toThrow('conv2d: bias has dtype float64 but input has float32');
  });
});

describe('convTranspose1d / convTranspose2d errors', () => {
  it('channels: input must match the weight\'s first dim', () => {
    bad(() => F.convTranspose2d(randn([1, 3, 5, 5]), randn([4, 2, 3, 3]))).toThrow('convTranspose2d: input has 3 channels but weight expects 4 (input [1,3,5,5], weight [4,2,3,3]) (hint: weight is [inChannels, outChannels/groups, kh, kw])');
    bad(() => F.convTranspose2d(randn([1, 3, 5, 5]), randn([3, 2, 3, 3]), null, { groups: 2 })).toThrow('convTranspose2d: input has 3 channels, which groups=2 does not divide');
    bad(() => F.convTranspose1d(randn([1, 4, 5]), randn([4, 3, 3]), randn([3]), { groups: 2 })).toThrow('convTranspose1d: bias must be [6] (one per output channel), got [3] (weight [4,3,3], groups=2)');
  });

  it('outputPadding must be smaller than stride or dilation', () => {
    bad(() => F.convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow('convTranspose2d: outputPadding [2,2] must be smaller than either stride [2,2] or dilation [1,1]');
    bad(() => F.convTranspose1d(randn([1, 4, 5]), randn([4, 2, 3]), null, { outputPadding: 1 })).toThrow('convTranspose1d: outputPadding [1] must be smaller than either stride [1] or dilation [1]');
    // Allowed when dilation is larger (PyTorch's rule).
    expect(F.convTranspose1d(randn([1, 4, 5]), randn([4, 2, 3]), null, { outputPadding: 1, dilation: 2 }).shape).toEqual([1, 2, 10]);
  });

  it('non-positive output size, padding forms, ranks and options', () => {
    bad(() => F.convTranspose2d(randn([1, 4, 1, 1]), randn([4, 2, 1, 1]), null, { padding: 1 })).toThrow('convTranspose2d: output height would be -1 (input 1, kernel 1, stride 1, padding 1, dilation 1, outputPadding 0; input [1,4,1,1], weight [4,2,1,1]) (hint: reduce padding or use a larger input)');
    bad(() => F.convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { padding: 'same' as never })).toThrow('convTranspose2d: padding must be a number or an array of 2 integers, got "same" (hint: transposed convolutions take explicit padding only, as in PyTorch)');
    bad(() => F.convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { padding: -1 })).toThrow('convTranspose2d: padding must be >= 0, got -1');
    bad(() => F.convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 0 })).toThrow('convTranspose2d: stride must be >= 1, got 0');
    bad(() => F.convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), null, { outputPadding: 0.5 })).toThrow('convTranspose2d: outputPadding must be an integer, got 0.5');
    bad(() => F.convTranspose1d(randn([4, 5, 5, 1]), randn([4, 2, 3]))).toThrow('convTranspose1d: input must be 2D or 3D, got 4D [4,5,5,1]');
    bad(() => F.convTranspose2d(zeros([1, 4, 5, 5], { dtype: 'int32' }), randn([4, 2, 3, 3]))).toThrow('convTranspose2d: input must be a floating-point tensor, got dtype int32');
  });
});
