/**
 * ONNX in a real browser: a page bundled with esbuild (kernels embedded) imports 'neocog' and 'neocog/onnx', exports a zoo
 * model to ONNX bytes, imports them back, runs forward and one training step on the imported model,
 * and hands the bytes to Node, where onnxruntime-node must agree with the page's logits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import * as ort from 'onnxruntime-node';
import type { Browser } from 'playwright-core';
import { launch, pageWorkspace, runPage } from './chromium.js';


const MAIN = `import 'neocog/wasm-inline';
import * as nc from 'neocog';
import { exportOnnxBytes, importOnnxBytes } from 'neocog/onnx';
const out = { backend: nc.backend() };
try {
  nc.manualSeed(0);
  const model = nc.models.get('lenet5').eval();
  const x = nc.randn([2, 1, 28, 28]);
  const want = model.call(x);
  const bytes = exportOnnxBytes(model, { input: [1, 1, 28, 28] });
  const imported = importOnnxBytes(bytes).eval();
  const got = imported.call(x);
  const a = want.dataSync(), b = got.dataSync();
  out.maxDiff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
  imported.train();
  const params = [...imported.parameters()];
  const opt = new nc.optim.SGD(params, { lr: 0.01 });
  opt.zeroGrad();
  const loss = nc.F.crossEntropy(imported.call(x), nc.tensor([3, 7], undefined, { dtype: 'int32' }));
  loss.backward();
  out.params = params.length;
  out.withGrad = params.filter((p) => p.grad !== null && p.grad !== undefined).length;
  opt.step();
  out.input = Array.from(x.dataSync());
  out.logits = Array.from(a);
  out.bytes = Array.from(bytes);
} catch (e) { out.error = String(e && e.stack || e); }
window.__result = out;
`;

let browser: Browser;
let work: string;

beforeAll(async () => {
  browser = await launch();
  work = pageWorkspace('neocog-onnx-page-');
});
afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("'neocog/onnx' in a browser bundle", () => {
  it('exports and imports in the page (forward equal, backward reaches every parameter); onnxruntime agrees', async () => {
    const dir = join(work, 'site');
    mkdirSync(dir);
    writeFileSync(join(work, 'main.js'), MAIN);
    await esbuild.build({ entryPoints: [join(work, 'main.js')], bundle: true, platform: 'browser', format: 'esm', outfile: join(dir, 'main.js'), logLevel: 'silent' });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
    const r = await runPage(browser, dir);
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(r.backend).toMatch(/^wasm: /);
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect(r.params).toBeGreaterThan(0);
    expect(r.withGrad).toBe(r.params);

    const session = await ort.InferenceSession.create(Uint8Array.from(r.bytes as number[]));
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(r.input as number[]), [2, 1, 28, 28]) };
    const res = await session.run(feeds);
    const ortLogits = res[session.outputNames[0]].data as Float32Array;
    const logits = r.logits as number[];
    expect(ortLogits.length).toBe(logits.length);
    for (let i = 0; i < logits.length; i++) expect(Math.abs(ortLogits[i] - logits[i])).toBeLessThan(1e-4);
  });
});
