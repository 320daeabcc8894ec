import { describe, expect, it } from 'vitest';
import { nn } from '../../src/index.js';
import { summary, summaryRows } from '../../src/train/index.js';

/** LeNet-5 as in the lectures' Keras table. */
function lenet5() {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.AvgPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

describe('summary', () => {
  it('LeNet-5: 61,706 parameters, output shapes, FLOPs and memory per layer', () => {
    const s = summaryRows(lenet5(), [1, 28, 28]);
    expect(s.totalParams).toBe(61706);
    expect(s.trainableParams).toBe(61706);
    expect(s.nonTrainableParams).toBe(0);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual([
      ['0', 'Conv2d', [1, 6, 28, 28], 156],
      ['1', 'ReLU', [1, 6, 28, 28], 0],
      ['2', 'AvgPool2d', [1, 6, 14, 14], 0],
      ['3', 'Conv2d', [1, 16, 10, 10], 2416],
      ['4', 'ReLU', [1, 16, 10, 10], 0],
      ['5', 'AvgPool2d', [1, 16, 5, 5], 0],
      ['6', 'Flatten', [1, 400], 0],
      ['7', 'Linear', [1, 120], 48120],
      ['8', 'ReLU', [1, 120], 0],
      ['9', 'Linear', [1, 84], 10164],
      ['10', 'ReLU', [1, 84], 0],
      ['11', 'Linear', [1, 10], 850],
    ]);
    expect(s.rows[0].flops).toBe(2 * 6 * 28 * 28 * 25); // 235,200
    expect(s.rows[3].flops).toBe(2 * 16 * 10 * 10 * 150);
    expect(s.rows[7].flops).toBe(2 * 400 * 120);
    expect(s.rows[0].activationBytes).toBe(6 * 28 * 28 * 4);
    expect(s.paramBytes).toBe(61706 * 4);
    expect(s.totalFlops).toBe(s.rows.reduce((a, r) => a + r.flops, 0));
    const b = summaryRows(lenet5(), [1, 28, 28], { batchSize: 8 });
    expect(b.rows[0].outputShape).toEqual([8, 6, 28, 28]);
    expect(b.totalFlops).toBe(8 * s.totalFlops);
  });

  it('renders a Keras-style table with totals', () => {
    const text = summary(lenet5(), [1, 28, 28]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "Sequential" (input [1, 1, 28, 28])');
    expect(lines[2]).toMatch(/^Layer \(type\) +Output Shape +Param # +FLOPs +Act\. Mem\.$/);
    expect(text).toMatch(/^0 \(Conv2d\) +\[1, 6, 28, 28\] +156 +235\.20K +18\.38 KB$/m);
    expect(text).toMatch(/^7 \(Linear\) +\[1, 120\] +48,120 /m);
    expect(text).toContain('Total params: 61,706 (241.04 KB)');
    expect(text).toContain('Trainable params: 61,706');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toMatch(/Total FLOPs: [\d.]+K \([\d,]+\)/);
    expect(text).toMatch(/Activation memory: [\d.]+ KB/);
    expect(text).toContain('Param memory: 241.04 KB');
  });

  it('uses dotted names, counts frozen parameters, leaves batch-norm statistics and the mode alone', () => {
    const ok = new nn.Sequential(new Map<string, nn.Module>([['features', new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4))], ['head', new nn.Flatten()]]));
    const inner = ok.getSubmodule<nn.Sequential>('features');
    inner.at(0).requiresGrad_(false);
    const before = Array.from(inner.at(1).getBuffer('running_mean')!.dataSync());
    const s = summaryRows(ok, [3, 8, 8]);
    expect(s.rows.map((r) => r.name)).toEqual(['features.0', 'features.1', 'head']);
    expect(s.rows[2].outputShape).toEqual([1, 144]);
    expect(s.nonTrainableParams).toBe(4 * 3 * 9 + 4);
    expect(s.trainableParams).toBe(8);
    expect(s.bufferBytes).toBe(4 * 4 * 2 + 4);
    expect(Array.from(inner.at(1).getBuffer('running_mean')!.dataSync())).toEqual(before);
    expect(ok.training).toBe(true);
    const pool = summaryRows(new nn.MaxPool2d(2, { returnIndices: true }), [1, 4, 4]);
    expect(pool.rows[0].name).toBe('MaxPool2d');
    expect(pool.rows[0].outputShapes).toEqual([[1, 1, 2, 2], [1, 1, 2, 2]]);
    expect(() => summaryRows(ok, [0, 3])).toThrow(/inputShape must be an array of positive integers/);
  });
});
