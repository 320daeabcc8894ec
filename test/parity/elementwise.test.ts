/**
 * Add/Sub/Mul/Div, Maximum/Minimum and comparisons (broadcasting), Where, Relu, ReluGrad and Sum: the wasm
 * kernels must equal the reference bit for bit (f32 arithmetic rounds exactly like the reference's
 * f64-then-f32; selects keep the reference's NaN, tie and signed-zero rules; Sum keeps its f64 order),
 * with 1 and 2 threads; shapes that coalesce to more than 4 strided dims fall back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, expectClose, prng, randBuf, runBoth, wasmBackend } from './harness.js';
import type { Buf } from '../../src/backends/reference/types.js';

const BINARY_SHAPES: [number[], number[]][] = [
  [[7], [7]], [[2, 3, 5], [2, 3, 5]], [[4, 6], []], [[], [3, 4]], [[4, 6], [1]],
  [[3, 8, 5, 7], [1, 8, 1, 1]], [[3, 8, 5, 7], [8, 1, 1]], [[3, 1, 5], [4, 1]], [[5, 1], [1, 9]],
  [[2, 3, 4, 5], [2, 1, 4, 1]], [[1, 1, 13], [13]], [[16, 64, 32, 32], [1, 64, 1, 1]], [[1 << 20], [1 << 20]],
];

/** Values whose pairs exercise the select rules: NaN on either side, +0 against -0, ties, infinities. */
const PAIR_VALUES = [NaN, -0, 0, 1, -1, 2.5, Infinity, -Infinity];

/** a[i] and b[i] run through every pair of PAIR_VALUES (rows of a against columns of b, as [k*k]). */
function valuePairs(): [Buf, Buf] {
  const k = PAIR_VALUES.length;
  const a = new Float32Array(k * k), b = new Float32Array(k * k);
  for (let i = 0; i < k * k; i++) [a[i], b[i]] = [PAIR_VALUES[Math.floor(i / k)], PAIR_VALUES[i % k]];
  return [{ values: a, shape: [k * k], dtype: 'float32' }, { values: b, shape: [k * k], dtype: 'float32' }];
}

afterAll(closeBackends);

