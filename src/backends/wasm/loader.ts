/**
 * Finds and compiles the kernels that `npm run build:wasm` builds from asm/ (AssemblyScript) into
 * ./gen/ next to this file (src/backends/wasm/gen when running from source, dist/backends/wasm/gen
 * after `npm run build`). Node compiles synchronously from disk; browsers call `initWasm()` first.
 */
import { isNode, nodeModule } from './features.js';

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

export function wasmUrl(build: WasmBuild): URL {
  return new URL(`./gen/${WASM_FILES[build]}`, import.meta.url);
}

type Fs = { readFileSync(p: URL): Uint8Array; existsSync(p: URL): boolean };

/** The compiled module, or a reason why there is none. */
export function loadWasm(build: WasmBuild): WebAssembly.Module | string {
  const hit = compiled.get(build) ?? failures.get(build);
  if (hit !== undefined) return hit;
  let result: WebAssembly.Module | string;
  const fs = nodeModule<Fs>('node:fs');
  if (!fs) {
    result = isNode ? 'node:fs is unavailable' : 'kernels not loaded in this browser yet (await initWasm() first)';
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
  try {
    let bytes: BufferSource;
    if (source instanceof URL || typeof source === 'string' || source === undefined) {
      const res = await fetch(source ?? wasmUrl(build));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = await res.arrayBuffer();
    } else {
      bytes = source;
    }
    compiled.set(build, await WebAssembly.compile(bytes));
    failures.delete(build);
    return null;
  } catch (e) {
    const reason = `could not load ${WASM_FILES[build]}: ${(e as Error).message}`;
    failures.set(build, reason);
    return reason;
  }
}
