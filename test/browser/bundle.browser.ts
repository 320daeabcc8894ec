/**
 * The package as a user gets it (dist/, resolved through package.json "exports" as 'neocog'), bundled
 * into a minimal page by esbuild, Vite and webpack 5, runs a conv2d forward + backward on the wasm backend in
 * Chromium and matches the reference backend. Also: the browser entry pulls in no Node built-in.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import type { Browser } from 'playwright-core';
import { launch, pageWorkspace, runPage as runPageIn } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The page's script: conv forward + backward on wasm, then the same on reference, compared; with `onnx`, also LeNet-5 -> ONNX bytes -> neocog again ('neocog/onnx', protobufjs). */
const MAIN = (inline: boolean, onnx = false) => `${inline ? "import 'neocog/wasm-inline';\n" : ''}${onnx ? "import { exportOnnxBytes, importOnnxBytes } from 'neocog/onnx';\n" : ''}import * as nc from 'neocog';
const out = { backend: nc.backend(), threads: nc.getBackend().threads ?? 1, isolated: self.crossOriginIsolated };
function step() {
  nc.manualSeed(0);
  const x = nc.randn([2, 3, 13, 13], { requiresGrad: true });
  const w = nc.randn([8, 3, 3, 3], { requiresGrad: true });
  const b = nc.randn([8], { requiresGrad: true });
  const y = nc.F.conv2d(x, w, b, { padding: 1, stride: 1 });
  nc.mean(nc.mul(y, y)).backward();
  return [y, x.grad, w.grad, b.grad].map((t) => Array.from(t.dataSync()));
}
try {
  const wasm = step();
  out.stats = Object.fromEntries([...nc.getBackend().stats].map(([k, v]) => [k, v.wasm]));
  nc.setBackend('reference');
  const ref = step();
  out.maxDiff = Math.max(...wasm.map((a, i) => Math.max(...a.map((v, j) => Math.abs(v - ref[i][j]) / (1 + Math.abs(ref[i][j]))))));
  out.sizes = wasm.map((a) => a.length);
${onnx ? `  const net = nc.models.get('lenet5').eval();
  const bytes = exportOnnxBytes(net, { input: [1, 1, 28, 28] });
  const x = nc.randn([2, 1, 28, 28]);
  const a = nc.noGrad(() => net.call(x)).dataSync(), b = nc.noGrad(() => importOnnxBytes(bytes).eval().call(x)).dataSync();
  out.onnx = { bytes: bytes.length, maxDiff: Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) };
` : ''}} catch (e) { out.error = String(e && e.stack || e); }
window.__result = out;
`;

const HTML = (script: string) => `<!doctype html><meta charset="utf-8"><title>neocog bundle test</title><link rel="icon" href="data:,"><script type="module" src="${script}"></script>`;

let browser: Browser;
let work: string;

beforeAll(async () => {
  browser = await launch();
  work = pageWorkspace('neocog-bundle-');
});
afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const runPage = (dir: string, opts?: { isolate?: boolean }) => runPageIn(browser, dir, opts);

function expectWasmConv(r: Record<string, unknown>): void {
  expect(r.error, JSON.stringify(r)).toBeUndefined();
  expect(r.errors).toEqual([]);
  expect(r.isolated).toBe(true);
  // Chromium has relaxed SIMD: every bundler must ship (and ready() fetch) the relaxed build too.
  expect(r.backend).toMatch(/^wasm: SIMD on \(relaxed: fused multiply-add\), \d+ threads/);
  expect(r.threads).toBeGreaterThanOrEqual(2);
  const stats = r.stats as Record<string, number>;
  for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) expect(stats[k], k).toBeGreaterThan(0);
  expect(r.sizes).toEqual([2 * 8 * 13 * 13, 2 * 3 * 13 * 13, 8 * 3 * 3 * 3, 8]);
  expect(r.maxDiff).toBeLessThan(1e-4);
}

/** The conv checks, and 'neocog/onnx' wrote and read back LeNet-5 with the same outputs. */
function expectOnnx(r: Record<string, unknown>): void {
  expectWasmConv(r);
  const onnx = r.onnx as { bytes: number; maxDiff: number };
  expect(onnx.bytes).toBeGreaterThan(100_000);
  expect(onnx.maxDiff).toBeLessThan(1e-5);
}

