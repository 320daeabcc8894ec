import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { data, defaultGenerator, Generator, manualSeed, nn, optim } from '../../src/index.js';
import { fit, loadCheckpoint, ModelCheckpoint, resumeFrom, type TrainerState } from '../../src/train/index.js';
import { flatParams, loaderOf, separable, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Everything a run needs, built in a fixed order after seeding. */
function setup(seed: number) {
  manualSeed(seed);
  const { x, y } = separable(48, 5);
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(8, 2));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  const loader = loaderOf(x, y, { batchSize: 8, shuffle: true });
  const val = loaderOf(x, y, { batchSize: 16 });
  return { model, optimizer, scheduler, loader, val };
}

function momentum(o: optim.Optimizer): number[] {
  return o.paramGroups[0].params.flatMap((p) => Array.from((o.state.get(p)!.momentumBuffer as ReturnType<typeof p.detach>).dataSync()));
}

describe('ModelCheckpoint + resumeFrom', () => {
  it('train 2 epochs == train 1, resume in a fresh setup, train 1 more (identical parameters, buffers, optimizer state, lr)', async () => {
    const a = setup(42);
    const ha = await fit(a.model, a.loader, { epochs: 2, optimizer: a.optimizer, scheduler: a.scheduler, loss: 'crossEntropy', validation: a.val, verbose: 0 });
    const rngAfterA = defaultGenerator.getState();

    const dir = join(tmp.dir, 'resume');
    const b = setup(42);
    await fit(b.model, b.loader, { epochs: 1, optimizer: b.optimizer, scheduler: b.scheduler, loss: 'crossEntropy', validation: b.val, verbose: 0, callbacks: [new ModelCheckpoint({ dir })] });
    // A different process: other seed, fresh model / optimizer / scheduler / loader, the RNG moved on.
    const c = setup(7);
    defaultGenerator.random();
    const next = resumeFrom(dir, { model: c.model, optimizer: c.optimizer, scheduler: c.scheduler });
    expect(next).toBe(1);
    const hc = await fit(c.model, c.loader, { epochs: 2, initialEpoch: next, optimizer: c.optimizer, scheduler: c.scheduler, loss: 'crossEntropy', validation: c.val, verbose: 0 });

    expect(flatParams(c.model)).toEqual(flatParams(a.model));
    for (const [k, t] of Object.entries(a.model.stateDict())) expect(Array.from(c.model.stateDict()[k].dataSync())).toEqual(Array.from(t.dataSync()));
    expect(momentum(c.optimizer)).toEqual(momentum(a.optimizer));
    expect(c.optimizer.paramGroups[0].lr).toBe(a.optimizer.paramGroups[0].lr);
    expect(c.scheduler.lastEpoch).toBe(a.scheduler.lastEpoch);
    expect(hc.history.loss[0]).toBe(ha.history.loss[1]);
    expect(hc.history.valLoss[0]).toBe(ha.history.valLoss[1]);
    expect(hc.history.lr[0]).toBe(ha.history.lr[1]);
    expect(defaultGenerator.getState()).toEqual(rngAfterA);
  });

  it('writes a complete folder per epoch, points latest.json at it and keeps only the newest (plus the best)', async () => {
    const dir = join(tmp.dir, 'every');
    const s = setup(1);
    await fit(s.model, s.loader, { epochs: 3, optimizer: s.optimizer, loss: 'crossEntropy', validation: s.val, verbose: 0, callbacks: [new ModelCheckpoint({ dir, keep: 2 })] });
    const entries = readdirSync(dir).sort();
    expect(entries.filter((e) => e.startsWith('.'))).toEqual([]);
    expect(entries).toContain('latest.json');
    expect(entries).toContain('best.json');
    const latest = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
    expect(latest).toMatchObject({ checkpoint: 'epoch-0003', epoch: 2, nextEpoch: 3, monitor: 'valLoss' });
    const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8')).checkpoint as string;
    expect(entries.filter((e) => e.startsWith('epoch-')).sort()).toEqual([...new Set(['epoch-0002', 'epoch-0003', best])].sort());
    expect(readdirSync(join(dir, 'epoch-0003')).sort()).toEqual(['model.json', 'model.safetensors', 'optimizer.safetensors', 'trainer.json']);
    const state = JSON.parse(readFileSync(join(dir, 'epoch-0003', 'trainer.json'), 'utf8')) as TrainerState;
    expect(state).toMatchObject({ format: 'neocog.checkpoint', epoch: 2, nextEpoch: 3, monitor: 'valLoss', scheduler: null, loaderRng: null });
    expect(state.optimizer!.class).toBe('SGD');
    expect(state.rng).toHaveLength(4);
    expect(state.history.loss).toHaveLength(3);
    expect(Object.keys(state.logs)).toEqual(['loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr']);
  });

  it('saveBestOnly writes only when the monitored value improves; resumes from best or latest', async () => {
    const dir = join(tmp.dir, 'best');
    const s = setup(2);
    s.optimizer.paramGroups[0].lr = 0; // nothing changes, so only the first epoch is an improvement
    s.optimizer.paramGroups[0].momentum = 0;
    await fit(s.model, s.loader, { epochs: 3, optimizer: s.optimizer, loss: 'crossEntropy', validation: s.val, verbose: 0, callbacks: [new ModelCheckpoint({ dir, saveBestOnly: true, monitor: 'valAccuracy' })] });
    expect(readdirSync(dir).filter((e) => e.startsWith('epoch-'))).toEqual(['epoch-0001']);
    const t = setup(3);
    const info = loadCheckpoint(dir, { model: t.model, which: 'best' });
    expect(info.nextEpoch).toBe(1);
    expect(info.monitor).toBe('valAccuracy');
    expect(flatParams(t.model)).toEqual(flatParams(s.model));
    // Pointing at the checkpoint folder itself works too.
    expect(resumeFrom(join(dir, 'epoch-0001'), { model: t.model, optimizer: t.optimizer })).toBe(1);
  });

  it('restores a loader generator and reports unusable folders clearly', async () => {
    const dir = join(tmp.dir, 'loader-gen');
    const { x, y } = separable(16);
    const gen = new Generator(11);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, shuffle: true, generator: gen });
    const model = new nn.Sequential(new nn.Linear(2, 2));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    await fit(model, loader, { epochs: 1, optimizer, loss: 'crossEntropy', verbose: 0, callbacks: [new ModelCheckpoint({ dir })] });
    const after = gen.getState();
    gen.manualSeed(0);
    const model2 = new nn.Sequential(new nn.Linear(2, 2));
    resumeFrom(dir, { model: model2, optimizer: new optim.Adam(model2.parameters(), { lr: 0.01 }), loader });
    expect(gen.getState()).toEqual(after);
    expect(() => resumeFrom(dir, { model: model2, optimizer: new optim.SGD(model2.parameters(), { lr: 0.01 }) })).toThrow(/checkpoint optimizer is Adam, got SGD/);
    expect(() => resumeFrom(join(tmp.dir, 'nothing-here'), { model: model2 })).toThrow(/no checkpoint in .*nothing-here/);
    expect(existsSync(join(dir, 'epoch-0001', 'optimizer.safetensors'))).toBe(true);
  });

  it('refuses an edited trainer.json or pointer before restoring anything, and clears a killed run\'s temp folders', async () => {
    const dir = join(tmp.dir, 'untrusted');
    const s = setup(7);
    await fit(s.model, s.loader, { epochs: 1, optimizer: s.optimizer, scheduler: s.scheduler, loss: 'crossEntropy', verbose: 0, callbacks: [new ModelCheckpoint({ dir })] });
    const file = join(dir, 'epoch-0001', 'trainer.json');
    const original = readFileSync(file, 'utf8');
    const resumeWith = (edit: (o: Record<string, any>) => void) => {
      const o = JSON.parse(original);
      edit(o);
      writeFileSync(file, JSON.stringify(o));
      const t = setup(7);
      return () => resumeFrom(dir, { model: t.model, optimizer: t.optimizer, scheduler: t.scheduler });
    };
    expect(resumeWith((o) => { o.optimizer.paramGroups[0].lr = 1e308; })).toThrow(/paramGroups\[0\]\.lr must be a number in \[0, 1000\], got 1e\+308/);
    expect(resumeWith((o) => { o.rng[0] = 1.5; })).toThrow(/rng must be 4 unsigned 32-bit integers/);
    expect(resumeWith((o) => { o.scheduler = 1; })).toThrow(/scheduler must be null or \{ class, state \}, got 1/);
    writeFileSync(file, original.replace('"scheduler": {', '"scheduler": { "__proto__": { "step": 1 },'));
    const t = setup(7);
    expect(() => resumeFrom(dir, { model: t.model, scheduler: t.scheduler })).toThrow(/has a key '__proto__', which no checkpoint writes/);
    writeFileSync(file, original);

    // latest.json may only name a folder of its own directory.
    const other = join(tmp.dir, 'untrusted-other');
    cpSync(dir, other, { recursive: true });
    const latest = join(dir, 'latest.json');
    const pointer = JSON.parse(readFileSync(latest, 'utf8'));
    writeFileSync(latest, JSON.stringify({ ...pointer, checkpoint: '../untrusted-other/epoch-0001' }));
    expect(() => resumeFrom(dir, { model: setup(7).model })).toThrow(/checkpoint must name a folder epoch-NNNN in .*untrusted, got "\.\.\/untrusted-other\/epoch-0001"/);
    writeFileSync(latest, JSON.stringify(pointer));

    // A run killed while writing leaves .epoch-NNNN.tmp-*; the next run with a ModelCheckpoint removes it.
    mkdirSync(join(dir, '.epoch-0002.tmp-999-abcd'));
    const r = setup(7);
    const next = resumeFrom(dir, { model: r.model, optimizer: r.optimizer, scheduler: r.scheduler });
    await fit(r.model, r.loader, { epochs: 2, initialEpoch: next, optimizer: r.optimizer, scheduler: r.scheduler, loss: 'crossEntropy', verbose: 0, callbacks: [new ModelCheckpoint({ dir })] });
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
