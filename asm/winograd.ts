// AssemblyScript: Winograd F(2x2, 3x3) transforms for stride-1 3x3 convolutions (Lavin & Gray 2016).
// A 4x4 input patch d becomes V = B^T d B, a 3x3 filter g becomes U = G g G^T (on the JS side), the
// 16 products M = U . V (summed over channels) are 16 GEMMs, and Y = A^T M A gives a 2x2 output tile:
// 16 multiplies per tile and channel instead of 36. Four horizontally adjacent tiles share each vector.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],   A^T = [1 1 1 0; 0 1 -1 -1].

/**
 * V[xi][c][t] for tiles t = ty*TW + tx of the zero-padded planes xpad [C][Hp][Wp] (Hp >= 2*TH + 2,
 * Wp >= 2*TW + 2, TW a multiple of 4); xi = 4*i + j; V has T floats per (xi, c) row and xi rows start
 * xiStride floats apart (>= C*T). `tmp`: 256 bytes.
 */
export function winoInput(xpad: usize, C: i32, Hp: i32, Wp: i32, TH: i32, TW: i32, V: usize, T: i32, xiStride: i32, tmp: usize): void {
  const Wb = <usize>Wp << 2;
  const step = <usize>xiStride << 2; // bytes between xi rows
  for (let c = 0; c < C; c++) {
    for (let ty = 0; ty < TH; ty++) {
      const rowBase = xpad + ((<usize>(c * Hp + 2 * ty) * <usize>Wp) << 2);
      let out = V + ((<usize>c * <usize>T + <usize>(ty * TW)) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        // Row i of the 4 patches as columns d0..d3 (lane q = tile tx+q), then u_i = d_i B into tmp[4i..4i+3].
        let r = rowBase + (<usize>(2 * tx) << 2);
        for (let i = 0; i < 4; i++) {
          const a = v128.load(r), b = v128.load(r, 16), e = v128.load(r, 8), f = v128.load(r, 24);
          const d0 = v128.shuffle<i32>(a, b, 0, 2, 4, 6), d1 = v128.shuffle<i32>(a, b, 1, 3, 5, 7);
          const d2 = v128.shuffle<i32>(e, f, 0, 2, 4, 6), d3 = v128.shuffle<i32>(e, f, 1, 3, 5, 7);
          const u = tmp + (<usize>i << 6);
          v128.store(u, f32x4.sub(d0, d2));
          v128.store(u, f32x4.add(d1, d2), 16);
          v128.store(u, f32x4.sub(d2, d1), 32);
          v128.store(u, f32x4.sub(d1, d3), 48);
          r += Wb;
        }
        // V = B^T u, column j of u at a time: V[j], V[4+j], V[8+j], V[12+j].
        for (let j = 0; j < 4; j++) {
          const o = <usize>j << 4;
          const u0 = v128.load(tmp + o), u1 = v128.load(tmp + o, 64), u2 = v128.load(tmp + o, 128), u3 = v128.load(tmp + o, 192);
          const v = out + <usize>j * step;
          v128.store(v, f32x4.sub(u0, u2));
          v128.store(v + 4 * step, f32x4.add(u1, u2));
          v128.store(v + 8 * step, f32x4.sub(u2, u1));
          v128.store(v + 12 * step, f32x4.sub(u1, u3));
        }
        out += 16;
      }
    }
  }
}

/**
 * Y = A^T M A for TH x TW tiles: M[xi][k][t] (K rows of T floats per xi, xi rows xiStride floats apart) -> yv [K][yRows][2*TW] from
 * yv's first row on, the output tiles side by side (convEpilogue then crops them and adds the bias).
 */
