/** The ONNX commands: export a zoo model, import a PyTorch export, run eval and a short train on the .onnx model. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli/helpers.js';
import { importOnnx } from '../../src/io/onnx/file.js';

const FIXTURE = new URL('./fixtures/mnist_cnn_op17.onnx', import.meta.url).pathname;

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

      r = await cli('eval', '--model', join(dir, 'imp', 'model.onnx'), '--weights', join(dir, 'imp'), '--dataset', 'embedded-mnist', '--limit', '100', '--json');
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
