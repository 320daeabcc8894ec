/** Symmetric sparse graphs (CSR) from kNN lists, shared by t-SNE and UMAP. */

/**
 * The union of the directed kNN edges i -> index[i*k+j] (weight w[i*k+j]) and their reverses, as CSR rows
 * sorted by column: an edge present both ways gets combine(w_ij, w_ji), an edge present one way combine(w, 0).
 * Self-loops and zero weights are dropped.
 */
export function symmetrize(index: Int32Array, w: Float64Array, n: number, k: number, combine: (a: number, b: number) => number): { rowStart: Int32Array; col: Int32Array; val: Float64Array } {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) { count[i + 1]++; count[index[i * k + j] + 1]++; }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  // Each row: its own out-edges (own = 1) and the reversed in-edges (own = 0).
  const fill = count.slice(0, n), cols = new Int32Array(2 * n * k), vals = new Float64Array(2 * n * k), own = new Uint8Array(2 * n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
    const m = index[i * k + j], v = w[i * k + j];
    let p = fill[i]++; cols[p] = m; vals[p] = v; own[p] = 1;
    p = fill[m]++; cols[p] = i; vals[p] = v; own[p] = 0;
  }
  const rowStart = new Int32Array(n + 1), col = new Int32Array(2 * n * k), val = new Float64Array(2 * n * k);
  const order: number[] = [];
  let e = 0;
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let p = count[i]; p < count[i + 1]; p++) order.push(p);
    order.sort((x, y) => cols[x] - cols[y] || own[y] - own[x]);
    for (let q = 0; q < order.length; q++) {
      const p = order[q];
      const both = q + 1 < order.length && cols[order[q + 1]] === cols[p];
      const v = both ? combine(vals[p], vals[order[++q]]) : own[p] ? combine(vals[p], 0) : combine(0, vals[p]);
      if (v > 0 && cols[p] !== i) { col[e] = cols[p]; val[e++] = v; }
    }
    rowStart[i + 1] = e;
  }
  return { rowStart, col: col.slice(0, e), val: val.slice(0, e) };
}
