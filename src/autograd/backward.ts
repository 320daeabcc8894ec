/** Reverse-mode differentiation: topological order over the tape, then one reverse walk. */
import { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/creation.js';
import { fmtShape, shapesEqual } from '../tensor/shape.js';
import { run1 } from '../ops/kernel.js';
import { closeScope, keep, openScope, trackInScope } from './scope.js';
import { BY_BACKWARD } from './release.js';
import { noGrad } from './graph.js';

/** Tensors reachable from `root` through gradFn edges, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  // Iterative DFS: deep nets (and long unrolled loops) would overflow a recursive walk.
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next];
      if (child?.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

function accumulate(into: Tensor | undefined, g: Tensor): Tensor {
  return into ? run1('Add', [into, g], {}) : g;
}

/** `.grad` tensors backward created (the engine may release them when it replaces them; a user-set grad it never does). */
const engineGrads = new WeakSet<Tensor>();

/** Releases a `.grad` that backward created (zeroGrad, accumulation); leaves a user-assigned one alone. */
export function releaseGrad(g: Tensor | null, by: string): void {
  if (g && engineGrads.has(g)) g.release(by);
}

export interface BackwardOptions {
  /** Keep the graph (and what it saved) for another backward through it, like PyTorch's retain_graph. */
  retainGraph?: boolean;
}

const USED_GRAPH = (op: string) => () => {
  throw new Error(`backward: trying to backward through the graph a second time (at ${op}); its saved tensors were released by the first backward (hint: pass { retainGraph: true } to the first backward, or recompute the forward)`);
};

/** `root.backward(grad)`: fills `.grad` of every leaf that requires grad (accumulating, like PyTorch). */
export function runBackward(root: Tensor, grad?: Tensor, { retainGraph = false }: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad and has no gradFn (hint: create inputs with requiresGrad: true, and do not call backward inside noGrad)');
  }
  if (!grad && root.size !== 1) {
    throw new Error(`backward: grad can be implicitly created only for one-element outputs; got [${root.shape.join(',')}] (hint: pass a gradient of the same shape, or reduce with .sum() first)`);
  }
  if (grad) grad.assertAlive('backward');
  root.assertAlive('backward');
  // Every tensor created from here on is the engine's: all but the stored gradients are released at the end.
  const scope = openScope();
  const stored = new Set<Tensor>();
  const order = topologicalOrder(root);
  try {
    const seed = grad ?? full(root.shape, 1, { dtype: root.dtype });
    if (!shapesEqual(seed.shape, root.shape)) throw new Error(`backward: grad shape ${fmtShape(seed.shape)} does not match output shape ${fmtShape(root.shape)}`);
    noGrad(() => {
      const grads = new Map<Tensor, Tensor>([[root, seed]]);
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const dy = grads.get(t);
        if (!dy) continue;
        grads.delete(t);
        if (!t.gradFn || t.retainsGrad) storeGrad(t, dy, scope, stored);
        if (!t.gradFn) continue;
        const { op, inputs } = t.gradFn;
        const dxs = t.gradFn.backward(dy);
        inputs.forEach((x, k) => {
          const dx = dxs[k];
          if (!x?.requiresGrad || !dx) return;
          if (!shapesEqual(dx.shape, x.shape)) {
            throw new Error(`backward: the gradient rule of ${op} produced ${fmtShape(dx.shape)} for input ${k} of shape ${fmtShape(x.shape)} (an internal bug; please report it)`);
          }
          grads.set(x, accumulate(grads.get(x), dx));
        });
      }
    });
  } finally {
    closeScope(scope);
    for (const t of scope) {
      if (stored.has(t as Tensor)) trackInScope(t);
      else if (!t.isDisposed) (t as Tensor).release('backward() (an intermediate gradient)');
    }
  }
  if (!retainGraph) freeGraph(order);
}

/** Puts dy into t.grad (accumulating), as a tensor of its own that no other `.grad` shares. */
function storeGrad(t: Tensor, dy: Tensor, scope: Set<unknown>, stored: Set<Tensor>): void {
  let g = dy.dtype === t.dtype ? dy : run1('Cast', [dy], { dtype: t.dtype });
  if (t.grad) {
    const sum = accumulate(t.grad, g);
    releaseGrad(t.grad, 'backward() (accumulated into a new .grad)');
    g = sum;
  } else if (stored.has(g) || !scope.has(g)) {
    g = run1('Cast', [g], { dtype: g.dtype }); // a copy
  }
  stored.add(g);
  engineGrads.add(g);
  t.grad = keep(g);
}

/** Drops what the consumed graph saved (its closures) and releases the intermediates module calls left on it. */
function freeGraph(order: Tensor[]): void {
  for (const t of order) {
    const node = t.gradFn;
    if (!node) continue;
    node.backward = USED_GRAPH(node.op);
    node.inputs = [];
    const released = node.releaseAfter;
    node.releaseAfter = undefined;
    if (released) for (const x of released) x.release(BY_BACKWARD);
  }
}
