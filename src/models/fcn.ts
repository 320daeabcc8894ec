/**
 * Fully Convolutional Networks (Long, Shelhamer & Darrell 2015) over a VGG-16 trunk: FCN-32s, -16s, -8s.
 *
 * The VGG-16 conv layers (torchvision's `features` indices kept) are followed by fc6 as a 7x7 conv
 * (4096 maps), fc7 as a 1x1 conv, each with ReLU and dropout, and score_fr, a 1x1 conv to numClasses.
 * Learned transposed convolutions (no bias, initialised to bilinear interpolation as in the paper)
 * upsample the scores back to the input size:
 *
 *   32s:  features -> fc6 fc7 score_fr -> upscore (64x64, stride 32)
 *   16s:  upscore2 (4x4/2) of score_fr + score_pool4 (1x1 conv on pool4) -> upscore16 (32x32/16)
 *    8s:  ... + score_pool3 after a second 4x4/2 upscore -> upscore8 (16x16/8)
 *
 * The skips are the existing Add container, nested: Add{score_pool4, deeper}, where `deeper` is the
 * rest of the network from pool4 on, so no forward code is model specific. Departure from the Caffe
 * original: instead of padding the input by 100 and cropping the upsampled scores, the convs keep their
 * "same" padding (fc6 gets padding 3), so the input side must be a multiple of 32 and every map lines up
 * exactly. Module names: features (32s) or features3 / features4 / features5 (the trunk split at pool3
 * and pool4, torchvision indices kept: features4.17, features5.24, ...), fc6, fc7, score_fr, ...
 *
 * FCN-32s with 21 classes: 14,714,688 (VGG-16 convs) + 102,764,544 (fc6) + 16,781,312 (fc7) + 86,037
 * (score_fr) + 1,806,336 (upscore 21x21x64x64) = 136,152,917 parameters.
 */
import { checkSizes, integer } from '../ops/args.js';
import type { AnyModule } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { Sequential } from '../nn/container.js';
import { Add } from '../nn/connection.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { ReLU } from '../nn/activation.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Dropout } from '../nn/dropout.js';
import { VGG_CONFIGS, vggFeatures } from './vgg.js';
import { checkKeys, oneOf, posInt, posNumber, prob, plainOptions } from './zoo-util.js';

export interface FcnOptions {
  inChannels?: number;
  /** Output maps (default 21, PASCAL VOC). */
  numClasses?: number;
  /** '32s' (default), '16s' or '8s'. */
  variant?: '32s' | '16s' | '8s';
  /** Channel multiplier of the VGG trunk (default 1). */
  width?: number;
  /** Maps of fc6 / fc7 (default 4096). */
  fcWidth?: number;
  dropout?: number;
  /** Initialise the upsampling layers to bilinear interpolation (default true). */
  bilinearInit?: boolean;
}

/** Bilinear upsampling weights for a [c, c, k, k] transposed conv (class i -> class i only), as FCN's surgery. */
export function bilinearKernel(channels: number, k: number): Tensor {
  checkSizes('bilinearKernel', 'weight shape', [integer('bilinearKernel', 'channels', channels, { min: 1 }), channels, integer('bilinearKernel', 'k', k, { min: 1 }), k]);
  const factor = Math.floor((k + 1) / 2);
  const center = k % 2 === 1 ? factor - 1 : factor - 0.5;
  const w = new Float32Array(channels * channels * k * k);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        w[((c * channels + c) * k + i) * k + j] = (1 - Math.abs(i - center) / factor) * (1 - Math.abs(j - center) / factor);
      }
    }
  }
  return fromArray(w, [channels, channels, k, k]);
}

/** A learned x`factor` upsampling of `channels` maps (kernel 2f, stride f, padding f/2: exact size x f). */
function upsample(channels: number, factor: number, bilinear: boolean): ConvTranspose2d {
  const up = new ConvTranspose2d(channels, channels, 2 * factor, { stride: factor, padding: factor / 2, bias: false });
  if (bilinear) noGrad(() => up.weight.assign(bilinearKernel(channels, 2 * factor)));
  return up;
}

export function fcn(opts: FcnOptions = {}): Sequential {
  const name = 'fcn';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'variant', 'width', 'fcWidth', 'dropout', 'bilinearInit']);
  const { inChannels = 3, numClasses = 21, variant = '32s', width = 1, fcWidth = 4096, dropout = 0.5, bilinearInit = true } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  oneOf(name, 'variant', variant, ['32s', '16s', '8s'] as const);
  posNumber(name, 'width', width);
  posInt(name, 'fcWidth', fcWidth);
  prob(name, 'dropout', dropout);
  const C = numClasses;
  const features = vggFeatures(VGG_CONFIGS.D, { inChannels, width });
  // Positions of the pools ('M') in torchvision's VGG-16 features: pool3 ends stage 3, pool4 stage 4.
  const pools = [...features.namedChildren()].filter(([, m]) => m instanceof MaxPool2d).map(([k]) => Number(k));
  const [pool3, pool4] = [pools[2], pools[3]];
  const ch = (c: number) => Math.max(1, Math.round(c * width));
  const head = (trunk: Sequential): Map<string, AnyModule> => new Map<string, AnyModule>([
    [trunk === features ? 'features' : 'features5', trunk],
    ['fc6', new Conv2d(ch(512), fcWidth, 7, { padding: 3 })], ['relu6', new ReLU()], ['drop6', new Dropout(dropout)],
    ['fc7', new Conv2d(fcWidth, fcWidth, 1)], ['relu7', new ReLU()], ['drop7', new Dropout(dropout)],
    ['score_fr', new Conv2d(fcWidth, C, 1)],
  ]);
  if (variant === '32s') {
    const net = head(features);
    net.set('upscore', upsample(C, 32, bilinearInit));
    return new Sequential(net);
  }
  const deep5 = head(features.slice(pool4 + 1));
  deep5.set('upscore2', upsample(C, 2, bilinearInit));
  const fuse4 = new Add({ score_pool4: new Conv2d(ch(512), C, 1), deeper: new Sequential(deep5) });
  if (variant === '16s') {
    return new Sequential(new Map<string, AnyModule>([
      ['features4', features.slice(0, pool4 + 1)],
      ['fuse_pool4', fuse4],
      ['upscore16', upsample(C, 16, bilinearInit)],
    ]));
  }
  const deep4 = new Sequential(new Map<string, AnyModule>([
    ['features4', features.slice(pool3 + 1, pool4 + 1)],
    ['fuse_pool4', fuse4],
    ['upscore_pool4', upsample(C, 2, bilinearInit)],
  ]));
  return new Sequential(new Map<string, AnyModule>([
    ['features3', features.slice(0, pool3 + 1)],
    ['fuse_pool3', new Add({ score_pool3: new Conv2d(ch(256), C, 1), deeper: deep4 })],
    ['upscore8', upsample(C, 8, bilinearInit)],
  ]));
}

export const fcn32s = (o: FcnOptions = {}) => fcn({ ...plainOptions('fcn32s', o), variant: '32s' });
export const fcn16s = (o: FcnOptions = {}) => fcn({ ...plainOptions('fcn16s', o), variant: '16s' });
export const fcn8s = (o: FcnOptions = {}) => fcn({ ...plainOptions('fcn8s', o), variant: '8s' });
