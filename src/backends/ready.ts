/**
 * `ready()`: the one await that makes the fastest backend available. Node compiles the kernels
 * synchronously on first use, so there it only waits for worker threads to boot; browsers fetch and
 * compile the kernel builds that can run here (threaded, relaxed SIMD), then the default backend
 * is chosen again, so nothing done before is locked to the reference backend.
 */
import { backend, getBackend, refreshDefault } from './registry.js';
import { isNode, relaxedSimdSupport, simdSupport, threadSupport } from './wasm/features.js';
import { initWasm, setWasmPaths, wasmLoaded, type WasmBuild, type WasmPaths } from './wasm/loader.js';
import { wasmThreads } from './wasm/index.js';

export interface ReadyOptions {
  /** Where the .wasm files are served (see `setWasmPaths`); default: beside the neocog module. */
  wasmPaths?: WasmPaths;
}

const inflight = new Map<WasmBuild, Promise<string | null>>();

/** Resolves to `backend()` (what runs, and why) once the kernels and worker threads are up. */
export async function ready(options: ReadyOptions = {}): Promise<string> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`ready: options must be an object like { wasmPaths }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const k of Object.keys(options)) if (k !== 'wasmPaths') throw new TypeError(`ready: unknown option '${k}' (expected wasmPaths)`);
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  if (!isNode && simdSupport().ok) {
    // 'single' always (it decides whether the wasm backend is available); the threaded and relaxed-SIMD
    // (fused multiply-add) builds where they can run, so the runtime can pick its preferred one.
    const threaded = wasmThreads() > 1 && threadSupport().ok;
    const relaxed = relaxedSimdSupport().ok;
    const builds: WasmBuild[] = ['single', ...(threaded ? ['threads' as const] : []),
      ...(relaxed ? ['relaxed-single' as const] : []), ...(relaxed && threaded ? ['relaxed-threads' as const] : [])];
    const missing = builds.filter((b) => !wasmLoaded(b));
    const results = await Promise.all(missing.map((b) => load(b)));
    if (results.some((r) => r === null)) refreshDefault();
  }
  const b = getBackend() as { ready?: () => Promise<unknown> };
  await b.ready?.();
  return backend();
}

function load(build: WasmBuild): Promise<string | null> {
  let p = inflight.get(build);
  if (!p) {
    p = initWasm(undefined, build).finally(() => inflight.delete(build));
    inflight.set(build, p);
  }
  return p;
}
