import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/index.js';
import {
  loadSafetensors, loadSafetensorsHeader, parseSafetensors, parseSafetensorsHeader, parseSafetensorsWithMetadata, saveSafetensors, SafetensorsError, serializeSafetensors,
} from '../../src/io/index.js';
import { headerOf, rawFile, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function sample() {
  return {
    'a.weight': tensor([[1.5, -2.25, 3], [4, 5, 6.125]]),
    'b.double': tensor([Math.PI, -1e-300, 1e300], [3], { dtype: 'float64' }),
    'c.int': tensor([-2147483648, 0, 7, 2147483647], [2, 2], { dtype: 'int32' }),
    'd.empty': zeros([0]),
    'e.empty2d': zeros([2, 0], { dtype: 'int32' }),
    'f.scalar': tensor(42),
  };
}

describe('safetensors round trip', () => {
  it('keeps dtype, shape, values and order for float32, float64, int32, empty and scalar tensors', () => {
    const src = sample();
    const back = parseSafetensors(serializeSafetensors(src));
    expect(Object.keys(back)).toEqual(Object.keys(src));
    for (const [k, t] of Object.entries(src)) {
      expect(back[k].dtype).toBe(t.dtype);
      expect(back[k].shape).toEqual(t.shape);
      expect(Array.from(back[k].dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  it('stores string metadata and reads it back', () => {
    const bytes = serializeSafetensors({ w: tensor([1, 2]) }, { format: 'pt', note: 'héllo' });
    expect(parseSafetensorsWithMetadata(bytes).metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect(parseSafetensorsHeader(bytes).metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect(() => serializeSafetensors({ w: tensor([1]) }, { n: 3 as unknown as string })).toThrow(/must be a string/);
  });

  it('writes the header torch loaders require: dtype strings, contiguous in-order offsets, 8-byte space padding', () => {
    const bytes = serializeSafetensors(sample(), { format: 'pt' });
    const { n, text, json } = headerOf(bytes);
    expect(n % 8).toBe(0);
    expect(text.startsWith('{')).toBe(true);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect(Object.keys(json)[0]).toBe('__metadata__');
    const entries = Object.entries(json).filter(([k]) => k !== '__metadata__') as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][];
    expect(entries.map(([, e]) => e.dtype)).toEqual(['F32', 'F64', 'I32', 'F32', 'I32', 'F32']);
    let at = 0;
    for (const [, e] of entries) {
      expect(e.data_offsets[0]).toBe(at);
      expect(Object.keys(e)).toEqual(['dtype', 'shape', 'data_offsets']);
      at = e.data_offsets[1];
    }
    expect(at).toBe(bytes.length - 8 - n);
  });

  it('re-serializes parsed bytes identically', () => {
    const bytes = serializeSafetensors(sample(), { format: 'pt' });
    const { tensors, metadata } = parseSafetensorsWithMetadata(bytes);
    expect(serializeSafetensors(tensors, metadata)).toEqual(bytes);
  });

  it('reads I64 as int32 and refuses values outside int32', () => {
    const data = new Uint8Array(16);
    const v = new DataView(data.buffer);
    v.setBigInt64(0, -5n, true);
    v.setBigInt64(8, 2147483647n, true);
    const t = parseSafetensors(rawFile({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data)).n;
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([-5, 2147483647]);
    v.setBigInt64(8, 2147483648n, true);
    expect(() => parseSafetensors(rawFile({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data))).toThrow(/'n' is I64 and element 1 \(2147483648\) does not fit in int32/);
  });

  it('reads F16, BF16, U8 and BOOL', () => {
    const data = new Uint8Array(4 + 4 + 2 + 2);
    const v = new DataView(data.buffer);
    v.setUint16(0, 0x3c00, true); // 1.0
    v.setUint16(2, 0xc000, true); // -2.0
    v.setUint16(4, 0x3fc0, true); // bf16 1.5
    v.setUint16(6, 0x4049, true); // bf16 ~3.140625
    data[8] = 200;
    data[9] = 7;
    data[10] = 1;
    data[11] = 0;
    const t = parseSafetensors(rawFile({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      u: { dtype: 'U8', shape: [2], data_offsets: [8, 10] }, z: { dtype: 'BOOL', shape: [2], data_offsets: [10, 12] },
    }, data));
    expect(Array.from(t.h.dataSync())).toEqual([1, -2]);
    expect(Array.from(t.b.dataSync())).toEqual([1.5, 3.140625]);
    expect(Array.from(t.u.dataSync())).toEqual([200, 7]);
    expect(Array.from(t.z.dataSync())).toEqual([1, 0]);
  });
});

describe('safetensors corrupt files', () => {
  const good = () => serializeSafetensors({ w: tensor([1, 2, 3]) });
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['too short', () => new Uint8Array(5), /too short to hold the 8-byte header length/],
    ['huge header length', () => { const b = good(); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; }, /implausibly large/],
    ['header past the end', () => good().subarray(0, 20), /header claims \d+ bytes but only 12 follow/],
    ['truncated data', () => { const b = good(); return b.subarray(0, b.length - 4); }, /ends at byte 12 of the data section, which has only 8 bytes \(truncated file\)/],
    ['trailing bytes', () => { const b = good(); const c = new Uint8Array(b.length + 4); c.set(b); return c; }, /trailing bytes/],
    ['bad JSON', () => { const b = good(); b[9] = 0x7b; b[10] = 0x7b; return b; }, /not valid UTF-8 JSON/],
    ['unknown dtype', () => rawFile({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /unsupported dtype "C64"/],
    ['size mismatch', () => rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but data_offsets \[0, 8\] span 8/],
    ['gap', () => rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /starts at byte 4 of the data section, expected 0/],
    ['overlap', () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlapping or gapped/],
    ['bad shape', () => rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), /invalid shape/],
    ['bad offsets', () => rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [4] } }, new Uint8Array(4)), /invalid data_offsets/],
    ['bad metadata', () => rawFile({ __metadata__: { a: 1 } }), /__metadata__.a must be a string/],
    ['not an object', () => rawFile([1, 2]), /header must be a JSON object/],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    expect(() => parseSafetensors(make())).toThrow(SafetensorsError);
    expect(() => parseSafetensors(make())).toThrow(message);
  });

  it('names the file when loading from disk', () => {
    const path = join(tmp.dir, 'broken.safetensors');
    writeFileSync(path, good().subarray(0, 30));
    expect(() => loadSafetensors(path)).toThrow(`safetensors (${path}): `);
    expect(() => loadSafetensors(join(tmp.dir, 'missing.safetensors'))).toThrow(/cannot read .*missing.safetensors \(ENOENT\)/);
  });
});

describe('safetensors files', () => {
  it('saves atomically (no temp file left) and loads back', () => {
    const path = join(tmp.dir, 'sub', 'w.safetensors');
    saveSafetensors(path, sample(), { a: 'b' });
    saveSafetensors(path, { only: tensor([1]) });
    expect(readdirSync(join(tmp.dir, 'sub'))).toEqual(['w.safetensors']);
    expect(Object.keys(loadSafetensors(path))).toEqual(['only']);
    expect(loadSafetensorsHeader(path).tensors.only).toEqual({ dtype: 'F32', shape: [1], dataOffsets: [0, 4] });
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).length).toBe(8 + headerOf(readFileSync(path)).n + 4);
  });
});
