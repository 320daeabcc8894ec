/** The ONNX commands: export a zoo model, import a PyTorch export, run eval and a short train on the .onnx model. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli/helpers.js';
import { importOnnx } from '../../src/io/onnx/file.js';

const DIR = new URL('./fixtures/', import.meta.url).pathname;
const FIXTURE = `${DIR}mnist_cnn_op17.onnx`;

describe('neocog export / import / --model model.onnx', () => {
  it('exports, imports, evaluates and trains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neocog-onnx-cli-'));
    try {
      const out = join(dir, 'lenet.onnx');
      let r = await cli('export', '--model', 'lenet5', '--onnx', out, '--opset', '13');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/wrote .*lenet\.onnx .* opset 13, input \[N,1,28,28\]/);
      expect(importOnnx(out).namedParameters().length).toBeGreaterThan(0);

      r = await cli('import', FIXTURE, '--out', join(dir, 'imp'));
      expect(r.code, r.err).toBe(0);
      expect(existsSync(join(dir, 'imp', 'model.safetensors'))).toBe(true);
      expect(existsSync(join(dir, 'imp', 'model.onnx'))).toBe(true);
      // mnist_cnn is a chain of layers: it also gets a spec, which evaluates like the graph.
      expect(r.out).toMatch(/as 11 nn layers/);
      const viaSpec = await cli('eval', '--model', join(dir, 'imp', 'model.spec.json'), '--weights', join(dir, 'imp'), '--dataset', 'embedded-mnist', '--limit', '100', '--json');
      expect(viaSpec.code, viaSpec.err).toBe(0);
      const viaOnnx = await cli('eval', '--model', FIXTURE, '--weights', join(dir, 'none'), '--dataset', 'embedded-mnist', '--limit', '100', '--json');
      expect(viaOnnx.code, viaOnnx.err).toBe(0);
      expect(JSON.parse(viaSpec.out).accuracy).toBe(JSON.parse(viaOnnx.out).accuracy);

      r = await cli('import', `${DIR}resnet18_op17.onnx`, '--out', join(dir, 'res'));
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/does not map onto a chain of nn layers/);

      r = await cli('eval', '--model', join(dir, 'res', 'model.onnx'), '--weights', join(dir, 'res'), '--dataset', 'embedded-mnist', '--limit', '10', '--json');
      expect(r.code).not.toBe(0); // a 3-channel model on 1-channel digits: a clear error, not a crash
      expect(r.err).toMatch(/channel|shape|expects/i);
      r = await cli('eval', '--model', join(dir, 'imp', 'model.onnx'), '--weights', join(dir, 'imp', 'none'), '--dataset', 'embedded-mnist', '--limit', '100', '--json');
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).accuracy).toBeGreaterThanOrEqual(0);

      r = await cli('train', '--model', FIXTURE, '--dataset', 'embedded-mnist', '--epochs', '1', '--train-subset', '200', '--limit-test', '100', '--batch-size', '50', '--quiet', '--out', join(dir, 'run'));
      expect(r.code, r.err).toBe(0);
      expect(existsSync(join(dir, 'run', 'model.safetensors'))).toBe(true);

      r = await cli('export', '--model', 'nope.onnx', '--onnx', join(dir, 'x.onnx'));
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/nope\.onnx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
