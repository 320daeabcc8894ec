/**
 * Finite-difference gradient checks (float64, reference backend) for interpolate / upsample and pad,
 * over both resize modes, alignCorners, size vs scaleFactor, up- and down-sampling, 3D inputs, and
 * every pad mode including negative (cropping) constant pads.
 */
import { describe, expect, it } from 'vitest';
import { F, type Tensor } from '../../src/index.js';
import { gradcheck, randomInput } from '../../src/autograd/gradcheck.js';

function check(shape: number[], fn: (x: Tensor) => Tensor, out: number[], seed = 9): void {
  const x = randomInput(shape, seed);
  expect(fn(x).shape).toEqual(out);
  expect(gradcheck(fn, [x])).toBe(true);
}

describe('interpolate gradcheck', () => {
  const cases: [string, number[], F.InterpolateOptions, number[]][] = [
    ['nearest scale 2', [1, 2, 3, 4], { scaleFactor: 2 }, [1, 2, 6, 8]],
    ['nearest size 5 from 3', [2, 1, 3, 3], { size: 5, mode: 'nearest' }, [2, 1, 5, 5]],
    ['nearest downsample rect', [1, 2, 7, 6], { size: [3, 4], mode: 'nearest' }, [1, 2, 3, 4]],
    ['nearest scale [1.5, 2.5]', [1, 1, 4, 3], { scaleFactor: [1.5, 2.5], mode: 'nearest' }, [1, 1, 6, 7]],
    ['nearest 3D', [2, 2, 5], { scaleFactor: 2 }, [2, 2, 10]],
    ['bilinear alignCorners false', [1, 2, 3, 4], { size: [5, 7], mode: 'bilinear' }, [1, 2, 5, 7]],
    ['bilinear alignCorners true', [2, 1, 3, 4], { size: [5, 7], mode: 'bilinear', alignCorners: true }, [2, 1, 5, 7]],
    ['bilinear scale 2', [1, 2, 3, 3], { scaleFactor: 2, mode: 'bilinear' }, [1, 2, 6, 6]],
    ['bilinear scale 1.7 recompute', [1, 1, 3, 4], { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }, [1, 1, 5, 6]],
    ['bilinear downsample', [1, 2, 7, 8], { size: [3, 5], mode: 'bilinear' }, [1, 2, 3, 5]],
    ['bilinear downsample alignCorners', [1, 1, 7, 8], { size: [3, 5], mode: 'bilinear', alignCorners: true }, [1, 1, 3, 5]],
    ['linear 3D', [2, 2, 5], { size: 8, mode: 'linear' }, [2, 2, 8]],
    ['linear 3D alignCorners', [1, 2, 5], { scaleFactor: 1.5, mode: 'linear', alignCorners: true }, [1, 2, 7]],
  ];
  for (const [name, shape, opts, out] of cases) {
    it(`interpolate ${name}`, () => check(shape, (x) => F.interpolate(x, opts), out));
  }
  it('upsample aliases', () => {
    check([1, 2, 3, 3], (x) => F.upsample(x, { scaleFactor: 2, mode: 'bilinear' }), [1, 2, 6, 6]);
    check([1, 2, 3, 3], (x) => F.upsampleNearest2d(x, { size: [4, 5] }), [1, 2, 4, 5]);
    check([1, 2, 3, 3], (x) => F.upsampleBilinear2d(x, { scaleFactor: 2 }), [1, 2, 6, 6]);
  });
  it('upsampleBilinear2d uses alignCorners true', () => {
    const x = randomInput([1, 1, 3, 4], 2, { requiresGrad: false });
    const a = F.upsampleBilinear2d(x, { size: [5, 7] }).dataSync();
    const b = F.interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('pad gradcheck', () => {
  const cases: [string, number[], number[], F.PadOptions, number[]][] = [
    ['constant 3D', [2, 2, 5], [1, 2], { value: 0.5 }, [2, 2, 8]],
    ['constant 4D two dims', [1, 2, 3, 4], [1, 0, 2, 1], {}, [1, 2, 6, 5]],
    ['constant negative crop', [1, 2, 4, 5], [-1, 2, 1, -2], { mode: 'constant', value: -1 }, [1, 2, 3, 6]],
    ['constant all dims', [2, 3], [1, 1, 0, 2], {}, [4, 5]],
    ['reflect 3D', [2, 2, 5], [2, 3], { mode: 'reflect' }, [2, 2, 10]],
    ['reflect 4D', [1, 2, 4, 5], [1, 2, 3, 1], { mode: 'reflect' }, [1, 2, 8, 8]],
    ['reflect unbatched 2D', [2, 4], [3, 1], { mode: 'reflect' }, [2, 8]],
    ['replicate 3D', [2, 2, 4], [3, 1], { mode: 'replicate' }, [2, 2, 8]],
    ['replicate 4D', [1, 2, 3, 4], [2, 1, 0, 3], { mode: 'replicate' }, [1, 2, 6, 7]],
    ['replicate 3D two dims', [2, 3, 3], [1, 1, 2, 2], { mode: 'replicate' }, [2, 7, 5]],
  ];
  for (const [name, shape, p, opts, out] of cases) {
    it(`pad ${name}`, () => check(shape, (x) => F.pad(x, p, opts), out));
  }
  it('constant pad fills the value and reflect mirrors without repeating the edge', () => {
    const x = randomInput([1, 3], 1, { requiresGrad: false });
    const [a, b, c] = Array.from(x.dataSync());
    expect(Array.from(F.pad(x, [1, 1], { value: 7 }).dataSync())).toEqual([7, a, b, c, 7]);
    expect(Array.from(F.pad(x, [2, 2], { mode: 'reflect' }).dataSync())).toEqual([c, b, a, b, c, b, a]);
    expect(Array.from(F.pad(x, [2, 1], { mode: 'replicate' }).dataSync())).toEqual([a, a, a, b, c, c]);
  });
});
