import { expect } from 'vitest';
import * as nc from '../../src/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import type { Tensor } from '../../src/index.js';
import { fromSpec, parseSpec, toSpec, toSpecJson, type ToSpecOptions } from '../../src/spec/index.js';

/** name -> shape of every parameter (and, separately, buffer). */
export function paramShapes(m: AnyModule): [string, number[]][] {
  return m.namedParameters().map(([k, p]) => [k, [...p.shape]]);
}
export function bufferShapes(m: AnyModule): [string, number[]][] {
  return m.namedBuffers().map(([k, b]) => [k, [...b.shape]]);
}

/** Same parameter and buffer names (in order) and shapes, and the same printed tree. */
export function expectSameStructure(a: AnyModule, b: AnyModule): void {
  expect(paramShapes(b)).toEqual(paramShapes(a));
  expect(bufferShapes(b)).toEqual(bufferShapes(a));
  expect(b.toString()).toBe(a.toString());
  expect(b.numParameters()).toBe(a.numParameters());
}

/** Tree -> JSON text -> model: same structure; then the spec of the copy equals the original spec. */
export function roundTrip(model: AnyModule, opts: ToSpecOptions = {}): AnyModule {
  const spec = toSpec(model, opts);
  const text = toSpecJson(spec);
  const copy = fromSpec(parseSpec(text));
  expectSameStructure(model, copy);
  expect(toSpec(copy, opts)).toEqual(spec);
  return copy;
}

function flat(out: unknown): number[] {
  if (Array.isArray(out)) return out.flatMap(flat);
  return Array.from((out as Tensor).dataSync() as ArrayLike<number>);
}

/** Copies a's weights into b and checks both give the same outputs (eval mode) on `inputs`. */
export function expectSameOutputs(a: AnyModule, b: AnyModule, inputs: Tensor[]): void {
  b.loadStateDict(a.stateDict());
  a.eval();
  b.eval();
  const ya = flat(nc.noGrad(() => a.call(...inputs)));
  const yb = flat(nc.noGrad(() => b.call(...inputs)));
  expect(yb.length).toBe(ya.length);
  expect(yb).toEqual(ya);
}
