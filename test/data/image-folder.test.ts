import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, test } from 'vitest';
import { DataLoader } from '../../src/data/dataloader.js';
import { encodePng, ImageFolder, readImage, writePng } from '../../src/data/image-folder.js';
import { Compose, Normalize, RandomHorizontalFlip } from '../../src/data/transforms.js';
import { fromArray } from '../../src/tensor/creation.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** A [c,h,w] image whose bytes are exact multiples of 1/255. */
const byteImage = (c: number, h: number, w: number, seed: number) =>
  fromArray(Float32Array.from({ length: c * h * w }, (_, i) => ((i * 37 + seed * 11) % 256) / 255), [c, h, w]);
const bytes = (v: ArrayLike<number>) => Array.from(v, (p) => Math.round(p * 255));

describe('readImage / writePng', () => {
  test.each([1, 2, 3, 4])('PNG round trip with %i channel(s) is exact', (c) => {
    const x = byteImage(c, 5, 7, c);
    const p = join(tmp.dir, `rt${c}.png`);
    writePng(p, x);
    const y = readImage(p);
    expect(y.shape).toEqual([c, 5, 7]);
    expect(y.dtype).toBe('float32');
    expect(bytes(y.dataSync())).toEqual(bytes(x.dataSync()));
  });

  test('modes convert channels; [H,W] tensors and clamping', () => {
    const p = join(tmp.dir, 'rgb.png');
    writePng(p, byteImage(3, 4, 4, 1));
    expect(readImage(p, { mode: 'RGBA' }).shape).toEqual([4, 4, 4]);
    expect(readImage(p, { mode: 'L' }).shape).toEqual([1, 4, 4]);
    const q = join(tmp.dir, 'hw.png');
    writePng(q, fromArray(new Float32Array([-1, 0.5, 2, 1]), [2, 2]));
    expect(bytes(readImage(q).dataSync())).toEqual([0, 128, 255, 255]);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]); // atomic: no temp files left
    expect(() => encodePng(fromArray(new Float32Array(5 * 4), [5, 2, 2]))).toThrow(/1-4 channels/);
  });

  test('JPEG (colour and grey) decodes to [3,H,W] / [1,H,W]', () => {
    const w = 16;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([200, 100, 50, 255], i * 4);
    const p = join(tmp.dir, 'c.jpg');
    writeFileSync(p, jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
    const x = readImage(p);
    expect(x.shape).toEqual([3, h, w]);
    const v = bytes(x.dataSync());
    expect(Math.abs(v[0] - 200)).toBeLessThan(6);
    expect(Math.abs(v[h * w] - 100)).toBeLessThan(6);
    expect(Math.abs(v[2 * h * w] - 50)).toBeLessThan(6);
    expect(readImage(p, { mode: 'L' }).shape).toEqual([1, h, w]);
  });

  test('bad files give clear errors', () => {
    const p = join(tmp.dir, 'bad.png');
    writeFileSync(p, 'not an image');
    expect(() => readImage(p)).toThrow(/bad\.png: not a PNG, JPEG, TIFF or GIF file \(first bytes 6e 6f 74 20\)/);
    const q = join(tmp.dir, 'trunc.png');
    writeFileSync(q, encodePng(byteImage(1, 8, 8, 0)).subarray(0, 40));
    expect(() => readImage(q)).toThrow(/trunc\.png: invalid PNG: truncated/);
    expect(() => readImage(join(tmp.dir, 'missing.png'))).toThrow(/readImage: cannot read .*missing\.png/);
  });
});

describe('ImageFolder', () => {
  const root = join(tmp.dir, 'tree');
  // root/cat/{0,1,2}.png, root/dog/{0,1}.png + nested/x.png, root/dog/notes.txt, root/empty/
  const layout: Record<string, string[]> = { cat: ['0.png', '1.png', '2.png'], dog: ['0.png', '1.PNG', 'nested/x.png'], empty: [] };
  let seed = 0;
  for (const [cls, files] of Object.entries(layout)) {
    mkdirSync(join(root, cls, 'nested'), { recursive: true });
    for (const f of files) writePng(join(root, cls, f), byteImage(1, 6, 6, seed++));
  }
  writeFileSync(join(root, 'dog', 'notes.txt'), 'ignored');
  writeFileSync(join(root, 'README'), 'a file in root is not a class');

  test('classes from subdirectories, samples, labels', () => {
    const ds = new ImageFolder(root);
    expect(ds.classes).toEqual(['cat', 'dog', 'empty']);
    expect(ds.classToIdx).toEqual({ cat: 0, dog: 1, empty: 2 });
    expect(ds.length).toBe(6);
    expect(ds.targets).toEqual([0, 0, 0, 1, 1, 1]);
    expect(ds.samples.map(([p]) => p.slice(root.length + 1))).toEqual(['cat/0.png', 'cat/1.png', 'cat/2.png', 'dog/0.png', 'dog/1.PNG', 'dog/nested/x.png']);
    const [x, y] = ds.get(4);
    expect(x.shape).toEqual([1, 6, 6]);
    expect(y).toBe(1);
    expect(bytes(x.dataSync())).toEqual(bytes(byteImage(1, 6, 6, 4).dataSync()));
  });

  test('transform and DataLoader batches', () => {
    const ds = new ImageFolder(root, { transform: Compose([RandomHorizontalFlip(0), Normalize(0.5, 0.5)]) });
    const [x] = ds.get(0);
    expect(Math.min(...x.dataSync())).toBeGreaterThanOrEqual(-1);
    const batches = [...new DataLoader(ds, { batchSize: 4 })];
    expect(batches.map(([bx]) => bx.shape)).toEqual([[4, 1, 6, 6], [2, 1, 6, 6]]);
    expect(Array.from(batches[1][1].dataSync())).toEqual([1, 1]);
  });

  test('errors: missing root, no classes, no images', () => {
    expect(() => new ImageFolder(join(tmp.dir, 'nope'))).toThrow(/ImageFolder: cannot read .*nope/);
    const flat = join(tmp.dir, 'flat');
    mkdirSync(flat);
    expect(() => new ImageFolder(flat)).toThrow(/has no class subdirectories/);
    mkdirSync(join(flat, 'a'));
    expect(() => new ImageFolder(flat)).toThrow(/no \.png\/\.jpg\/\.jpeg\/\.tif\/\.tiff\/\.gif files under/);
  });
});
