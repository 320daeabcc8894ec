/**
 * DenseNet-BC (Huang et al. 2017) in torchvision's layout and names:
 *
 *   features.conv0 norm0 relu0 pool0           7x7/2 conv, BN, ReLU, 3x3/2 max pool
 *   features.denseblockK.denselayerJ            SkipConcat{norm1 relu1 conv1(1x1, bnSize*k) norm2 relu2 conv2(3x3, k)}:
 *                                               y = cat([x, layer(x)]), so every layer sees all earlier maps
 *   features.transitionK.norm relu conv pool    BN, ReLU, 1x1 conv halving the maps, 2x2 average pool
 *   features.norm5, then relu, avgpool, flatten, classifier (Linear)
 *
 * densenet121 (growth 32, blocks 6/12/24/16, 64 initial maps): 7,978,856 parameters with 1000 classes.
 * (torchvision's memory-efficient checkpointing and dropRate are left out: drop rate 0 is its default.)
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { SkipConcat } from '../nn/blocks.js';
import { checkKeys, posInt, plainOptions } from './zoo-util.js';
import { show } from '../ops/args.js';

export interface DenseNetOptions {
  inChannels?: number;
  numClasses?: number;
  /** New maps per layer, k (default 32). */
  growthRate?: number;
  /** Layers per dense block (default [6, 12, 24, 16], DenseNet-121). */
  blockConfig?: readonly number[];
  /** Maps of the stem conv (default 64). */
  numInitFeatures?: number;
  /** Bottleneck factor: the 1x1 conv gives bnSize * k maps (default 4). */
  bnSize?: number;
}

function denseLayer(inC: number, growthRate: number, bnSize: number): SkipConcat {
  return new SkipConcat({
    norm1: new BatchNorm2d(inC), relu1: new ReLU(), conv1: new Conv2d(inC, bnSize * growthRate, 1, { bias: false }),
    norm2: new BatchNorm2d(bnSize * growthRate), relu2: new ReLU(), conv2: new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false }),
  });
}

export function densenet(opts: DenseNetOptions = {}): Sequential {
  const name = 'densenet';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'growthRate', 'blockConfig', 'numInitFeatures', 'bnSize']);
  const { inChannels = 3, numClasses = 1000, growthRate = 32, blockConfig = [6, 12, 24, 16], numInitFeatures = 64, bnSize = 4 } = opts;
  for (const [k, v] of Object.entries({ inChannels, numClasses, growthRate, numInitFeatures, bnSize })) posInt(name, k, v);
  if (!Array.isArray(blockConfig) || blockConfig.length === 0) throw new Error(`densenet: blockConfig must be a non-empty array, got ${show(blockConfig)}`);
  blockConfig.forEach((n) => posInt(name, 'blockConfig', n));
  const features = new Map<string, AnyModule>([
    ['conv0', new Conv2d(inChannels, numInitFeatures, 7, { stride: 2, padding: 3, bias: false })],
    ['norm0', new BatchNorm2d(numInitFeatures)],
    ['relu0', new ReLU()],
    ['pool0', new MaxPool2d(3, { stride: 2, padding: 1 })],
  ]);
  let c = numInitFeatures;
  blockConfig.forEach((n, i) => {
    const layers = new Map<string, AnyModule>();
    for (let j = 0; j < n; j++) {
      layers.set(`denselayer${j + 1}`, denseLayer(c, growthRate, bnSize));
      c += growthRate;
    }
    features.set(`denseblock${i + 1}`, new Sequential(layers));
    if (i !== blockConfig.length - 1) {
      const half = Math.floor(c / 2);
      features.set(`transition${i + 1}`, new Sequential({
        norm: new BatchNorm2d(c), relu: new ReLU(), conv: new Conv2d(c, half, 1, { bias: false }), pool: new AvgPool2d(2, { stride: 2 }),
      }));
      c = half;
    }
  });
  features.set('norm5', new BatchNorm2d(c));
  return new Sequential(new Map<string, AnyModule>([
    ['features', new Sequential(features)],
    ['relu', new ReLU()],
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['classifier', new Linear(c, numClasses)],
  ]));
}

export const densenet121 = (o: DenseNetOptions = {}) => densenet({ growthRate: 32, blockConfig: [6, 12, 24, 16], numInitFeatures: 64, ...plainOptions('densenet121', o) });
export const densenet169 = (o: DenseNetOptions = {}) => densenet({ growthRate: 32, blockConfig: [6, 12, 32, 32], numInitFeatures: 64, ...plainOptions('densenet169', o) });
export const densenet201 = (o: DenseNetOptions = {}) => densenet({ growthRate: 32, blockConfig: [6, 12, 48, 32], numInitFeatures: 64, ...plainOptions('densenet201', o) });
