/**
 * Time and quality of inspect's 2-D embeddings on real digits (docs/INSPECT.md, Speed):
 *
 *   npx tsx tools/embed-bench.ts [tsne,umap,pca] [points=10000] [--data-dir /work/shared/datasets/mnist] [--png dir] [--feature-knn] [--model mnist-convnet]
 *
 * Embeds the raw 784-pixel MNIST test images (the 10,000 embedded digits when there is no --data-dir), or with
 * --model the penultimate layer of that zoo model (random init, through inspect.embed: forward passes included), and prints,
 * per method: wall-clock seconds, CPU seconds of this process (user + system, user alone: the machine is shared),
 * and the leave-one-out 5-NN accuracy on the 2-D map (and, with --feature-knn, on the pixels).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedMnist, readMnistFolder } from '../src/data/index.js';
import { MNIST_CLASSES } from '../src/data/embedded-mnist.js';
import { Generator } from '../src/tensor/random.js';
import { pca } from '../src/inspect/pca.js';
import { knnAccuracy, tsne } from '../src/inspect/tsne.js';
import { umap } from '../src/inspect/umap.js';
import { embed, type EmbedMethod } from '../src/inspect/embed.js';
import { fromArray } from '../src/tensor/creation.js';
import { manualSeed } from '../src/tensor/random.js';
import * as models from '../src/models/index.js';
import { scatterPlot } from '../src/render/views.js';
import { writeRgbaPng } from '../src/node/inspect-report.js';

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const featureKnn = args.includes('--feature-knn');
if (featureKnn) args.splice(args.indexOf('--feature-knn'), 1);
const dataDir = flag('--data-dir'), pngDir = flag('--png'), modelName = flag('--model');
const methods = (args[0] ?? 'tsne,umap').split(',');
const want = Number(args[1] ?? 10000);

let images: Uint8Array, labels: Uint8Array, source: string;
if (dataDir) {
  const ds = readMnistFolder(dataDir, { train: false });
  images = ds.images as Uint8Array; labels = ds.labels as Uint8Array; source = `MNIST test images (${dataDir})`;
} else {
  const a = embeddedMnist({ train: false }), b = embeddedMnist({ train: true });
  images = new Uint8Array([...a.images, ...b.images]); labels = new Uint8Array([...a.labels, ...b.labels]); source = 'embedded MNIST digits';
}
const n = Math.min(want, labels.length), d = 784;
const x = Float32Array.from(images.subarray(0, n * d), (v) => v / 255), y = labels.subarray(0, n);
console.log(`${n} ${source}, ${d} pixels`);
if (featureKnn) console.log(`5-NN accuracy on the pixels: ${(100 * knnAccuracy(x, n, d, y)).toFixed(1)}%`);

for (const method of methods) {
  const gen = new Generator(0), random = () => gen.random();
  const t0 = performance.now(), c0 = process.cpuUsage();
  let coords: Float64Array, what = 'pixels';
  if (modelName) {
    manualSeed(0);
    const model = models.get(modelName), e = embed(model, fromArray(x, [n, 1, 28, 28]), { method: method as EmbedMethod, generator: gen });
    coords = e.coords; what = `${modelName} ${e.layer}, ${e.dim} features, random init`;
  } else coords = method === 'tsne' ? tsne(x, n, d, { random }) : method === 'umap' ? umap(x, n, d, { random }) : pca(x, n, d, 2, random).coords;
  const c = process.cpuUsage(c0), wall = (performance.now() - t0) / 1000;
  const acc = knnAccuracy(coords, n, 2, y);
  console.log(`${method.padEnd(5)} (${what}) ${wall.toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s cpu (user ${(c.user / 1e6).toFixed(1)} s), 5-NN accuracy on the map ${(100 * acc).toFixed(1)}%`);
  if (pngDir) {
    mkdirSync(pngDir, { recursive: true });
    const img = scatterPlot(coords, y, { classes: MNIST_CLASSES, title: `${method} of ${n} MNIST test images (${what.split(',')[0]}): 5-NN ${(100 * acc).toFixed(1)}%` });
    writeRgbaPng(join(pngDir, `embedding-${method}.png`), img);
  }
}