for (const threads of [1, 2]) {
  describe(`elementwise parity, ${threads} thread(s)`, () => {
    for (const name of ['Add', 'Sub', 'Mul', 'Div'] as const) {
      it(`${name} with broadcasting`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(name.length + threads);
        for (const [sa, sb] of BINARY_SHAPES) {
          const a = randBuf(rand, sa), b = randBuf(rand, sb);
          if (a.values.length > 2) { a.values[0] = NaN; a.values[1] = -0; a.values[2] = Infinity; }
          if (b.values.length > 1) b.values[1] = 0;
          const r = runBoth(be, name, [a, b], {});
          expectClose(r, 0, `${name} [${sa}] [${sb}]`);
          if (threads > 1 && a.values.length >= 1 << 20) expect(r.threaded).toBe(true);
        }
      });
    }

    for (const name of ['Maximum', 'Minimum'] as const) {
      it(`${name}: NaN from either side, ties give b (+0 vs -0), broadcasting`, async () => {
        const be = await wasmBackend(threads);
        const rand = prng(60 + name.length + threads);
        expectClose(runBoth(be, name, valuePairs(), {}), 0, `${name} value pairs`);
        for (const [sa, sb] of BINARY_SHAPES) {
          const a = randBuf(rand, sa), b = randBuf(rand, sb);
          for (let i = 0; i < a.values.length; i += 3) a.values[i] = Math.round(a.values[i]); // ties with b
          for (let i = 0; i < b.values.length; i += 2) b.values[i] = Math.round(b.values[i]);
          if (a.values.length > 2) { a.values[0] = NaN; a.values[1] = -0; a.values[2] = Infinity; }
          if (b.values.length > 2) { b.values[1] = 0; b.values[2] = NaN; }
          const r = runBoth(be, name, [a, b], {});
          expectClose(r, 0, `${name} [${sa}] [${sb}]`);
          if (threads > 1 && a.values.length >= 1 << 20) expect(r.threaded).toBe(true);
        }
      });
    }

    it('Maximum and Minimum of float32 with int32 of any size (the picked value rounds, as in the reference)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(70 + threads);
      const ints = randBuf(rand, [6, 5], 'int32'), floats = randBuf(rand, [6, 5]);
      for (let i = 0; i < ints.values.length; i++) {
        const big = (1 << 24) + 1 + 2 * i; // odd, so not a float32
        ints.values[i] = i % 2 ? big : -big;
        floats.values[i] = i % 3 === 0 ? Math.fround(ints.values[i]) : i % 3 === 1 ? ints.values[i] + 1 : ints.values[i] - 1;
      }
      for (const name of ['Maximum', 'Minimum'] as const) {
        expectClose(runBoth(be, name, [ints, floats], {}), 0, `${name} int32 x f32`);
        expectClose(runBoth(be, name, [floats, ints], {}), 0, `${name} f32 x int32`);
      }
    });

    it('Where: condition int32 or float32 (NaN is true, -0 false), three-way broadcasting, NaN payloads kept', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(80 + threads);
      const shapes: [number[], number[], number[]][] = [
        [[7], [7], [7]], [[4, 6], [4, 1], [6]], [[], [3, 4], [3, 4]], [[3, 4], [], []], [[2, 1, 5], [1, 3, 1], [2, 3, 5]],
        [[5, 1, 1], [1, 9], [5, 1]], [[3, 1, 5, 1], [1, 4, 1, 6], [3, 4, 5, 6]], [[1, 1, 13], [13], [1]], [[2, 3, 17001], [2, 3, 1], [17001]],
        [[1 << 20], [1 << 20], [1 << 20]],
      ];
      for (const [sc, sa, sb] of shapes) {
        for (const condType of ['int32', 'float32'] as const) {
          const cond = randBuf(rand, sc, condType), a = randBuf(rand, sa), b = randBuf(rand, sb);
          for (let i = 0; i < cond.values.length; i++) cond.values[i] = [0, 1, 7, -3][i % 4];
          if (condType === 'float32') cond.values.set([NaN, -0, 0, 1e-45].slice(0, cond.values.length));
          a.values.set([NaN, -0].slice(0, a.values.length));
          b.values.set([-0, NaN].slice(0, b.values.length));
          const r = runBoth(be, 'Where', [cond, a, b], {});
          expectClose(r, 0, `Where ${condType} [${sc}] [${sa}] [${sb}]`);
          if (threads > 1 && cond.values.length >= 1 << 20) expect(r.threaded).toBe(true);
        }
      }
    });

    it('Where with int32 a or b of any size (converted to float32, as the reference stores them)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(85 + threads);
      const cond = randBuf(rand, [4, 5], 'int32'), ints = randBuf(rand, [4, 5], 'int32');
      ints.values[3] = (1 << 24) + 1;
      expectClose(runBoth(be, 'Where', [cond, ints, randBuf(rand, [5])], {}), 0, 'Where int32 a');
      expectClose(runBoth(be, 'Where', [cond, randBuf(rand, [4, 1]), ints], {}), 0, 'Where int32 b');
    });

    it('Add, Mul and Greater with rows wider than a stream window', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(50 + threads);
      for (const [sa, sb] of [[[3, 20000], [20000]], [[2, 3, 17001], [2, 1, 1]], [[1, 40000], [1, 40000]], [[5, 1], [1, 9000]]]) {
        for (const name of ['Add', 'Mul', 'Greater'] as const) {
          expectClose(runBoth(be, name, [randBuf(rand, sa), randBuf(rand, sb)], {}), 0, `${name} [${sa}] [${sb}]`);
        }
      }
    });

    it('comparisons give int32 0/1 (NaN, -0 == +0, ties)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(30 + threads);
      for (const name of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const) {
        for (const [sa, sb] of BINARY_SHAPES.slice(0, 11)) {
          const a = randBuf(rand, sa), b = randBuf(rand, sb);
          for (let i = 0; i < a.values.length; i += 3) a.values[i] = Math.round(a.values[i]); // ties with b
          for (let i = 0; i < b.values.length; i += 2) b.values[i] = Math.round(b.values[i]);
          if (a.values.length > 2) { a.values[0] = NaN; a.values[1] = -0; }
          if (b.values.length > 1) b.values[1] = 0;
          expectClose(runBoth(be, name, [a, b], {}), 0, `${name} [${sa}] [${sb}]`);
        }
      }
    });

    it('float32 with int32 operands (promoted as the reference does)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(40 + threads);
      for (const name of ['Add', 'Sub', 'Mul', 'Div'] as const) {
        expectClose(runBoth(be, name, [randBuf(rand, [64, 8, 5]), randBuf(rand, [64, 8, 5], 'int32')], {}), 0, `${name} f32 x int32`);
        expectClose(runBoth(be, name, [randBuf(rand, [8, 1], 'int32'), randBuf(rand, [3, 8, 4])], {}), 0, `${name} int32 x f32`);
      }
    });

    it('Relu (NaN, -0, infinities)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(21);
      for (const shape of [[1], [7], [3, 5, 9], [1 << 20]]) {
        const x = randBuf(rand, shape);
        x.values.set([NaN, -0, -Infinity, Infinity, 0].slice(0, x.values.length));
        expectClose(runBoth(be, 'Relu', [x], {}), 0, `Relu [${shape}]`);
      }
    });

    it('ReluGrad (y <= 0 gives 0 even for dy = inf or NaN; NaN y passes dy)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(24 + threads);
      for (const shape of [[1], [7], [1, 3, 5, 9], [2, 6, 13, 11], [64, 6, 28, 28], [1 << 20]]) {
        const dy = randBuf(rand, shape), y = randBuf(rand, shape);
        const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45];
        for (let i = 0; i < Math.min(y.values.length, 49); i++) {
          y.values[i] = special[i % 7];
          dy.values[i] = special[Math.floor(i / 7)];
        }
        const r = runBoth(be, 'ReluGrad', [dy, y], {});
        expectClose(r, 0, `ReluGrad [${shape}]`);
        if (threads > 1 && dy.values.length >= 1 << 20) expect(r.threaded).toBe(true);
      }
    });

    it('Sum over axes (f64 order kept: bit-identical)', async () => {
      const be = await wasmBackend(threads);
      const rand = prng(22);
      const cases: [number[], number[]][] = [
        [[16, 10, 24, 24], [0, 2, 3]], [[5, 7], [0]], [[5, 7], [1]], [[5, 7], [0, 1]], [[3, 4, 5], []],
        [[2, 3, 4, 5], [1, 3]], [[2, 1, 3], [1]], [[1000], [0]], [[4, 3, 1, 6], [0, 2]],
        // Bias gradients (kept middle axis): batch 1, odd channel counts, H*W not a multiple of 4,
        // slices larger than a stream window, many windows.
        [[1, 6, 5, 5], [0, 2, 3]], [[3, 7, 5, 3], [0, 2, 3]], [[2, 1, 9, 9], [0, 2, 3]], [[1, 3, 101, 99], [0, 2, 3]],
        [[64, 6, 28, 28], [0, 2, 3]], [[9, 5, 1, 1], [0, 2, 3]], [[3, 4, 2, 5], [0, 3]], [[2, 4, 6], [0, 2]],
        // Blocks of 3 channel pairs in registers, the last block of 1 or 2 pairs, an odd channel count;
        // enough work that 2 threads split the pairs.
        [[8, 13, 8, 8], [0, 2, 3]], [[4, 9, 4, 4], [0, 2, 3]], [[64, 16, 24, 24], [0, 2, 3]],
      ];
      for (const [shape, axes] of cases) {
        expectClose(runBoth(be, 'Sum', [randBuf(rand, shape)], { axes }), 0, `Sum [${shape}] axes [${axes}]`);
      }
    });
  });
}

