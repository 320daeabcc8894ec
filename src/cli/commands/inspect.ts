/**
 * `neocog inspect`: see inside a trained model. Per image, a PNG per method (saliency, Grad-CAM,
 * occlusion, deconvnet, ...), the first conv's filters and the feature maps of every conv; --report
 * puts everything on one HTML page; --embed maps the test set with t-SNE, UMAP or PCA; --sanity runs the
 * weight-randomisation test.
 */
import { basename, extname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { stack } from '../../ops/shape.js';
import { Conv1d, Conv2d } from '../../nn/conv.js';
import { activations, embed, filters, maximize, weightRandomization, EMBED_METHODS, type EmbedMethod } from '../../inspect/index.js';
import { filterGrid, mapsGrid, scatterPlot } from '../../render/views.js';
import { panels, PANEL_METHODS, type PanelMethod } from '../../render/panels.js';
import { grid } from '../../render/grid.js';
import { colorize } from '../../render/colormap.js';
import { Generator } from '../../tensor/random.js';
import { report, writeRgbaPng } from '../../node/inspect-report.js';
import { fromArray } from '../../tensor/creation.js';
import { prepareImage, INVERT_MODES, type InvertMode } from '../inference.js';
import { CliError } from '../errors.js';
import { type CliIO, println } from '../io.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { loadTrainedModel } from '../weights.js';
import { defaultWeights } from './predict.js';
import { loadSplit, DATASETS, classNames, type DatasetName } from '../datasets.js';

interface InspectFlags {
  model?: string;
  weights?: string;
  image: string[];
  method: string;
  layer?: string;
  target?: number;
  out: string;
  report?: boolean;
  invert: InvertMode;
  zoom: number;
  embed?: number;
  embedMethod: EmbedMethod;
  embedLayer?: string;
  dataset: DatasetName;
  dataDir?: string;
  sanity?: boolean;
  maximize?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function parseMethods(spec: string): PanelMethod[] {
  if (spec === 'all') return [...PANEL_METHODS];
  const list = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const m of list) if (!PANEL_METHODS.includes(m as PanelMethod)) throw new CliError(`--method: unknown method '${m}' (use all or a comma-separated list of ${PANEL_METHODS.join(', ')})`);
  return list as PanelMethod[];
}

export function registerInspect(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description('see inside a trained model: filters, feature maps, saliency / Grad-CAM / occlusion / deconvnet maps (PNG), an HTML report, t-SNE maps, sanity checks')
    .option('--model <name>', 'model architecture (default: the one recorded in the weights file)')
    .option('--weights <path>', 'model.safetensors, or the --out folder of `neocog train` (default: .neocog/<model>)')
    .option('--image <path>', 'an image to explain (repeatable)', collect, [])
    .option('--method <list>', `all, or a comma-separated list of ${PANEL_METHODS.join(', ')}`, 'all')
    .option('--layer <name>', 'layer for Grad-CAM and the deconvnet projection (dotted name; default: the last conv)')
    .option('--target <class>', 'class to explain (default: the predicted class)', nonNegativeInt)
    .option('--out <dir>', 'folder for the PNG files (and report.html)', 'inspect-out')
    .option('--report', 'also write <out>/report.html, one self-contained page with every view')
    .addOption(new Option('--invert <mode>', 'invert dark-on-light images to match MNIST').choices(INVERT_MODES).default('auto'))
    .option('--zoom <n>', 'enlargement of the pictures', positiveInt, 6)
    .option('--embed <n>', 'embed the first n test images of --dataset at --embed-layer (writes embedding.png, prints the kNN accuracy)', positiveInt)
    .addOption(new Option('--embed-method <m>', 'projection for --embed').choices(EMBED_METHODS).default('tsne'))
    .option('--embed-layer <name>', 'layer for --embed (default: the input of the last module)')
    .addOption(new Option('--dataset <name>', 'dataset for --embed').choices(DATASETS).default('embedded-mnist'))
    .option('--data-dir <dir>', 'folder with the IDX files (mnist, fashion-mnist)')
    .option('--maximize <layer>', 'for each channel (at most 20) of this layer, the input that excites it most (writes maximize-<layer>.png)')
    .option('--sanity', 'run the weight-randomisation sanity check on the images (gradient, guided backprop, Grad-CAM)')
    .action(async (flags: InspectFlags) => {
      const loaded = loadTrainedModel({ model: flags.model, weights: flags.weights ?? defaultWeights(flags.model) });
      const { model, classes } = loaded;
      model.eval();
      const methods = parseMethods(flags.method);
      mkdirSync(flags.out, { recursive: true });
      const written: string[] = [];
      const save = (name: string, img: Parameters<typeof writeRgbaPng>[1]) => { const p = join(flags.out, name); writeRgbaPng(p, img); written.push(p); };
      const hasConv = model.modules().some((m) => m instanceof Conv1d || m instanceof Conv2d);
      if (hasConv) {
        const f = filters(model);
        save('filters.png', filterGrid(f.weight, { zoom: 8, motifs: f.motifs, alphabet: f.alphabet, title: `${loaded.name} ${f.layer} filters` }));
      }
      const prepared = flags.image.map((p) => prepareImage(p, loaded.inputShape, flags.invert));
      const layers = model.namedModules().filter(([, m]) => m.children().length === 0).map(([n]) => n);
      prepared.forEach((img) => {
        const base = basename(img.path, extname(img.path));
        const acts = activations(model, img.input.unsqueeze(0), layers);
        const tiles = layers.filter((l) => acts[l].ndim >= 3).map((l) => ({ image: mapsGrid(acts[l], { zoom: 2, cols: Math.min(10, acts[l].shape[1]) }), label: `${l} [${acts[l].shape.slice(1).join('x')}]` }));
        if (tiles.length) save(`${base}-feature-maps.png`, grid(tiles, { cols: 1, title: `${base}: feature maps` }));
        const p = panels(model, img.input, { methods, target: flags.target, layer: flags.layer, zoom: flags.zoom });
        const label = (i: number) => classes[i] ?? String(i);
        println(io, `${img.path}: predicted ${label(p.predicted)} (${(100 * p.probability).toFixed(1)}%), explaining class ${label(p.target)}`);
        for (const q of p.panels) {
          if (q.method !== 'input') save(`${base}-${q.method}.png`, q.image);
          if (q.note && q.method !== 'input') println(io, `  ${q.method}: ${q.note}`);
        }
        save(`${base}-all.png`, grid(p.panels.map((q) => ({ image: q.image, label: q.method })), { cols: Math.min(6, p.panels.length), title: `${base}: predicted ${label(p.predicted)}` }));
      });
      if (flags.sanity) {
        if (prepared.length === 0) throw new CliError('--sanity needs at least one --image');
        const x = stack(prepared.map((p) => p.input), 0);
        const pred = Array.from((model.call(x).argmax(1).dataSync() as Int32Array));
        const r = weightRandomization(model, x, pred);
        println(io, `sanity (cascading weight randomisation, Spearman rank correlation of each map with the trained model's, top layer first):`);
        println(io, `  layers: ${r.layers.join(' -> ')}`);
        for (const [m, s] of Object.entries(r.similarity)) println(io, `  ${m.padEnd(15)} ${s.map((v) => v.toFixed(2)).join(' ')}  ${r.passed[m] ? 'PASS (map depends on the weights)' : 'FAIL (map survives randomisation)'}`);
      }
      if (flags.maximize) {
        const probe = activations(model, fromArray(new Float32Array(loaded.inputShape.reduce((a, b) => a * b, 1)), [1, ...loaded.inputShape]), [flags.maximize])[flags.maximize];
        const channels = Math.min(20, probe.shape[1]);
        const tiles = Array.from({ length: channels }, (_, c) => {
          const r = maximize(model, { layer: flags.maximize!, channel: c, inputShape: loaded.inputShape, steps: 200, generator: new Generator(c) });
          const [, h, w] = loaded.inputShape;
          return { image: colorize(r.image.dataSync(), w, h, { cmap: 'grey', range: [0, 1] }), label: `${c}: ${r.activation.toFixed(1)}` };
        });
        save(`maximize-${flags.maximize}.png`, grid(tiles, { zoom: 3, cols: 10, title: `inputs maximising ${flags.maximize} channels (label: channel: activation)` }));
      }
      if (flags.embed) {
        const ds = await loadSplit({ dataset: flags.dataset, dataDir: flags.dataDir }, 'test', { limit: flags.embed });
        const n = ds.length, px = ds.images.length / n;
        const x = fromArray(Float32Array.from(ds.images.subarray(0, n * px), (v) => v / 255), [n, ...ds.imageShape]);
        const t0 = performance.now();
        const e = embed(model, x, { layer: flags.embedLayer, method: flags.embedMethod, labels: ds.labels });
        const secs = (performance.now() - t0) / 1000;
        const names = classNames(ds);
        println(io, `embedding: ${n} test images of ${flags.dataset}, layer ${e.layer} (${e.dim} features) -> ${e.method} in ${secs.toFixed(1)} s; 5-NN accuracy: 2-D map ${(100 * e.knnAccuracy!).toFixed(1)}%, layer features ${(100 * e.featureKnnAccuracy!).toFixed(1)}%`);
        save(`embedding-${e.method}.png`, scatterPlot(e.coords, ds.labels, { classes: names, title: `${e.method} of ${e.layer}, ${n} images: 5-NN ${(100 * e.knnAccuracy!).toFixed(1)}%` }));
      }
      if (flags.report) {
        if (prepared.length === 0) throw new CliError('--report needs at least one --image');
        const r = report(model, prepared.map((p) => p.input), { path: join(flags.out, 'report.html'), names: prepared.map((p) => basename(p.path)), classes, methods, layer: flags.layer, zoom: flags.zoom, title: `neocog inspect: ${loaded.name}` });
        written.push(r.path);
      }
      if (!prepared.length && !flags.embed && !flags.maximize) println(io, 'no --image given: wrote the filters only (add --image a.png for maps, --embed N for a t-SNE map)');
      println(io, `wrote ${written.length} files to ${flags.out}`);
    });
}