export function winoOutput(M: usize, K: i32, T: i32, xiStride: i32, TH: i32, TW: i32, yv: usize, yRows: i32): void {
  const Wo = 2 * TW;
  const rowBytes = <usize>Wo << 2;
  const step = <usize>xiStride << 2;
  for (let k = 0; k < K; k++) {
    for (let ty = 0; ty < TH; ty++) {
      let m = M + ((<usize>k * <usize>T + <usize>(ty * TW)) << 2);
      const y0 = yv + ((<usize>(k * yRows + 2 * ty) * <usize>Wo) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        let p = m;
        const m00 = v128.load(p); p += step; const m01 = v128.load(p); p += step;
        const m02 = v128.load(p); p += step; const m03 = v128.load(p); p += step;
        const m10 = v128.load(p); p += step; const m11 = v128.load(p); p += step;
        const m12 = v128.load(p); p += step; const m13 = v128.load(p); p += step;
        const m20 = v128.load(p); p += step; const m21 = v128.load(p); p += step;
        const m22 = v128.load(p); p += step; const m23 = v128.load(p); p += step;
        const m30 = v128.load(p); p += step; const m31 = v128.load(p); p += step;
        const m32 = v128.load(p); p += step; const m33 = v128.load(p);
        // w = A^T m (rows), then Y = w A (columns).
        const w00 = f32x4.add(f32x4.add(m00, m10), m20), w01 = f32x4.add(f32x4.add(m01, m11), m21);
        const w02 = f32x4.add(f32x4.add(m02, m12), m22), w03 = f32x4.add(f32x4.add(m03, m13), m23);
        const w10 = f32x4.sub(f32x4.sub(m10, m20), m30), w11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const w12 = f32x4.sub(f32x4.sub(m12, m22), m32), w13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        const y00 = f32x4.add(f32x4.add(w00, w01), w02), y01 = f32x4.sub(f32x4.sub(w01, w02), w03);
        const y10 = f32x4.add(f32x4.add(w10, w11), w12), y11 = f32x4.sub(f32x4.sub(w11, w12), w13);
        // Lane q is tile tx+q: its 2x2 outputs go to columns 2(tx+q), 2(tx+q)+1 of rows 2ty, 2ty+1.
        const o = y0 + (<usize>(2 * tx) << 2);
        v128.store(o, v128.shuffle<i32>(y00, y01, 0, 4, 1, 5));
        v128.store(o, v128.shuffle<i32>(y00, y01, 2, 6, 3, 7), 16);
        v128.store(o + rowBytes, v128.shuffle<i32>(y10, y11, 0, 4, 1, 5));
        v128.store(o + rowBytes, v128.shuffle<i32>(y10, y11, 2, 6, 3, 7), 16);
        m += 16;
      }
    }
  }
}

/**
 * Z[xi][k][t] = (A dy A^T)[xi], A = [1 0; 1 1; 1 -1; 0 -1], for the 2x2 tiles of dy planes [K][Hd][Wd]
 * (zero beyond the output; Wd = 2*TW, TW a multiple of 4), xi rows xiStride floats apart. The filter
 * gradient of a Winograd convolution is then G^T (sum over tiles of Z . V) G: 16 GEMMs over tiles, as
 * in the forward pass.
 */
export function winoGradTransform(dy: usize, K: i32, Hd: i32, Wd: i32, TH: i32, TW: i32, Z: usize, T: i32, xiStride: i32): void {
  const Wb = <usize>Wd << 2;
  const step = <usize>xiStride << 2; // bytes between xi rows
  for (let k = 0; k < K; k++) {
    for (let ty = 0; ty < TH; ty++) {
      const rowBase = dy + ((<usize>(k * Hd + 2 * ty) * <usize>Wd) << 2);
      let out = Z + ((<usize>k * <usize>T + <usize>(ty * TW)) << 2);
      for (let tx = 0; tx < TW; tx += 4) {
        // d[a][b] of 4 tiles side by side (lane q = tile tx+q).
        const r = rowBase + (<usize>(2 * tx) << 2);
        const a = v128.load(r), b = v128.load(r, 16), c = v128.load(r + Wb), e = v128.load(r + Wb, 16);
        const d00 = v128.shuffle<i32>(a, b, 0, 2, 4, 6), d01 = v128.shuffle<i32>(a, b, 1, 3, 5, 7);
        const d10 = v128.shuffle<i32>(c, e, 0, 2, 4, 6), d11 = v128.shuffle<i32>(c, e, 1, 3, 5, 7);
        // Rows of A d (4 x 2), then each row times A^T (4 wide).
        storeGradRow(out, step, d00, d01);
        storeGradRow(out + 4 * step, step, f32x4.add(d00, d10), f32x4.add(d01, d11));
        storeGradRow(out + 8 * step, step, f32x4.sub(d00, d10), f32x4.sub(d01, d11));
        storeGradRow(out + 12 * step, step, f32x4.neg(d10), f32x4.neg(d11));
        out += 16;
      }
    }
  }
}

