/**
 * Wasm backend timings (not a test): GEMM GFLOP/s at 1 and 2 threads (B packing included), the cost
 * of the backend's copy-in/copy-out design, and the W3 convolution (N=16, C=64, 56x56, K=64, 3x3, pad 1)
 * forward/backward against the reference backend. The machine is shared: every figure is the best
 * (and median) of several runs after a warm-up.
 * Usage: npx tsx test/parity/bench.ts [--quick]
 */
import { WasmBackend } from '../../src/backends/wasm/index.js';
import { WasmRuntime } from '../../src/backends/wasm/runtime.js';
import { gemm, packedASize } from '../../src/backends/wasm/gemm.js';
import { ReferenceBackend } from '../../src/backends/reference/index.js';
import type { Backend, TensorInfo } from '../../src/backends/backend.js';
import type { KernelName, KernelSpecs } from '../../src/kernels/specs.js';

const quick = process.argv.includes('--quick');
const rnd = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

function time(fn: () => void, minMs: number, minRuns: number): { best: number; median: number } {
  fn();
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < minRuns || performance.now() - t0 < minMs) {
    const s = performance.now();
    fn();
    ts.push(performance.now() - s);
  }
  ts.sort((a, b) => a - b);
  return { best: ts[0], median: ts[ts.length >> 1] };
}

const fmt = (x: number) => x.toFixed(1);

async function gemmBench(threads: number): Promise<void> {
  const rt = new WasmRuntime(threads);
  await rt.whenReady();
  const shapes: [string, number, number, number][] = [
    ['512^3', 512, 512, 512], ['64x50176x576', 64, 50176, 576], ['20x4096x250', 20, 4096, 250],
  ];
  for (const [label, M, N, K] of shapes) {
    const av = rnd(M * K), bv = rnd(K * N);
    rt.endKernel();
    const a = rt.put(av), b = rt.put(bv), c = rt.alloc(M * N);
    const Ap = rt.alloc(packedASize(M, K));
    const t = time(() => gemm(rt, M, N, K, { ptr: a, rs: K, cs: 1 }, { ptr: b, rs: N, cs: 1 }, c, N, false, Ap), quick ? 300 : 2000, 7);
    const gf = (ms: number) => (2 * M * N * K) / ms / 1e6;
    console.log(`GEMM ${label.padEnd(13)} T=${threads}: best ${fmt(gf(t.best))} GFLOP/s (${t.best.toFixed(2)} ms), median ${fmt(gf(t.median))}`);
  }
  if (threads > 1) console.log(`  (threads stepped back to 1 because workers lagged: ${rt.backoffs} times)`);
  rt.close();
}

function runOn<K extends KernelName>(b: Backend, name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): void {
  for (const o of b.runKernel(name, inputs, attrs)) b.release(o.dataId);
}

async function convBench(): Promise<void> {
  const [N, C, H, W, K] = quick ? [4, 64, 56, 56, 64] : [16, 64, 56, 56, 64];
  const attrs = { stride: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const x = rnd(N * C * H * W), w = rnd(K * C * 9), dy = rnd(N * K * H * W);
  const flops = 2 * N * K * H * W * C * 9;
  const cases: [string, Backend][] = [
    ['wasm T=1', new WasmBackend({ threads: 1 })],
    ['wasm T=2', new WasmBackend({ threads: 2 })],
    ['reference', new ReferenceBackend()],
  ];
  for (const [label, b] of cases) {
    if (b instanceof WasmBackend) await b.ready();
    const ix: TensorInfo = { dataId: b.write(x, 'float32'), shape: [N, C, H, W], dtype: 'float32' };
    const iw: TensorInfo = { dataId: b.write(w, 'float32'), shape: [K, C, 3, 3], dtype: 'float32' };
    const idy: TensorInfo = { dataId: b.write(dy, 'float32'), shape: [N, K, H, W], dtype: 'float32' };
    const ref = label === 'reference';
    const ms = ref ? 0 : quick ? 300 : 1500, runs = ref ? 1 : 5;
    const f = time(() => runOn(b, 'Conv2D', [ix, iw], attrs), ms, runs);
    const bi = time(() => runOn(b, 'Conv2DBackpropInput', [idy, iw], { ...attrs, inputShape: [N, C, H, W] }), ms, runs);
    const bf = time(() => runOn(b, 'Conv2DBackpropFilter', [ix, idy], { ...attrs, filterShape: [K, C, 3, 3] }), ms, runs);
    const g = (t: number) => fmt(flops / t / 1e6);
    console.log(`W3 conv N=${N} ${label.padEnd(9)}: forward ${f.best.toFixed(1)} ms (${g(f.best)} GFLOP/s, median ${f.median.toFixed(1)}), ` +
      `backprop-input ${bi.best.toFixed(1)} ms (${g(bi.best)}), backprop-filter ${bf.best.toFixed(1)} ms (${g(bf.best)}); ` +
      `fwd+bwd ${(f.best + bi.best + bf.best).toFixed(1)} ms`);
    if (b instanceof WasmBackend) b.dispose();
  }
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
if (!only || only === 'gemm') for (const t of [1, 2]) await gemmBench(t);
if (!only || only === 'conv') await convBench();
