/**
 * DeepBind (Alipanahi, Delong, Weirauch & Frey 2015): scores a DNA/RNA sequence for a protein's binding.
 * Input: one-hot sequence [N, 4, L] (A, C, G, T rows; L = 101 for the ChIP-seq models).
 *
 *   pad      ConstantPad1d(m - 1, 0.25): the paper pads m-1 "N" positions (0.25 in every row) each side,
 *            so a motif can hang over either end
 *   conv     Conv1d(4, motifs, m): the motif detectors (16 motifs of length 24)
 *   relu     rectification (the paper's per-motif threshold is the conv bias)
 *   pool     global max pool over positions (AdaptiveMaxPool1d(1)) + flatten
 *   hidden   Linear(motifs, 32) + ReLU + Dropout (the optional hidden layer; hidden: 0 leaves it out)
 *   fc       Linear(32, numClasses): the binding score (numClasses 1, for BCEWithLogits or MSE)
 *
 * 2,129 parameters at the defaults.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv1d } from '../nn/conv.js';
import { ConstantPad1d } from '../nn/padding.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveMaxPool1d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { checkKeys, oneOf, posInt, prob } from './zoo-util.js';

export interface DeepBindOptions {
  /** Alphabet size (default 4). */
  inChannels?: number;
  /** Outputs (default 1: a binding score). */
  numClasses?: number;
  /** Motif detectors (default 16). */
  motifs?: number;
  /** Motif length m (default 24). */
  motifLength?: number;
  /** Hidden units (default 32; 0 = no hidden layer). */
  hidden?: number;
  dropout?: number;
  /** Pad m-1 positions of 0.25 on each side (default true). */
  padN?: boolean;
}

export function deepbind(opts: DeepBindOptions = {}): Sequential {
  const name = 'deepbind';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'motifs', 'motifLength', 'hidden', 'dropout', 'padN']);
  const { inChannels = 4, numClasses = 1, motifs = 16, motifLength = 24, hidden = 32, dropout = 0.5, padN = true } = opts;
  for (const [k, v] of Object.entries({ inChannels, numClasses, motifs, motifLength })) posInt(name, k, v);
  if (hidden !== 0) posInt(name, 'hidden', hidden);
  prob(name, 'dropout', dropout);
  oneOf(name, 'padN', padN, [true, false] as const);
  const net = new Map<string, AnyModule>();
  if (padN && motifLength > 1) net.set('pad', new ConstantPad1d(motifLength - 1, 1 / inChannels));
  net.set('conv', new Conv1d(inChannels, motifs, motifLength));
  net.set('relu', new ReLU());
  net.set('pool', new AdaptiveMaxPool1d(1));
  net.set('flatten', new Flatten());
  if (hidden > 0) {
    net.set('hidden', new Linear(motifs, hidden));
    net.set('hidden_relu', new ReLU());
    net.set('dropout', new Dropout(dropout));
  }
  net.set('fc', new Linear(hidden > 0 ? hidden : motifs, numClasses));
  return new Sequential(net);
}
