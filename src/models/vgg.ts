/**
 * VGG (Simonyan & Zisserman 2014), configurations A/B/D/E = VGG-11/13/16/19, with or without batch
 * norm, in torchvision's layout and names:
 *
 *   features.N    3x3 convs (padding 1) [+ BatchNorm2d] + ReLU, 2x2 max pools ('M' in the config)
 *   avgpool       AdaptiveAvgPool2d(7)
 *   flatten
 *   classifier.N  Linear(512*7*7, 4096) ReLU Dropout Linear(4096, 4096) ReLU Dropout Linear(4096, numClasses)
 *
 * Parameters (1000 classes): vgg11 132,863,336; vgg13 133,047,848; vgg16 138,357,544;
 * vgg19 143,667,240; _bn: 132,868,840 / 133,053,736 / 138,365,992 / 143,678,248.
 * `width` multiplies the conv channels (64 -> 64*width) and `hidden` sets the classifier width, for
 * small test models (the 7x7 adaptive pool also accepts a 1x1 map: it replicates it, as torch does).
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { checkKeys, oneOf, posInt, posNumber, prob, plainOptions } from './zoo-util.js';
import { fail } from '../ops/validate.js';
import { show } from '../ops/args.js';

export type VggConfig = 'A' | 'B' | 'D' | 'E';

export const VGG_CONFIGS: Record<VggConfig, readonly (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export interface VggOptions {
  inChannels?: number;
  numClasses?: number;
  batchNorm?: boolean;
  /** Channel multiplier of the convs (default 1; 1/16 gives 4..32 channels). */
  width?: number;
  /** Classifier hidden width (default 4096). */
  hidden?: number;
  /** Output size of the adaptive average pool (default 7). */
  poolSize?: number;
  dropout?: number;
}

/** features: the conv/pool stack of a config, as torchvision's make_layers. */
export function vggFeatures(config: readonly (number | 'M')[], opts: { inChannels?: number; batchNorm?: boolean; width?: number } = {}): Sequential {
  const name = 'vggFeatures';
  if (!Array.isArray(config)) fail(name, `config must be an array of channel counts and 'M' (max pool), got ${show(config)}`, "e.g. [64, 'M', 128, 'M']");
  config.forEach((v, i) => { if (v !== 'M') posInt(name, `config[${i}]`, v); });
  checkKeys(name, opts, ['inChannels', 'batchNorm', 'width']);
  const { inChannels = 3, batchNorm = false, width = 1 } = opts;
  posInt(name, 'inChannels', inChannels);
  oneOf(name, 'batchNorm', batchNorm, [true, false]);
  posNumber(name, 'width', width);
  const layers: AnyModule[] = [];
  let c = inChannels;
  for (const v of config) {
    if (v === 'M') {
      layers.push(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    const out = Math.max(1, Math.round(v * width));
    layers.push(new Conv2d(c, out, 3, { padding: 1 }));
    if (batchNorm) layers.push(new BatchNorm2d(out));
    layers.push(new ReLU());
    c = out;
  }
  return new Sequential(...layers);
}

export function vgg(config: VggConfig, opts: VggOptions = {}): Sequential {
  const name = 'vgg';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'batchNorm', 'width', 'hidden', 'poolSize', 'dropout']);
  const { inChannels = 3, numClasses = 1000, batchNorm = false, width = 1, hidden = 4096, poolSize = 7, dropout = 0.5 } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posNumber(name, 'width', width);
  posInt(name, 'hidden', hidden);
  posInt(name, 'poolSize', poolSize);
  prob(name, 'dropout', dropout);
  const cfg = VGG_CONFIGS[config];
  if (!cfg) throw new Error(`vgg: config must be one of A, B, D, E, got ${show(config)}`);
  const features = vggFeatures(cfg, { inChannels, batchNorm, width });
  const last = Math.max(1, Math.round(512 * width));
  return new Sequential(new Map<string, AnyModule>([
    ['features', features],
    ['avgpool', new AdaptiveAvgPool2d(poolSize)],
    ['flatten', new Flatten()],
    ['classifier', new Sequential(
      new Linear(last * poolSize * poolSize, hidden), new ReLU(), new Dropout(dropout),
      new Linear(hidden, hidden), new ReLU(), new Dropout(dropout),
      new Linear(hidden, numClasses),
    )],
  ]));
}

export const vgg11 = (o: VggOptions = {}) => vgg('A', o);
export const vgg13 = (o: VggOptions = {}) => vgg('B', o);
export const vgg16 = (o: VggOptions = {}) => vgg('D', o);
export const vgg19 = (o: VggOptions = {}) => vgg('E', o);
export const vgg11Bn = (o: VggOptions = {}) => vgg('A', { ...plainOptions('vgg11Bn', o), batchNorm: true });
export const vgg13Bn = (o: VggOptions = {}) => vgg('B', { ...plainOptions('vgg13Bn', o), batchNorm: true });
export const vgg16Bn = (o: VggOptions = {}) => vgg('D', { ...plainOptions('vgg16Bn', o), batchNorm: true });
export const vgg19Bn = (o: VggOptions = {}) => vgg('E', { ...plainOptions('vgg19Bn', o), batchNorm: true });
