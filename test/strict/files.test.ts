/** The untrusted-file cases of issue 11, each built by hand. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { data, io, nn, tensor } from '../../src/index.js';

const msg = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  return 'no error';
};

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(body).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}
function ihdr(w: number, h: number, depth = 8, color = 0): Uint8Array {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w, 0); b.writeUInt32BE(h, 4); b[8] = depth; b[9] = color;
  return chunk('IHDR', b);
}
const SIG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (...parts: Uint8Array[]) => Buffer.concat([SIG, ...parts]);
const IEND = chunk('IEND', new Uint8Array(0));
/** A 2x2 grey image's filtered scanlines: filter byte 0 then 2 pixels, per row. */
const rows = Uint8Array.from([0, 10, 20, 0, 30, 40]);

describe('PNG is read with libpng strictness', () => {
  it('decodes a valid hand-built file', () => {
    const img = data.decodeImage(png(ihdr(2, 2), chunk('IDAT', deflateSync(rows)), IEND));
    expect([...img.data]).toEqual([10, 20, 30, 40]);
  });
  it('refuses corrupt zlib data, short data, no image data, a duplicate IHDR, a bad CRC, truncation', () => {
    expect(msg(() => data.decodeImage(png(ihdr(2, 2), chunk('IDAT', Uint8Array.from([0x78, 0x9c, 1, 2, 3, 4])), IEND)))).toMatch(/invalid PNG: corrupt image data \(zlib/);
    expect(msg(() => data.decodeImage(png(ihdr(2, 2), chunk('IDAT', deflateSync(rows.subarray(0, 4))), IEND)))).toMatch(/invalid PNG: image data is short: 4 bytes, expected 6/);
    expect(msg(() => data.decodeImage(png(ihdr(2, 2), IEND)))).toMatch(/invalid PNG: no image data/);
    expect(msg(() => data.decodeImage(png(ihdr(2, 2), ihdr(2, 4), chunk('IDAT', deflateSync(rows)), IEND)))).toMatch(/duplicate IHDR/);
    const good = png(ihdr(2, 2), chunk('IDAT', deflateSync(rows)), IEND);
    const flipped = Buffer.from(good); flipped[good.length - 20] ^= 1;
    expect(msg(() => data.decodeImage(flipped))).toMatch(/invalid PNG: CRC error/);
    expect(msg(() => data.decodeImage(good.subarray(0, good.length - 5)))).toMatch(/invalid PNG: truncated|runs past the end/);
  });
  it('caps declared dimensions before decoding (a 300-byte 65535x65535 file)', () => {
    const bomb = png(ihdr(65535, 65535, 8, 6), chunk('IDAT', deflateSync(new Uint8Array(200))), IEND);
    expect(msg(() => data.decodeImage(bomb))).toMatch(/a 65535x65535 PNG would take 17179344900 bytes, over the limit of 1073741824/);
  });
});

describe('JPEG scans are checked and decoder internals never leak', () => {
  const good = new Uint8Array(jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 128), width: 8, height: 8 }, 90).data);
  it('a file with its scan data removed is an error, not flat grey', () => {
    const sos = good.findIndex((v, i) => v === 0xff && good[i + 1] === 0xda);
    const len = (good[sos + 2] << 8) | good[sos + 3];
    const noScan = Uint8Array.from([...good.subarray(0, sos + 2 + len), 0xff, 0xd9]);
    expect(msg(() => data.decodeImage(noScan))).toMatch(/invalid JPEG: a scan with no image data/);
    const noSos = Uint8Array.from([...good.subarray(0, sos), 0xff, 0xd9]);
    expect(msg(() => data.decodeImage(noSos))).toMatch(/invalid JPEG: no scan data/);
  });
  it('truncated files are refused with a JPEG message', () => {
    for (let cut = 3; cut < good.length - 2; cut += 7) {
      const m = msg(() => data.decodeImage(good.subarray(0, cut)));
      expect(m).toMatch(/invalid JPEG/);
      expect(m).not.toMatch(/Cannot read properties/);
    }
  });
});

describe('files: regular only, bounded, gzip capped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neocog-files-'));
  it('a FIFO and /dev/zero are refused without reading', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(msg(() => data.readIdx(fifo))).toMatch(/is a FIFO; only regular files are read/);
    expect(msg(() => io.loadSafetensors(fifo))).toMatch(/is a FIFO/);
    expect(msg(() => data.readImage(fifo))).toMatch(/is a FIFO/);
    expect(msg(() => data.readIdx('/dev/zero'))).toMatch(/is a device/);
    expect(msg(() => io.loadSafetensors('/dev/zero'))).toMatch(/is a device/);
  });
  it('a gzip IDX bomb stops at the decoded-size limit', () => {
    const prev = data.setFileLimits({ maxDecodedBytes: 1 << 20 });
    try {
      const bomb = gzipSync(Buffer.alloc(8 << 20));
      const p = join(dir, 'bomb.idx.gz');
      writeFileSync(p, bomb);
      expect(msg(() => data.readIdx(p))).toMatch(/gzip data expands past the limit of 1048576 bytes/);
    } finally {
      data.setFileLimits(prev);
    }
  });
});

describe('safetensors: no prototype keys, checked shapes', () => {
  it('names like constructor, toString, __proto__ are ordinary (and unexpected) keys', () => {
    const bytes = io.serializeSafetensors({ weight: tensor([[1]]), bias: tensor([0]) });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)))));
    const extra = { ...header };
    const body = bytes.subarray(8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)));
    let end = body.length;
    const names = ['constructor', 'toString', '__proto__'];
    for (const n of names) { Object.defineProperty(extra, n, { value: { dtype: 'F32', shape: [0], data_offsets: [end, end] }, enumerable: true }); }
    const h = new TextEncoder().encode(JSON.stringify(extra));
    const file = new Uint8Array(8 + h.length + body.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(h.length), true);
    file.set(h, 8); file.set(body, 8 + h.length);
    const parsed = io.parseSafetensors(file, 'x');
    expect(Object.keys(parsed).sort()).toEqual(['__proto__', 'bias', 'constructor', 'toString', 'weight']);
    const m = new nn.Linear(1, 1);
    expect(msg(() => m.loadStateDict(parsed))).toMatch(/unexpected key\(s\) in state dict: "constructor", "toString", "__proto__"|unexpected key\(s\).*constructor/);
  });
  it('a zero-size tensor with an overflowing shape is refused', () => {
    const h = new TextEncoder().encode(JSON.stringify({ z: { dtype: 'F32', shape: [0, 2 ** 40, 2 ** 40], data_offsets: [0, 0] } }));
    const file = new Uint8Array(8 + h.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(h.length), true);
    file.set(h, 8);
    expect(msg(() => io.parseSafetensors(file, 'x'))).toMatch(/tensor 'z' has shape \[0,1099511627776,1099511627776\], over 2147483647 elements/);
  });
});
