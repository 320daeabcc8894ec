/** Shared by the zoo tests: forward + backward smoke checks and releasing big models. */
import { expect } from 'vitest';
import * as nc from '../../src/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import type { Tensor } from '../../src/index.js';

export function allFinite(t: Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

/** Frees a model's parameter and buffer storage now (the big count tests build ~1.3 G parameters in all). */
export function release(model: AnyModule): void {
  for (const p of model.parameters()) p.dispose();
  for (const b of model.buffers()) b.dispose();
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Forward + backward in train mode on a seeded random input: output shape, finite values, and a finite
 * gradient of the right shape for the input and every parameter.
 */
export function smoke(name: string, model: AnyModule, inputShape: number[], outShape: number[], { mode = 'train' as 'train' | 'eval' } = {}): void {
  nc.manualSeed(7);
  if (mode === 'train') model.train();
  else model.eval();
  const x = nc.randn(inputShape, { requiresGrad: true });
  const y = model.call(x) as Tensor;
  expect(y.shape, name).toEqual(outShape);
  expect(allFinite(y), `${name}: output`).toBe(true);
  y.mul(nc.randn(y.shape)).sum().backward();
  expect(x.grad, `${name}: input grad`).not.toBeNull();
  expect(x.grad!.shape).toEqual(inputShape);
  expect(allFinite(x.grad!), `${name}: input grad`).toBe(true);
  for (const [pn, p] of model.namedParameters()) {
    expect(p.grad, `${name}: ${pn} grad`).not.toBeNull();
    expect(p.grad!.shape, `${name}: ${pn}`).toEqual(p.shape);
    expect(allFinite(p.grad!), `${name}: ${pn}`).toBe(true);
  }
}
