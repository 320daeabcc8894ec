import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/tensor/methods.js';
import { fromArray } from '../../src/tensor/creation.js';
import { writePng } from '../../src/data/image-folder.js';
import { readSegmentationFolder } from '../../src/segment/readers.js';
import { cli, tempDir } from '../cli/helpers.js';

/** A folder dataset: dark images with bright diagonal and horizontal lines; masks mark the lines. */
function makeFolder(root: string, n: number): void {
  for (const sub of ['images', 'masks']) mkdirSync(join(root, sub), { recursive: true });
  for (let i = 0; i < n; i++) {
    const h = 40;
    const w = 40;
    const img = new Float32Array(h * w);
    const mask = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const on = (x + y + i * 3) % 13 === 0 || (y + i) % 11 === 0;
      mask[y * w + x] = on ? 1 : 0;
      img[y * w + x] = on ? 0.8 : 0.2 + 0.1 * Math.sin(x * 0.7 + y * 1.3 + i);
    }
    writePng(join(root, 'images', `im${i}.png`), fromArray(img, [1, h, w]));
    writePng(join(root, 'masks', `im${i}.png`), fromArray(mask, [1, h, w]));
  }
}

describe('neocog segment', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const data = join(tmp.dir, 'data');
  const out = join(tmp.dir, 'run');
  makeFolder(data, 3);

  test('the folder reader pairs images and masks', () => {
    const s = readSegmentationFolder(data);
    expect(s.map((x) => x.name)).toEqual(['im0', 'im1', 'im2']);
    expect(s[0].mask.reduce((a, v) => a + v, 0)).toBeGreaterThan(100);
  });

  test('train on a folder, resume, eval to JSON with overlays, predict a probability map', async () => {
    const args = ['segment', 'train', '--dataset', 'folder', '--data-dir', data, '--model-options', '{"depth":1,"width":4}', '--patch-size', '16', '--patches', '32', '--val-patches', '8',
      '--batch-size', '16', '--epochs', '1', '--val-split', '0.34', '--lr', '0.01', '--quiet', '--out', out];
    const r = await cli(...args);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/on folder: 2 train \/ 1 validation images/);
    expect(r.out).toMatch(/1 epoch in [\d.]+ s, validation Dice/);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { validation: string[]; train: string[] };
    expect(run.validation).toEqual(['im2']);
    const resumed = await cli('segment', 'train', '--resume', out, '--epochs', '2', '--quiet');
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('at epoch 2');
    expect(readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n')).toHaveLength(3);

    const ev = await cli('segment', 'eval', '--dataset', 'folder', '--test-dir', data, '--weights', out, '--window', '16');
    expect(ev.code, ev.err).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'eval', 'metrics.json'), 'utf8')) as { images: number; region: string; pooled: Record<string, number>; perImage: unknown[] };
    expect(m.images).toBe(3);
    expect(m.region).toBe('whole image');
    for (const k of ['rocAuc', 'prAuc', 'f1', 'iou', 'accuracy', 'sensitivity', 'specificity']) expect(m.pooled[k], k).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(out, 'eval', 'im0-overlay.png'))).toBe(true);

    const pr = await cli('segment', 'predict', join(data, 'images', 'im1.png'), '--weights', out, '--threshold', '0.5', '--out', join(tmp.dir, 'pred'));
    expect(pr.code, pr.err).toBe(0);
    expect(existsSync(join(tmp.dir, 'pred', 'im1-prob.png'))).toBe(true);
    expect(existsSync(join(tmp.dir, 'pred', 'im1-mask.png'))).toBe(true);
  });

  test('errors are one clear line', async () => {
    const r = await cli('segment', 'train', '--dataset', 'folder', '--quiet');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--dataset folder needs --data-dir/);
    const v = await cli('segment', 'train', '--dataset', 'folder', '--data-dir', data, '--val-split', '1.5');
    expect(v.err).toMatch(/expected a fraction in \[0, 1\)/);
  });
});
