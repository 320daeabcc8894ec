// Probe: relaxed (fused multiply-add) vs strict SIMD build, interleaved in one process, 1 thread.
// Usage: tsx bench/probe/relaxed.ts [n]
import { WasmBackend } from '../../src/backends/wasm/index.js';
const n = Number(process.argv[2] ?? 512);
const make = (relaxedSimd: boolean) => new WasmBackend({ threads: 1, relaxedSimd });
const bes = { relaxed: make(true), strict: make(false) };
const a = new Float32Array(n * n).map(() => Math.random()), b = new Float32Array(n * n).map(() => Math.random());
const x = new Float32Array(16 * 64 * 56 * 56).map(() => Math.random() - 0.5), w = new Float32Array(64 * 64 * 9).map(() => Math.random() - 0.5);
const t: Record<string, { gemm: number[]; conv: number[] }> = { relaxed: { gemm: [], conv: [] }, strict: { gemm: [], conv: [] } };
for (let r = 0; r < 8; r++) {
  for (const [k, be] of Object.entries(bes)) {
    const ia = { dataId: be.write(a, 'float32'), shape: [1, n, n], dtype: 'float32' as const };
    const ib = { dataId: be.write(b, 'float32'), shape: [1, n, n], dtype: 'float32' as const };
    let t0 = performance.now();
    be.runKernel('BatchMatMul', [ia, ib], { transposeA: false, transposeB: false });
    t[k].gemm.push(2 * n ** 3 / (performance.now() - t0) / 1e6);
    const ix = { dataId: be.write(x, 'float32'), shape: [16, 64, 56, 56], dtype: 'float32' as const };
    const iw = { dataId: be.write(w, 'float32'), shape: [64, 64, 3, 3], dtype: 'float32' as const };
    t0 = performance.now();
    be.runKernel('Conv2D', [ix, iw], { stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], groups: 1 });
    t[k].conv.push(2 * 16 * 64 * 64 * 9 * 56 * 56 / (performance.now() - t0) / 1e6);
  }
}
const best = (v: number[]) => Math.max(...v).toFixed(1);
for (const k of Object.keys(t)) console.log(`${k}: sgemm ${n}³ best ${best(t[k].gemm)} GFLOP/s, W3 conv fwd best ${best(t[k].conv)} GFLOP/s (1 thread)`);
for (const be of Object.values(bes)) be.dispose();
