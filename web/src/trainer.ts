/**
 * The training worker's body (loaded by ./worker.ts): owns the model, the optimizer and the data, trains in slices of ~50 ms and
 * yields between them so settings, pause and predictions arrive while it runs. The page never blocks
 * on it. neocog's wasm backend runs here, with its own kernel threads when the page is isolated.
 */
import * as nc from 'neocog';
import { fetchSet, type ImageSet } from './datasets';
import { embeddingMap } from './embedding';
import { looks } from './looks';
import { DIGIT_CLASSES, FASHION_CLASSES, type DatasetName, type EmbedMethod, type FromWorker, type Looks, type Map2D, type Settings, type SummaryRowLite, type ToWorker } from './protocol';
import { MISTAKES, mistakesPicture } from './mistakes';

type Model = nc.nn.Module<[nc.Tensor], nc.Tensor>;
const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const INPUT = [1, 28, 28];

let settings: Settings;
/** Where the page serves the dataset files (…/data/). */
let dataBase = '';
const sets: Partial<Record<DatasetName, { train: ImageSet; test: ImageSet }>> = {};
let model: Model | null = null;
let opt: nc.optim.Optimizer | null = null;
let optName = '';
let running = false;
let step = 0;
let seen = 0;
let order = new Int32Array(0);
let pos = 0;
/** Whole epochs done; the embedding map is redrawn when it grows. */
let epochs = 0;
let embedMethod: EmbedMethod = 'tsne';
const rng = new nc.Generator(1);

/** Models from the zoo that take one 28x28 grey image and give 10 classes. */
function zoo() {
  return nc.models.list().filter((e) => e.numClasses === 10 && e.inputShape.join() === INPUT.join()).map((e) => ({ name: e.name, description: e.description }));
}

function buildModel(s: Settings): Model {
  if (s.model !== 'custom') return nc.models.get(s.model) as Model;
  return nc.spec.fromSpec(nc.spec.parseSpec(s.spec, 'spec')) as Model;
}

function summarize(m: Model) {
  const s = nc.train.summaryRows(m, INPUT);
  const out = s.rows.at(-1)?.outputShape ?? [];
  if (out.length !== 2 || out[1] !== 10) throw new Error(`the model must output [N, 10] class scores for 1x28x28 inputs, it outputs [${out.join(', ')}]`);
  const rows: SummaryRowLite[] = s.rows.map((r) => ({ name: r.name, type: r.type, outputShape: r.outputShape, params: r.params, flops: r.flops }));
  return { rows, totalParams: s.totalParams, totalFlops: s.totalFlops };
}

function makeOptimizer(): void {
  const params = model!.parameters();
  const { optimizer: kind, lr } = settings;
  opt = kind === 'sgd' ? new nc.optim.SGD(params, { lr, momentum: 0.9 })
    : kind === 'adamw' ? new nc.optim.AdamW(params, { lr })
    : kind === 'rmsprop' ? new nc.optim.RMSprop(params, { lr })
    : new nc.optim.Adam(params, { lr });
  optName = kind;
}

async function data(): Promise<{ train: ImageSet; test: ImageSet }> {
  const name = settings.dataset;
  let d = sets[name];
  if (!d) {
    if (name === 'files') throw new Error('open the IDX files first');
    const base = dataBase;
    const [train, test] = await Promise.all([fetchSet(`${base}${name}-train.bin.gz`), fetchSet(`${base}${name}-test.bin.gz`)]);
    d = sets[name] = { train, test };
  }
  return d;
}

function shuffle(n: number): void {
  order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  pos = 0;
}

/** Copies image `j` into `dst` at `off` as floats in [0,1], shifted by (dy, dx) pixels (zeros enter). */
function copyImage(src: Uint8Array, j: number, dst: Float32Array, off: number, dy: number, dx: number): void {
  const base = j * 784;
  for (let y = 0; y < 28; y++) {
    const sy = y - dy;
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      dst[off + y * 28 + x] = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? src[base + sy * 28 + sx] / 255 : 0;
    }
  }
}

const affine = nc.data.transforms.RandomAffine({ degrees: 12, translate: [0.1, 0.1], scale: [0.9, 1.1], generator: rng });

function batch(set: ImageSet): [nc.Tensor, nc.Tensor] {
  const b = Math.min(settings.batchSize, set.count);
  const x = new Float32Array(b * 784);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    if (pos >= order.length) shuffle(set.count);
    const j = order[pos++];
    const [dy, dx] = settings.augment === 'shift' ? [Math.floor(rng.random() * 5) - 2, Math.floor(rng.random() * 5) - 2] : [0, 0];
    copyImage(set.images, j, x, i * 784, dy, dx);
    y[i] = set.labels[j];
  }
  let xt = nc.fromArray(x, [b, 1, 28, 28]);
  if (settings.augment === 'affine') xt = nc.stack(nc.split(xt, 1, 0).map((im) => affine(nc.squeeze(im, 0))), 0);
  return [xt, nc.fromArray(y, [b])];
}

