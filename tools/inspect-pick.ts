/**
 * Picks test images for docs/INSPECT.md: the first `right` correctly and the first `wrong` wrongly
 * classified test images of a trained model, written as PNG (named <dataset>-<index>-true<t>-pred<p>.png).
 *   npx tsx tools/inspect-pick.ts <weights dir> <mnist|fashion-mnist> <out dir> [right=2] [wrong=2]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as nc from '../src/index.js';
import { loadTrainedModel } from '../src/cli/weights.js';
import { loadSplit } from '../src/cli/datasets.js';
import { writePng } from '../src/data/image-folder.js';

const [weights, dataset, out, right = '2', wrong = '2'] = process.argv.slice(2);
if (!weights || !dataset || !out) throw new Error('usage: tools/inspect-pick.ts <weights dir> <mnist|fashion-mnist> <out dir> [right] [wrong]');
const { model } = loadTrainedModel({ weights });
model.eval();
const ds = await loadSplit({ dataset: dataset as 'mnist', dataDir: `/work/shared/datasets/${dataset}` }, 'test', { limit: 2000 });
const need = { right: Number(right), wrong: Number(wrong) };
mkdirSync(out, { recursive: true });
for (let i = 0; i < ds.length && (need.right > 0 || need.wrong > 0); i++) {
  const [x, y] = ds.get(i);
  const p = (nc.noGrad(() => model.call(x.unsqueeze(0))).argmax(1).dataSync() as Int32Array)[0];
  const kind = p === y ? 'right' : 'wrong';
  if (need[kind] <= 0) continue;
  need[kind]--;
  const path = join(out, `${dataset}-${i}-true${y}-pred${p}.png`);
  writePng(path, x);
  console.log(path);
}
