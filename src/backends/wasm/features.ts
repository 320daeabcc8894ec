/**
 * What this JavaScript engine offers the wasm backend: WebAssembly SIMD (validated on a tiny module),
 * shared memory + workers for threads, and how many cores there are. Every "no" comes with a reason.
 */

/** (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)) — the wasm-feature-detect probe. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export interface Feature {
  ok: boolean;
  /** Why not (empty when ok). */
  reason: string;
}

type NodeProcess = { versions?: { node?: string }; env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
const proc = (globalThis as { process?: NodeProcess }).process;

export const isNode = typeof proc?.versions?.node === 'string';

/** A Node built-in module, synchronously (Node >= 20.16), or null outside Node. */
export function nodeModule<T>(id: string): T | null {
  return isNode && typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T) : null;
}

export function envVar(name: string): string | undefined {
  return proc?.env?.[name];
}

let simdCache: Feature | null = null;

/** A function computing f32x4.relaxed_madd (built by asc with --enable relaxed-simd). */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 5, 3, 1, 0, 0, 7, 14, 2, 1, 102, 0, 0, 6, 109,
  101, 109, 111, 114, 121, 2, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);
let relaxedCache: Feature | null = null;

/**
 * Relaxed SIMD (fused multiply-add): Chrome >= 114, Node >= 22, Node 20 once the V8 flag is set (done
 * here, before any relaxed module compiles). NEOCOG_RELAXED_SIMD=0 turns it off.
 */
export function relaxedSimdSupport(): Feature {
  if (relaxedCache) return relaxedCache;
  const simd = simdSupport();
  if (!simd.ok) return (relaxedCache = simd);
  if (envVar('NEOCOG_RELAXED_SIMD') === '0') return (relaxedCache = { ok: false, reason: 'relaxed SIMD off: NEOCOG_RELAXED_SIMD=0' });
  let ok = WebAssembly.validate(RELAXED_PROBE);
  if (!ok && isNode) {
    try {
      nodeModule<{ setFlagsFromString(flags: string): void }>('node:v8')?.setFlagsFromString('--experimental-wasm-relaxed-simd');
      ok = WebAssembly.validate(RELAXED_PROBE);
    } catch {
      ok = false;
    }
  }
  return (relaxedCache = ok ? { ok, reason: '' } : { ok, reason: 'this engine rejects WebAssembly relaxed SIMD' });
}

export function simdSupport(): Feature {
  if (simdCache) return simdCache;
  if (typeof WebAssembly !== 'object') simdCache = { ok: false, reason: 'WebAssembly is not available' };
  else {
    let ok = false;
    try {
      ok = WebAssembly.validate(SIMD_PROBE);
    } catch {
      ok = false;
    }
    simdCache = ok ? { ok, reason: '' } : { ok, reason: 'this engine rejects WebAssembly SIMD (WebAssembly.validate failed)' };
  }
  return simdCache;
}

/** Node worker_threads, or browser Web Workers. */
export type WorkerKind = 'node' | 'web';

/** The worker kind this runtime can start, or why none. */
export function workerKind(): WorkerKind | string {
  if (isNode) return nodeModule('node:worker_threads') ? 'node' : 'node:worker_threads is unavailable';
  return webWorkerSupport() ?? 'web';
}

/** Why Web Workers cannot be started from a Blob URL here (null when they can). */
export function webWorkerSupport(): string | null {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof g.Worker !== 'function') return 'this environment has no Web Workers';
  if (typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return 'this environment cannot start a Web Worker from a Blob URL';
  return null;
}

/**
 * Whether kernels can run on several threads over one shared WebAssembly.Memory here, with workers of
 * `kind` (default: what this runtime has).
 */
export function threadSupport(kind: WorkerKind | string = workerKind()): Feature {
  if (typeof SharedArrayBuffer !== 'function') {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    return {
      ok: false,
      reason: isolated === false
        ? 'SharedArrayBuffer is unavailable: the page is not crossOriginIsolated (serve it with COOP/COEP headers)'
        : 'SharedArrayBuffer is unavailable',
    };
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
  } catch {
    return { ok: false, reason: 'this engine cannot create shared WebAssembly memory' };
  }
  if (kind === 'web') {
    const why = webWorkerSupport();
    if (why) return { ok: false, reason: why };
  } else if (kind !== 'node') {
    return { ok: false, reason: kind };
  }
  return { ok: true, reason: '' };
}

/** Default thread count: NEOCOG_THREADS, else the cores available to this process. */
export function defaultThreads(): number {
  const fromEnv = Number(envVar('NEOCOG_THREADS'));
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  const os = nodeModule<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, hc ?? 1);
}
