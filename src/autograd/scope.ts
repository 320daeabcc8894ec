import { NeocogError } from '../ops/validate.js';
import { show } from '../ops/args.js';
/**
 * Explicit memory scopes for tight loops. Tensors are freed by the garbage collector anyway
 * (FinalizationRegistry); `tidy` frees them deterministically when the function returns.
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

/** Marks a tensor to outlive the enclosing `tidy` scopes (e.g. gradients, optimizer state). */
export function keep<T extends Disposable>(t: T): T {
  t.kept = true;
  return t;
}

function collect(value: unknown, out: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ('dispose' in value && 'kept' in value) {
    out.add(value);
    return;
  }
  const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of items) collect(v, out, depth + 1);
}

/**
 * Runs `fn`, then disposes every tensor created inside it except those it returns (searched in
 * arrays, maps and plain objects) and those marked with `keep`. Returned tensors move to the outer scope.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new NeocogError('tidy', `fn must be a function, got ${show(fn)}`);
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (it returned a Promise)');
  const survivors = new Set<unknown>();
  collect(result, survivors);
  for (const t of scope) {
    if (survivors.has(t)) trackInScope(t);
    else if (!t.kept && !t.isDisposed) t.dispose();
  }
  return result;
}
