/**
 * The playground (web/) built with Vite and driven in Chromium: it loads cleanly and isolated with
 * wasm threads, trains to >= 95% held-out accuracy on the embedded digits within 60 s, classifies
 * held-out digits drawn onto its canvas, and a saved model (download/upload, IndexedDB across a
 * reload) gives the same predictions; it shows where the net looks (saliency, Grad-CAM), maps held-out
 * images to 2-D each epoch (t-SNE / PCA with a kNN score), and its ONNX export runs in onnxruntime with
 * the page's probabilities. Screenshots of every panel go to web/screenshots/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import * as ort from 'onnxruntime-node';
import { embeddedMnist } from '../../src/data/embedded-mnist.js';
import { launch, open, serve } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'web', 'screenshots');
const PANELS = ['setup', 'charts', 'confusion', 'draw', 'inside', 'embedding', 'save'];

type State = {
  ready: boolean; backend: string; threads: number; isolated: boolean; step: number; epoch: number; heldOutAcc: number; evals: number;
  workerJobs: number; running: boolean; prediction: number; probs: number[]; predictions: number; errors: string[]; loaded: string;
  input: number[]; padVersion: number; predictedPad: number; gradCamLayer: string; embeddings: number; embedding: { epoch: number; method: string; layer: string; count: number; knn: number; featureKnn: number; ms: number } | null; onnx: number;
};

/** How many different colours a canvas shows, and its size (a blank or flat picture has one colour). */
const colours = (p: Page, id: string) => p.evaluate((sel) => {
  const c = document.getElementById(sel) as HTMLCanvasElement;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  const seen = new Set<number>();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return { count: seen.size, width: c.width, height: c.height };
}, id);

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let page: Page;
let tmp: string;
const errors: string[] = [];

const state = (p: Page = page) => p.evaluate(() => (window as unknown as { playground: { state: State } }).playground.state);

/** The first held-out digit of each class (neocog's deterministic 8,000 / 2,000 split). */
function heldOutDigits(): { label: number; pixels: number[] }[] {
  const ds = embeddedMnist({ train: false });
  const out: { label: number; pixels: number[] }[] = [];
  for (let i = 0; out.length < 10; i++) {
    const label = ds.labels[i];
    if (!out.some((d) => d.label === label)) out.push({ label, pixels: Array.from(ds.images.subarray(i * 784, (i + 1) * 784)) });
  }
  return out.sort((a, b) => a.label - b.label);
}

/**
 * Draws a 28x28 digit onto the pad (scaled up 10x, as a large drawing) and waits for the prediction of
 * that drawing: an answer to an earlier request (the pad is read on the next animation frame) does not count.
 */
async function drawAndPredict(p: Page, pixels: number[]): Promise<{ prediction: number; probs: number[] }> {
  const version = (await state(p)).padVersion;
  await p.evaluate((px) => {
    const c = document.createElement('canvas');
    c.width = c.height = 28;
    const img = new ImageData(28, 28);
    px.forEach((v, i) => img.data.set([v, v, v, 255], 4 * i));
    c.getContext('2d')!.putImageData(img, 0, 0);
    (window as unknown as { playground: { pad: { drawImage(s: CanvasImageSource, w: number, h: number): void } } }).playground.pad.drawImage(c, 28, 28);
  }, pixels);
  await p.waitForFunction((v) => (window as unknown as { playground: { state: State } }).playground.state.predictedPad > v, version, { timeout: 20_000 });
  const s = await state(p);
  return { prediction: s.prediction, probs: s.probs };
}

