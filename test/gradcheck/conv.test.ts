/**
 * Finite-difference gradient checks (float64, reference backend) for conv1d/conv2d and their
 * transposes, over every padding form and geometry option, with and without bias.
 */
import { describe, expect, it } from 'vitest';
import { F, fromArray, type Tensor } from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

type ConvFn = (x: Tensor, w: Tensor, b?: Tensor | null, opts?: object) => Tensor;

interface Case {
  name: string;
  x: number[];
  w: number[];
  /** Bias size, or 0 for none. */
  bias: number;
  opts: object;
  /** Expected output shape. */
  out: number[];
}

function check(fn: ConvFn, c: Case, seed: number): void {
  const x = randomInput(c.x, seed);
  const w = randomInput(c.w, seed + 1, { scale: 0.5 });
  const inputs = c.bias ? [x, w, randomInput([c.bias], seed + 2)] : [x, w];
  const y = fn(x, w, inputs[2] ?? null, c.opts);
  expect(y.shape).toEqual(c.out);
  expect(gradcheck((a, b, bias) => fn(a, b, bias ?? null, c.opts), inputs)).toBe(true);
}

function suite(title: string, fn: ConvFn, cases: Case[]): void {
  describe(title, () => {
    cases.forEach((c, i) => it(c.name, () => check(fn, c, 100 * i + 7)));
  });
}

suite('conv1d gradcheck', F.conv1d as ConvFn, [
  { name: 'plain, odd length, bias', x: [2, 3, 7], w: [4, 3, 3], bias: 4, opts: {}, out: [2, 4, 5] },
  { name: 'no bias, padding 1', x: [2, 2, 6], w: [3, 2, 3], bias: 0, opts: { padding: 1 }, out: [2, 3, 6] },
  { name: 'stride 2, padding [1]', x: [2, 2, 9], w: [3, 2, 3], bias: 3, opts: { stride: 2, padding: [1] }, out: [2, 3, 5] },
  { name: 'stride 3, even kernel', x: [1, 2, 11], w: [2, 2, 4], bias: 2, opts: { stride: 3, padding: 1 }, out: [1, 2, 4] },
  { name: 'dilation 2', x: [2, 2, 9], w: [3, 2, 3], bias: 3, opts: { dilation: 2 }, out: [2, 3, 5] },
  { name: 'groups 2', x: [2, 4, 7], w: [6, 2, 3], bias: 6, opts: { groups: 2, padding: 1 }, out: [2, 6, 7] },
  { name: 'depthwise (groups = C)', x: [2, 3, 7], w: [6, 1, 3], bias: 6, opts: { groups: 3, padding: 1 }, out: [2, 6, 7] },
  { name: '1x1 kernel', x: [2, 5, 4], w: [3, 5, 1], bias: 3, opts: {}, out: [2, 3, 4] },
  { name: "'same', even kernel", x: [2, 2, 7], w: [3, 2, 4], bias: 3, opts: { padding: 'same' }, out: [2, 3, 7] },
  { name: "'same', dilation 2", x: [1, 2, 8], w: [2, 2, 3], bias: 2, opts: { padding: 'same', dilation: 2 }, out: [1, 2, 8] },
  { name: "'valid'", x: [2, 2, 8], w: [3, 2, 4], bias: 0, opts: { padding: 'valid' }, out: [2, 3, 5] },
  { name: "'causal', dilation 2", x: [2, 2, 7], w: [3, 2, 3], bias: 3, opts: { padding: 'causal', dilation: 2 }, out: [2, 3, 7] },
  { name: "'causal', k 2, stride 2", x: [1, 2, 7], w: [2, 2, 2], bias: 0, opts: { padding: 'causal', stride: 2 }, out: [1, 2, 4] },
  { name: 'asymmetric [left, right]', x: [2, 2, 6], w: [3, 2, 3], bias: 3, opts: { padding: [2, 1] }, out: [2, 3, 7] },
  { name: 'stride 2, groups 2, dilation 2', x: [1, 4, 13], w: [4, 2, 3], bias: 4, opts: { stride: 2, groups: 2, dilation: 2, padding: 2 }, out: [1, 4, 7] },
  { name: 'unbatched [C, L]', x: [3, 7], w: [2, 3, 3], bias: 2, opts: { padding: 1 }, out: [2, 7] },
]);

