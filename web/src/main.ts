/**
 * The playground page: controls, charts and pictures. Everything numeric happens in the worker
 * (./worker.ts); this thread only sends settings and draws what comes back, so it stays responsive.
 */
import './style.css';
import { Curves } from './charts';
import { setupPad, toMnist } from './draw';
import { parseIdxFile, type ImageSet } from './datasets';
import { drawConfusion, drawFilters, drawMaps, drawPicture, drawProbs, drawWrong, greyCanvas } from './render';
import { readSettings, writeSettings } from './url-state';
import { DIGIT_CLASSES, FASHION_CLASSES, type EmbedMethod, type EmbeddingMap, type FromWorker, type Looks, type Settings, type ToWorker } from './protocol';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'neocog-trainer' });
worker.onerror = (e) => {
  const msg = `the training worker failed: ${e.message || 'could not load it'}`;
  state.errors.push(msg);
  $('status').textContent = msg;
  console.error(msg);
};
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

let settings: Settings = readSettings();
const curves = new Curves($('chart-loss'), $('chart-acc'));
const classes = () => (settings.dataset === 'fashion' ? FASHION_CLASSES : DIGIT_CLASSES);
let backendLine = '';
let specId = 0;
let predictId = 0;
/** The pad version of the latest prediction request (only the latest request's answer is shown). */
let requestedPad = 0;
const pad = setupPad($<HTMLCanvasElement>('draw'), padChanged);

/** What tests and curious users can read: the latest numbers the page shows. */
const state = {
  ready: false, backend: '', threads: 0, isolated: false, step: 0, epoch: 0, heldOutAcc: NaN, evals: 0,
  workerJobs: 0, running: false, prediction: -1, probs: [] as number[], predictions: 0, errors: [] as string[], loaded: '', saved: 0,
  /** The 28x28 input of the latest prediction request, in [0, 1]. */
  input: [] as number[],
  /** Bumped by every change of the pad; `predictedPad` is the pad version the shown prediction is for. */
  padVersion: 0, predictedPad: 0,
  gradCamLayer: '', embeddings: 0, embedding: null as Omit<EmbeddingMap, 'picture'> | null, onnx: 0,
};
(window as unknown as { playground: unknown }).playground = { state, pad, settings: () => settings, send };

function setControls(s: Settings): void {
  $<HTMLSelectElement>('dataset').value = s.dataset === 'files' ? 'mnist' : s.dataset;
  $<HTMLSelectElement>('model').value = s.model;
  $<HTMLSelectElement>('optimizer').value = s.optimizer;
  $<HTMLInputElement>('lr').value = String(s.lr);
  $<HTMLSelectElement>('batch').value = String(s.batchSize);
  $<HTMLSelectElement>('augment').value = s.augment;
}

function update(patch: Partial<Settings>): void {
  const rebuild = (patch.model !== undefined && patch.model !== settings.model) || (patch.dataset !== undefined && patch.dataset !== settings.dataset) || patch.spec !== undefined;
  settings = { ...settings, ...patch };
  writeSettings(settings);
  if (rebuild) {
    curves.clear();
    running(false);
  }
  send({ type: 'settings', settings });
}

function running(on: boolean): void {
  $<HTMLButtonElement>('start').disabled = on;
  $<HTMLButtonElement>('pause').disabled = !on;
}

function summaryTable(s: { rows: { name: string; type: string; outputShape: number[]; params: number; flops: number }[]; totalParams: number; totalFlops: number }): void {
  const fmt = (n: number) => n.toLocaleString('en-US');
  $('summary').innerHTML = '<tr><th>layer</th><th>type</th><th>output</th><th>params</th><th>FLOPs</th></tr>'
    + s.rows.map((r) => `<tr><td>${r.name}</td><td>${r.type}</td><td>[${r.outputShape.join(', ')}]</td><td>${fmt(r.params)}</td><td>${fmt(r.flops)}</td></tr>`).join('')
    + `<tr class="total"><td colspan="3">total</td><td>${fmt(s.totalParams)}</td><td>${fmt(s.totalFlops)}</td></tr>`;
}

/** The pad as the net's 28x28 input, or null when blank; recomputed only when the pad changes. */
let padPixels: Float32Array | null = null;

function padChanged(): void {
  state.padVersion++;
  padPixels = toMnist($<HTMLCanvasElement>('draw'));
  const g = $<HTMLCanvasElement>('input28').getContext('2d')!;
  if (padPixels) g.drawImage(greyCanvas(padPixels, 28, 28, 1), 0, 0);
  else g.clearRect(0, 0, 28, 28);
  predictNow();
}

/** Asks the worker for the current model's view of the pad (after every change of pad or model). */
function predictNow(): void {
  if (!padPixels) {
    $('probs').replaceChildren();
    drawMaps($('maps'), []);
    showLooks(null);
    return;
  }
  state.input = Array.from(padPixels);
  requestedPad = state.padVersion;
  send({ type: 'predict', id: ++predictId, pixels: padPixels });
}

