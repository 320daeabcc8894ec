// AssemblyScript: Winograd F(2x2, 3x3) transforms for stride-1 3x3 convolutions (Lavin & Gray 2016).
// A 4x4 input patch d becomes V = B^T d B, a 3x3 filter g becomes U = G g G^T (on the JS side), the
// 16 products M = U . V (summed over channels) are 16 GEMMs, and Y = A^T M A gives a 2x2 output tile:
// 16 multiplies per tile and channel instead of 36. Four horizontally adjacent tiles share each vector.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],   A^T = [1 1 1 0; 0 1 -1 -1].

/**
 * V[xi][c][t] for tiles t = ty*TW + tx of the zero-padded planes xpad [C][Hp][Wp] (Hp >= 2*TH + 2,
 * Wp >= 2*TW + 2, TW a multiple of 4); xi = 4*i + j; V has T floats per (xi, c) row. `tmp`: 256 bytes.
 */
export function winoInput(xpad: usize, C: i32, Hp: i32, Wp: i32, TH: i32, TW: i32, V: usize, T: i32, tmp: usize): void {
  const Wb = <usize>Wp << 2;
  const step = <usize>C * <usize>T << 2; // bytes between xi rows
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
 * Y = A^T M A for TH x TW tiles: M[xi][k][t] (K rows of T floats per xi) -> yv [K][yRows][2*TW] from
 * yv's first row on, the output tiles side by side (convEpilogue then crops them and adds the bias).
 */
export function winoOutput(M: usize, K: i32, T: i32, TH: i32, TW: i32, yv: usize, yRows: i32): void {
  const Wo = 2 * TW;
  const rowBytes = <usize>Wo << 2;
  const step = <usize>K * <usize>T << 2;
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