/** Row (p, q) of A d times A^T: p, p + q, p - q, -q into 4 consecutive xi rows. */
// @ts-ignore: decorator
@inline function storeGradRow(out: usize, step: usize, p: v128, q: v128): void {
  v128.store(out, p);
  v128.store(out + step, f32x4.add(p, q));
  v128.store(out + 2 * step, f32x4.sub(p, q));
  v128.store(out + 3 * step, f32x4.neg(q));
}

/** Lanes r = 0..3: the f32 at p + r*stride bytes, for r < n (0 beyond). */
// @ts-ignore: decorator
@inline export function gather4(p: usize, stride: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + stride));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride));
  if (n > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride));
  return v;
}

/** Row (a, b, d) times G^T: a, (a + b + d)/2, (a - b + d)/2, d, stored to U[4i..4i+3] (xi rows `step` bytes apart). */
// @ts-ignore: decorator
@inline function storeFilterRow(out: usize, step: usize, a: v128, b: v128, d: v128): void {
  const half = f32x4.splat(0.5), ad = f32x4.add(a, d);
  v128.store(out, a);
  v128.store(out + step, f32x4.mul(f32x4.add(ad, b), half));
  v128.store(out + 2 * step, f32x4.mul(f32x4.sub(ad, b), half));
  v128.store(out + 3 * step, d);
}

/**
 * U[xi] = (G g G^T)[xi] for filters [k0, k1) (k0 a multiple of 4) of Kg x Cg 3x3 filters, written straight
 * into the GEMM's packed A layout: 16 operands aSize floats apart, 4-filter panels, 4 floats per
 * channel (one vector: lanes are filters). Rows beyond Kg are zero, as packA pads them. Filter k,
 * channel c starts at w + 4*(k*fs + c*cs); `flip` reads its taps in reverse (rotated by 180 degrees):
 * fs = 9*Cg, cs = 9 for a conv's weights; fs = 9, cs = 9*Kg', flip for its input gradient's.
 * G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
 */
export function winoFilter(w: usize, Kg: i32, Cg: i32, fs: i32, cs: i32, flip: bool, k0: i32, k1: i32, Ap: usize, aSize: i32): void {
  const filterBytes = <usize>fs << 2, channelBytes = <usize>cs << 2;
  const step = <usize>aSize << 2;
  const half = f32x4.splat(0.5);
  // Byte offset of tap t: 4t, or 4(8 - t) flipped.
  const t0: usize = flip ? 32 : 0;
  const dt: isize = flip ? -4 : 4;
  for (let k = k0; k < k1; k += 4) {
    const n = min(4, Kg - k);
    let out = Ap + (<usize>(k * Cg) << 2);
    for (let c = 0; c < Cg; c++) {
      const g = w + <usize>k * filterBytes + <usize>c * channelBytes + t0;
      // Gg (4 x 3) row by row: a, (a+b+d)/2, (a-b+d)/2, d of each column (a, b, d).
      const a0 = gather4(g, filterBytes, n), a1 = gather4(g + dt, filterBytes, n), a2 = gather4(g + 2 * dt, filterBytes, n);
      const b0 = gather4(g + 3 * dt, filterBytes, n), b1 = gather4(g + 4 * dt, filterBytes, n), b2 = gather4(g + 5 * dt, filterBytes, n);
      const d0 = gather4(g + 6 * dt, filterBytes, n), d1 = gather4(g + 7 * dt, filterBytes, n), d2 = gather4(g + 8 * dt, filterBytes, n);
      const s0 = f32x4.add(a0, d0), s1 = f32x4.add(a1, d1), s2 = f32x4.add(a2, d2);
      // Then each row of Gg times G^T: 4 xi values.
      storeFilterRow(out, step, a0, a1, a2);
      storeFilterRow(out + 4 * step, step, f32x4.mul(f32x4.add(s0, b0), half), f32x4.mul(f32x4.add(s1, b1), half), f32x4.mul(f32x4.add(s2, b2), half));
      storeFilterRow(out + 8 * step, step, f32x4.mul(f32x4.sub(s0, b0), half), f32x4.mul(f32x4.sub(s1, b1), half), f32x4.mul(f32x4.sub(s2, b2), half));
      storeFilterRow(out + 12 * step, step, d0, d1, d2);
      out += 16;
    }
  }
}

