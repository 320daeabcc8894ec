/**
 * summary() reads shapes on the meta backend (no values computed): every row must equal what a real
 * forward gives, for models with valid convs and crops, unpooling, concatenation, groups, dilation,
 * transposed convs and causal padding; a model that reads values during forward falls back to a real run.
 */
import { describe, expect, it, vi } from 'vitest';
import { MetaBackend } from '../../src/backends/meta.js';
import * as nc from '../../src/index.js';
import { models, nn, noGrad, zeros } from '../../src/index.js';
import { summaryRows } from '../../src/train/index.js';

/** Output shapes of every leaf-module call in a real forward, in call order. */
function realShapes(model: nc.nn.AnyModule, input: number[]): number[][] {
  const shapes: number[][] = [];
  const handles = model.namedModules().filter(([, m]) => m.children().length === 0)
    .map(([, m]) => m.registerForwardHook((_m: unknown, _i: unknown, out: unknown) => void shapes.push([...(Array.isArray(out) ? out[0] : out as nc.Tensor).shape])));
  model.eval();
  noGrad(() => (model as unknown as { call(x: nc.Tensor): unknown }).call(zeros([1, ...input])));
  handles.forEach((h) => h.remove());
  return shapes;
}

describe('summary on the meta backend', () => {
  it.each([
    ['unet', { depth: 2, width: 4 }, [1, 92, 92]],
    ['segnet', { width: 1 / 16 }, [3, 32, 32]],
    ['fcn8s', { width: 1 / 16, fcWidth: 16 }, [3, 64, 64]],
    ['densenet121', { growthRate: 4, numInitFeatures: 8, bnSize: 2 }, [3, 32, 32]],
    ['googlenet', { numClasses: 10 }, [3, 64, 64]],
    ['mobilenet-v2', { width: 0.25 }, [3, 32, 32]],
    ['wavenet', { residualChannels: 4, dilationChannels: 4, skipChannels: 4, stacks: 1, layers: 4, numClasses: 16 }, [1, 64]],
    ['dilated-context-basic', { numClasses: 3 }, [3, 40, 40]],
    ['alexnet-2012', { hidden: 32, groups: 2 }, [3, 227, 227]],
    ['resnet18', { width: 8, numClasses: 10 }, [3, 32, 32]],
    ['deepbind', {}, [4, 101]],
    ['tdnn', {}, [16, 15]],
  ])('%s: every row as a real forward gives it', (name, opts, input) => {
    const model = models.get(name, opts as models.ModelOptions);
    const meta = vi.spyOn(MetaBackend.prototype, 'runKernel');
    const rows = summaryRows(model, input as number[]).rows.map((r) => r.outputShape);
    expect(meta).toHaveBeenCalled();
    meta.mockRestore();
    expect(rows.length).toBeGreaterThan(3);
    expect(rows).toEqual(realShapes(model, input as number[]));
    expect(nc.getBackend().name).not.toBe('meta');
  });

  it('a forward that reads values runs for real instead', () => {
    class Gated extends nn.Module {
      fc = new nn.Linear(4, 2);
      forward(x: nc.Tensor): nc.Tensor {
        return x.sum().item() > 0 ? this.fc.call(x) : this.fc.call(x).neg();
      }
    }
    const s = summaryRows(new Gated(), [4]);
    // The meta attempt's rows are dropped: one row, from the real run.
    expect(s.rows.map((r) => r.outputShape)).toEqual([[1, 2]]);
    expect(s.totalFlops).toBeGreaterThan(0);
  });
});
