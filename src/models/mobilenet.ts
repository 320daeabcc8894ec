/**
 * MobileNets: depthwise separable convolutions (a 3x3 depthwise conv, groups = channels, then a 1x1
 * pointwise conv mixing channels).
 *
 * mobilenetV1 (Howard et al. 2017, Table 1): conv 3x3/2 32, then 13 depthwise separable blocks
 * (64, 128/2, 128, 256/2, 256, 512/2, 5x 512, 1024/2, 1024), each conv followed by BN and ReLU, global
 * average pooling, fc. No torchvision model; names: features.0 (conv, bn, relu), features.1..13
 * (dw, bn, relu, pw, bn, relu as .0 ... .5), avgpool, flatten, classifier. 4,231,976 parameters with
 * 1000 classes and width 1. `width` is the paper's alpha (channels floor(c*alpha), as Keras).
 *
 * mobilenetV2 (Sandler et al. 2018) in torchvision's layout and names: features.0 (Conv-BN-ReLU6 3x3/2),
 * features.1..17 InvertedResidual blocks, each `.conv` = [1x1 expand Conv-BN-ReLU6], 3x3 depthwise
 * Conv-BN-ReLU6, 1x1 linear projection conv, BN, with the identity added when the stride is 1 and the
 * channels match (ResidualSum), features.18 (1x1 Conv-BN-ReLU6 to 1280), classifier (Dropout 0.2,
 * Linear). 3,504,872 parameters with 1000 classes; `width` is torchvision's width_mult (channels rounded
 * to multiples of 8).
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU, ReLU6 } from '../nn/activation.js';
import { AdaptiveAvgPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { ResidualSum } from '../nn/blocks.js';
import { checkKeys, makeDivisible, posInt, posNumber, prob } from './zoo-util.js';

export interface MobileNetOptions {
  inChannels?: number;
  numClasses?: number;
  /** Width multiplier (alpha / width_mult), default 1. */
  width?: number;
  /** Dropout before the classifier (v1 default 0, v2 default 0.2). */
  dropout?: number;
}

const V1_BLOCKS: readonly [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

export function mobilenetV1(opts: MobileNetOptions = {}): Sequential {
  const name = 'mobilenetV1';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'width', 'dropout']);
  const { inChannels = 3, numClasses = 1000, width = 1, dropout = 0 } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posNumber(name, 'width', width);
  prob(name, 'dropout', dropout);
  const ch = (c: number) => Math.max(1, Math.floor(c * width));
  const convBn = (i: number, o: number, k: number, stride: number, groups = 1): AnyModule[] => [
    new Conv2d(i, o, k, { stride, padding: (k - 1) / 2, groups, bias: false }), new BatchNorm2d(o), new ReLU(),
  ];
  const layers: AnyModule[] = [new Sequential(...convBn(inChannels, ch(32), 3, 2))];
  let c = ch(32);
  for (const [o, s] of V1_BLOCKS) {
    layers.push(new Sequential(...convBn(c, c, 3, s, c), ...convBn(c, ch(o), 1, 1)));
    c = ch(o);
  }
  const head: AnyModule[] = dropout > 0 ? [new Dropout(dropout), new Linear(c, numClasses)] : [new Linear(c, numClasses)];
  return new Sequential(new Map<string, AnyModule>([
    ['features', new Sequential(...layers)],
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['classifier', head.length === 1 ? head[0] : new Sequential(...head)],
  ]));
}

/** torchvision's Conv2dNormActivation with ReLU6: Sequential(conv, bn, relu6). */
function convBnRelu6(i: number, o: number, k: number, stride = 1, groups = 1): Sequential {
  return new Sequential(new Conv2d(i, o, k, { stride, padding: (k - 1) / 2, groups, bias: false }), new BatchNorm2d(o), new ReLU6());
}

function invertedResidual(inp: number, oup: number, stride: number, expandRatio: number): AnyModule {
  const hidden = Math.round(inp * expandRatio);
  const layers: AnyModule[] = [];
  if (expandRatio !== 1) layers.push(convBnRelu6(inp, hidden, 1));
  layers.push(convBnRelu6(hidden, hidden, 3, stride, hidden), new Conv2d(hidden, oup, 1, { bias: false }), new BatchNorm2d(oup));
  const conv = new Sequential(...layers);
  return stride === 1 && inp === oup ? new ResidualSum({ conv }) : new Sequential({ conv });
}

/** t (expansion), c (channels), n (repeats), s (first stride): the paper's Table 2. */
const V2_SETTINGS: readonly [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export function mobilenetV2(opts: MobileNetOptions = {}): Sequential {
  const name = 'mobilenetV2';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'width', 'dropout']);
  const { inChannels = 3, numClasses = 1000, width = 1, dropout = 0.2 } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posNumber(name, 'width', width);
  prob(name, 'dropout', dropout);
  let c = makeDivisible(32 * width, 8);
  const last = makeDivisible(1280 * Math.max(1, width), 8);
  const features: AnyModule[] = [convBnRelu6(inChannels, c, 3, 2)];
  for (const [t, ch, n, s] of V2_SETTINGS) {
    const o = makeDivisible(ch * width, 8);
    for (let i = 0; i < n; i++) {
      features.push(invertedResidual(c, o, i === 0 ? s : 1, t));
      c = o;
    }
  }
  features.push(convBnRelu6(c, last, 1));
  return new Sequential(new Map<string, AnyModule>([
    ['features', new Sequential(...features)],
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['classifier', new Sequential(new Dropout(dropout), new Linear(last, numClasses))],
  ]));
}