function showLooks(l: Looks | null): void {
  drawPicture($<HTMLCanvasElement>('saliency'), l?.saliency ?? null);
  drawPicture($<HTMLCanvasElement>('gradcam'), l?.gradCam?.picture ?? null);
  $('looks-class').textContent = l ? classes()[l.target] : '–';
  $('gradcam-layer').textContent = l?.gradCam?.layer ?? (l ? '(no conv layer)' : '–');
  $('gradcam-layer').title = l?.note ?? '';
  state.gradCamLayer = l?.gradCam?.layer ?? '';
}

function showEmbedding(m: EmbeddingMap): void {
  const { picture, ...numbers } = m;
  state.embedding = numbers;
  state.embeddings++;
  drawPicture($<HTMLCanvasElement>('embedding'), picture);
  $('embedding').style.width = `${2 * picture.width}px`;
  $('embed-note').textContent = `${m.method === 'tsne' ? 't-SNE' : 'PCA'} of layer ${m.layer}, ${m.count} held-out images, epoch ${m.epoch} · 5-NN accuracy ${(100 * m.knn).toFixed(1)}% on the map (${(100 * m.featureKnn).toFixed(1)}% on the features) · ${(m.ms / 1000).toFixed(1)} s`;
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  $('save-note').textContent = `downloaded ${name}, ${bytes.length.toLocaleString('en-US')} bytes`;
}

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'ready': {
      Object.assign(state, { ready: true, backend: m.backend, threads: m.threads, isolated: m.isolated });
      backendLine = `${m.isolated ? 'cross-origin isolated' : 'not isolated'} · ${m.backend.split(';')[0]}`;
      $('status').textContent = backendLine;
      $('status').title = m.backend;
      const sel = $<HTMLSelectElement>('model');
      sel.replaceChildren(...m.zoo.map((z) => new Option(z.name, z.name)), new Option('custom (edit the spec below)', 'custom'));
      for (const o of sel.options) o.title = m.zoo.find((z) => z.name === o.value)?.description ?? '';
      setControls(settings);
      if (settings.model === 'custom') $<HTMLTextAreaElement>('spec').value = settings.spec;
      else send({ type: 'specOf', id: ++specId, model: settings.model });
      send({ type: 'idbList' });
      break;
    }
    case 'model':
      summaryTable(m.summary);
      $('progress').textContent = 'ready to train';
      drawPicture($<HTMLCanvasElement>('embedding'), null);
      $('embed-note').textContent = 'drawn at the end of each epoch';
      predictNow();
      break;
    case 'progress':
      Object.assign(state, { step: m.step, epoch: m.epoch, workerJobs: m.workerJobs, running: m.running });
      if (Number.isFinite(m.loss)) curves.train(m.epoch, m.loss, m.acc);
      $('progress').textContent = `step ${m.step} · epoch ${m.epoch.toFixed(2)}${Number.isFinite(m.loss) ? ` · loss ${m.loss.toFixed(3)} · ${Math.round(m.imagesPerSecond)} img/s` : ''}${Number.isFinite(state.heldOutAcc) ? ` · held-out ${(100 * state.heldOutAcc).toFixed(1)}%` : ''}`;
      running(m.running);
      break;
    case 'eval':
      state.heldOutAcc = m.acc;
      state.evals++;
      curves.heldOut(m.epoch, m.loss, m.acc);
      drawConfusion($<HTMLCanvasElement>('confusion'), m.confusion, classes());
      // Each in a task of its own: together (the first time) they held the main thread for ~60 ms.
      setTimeout(() => drawWrong($<HTMLCanvasElement>('wrong'), m.wrongPicture, m.wrong, classes()), 0);
      setTimeout(predictNow, 0);
      break;
    case 'filters':
      drawFilters($<HTMLCanvasElement>('filters'), m.shape, m.data);
      break;
    case 'spec':
      if (m.id !== specId) break;
      $('spec-error').textContent = m.ok ? '' : m.error;
      $<HTMLButtonElement>('spec-use').disabled = !m.ok;
      if (m.ok) summaryTable(m.summary);
      break;
    case 'specText':
      $<HTMLTextAreaElement>('spec').value = m.text;
      $('spec-error').textContent = '';
      break;
    case 'prediction':
      if (m.id !== predictId) break;
      state.probs = m.probs;
      state.predictedPad = requestedPad;
      state.prediction = m.probs.indexOf(Math.max(...m.probs));
      state.predictions++;
      drawProbs($('probs'), m.probs, classes());
      drawMaps($('maps'), m.maps);
      showLooks(m.looks);
      break;
    case 'embedding':
      showEmbedding(m.map);
      break;
    case 'onnx':
      state.onnx++;
      download(m.bytes, 'model.onnx');
      break;
    case 'saved':
      state.saved++;
      download(m.bytes, `${settings.model}-${settings.dataset}.safetensors`);
      break;
    case 'loaded':
      state.loaded = m.source;
      $('save-note').textContent = `loaded ${m.source}`;
      send({ type: 'evaluate' });
      predictNow();
      break;
    case 'idb': {
      const sel = $<HTMLSelectElement>('idb-list');
      sel.replaceChildren(...m.models.map((x) => new Option(`${x.name} (${(x.bytes / 1024).toFixed(0)} KiB)`, x.name)));
      if (m.note) $('save-note').textContent = m.note;
      break;
    }
    case 'error':
      state.errors.push(m.message);
      $('save-note').textContent = `error: ${m.message}`;
      console.warn(`neocog worker: ${m.message}`);
      break;
  }
};