suite('conv2d gradcheck', F.conv2d as ConvFn, [
  { name: 'plain, bias', x: [2, 2, 5, 5], w: [3, 2, 3, 3], bias: 3, opts: {}, out: [2, 3, 3, 3] },
  { name: 'odd 5x7, stride 2, padding 1', x: [2, 2, 5, 7], w: [3, 2, 3, 3], bias: 3, opts: { stride: 2, padding: 1 }, out: [2, 3, 3, 4] },
  { name: 'stride 3, no bias', x: [1, 2, 7, 8], w: [2, 2, 3, 3], bias: 0, opts: { stride: 3 }, out: [1, 2, 2, 2] },
  { name: 'dilation 2, padding 2', x: [1, 2, 6, 5], w: [2, 2, 3, 3], bias: 2, opts: { dilation: 2, padding: 2 }, out: [1, 2, 6, 5] },
  { name: 'groups 2', x: [2, 4, 4, 4], w: [4, 2, 3, 3], bias: 4, opts: { groups: 2, padding: 1 }, out: [2, 4, 4, 4] },
  { name: 'depthwise (groups = C)', x: [1, 3, 5, 4], w: [3, 1, 3, 3], bias: 3, opts: { groups: 3, padding: 1 }, out: [1, 3, 5, 4] },
  { name: '1x1 kernel', x: [2, 3, 3, 4], w: [2, 3, 1, 1], bias: 2, opts: {}, out: [2, 2, 3, 4] },
  { name: "'same', even kernel 2x4", x: [1, 2, 5, 6], w: [2, 2, 2, 4], bias: 2, opts: { padding: 'same' }, out: [1, 2, 5, 6] },
  { name: "'same', dilation 2", x: [1, 2, 5, 5], w: [2, 2, 3, 3], bias: 0, opts: { padding: 'same', dilation: 2 }, out: [1, 2, 5, 5] },
  { name: "'valid'", x: [1, 2, 5, 6], w: [2, 2, 3, 2], bias: 2, opts: { padding: 'valid' }, out: [1, 2, 3, 5] },
  { name: 'asymmetric [top, bottom, left, right]', x: [2, 2, 4, 4], w: [2, 2, 3, 3], bias: 2, opts: { padding: [1, 0, 2, 1] }, out: [2, 2, 3, 5] },
  { name: 'per-dim tuples', x: [1, 2, 7, 6], w: [3, 2, 3, 2], bias: 3, opts: { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }, out: [1, 3, 4, 4] },
  { name: 'batch 1, stride 2, groups 2, dilation 2', x: [1, 4, 9, 9], w: [2, 2, 3, 3], bias: 0, opts: { stride: 2, groups: 2, dilation: 2, padding: 2 }, out: [1, 2, 5, 5] },
  { name: 'unbatched [C, H, W]', x: [2, 4, 4], w: [3, 2, 3, 3], bias: 3, opts: { padding: 1 }, out: [3, 4, 4] },
]);

suite('convTranspose1d gradcheck', F.convTranspose1d as ConvFn, [
  { name: 'plain, bias', x: [2, 3, 5], w: [3, 2, 3], bias: 2, opts: {}, out: [2, 2, 7] },
  { name: 'stride 2, no bias', x: [2, 2, 4], w: [2, 3, 3], bias: 0, opts: { stride: 2 }, out: [2, 3, 9] },
  { name: 'stride 3, padding 1, outputPadding 2', x: [1, 2, 4], w: [2, 2, 3], bias: 2, opts: { stride: 3, padding: 1, outputPadding: 2 }, out: [1, 2, 12] },
  { name: 'dilation 2', x: [2, 2, 4], w: [2, 2, 3], bias: 2, opts: { dilation: 2 }, out: [2, 2, 8] },
  { name: 'groups 2', x: [2, 4, 4], w: [4, 3, 3], bias: 6, opts: { groups: 2, padding: 1 }, out: [2, 6, 4] },
  { name: 'depthwise (groups = Cin)', x: [1, 3, 5], w: [3, 2, 3], bias: 6, opts: { groups: 3, stride: 2 }, out: [1, 6, 11] },
  { name: 'outputPadding >= stride (allowed by dilation 3)', x: [2, 2, 4], w: [2, 2, 2], bias: 2, opts: { dilation: 3, outputPadding: 2 }, out: [2, 2, 9] },
  { name: '1x1 kernel', x: [2, 3, 4], w: [3, 2, 1], bias: 2, opts: {}, out: [2, 2, 4] },
  { name: 'unbatched [C, L]', x: [2, 4], w: [2, 3, 3], bias: 3, opts: { stride: 2, padding: 1, outputPadding: 1 }, out: [3, 8] },
]);

