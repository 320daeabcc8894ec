/**
 * sort / topk / norm / select against PyTorch (fixture from tools/gen_sort_norm_fixture.py, float64):
 * values, indices, and the input gradient of sum(output * weight); plus argument errors.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromArray, norm, select, sort, sum, mul, tensor, topk, gradcheck, randn, manualSeed, type Tensor } from '../../src/index.js';

interface Case { name: string; input: (number | null)[]; shape: number[]; values: number[]; valuesShape: number[]; indices: number[] | null; weight: number[]; grad: number[] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/sort-norm.json', import.meta.url), 'utf8')) as { cases: Case[] };

const CALLS: Record<string, (x: Tensor) => Tensor | [Tensor, Tensor]> = {
  sort_last: (x) => sort(x),
  sort_dim1_desc: (x) => sort(x, 1, true),
  sort_ties_stable: (x) => sort(x, { dim: 1, stable: true }),
  sort_ties_desc_stable: (x) => x.sort({ dim: 1, descending: true, stable: true }),
  topk_last: (x) => topk(x, 2),
  topk_dim0_smallest: (x) => x.topk(2, { dim: 0, largest: false }),
  norm_fro: (x) => norm(x),
  norm_2_dim1: (x) => norm(x, 2, 1),
  norm_1_dims_keep: (x) => norm(x, { p: 1, dim: [0, 2], keepDim: true }),
  norm_3_dim2: (x) => x.norm(3, 2),
  norm_inf_dim1: (x) => norm(x, Infinity, 1),
  norm_neginf_dim1: (x) => norm(x, -Infinity, 1),
  norm_2_zero_row: (x) => norm(x, 2, 1),
  norm_3_zero_row: (x) => norm(x, 3, 1),
  select_dim1: (x) => select(x, 1, 2),
  select_neg: (x) => x.select(2, -1),
};

function close(got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `[${i}] ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
}

describe('sort, topk, norm, select match PyTorch', () => {
  it('covers every fixture case', () => expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(CALLS).sort()));
  for (const c of cases) {
    it(c.name, () => {
      const x = fromArray(Float64Array.from(c.input, (v) => v ?? NaN), c.shape, { requiresGrad: true });
      const out = CALLS[c.name](x);
      const values = Array.isArray(out) ? out[0] : out;
      expect(values.shape).toEqual(c.valuesShape);
      close(values.dataSync(), c.values, 1e-12);
      if (c.indices) {
        const [v, idx] = out as [Tensor, Tensor];
        expect((out as unknown as { values: Tensor }).values).toBe(v);
        expect((out as unknown as { indices: Tensor }).indices).toBe(idx);
        expect(idx.dtype).toBe('int32');
        expect(Array.from(idx.dataSync())).toEqual(c.indices);
      }
      sum(mul(values, fromArray(Float64Array.from(c.weight), c.valuesShape))).backward();
      close(x.grad!.dataSync(), c.grad, 1e-12);
    });
  }
});

describe('sort, topk, norm: finite differences and edge cases', () => {
  it('gradcheck: sort values, topk values, 3-norm over a dim', () => {
    manualSeed(1);
    const x = randn([3, 6], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t) => sort(t, 1, true)[0], [x])).toBe(true);
    expect(gradcheck((t) => topk(t, 3, 0).values, [x])).toBe(true);
    expect(gradcheck((t) => norm(t, 3, 1), [x])).toBe(true);
  });

  it('NaN sorts as the largest value, like PyTorch', () => {
    const [v, i] = sort(tensor([2, NaN, -1, 5]));
    expect(Array.from(v.dataSync())).toEqual([-1, 2, 5, NaN]);
    expect(Array.from(i.dataSync())).toEqual([2, 0, 3, 1]);
    expect(Array.from(topk(tensor([2, NaN, -1, 5]), 1).indices.dataSync())).toEqual([1]);
  });

  it('the 2-norm of a zero vector has gradient 0, not NaN', () => {
    const x = tensor([0, 0, 0], undefined, { requiresGrad: true });
    norm(x).backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0]);
  });

  it('bad arguments are refused with the function named', () => {
    const x = tensor([[1, 2, 3]]);
    expect(() => topk(x, 4)).toThrow(/topk: k = 4 is larger than dim 1's size 3/);
    expect(() => topk(x, 1.5)).toThrow(/topk: k must be an integer/);
    expect(() => sort(x, 2)).toThrow(/sort: .*dim/);
    expect(() => sort(x, { dim: 1, descnding: true } as never)).toThrow(/sort: unknown option 'descnding'.*descending/);
    expect(() => sort(x, 1, 'yes' as never)).toThrow(/sort: descending must be true or false/);
    expect(() => norm(x, -1)).toThrow(/norm: p must be a non-negative number/);
    expect(() => norm(x, 'nuc' as never)).toThrow(/norm: p must be/);
    expect(() => select(x, 1, 3)).toThrow(/select: index 3 is out of range for dim 1 of size 3/);
    expect(() => select(x, 1, -4)).toThrow(/select: index must be >= -3/);
    expect(() => (x as unknown as { select(...a: unknown[]): unknown }).select(0, 0, 1)).toThrow(/select: takes 2 arguments/);
  });
});
