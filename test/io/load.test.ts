/** io.load(path): the whole model back from the file (architecture from its metadata, then the weights). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as nc from '../../src/index.js';
import { manualSeed, models, nn, noGrad, randn } from '../../src/index.js';
import { load, loadSafetensorsHeader, saveModel, saveSafetensors } from '../../src/io/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const outputOf = (m: nc.nn.AnyModule, x: nc.Tensor) => {
  m.eval();
  return Array.from(noGrad(() => (m as unknown as { call(x: nc.Tensor): nc.Tensor }).call(x)).dataSync());
};

describe('load(path)', () => {
  it('rebuilds a zoo model from its file and gives the same outputs and parameter names', () => {
    manualSeed(3);
    const model = models.get('lenet5');
    const path = join(tmp.dir, 'lenet5.safetensors');
    saveModel(model, path);
    expect(loadSafetensorsHeader(path).metadata?.['neocog.spec']).toContain('"Conv2d"');
    const back = nc.load(path);
    expect(back).not.toBe(model);
    expect(Object.keys(back.stateDict())).toEqual(Object.keys(model.stateDict()));
    const x = randn([2, 1, 28, 28]);
    expect(outputOf(back, x)).toEqual(outputOf(model, x));
  });

  it('rebuilds a model a training run saved by zoo name and options', () => {
    manualSeed(4);
    const model = models.get('mnist-convnet', { nHidden: 20 });
    const path = join(tmp.dir, 'trained.safetensors');
    saveSafetensors(model.stateDict(), path, { 'neocog.model': 'mnist-convnet', 'neocog.modelOptions': '{"nHidden":20}' });
    const x = randn([1, 1, 28, 28]);
    expect(outputOf(load(path), x)).toEqual(outputOf(model, x));
  });

  it('a model with its own forward saves its weights but load says to build it and use loadModel', () => {
    class Twice extends nn.Module {
      fc = new nn.Linear(3, 2);
      forward(x: nc.Tensor): nc.Tensor { return this.fc.call(x).mul(2); }
    }
    const path = join(tmp.dir, 'custom.safetensors');
    saveModel(new Twice(), path);
    expect(() => load(path)).toThrow(/load: .*custom\.safetensors holds weights only: its metadata names no architecture .*\(hint: build the model and use loadModel\(model, path\)/);
    expect(() => load(path, { strickt: true } as never)).toThrow(/unknown option 'strickt'.*did you mean 'strict'/);
  });

  it('saveSafetensors takes safetensors\' (tensors, path) order and the older (path, tensors)', () => {
    const t = { w: nc.tensor([1, 2, 3]) };
    const a = join(tmp.dir, 'a.safetensors'), b = join(tmp.dir, 'b.safetensors');
    saveSafetensors(t, a, { k: 'v' });
    saveSafetensors(b, t, { k: 'v' });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(() => saveSafetensors(t, t as never)).toThrow(/saveSafetensors: path must be/);
  });
});
