import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeImage, readImage } from '../../src/data/image-folder.js';
import { decodeRaster, readRaster } from '../../src/data/image-read.js';
import { decodeTiff } from '../../src/data/image-tiff.js';
import { decodeGif } from '../../src/data/image-gif.js';
import { readDrive, readIsbi2012, readSegmentationFolder } from '../../src/segment/readers.js';
import { datasetsDir } from './helpers.js';

/** A minimal uncompressed little-endian TIFF: one strip, `bits` per sample, `spp` samples per pixel. */
function tiff(width: number, height: number, spp: number, bits: 8 | 16, samples: number[], photometric = spp >= 3 ? 2 : 1): Uint8Array {
  const dataLen = samples.length * (bits / 8);
  const entries: [number, number, number, number][] = [
    [256, 3, 1, width], [257, 3, 1, height], [258, 3, 1, bits], [259, 3, 1, 1], [262, 3, 1, photometric],
    [273, 4, 1, 0], [277, 3, 1, spp], [278, 3, 1, height], [279, 4, 1, dataLen],
  ];
  const ifdOffset = 8;
  const ifdLen = 2 + entries.length * 12 + 4;
  const dataOffset = ifdOffset + ifdLen;
  entries[5][3] = dataOffset;
  const b = new DataView(new ArrayBuffer(dataOffset + dataLen));
  b.setUint8(0, 0x49); b.setUint8(1, 0x49); b.setUint16(2, 42, true); b.setUint32(4, ifdOffset, true);
  b.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tagId, type, count, value], i) => {
    const o = ifdOffset + 2 + i * 12;
    b.setUint16(o, tagId, true); b.setUint16(o + 2, type, true); b.setUint32(o + 4, count, true);
    if (type === 3) b.setUint16(o + 8, value, true); else b.setUint32(o + 8, value, true);
  });
  samples.forEach((v, i) => (bits === 8 ? b.setUint8(dataOffset + i, v) : b.setUint16(dataOffset + 2 * i, v, true)));
  return new Uint8Array(b.buffer);
}

describe('TIFF decoding', () => {
  test('8-bit grey and RGB, 16-bit grey at full precision', () => {
    const g = decodeTiff(tiff(3, 2, 1, 8, [0, 10, 20, 30, 40, 255]));
    expect([g.width, g.height, g.channels, g.bits]).toEqual([3, 2, 1, 8]);
    expect(Array.from(g.data)).toEqual([0, 10, 20, 30, 40, 255]);
    const rgb = decodeTiff(tiff(2, 1, 3, 8, [1, 2, 3, 4, 5, 6]));
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const deep = decodeTiff(tiff(2, 2, 1, 16, [0, 1, 32768, 65535]));
    expect(deep.bits).toBe(16);
    expect(Array.from(deep.data)).toEqual([0, 1, 32768, 65535]);
    const t = decodeRaster(tiff(2, 2, 1, 16, [0, 1, 32768, 65535]));
    expect(t.bits).toBe(16);
    // decodeImage (8-bit callers) rounds 16-bit samples to bytes.
    expect(Array.from(decodeImage(tiff(2, 2, 1, 16, [0, 257, 32896, 65535])).data)).toEqual([0, 1, 128, 255]);
  });

  test('WhiteIsZero is inverted; mode conversion to L and RGB', () => {
    expect(Array.from(decodeTiff(tiff(2, 1, 1, 8, [0, 200], 0)).data)).toEqual([255, 55]);
    const grey = decodeRaster(tiff(1, 1, 3, 8, [100, 200, 50]), { mode: 'L' });
    expect(Array.from(grey.data)).toEqual([Math.round(0.299 * 100 + 0.587 * 200 + 0.114 * 50)]);
    expect(Array.from(decodeRaster(tiff(1, 1, 1, 8, [7]), { mode: 'RGB' }).data)).toEqual([7, 7, 7]);
  });

  test('refuses oversized, truncated and unsupported files before decoding', () => {
    expect(() => decodeTiff(tiff(3, 2, 1, 8, [0, 1, 2, 3, 4, 5]), { maxSamples: 5 })).toThrow(/exceed the limit of 5/);
    const full = tiff(4, 4, 1, 8, new Array(16).fill(9));
    expect(() => decodeTiff(full.subarray(0, full.length - 8))).toThrow(/runs past the end/);
    expect(() => decodeTiff(tiff(1, 1, 2, 8, [1, 2], 2))).toThrow(/photometric interpretation 2 with 2 samples/);
    expect(() => decodeTiff(new Uint8Array([0x49, 0x49, 0x2a, 0, 0xff, 0xff, 0xff, 0x7f]))).toThrow(/TIFF/);
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a PNG, JPEG, TIFF or GIF file/);
  });

  test('GIF: refuses a logical screen over the cap before decoding', () => {
    const header = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]);
    expect(() => decodeGif(header, { maxSamples: 1000 })).toThrow(/exceed the limit/);
    expect(() => decodeGif(header.subarray(0, 10))).toThrow(/truncated/);
  });
});

