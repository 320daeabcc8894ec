/** Which backend runs kernels, and how ops reach it. Selection is explicit and observable. */
import type { Backend } from './backend.js';
import { ReferenceBackend } from './reference/index.js';
import { WasmBackend, wasmAvailability } from './wasm/index.js';
import { noExtra, options as checkOptions, show, suggest } from '../ops/args.js';
import { fail } from '../ops/validate.js';

const backends = new Map<string, () => Backend>([
  ['reference', () => new ReferenceBackend()],
  ['wasm', () => new WasmBackend()],
]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;

/** Makes another backend available to `setBackend` (the wasm backend registers itself this way). */
export function registerBackend(name: string, factory: () => Backend): void {
  if (typeof name !== 'string' || name === '') fail('registerBackend', `name must be a non-empty string, got ${show(name)}`);
  if (typeof factory !== 'function') fail('registerBackend', `factory must be a function returning a Backend, got ${show(factory)}`);
  noExtra('registerBackend', arguments, 2);
  backends.set(name, factory);
}

/** Why the default is not wasm (empty when it is, or when a backend was chosen explicitly). */
let defaultNote = '';

/** NEOCOG_BACKEND if set, else wasm wherever WebAssembly SIMD validates and the kernels load, else reference. */
function defaultBackend(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NEOCOG_BACKEND;
  if (env) return env;
  const wasm = wasmAvailability();
  defaultNote = wasm.ok ? '' : ` (${wasm.reason})`;
  return wasm.ok ? 'wasm' : 'reference';
}

/** Whether the user chose the backend (setBackend); if not, `refreshDefault` may choose again. */
let explicit = false;

/** Selects a backend; `options` go to backends that take them (wasm: `{ threads }`). */
export function setBackend(name: string, options?: Record<string, unknown>): Backend {
  if (typeof name !== 'string') fail('setBackend', `name must be a backend name (${[...backends.keys()].join(', ')}), got ${show(name)}`);
  noExtra('setBackend', arguments, 2);
  explicit = true;
  return select(name, options);
}

/**
 * Chooses the default backend again unless the user chose one: called by `ready()` once kernels that
 * were missing have loaded (browsers fetch them asynchronously), so an early call never locks neocog
 * to the reference backend. A wasm backend made before they loaded is replaced.
 */
export function refreshDefault(): void {
  const old = instances.get('wasm');
  if (old) {
    instances.delete('wasm');
    (old as { dispose?: () => void }).dispose?.();
  }
  if (!explicit) {
    current = null;
    defaultNote = '';
  } else if (old && current === old) {
    current = null;
    select('wasm');
  }
}

function select(name: string, options?: Record<string, unknown>): Backend {
  const factory = backends.get(name);
  if (!factory) fail('setBackend', `unknown backend '${name}'`, suggest(name, [...backends.keys()]));
  let b = instances.get(name);
  if (!b) {
    b = factory();
    instances.set(name, b);
  }
  // Each backend names the options it takes (wasm: threads, ...); a misspelt one is refused, not ignored.
  if (options !== undefined) checkOptions<Record<string, unknown>>('setBackend', options, (b as { optionKeys?: readonly string[] }).optionKeys ?? []);
  if (options) (b as { configure?: (o: Record<string, unknown>) => void }).configure?.(options);
  if (b !== current && current) defaultNote = '';
  current = b;
  return b;
}

export function getBackend(): Backend {
  noExtra('getBackend', arguments, 0);
  return current ?? select(defaultBackend());
}

/** What runs and why, e.g. "reference: plain TypeScript kernels (the oracle)". */
export function backend(): string {
  noExtra('backend', arguments, 0);
  return getBackend().describe() + defaultNote;
}

/** Live backend buffers and bytes. */
export function memory() {
  noExtra('memory', arguments, 0);
  return getBackend().memory();
}

/**
 * Runs `fn` with `b` as the current backend, then restores the previous one (internal: summary runs a
 * model on the meta backend this way). Tensors made inside stay on `b`.
 */
export function withBackend<T>(b: Backend, fn: () => T): T {
  const was = getBackend();
  current = b;
  try {
    return fn();
  } finally {
    current = was;
  }
}
