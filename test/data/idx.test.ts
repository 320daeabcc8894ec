import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdx, readIdxPair } from '../../src/data/idx.js';
import { readMnistFolder } from '../../src/data/mnist.js';
import { FASHION_DIR, idxBytes, MNIST_DIR, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('IDX on the real MNIST files', () => {
  test('train: 60000 images 28x28, first label 5', () => {
    const labels = readIdx(join(MNIST_DIR, 'train-labels-idx1-ubyte.gz'), { expectMagic: IDX_LABELS_MAGIC });
    expect(labels.dims).toEqual([60000]);
    expect(labels.data[0]).toBe(5);
    expect(Array.from(labels.data.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    const images = readIdx(join(MNIST_DIR, 'train-images-idx3-ubyte.gz'), { expectMagic: IDX_IMAGES_MAGIC });
    expect(images.dims).toEqual([60000, 28, 28]);
    expect(images.data.length).toBe(60000 * 784);
    let sum = 0;
    for (let i = 0; i < images.data.length; i++) sum += images.data[i];
    expect(sum / images.data.length).toBeCloseTo(33.318, 2);
  });

  test('test split through readMnistFolder: 10000 items, [1,28,28] in [0,1]', () => {
    const ds = readMnistFolder(MNIST_DIR, { train: false });
    expect(ds.length).toBe(10000);
    const [x, y] = ds.get(0);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.dtype).toBe('float32');
    const v = x.dataSync();
    expect(Math.min(...v)).toBe(0);
    expect(Math.max(...v)).toBe(1);
    expect(y).toBe(7);
  });

  test('Fashion-MNIST test labels: 1000 per class, first is 9 (ankle boot)', () => {
    const ds = readMnistFolder(FASHION_DIR, { train: false });
    expect(ds.length).toBe(10000);
    expect(ds.labels[0]).toBe(9);
    const counts = new Array(10).fill(0);
    for (const l of ds.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  test('raw (not gzipped) files parse the same', () => {
    const labels = idxBytes(IDX_LABELS_MAGIC, [3], new Uint8Array([1, 2, 3]));
    const p = join(tmp.dir, 'raw-labels');
    writeFileSync(p, labels);
    expect(readIdx(p).dims).toEqual([3]);
    expect(Array.from(parseIdx(gzipSync(labels)).data)).toEqual([1, 2, 3]);
  });
});

describe('corrupt IDX files give clear errors naming the file', () => {
  const write = (name: string, bytes: Uint8Array) => {
    const p = join(tmp.dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  test('truncated payload', () => {
    const full = idxBytes(IDX_IMAGES_MAGIC, [2, 3, 3], new Uint8Array(18));
    const p = write('trunc-images-idx3-ubyte', full.subarray(0, full.length - 5));
    expect(() => readIdx(p)).toThrow(`${p}: truncated IDX file: expected 34 bytes for dims [2,3,3], got 29`);
  });

  test('truncated header and truncated gzip', () => {
    const p = write('short', new Uint8Array([0, 0, 8, 3, 0, 0]));
    expect(() => readIdx(p)).toThrow(/short: truncated IDX file: expected 16 header bytes, got 6/);
    const gz = gzipSync(idxBytes(IDX_LABELS_MAGIC, [100], new Uint8Array(100).fill(7)));
    const q = write('trunc.gz', gz.subarray(0, gz.length - 10));
    expect(() => readIdx(q)).toThrow(new RegExp(`${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data`));
  });

  test('wrong magic', () => {
    const labels = write('labels-as-images', idxBytes(IDX_LABELS_MAGIC, [2], new Uint8Array(2)));
    expect(() => readIdx(labels, { expectMagic: IDX_IMAGES_MAGIC })).toThrow(/labels-as-images: wrong magic 0x00000801: expected 0x00000803 \(images\)/);
    const junk = write('junk.bin', new TextEncoder().encode('hello world, not idx'));
    expect(() => readIdx(junk, { expectMagic: IDX_LABELS_MAGIC })).toThrow(/junk\.bin: wrong magic 0x68656c6c: expected 0x00000801 \(labels\)/);
  });

  test('unsupported type code', () => {
    const p = write('floats-idx1', idxBytes(0x00000d01, [1], new Uint8Array(4)));
    expect(() => readIdx(p)).toThrow(/floats-idx1: unsupported IDX type code float \(0x0d\)/);
  });

  test('image/label count mismatch', () => {
    const img = write('m-images', idxBytes(IDX_IMAGES_MAGIC, [3, 2, 2], new Uint8Array(12)));
    const lab = write('m-labels', idxBytes(IDX_LABELS_MAGIC, [2], new Uint8Array(2)));
    expect(() => readIdxPair(img, lab)).toThrow(/image\/label count mismatch: .*m-images has 3 images but .*m-labels has 2 labels/);
  });

  test('missing files in an MNIST root', () => {
    expect(() => readMnistFolder(tmp.dir)).toThrow(/train-images-idx3-ubyte\(\.gz\) not found/);
  });
});
