/**
 * Implicit release points, so plain code (no tidy, no dispose) keeps memory flat and reuses storage:
 * - the end of a top-level module call: tensors created inside it that it neither returns nor keeps
 *   are unreachable to the caller. Without a recorded graph they are released at once; with one,
 *   gradient rules may still read them, so they ride on the output's graph node until backward()
 *   has consumed it (PyTorch's retain_graph=False).
 * - backward(): every gradient it computes except those stored in `.grad` (see ./backward.ts).
 * Anything a user stashed (forward hooks' arguments are never released) and every tensor that no
 * release point covers is still reclaimed by the garbage collector.
 */
import type { Tensor } from '../tensor/tensor.js';
import { closeScope, collectTensors, openScope, trackInScope, type Disposable } from './scope.js';

let callDepth = 0;
const escaped = new WeakSet<object>();

/** Tensors handed to user code during a module call (hook arguments) may be kept there: never release them. */
export function markEscaped(value: unknown): void {
  const found = new Set<unknown>();
  collectTensors(value, found);
  for (const t of found) escaped.add(t as object);
}

/**
 * Runs a module's forward. At the outermost call, releases (now, or after backward) the tensors it
 * created that nobody outside can reach. Module state needs no lookup here: parameters and
 * registered buffers are kept (Parameter's constructor, registerBuffer and buffer assignment call
 * keep()), and kept tensors are never released.
 */
export function runModuleCall<T>(fn: () => T): T {
  callDepth++;
  if (callDepth > 1) {
    try {
      return fn();
    } finally {
      callDepth--;
    }
  }
  const scope = openScope();
  let out: T;
  try {
    out = fn();
  } catch (e) {
    closeScope(scope);
    for (const t of scope) trackInScope(t);
    throw e;
  } finally {
    callDepth--;
  }
  closeScope(scope);
  settle(scope, out);
  return out;
}

/** `fn` wrapped so that each outermost call releases its internal tensors like a module call. */
export function opaqueCall<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const wrapped = (...args: A): R => runModuleCall(() => fn(...args));
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}

const BY_CALL = 'the end of the module call that created it (it was neither returned nor kept)';
export const BY_BACKWARD = 'backward() (it was an intermediate of the graph backward consumed; pass { retainGraph: true } to backward to keep the graph)';

function settle(scope: Set<Disposable>, out: unknown): void {
  const survivors = new Set<unknown>();
  collectTensors(out, survivors);
  let graph = false;
  const orphans: Tensor[] = [];
  for (const d of scope) {
    const t = d as Tensor;
    trackInScope(t); // an enclosing tidy still sees every tensor
    if (t.gradFn) graph = true;
    if (t.isDisposed || t.kept || survivors.has(t) || escaped.has(t) || (t.isLeaf && t.requiresGrad)) continue;
    orphans.push(t);
  }
  if (orphans.length === 0) return;
  if (!graph) {
    for (const t of orphans) t.release(BY_CALL);
    return;
  }
  // Gradient rules of the output's graph may have saved any of them: release after backward.
  for (const s of survivors) {
    const node = (s as Tensor).gradFn;
    if (node) {
      (node.releaseAfter ??= []).push(...orphans);
      return;
    }
  }
  // A graph the output does not lead to (e.g. stashed by forward): leave them to the garbage collector.
}
