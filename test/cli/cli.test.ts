/**
 * The neocog command line: help, models, summary, errors (in-process through main()), a brief
 * training run whose weights feed predict and eval, resume, and the built bin as a child process.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import { prepareImage } from '../../src/cli/inference.js';
import { cli, ensureBuilt, isOneLineError, spawnCli, tempDir } from './helpers.js';

describe('help', () => {
  test('neocog --help lists every command', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['train', 'eval', 'predict', 'summary', 'models', 'segment']) expect(r.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  test.each([
    ['train', ['--model', '--dataset', '--data-dir', '--epochs', '--batch-size', '--optimizer', '--lr', '--momentum', '--label-smoothing', '--schedule', '--augment', '--seed', '--out', '--resume', '--overwrite', '--train-subset', '--limit-test', '--val-split']],
    ['eval', ['--model', '--weights', '--dataset', '--data-dir', '--topk', '--tta', '--confusion-png']],
    ['predict', ['<images...>', '--weights', '--model', '--topk']],
    ['summary', ['<model>', '--input']],
    ['models', ['--json']],
  ])('neocog %s --help documents its options', async (cmd, options) => {
    const r = await cli(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: neocog ${cmd}`);
    for (const o of options) expect(r.out).toContain(o);
  });

  test('no arguments prints the help and exits 0', async () => {
    const r = await cli();
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: neocog');
  });
});

describe('models and summary', () => {
  test('models lists the registry with parameter counts', async () => {
    const r = await cli('models');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mnist-convnet\s+21,840\s+1x28x28\s+EPFL lecture ConvNet/m);
    expect(r.out).toMatch(/^mnist-convnet-stride2\s+21,840/m);
    expect(r.out).toMatch(/^mnist-convnet-conv3x3\s+26,370/m);
    expect(r.out).toMatch(/^lenet5\s+61,706/m);
    const json = JSON.parse((await cli('models', '--json')).out) as { name: string; parameters: number }[];
    expect(json.find((m) => m.name === 'lenet5')?.parameters).toBe(61706);
  });

  test('summary lenet5 shows the Keras total of 61,706 parameters and every layer', async () => {
    const r = await cli('summary', 'lenet5');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Total params: 61,706');
    expect(r.out).toMatch(/features\.6 \(Conv2d\)\s+\[1, 120, 1, 1\]\s+48,120/);
    expect(r.out).toMatch(/classifier\.1 \(Linear\)\s+\[1, 84\]\s+10,164/);
  });

  test('summary takes --input and --model-options', async () => {
    const r = await cli('summary', 'mnist-convnet', '--input', '1,28,28', '--model-options', '{"nHidden":100}');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fc1 \(Linear\)\s+\[1, 100\]/);
    expect(r.out).toContain(`Total params: ${(21840 + 50 * 320 + 50 + 500).toLocaleString('en-US')}`);
  });

  test('summary --input with the wrong number of dims names the layout, not a channel count', async () => {
    const r = await cli('summary', 'resnet18', '--input', '3,224');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--input 3,224 has 2 dims but resnet18 takes 3 (C,H,W; default 3,224,224)');
  });
});

describe('errors: one line on stderr, exit code 1, no stack trace', () => {
  test.each([
    [['train', '--epochs', '0'], /--epochs <n>' argument '0' is invalid\. expected a positive integer/],
    [['train', '--lr', 'fast'], /--lr <rate>' argument 'fast' is invalid/],
    [['train', '--optimizer', 'lbfgs'], /Allowed choices are sgd, adam, adamw, rmsprop/],
    [['train', '--model', 'resnet999'], /Allowed choices are mnist-convnet, /],
    [['train', '--epochz', '3'], /unknown option '--epochz' \(Did you mean --epochs\?\)/],
    [['train', '--dataset', 'mnist'], /--dataset mnist needs --data-dir/],
    [['train', '--dataset', 'mnist', '--data-dir', '/no/such/dir'], /--data-dir \/no\/such\/dir: no such folder/],
    [['train', '--resume', '/no/such/run'], /--resume \/no\/such\/run: no such folder/],
    [['eval', '--weights', '/no/such/model.safetensors'], /--weights \/no\/such\/model\.safetensors: no such file or folder/],
    [['predict', '--weights', '/no/such/dir', 'x.png'], /no such file or folder/],
    [['summary', 'nonet'], /unknown model 'nonet'(; did you mean [^(]*)? \(known: mnist-convnet/],
    [['summary', 'lenet5', '--input', '1,a'], /--input <shape>' argument '1,a' is invalid/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('neocog %j', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(isOneLineError(r.err), r.err).toBe(true);
    expect(r.out).toBe('');
  });
});

describe('train, then predict and eval with the saved weights', () => {
  const tmp = tempDir();
  const out = join(tmp.dir, 'run');
  const digits: { path: string; label: number }[] = [];
  let trainOutput = '';

  beforeAll(async () => {
    // 2,000 digits, two epochs: a few seconds with wasm (30 s on the reference backend), about 90% held out.
    const r = await cli('train', '--model', 'mnist-convnet', '--train-subset', '2500', '--val-split', '0.2', '--limit-test', '500', '--epochs', '2', '--batch-size', '16', '--lr', '0.03', '--schedule', 'cosine', '--quiet', '--out', out);
    if (r.code !== 0) throw new Error(`train failed: ${r.err}`);
    trainOutput = r.out;
    const test = nc.data.embeddedMnist({ train: false });
    for (let i = 0; i < 6; i++) {
      const [x, y] = test.get(i);
      const path = join(tmp.dir, `digit-${i}.png`);
      nc.data.writePng(path, x);
      digits.push({ path, label: y });
    }
  }, 120_000);
  afterAll(() => tmp.cleanup());

  test('train reports the held-out accuracy and where the model went', () => {
    expect(trainOutput).toMatch(/training mnist-convnet \(21,840 parameters\) on embedded-mnist: 2,000 train \/ 500 validation \/ 500 held-out images/);
    const acc = Number(/held-out accuracy: ([\d.]+)% on 500 images/.exec(trainOutput)?.[1]);
    expect(acc).toBeGreaterThan(70);
    expect(trainOutput).toContain(`model saved to ${join(out, 'model.safetensors')}`);
    for (const f of ['model.safetensors', 'model.json', 'run.json', 'log.csv', 'history.png', 'checkpoints/latest.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { model: string }; heldOut: { accuracy: number } };
    expect(run.config.model).toBe('mnist-convnet');
    expect(run.heldOut.accuracy).toBeCloseTo(acc / 100, 4);
  });

  test('predict prints the top-k classes with probabilities, best first', async () => {
    const r = await cli('predict', digits[0].path, '--weights', out, '--topk', '3');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${digits[0].path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d \\(\\d+\\.\\d%\\)$`));
    expect(lines.slice(1)).toHaveLength(3);
    const probs = lines.slice(1).map((l) => Number(/(\d+\.\d+)%$/.exec(l)![1]));
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
  });

  test('predict --json: probabilities sum to 1 over all classes and most digits are right', async () => {
    const r = await cli('predict', ...digits.map((d) => d.path), '--weights', join(out, 'model.safetensors'), '--topk', '10', '--json');
    expect(r.code).toBe(0);
    const preds = JSON.parse(r.out) as { image: string; top: { index: number; label: string; probability: number }[] }[];
    expect(preds).toHaveLength(digits.length);
    let right = 0;
    preds.forEach((p, i) => {
      expect(p.image).toBe(digits[i].path);
      expect(p.top).toHaveLength(10);
      expect(p.top.reduce((a, t) => a + t.probability, 0)).toBeCloseTo(1, 4);
      if (p.top[0].index === digits[i].label) right++;
    });
    expect(right).toBeGreaterThanOrEqual(4);
  });

  test('predict resizes, greys and inverts a dark-on-light picture to match MNIST', async () => {
    // The digit the model is surest of, again as a dark-on-light 56x56 RGB picture.
    const preds = JSON.parse((await cli('predict', ...digits.map((d) => d.path), '--weights', out, '--topk', '1', '--json')).out) as { top: { label: string; probability: number }[] }[];
    const best = preds.reduce((b, p, i) => (p.top[0].probability > preds[b].top[0].probability ? i : b), 0);
    const original = nc.data.readImage(digits[best].path);
    const inv = nc.sub(1, nc.data.transforms.Resize([56, 56])(original));
    const path = join(tmp.dir, 'big-inverted.png');
    nc.data.writePng(path, nc.cat([inv, inv, inv], 0));

    // What the model sees is close to the original digit (bilinear up and down blurs it slightly).
    const prepared = prepareImage(path, [1, 28, 28]);
    expect(prepared).toMatchObject({ resized: true, inverted: true, original: { channels: 3, height: 56, width: 56 } });
    const diff = nc.abs(nc.sub(prepared.input, original));
    expect(diff.mean().item()).toBeLessThan(0.05);

    const r = await cli('predict', path, '--weights', out, '--topk', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[resized from 56x56, converted to grey, inverted (dark on light)]');
    expect(r.out).toMatch(new RegExp(`: ${preds[best].top[0].label} \\(`));
  });

  test('eval prints accuracy, top-k and the confusion matrix; --confusion-png draws it', async () => {
    const png = join(tmp.dir, 'confusion.png');
    const r = await cli('eval', '--weights', out, '--limit', '300', '--topk', '2,5', '--confusion-png', png);
    expect(r.code).toBe(0);
    expect(r.out).toContain('model:     mnist-convnet');
    expect(r.out).toMatch(/^samples:\s+300$/m);
    expect(r.out).toMatch(/^accuracy:\s+\d+\.\d\d%\s+\(\d+ \/ 300\)$/m);
    expect(r.out).toMatch(/^top-2:\s+\d+\.\d\d%$/m);
    expect(r.out).toMatch(/^top-5:\s+\d+\.\d\d%$/m);
    expect(r.out).toContain('confusion matrix (rows: true class, columns: predicted):');
    const rows = r.out.split('\n').filter((l) => /^\d\s+(\s*\d+){10}\s+\d+\.\d%$/.test(l));
    expect(rows).toHaveLength(10);
    const total = rows.reduce((a, l) => a + l.trim().split(/\s+/).slice(1, 11).map(Number).reduce((x, y) => x + y, 0), 0);
    expect(total).toBe(300);
    expect([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });

  test('eval --json agrees with the accuracy train reported on the same held-out images', async () => {
    const r = await cli('eval', '--weights', out, '--limit', '500', '--json');
    const j = JSON.parse(r.out) as { accuracy: number; numSamples: number; topK: Record<string, number>; confusionMatrix: number[][] };
    expect(j.numSamples).toBe(500);
    expect(j.topK['3']).toBeGreaterThanOrEqual(j.accuracy);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { heldOut: { accuracy: number } };
    expect(j.accuracy).toBeCloseTo(run.heldOut.accuracy, 6);
  });

  test('eval --tta flip evaluates each image with its mirror, and says so', async () => {
    const r = await cli('eval', '--weights', out, '--limit', '200', '--tta', 'flip', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { accuracy: number; numSamples: number; tta: string; loss: number };
    expect(j).toMatchObject({ tta: 'flip', numSamples: 200 });
    const plain = JSON.parse((await cli('eval', '--weights', out, '--limit', '200', '--json')).out) as { loss: number; tta: string };
    expect(plain.tta).toBe('none');
    // Digits are not mirror-symmetric: the averaged prediction differs from the plain one.
    expect(j.loss).not.toBeCloseTo(plain.loss, 4);
    const text = await cli('eval', '--weights', out, '--limit', '50', '--tta', 'flip');
    expect(text.out).toContain('test-time augmentation: mirror');
    expect((await cli('eval', '--weights', out, '--tta', 'rotate')).err).toContain("argument 'rotate' is invalid");
  });

  test('eval with a mismatched --model fails in one line', async () => {
    const r = await cli('eval', '--weights', out, '--model', 'lenet5');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot load .*model\.safetensors into lenet5: .*missing key\(s\)/);
    expect(isOneLineError(r.err)).toBe(true);
  });

  test('train --resume continues the run from its checkpoint', async () => {
    const r = await cli('train', '--resume', out, '--epochs', '3', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`resuming mnist-convnet from ${out} at epoch 3`);
    // The run's settings come back from run.json (2,000 train / 500 validation / 500 held-out images, cosine schedule).
    expect(r.out).toContain('2,000 train / 500 validation / 500 held-out images');
    expect(r.out).toContain('batch 16, 3 epochs, schedule cosine');
    const log = readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toMatch(/^epoch,loss,accuracy,valLoss,valAccuracy/);
    expect(log.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2']);
    // run.json and history.png cover the whole run, not only the resumed epoch.
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { history: Record<string, number[]> };
    expect(run.history.loss).toHaveLength(3);
    expect(run.history.valAccuracy).toHaveLength(3);
  });

  test('train --resume with no epochs left refuses and changes nothing', async () => {
    const before = readFileSync(join(out, 'run.json'), 'utf8');
    const r = await cli('train', '--resume', out, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already trained 3 epochs of --epochs 3; nothing to do \(hint: pass --epochs 8/);
    expect(readFileSync(join(out, 'run.json'), 'utf8')).toBe(before);
  });

  test('a resumed run killed after logging an epoch but before its checkpoint logs that epoch once', async () => {
    // As if killed after epoch 3 (0-based) was logged but before checkpoint 3 was written.
    const logPath = join(out, 'log.csv');
    const rows = readFileSync(logPath, 'utf8').trim().split('\n');
    writeFileSync(logPath, `${[...rows, `3,${rows[3].split(',').slice(1).join(',')}`].join('\n')}\n`);
    const r = await cli('train', '--resume', out, '--epochs', '4', '--quiet');
    expect(r.code, r.err).toBe(0);
    const log = readFileSync(logPath, 'utf8').trim().split('\n');
    expect(log.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3']);
  });

  test('eval reads the data folder the run recorded when --data-dir is not given', async () => {
    const mnistDir = fileURLToPath(new URL('../../../shared/datasets/mnist/', import.meta.url));
    const run = join(tmp.dir, 'full-mnist');
    const t = await cli('train', '--dataset', 'mnist', '--data-dir', mnistDir, '--epochs', '1', '--train-subset', '64', '--limit-test', '32', '--quiet', '--out', run);
    expect(t.code, t.err).toBe(0);
    const r = await cli('eval', '--weights', run, '--limit', '50');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`data:      mnist (${mnistDir}), test split`);
    expect(r.out).toMatch(/^samples:\s+50$/m);
  });

  test('a second train into the default folder refuses to replace the trained run unless --overwrite', async () => {
    const home = process.cwd();
    process.chdir(tmp.dir);
    try {
      const args = ['train', '--model', 'mnist-convnet', '--epochs', '1', '--train-subset', '64', '--limit-test', '32', '--quiet'];
      expect((await cli(...args)).code).toBe(0);
      const weights = readFileSync(join('.neocog', 'mnist-convnet', 'model.safetensors'));
      const again = await cli(...args, '--seed', '5');
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/\.neocog\/mnist-convnet already holds a trained run; nothing was changed \(hint: --out <dir> .* --overwrite to replace it\)/);
      expect(readFileSync(join('.neocog', 'mnist-convnet', 'model.safetensors')).equals(weights)).toBe(true);
      expect((await cli(...args, '--seed', '5', '--overwrite')).code).toBe(0);
      expect(readFileSync(join('.neocog', 'mnist-convnet', 'model.safetensors')).equals(weights)).toBe(false);
    } finally {
      process.chdir(home);
    }
  });
});

describe('every optimizer and schedule trains', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  test.each([
    ['sgd', 'step'], ['adam', 'cosine'], ['adamw', 'onecycle'], ['rmsprop', 'plateau'], ['sgd', 'onecycle'], ['adam', 'none'],
  ])('%s with schedule %s', async (optimizer, schedule) => {
    const out = join(tmp.dir, `${optimizer}-${schedule}`);
    const r = await cli('train', '--optimizer', optimizer, '--schedule', schedule, '--epochs', '2', '--train-subset', '96', '--limit-test', '32', '--batch-size', '32', '--augment', '--quiet', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`schedule ${schedule}, augment affine`);
    const log = readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(3);
    const lrs = log.slice(1).map((l) => Number(l.split(',').pop()));
    expect(lrs.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });
});

describe('train --label-smoothing and --augment flip-crop-erase', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const run = (name: string, ...extra: string[]) => cli('train', '--epochs', '1', '--train-subset', '64', '--limit-test', '32', '--batch-size', '32', '--seed', '3', '--quiet', '--out', join(tmp.dir, name), ...extra);
  test('smoothing changes the loss (train and validation) and is kept for --resume', async () => {
    const plain = await run('plain', '--augment', 'flip-crop-erase');
    const smooth = await run('smooth', '--augment', 'flip-crop-erase', '--label-smoothing', '0.2');
    expect(plain.code, plain.err).toBe(0);
    expect(smooth.code, smooth.err).toBe(0);
    expect(smooth.out).toContain('augment flip-crop-erase, label smoothing 0.2');
    const row = (name: string) => readFileSync(join(tmp.dir, name, 'log.csv'), 'utf8').trim().split('\n')[1].split(',').map(Number);
    // Same seed, same data and augmentation: only the loss function differs.
    expect(row('smooth')[1]).not.toBe(row('plain')[1]);
    const config = JSON.parse(readFileSync(join(tmp.dir, 'smooth', 'run.json'), 'utf8')).config;
    expect(config).toMatchObject({ labelSmoothing: 0.2, augment: 'flip-crop-erase' });
  });
  test('a smoothing outside [0, 1) is refused', async () => {
    const r = await run('bad', '--label-smoothing', '1');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("--label-smoothing: expected a number in [0, 1), got '1'");
  });
});

describe('bin/neocog.js (the built CLI as a process)', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  test('--help and --version exit 0', () => {
    const r = spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: neocog [options] [command]');
    const v = spawnCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('a bad option exits 1 with one line on stderr', () => {
    const r = spawnCli(['train', '--batch-size', '-4']);
    expect(r.code).toBe(1);
    expect(isOneLineError(r.err), r.err).toBe(true);
  });

  test('a bad path exits 1 with one line on stderr, no stack trace', () => {
    const r = spawnCli(['predict', 'nope.png', '--weights', '/no/such/weights']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: --weights /no/such/weights: no such file or folder\n');
  });

  test('summary and models run from the build', () => {
    expect(spawnCli(['summary', 'lenet5']).out).toContain('Total params: 61,706');
    expect(spawnCli(['models']).out).toMatch(/^lenet5\s+61,706/m);
  });
});