/** One optimizer step; returns [loss, correct, batch size]. */
function trainStep(set: ImageSet): [number, number, number] {
  return nc.tidy(() => {
    const [x, y] = batch(set);
    const logits = model!.call(x);
    const loss = nc.F.crossEntropy(logits, y);
    opt!.zeroGrad();
    loss.backward();
    opt!.step();
    const pred = nc.argmax(logits, 1).dataSync();
    const lab = y.dataSync();
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === lab[i]) correct++;
    return [loss.item(), correct, pred.length] as [number, number, number];
  });
}

function evaluate(set: ImageSet): void {
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  const wrong: { label: number; pred: number; pixels: Uint8Array }[] = [];
  let lossSum = 0, correct = 0;
  model!.eval();
  nc.noGrad(() => {
    for (let s = 0; s < set.count; s += 500) {
      const n = Math.min(500, set.count - s);
      nc.tidy(() => {
        const x = new Float32Array(n * 784);
        for (let i = 0; i < n * 784; i++) x[i] = set.images[s * 784 + i] / 255;
        const y = nc.fromArray(Int32Array.from(set.labels.subarray(s, s + n)), [n]);
        const logits = model!.call(nc.fromArray(x, [n, 1, 28, 28]));
        lossSum += nc.F.crossEntropy(logits, y, { reduction: 'sum' }).item();
        const pred = nc.argmax(logits, 1).dataSync();
        for (let i = 0; i < n; i++) {
          const l = set.labels[s + i], p = Number(pred[i]);
          confusion[l][p]++;
          if (l === p) correct++;
          else if (wrong.length < MISTAKES.max) wrong.push({ label: l, pred: p, pixels: set.images.slice((s + i) * 784, (s + i + 1) * 784) });
        }
      });
    }
  });
  model!.train();
  post({ type: 'eval', step, epoch: seen / sets[settings.dataset]!.train.count, loss: lossSum / set.count, acc: correct / set.count, confusion, wrong: wrong.map(({ label, pred }) => ({ label, pred })), wrongPicture: mistakesPicture(wrong.map((w) => w.pixels)) });
  sendFilters();
}

function sendFilters(): void {
  const conv = model!.modules().find((m) => m instanceof nc.nn.Conv2d) as nc.nn.Conv2d | undefined;
  if (!conv) return;
  const w = conv.weight;
  post({ type: 'filters', shape: [...w.shape], data: Float32Array.from(w.dataSync() as Float32Array) });
}

/** Class probabilities of one image, and every layer's output on it (first 8 channels of each map). */
function predict(id: number, pixels: Float32Array): void {
  const maps: Map2D[] = [];
  const handles: { remove(): void }[] = [];
  for (const [name, m] of model!.namedModules()) {
    if (m.children().length) continue;
    handles.push(m.registerForwardHook((mod: { constructor: { name: string } }, _in: unknown, out: unknown) => {
      const t = out as nc.Tensor;
      if (!(t instanceof nc.Tensor) || t.shape.length !== 4) return;
      const [, c, h, w] = t.shape;
      const k = Math.min(c, 8);
      maps.push({ name, type: mod.constructor.name, shape: [c, h, w], channels: k, data: Float32Array.from((t.dataSync() as Float32Array).subarray(0, k * h * w)) });
    }));
  }
  model!.eval();
  let probs: number[] = [];
  try {
    nc.noGrad(() => nc.tidy(() => {
      const logits = model!.call(nc.fromArray(pixels, [1, 1, 28, 28]));
      probs = Array.from(nc.softmax(logits, 1).dataSync(), Number);
    }));
  } finally {
    for (const h of handles) h.remove();
    model!.train();
  }
  let where: Looks | null = null;
  try {
    where = looks(model!, pixels, probs.indexOf(Math.max(...probs)));
  } catch (e) {
    console.warn(`neocog playground: no saliency for this model: ${(e as Error).message}`);
  }
  post({ type: 'prediction', id, probs, maps, looks: where }, where ? [where.saliency.data.buffer, ...(where.gradCam ? [where.gradCam.picture.data.buffer] : [])] : []);
}

function sendEmbedding(): void {
  const classes = settings.dataset === 'fashion' ? FASHION_CLASSES : DIGIT_CLASSES;
  const map = embeddingMap(model!, sets[settings.dataset]!.test, embedMethod, classes, epochs);
  post({ type: 'embedding', map }, [map.picture.data.buffer]);
}

/** ONNX bytes of the model; protobufjs loads with the first export only. */
async function sendOnnx(): Promise<void> {
  const { exportOnnxBytes } = await import('neocog/onnx');
  const bytes = exportOnnxBytes(model!, { input: [1, ...INPUT] });
  post({ type: 'onnx', bytes }, [bytes.buffer]);
}

