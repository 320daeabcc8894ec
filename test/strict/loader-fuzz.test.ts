/**
 * Seeded fuzz over every file loader: thousands of mutated files (bit flips, byte overwrites,
 * truncations, insertions, duplicated spans) of a valid PNG, JPEG, IDX (raw and gzip), safetensors
 * and spec. Each must give a clean error (an Error naming the loader; no engine TypeError) or exact
 * content; memory stays bounded. A hang shows as the test timing out.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { data, io, spec, tensor, nn } from '../../src/index.js';

/** mulberry32: a small seeded generator, so every failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const at = Math.floor(r() * b.length);
  switch (Math.floor(r() * 6)) {
    case 0: b[at] ^= 1 << Math.floor(r() * 8); return b;
    case 1: b[at] = Math.floor(r() * 256); return b;
    case 2: return b.subarray(0, at);
    case 3: { const n = 1 + Math.floor(r() * 16); const ins = Uint8Array.from({ length: n }, () => Math.floor(r() * 256)); return Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]); }
    case 4: { const n = Math.min(b.length - at, 1 + Math.floor(r() * 64)); return Uint8Array.from([...b.subarray(0, at + n), ...b.subarray(at, at + n), ...b.subarray(at + n)]); }
    default: { const v = [0, 0xff, 0x7f, 0x80][Math.floor(r() * 4)]; for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = v; return b; }
  }
}

const ENGINE = /Cannot read propert|is not a function|is not iterable|Invalid array length|Invalid typed array length|Array buffer allocation failed|Maximum call stack|undefined is not|null is not|waitng|Cannot destructure|out of memory/;

function cleanError(e: unknown): string | null {
  if (!(e instanceof Error)) return `non-Error ${String(e)}`;
  if (ENGINE.test(e.message)) return `engine error: ${e.constructor.name}: ${e.message.slice(0, 200)}`;
  if (e.message.length > 2000) return `message of ${e.message.length} characters`;
  return null;
}

interface Loader {
  name: string;
  seed: Uint8Array;
  /** Decodes; returns something comparable to the seed's decoding, or throws. */
  load: (b: Uint8Array) => unknown;
  /** When a mutated file loads: is the result exact for what the file holds? */
  exact: (b: Uint8Array, out: unknown, original: unknown) => boolean;
}

const img = tensor(Array.from({ length: 3 * 6 * 5 }, (_, i) => (i * 37) % 256), [3, 6, 5], { dtype: 'int32' });
const pngBytes = new Uint8Array(data.encodePng(img));
const rgba = Buffer.alloc(8 * 8 * 4, 0).map((_, i) => (i * 29) % 256);
const jpegBytes = new Uint8Array(jpeg.encode({ data: rgba, width: 8, height: 8 }, 90).data);
const idxRaw = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2, ...Array.from({ length: 12 }, (_, i) => i * 20)]);
const safetensorsBytes = io.serializeSafetensors({ w: tensor([[1, 2], [3, 4]]), b: tensor([5, 6], undefined, { dtype: 'int32' }) });
const specBytes = new TextEncoder().encode(spec.toSpecJson(new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 2))));

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const imageOut = (r: { data: ArrayLike<number>; width: number; height: number; channels?: number }) => ({ w: r.width, h: r.height, c: r.channels, d: Array.from(r.data) });

const LOADERS: Loader[] = [
  // PNG: every chunk is CRC-checked, so a mutated file that loads must give the original pixels.
  { name: 'PNG', seed: pngBytes, load: (b) => imageOut(data.decodeImage(b, { name: 'fuzz.png' })), exact: (_b, out, orig) => same(out, orig) },
  // JPEG has no checksum: a loaded file must at least match the size its frame header declares.
  { name: 'JPEG', seed: jpegBytes, load: (b) => imageOut(data.decodeImage(b, { name: 'fuzz.jpg' })), exact: (_b, out) => (out as { d: number[]; w: number; h: number; c: number }).d.length === (out as { w: number }).w * (out as { h: number }).h * (out as { c: number }).c },
  // IDX: the values must be exactly the file's bytes after the header.
  { name: 'IDX', seed: idxRaw, load: (b) => data.parseIdx(b, { name: 'fuzz.idx' }), exact: (b, out) => { const o = out as data.IdxArray; return same([...o.data], [...b.subarray(b.length - o.data.length)]) && o.data.length === o.dims.reduce((x, y) => x * y, 1); } },
  { name: 'IDX.gz', seed: new Uint8Array(gzipSync(idxRaw)), load: (b) => data.parseIdx(b, { name: 'fuzz.idx.gz' }), exact: (_b, out, orig) => same([...(out as data.IdxArray).data], [...(orig as data.IdxArray).data]) },
  // safetensors: each tensor's values must be its bytes in the file.
  { name: 'safetensors', seed: safetensorsBytes, load: (b) => Object.fromEntries(Object.entries(io.parseSafetensors(b, 'fuzz')).map(([k, t]) => [k, [t.shape, [...t.dataSync()]]])), exact: (b, out) => {
    const h = io.parseSafetensorsHeader(b, 'fuzz');
    return Object.entries(h.tensors).every(([k, e]) => (out as Record<string, [number[], number[]]>)[k][1].length === e.shape.reduce((x, y) => x * y, 1));
  } },
  { name: 'spec', seed: specBytes, load: (b) => spec.fromSpec(spec.parseSpec(new TextDecoder().decode(b), 'fuzz.json')).toString(), exact: () => true },
];

describe('loader fuzz (seeded)', () => {
  for (const loader of LOADERS) {
    it(`${loader.name}: ${loader.name === 'spec' ? 300 : 600} mutated files give a clean error or exact content`, () => {
      const original = loader.load(loader.seed);
      const r = rng(0x5eed + loader.name.length * 7919);
      const problems: string[] = [];
      let loaded = 0;
      const n = loader.name === 'spec' ? 300 : 600;
      for (let i = 0; i < n; i++) {
        const b = mutate(loader.seed, r);
        try {
          const out = loader.load(b);
          loaded++;
          if (!loader.exact(b, out, original)) problems.push(`case ${i}: loaded wrong content`);
        } catch (e) {
          const why = cleanError(e);
          if (why) problems.push(`case ${i}: ${why}`);
        }
      }
      expect(problems.slice(0, 20), problems.slice(0, 20).join('\n')).toEqual([]);
      expect(loaded).toBeLessThan(n);
      expect(process.memoryUsage().rss).toBeLessThan(2 ** 30);
    });
  }
});
