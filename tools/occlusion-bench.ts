/**
 * Occlusion speed (docs/INSPECT.md): npx tsx tools/occlusion-bench.ts [<lenet5 weights dir> | --random]
 * — 28x28 MNIST test image, 4x4 window, stride 1 (--random: untrained LeNet-5; the time does not depend on the weights).
 */
import * as nc from '../src/index.js';
import { loadTrainedModel } from '../src/cli/weights.js';
const model = process.argv[2] === '--random' ? nc.models.get('lenet5').eval() : loadTrainedModel({ weights: process.argv[2] ?? '.neocog/lenet5' }).model;
const ds = await nc.data.mnist({ root: '/work/shared/datasets/mnist', train: false });
const x = nc.fromArray(Float32Array.from(ds.images.subarray(0, 784), (v) => v / 255), [1, 1, 28, 28]);
nc.inspect.occlusion(model, x, 7, { window: 4, stride: 1 });
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const o = nc.inspect.occlusion(model, x, 7, { window: 4, stride: 1 });
  const c = process.cpuUsage(c0);
  console.log('occlusion 28x28 4x4 stride 1 (625 windows), LeNet-5:', ((performance.now() - t0) / 1000).toFixed(3), 's wall', ((c.user + c.system) / 1e6).toFixed(3), 's cpu', o.grid.shape, nc.backend());
}
