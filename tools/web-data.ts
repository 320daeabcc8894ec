/**
 * The playground's embedded datasets, as gzipped "NCDS" files in web/public/data/:
 *   magic 'NCDS', u32 LE count, rows, cols, then count*rows*cols uint8 pixels, then count uint8 labels.
 * MNIST: the embedded digits of the `mnist` package with neocog's own 8,000 / 2,000 split
 * (embeddedMnist), written on every run (not committed). Fashion-MNIST: a small committed subset (the
 * first 2,000 training and 500 test images of the official files), rebuilt only with --fashion <dir>.
 * Usage: tsx tools/web-data.ts [--fashion /work/shared/datasets/fashion-mnist]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { embeddedMnist } from '../src/data/embedded-mnist.js';
import { parseIdx } from '../src/data/idx.js';

const out = join(import.meta.dirname, '..', 'web', 'public', 'data');
mkdirSync(out, { recursive: true });

function write(name: string, images: Uint8Array, labels: Uint8Array, rows: number, cols: number): void {
  const head = new Uint8Array(16);
  head.set([78, 67, 68, 83]); // 'NCDS'
  const v = new DataView(head.buffer);
  v.setUint32(4, labels.length, true);
  v.setUint32(8, rows, true);
  v.setUint32(12, cols, true);
  const body = new Uint8Array(16 + images.length + labels.length);
  body.set(head);
  body.set(images, 16);
  body.set(labels, 16 + images.length);
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(join(out, name), gz);
  console.log(`web-data: ${name} ${labels.length} images, ${(gz.length / 1024).toFixed(0)} KiB`);
}

for (const train of [true, false]) {
  const ds = embeddedMnist({ train });
  write(`mnist-${train ? 'train' : 'test'}.bin.gz`, ds.images, ds.labels as Uint8Array, 28, 28);
}

const i = process.argv.indexOf('--fashion');
if (i > 0) {
  const dir = process.argv[i + 1];
  for (const [part, idxName, n] of [['train', 'train', 2000], ['test', 't10k', 500]] as const) {
    const images = parseIdx(readFileSync(join(dir, `${idxName}-images-idx3-ubyte.gz`)), { name: `${idxName}-images` });
    const labels = parseIdx(readFileSync(join(dir, `${idxName}-labels-idx1-ubyte.gz`)), { name: `${idxName}-labels` });
    write(`fashion-${part}.bin.gz`, (images.data as Uint8Array).slice(0, n * 784), (labels.data as Uint8Array).slice(0, n), 28, 28);
  }
} else if (!existsSync(join(out, 'fashion-train.bin.gz'))) {
  throw new Error('web-data: web/public/data/fashion-train.bin.gz is missing (it is committed; rebuild with --fashion <dir>)');
}
