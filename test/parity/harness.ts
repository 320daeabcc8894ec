/**
 * Parity harness: runs a kernel on the wasm backend and on the reference kernel (the oracle) with the
 * same seeded inputs and compares. Float tolerance: |wasm - ref| <= 1e-4 * |ref| + 1e-5 * sqrt(Kred),
 * where Kred is the length of the reduction behind each output (float32 sums in a different order
 * than the reference's float64 sums). Kernels documented as bit-identical are compared exactly.
 */
import { expect } from 'vitest';
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import type { Buf } from '../../src/backends/reference/types.js';
import type { KernelName, KernelSpecs } from '../../src/kernels/specs.js';
import { allocArray, type DType } from '../../src/tensor/dtype.js';

/** mulberry32: small seeded PRNG so failures are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randBuf(rand: () => number, shape: number[], dtype: DType = 'float32'): Buf {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = allocArray(dtype, size);
  for (let i = 0; i < size; i++) values[i] = dtype === 'int32' ? Math.floor(rand() * 10) : rand() * 2 - 1;
  return { values, shape, dtype };
}

/** The SIMD builds parity runs on: relaxed (fused multiply-add, the default where the engine has it) and strict. */
export type SimdBuild = 'relaxed' | 'strict';
export const SIMD_BUILDS: SimdBuild[] = ['relaxed', 'strict'];

/** One wasm backend per thread count and SIMD build, shared by a test file (workers booted before use). */
const backends = new Map<string, WasmBackend>();
export async function wasmBackend(threads: number, simd: SimdBuild = 'relaxed'): Promise<WasmBackend> {
  let b = backends.get(`${threads}:${simd}`);
  if (!b) {
    // workerFirst: every split kernel surely runs chunks on the worker, so "threaded" is deterministic.
    // poison: scratch starts as NaN, so a kernel reading memory it never wrote fails the comparison.
    b = new WasmBackend({ threads, workerFirst: true, poison: true, relaxedSimd: simd === 'relaxed' });
    backends.set(`${threads}:${simd}`, b);
    expect(b.threads).toBe(threads);
    expect(b.describe()).toContain(simd === 'relaxed' ? 'relaxed: fused multiply-add' : 'strict');
    expect(await b.ready()).toBe(true);
  }
  return b;
}
export function closeBackends(): void {
  for (const b of backends.values()) b.dispose();
  backends.clear();
}

export interface ParityResult {
  wasm: Buf[];
  ref: Buf[];
  /** Whether worker threads took part. */
  threaded: boolean;
}

let calls = 0;

/** Whether two arrays hold the same bits (fast: toEqual on large typed arrays is very slow). */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Buffer.compare(x, y) === 0;
}

/** Runs `name` on both sides; expects the wasm path (not a fallback) unless `expectFallback`. */
export function runBoth<K extends KernelName>(
  backend: WasmBackend, name: K, inputs: Buf[], attrs: KernelSpecs[K], expectFallback = false,
): ParityResult {
  const infos = inputs.map((b) => ({ dataId: backend.write(b.values.slice(), b.dtype), shape: b.shape, dtype: b.dtype }));
  const before = backend.stats.get(name)?.wasm ?? 0, jobs = backend.workerJobs;
  // Every other call, operands are read from scratch copies instead of resident storage (both paths run).
  backend.store.promote = calls++ % 2 === 0;
  const outs = backend.runKernel(name, infos, attrs);
  backend.store.promote = true;
  // A kernel reads resident inputs in place: it must never write to them.
  infos.forEach((info, i) => {
    const resident = backend.store.wasmCopy(info.dataId);
    if (resident) expect(sameBits(resident, inputs[i].values), `${name} left input ${i} unchanged`).toBe(true);
  });
  const wasm = outs.map((o) => ({ values: backend.readSync(o.dataId).slice(), shape: o.shape, dtype: o.dtype }));
  for (const i of [...infos, ...outs]) backend.release(i.dataId);
  const ranWasm = (backend.stats.get(name)?.wasm ?? 0) > before;
  expect(ranWasm, `${name} ${ranWasm ? 'ran in wasm' : `fell back: ${backend.stats.get(name)?.reason}`}`).toBe(!expectFallback);
  const kernel = referenceKernels[name] as (i: Buf[], a: KernelSpecs[K]) => Buf[];
  return { wasm, ref: kernel(inputs, attrs), threaded: backend.workerJobs > jobs };
}

/** Asserts shapes, dtypes and values: within tolerance for reductions of length `kred`, exact when kred = 0. */
export function expectClose(r: ParityResult, kred: number, label: string): void {
  expect(r.wasm.length).toBe(r.ref.length);
  const atol = 1e-5 * Math.sqrt(kred);
  r.wasm.forEach((w, o) => {
    const ref = r.ref[o];
    expect(w.shape, `${label} output ${o} shape`).toEqual(ref.shape);
    expect(w.dtype, `${label} output ${o} dtype`).toBe(ref.dtype);
    expect(w.values.length).toBe(ref.values.length);
    let worst = -1, worstExcess = 0;
    for (let i = 0; i < w.values.length; i++) {
      const a = w.values[i], b = ref.values[i];
      if (kred === 0 || Number.isNaN(b)) {
        if (!Object.is(a, b)) { worst = i; break; } // bit-identical: -0 differs from +0
        continue;
      }
      const excess = Math.abs(a - b) - (1e-4 * Math.abs(b) + atol);
      if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) { worst = i; worstExcess = excess; }
    }
    if (worst >= 0) {
      expect.fail(`${label} output ${o}[${worst}]: wasm ${w.values[worst]} vs reference ${ref.values[worst]} (kred ${kred}, atol ${atol.toExponential(1)})`);
    }
  });
}
