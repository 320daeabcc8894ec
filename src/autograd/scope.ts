import { NeocogError } from '../ops/validate.js';
import { show } from '../ops/args.js';
/**
 * Memory scopes. Storage nobody references is reclaimed by the garbage collector; scopes release it
 * earlier, at points the engine knows, so it is reused at once: `tidy` for explicit scopes, and the
 * implicit ones in ./release.ts (the end of a module call, backward()).
 */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Set by `keep`: survives every enclosing scope. */
  kept: boolean;
}

const scopes: Set<Disposable>[] = [];

/** Called by every new tensor. */
export function trackInScope(t: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Starts collecting the tensors created from now on (until `closeScope`). */
export function openScope(): Set<Disposable> {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  return scope;
}

export function closeScope(scope: Set<Disposable>): void {
  const top = scopes.pop();
  if (top !== scope) throw new Error('neocog internal error: memory scopes closed out of order');
}

/** Marks a tensor to outlive the enclosing `tidy` scopes (e.g. gradients, optimizer state). */
export function keep<T extends Disposable>(t: T): T {
  // Only tensors (and other disposables) carry the flag; setting it on anything else would do nothing.
  if (t === null || typeof t !== 'object' || typeof (t as { dispose?: unknown }).dispose !== 'function' || !('kept' in t)) {
    throw new NeocogError('keep', `expected a Tensor, got ${show(t)}`);
  }
  t.kept = true;
  return t;
}

/** Every tensor inside `value` (arrays, maps and plain objects, a few levels deep). */
export function collectTensors(value: unknown, out: Set<unknown>, depth = 0): void {
  // Typed arrays hold numbers, never tensors: walking them element by element would cost O(length).
  if (value === null || typeof value !== 'object' || depth > 4 || ArrayBuffer.isView(value)) return;
  if ('dispose' in value && 'kept' in value) {
    out.add(value);
    return;
  }
  const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of items) collectTensors(v, out, depth + 1);
}

/**
 * Runs `fn`, then disposes every tensor created inside it except those it returns (searched in
 * arrays, maps and plain objects) and those marked with `keep`. Returned tensors move to the outer scope.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new NeocogError('tidy', `fn must be a function, got ${show(fn)}`);
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } finally {
    closeScope(scope);
  }
  if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (it returned a Promise)');
  const survivors = new Set<unknown>();
  collectTensors(result, survivors);
  for (const t of scope) {
    if (survivors.has(t)) trackInScope(t);
    else if (!t.kept && !t.isDisposed) t.dispose();
  }
  return result;
}
