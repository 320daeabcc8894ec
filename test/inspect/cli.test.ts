/** `neocog inspect`: PNG per method, filters, feature maps, the HTML report, sanity and embedding output. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { cli, tempDir } from '../cli/helpers.js';

describe('neocog inspect', () => {
  const tmp = tempDir('neocog-inspect-');
  afterAll(() => tmp.cleanup());
  nc.manualSeed(0);
  const weights = join(tmp.dir, 'model.safetensors');
  nc.saveModel(nc.models.get('mnist-convnet'), weights);
  const [x] = nc.data.embeddedMnist({ train: false }).get(0);
  const image = join(tmp.dir, 'digit.png');
  nc.data.writePng(image, x);

  test('writes a PNG per method, filters, feature maps and the report; prints the layer and IG completeness', async () => {
    const out = join(tmp.dir, 'out');
    const r = await cli('inspect', '--model', 'mnist-convnet', '--weights', weights, '--image', image, '--method', 'gradient,integratedGradients,gradCam,occlusion', '--out', out, '--report', '--sanity');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/digit\.png: predicted \d \([\d.]+%\), explaining class \d/);
    expect(r.out).toMatch(/gradCam: layer cv2/);
    expect(r.out).toMatch(/integratedGradients: completeness error -?[\d.e+-]+ of -?[\d.]+/);
    expect(r.out).toMatch(/layers: fc2 -> fc1 -> cv2 -> cv1/);
    for (const f of ['filters.png', 'digit-gradient.png', 'digit-integratedGradients.png', 'digit-gradCam.png', 'digit-occlusion.png', 'digit-all.png', 'digit-feature-maps.png', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/data:image\/png;base64,/g)!.length).toBeGreaterThanOrEqual(8);
    expect(html).not.toMatch(/src="(?!data:)/);
  });

  test('--embed maps test images and prints the kNN score', async () => {
    const r = await cli('inspect', '--model', 'mnist-convnet', '--weights', weights, '--embed', '60', '--embed-method', 'pca', '--out', join(tmp.dir, 'emb'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/embedding: 60 test images of embedded-mnist, layer relu3 \(50 features\) -> pca .* 5-NN accuracy: 2-D map [\d.]+%, layer features [\d.]+%/);
    expect(existsSync(join(tmp.dir, 'emb', 'embedding-pca.png'))).toBe(true);
    const u = await cli('inspect', '--model', 'mnist-convnet', '--weights', weights, '--embed', '60', '--embed-method', 'umap', '--out', join(tmp.dir, 'emb'));
    expect(u.code).toBe(0);
    expect(u.out).toMatch(/-> umap .* 5-NN accuracy: 2-D map [\d.]+%/);
    expect(existsSync(join(tmp.dir, 'emb', 'embedding-umap.png'))).toBe(true);
  });

  test('unknown methods are rejected with the list', async () => {
    const r = await cli('inspect', '--model', 'mnist-convnet', '--weights', weights, '--image', image, '--method', 'saliency', '--out', join(tmp.dir, 'x'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--method: unknown method 'saliency'.*gradient, inputXGradient/);
  });
});
