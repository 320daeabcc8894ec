/** Reverse-mode differentiation: topological order over the tape, then one reverse walk. */
import { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/creation.js';
import { fmtShape, shapesEqual } from '../tensor/shape.js';
import { run1 } from '../ops/kernel.js';
import { keep } from './scope.js';
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

/** `root.backward(grad)`: fills `.grad` of every leaf that requires grad (accumulating, like PyTorch). */
export function runBackward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad and has no gradFn (hint: create inputs with requiresGrad: true, and do not call backward inside noGrad)');
  }
  if (!grad && root.size !== 1) {
    throw new Error(`backward: grad can be implicitly created only for one-element outputs; got [${root.shape.join(',')}] (hint: pass a gradient of the same shape, or reduce with .sum() first)`);
  }
  const seed = grad ?? full(root.shape, 1, { dtype: root.dtype });
  if (!shapesEqual(seed.shape, root.shape)) throw new Error(`backward: grad shape ${fmtShape(seed.shape)} does not match output shape ${fmtShape(root.shape)}`);
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    const order = topologicalOrder(root);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const dy = grads.get(t);
      if (!dy) continue;
      grads.delete(t);
      if (!t.gradFn || t.retainsGrad) {
        t.grad = keep(t.grad ? accumulate(t.grad, dy) : dy.dtype === t.dtype ? dy : run1('Cast', [dy], { dtype: t.dtype }));
      }
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
}