async function reset(s: Settings): Promise<void> {
  settings = s;
  running = false;
  nc.manualSeed(0);
  model = buildModel(s);
  model.train();
  makeOptimizer();
  step = 0;
  seen = 0;
  epochs = 0;
  const d = await data();
  shuffle(d.train.count);
  post({ type: 'model', name: s.model, summary: summarize(model) });
  progress(NaN, NaN, 0);
  sendFilters();
}

function progress(loss: number, acc: number, ips: number): void {
  const d = sets[settings.dataset];
  post({ type: 'progress', step, epoch: d ? seen / d.train.count : 0, loss, acc, imagesPerSecond: ips, running, lr: settings.lr, workerJobs: (nc.getBackend() as { workerJobs?: number }).workerJobs ?? 0 });
}

async function applySettings(s: Settings): Promise<void> {
  const rebuild = s.model !== settings.model || s.dataset !== settings.dataset || (s.model === 'custom' && s.spec !== settings.spec);
  if (rebuild) {
    await reset(s);
    return;
  }
  settings = s;
  if (s.optimizer !== optName) makeOptimizer();
  for (const g of opt!.paramGroups) (g as { lr: number }).lr = s.lr;
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Bumped by every start, so a loop still waiting in tick() after a pause + start ends instead of running twice. */
let generation = 0;

async function loop(): Promise<void> {
  const mine = ++generation;
  while (running && mine === generation) {
    const d = await data();
    const t0 = performance.now();
    let loss = 0, correct = 0, n = 0, steps = 0;
    while (running && performance.now() - t0 < 50) {
      const [l, c, b] = trainStep(d.train);
      loss += l * b;
      correct += c;
      n += b;
      steps++;
      step++;
      seen += b;
      if (step % settings.evalEvery === 0) evaluate(d.test);
      if (Math.floor(seen / d.train.count) > epochs) {
        epochs = Math.floor(seen / d.train.count);
        sendEmbedding();
      }
    }
    if (n) progress(loss / n, correct / n, n / ((performance.now() - t0) / 1000));
    await tick();
  }
  if (mine === generation) progress(NaN, NaN, 0);
}

function fail(e: unknown): void {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

async function idbList(note?: string): Promise<void> {
  post({ type: 'idb', models: await nc.io.listModelsIndexedDB(), note });
}

/** Handles one message from the page. */
export async function handle(m: ToWorker): Promise<void> {
  try {
    switch (m.type) {
      case 'init': {
        dataBase = m.dataBase;
        const backend = await nc.ready();
        post({
          type: 'ready', backend, threads: (nc.getBackend() as { threads?: number }).threads ?? 1, isolated: self.crossOriginIsolated, zoo: zoo(),
          datasets: { mnist: { train: 8000, test: 2000, classes: DIGIT_CLASSES }, fashion: { train: 2000, test: 500, classes: FASHION_CLASSES } },
        });
        await reset(m.settings);
        break;
      }
      case 'settings': await applySettings(m.settings); break;
      case 'start':
        if (!running) {
          running = true;
          void loop().catch((e) => { running = false; fail(e); });
        }
        break;
      case 'pause': running = false; break;
      case 'reset': await reset(m.settings); break;
      case 'evaluate': evaluate((await data()).test); break;
      case 'checkSpec':
        try {
          const mdl = nc.spec.fromSpec(nc.spec.parseSpec(m.text, 'spec')) as Model;
          post({ type: 'spec', id: m.id, ok: true, summary: summarize(mdl) });
        } catch (e) {
          post({ type: 'spec', id: m.id, ok: false, error: (e as Error).message });
        }
        break;
      case 'specOf': post({ type: 'specText', id: m.id, text: nc.spec.toSpecYaml(nc.spec.toSpec(nc.models.get(m.model), { inputShape: INPUT })) }); break;
      case 'predict': if (model) predict(m.id, m.pixels); break;
      case 'save': {
        const bytes = nc.io.modelToBytes(model!, { metadata: { model: settings.model, dataset: settings.dataset } });
        post({ type: 'saved', bytes }, [bytes.buffer]);
        break;
      }
      case 'load':
        nc.io.loadModelBytes(model!, m.bytes, { source: m.source });
        post({ type: 'loaded', source: m.source });
        sendFilters();
        break;
      case 'idbSave': await nc.io.saveModelIndexedDB(model!, m.name); await idbList(`saved '${m.name}'`); break;
      case 'idbLoad': await nc.io.loadModelIndexedDB(model!, m.name); post({ type: 'loaded', source: `IndexedDB '${m.name}'` }); sendFilters(); break;
      case 'idbList': await idbList(); break;
      case 'embed':
        embedMethod = m.method;
        if (model && sets[settings.dataset]) sendEmbedding();
        break;
      case 'onnx': await sendOnnx(); break;
      case 'data':
        sets.files = { train: m.train, test: m.test };
        await reset({ ...settings, dataset: 'files' });
        break;
    }
  } catch (e) {
    fail(e);
  }
}
