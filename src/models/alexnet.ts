/**
 * AlexNet, two ways.
 *
 * alexnet(): torchvision's version (the "one weird trick" variant: 64/192/384/256/256 maps, no LRN,
 * no groups), names features.N / avgpool / classifier.N: 61,100,840 parameters with 1000 classes.
 *
 *   features   Conv(3,64,11,s4,p2) ReLU MaxPool(3,2) Conv(64,192,5,p2) ReLU MaxPool(3,2)
 *              Conv(192,384,3,p1) ReLU Conv(384,256,3,p1) ReLU Conv(256,256,3,p1) ReLU MaxPool(3,2)
 *   avgpool    AdaptiveAvgPool2d(6)
 *   classifier Dropout Linear(9216,4096) ReLU Dropout Linear(4096,4096) ReLU Linear(4096,numClasses)
 *
 * alexnet2012(): Krizhevsky, Sutskever & Hinton 2012 as published: 227x227 input (the paper's "224"
 * does not give 55x55 maps without padding), 96/256/384/384/256 maps, ReLU, local response
 * normalisation after conv1 and conv2 (n = 5, k = 2, alpha = 1e-4, beta = 0.75 in the paper's
 * formula; PyTorch-style LRN divides alpha by n, so the layer gets alpha = 5e-4), overlapping 3x3/2 max
 * pooling, dropout 0.5 before fc7 and fc8 (Caffe's drop6/drop7). `groups: 2` reproduces the two-GPU
 * split (conv2, conv4 and conv5 see only their own GPU's half: grouped convs): 60,965,224 parameters;
 * the default `groups: 1` is the same net on one device: 62,378,344 (the "62.3 million" of the lecture).
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { LocalResponseNorm } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { checkKeys, oneOf, posInt, prob } from './zoo-util.js';

export interface AlexNetOptions {
  inChannels?: number;
  numClasses?: number;
  dropout?: number;
  /** Width of the two hidden fully connected layers (default 4096). */
  hidden?: number;
}

export function alexnet(opts: AlexNetOptions = {}): Sequential {
  checkKeys('alexnet', opts, ['inChannels', 'numClasses', 'dropout', 'hidden']);
  const { inChannels = 3, numClasses = 1000, dropout = 0.5, hidden = 4096 } = opts;
  posInt('alexnet', 'hidden', hidden);
  posInt('alexnet', 'inChannels', inChannels);
  posInt('alexnet', 'numClasses', numClasses);
  prob('alexnet', 'dropout', dropout);
  return new Sequential(new Map<string, AnyModule>([
    ['features', new Sequential(
      new Conv2d(inChannels, 64, 11, { stride: 4, padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
    )],
    ['avgpool', new AdaptiveAvgPool2d(6)],
    ['flatten', new Flatten()],
    ['classifier', new Sequential(
      new Dropout(dropout), new Linear(256 * 6 * 6, hidden), new ReLU(),
      new Dropout(dropout), new Linear(hidden, hidden), new ReLU(),
      new Linear(hidden, numClasses),
    )],
  ]));
}

export interface AlexNet2012Options {
  inChannels?: number;
  numClasses?: number;
  /** 2 = the paper's two-GPU split (grouped conv2/conv4/conv5); 1 (default) = one device. */
  groups?: 1 | 2;
  dropout?: number;
  /** Input side (default 227); the flattened size follows it (6x6 maps at 227). */
  inputSize?: number;
  /** Width of fc6 / fc7 (default 4096). */
  hidden?: number;
}

/** Spatial size after a conv / pool with kernel k, stride s, padding p. */
const out = (n: number, k: number, s = 1, p = 0) => Math.floor((n + 2 * p - k) / s) + 1;

export function alexnet2012(opts: AlexNet2012Options = {}): Sequential {
  const name = 'alexnet2012';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'groups', 'dropout', 'inputSize', 'hidden']);
  const { inChannels = 3, numClasses = 1000, groups = 1, dropout = 0.5, inputSize = 227, hidden = 4096 } = opts;
  posInt(name, 'hidden', hidden);
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  oneOf(name, 'groups', groups, [1, 2] as const);
  prob(name, 'dropout', dropout);
  posInt(name, 'inputSize', inputSize);
  let n = out(out(inputSize, 11, 4), 3, 2); // conv1, pool1
  n = out(out(n, 5, 1, 2), 3, 2); // conv2, pool2
  n = out(n, 3, 2); // conv3-5 keep the size, pool5
  if (n < 1) throw new Error(`alexnet2012: inputSize ${inputSize} is too small (at least 67)`);
  const lrn = () => new LocalResponseNorm(5, { alpha: 5e-4, beta: 0.75, k: 2 });
  return new Sequential(new Map<string, AnyModule>([
    ['features', new Sequential(
      new Conv2d(inChannels, 96, 11, { stride: 4 }), new ReLU(), lrn(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(96, 256, 5, { padding: 2, groups }), new ReLU(), lrn(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(256, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 384, 3, { padding: 1, groups }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1, groups }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
    )],
    ['flatten', new Flatten()],
    ['classifier', new Sequential(
      new Linear(256 * n * n, hidden), new ReLU(), new Dropout(dropout),
      new Linear(hidden, hidden), new ReLU(), new Dropout(dropout),
      new Linear(hidden, numClasses),
    )],
  ]));
}