describe('neocog bundled into a page', () => {
  it('the browser entry imports no Node built-in (esbuild --platform=browser)', async () => {
    const res = await esbuild.build({
      entryPoints: [join(root, 'src', 'browser.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(res.metafile.inputs);
    expect(inputs.filter((f) => /^(node:|<)|\/node_modules\/(pngjs|jpeg-js)\//.test(f))).toEqual([]);
    expect(inputs.some((f) => f.endsWith('src/browser.ts'))).toBe(true);
  });

  it("'neocog/onnx' (protobufjs, for bundlers) imports no Node built-in either", async () => {
    const res = await esbuild.build({
      entryPoints: [join(root, 'src', 'io', 'onnx', 'index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(res.metafile.inputs);
    expect(inputs.filter((f) => /^(node:|<)/.test(f) || /\/io\/onnx\/file\.ts$/.test(f))).toEqual([]);
    expect(inputs.some((f) => /node_modules\/protobufjs\//.test(f))).toBe(true);
  });

  it('esbuild (wasm embedded via neocog/wasm-inline): conv forward + backward on wasm', async () => {
    const dir = join(work, 'esbuild');
    mkdirSync(dir);
    writeFileSync(join(work, 'main-esbuild.js'), MAIN(true));
    await esbuild.build({ entryPoints: [join(work, 'main-esbuild.js')], bundle: true, platform: 'browser', format: 'esm', outfile: join(dir, 'main.js'), logLevel: 'silent' });
    writeFileSync(join(dir, 'index.html'), HTML('./main.js'));
    expectWasmConv(await runPage(dir));
  });

  it("Vite (wasm emitted from new URL(..., import.meta.url)): conv forward + backward on wasm; 'neocog/onnx' export + import", async () => {
    const app = join(work, 'vite-app');
    mkdirSync(app);
    writeFileSync(join(app, 'main.js'), MAIN(false, true));
    writeFileSync(join(app, 'index.html'), HTML('./main.js'));
    await viteBuild({ root: app, logLevel: 'silent', configFile: false, build: { outDir: join(app, 'dist'), target: 'es2022' } });
    expectOnnx(await runPage(join(app, 'dist')));
  });

  it("webpack 5 (its defaults: wasm emitted as assets from new URL(..., import.meta.url), top-level await on): conv forward + backward on wasm; 'neocog/onnx' export + import", async () => {
    const app = join(work, 'webpack-app');
    mkdirSync(app);
    writeFileSync(join(app, 'main.js'), MAIN(false, true));
    const out = join(app, 'dist');
    // A user's config: nothing neocog-specific (webpack >= 5.83 has experiments.topLevelAwait on by default).
    const compiler = webpack({ mode: 'production', context: app, entry: './main.js', output: { path: out, filename: 'main.js' }, performance: { hints: false } });
    const stats = await new Promise<webpack.Stats>((resolve, reject) => compiler.run((err, s) => compiler.close(() => (err || !s ? reject(err) : resolve(s)))));
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    expect(readdirSync(out).filter((f) => f.endsWith('.wasm'))).toHaveLength(4);
    // webpack's output is a classic script (its automatic publicPath reads document.currentScript).
    writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>neocog webpack test</title><link rel="icon" href="data:,"><script src="./main.js"></script>');
    expectOnnx(await runPage(out));
  });

  it('not cross-origin isolated: one thread, and backend() says why', async () => {
    const r = await runPage(join(work, 'vite-app', 'dist'), { isolate: false });
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.backend).toMatch(/^wasm: SIMD on \(relaxed: fused multiply-add\), 1 thread \(threads off: SharedArrayBuffer is unavailable: the page is not crossOriginIsolated/);
    expect(r.maxDiff).toBeLessThan(1e-4);
  });

  it('kernels not found: reference with the reason, then ready({ wasmPaths }) switches to wasm (no lock-in)', async () => {
    const dir = join(work, 'esbuild-paths');
    mkdirSync(join(dir, 'kernels'), { recursive: true });
    for (const f of ['neocog-simd.wasm', 'neocog-simd-threads.wasm', 'neocog-relaxed.wasm', 'neocog-relaxed-threads.wasm']) copyFileSync(join(root, 'dist', 'backends', 'wasm', 'gen', f), join(dir, 'kernels', f));
    writeFileSync(join(work, 'main-paths.js'), `import * as nc from 'neocog';
const before = nc.backend();
const after = await nc.ready({ wasmPaths: './kernels/' });
nc.manualSeed(0);
const y = nc.F.conv2d(nc.randn([1, 2, 9, 9]), nc.randn([3, 2, 3, 3]), null, { padding: 1 });
window.__result = { before, after, now: nc.backend(), wasmConv: nc.getBackend().stats?.get('Conv2D')?.wasm ?? 0, size: y.dataSync().length };
`);
    await esbuild.build({ entryPoints: [join(work, 'main-paths.js')], bundle: true, platform: 'browser', format: 'esm', outfile: join(dir, 'main.js'), logLevel: 'silent' });
    writeFileSync(join(dir, 'index.html'), HTML('./main.js'));
    const r = await runPage(dir);
    expect(r.before).toMatch(/^reference: .*could not load neocog-simd\.wasm from http:.*\/gen\/neocog-simd\.wasm: HTTP 404/);
    expect(r.after, JSON.stringify(r)).toMatch(/^wasm: SIMD on \(relaxed: fused multiply-add\), \d+ threads/);
    expect(r.now).toBe(r.after);
    expect(r.wasmConv).toBe(1);
    expect(r.size).toBe(3 * 81);
  });

  it('plain <script type="module"> with an import map, no bundler: conv forward + backward on wasm', async () => {
    symlinkSync(join(root, 'node_modules', 'yaml'), join(work, 'node_modules', 'yaml'), 'dir');
    const map = { imports: { neocog: '/node_modules/neocog/dist/browser.js', yaml: '/node_modules/yaml/browser/index.js' } };
    writeFileSync(join(work, 'main-plain.js'), MAIN(false));
    writeFileSync(join(work, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="importmap">${JSON.stringify(map)}</script><script type="module" src="./main-plain.js"></script>`);
    expectWasmConv(await runPage(work));
  });
});