/** Stores lane q of the 3 vectors (a, b, d) to out[9q + 0..2] for lanes q < n. */
// @ts-ignore: decorator
@inline export function scatterRow(out: usize, n: i32, a: v128, b: v128, d: v128): void {
  store<f32>(out, f32x4.extract_lane(a, 0)); store<f32>(out, f32x4.extract_lane(b, 0), 4); store<f32>(out, f32x4.extract_lane(d, 0), 8);
  if (n > 1) { store<f32>(out, f32x4.extract_lane(a, 1), 36); store<f32>(out, f32x4.extract_lane(b, 1), 40); store<f32>(out, f32x4.extract_lane(d, 1), 44); }
  if (n > 2) { store<f32>(out, f32x4.extract_lane(a, 2), 72); store<f32>(out, f32x4.extract_lane(b, 2), 76); store<f32>(out, f32x4.extract_lane(d, 2), 80); }
  if (n > 3) { store<f32>(out, f32x4.extract_lane(a, 3), 108); store<f32>(out, f32x4.extract_lane(b, 3), 112); store<f32>(out, f32x4.extract_lane(d, 3), 116); }
}

/**
 * The filter gradient from its Winograd sums: dW[kc] = G^T m G (3x3 from 4x4), m[xi] = the sum over
 * `partials` partial sums (pStride floats apart) of S[xi][kc] (KC floats per xi row), for kc in [kc0, kc1);
 * dW [KC][3][3] at out. Lanes are 4 consecutive kc (reads past kc1 within the buffer are ignored).
 */
export function winoFilterGrad(S: usize, partials: i32, pStride: i32, KC: i32, kc0: i32, kc1: i32, out: usize): void {
  const xiBytes = <usize>KC << 2, pBytes = <usize>pStride << 2;
  const half = f32x4.splat(0.5);
  for (let kc = kc0; kc < kc1; kc += 4) {
    const n = min(4, kc1 - kc);
    const base = S + (<usize>kc << 2);
    // Columns j of G^T m: r0 = m0 + (m1 + m2)/2, r1 = (m1 - m2)/2, r2 = (m1 + m2)/2 + m3 (mi = m[4i + j]).
    let r00 = f32x4.splat(0), r01 = r00, r02 = r00, r03 = r00, r10 = r00, r11 = r00, r12 = r00, r13 = r00, r20 = r00, r21 = r00, r22 = r00, r23 = r00;
    for (let j = 0; j < 4; j++) {
      let m0 = f32x4.splat(0), m1 = m0, m2 = m0, m3 = m0;
      for (let p = 0; p < partials; p++) {
        const at = base + <usize>p * pBytes + <usize>j * xiBytes;
        m0 = f32x4.add(m0, v128.load(at));
        m1 = f32x4.add(m1, v128.load(at + 4 * xiBytes));
        m2 = f32x4.add(m2, v128.load(at + 8 * xiBytes));
        m3 = f32x4.add(m3, v128.load(at + 12 * xiBytes));
      }
      const h = f32x4.mul(f32x4.add(m1, m2), half);
      const r0 = f32x4.add(m0, h), r1 = f32x4.mul(f32x4.sub(m1, m2), half), r2 = f32x4.add(h, m3);
      if (j == 0) { r00 = r0; r10 = r1; r20 = r2; } else if (j == 1) { r01 = r0; r11 = r1; r21 = r2; } else if (j == 2) { r02 = r0; r12 = r1; r22 = r2; } else { r03 = r0; r13 = r1; r23 = r2; }
    }
    // Rows i of (G^T m) G: (r_i0 + (r_i1 + r_i2)/2, (r_i1 - r_i2)/2, (r_i1 + r_i2)/2 + r_i3).
    const o = out + (<usize>(kc * 9) << 2);
    let h = f32x4.mul(f32x4.add(r01, r02), half);
    scatterRow(o, n, f32x4.add(r00, h), f32x4.mul(f32x4.sub(r01, r02), half), f32x4.add(h, r03));
    h = f32x4.mul(f32x4.add(r11, r12), half);
    scatterRow(o + 12, n, f32x4.add(r10, h), f32x4.mul(f32x4.sub(r11, r12), half), f32x4.add(h, r13));
    h = f32x4.mul(f32x4.add(r21, r22), half);
    scatterRow(o + 24, n, f32x4.add(r20, h), f32x4.mul(f32x4.sub(r21, r22), half), f32x4.add(h, r23));
  }
}