suite('convTranspose2d gradcheck', F.convTranspose2d as ConvFn, [
  { name: 'plain, bias', x: [2, 2, 3, 3], w: [2, 3, 3, 3], bias: 3, opts: {}, out: [2, 3, 5, 5] },
  { name: 'odd 3x5, stride 2, padding 1, outputPadding 1', x: [1, 2, 3, 5], w: [2, 2, 3, 3], bias: 0, opts: { stride: 2, padding: 1, outputPadding: 1 }, out: [1, 2, 6, 10] },
  { name: 'stride 3, dilation 2, groups 2', x: [1, 4, 3, 3], w: [4, 1, 3, 3], bias: 2, opts: { stride: 3, dilation: 2, groups: 2, padding: 2, outputPadding: 1 }, out: [1, 2, 8, 8] },
  { name: 'depthwise (groups = Cin)', x: [1, 3, 3, 3], w: [3, 1, 2, 2], bias: 3, opts: { groups: 3, stride: 2 }, out: [1, 3, 6, 6] },
  { name: 'per-dim tuples', x: [2, 2, 3, 4], w: [2, 3, 3, 2], bias: 3, opts: { stride: [2, 1], padding: [1, 0], outputPadding: [1, 0] }, out: [2, 3, 6, 5] },
  { name: 'outputPadding >= stride (allowed by dilation)', x: [1, 2, 3, 3], w: [2, 2, 2, 2], bias: 2, opts: { dilation: [3, 2], outputPadding: [2, 1], padding: [0, 1] }, out: [1, 2, 8, 4] },
  { name: '1x1 kernel, batch 1', x: [1, 3, 3, 2], w: [3, 2, 1, 1], bias: 0, opts: {}, out: [1, 2, 3, 2] },
]);

/** Transposed conv by its definition: y[n, co, i*s + t*d - p] += x[n, ci, i] * w[ci, co', t]. */
function naiveConvTranspose1d(x: Tensor, w: Tensor, b: Tensor | null, s: number, p: number, d: number, op: number, groups: number): number[] {
  const [N, Cin, L] = x.shape;
  const [, Cog, k] = w.shape;
  const Cout = Cog * groups, Cig = Cin / groups;
  const Lout = (L - 1) * s - 2 * p + d * (k - 1) + op + 1;
  const xv = x.dataSync(), wv = w.dataSync(), bv = b?.dataSync();
  const y = new Array<number>(N * Cout * Lout).fill(0);
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Cin; ci++)
      for (let c = 0; c < Cog; c++) {
        const co = Math.floor(ci / Cig) * Cog + c;
        for (let i = 0; i < L; i++)
          for (let t = 0; t < k; t++) {
            const o = i * s + t * d - p;
            if (o >= 0 && o < Lout) y[(n * Cout + co) * Lout + o] += xv[(n * Cin + ci) * L + i] * wv[(ci * Cog + c) * k + t];
          }
      }
  if (bv) y.forEach((_, i) => { y[i] += bv[Math.floor(i / Lout) % Cout]; });
  return y;
}

describe('convTranspose1d matches its definition', () => {
  const configs = [
    { s: 1, p: 0, d: 3, op: 2, groups: 1 }, // outputPadding >= stride: zero-filled tail
    { s: 2, p: 3, d: 3, op: 2, groups: 2 },
    { s: 3, p: 1, d: 1, op: 2, groups: 1 },
    { s: 1, p: 1, d: 4, op: 3, groups: 2 },
  ];
  configs.forEach((c, i) => {
    it(JSON.stringify(c), () => {
      const x = randomInput([2, 4, 5], 300 + i, { requiresGrad: false });
      const w = randomInput([4, 3, 3], 400 + i, { requiresGrad: false });
      const b = randomInput([3 * c.groups], 500 + i, { requiresGrad: false });
      const y = F.convTranspose1d(x, w, b, { stride: c.s, padding: c.p, dilation: c.d, outputPadding: c.op, groups: c.groups });
      const want = naiveConvTranspose1d(x, w, b, c.s, c.p, c.d, c.op, c.groups);
      expect(y.size).toBe(want.length);
      Array.from(y.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(want[j], 10));
    });
  });
});

describe('conv gradients are computed only where needed', () => {
  it('weight-only gradient (frozen input) and input-only gradient (frozen weight)', () => {
    const x = randomInput([1, 2, 5, 5], 1, { requiresGrad: false });
    const w = randomInput([3, 2, 3, 3], 2);
    expect(gradcheck((a, b) => F.conv2d(a, b, null, { padding: 1 }), [x, w])).toBe(true);
    const x2 = randomInput([1, 2, 5], 3);
    const w2 = randomInput([2, 2, 3], 4, { requiresGrad: false });
    const b2 = randomInput([2], 5, { requiresGrad: false });
    expect(gradcheck((a, b, c) => F.convTranspose1d(a, b, c, { stride: 2 }), [x2, w2, b2])).toBe(true);
  });

  it('records nothing when no input requires grad', () => {
    const x = fromArray(new Float64Array(9).fill(1), [1, 1, 3, 3]);
    const w = fromArray(new Float64Array(4).fill(1), [1, 1, 2, 2]);
    const y = F.conv2d(x, w);
    expect(y.requiresGrad).toBe(false);
    expect(Array.from(y.dataSync())).toEqual([4, 4, 4, 4]);
  });
});
