import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { fromArray } from '../../src/tensor/creation.js';
import { downloadFile, md5Hex, type FetchLike } from '../../src/data/download.js';
import { EMBEDDED_MNIST_TRAIN, embeddedMnist } from '../../src/data/embedded-mnist.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../../src/data/idx.js';
import { fashionMnist, mnist, MNIST_MD5 } from '../../src/data/mnist.js';
import { idxBytes, MNIST_DIR, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// Per-class digit counts in the mnist package (10,000 in all).
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('embedded MNIST (offline default)', () => {
  test('8,000 train / 2,000 held out, stratified, labels balanced like the package', async () => {
    const train = embeddedMnist();
    const held = await mnist({ train: false });
    expect(train.length).toBe(EMBEDDED_MNIST_TRAIN);
    expect(held.length).toBe(2000);
    const count = (ds: typeof train) => {
      const c = new Array(10).fill(0);
      for (const l of ds.labels) c[l]++;
      return c;
    };
    const ct = count(train);
    const ch = count(held);
    ct.forEach((n, k) => {
      expect(n + ch[k]).toBe(PACKAGE_COUNTS[k]);
      expect(Math.abs(n - 0.8 * PACKAGE_COUNTS[k])).toBeLessThanOrEqual(1);
    });
    expect(Math.min(...ct)).toBeGreaterThan(650);
    // Interleaved, not sorted by class.
    expect(new Set(Array.from(train.labels.subarray(0, 50))).size).toBeGreaterThan(5);
  });

  test('deterministic, disjoint parts, real digit pixels', () => {
    const a = embeddedMnist({ train: true });
    const b = embeddedMnist({ train: true });
    expect(Buffer.compare(a.images, b.images)).toBe(0);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const key = (ds: typeof a, i: number) => Buffer.from(ds.rawImage(i)).toString('base64');
    const trainKeys = new Set(Array.from({ length: a.length }, (_, i) => key(a, i)));
    const held = embeddedMnist({ train: false });
    let overlap = 0;
    for (let i = 0; i < held.length; i++) if (trainKeys.has(key(held, i))) overlap++;
    expect(overlap).toBeLessThan(5); // (a few genuine duplicates would be tolerable; none expected)
    const [x, y] = a.get(0);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(typeof y).toBe('number');
    const v = x.dataSync();
    let mean = 0;
    for (const p of v) mean += p;
    mean /= v.length;
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.3);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
  });

  test('transform option is applied', () => {
    const ds = embeddedMnist({ train: false, transform: (t) => fromArray(t.dataSync(), [784]) });
    expect(ds.get(3)[0].shape).toEqual([784]);
  });
});

describe('mnist({ root }) and fashionMnist', () => {
  test('reads the four official files', async () => {
    const ds = await mnist({ root: MNIST_DIR });
    expect(ds.length).toBe(60000);
    expect(ds.get(0)[1]).toBe(5);
  });
  test('fashionMnist needs root or download', async () => {
    await expect(fashionMnist()).rejects.toThrow(/pass \{ root \}/);
  });
});

describe('download: md5-verified, cached, atomic', () => {
  // A tiny fake MNIST: 3 train / 2 test images of 2x2.
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte.gz': gzipSync(idxBytes(IDX_IMAGES_MAGIC, [3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20))),
    'train-labels-idx1-ubyte.gz': gzipSync(idxBytes(IDX_LABELS_MAGIC, [3], new Uint8Array([4, 5, 6]))),
    't10k-images-idx3-ubyte.gz': gzipSync(idxBytes(IDX_IMAGES_MAGIC, [2, 2, 2], new Uint8Array(8).fill(255))),
    't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes(IDX_LABELS_MAGIC, [2], new Uint8Array([1, 2]))),
  };
  const md5 = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5Hex(v)]));
  const fakeFetch = (calls: string[], corrupt = false): FetchLike => async (url) => {
    calls.push(url);
    const name = url.slice(url.lastIndexOf('/') + 1);
    const body = files[name];
    if (!body) return { ok: false, status: 404, statusText: 'Not Found', arrayBuffer: async () => new ArrayBuffer(0) };
    const bytes = corrupt ? body.slice(0, body.length - 1) : body;
    return { ok: true, status: 200, arrayBuffer: async () => Uint8Array.from(bytes).buffer };
  };

  test('fetches all four files once, then serves them from the cache', async () => {
    const cacheDir = join(tmp.dir, 'cache1');
    const calls: string[] = [];
    const ds = await mnist({ train: true, download: { url: 'https://example.invalid/mnist', cacheDir, fetch: fakeFetch(calls), md5 } });
    expect(calls).toHaveLength(4);
    expect(calls[0]).toBe('https://example.invalid/mnist/train-images-idx3-ubyte.gz');
    expect(ds.length).toBe(3);
    expect(Array.from(ds.labels)).toEqual([4, 5, 6]);
    expect(ds.get(0)[0].dataSync()[1]).toBeCloseTo(20 / 255, 6);
    expect(readdirSync(cacheDir).sort()).toEqual(Object.keys(files).sort()); // no temp files left
    const test2 = await mnist({ train: false, download: { url: 'https://example.invalid/mnist/', cacheDir, fetch: fakeFetch(calls), md5 } });
    expect(calls).toHaveLength(4);
    expect(test2.length).toBe(2);
  });

  test('md5 mismatch throws and writes nothing', async () => {
    const cacheDir = join(tmp.dir, 'cache2');
    await expect(mnist({ download: { url: 'https://x.invalid', cacheDir, fetch: fakeFetch([], true), md5 } })).rejects.toThrow(
      /md5 mismatch for https:\/\/x\.invalid\/train-images-idx3-ubyte\.gz .*expected [0-9a-f]{32}, got [0-9a-f]{32}/,
    );
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  test('the official checksums are the default (a fake file fails them)', async () => {
    const cacheDir = join(tmp.dir, 'cache3');
    await expect(mnist({ download: { url: 'https://x.invalid', cacheDir, fetch: fakeFetch([]) } })).rejects.toThrow(new RegExp(`expected ${MNIST_MD5['train-images-idx3-ubyte.gz']}`));
  });

  test('a corrupt cached file is fetched again; HTTP errors are reported', async () => {
    const dest = join(tmp.dir, 'cache4', 'train-labels-idx1-ubyte.gz');
    const calls: string[] = [];
    await downloadFile('https://h.invalid/train-labels-idx1-ubyte.gz', dest, { md5: md5['train-labels-idx1-ubyte.gz'], fetch: fakeFetch(calls) });
    writeFileSync(dest, 'garbage');
    await downloadFile('https://h.invalid/train-labels-idx1-ubyte.gz', dest, { md5: md5['train-labels-idx1-ubyte.gz'], fetch: fakeFetch(calls) });
    expect(calls).toHaveLength(2);
    expect(Buffer.compare(readFileSync(dest), files['train-labels-idx1-ubyte.gz'])).toBe(0);
    await expect(downloadFile('https://h.invalid/nope.gz', join(tmp.dir, 'nope.gz'), { fetch: fakeFetch([]) })).rejects.toThrow(/nope\.gz failed with HTTP 404 Not Found/);
  });

  test('file:// base URL with the real files and official md5s', async () => {
    const cacheDir = join(tmp.dir, 'cache5');
    const ds = await mnist({ train: false, download: { url: pathToFileURL(MNIST_DIR).href, cacheDir } });
    expect(ds.length).toBe(10000);
    expect(md5Hex(readFileSync(join(cacheDir, 't10k-labels-idx1-ubyte.gz')))).toBe(MNIST_MD5['t10k-labels-idx1-ubyte.gz']);
  });
});
