import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { optim } from '../../src/index.js';
import { confusionMatrixPng, fit, plotHistoryPng, renderConfusionMatrixPng, renderHistoryPng } from '../../src/train/index.js';
import { metricTitle, tickLabel } from '../../src/train/plots.js';
import { loaderOf, mlp, separable, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function colours(png: PNG): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < png.data.length; i += 4) out.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
  return out;
}

describe('PNG plots', () => {
  it('plotHistoryPng draws loss and accuracy curves of a fit run', async () => {
    const { x, y } = separable(16);
    const model = mlp();
    const history = await fit(model, loaderOf(x, y), { epochs: 4, optimizer: new optim.SGD(model.parameters(), { lr: 0.2 }), loss: 'crossEntropy', validation: loaderOf(x, y), verbose: 0 });
    const path = join(tmp.dir, 'plots', 'history.png');
    plotHistoryPng(history, path);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([840, 360]); // two panels: loss, accuracy
    const c = colours(png);
    expect(c.has('31,119,180')).toBe(true); // train curve
    expect(c.has('255,127,14')).toBe(true); // validation curve
    expect(c.has('40,40,40')).toBe(true); // axes and text
    // A plain record works too; one panel without accuracy.
    const single = PNG.sync.read(Buffer.from(renderHistoryPng({ loss: [1, 0.5, 0.25] }, { width: 300, height: 200 })));
    expect([single.width, single.height]).toEqual([300, 200]);
    expect(() => renderHistoryPng({})).toThrow(/no values to plot/);
  });

  it('confusionMatrixPng draws a heat map with counts', () => {
    const m = [[50, 2, 0], [3, 40, 7], [0, 1, 60]];
    const path = join(tmp.dir, 'plots', 'confusion.png');
    confusionMatrixPng(m, path, { classNames: ['cat', 'dog', 'bird'] });
    const png = PNG.sync.read(readFileSync(path));
    expect(png.width).toBeGreaterThan(3 * 56);
    expect(png.height).toBeGreaterThan(3 * 56);
    const c = colours(png);
    expect(c.has('255,255,255')).toBe(true);
    expect(c.size).toBeGreaterThan(6);
    // Many classes: smaller cells, still decodable.
    const big = Array.from({ length: 40 }, (_, i) => Array.from({ length: 40 }, (_, j) => (i === j ? 100 : (i + j) % 3)));
    const b = PNG.sync.read(Buffer.from(renderConfusionMatrixPng(big)));
    expect(b.width).toBeGreaterThan(40 * 12);
    expect(() => renderConfusionMatrixPng([[1, 2]])).toThrow(/square matrix/);
  });

  it('tick labels keep the decimals their step needs; metric titles read as words', () => {
    expect(tickLabel(2.25, 0.25)).toBe('2.25');
    expect(tickLabel(1.75, 0.25)).toBe('1.75');
    expect(tickLabel(1.5, 0.5)).toBe('1.5');
    expect(tickLabel(3, 1)).toBe('3');
    expect(tickLabel(0.02, 0.02)).toBe('0.02');
    expect(metricTitle('top5Accuracy')).toBe('TOP-5 ACCURACY');
    expect(metricTitle('accuracy')).toBe('ACCURACY');
  });

  it('the confusion matrix has a title, whole axis labels and a colour bar from 0 to 1', () => {
    const m = [[50, 2, 0], [3, 40, 7], [0, 1, 60]];
    const png = PNG.sync.read(Buffer.from(renderConfusionMatrixPng(m, { classNames: ['cat', 'dog', 'bird'], title: 'HELD-OUT' })));
    const at = (x: number, y: number) => [...png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3)].join(',');
    // Some column holds both ends of the scale, darkest above lightest: the bar.
    const bar = Array.from({ length: png.width }, (_, x) => x).find((x) => {
      const col = Array.from({ length: png.height }, (_, y) => at(x, y));
      const dark = col.indexOf('8,48,107'), light = col.lastIndexOf('247,251,255');
      return dark >= 0 && light > dark + 100;
    });
    expect(bar, 'colour bar').toBeGreaterThan(png.width / 2);
    // Ink in the top rows (title) and nothing drawn off the edges: the outermost columns and rows are background.
    const ink = (y: number) => Array.from({ length: png.width }, (_, x) => at(x, y)).filter((c) => c === '40,40,40').length;
    expect(ink(8)).toBeGreaterThan(0);
    for (let y = 0; y < png.height; y++) expect([at(0, y), at(png.width - 1, y)]).toEqual(['255,255,255', '255,255,255']);
    expect(() => renderConfusionMatrixPng(m, { title: 3 as unknown as string })).toThrow(/title must be a string/);
    // One-character class names (digits) still leave room for the word TRUE (it was clipped to "UE").
    const digits = PNG.sync.read(Buffer.from(renderConfusionMatrixPng(Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 900 : 1))))));
    const px = (x: number, y: number) => [...digits.data.subarray(4 * (y * digits.width + x), 4 * (y * digits.width + x) + 3)].join(',');
    for (let y = 0; y < digits.height; y++) expect(px(0, y), `row ${y}`).toBe('255,255,255');
  });
});
