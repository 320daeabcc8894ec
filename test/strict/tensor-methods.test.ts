/** PyTorch Tensor methods added for issue 11, checked against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { noGrad, tensor, zeros } from '../../src/index.js';

describe('PyTorch-style tensor methods', () => {
  it('numel, dim, tolist, T', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.numel()).toBe(6);
    expect(x.dim()).toBe(2);
    expect(x.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(zeros([2, 3, 4]).T.shape).toEqual([4, 3, 2]);
  });
  it('isnan and isfinite', () => {
    const x = tensor([1, NaN, Infinity, -Infinity, 0]);
    expect([...x.isnan().dataSync()]).toEqual([0, 1, 0, 0, 0]);
    expect([...x.isfinite().dataSync()]).toEqual([1, 0, 0, 0, 1]);
  });
  it('in-place updates change the values and bump the version', () => {
    const x = tensor([1, 2, 3]);
    expect(x.version).toBe(0);
    x.add_(tensor([1, 1, 1]), { alpha: 2 });
    expect(x.tolist()).toEqual([3, 4, 5]);
    x.mul_(2).clamp_({ max: 9 });
    expect(x.tolist()).toEqual([6, 8, 9]);
    expect(x.version).toBe(3);
    x.copy_(tensor([7]));
    expect(x.tolist()).toEqual([7, 7, 7]);
    x.fill_(4);
    expect(x.tolist()).toEqual([4, 4, 4]);
    x.zero_();
    expect(x.tolist()).toEqual([0, 0, 0]);
    expect(x.version).toBe(6);
    expect(tensor([1]).version).toBe(0);
  });
  it('refuses what would be silently wrong', () => {
    const w = tensor([1, 2]).requiresGrad_();
    expect(() => w.add_(1)).toThrow(/add_: cannot modify a tensor that requires grad in place/);
    noGrad(() => w.add_(1));
    expect(w.tolist()).toEqual([2, 3]);
    expect(() => tensor([1, 2]).add_(tensor([[1], [2]]))).toThrow(/add_: the result \[2,2\] does not fit this tensor \[2\]/);
    expect(() => tensor([1]).add_(1, { alhpa: 2 } as never)).toThrow(/unknown option 'alhpa' \(hint: did you mean 'alpha'\?\)/);
    expect(() => tensor([1]).fill_('1' as never)).toThrow(/fill_: value must be a number, got "1"/);
  });
});
