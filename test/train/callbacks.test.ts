import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optim } from '../../src/index.js';
import { Callback, CSVLogger, EarlyStopping, fit, JSONLogger, ProgressBar, type Logs } from '../../src/train/index.js';
import { captureStream, flatParams, loaderOf, mlp, separable, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Replaces each epoch's monitored value with a scripted one (runs before EarlyStopping). */
class Script extends Callback {
  constructor(readonly key: string, readonly values: number[]) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    logs[this.key] = this.values[epoch];
  }
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const es = new EarlyStopping({ monitor: 'score', patience: 2, minDelta: 0.05, mode: 'min' });
    const h = await fit(model, loaderOf(x, y), {
      epochs: 10, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', verbose: 0,
      callbacks: [new Script('score', [1, 0.8, 0.79, 0.78, 0.5, 0.4, 0.3, 0.2, 0.1, 0]), es],
    });
    // 0.8 improves on 1; 0.79 and 0.78 are within minDelta: two bad epochs -> stop after epoch 3.
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(es.best).toBe(0.8);
  });

  it("uses 'max' for accuracy-like names and restores the best weights", async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const snapshots: number[][] = [];
    const snap = { onEpochEnd: () => void snapshots.push(flatParams(model)) };
    const es = new EarlyStopping({ monitor: 'valAccuracy', patience: 2, restoreBestWeights: true });
    await fit(model, loaderOf(x, y), {
      epochs: 10, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', verbose: 0, validation: loaderOf(x, y),
      callbacks: [new Script('valAccuracy', [0.5, 0.9, 0.7, 0.95, 0.9, 0.9]), snap, es],
    });
    // 0.7 is one bad epoch, 0.95 the best, then two bad epochs: stop after epoch 5, back to epoch 3's weights.
    expect(es.stoppedEpoch).toBe(5);
    expect(es.bestEpoch).toBe(3);
    expect(snapshots).toHaveLength(6);
    expect(flatParams(model)).toEqual(snapshots[3]);
    expect(flatParams(model)).not.toEqual(snapshots[5]);
  });

  it('names the missing monitored value', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    await expect(fit(model, loaderOf(x, y), { epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', verbose: 0, callbacks: [new EarlyStopping()] }))
      .resolves.toBeDefined(); // default monitor: loss without validation
    await expect(fit(model, loaderOf(x, y), { epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', verbose: 0, callbacks: [new EarlyStopping({ monitor: 'valLoss' })] }))
      .rejects.toThrow(/monitored value 'valLoss' is not in the epoch logs \(have: loss, accuracy, lr\) \(pass `validation`/);
  });
});

describe('CSVLogger and JSONLogger', () => {
  it('write one record per epoch', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const csv = join(tmp.dir, 'logs', 'train.csv');
    const json = join(tmp.dir, 'logs', 'train.json');
    const opts = { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy' as const, verbose: 0 as const, validation: loaderOf(x, y) };
    const h = await fit(model, loaderOf(x, y), { ...opts, epochs: 3, callbacks: [new CSVLogger(csv), new JSONLogger(json)] });
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,loss,accuracy,valLoss,valAccuracy,lr');
    expect(lines).toHaveLength(4);
    expect(lines[2].split(',').map(Number)).toEqual([1, h.history.loss[1], h.history.accuracy[1], h.history.valLoss[1], h.history.valAccuracy[1], 0.1]);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.epochs).toHaveLength(3);
    expect(doc.epochs[2]).toMatchObject({ epoch: 2, loss: h.history.loss[2], valAccuracy: h.history.valAccuracy[2], lr: 0.1 });
    expect(typeof doc.epochs[0].seconds).toBe('number');
    expect(typeof doc.finished).toBe('string');
    // append continues the files
    await fit(model, loaderOf(x, y), { ...opts, epochs: 4, initialEpoch: 3, callbacks: [new CSVLogger(csv, { append: true }), new JSONLogger(json, { append: true })] });
    expect(readFileSync(csv, 'utf8').trimEnd().split('\n').map((l) => l.split(',')[0])).toEqual(['epoch', '0', '1', '2', '3']);
    expect(JSON.parse(readFileSync(json, 'utf8')).epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2, 3]);
  });
});

describe('ProgressBar', () => {
  function fakeClock(stepMs: number) {
    let t = 0;
    return () => (t += stepMs);
  }

  it('prints plain lines per 25% and per epoch when the stream is not a TTY', async () => {
    const { x, y } = separable(32);
    const model = mlp();
    const stream = captureStream(false);
    await fit(model, loaderOf(x, y, { batchSize: 4 }), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', validation: loaderOf(x, y),
      callbacks: [new ProgressBar({ stream, now: fakeClock(50) })],
    });
    expect(stream.text).not.toMatch(/[\r\x1b]/);
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(8); // 25%, 50%, 75% and the epoch line, twice
    expect(lines[0]).toMatch(/^Epoch 1\/2 25% 2\/8 - ETA \d+(\.\d)?s - \d+ img\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines[1]).toMatch(/^Epoch 1\/2 50% 4\/8 /);
    expect(lines[2]).toMatch(/^Epoch 1\/2 75% 6\/8 /);
    expect(lines[3]).toMatch(/^Epoch 1\/2 - \d+(\.\d)?s - \d+ img\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - valLoss: \d\.\d{4} - valAccuracy: \d\.\d{4} - lr: 0\.1000$/);
    expect(lines[7]).toMatch(/^Epoch 2\/2 - /);
  });

  it('redraws one line per epoch with a bar, ETA and images/s on a TTY', async () => {
    const { x, y } = separable(32);
    const model = mlp();
    const stream = captureStream(true);
    await fit(model, loaderOf(x, y, { batchSize: 4 }), {
      epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy',
      callbacks: [new ProgressBar({ stream, now: fakeClock(60), width: 10 })],
    });
    const frames = stream.text.split('\r').filter(Boolean);
    expect(frames.length).toBeGreaterThan(2);
    expect(frames[0]).toMatch(/^Epoch 1\/1 \[=>\.{8}\] 1\/8 ETA \d+(\.\d)?s \d+ img\/s loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
    expect(frames.at(-1)).toMatch(/^Epoch 1\/1 \[={10}\] 8\/8 \d+(\.\d)?s - \d+ img\/s - loss: .* - lr: 0\.1000 *\n$/);
    expect(stream.text.split('\n').length).toBe(2); // one finished line
  });
});
