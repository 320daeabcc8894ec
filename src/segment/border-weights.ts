/**
 * U-Net's weight map (Ronneberger et al. 2015, eq. 2) for touching objects separated by thin borders:
 *   w(x) = w_c(x) + w0 exp(-(d1(x) + d2(x))^2 / (2 sigma^2))   on border pixels, w_c(x) elsewhere
 * where d1, d2 are the Euclidean distances to the nearest and second-nearest object (4-connected
 * components of non-border pixels) and w_c balances the two classes: N / (2 N_class). The border term
 * is applied to border pixels only, as common implementations do (inside an object d1 would be 0).
 */
import { connectedComponents } from './rand.js';
import { checkHW, checkMap, options, show } from './check.js';

/** Squared Euclidean distance to the nearest pixel where `seed` is 1 (Felzenszwalb & Huttenlocher). */
export function squaredDistanceTransform(seed: Uint8Array, h: number, w: number): Float64Array {
  checkMap('squaredDistanceTransform', 'seed', seed);
  checkHW('squaredDistanceTransform', h, w);
  if (seed.length !== h * w) throw new Error(`squaredDistanceTransform: ${seed.length} pixels, expected ${h}x${w}`);
  const INF = 1e20;
  const d = new Float64Array(h * w);
  for (let i = 0; i < d.length; i++) d[i] = seed[i] ? 0 : INF;
  const n = Math.max(h, w);
  const f = new Float64Array(n);
  const out = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const pass = (len: number) => {
    let k = 0;
    v[0] = 0;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = 1; q < len; q++) {
      let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      while (s <= z[k]) {
        k--;
        s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    k = 0;
    for (let q = 0; q < len; q++) {
      while (z[k + 1] < q) k++;
      out[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
    }
  };
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = d[y * w + x];
    pass(h);
    for (let y = 0; y < h; y++) d[y * w + x] = out[y];
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = d[y * w + x];
    pass(w);
    for (let x = 0; x < w; x++) d[y * w + x] = out[x];
  }
  return d;
}

export interface BorderWeightOptions {
  /** Default 10 (the paper). */
  w0?: number;
  /** Default 5 px (the paper). */
  sigma?: number;
}

export function borderWeightMap(border: Uint8Array, h: number, w: number, opts?: BorderWeightOptions): Float32Array {
  const op = 'borderWeightMap';
  checkMap(op, 'border', border);
  checkHW(op, h, w);
  const { w0 = 10, sigma = 5 } = options<BorderWeightOptions>(op, opts, ['w0', 'sigma']);
  if (border.length !== h * w) throw new Error(`${op}: ${border.length} pixels, expected ${h}x${w}`);
  if (typeof w0 !== 'number' || !(w0 >= 0)) throw new Error(`${op}: w0 must be a non-negative number, got ${show(w0)}`);
  if (typeof sigma !== 'number' || !(sigma > 0)) throw new Error(`${op}: sigma must be a positive number, got ${show(sigma)}`);
  const n = h * w;
  let nBorder = 0;
  for (let i = 0; i < n; i++) nBorder += border[i] ? 1 : 0;
  const wc = [nBorder === n ? 1 : n / (2 * (n - nBorder)), nBorder === 0 ? 1 : n / (2 * nBorder)];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = wc[border[i] ? 1 : 0];
  const { labels, count } = connectedComponents(border.map((v) => (v ? 0 : 1)), h, w);
  if (count < 2 || w0 === 0 || nBorder === 0) return out;
  const d1 = new Float64Array(n).fill(Infinity);
  const d2 = new Float64Array(n).fill(Infinity);
  const seed = new Uint8Array(n);
  for (let k = 1; k <= count; k++) {
    for (let i = 0; i < n; i++) seed[i] = labels[i] === k ? 1 : 0;
    const d = squaredDistanceTransform(seed, h, w);
    for (let i = 0; i < n; i++) {
      if (!border[i]) continue;
      if (d[i] < d1[i]) {
        d2[i] = d1[i];
        d1[i] = d[i];
      } else if (d[i] < d2[i]) d2[i] = d[i];
    }
  }
  for (let i = 0; i < n; i++) {
    if (!border[i]) continue;
    const s = Math.sqrt(d1[i]) + Math.sqrt(d2[i]);
    out[i] += w0 * Math.exp(-(s * s) / (2 * sigma * sigma));
  }
  return out;
}
