/**
 * U-Net (Ronneberger, Fischer & Brox 2015). At depth 4 and width 64 it is the paper's network: a
 * contracting path of double 3x3 conv + ReLU blocks (64, 128, 256, 512, 1024 maps) with 2x2 max pools,
 * an expanding path where a 2x2 up-convolution halves the maps, the contracting path's maps at that level
 * are concatenated (center-cropped when the convs are unpadded) and a double 3x3 conv follows, and a 1x1
 * conv to the output maps: 10 + 4 + 8 + 1 = 23 conv layers. One output map by default (a logit per
 * pixel for BCEWithLogitsLoss, as the lecture's tubularity maps); numClasses > 1 for softmax.
 *
 * Options: padding 'valid' (default, the paper: 572x572 in -> 388x388 out, each skip center-cropped by
 * SkipConcat's crop) or 'same' (output = input size, which must be divisible by 2^depth); upsampling
 * 'transpose' (ConvTranspose2d 2x2/2, default) or 'bilinear' (Upsample x2 + a 1x1 conv halving the
 * maps); batchNorm after each conv (default false, as the paper); depth and width.
 *
 * Built from nested SkipConcat blocks: level k is
 *
 *   Sequential{ down: double conv, skip: SkipConcat{ pool, inner: level k+1, up }, conv: double conv }
 *
 * with the bottom level just its double conv, then `head`, the 1x1 conv. 31,030,593 parameters at the
 * defaults (1 input and 1 output map; the paper's 2 output maps give 31,030,658).
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Upsample } from '../nn/upsampling.js';
import { SkipConcat } from '../nn/blocks.js';
import { checkKeys, oneOf, posInt } from './zoo-util.js';

export interface UNetOptions {
  inChannels?: number;
  /** Output maps (default 1: one logit per pixel for BCE). */
  numClasses?: number;
  /** Number of 2x2 poolings (default 4). */
  depth?: number;
  /** Maps of the first level (default 64); level k has width * 2^k. */
  width?: number;
  /** 'valid' (default, unpadded convs + cropped skips) or 'same'. */
  padding?: 'valid' | 'same';
  /** 'transpose' (default) or 'bilinear'. */
  upsampling?: 'transpose' | 'bilinear';
  batchNorm?: boolean;
}

export function unet(opts: UNetOptions = {}): Sequential {
  const name = 'unet';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'depth', 'width', 'padding', 'upsampling', 'batchNorm']);
  const { inChannels = 1, numClasses = 1, depth = 4, width = 64, padding = 'valid', upsampling = 'transpose', batchNorm = false } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posInt(name, 'depth', depth);
  posInt(name, 'width', width);
  oneOf(name, 'padding', padding, ['valid', 'same'] as const);
  oneOf(name, 'upsampling', upsampling, ['transpose', 'bilinear'] as const);
  oneOf(name, 'batchNorm', batchNorm, [true, false] as const);
  const pad = padding === 'same' ? 1 : 0;
  const doubleConv = (i: number, o: number): Sequential => {
    const layers: AnyModule[] = [];
    for (const [a, b] of [[i, o], [o, o]]) {
      layers.push(new Conv2d(a, b, 3, { padding: pad, bias: !batchNorm }));
      if (batchNorm) layers.push(new BatchNorm2d(b));
      layers.push(new ReLU());
    }
    return new Sequential(...layers);
  };
  const up = (c: number): AnyModule => upsampling === 'transpose'
    ? new ConvTranspose2d(c, c / 2, 2, { stride: 2 })
    : new Sequential(new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }), new Conv2d(c, c / 2, 1));
  const level = (k: number, inC: number): Sequential => {
    const c = width * 2 ** k;
    if (k === depth) return doubleConv(inC, c);
    return new Sequential(new Map<string, AnyModule>([
      ['down', doubleConv(inC, c)],
      ['skip', new SkipConcat({ pool: new MaxPool2d(2), inner: level(k + 1, c), up: up(2 * c) }, { crop: padding === 'valid' })],
      ['conv', doubleConv(2 * c, c)],
    ]));
  };
  // depth >= 1, so the top level is Sequential{down, skip, conv}: lift its children and add the head.
  const top = level(0, inChannels);
  return new Sequential(new Map<string, AnyModule>([...top.namedChildren(), ['head', new Conv2d(width, numClasses, 1)]]));
}