describe('elementwise fallbacks', () => {
  it('int32 beyond 2^24, mixed comparisons, float64, int32 pairs, rank > 4 after coalescing, alternating Sum axes, ReluGrad shape mismatch; Maximum/Minimum/Where on int32 pairs, float64 or rank > 4 run the reference', async () => {
    const be = await wasmBackend(1);
    const rand = prng(23);
    const big = randBuf(rand, [4, 5], 'int32');
    big.values[3] = (1 << 24) + 1;
    expectClose(runBoth(be, 'Mul', [randBuf(rand, [4, 5]), big], {}, true), 0, 'f32 x int32 beyond 2^24');
    expectClose(runBoth(be, 'Greater', [randBuf(rand, [4, 5]), randBuf(rand, [4, 5], 'int32')], {}, true), 0, 'mixed comparison');
    expectClose(runBoth(be, 'Mul', [randBuf(rand, [4, 5], 'float64'), randBuf(rand, [4, 5])], {}, true), 0, 'float64');
    expectClose(runBoth(be, 'Add', [randBuf(rand, [4, 5], 'int32'), randBuf(rand, [4, 5], 'int32')], {}, true), 0, 'int32');
    const alt = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
    expectClose(runBoth(be, 'Add', [randBuf(rand, alt.map(() => 2)), randBuf(rand, alt)], {}, true), 0, 'rank 10 broadcast');
    expectClose(runBoth(be, 'Sum', [randBuf(rand, [2, 3, 2, 3, 2, 3])], { axes: [0, 2, 4] }, true), 0, 'Sum alternating');
    expectClose(runBoth(be, 'ReluGrad', [randBuf(rand, [4, 5], 'float64'), randBuf(rand, [4, 5], 'float64')], {}, true), 0, 'ReluGrad float64');
    expectClose(runBoth(be, 'Maximum', [randBuf(rand, [4, 5], 'int32'), randBuf(rand, [5], 'int32')], {}, true), 0, 'Maximum int32');
    expectClose(runBoth(be, 'Minimum', [randBuf(rand, [4, 5], 'float64'), randBuf(rand, [5])], {}, true), 0, 'Minimum float64');
    expectClose(runBoth(be, 'Maximum', [randBuf(rand, alt.map(() => 2)), randBuf(rand, alt)], {}, true), 0, 'Maximum rank 10');
    const cond = randBuf(rand, [4, 5], 'int32');
    expectClose(runBoth(be, 'Where', [cond, randBuf(rand, [4, 5], 'int32'), randBuf(rand, [5], 'int32')], {}, true), 0, 'Where int32 pair');
    expectClose(runBoth(be, 'Where', [cond, randBuf(rand, [4, 5], 'float64'), randBuf(rand, [5])], {}, true), 0, 'Where float64');
    expectClose(runBoth(be, 'Where', [randBuf(rand, [4, 5], 'float64'), randBuf(rand, [4, 5]), randBuf(rand, [5])], {}, true), 0, 'Where float64 cond');
    expectClose(runBoth(be, 'Where', [randBuf(rand, alt), randBuf(rand, alt.map(() => 2)), randBuf(rand, [1])], {}, true), 0, 'Where rank 10');
    const info = [randBuf(rand, [4, 5]), randBuf(rand, [5, 4])].map((b) => ({ dataId: be.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype }));
    expect(() => be.runKernel('ReluGrad', info, {})).toThrow('ReluGrad: dy [4,5] and y [5,4] must have the same shape');
  });
});
