import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, optim, randn, tensor, type Tensor } from '../../src/index.js';
import { Callback, evaluate, fit, LRSchedulerCallback, predict, ProgressBar, type BatchLogs, type Logs } from '../../src/train/index.js';
import { captureStream, loaderOf, mlp, separable } from './helpers.js';

describe('fit', () => {
  it('reduces the loss on a separable problem and returns the per-epoch history', async () => {
    const { x, y } = separable(64);
    const model = mlp();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.5 });
    const val = separable(32, 7);
    const history = await fit(model, loaderOf(x, y, { shuffle: true }), { epochs: 8, optimizer, loss: 'crossEntropy', validation: loaderOf(val.x, val.y), verbose: 0 });
    const h = history.history;
    expect(Object.keys(h)).toEqual(['loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr']);
    for (const k of Object.keys(h)) expect(h[k]).toHaveLength(8);
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.loss[7]).toBeLessThan(h.loss[0] * 0.6);
    expect(h.accuracy[7]).toBeGreaterThan(0.9);
    expect(h.valAccuracy[7]).toBeGreaterThan(0.85);
    expect(h.lr).toEqual(Array(8).fill(0.5));
    // The reported validation values are evaluate's.
    const r = await evaluate(model, loaderOf(val.x, val.y), { loss: 'crossEntropy' });
    expect(r.loss).toBeCloseTo(h.valLoss[7], 6);
    expect(r.accuracy).toBe(h.valAccuracy[7]);
    expect(model.training).toBe(true);
  });

  it('takes a loss Module or a function, custom metrics, and leaves out val keys without validation', async () => {
    const { x, y } = separable(32);
    for (const loss of [new nn.CrossEntropyLoss(), (o: Tensor, t: Tensor) => F.crossEntropy(o, t)]) {
      const model = mlp();
      const always = { name: 'one', update: (o: Tensor) => ({ value: 1, count: o.shape[0] }) };
      const h = await fit(model, loaderOf(x, y), { epochs: 2, optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss, metrics: ['accuracy', 'top2', always], verbose: 0 });
      expect(h.history.one).toEqual([1, 1]);
      expect(h.history.top2Accuracy).toEqual([1, 1]);
      expect(h.history.valLoss).toEqual([]);
      expect(h.history.loss).toHaveLength(2);
    }
  });

  it('steps a scheduler per epoch and records the lr each epoch used', async () => {
    const { x, y } = separable(32);
    const model = mlp();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.4 });
    const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const h = await fit(model, loaderOf(x, y), { epochs: 3, optimizer, loss: 'crossEntropy', scheduler, verbose: 0 });
    expect(h.history.lr).toEqual([0.4, 0.2, 0.1]);
    expect(optimizer.paramGroups[0].lr).toBeCloseTo(0.05);
  });

  it('feeds ReduceLROnPlateau the monitored value through LRSchedulerCallback', async () => {
    const { x, y } = separable(32);
    const model = mlp();
    // A learning rate so small the loss cannot improve by the 1e-4 relative threshold: every epoch after the first is bad.
    const optimizer = new optim.SGD(model.parameters(), { lr: 1e-9 });
    const plateau = new optim.ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5, eps: 0 });
    const h = await fit(model, loaderOf(x, y), { epochs: 4, optimizer, loss: 'crossEntropy', callbacks: [new LRSchedulerCallback(plateau)], verbose: 0 });
    expect(h.history.lr).toEqual([1e-9, 1e-9, 5e-10, 2.5e-10]);
    expect(plateau.lastEpoch).toBe(4);
    expect(plateau.best).toBe(h.history.loss[0]);
  });

  it('calls the hooks in order, with the context, and stops when a callback sets stopTraining', async () => {
    const { x, y } = separable(32);
    const events: string[] = [];
    class Recorder extends Callback {
      constructor(readonly tag: string, readonly stopAfter = Infinity) {
        super();
      }
      override onTrainBegin(): void {
        events.push(`${this.tag}:trainBegin:${this.context.epochs}:${this.context.stepsPerEpoch}`);
      }
      override onEpochBegin(epoch: number): void {
        events.push(`${this.tag}:epochBegin:${epoch}`);
      }
      override onBatchBegin(batch: number, logs: Logs): void {
        events.push(`${this.tag}:batchBegin:${batch}:${logs.size}`);
      }
      override async onBatchEnd(batch: number, logs: BatchLogs): Promise<void> {
        await Promise.resolve();
        events.push(`${this.tag}:batchEnd:${batch}:${typeof logs.loss}:${typeof logs.accuracy}`);
      }
      override onEpochEnd(epoch: number, logs: Logs): void {
        events.push(`${this.tag}:epochEnd:${epoch}:${Object.keys(logs).join(',')}`);
        if (epoch >= this.stopAfter) this.context.stopTraining = true;
      }
      override onTrainEnd(): void {
        events.push(`${this.tag}:trainEnd`);
      }
    }
    const model = mlp();
    const plain = { onEpochEnd: (e: number) => void events.push(`plain:epochEnd:${e}`) };
    await fit(model, loaderOf(x, y, { batchSize: 16 }), {
      epochs: 5, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', verbose: 0,
      callbacks: [new Recorder('a', 1), plain, new Recorder('b')],
    });
    expect(events).toEqual([
      'a:trainBegin:5:2', 'b:trainBegin:5:2',
      'a:epochBegin:0', 'b:epochBegin:0',
      'a:batchBegin:0:16', 'b:batchBegin:0:16', 'a:batchEnd:0:number:number', 'b:batchEnd:0:number:number',
      'a:batchBegin:1:16', 'b:batchBegin:1:16', 'a:batchEnd:1:number:number', 'b:batchEnd:1:number:number',
      'a:epochEnd:0:loss,accuracy,lr', 'plain:epochEnd:0', 'b:epochEnd:0:loss,accuracy,lr',
      'a:epochBegin:1', 'b:epochBegin:1',
      'a:batchBegin:0:16', 'b:batchBegin:0:16', 'a:batchEnd:0:number:number', 'b:batchEnd:0:number:number',
      'a:batchBegin:1:16', 'b:batchBegin:1:16', 'a:batchEnd:1:number:number', 'b:batchEnd:1:number:number',
      'a:epochEnd:1:loss,accuracy,lr', 'plain:epochEnd:1', 'b:epochEnd:1:loss,accuracy,lr',
      'a:trainEnd', 'b:trainEnd',
    ]);
  });

  it('starts at initialEpoch and validates its options', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const h = await fit(model, loaderOf(x, y), { epochs: 3, initialEpoch: 1, optimizer, loss: 'crossEntropy', verbose: 0 });
    expect(h.epoch).toEqual([1, 2]);
    await expect(fit(model, loaderOf(x, y), { epochs: 1, optimizer: {} as optim.Optimizer, loss: 'crossEntropy' })).rejects.toThrow(/optimizer must be an Optimizer/);
    await expect(fit(model, loaderOf(x, y), { epochs: 1, optimizer, loss: 'hinge' as 'mse' })).rejects.toThrow(/loss must be a function/);
    await expect(fit(model, [[x]] as never, { epochs: 1, optimizer, loss: 'mse', verbose: 0 })).rejects.toThrow(/each batch must be \[input, target\]/);
    await expect(fit(model, loaderOf(x, y), { epochs: 1, optimizer, loss: (o) => o, verbose: 0 })).rejects.toThrow(/loss must be a single value/);
  });

  it('prints progress through the default ProgressBar (verbose 2: one line per epoch)', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const stream = captureStream();
    await fit(model, loaderOf(x, y, { batchSize: 4 }), { epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', callbacks: [new ProgressBar({ stream, epochsOnly: true })] });
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - \d+(\.\d)?s - \d+ img\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - lr: 0\.1000$/);
  });
});

describe('predict', () => {
  it('runs in eval mode without gradients, in batches, and restores the mode', () => {
    manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Dropout(0.5), new nn.Linear(4, 2));
    const x = randn([10, 3]);
    const all = predict(model, x);
    expect(all.shape).toEqual([10, 2]);
    expect(all.requiresGrad).toBe(false);
    const batched = predict(model, x, { batchSize: 3 });
    Array.from(batched.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(all.dataSync()[i], 6));
    expect(model.training).toBe(true);
    expect(() => predict(model, tensor([[1, 2, 3]]), { batchSize: 0 })).toThrow(/batchSize/);
  });
});