describe('real files', () => {
  const root = datasetsDir();
  const drive = join(root, 'drive');

  test('DRIVE TIFF image (LZW RGB) and GIF masks', () => {
    const img = readRaster(join(drive, 'training', 'images', '21_training.tif'));
    expect([img.width, img.height, img.channels, img.bits]).toEqual([565, 584, 3, 8]);
    // readImage (the 8-bit path) and readRaster agree on the same file.
    const t = readImage(join(drive, 'training', 'images', '21_training.tif'));
    expect(t.shape).toEqual([3, 584, 565]);
    const v = t.dataSync();
    expect(v[584 * 565 + 300 * 565 + 300]).toBeCloseTo(img.data[(300 * 565 + 300) * 3 + 1] / 255, 6);
    const mask = decodeGif(readFileSync(join(drive, 'training', 'mask', '21_training_mask.gif')));
    expect([mask.width, mask.height, mask.channels]).toEqual([565, 584, 1]);
    expect(new Set(mask.data)).toEqual(new Set([0, 255]));
  });

  test('readDrive: image, 1st/2nd manual and FOV; vessel fraction is plausible', () => {
    const [s] = readDrive(drive, { split: 'test', ids: [1] });
    expect([s.name, s.channels, s.height, s.width]).toEqual(['01_test', 3, 584, 565]);
    let fov = 0;
    let vessel = 0;
    for (let i = 0; i < s.mask.length; i++) {
      fov += s.fov![i];
      vessel += s.mask[i] & s.fov![i];
    }
    expect(fov / s.mask.length).toBeGreaterThan(0.6);
    expect(vessel / fov).toBeGreaterThan(0.08);
    expect(vessel / fov).toBeLessThan(0.2);
    const [second] = readDrive(drive, { split: 'test', ids: [1], manual: 2 });
    let same = 0;
    for (let i = 0; i < s.mask.length; i++) same += s.mask[i] === second.mask[i] ? 1 : 0;
    expect(same / s.mask.length).toBeGreaterThan(0.9);
    expect(() => readDrive(drive, { split: 'training', manual: 2 })).toThrow(/2nd manual for the test split only/);
    expect(() => readDrive(drive, { split: 'test', ids: [21] })).toThrow(/not in the test split/);
  });

  test('readIsbi2012: membranes are mask 1', () => {
    const [s] = readIsbi2012(join(root, 'isbi2012'), { slices: [0] });
    expect([s.channels, s.height, s.width, s.fov]).toEqual([1, 512, 512, null]);
    const frac = s.mask.reduce((a, v) => a + v, 0) / s.mask.length;
    expect(frac).toBeGreaterThan(0.1);
    expect(frac).toBeLessThan(0.35);
    expect(() => readIsbi2012(join(root, 'isbi2012'), { slices: [30] })).toThrow(/not in 0-29/);
  });

  test('readSegmentationFolder pairs images and masks by stem', () => {
    expect(() => readSegmentationFolder(join(root, 'isbi2012', 'train'))).toThrow(/missing .*masks/);
  });
});
