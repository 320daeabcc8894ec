/**
 * Finds and compiles the kernels that `npm run build:wasm` builds from asm/ (AssemblyScript) into
 * ./gen/ next to this file (src/backends/wasm/gen when running from source, dist/backends/wasm/gen
 * after `npm run build`). Node compiles synchronously from disk; browsers call `initWasm()` first.
 */
import { isNode, nodeModule } from './features.js';
import { noExtra, oneOf, show } from '../../ops/args.js';
import { NeocogError } from '../../ops/validate.js';

/**
 * File names: builds on plain memory and on shared memory (worker threads), each in strict SIMD and in
 * relaxed SIMD (fused multiply-add where the engine has it).
 */
export const WASM_FILES = {
  single: 'neocog-simd.wasm',
  threads: 'neocog-simd-threads.wasm',
  'relaxed-single': 'neocog-relaxed.wasm',
  'relaxed-threads': 'neocog-relaxed-threads.wasm',
} as const;
export type WasmBuild = keyof typeof WASM_FILES;

const compiled = new Map<WasmBuild, WebAssembly.Module>();
const failures = new Map<WasmBuild, string>();

/**
 * Where browsers fetch the kernels from: a folder URL that holds the .wasm files (like ONNX Runtime Web's
 * `env.wasm.wasmPaths`), or one URL per file name. Unset: the file beside this module, written as
 * `new URL('./gen/x.wasm', import.meta.url)` so Vite, webpack 5 and Parcel emit and rewrite it.
 */
export type WasmPaths = string | URL | Partial<Record<(typeof WASM_FILES)[WasmBuild], string | URL>>;
let paths: WasmPaths | null = null;

/** Sets (or with null clears) where the kernels are fetched from; takes effect at the next `ready()`. */
export function setWasmPaths(p: WasmPaths | null): void {
  if (p !== null && typeof p !== 'string' && !(p instanceof URL) && (typeof p !== 'object' || Array.isArray(p))) {
    throw new TypeError(`setWasmPaths: expected a folder URL string, a URL or { '${WASM_FILES.single}': url, ... }, got ${Array.isArray(p) ? 'an array' : typeof p}`);
  }
  if (p !== null && typeof p === 'object' && !(p instanceof URL)) {
    const known = Object.values(WASM_FILES) as string[];
    for (const k of Object.keys(p)) if (!known.includes(k)) throw new TypeError(`setWasmPaths: unknown file '${k}' (expected ${known.join(' or ')})`);
  }
  paths = p;
  for (const b of Object.keys(WASM_FILES) as WasmBuild[]) if (!compiled.has(b)) failures.delete(b);
}

export function wasmUrl(build: WasmBuild): URL {
  const file = WASM_FILES[build];
  const base = (globalThis as { location?: { href: string } }).location?.href;
  if (typeof paths === 'string' || paths instanceof URL) {
    const dir = String(paths);
    return new URL(file, new URL(dir.endsWith('/') ? dir : `${dir}/`, base));
  }
  const one = paths?.[file];
  if (one !== undefined) return new URL(String(one), base);
  // One literal `new URL(...)` per file, so bundlers see (and emit) each of them.
  switch (build) {
    case 'single': return new URL('./gen/neocog-simd.wasm', import.meta.url);
    case 'threads': return new URL('./gen/neocog-simd-threads.wasm', import.meta.url);
    case 'relaxed-single': return new URL('./gen/neocog-relaxed.wasm', import.meta.url);
    case 'relaxed-threads': return new URL('./gen/neocog-relaxed-threads.wasm', import.meta.url);
    default: throw new TypeError(`wasmUrl: unknown build ${String(build)} (expected ${Object.keys(WASM_FILES).join(', ')})`);
  }
}

/** Whether `build` is compiled and ready to instantiate. */
export function wasmLoaded(build: WasmBuild): boolean {
  return compiled.has(build);
}

type Fs = { readFileSync(p: URL): Uint8Array; existsSync(p: URL): boolean };

/** The compiled module, or a reason why there is none. */
export function loadWasm(build: WasmBuild): WebAssembly.Module | string {
  const hit = compiled.get(build) ?? failures.get(build);
  if (hit !== undefined) return hit;
  let result: WebAssembly.Module | string;
  const fs = nodeModule<Fs>('node:fs');
  if (!fs) {
    result = isNode ? 'node:fs is unavailable' : 'kernels not loaded in this browser yet (await neocog.ready() first)';
  } else {
    const url = wasmUrl(build);
    if (!fs.existsSync(url)) {
      result = `kernels not built: ${url.pathname} is missing (run npm run build:wasm)`;
    } else {
      try {
        result = new WebAssembly.Module(fs.readFileSync(url) as Uint8Array<ArrayBuffer>);
      } catch (e) {
        result = `could not compile ${WASM_FILES[build]}: ${(e as Error).message}`;
      }
    }
  }
  if (typeof result === 'string') failures.set(build, result);
  else compiled.set(build, result);
  return result;
}

/**
 * Fetches and compiles the kernels asynchronously (browsers, where there is no synchronous file
 * access), from `source` or from the file beside this module. Returns the reason on failure.
 */
export async function initWasm(source?: BufferSource | URL | string, build: WasmBuild = 'single'): Promise<string | null> {
  // Load failures come back as the reason; a wrong argument is the caller's mistake and throws.
  const isBytes = source instanceof ArrayBuffer || ArrayBuffer.isView(source) || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer);
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL) && !isBytes) {
    throw new NeocogError('initWasm', `source must be a URL, a URL string or the .wasm bytes (ArrayBuffer or typed array), got ${show(source)}`);
  }
  oneOf('initWasm', 'build', build, Object.keys(WASM_FILES) as WasmBuild[]);
  noExtra('initWasm', arguments, 2);
  let where = 'the given bytes';
  try {
    let bytes: BufferSource;
    if (source instanceof URL || typeof source === 'string' || source === undefined) {
      where = String(source ?? wasmUrl(build));
      // Node's fetch has no file: scheme; read such URLs (the default beside this module) from disk.
      const fs = where.startsWith('file:') ? nodeModule<Fs>('node:fs') : null;
      if (fs) {
        bytes = fs.readFileSync(new URL(where)) as Uint8Array<ArrayBuffer>;
      } else {
        const res = await fetch(where);
        if (!res.ok) throw new Error(`HTTP ${res.status} (copy the .wasm files there, or point setWasmPaths / ready({ wasmPaths }) at them)`);
        bytes = await res.arrayBuffer();
      }
    } else {
      bytes = source;
    }
    compiled.set(build, await WebAssembly.compile(bytes));
    failures.delete(build);
    return null;
  } catch (e) {
    const reason = `could not load ${WASM_FILES[build]} from ${where}: ${(e as Error).message}`;
    failures.set(build, reason);
    return reason;
  }
}
