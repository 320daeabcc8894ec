/**
 * LeNet-5 as LeCun, Bottou, Bengio & Haffner (1998) describe it (the Keras-table version is lenet.ts):
 *
 *   input 1x32x32
 *   c1  Conv 5x5, 6 maps                               156 params   -> 6x28x28
 *   s2  2x2 subsampling, trainable coefficient + bias   12         -> 6x14x14
 *   c3  Conv 5x5, 16 maps, partial connection table   1516         -> 16x10x10
 *   s4  2x2 subsampling                                 32         -> 16x5x5
 *   c5  Conv 5x5, 120 maps                           48120         -> 120x1x1
 *   f6  Linear 120 -> 84                             10164
 *   output Linear 84 -> 10                             850
 *
 * c1..f6 hold exactly the paper's 60,000 trainable parameters; with the output layer, 60,850.
 *
 * Subsampling (S2/S4): "the four inputs are added, multiplied by a trainable coefficient and added to a
 * trainable bias": AvgPool2d(2) then a depthwise 1x1 Conv2d (groups = maps: one weight and one bias per
 * map; the average's 1/4 is absorbed by the coefficient).
 *
 * C3's connection table (the paper's Table I): maps 0-5 see 3 contiguous S2 maps, 6-11 see 4
 * contiguous, 12-14 see 4 non-contiguous, 15 sees all 6 (60 connections, 60*25 + 16 = 1516
 * parameters). It is built from grouped convolutions: a Concat of four branches, each an IndexSelect
 * that gathers (and repeats) the S2 maps of its group, followed by a Conv2d with one group per output
 * map: 18 -> 6 (groups 6), 24 -> 6 (groups 6), 12 -> 3 (groups 3), 6 -> 1. The concatenation keeps the
 * paper's map order 0..15. So the layer is an exact partial connection, with no masked weights left in
 * the parameter count. `c3: 'full'` gives the common fully connected C3 instead (2,416 parameters).
 *
 * Departures: the paper's squashing function 1.7159·tanh(2a/3) is a plain Tanh here (the scale is a
 * reparametrisation), and the output layer's fixed Euclidean RBF units (distances to 7x12 bitmap codes)
 * are a Linear layer giving logits for cross-entropy.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Concat } from '../nn/connection.js';
import { Conv2d } from '../nn/conv.js';
import { Tanh } from '../nn/activation.js';
import { AvgPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { IndexSelect } from '../nn/blocks.js';
import { checkKeys, oneOf, posInt } from './zoo-util.js';
import { fail } from '../ops/validate.js';
import { show } from '../ops/args.js';

/** Table I: the S2 maps each C3 map is connected to. */
export const LENET_C3_TABLE: readonly (readonly number[])[] = [
  [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
  [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
  [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

export interface LeNet5LeCunOptions {
  inChannels?: number;
  numClasses?: number;
  /** 'table' (default): the paper's partial connections; 'full': every C3 map sees all 6 S2 maps. */
  c3?: 'table' | 'full';
}

/** C3 from a connection table: maps with the same fan-in, in consecutive runs, share one grouped conv. */
export function partialConv(table: readonly (readonly number[])[], kernelSize: number): Concat {
  const name = 'partialConv';
  if (!Array.isArray(table) || table.length === 0) fail(name, `table must be a non-empty array of input-map index lists, got ${show(table)}`, 'e.g. LENET_C3_TABLE');
  table.forEach((maps, i) => {
    if (!Array.isArray(maps) || maps.length === 0) fail(name, `table[${i}] must be a non-empty array of input-map indices, got ${show(maps)}`);
    maps.forEach((m, j) => { if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) fail(name, `table[${i}][${j}] must be a non-negative integer, got ${show(m)}`); });
  });
  posInt(name, 'kernelSize', kernelSize);
  const branches: AnyModule[] = [];
  let i = 0;
  while (i < table.length) {
    let j = i;
    while (j < table.length && table[j].length === table[i].length) j++;
    const maps = table.slice(i, j);
    const fanIn = table[i].length;
    branches.push(new Sequential(new IndexSelect(1, maps.flat()), new Conv2d(maps.length * fanIn, maps.length, kernelSize, { groups: maps.length })));
    i = j;
  }
  return new Concat(branches);
}

export function lenet5LeCun(opts: LeNet5LeCunOptions = {}): Sequential {
  const name = 'lenet5LeCun';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'c3']);
  const { inChannels = 1, numClasses = 10, c3 = 'table' } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  oneOf(name, 'c3', c3, ['table', 'full'] as const);
  const subsample = (maps: number) => new Sequential(new AvgPool2d(2), new Conv2d(maps, maps, 1, { groups: maps }));
  return new Sequential(new Map<string, AnyModule>([
    ['c1', new Conv2d(inChannels, 6, 5)], ['act1', new Tanh()],
    ['s2', subsample(6)], ['act2', new Tanh()],
    ['c3', c3 === 'table' ? partialConv(LENET_C3_TABLE, 5) : new Conv2d(6, 16, 5)], ['act3', new Tanh()],
    ['s4', subsample(16)], ['act4', new Tanh()],
    ['c5', new Conv2d(16, 120, 5)], ['act5', new Tanh()],
    ['flatten', new Flatten()],
    ['f6', new Linear(120, 84)], ['act6', new Tanh()],
    ['output', new Linear(84, numClasses)],
  ]));
}
