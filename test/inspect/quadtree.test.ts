/** t-SNE's Barnes-Hut repulsion (grouped tree walks) against the exact O(n^2) sums. */
import { describe, expect, test } from 'vitest';
import { QuadTree } from '../../src/inspect/quadtree.js';

function exact(y: Float64Array, n: number): { grad: Float64Array; z: number } {
  const grad = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
    if (dx === 0 && dy === 0) continue; // the point itself, and coincident points: no force, left out of Z (as the tree does)
    const q = 1 / (1 + dx * dx + dy * dy);
    z += q; grad[2 * i] -= q * q * dx; grad[2 * i + 1] -= q * q * dy;
  }
  return { grad, z };
}

describe('quadtree repulsion', () => {
  // Ten clusters of different widths, three coincident points, 1,500 points in all.
  const n = 1500;
  let s = 3;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) { const c = i % 10; y[2 * i] = 10 * Math.cos(c) + 2 * (rnd() - 0.5) * (1 + (c % 3)); y[2 * i + 1] = 10 * Math.sin(c) + 2 * (rnd() - 0.5); }
  y[2] = y[0]; y[3] = y[1]; y[40] = y[0]; y[41] = y[1];
  const ref = exact(y, n);
  const tree = new QuadTree(n);

  test('theta 0 is exact; theta 0.5 within 1% (relative L2 of the normalised gradient)', () => {
    for (const [theta, tol] of [[0, 1e-12], [0.5, 1e-2]]) {
      for (let rebuild = 0; rebuild < 2; rebuild++) {
        tree.build(y, theta);
        const grad = new Float64Array(2 * n), z = tree.repulsion(y, grad);
        let e = 0, norm = 0;
        for (let i = 0; i < 2 * n; i++) { e += (grad[i] / z - ref.grad[i] / ref.z) ** 2; norm += (ref.grad[i] / ref.z) ** 2; }
        expect(Math.sqrt(e / norm)).toBeLessThan(tol);
        expect(Math.abs(z - ref.z) / ref.z).toBeLessThan(Math.max(tol, 1e-12));
        expect([...tree.order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }
    }
  });
});
