/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2015) in torchvision's layout and names (without the
 * auxiliary classifiers, which only act in training): 6,624,904 parameters with 1000 classes.
 *
 *   conv1 (BasicConv2d 7x7/2, 64) maxpool1 conv2 (1x1, 64) conv3 (3x3, 192) maxpool2
 *   inception3a 3b maxpool3 inception4a..4e maxpool4 inception5a 5b avgpool flatten dropout fc
 *
 * BasicConv2d = Sequential{conv (no bias), bn (eps 0.001), relu}. Each Inception module is a Concat of
 * four branches: branch1 1x1; branch2 1x1 reduce + 3x3; branch3 1x1 reduce + 3x3 (torchvision's known
 * deviation from the paper's 5x5, kept so weights and counts match); branch4 3x3/1 max pool + 1x1
 * projection. Max pools use ceil mode, as torchvision. (torchvision's transform_input is off unless
 * loading its pretrained weights, and is not reproduced.)
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Concat } from '../nn/connection.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { checkKeys, posInt, prob } from './zoo-util.js';

export interface GoogLeNetOptions {
  inChannels?: number;
  numClasses?: number;
  dropout?: number;
}

function basicConv(i: number, o: number, k: number, { stride = 1, padding = 0 } = {}): Sequential {
  return new Sequential({ conv: new Conv2d(i, o, k, { stride, padding, bias: false }), bn: new BatchNorm2d(o, { eps: 0.001 }), relu: new ReLU() });
}

/** An Inception module: in -> [c1x1 | c3x3red -> c3x3 | c5x5red -> c5x5 | pool -> poolProj]. */
export function inception(inC: number, c1x1: number, c3x3red: number, c3x3: number, c5x5red: number, c5x5: number, poolProj: number): Concat {
  return new Concat({
    branch1: basicConv(inC, c1x1, 1),
    branch2: new Sequential(basicConv(inC, c3x3red, 1), basicConv(c3x3red, c3x3, 3, { padding: 1 })),
    branch3: new Sequential(basicConv(inC, c5x5red, 1), basicConv(c5x5red, c5x5, 3, { padding: 1 })),
    branch4: new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), basicConv(inC, poolProj, 1)),
  });
}

export function googlenet(opts: GoogLeNetOptions = {}): Sequential {
  const name = 'googlenet';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'dropout']);
  const { inChannels = 3, numClasses = 1000, dropout = 0.2 } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  prob(name, 'dropout', dropout);
  const pool = (k: number, s: number) => new MaxPool2d(k, { stride: s, ceilMode: true });
  return new Sequential(new Map<string, AnyModule>([
    ['conv1', basicConv(inChannels, 64, 7, { stride: 2, padding: 3 })],
    ['maxpool1', pool(3, 2)],
    ['conv2', basicConv(64, 64, 1)],
    ['conv3', basicConv(64, 192, 3, { padding: 1 })],
    ['maxpool2', pool(3, 2)],
    ['inception3a', inception(192, 64, 96, 128, 16, 32, 32)],
    ['inception3b', inception(256, 128, 128, 192, 32, 96, 64)],
    ['maxpool3', pool(3, 2)],
    ['inception4a', inception(480, 192, 96, 208, 16, 48, 64)],
    ['inception4b', inception(512, 160, 112, 224, 24, 64, 64)],
    ['inception4c', inception(512, 128, 128, 256, 24, 64, 64)],
    ['inception4d', inception(512, 112, 144, 288, 32, 64, 64)],
    ['inception4e', inception(528, 256, 160, 320, 32, 128, 128)],
    ['maxpool4', pool(2, 2)],
    ['inception5a', inception(832, 256, 160, 320, 32, 128, 128)],
    ['inception5b', inception(832, 384, 192, 384, 48, 128, 128)],
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['dropout', new Dropout(dropout)],
    ['fc', new Linear(1024, numClasses)],
  ]));
}
