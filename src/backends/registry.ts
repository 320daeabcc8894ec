/** Which backend runs kernels, and how ops reach it. Selection is explicit and observable. */
import type { Backend } from './backend.js';
import { ReferenceBackend } from './reference/index.js';

const backends = new Map<string, () => Backend>([['reference', () => new ReferenceBackend()]]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;

/** Makes another backend available to `setBackend` (the wasm backend registers itself this way). */
export function registerBackend(name: string, factory: () => Backend): void {
  backends.set(name, factory);
}

export function setBackend(name: string): Backend {
  const factory = backends.get(name);
  if (!factory) throw new Error(`setBackend: unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
  let b = instances.get(name);
  if (!b) {
    b = factory();
    instances.set(name, b);
  }
  current = b;
  return b;
}

export function getBackend(): Backend {
  return current ?? setBackend('reference');
}

/** What runs and why, e.g. "reference: plain TypeScript kernels (the oracle)". */
export function backend(): string {
  return getBackend().describe();
}

/** Live backend buffers and bytes. */
export function memory() {
  return getBackend().memory();
}