$('dataset').onchange = () => update({ dataset: $<HTMLSelectElement>('dataset').value as Settings['dataset'] });
$('model').onchange = () => {
  const model = $<HTMLSelectElement>('model').value;
  if (model === 'custom') {
    ($('spec-box') as HTMLDetailsElement).open = true;
    return;
  }
  update({ model });
  send({ type: 'specOf', id: ++specId, model });
};
$('optimizer').onchange = () => update({ optimizer: $<HTMLSelectElement>('optimizer').value as Settings['optimizer'] });
$('lr').onchange = () => {
  const lr = Number($<HTMLInputElement>('lr').value);
  if (Number.isFinite(lr) && lr > 0) update({ lr });
  else $<HTMLInputElement>('lr').value = String(settings.lr);
};
$('batch').onchange = () => update({ batchSize: Number($<HTMLSelectElement>('batch').value) });
$('augment').onchange = () => update({ augment: $<HTMLSelectElement>('augment').value as Settings['augment'] });
$('start').onclick = () => {
  send({ type: 'start' });
  running(true);
};
$('pause').onclick = () => send({ type: 'pause' });
$('reset').onclick = () => {
  curves.clear();
  state.heldOutAcc = NaN;
  send({ type: 'reset', settings });
};
let specTimer = 0;
$('spec').oninput = () => {
  clearTimeout(specTimer);
  specTimer = window.setTimeout(() => send({ type: 'checkSpec', id: ++specId, text: $<HTMLTextAreaElement>('spec').value }), 250);
};
$('spec-use').onclick = () => {
  $<HTMLSelectElement>('model').value = 'custom';
  update({ model: 'custom', spec: $<HTMLTextAreaElement>('spec').value });
};
$('clear').onclick = () => pad.clear();
$('download').onclick = () => send({ type: 'save' });
$('onnx').onclick = () => send({ type: 'onnx' });
const embedNow = () => {
  $('embed-note').textContent = 'mapping…';
  send({ type: 'embed', method: $<HTMLSelectElement>('embed-method').value as EmbedMethod });
};
$('embed-method').onchange = embedNow;
$('embed-now').onclick = embedNow;
$('upload').onchange = async () => {
  const f = $<HTMLInputElement>('upload').files?.[0];
  if (!f) return;
  const bytes = new Uint8Array(await f.arrayBuffer());
  send({ type: 'load', bytes, source: f.name }, [bytes.buffer]);
};
$('idb-save').onclick = () => send({ type: 'idbSave', name: $<HTMLInputElement>('idb-name').value.trim() || 'my-model' });
$('idb-load').onclick = () => {
  const name = $<HTMLSelectElement>('idb-list').value;
  if (name) send({ type: 'idbLoad', name });
};
$('idx').onchange = async () => {
  try {
    const files = [...($<HTMLInputElement>('idx').files ?? [])];
    const parsed = await Promise.all(files.map(async (f) => ({ name: f.name, ...(await parseIdxFile(f)) })));
    const find = (part: RegExp, kind: string) => parsed.find((p) => part.test(p.name) && p.kind === kind);
    const set = (part: RegExp): ImageSet => {
      const im = find(part, 'images'), lb = find(part, 'labels');
      if (!im || !lb || im.count !== lb.count) throw new Error(`need matching ${part.source} images and labels files`);
      return { images: im.data, labels: lb.data, count: im.count, rows: 28, cols: 28 };
    };
    const train = set(/train/), test = set(/t10k|test/);
    settings = { ...settings, dataset: 'files' };
    curves.clear();
    send({ type: 'data', train, test }, [train.images.buffer, train.labels.buffer, test.images.buffer, test.labels.buffer]);
    $('save-note').textContent = `training on ${train.count.toLocaleString('en-US')} images from disk, ${test.count.toLocaleString('en-US')} held out`;
  } catch (e) {
    $('save-note').textContent = `error: ${(e as Error).message}`;
  }
};

setControls(settings);
writeSettings(settings);
send({ type: 'init', settings, dataBase: new URL('data/', document.baseURI).href });