beforeAll(async () => {
  execSync('npx tsx tools/web-data.ts', { cwd: root, stdio: 'inherit' });
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
  server = await serve(join(root, 'web', 'dist'));
  browser = await launch();
  mkdirSync(shots, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'neocog-playground-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('playground in Chromium', () => {
  it('loads with no console errors, cross-origin isolated, wasm on two or more threads', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    await ctx.addInitScript(() => {
      // Long tasks on the page's main thread (the training runs in a worker and must not cause any).
      // Long animation frames: a frame's tasks plus its rendering, what a user sees as a stall.
      const w = window as unknown as { longTasks: number[]; longFrames: number[] };
      w.longTasks = [];
      w.longFrames = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.longFrames.push(e.duration))).observe({ type: 'long-animation-frame', buffered: true });
    });
    page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { playground?: { state: State } }).playground?.state.ready, null, { timeout: 60_000 });
    await page.waitForSelector('#summary tr.total');
    const s = await state();
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(s.isolated).toBe(true);
    expect(s.backend).toMatch(/^wasm: SIMD on \(relaxed: fused multiply-add\), \d+ threads \(Web Workers on shared memory\)/);
    expect(s.threads).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('trains to >= 95% held-out accuracy on the embedded digits within 60 s, kernels on worker threads', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; longFrames: number[] };
      w.longTasks.length = 0;
      w.longFrames.length = 0;
    });
    const t0 = Date.now();
    await page.click('#start');
    // The accuracy when it first reached 95%: training goes on until the pause lands, and a held-out
    // evaluation in between may come out a little lower.
    const reached = await (await page.waitForFunction(() => {
      const acc = (window as unknown as { playground: { state: State } }).playground.state.heldOutAcc;
      return acc >= 0.95 ? acc : false;
    }, null, { timeout: 60_000, polling: 250 })).jsonValue() as number;
    const seconds = (Date.now() - t0) / 1000;
    await page.click('#pause');
    await page.waitForFunction(() => !(window as unknown as { playground: { state: State } }).playground.state.running, null, { timeout: 10_000 });
    const s = await state();
    const { longTasks, longFrames } = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; longFrames: number[] };
      return { longTasks: w.longTasks, longFrames: w.longFrames };
    });
    console.log(`playground: ${(100 * reached).toFixed(1)}% held-out after ${seconds.toFixed(1)} s (${(100 * s.heldOutAcc).toFixed(1)}% at the pause), step ${s.step}, epoch ${s.epoch.toFixed(2)}, ${s.workerJobs} kernel chunks on worker threads; main-thread long tasks: ${longTasks.length} (max ${Math.max(0, ...longTasks).toFixed(0)} ms), frames over 50 ms: ${longFrames.length} (max ${Math.max(0, ...longFrames).toFixed(0)} ms)`);
    expect(reached).toBeGreaterThanOrEqual(0.95);
    expect(s.heldOutAcc).toBeGreaterThanOrEqual(0.93);
    expect(s.workerJobs).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('shows where the net looks: saliency and Grad-CAM (on the last spatial conv) of the top class', async () => {
    const seven = heldOutDigits()[7];
    const r = await drawAndPredict(page, seven.pixels);
    expect(r.prediction).toBe(7);
    const s = await state();
    expect(s.gradCamLayer).toBe('cv2');
    expect(await page.textContent('#gradcam-layer')).toBe('cv2');
    expect(await page.textContent('#looks-class')).toBe('7');
    for (const id of ['saliency', 'gradcam']) {
      const c = await colours(page, id);
      expect(c.width, id).toBe(28);
      // A viridis heat map over the digit: many shades, not a flat or blank square.
      expect(c.count, id).toBeGreaterThan(30);
    }
    await page.locator('#panel-draw').screenshot({ path: join(shots, 'looks.png') });
  });

  it('maps held-out images to 2-D at each epoch end (t-SNE, kNN > 0.5), and with PCA on request', async () => {
    if ((await state()).epoch < 1) {
      // 95% came before the first epoch ended: train on to it.
      await page.click('#start');
      await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.embeddings >= 1, null, { timeout: 90_000 });
      await page.click('#pause');
      await page.waitForFunction(() => !(window as unknown as { playground: { state: State } }).playground.state.running, null, { timeout: 10_000 });
    }
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.embeddings >= 1, null, { timeout: 30_000 });
    const e = (await state()).embedding!;
    console.log(`playground: embedding map at epoch ${e.epoch}: ${e.method} of ${e.layer}, ${e.count} images, kNN ${e.knn.toFixed(3)} on the map (${e.featureKnn.toFixed(3)} on the features), ${e.ms.toFixed(0)} ms`);
    expect(e).toMatchObject({ method: 'tsne', layer: 'relu3', count: 300 });
    expect(e.epoch).toBeGreaterThanOrEqual(1);
    expect(e.knn).toBeGreaterThan(0.5);
    expect((await colours(page, 'embedding')).count).toBeGreaterThanOrEqual(10);
    expect(await page.textContent('#embed-note')).toMatch(/5-NN accuracy \d+\.\d% on the map/);
    const n = (await state()).embeddings;
    await page.selectOption('#embed-method', 'pca');
    await page.waitForFunction((k) => (window as unknown as { playground: { state: State } }).playground.state.embeddings > k, n, { timeout: 30_000 });
    expect((await state()).embedding).toMatchObject({ method: 'pca', layer: 'relu3' });
    await page.selectOption('#embed-method', 'tsne');
    await page.waitForFunction((k) => (window as unknown as { playground: { state: State } }).playground.state.embeddings > k + 1, n, { timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  it('classifies held-out digits drawn onto the canvas (>= 9 of 10), and a mouse drawing', async () => {
    const digits = heldOutDigits();
    let right = 0;
    const got: number[] = [];
    for (const d of digits) {
      const r = await drawAndPredict(page, d.pixels);
      got.push(r.prediction);
      if (r.prediction === d.label) right++;
    }
    console.log(`playground: drawn digits 0-9 classified as ${got.join(' ')} (${right}/10)`);
    expect(right).toBeGreaterThanOrEqual(9);
    // A '1' drawn with the mouse: a vertical stroke.
    await page.click('#clear');
    const box = (await page.locator('#draw').boundingBox())!;
    const version = (await state()).padVersion;
    await page.mouse.move(box.x + 140, box.y + 50);
    await page.mouse.down();
    for (let y = 50; y <= 230; y += 10) await page.mouse.move(box.x + 140 + (y - 50) / 30, box.y + y);
    await page.mouse.up();
    // The prediction of the whole stroke: the pad has changed and the shown prediction is of its latest version.
    await page.waitForFunction((v) => {
      const s = (window as unknown as { playground: { state: State } }).playground.state;
      return s.padVersion > v && s.predictedPad === s.padVersion;
    }, version);
    await page.waitForTimeout(300);
    await page.waitForFunction(() => {
      const s = (window as unknown as { playground: { state: State } }).playground.state;
      return s.predictedPad === s.padVersion;
    });
    expect((await state()).prediction).toBe(1);
    for (const name of PANELS) await page.locator(`#panel-${name}`).screenshot({ path: join(shots, `${name}.png`) });
    await page.screenshot({ path: join(shots, 'page.png'), fullPage: true });
  });

  it('Export ONNX downloads model.onnx that onnxruntime runs with the page\'s probabilities (1e-4)', async () => {
    const r = await drawAndPredict(page, heldOutDigits()[3].pixels);
    const input = (await state()).input;
    expect(input.length).toBe(784);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#onnx')]);
    expect(download.suggestedFilename()).toBe('model.onnx');
    const file = join(tmp, 'model.onnx');
    await download.saveAs(file);
    const session = await ort.InferenceSession.create(readFileSync(file));
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(input), [1, 1, 28, 28]) });
    const logits = Array.from(out[session.outputNames[0]].data as Float32Array);
    const top = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - top));
    const probs = e.map((v) => v / e.reduce((a, b) => a + b, 0));
    const diff = Math.max(...probs.map((p, i) => Math.abs(p - r.probs[i])));
    console.log(`playground: model.onnx ${readFileSync(file).length} bytes, onnxruntime vs page probabilities: max diff ${diff.toExponential(2)}`);
    expect(probs.length).toBe(10);
    expect(diff).toBeLessThan(1e-4);
    expect(errors).toEqual([]);
  });

  it('saving and loading the model gives the same predictions (safetensors download/upload, IndexedDB across a reload)', async () => {
    const digits = heldOutDigits().slice(0, 4);
    const before = [];
    for (const d of digits) {
      const r = await drawAndPredict(page, d.pixels);
      // The trained net read these digits right in the test above: a wrong class here is not a saving problem.
      expect(r.prediction, `held-out ${d.label} before saving`).toBe(d.label);
      before.push(r.probs);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(tmp, 'model.safetensors');
    await download.saveAs(file);
    await page.fill('#idb-name', 'e2e-model');
    await page.click('#idb-save');
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#idb-list option')).some((o) => o.value === 'e2e-model'));
    // A fresh model, then the uploaded file.
    await page.click('#reset');
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.step === 0);
    expect((await drawAndPredict(page, digits[0].pixels)).probs).not.toEqual(before[0]);
    await page.setInputFiles('#upload', file);
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.loaded === 'model.safetensors');
    for (let i = 0; i < digits.length; i++) expect((await drawAndPredict(page, digits[i].pixels)).probs).toEqual(before[i]);
    // IndexedDB survives a page reload.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { playground?: { state: State } }).playground?.state.ready, null, { timeout: 60_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#idb-list option')).some((o) => o.value === 'e2e-model'));
    await page.selectOption('#idb-list', 'e2e-model');
    await page.click('#idb-load');
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.loaded.includes('e2e-model'));
    for (let i = 0; i < digits.length; i++) expect((await drawAndPredict(page, digits[i].pixels)).probs).toEqual(before[i]);
    expect(errors).toEqual([]);
    expect((await state()).errors).toEqual([]);
  });

  it('checks an edited spec inline (errors, live summary) and trains it', async () => {
    const conv = (inCh: number) => `format: neocog.spec/1
inputs: {x: [1, 28, 28]}
model:
  type: Sequential
  children:
    "0": {type: Conv2d, options: {inChannels: ${inCh}, outChannels: 8, kernelSize: 3}}
    "1": {type: ReLU}
    "2": {type: MaxPool2d, options: {kernelSize: 2}}
    "3": {type: Flatten}
    "4": {type: Linear, options: {inFeatures: 1352, outFeatures: 10}}
`;
    await page.click('#spec-box summary');
    await page.fill('#spec', conv(3));
    await page.waitForFunction(() => document.getElementById('spec-error')!.textContent !== '');
    expect(await page.textContent('#spec-error')).toMatch(/channel/i);
    expect(await page.isDisabled('#spec-use')).toBe(true);
    await page.locator('#panel-setup').screenshot({ path: join(shots, 'spec-error.png') });
    await page.fill('#spec', conv(1));
    await page.waitForFunction(() => document.getElementById('spec-error')!.textContent === '' && !(document.getElementById('spec-use') as HTMLButtonElement).disabled);
    expect(await page.textContent('#summary tr.total')).toContain('13,610');
    await page.click('#spec-use');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.evals >= 1 && (window as unknown as { playground: { state: State } }).playground.state.step > 0, null, { timeout: 60_000 });
    await page.click('#pause');
    expect(new URL(page.url()).searchParams.get('model')).toBe('custom');
    expect(new URL(page.url()).searchParams.get('spec')).toContain('outChannels: 8');
    expect(errors).toEqual([]);
    expect((await state()).errors).toEqual([]);
  });

  it('switches to Fashion-MNIST and changes optimizer and learning rate while training', async () => {
    await page.selectOption('#model', 'mnist-convnet');
    await page.selectOption('#dataset', 'fashion');
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.step === 0);
    const evals = (await state()).evals;
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { playground: { state: State } }).playground.state.step > 20, null, { timeout: 60_000 });
    await page.selectOption('#optimizer', 'sgd');
    await page.fill('#lr', '0.01');
    await page.dispatchEvent('#lr', 'change');
    await page.waitForFunction((n) => (window as unknown as { playground: { state: State } }).playground.state.evals > n, evals, { timeout: 90_000 });
    await page.click('#pause');
    const s = await state();
    const q = new URL(page.url()).searchParams;
    expect([q.get('dataset'), q.get('optimizer'), q.get('lr')]).toEqual(['fashion', 'sgd', '0.01']);
    // A sanity check that it learns across the switch (chance is 0.1), not a quality bar.
    expect(s.heldOutAcc).toBeGreaterThan(0.3);
    expect(await page.textContent('#probs')).toContain('Ankle boot');
    expect(errors).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('trains on IDX files opened from disk', async () => {
    const ds = embeddedMnist({ train: true });
    const idx = (magic: number, dims: number[], bytes: Uint8Array) => {
      const head = Buffer.alloc(4 + 4 * dims.length);
      head.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
      return gzipSync(Buffer.concat([head, bytes]));
    };
    const files = [['train', 0, 1000], ['t10k', 1000, 300]].flatMap(([name, from, n]) => [
      { name: `${name}-images-idx3-ubyte.gz`, mimeType: 'application/gzip', buffer: idx(0x803, [n as number, 28, 28], ds.images.subarray((from as number) * 784, ((from as number) + (n as number)) * 784)) },
      { name: `${name}-labels-idx1-ubyte.gz`, mimeType: 'application/gzip', buffer: idx(0x801, [n as number], (ds.labels as Uint8Array).subarray(from as number, (from as number) + (n as number))) },
    ]);
    await page.setInputFiles('#idx', files);
    await page.waitForFunction(() => document.getElementById('save-note')!.textContent!.includes('1,000 images from disk'));
    const evals = (await state()).evals;
    await page.click('#start');
    await page.waitForFunction((n) => (window as unknown as { playground: { state: State } }).playground.state.evals > n, evals, { timeout: 90_000 });
    await page.click('#pause');
    expect((await state()).heldOutAcc).toBeGreaterThan(0.5);
    expect((await state()).errors).toEqual([]);
  });

  it('where headers cannot be set, the service worker makes the static build isolated (threads on)', async () => {
    const plain = await serve(join(root, 'web', 'dist'), { isolate: false });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const errs: string[] = [];
    p.on('console', (m) => m.type() === 'error' && errs.push(m.text()));
    try {
      await p.goto(plain.url);
      await p.waitForFunction(() => (window as unknown as { playground?: { state: State } }).playground?.state.ready, null, { timeout: 60_000 });
      expect(await p.evaluate(() => self.crossOriginIsolated)).toBe(true);
      expect((await state(p)).threads).toBeGreaterThanOrEqual(2);
      expect(errs).toEqual([]);
    } finally {
      await ctx.close();
      await plain.close();
    }
  });
});
