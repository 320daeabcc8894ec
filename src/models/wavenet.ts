/**
 * A WaveNet-style stack (van den Oord et al. 2016): causal dilated 1D convolutions, gated activations,
 * residual and skip connections. Input [N, inChannels, L] (1 channel of raw samples, or a one-hot
 * mu-law code with inChannels 256); output [N, numClasses, L]: at each step t, logits for sample t+1
 * computed from samples <= t only (every conv is causal: 'causal' padding puts all of it before).
 *
 *   causal    Conv1d(inChannels, R, 2, causal)                                 the initial causal conv
 *   blocks    SkipSum of `stacks` x `layers` blocks, dilations 1, 2, 4, ..., 2^(layers-1) per stack;
 *             block = Fork(trunk: gate, { residual: Conv1d(D, R, 1), skip: Conv1d(D, S, 1) }) with
 *             gate = Mul{ filter: [Conv1d(R, D, k, dilation d, causal), Tanh],
 *                         gate:   [Conv1d(R, D, k, dilation d, causal), Sigmoid] }   z = tanh(W_f * x) ⊙ σ(W_g * x)
 *             SkipSum adds each block's residual to its input and sums the skips (the last block has
 *             no residual conv: its residual output would be unused)
 *   head      ReLU, Conv1d(S, S, 1), ReLU, Conv1d(S, numClasses, 1)           (relu1, out1, relu2, out2)
 *
 * Receptive field: stacks·(2^layers − 1)·(k − 1) + 2 samples, the initial conv included (2,048 for 2
 * stacks of 10 layers, k = 2).
 * No conditioning inputs (global or local) are modelled. Defaults R = D = 32, S = 256, 2 stacks of 10,
 * numClasses 256.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv1d } from '../nn/conv.js';
import { ReLU, Sigmoid, Tanh } from '../nn/activation.js';
import { Fork, Mul, SkipSum } from '../nn/blocks.js';
import { checkKeys, posInt } from './zoo-util.js';

export interface WaveNetOptions {
  inChannels?: number;
  /** Output classes per step (default 256, 8-bit mu-law). */
  numClasses?: number;
  /** Residual channels R (default 32). */
  residualChannels?: number;
  /** Gate ("dilation") channels D (default 32). */
  dilationChannels?: number;
  /** Skip channels S (default 256). */
  skipChannels?: number;
  /** Dilated layers per stack (default 10: dilations 1..512). */
  layers?: number;
  /** Stacks (default 2). */
  stacks?: number;
  /** Kernel size of the dilated convs (default 2). */
  kernelSize?: number;
}

/** One residual block: [residual, skip] from the gated dilated conv ([skip] alone for the last block). */
export function wavenetBlock(R: number, D: number, S: number, k: number, dilation: number, { last = false } = {}): Fork {
  const conv = () => new Conv1d(R, D, k, { dilation, padding: 'causal' });
  const gate = new Mul({ filter: new Sequential(conv(), new Tanh()), gate: new Sequential(conv(), new Sigmoid()) });
  return new Fork(gate, last ? { skip: new Conv1d(D, S, 1) } : { residual: new Conv1d(D, R, 1), skip: new Conv1d(D, S, 1) });
}

export function wavenet(opts: WaveNetOptions = {}): Sequential {
  const name = 'wavenet';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'residualChannels', 'dilationChannels', 'skipChannels', 'layers', 'stacks', 'kernelSize']);
  const { inChannels = 1, numClasses = 256, residualChannels: R = 32, dilationChannels: D = 32, skipChannels: S = 256, layers = 10, stacks = 2, kernelSize = 2 } = opts;
  for (const [k, v] of Object.entries({ inChannels, numClasses, residualChannels: R, dilationChannels: D, skipChannels: S, layers, stacks, kernelSize })) posInt(name, k, v);
  const blocks: AnyModule[] = [];
  for (let s = 0; s < stacks; s++) {
    for (let l = 0; l < layers; l++) blocks.push(wavenetBlock(R, D, S, kernelSize, 2 ** l, { last: s === stacks - 1 && l === layers - 1 }));
  }
  return new Sequential(new Map<string, AnyModule>([
    ['causal', new Conv1d(inChannels, R, 2, { padding: 'causal' })],
    ['blocks', new SkipSum(blocks)],
    ['relu1', new ReLU()], ['out1', new Conv1d(S, S, 1)],
    ['relu2', new ReLU()], ['out2', new Conv1d(S, numClasses, 1)],
  ]));
}

/** Samples of context an output step sees. */
export function wavenetReceptiveField(opts: Pick<WaveNetOptions, 'layers' | 'stacks' | 'kernelSize'> = {}): number {
  const name = 'wavenetReceptiveField';
  checkKeys(name, opts, ['layers', 'stacks', 'kernelSize']);
  const { layers = 10, stacks = 2, kernelSize = 2 } = opts;
  for (const [k, v] of Object.entries({ layers, stacks, kernelSize })) posInt(name, k, v);
  return stacks * (2 ** layers - 1) * (kernelSize - 1) + 2;
}
