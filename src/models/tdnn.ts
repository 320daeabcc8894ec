/**
 * The time-delay neural network of Waibel, Hanazawa, Hinton, Shikano & Lang (1987/1989) for /b, d, g/:
 * a 1D convolution over time. Input: 16 mel-scale coefficients x 15 frames of 10 ms ([N, 16, 15]).
 *
 *   layer 1: 8 units, each seeing 3 consecutive frames (delays 0-2): Conv1d(16, 8, 3)   392 weights -> 13 frames
 *   layer 2: 3 units (one per class), 5 frames (delays 0-4):          Conv1d(8, 3, 5)    123 weights -> 9 frames
 *   output:  each class integrates its unit over time:                AdaptiveAvgPool1d(1) + Flatten
 *
 * 515 parameters. Hidden units use sigmoids as in the paper; the class units are left linear by default
 * so the time-averaged outputs are logits for cross-entropy (`sigmoidOutput: true` squashes them before
 * the integration, as the paper, whose output units sum sigmoid activations over time). The sum is a
 * mean here (the same up to the factor 9). Names: layer1, act1, layer2, [act2], integrate, flatten.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv1d } from '../nn/conv.js';
import { Sigmoid } from '../nn/activation.js';
import { AdaptiveAvgPool1d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { checkKeys, oneOf, posInt } from './zoo-util.js';
import { show } from '../ops/args.js';

export interface TdnnOptions {
  /** Coefficients per frame (default 16). */
  inChannels?: number;
  /** Classes (default 3: b, d, g). */
  numClasses?: number;
  /** Units of the first hidden layer (default 8). */
  hidden?: number;
  /** Frames seen by a layer-1 and a layer-2 unit (delays + 1; default [3, 5]). */
  windows?: readonly [number, number];
  sigmoidOutput?: boolean;
}

export function tdnn(opts: TdnnOptions = {}): Sequential {
  const name = 'tdnn';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'hidden', 'windows', 'sigmoidOutput']);
  const { inChannels = 16, numClasses = 3, hidden = 8, windows = [3, 5], sigmoidOutput = false } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posInt(name, 'hidden', hidden);
  if (!Array.isArray(windows) || windows.length !== 2) throw new Error(`tdnn: windows must be [layer1, layer2] frame counts, got ${show(windows)}`);
  windows.forEach((w) => posInt(name, 'windows', w));
  oneOf(name, 'sigmoidOutput', sigmoidOutput, [true, false] as const);
  const net = new Map<string, AnyModule>([
    ['layer1', new Conv1d(inChannels, hidden, windows[0])], ['act1', new Sigmoid()],
    ['layer2', new Conv1d(hidden, numClasses, windows[1])],
  ]);
  if (sigmoidOutput) net.set('act2', new Sigmoid());
  net.set('integrate', new AdaptiveAvgPool1d(1));
  net.set('flatten', new Flatten());
  return new Sequential(net);
}
