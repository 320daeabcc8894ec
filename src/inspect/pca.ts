/**
 * Principal components of row-major data [n, d], in float64. Up to 256 dims: the covariance matrix and
 * its full eigendecomposition (cyclic Jacobi). Above: a randomized range finder (Halko et al. 2011, 10
 * extra directions, 4 power iterations) followed by Jacobi on the small projected covariance.
 */

import { checkMatrix, describe, fail } from './common.js';

/** Eigen-decomposition of a symmetric m x m matrix (overwritten): eigenvalues descending, eigenvectors as columns of the returned matrix. */
export function symmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { const x = a[i * m + j] * a[i * m + j]; total += x; if (i !== j) off += x; }
    if (off <= 1e-24 * total || off === 0) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p], akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k], aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p], vkq = v[k * m + q];
          v[k * m + p] = c * vkp - s * vkq;
          v[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => a[y * m + y] - a[x * m + x]);
  const values = Float64Array.from(order, (i) => a[i * m + i]);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => { for (let k = 0; k < m; k++) vectors[k * m + dst] = v[k * m + src]; });
  return { values, vectors };
}

/** Orthonormalises the columns of b [d, m] in place (modified Gram-Schmidt). */
export function orthonormalize(b: Float64Array, d: number, m: number): void {
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += b[k * m + i] * b[k * m + j];
      for (let k = 0; k < d; k++) b[k * m + j] -= dot * b[k * m + i];
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += b[k * m + j] * b[k * m + j];
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < d; k++) b[k * m + j] /= norm;
  }
}

/** C v for the covariance C = X^T X / (n - 1) of centred data, v [d, m] -> [d, m], without forming C. */
function covTimes(x: Float64Array, n: number, d: number, v: Float64Array, m: number): Float64Array {
  const xv = new Float64Array(m), out = new Float64Array(d * m);
  for (let r = 0; r < n; r++) {
    xv.fill(0);
    for (let k = 0; k < d; k++) { const a = x[r * d + k]; if (a !== 0) for (let j = 0; j < m; j++) xv[j] += a * v[k * m + j]; }
    for (let k = 0; k < d; k++) { const a = x[r * d + k]; if (a !== 0) for (let j = 0; j < m; j++) out[k * m + j] += a * xv[j]; }
  }
  for (let i = 0; i < out.length; i++) out[i] /= Math.max(1, n - 1);
  return out;
}

/** Projections of the rows of `data` [n, d] onto its first `k` principal components: [n, k] row-major. */
export function pca(data: ArrayLike<number>, n: number, d: number, k: number, random: () => number = Math.random): { coords: Float64Array; variance: Float64Array } {
  checkMatrix('pca', 'data', data, n, d);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > d) fail('pca', `k must be an integer in [1, d = ${d}] (components to take), got ${describe(k)}`);
  if (typeof random !== 'function') fail('pca', `random must be a function returning numbers in [0, 1), got ${describe(random)}`);
  const x = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) x[i * d + j] = data[i * d + j] - mean;
  }
  let basis: Float64Array<ArrayBufferLike>, m: number, values: Float64Array<ArrayBufferLike>;
  if (d <= 256) {
    const eye = new Float64Array(d * d);
    for (let i = 0; i < d; i++) eye[i * d + i] = 1;
    const e = symmetricEigen(covTimes(x, n, d, eye, d), d);
    basis = e.vectors; m = d; values = e.values;
  } else {
    m = Math.min(d, k + 10);
    let b: Float64Array<ArrayBufferLike> = Float64Array.from({ length: d * m }, () => random() - 0.5);
    orthonormalize(b, d, m);
    for (let it = 0; it < 4; it++) { b = covTimes(x, n, d, b, m); orthonormalize(b, d, m); }
    const cb = covTimes(x, n, d, b, m), small = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { let s = 0; for (let r = 0; r < d; r++) s += b[r * m + i] * cb[r * m + j]; small[i * m + j] = s; }
    const e = symmetricEigen(small, m);
    basis = new Float64Array(d * m);
    for (let r = 0; r < d; r++) for (let j = 0; j < m; j++) { let s = 0; for (let i = 0; i < m; i++) s += b[r * m + i] * e.vectors[i * m + j]; basis[r * m + j] = s; }
    values = e.values;
  }
  const coords = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) { let s = 0; for (let r = 0; r < d; r++) s += x[i * d + r] * basis[r * m + j]; coords[i * k + j] = s; }
  return { coords, variance: values.slice(0, k) };
}
