/**
 * SegNet (Badrinarayanan, Kendall & Cipolla 2017): a VGG-16 encoder (13 3x3 convs with batch norm and
 * ReLU, five 2x2 max pools that remember their argmax indices) and a mirrored decoder that upsamples
 * with those indices (max-unpooling: each value goes back where its max came from, zeros elsewhere)
 * and densifies with 3x3 convs. The decoder's last conv gives numClasses maps (no BN/ReLU), per-pixel
 * logits at the input size.
 *
 * Built from nested PoolUnpool blocks: level k is
 *
 *   Sequential{ enc<k>: convs, pool<k>: PoolUnpool(level k+1), dec<k>: convs }
 *
 * so pool1's indices are used by the last unpooling, as in the paper. Names: enc1.0 (conv), enc1.1 (BN),
 * pool1.body.enc2.0, ..., pool1.body.dec2.3, dec1.3 (the classifier conv).
 *
 * Decoder (as the Caffe SegNet): dec5 3x 512->512, dec4 512, 512, ->256, dec3 256, 256, ->128,
 * dec2 128, ->64, dec1 64, ->numClasses. 29,449,355 parameters with 11 classes (CamVid).
 * Any input size works (unpooling restores each level's exact size); `width` scales every conv.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { Identity } from '../nn/linear.js';
import { PoolUnpool } from '../nn/blocks.js';
import { checkKeys, posInt, posNumber } from './zoo-util.js';

export interface SegNetOptions {
  inChannels?: number;
  /** Output maps (default 11, CamVid). */
  numClasses?: number;
  /** Channel multiplier (default 1). */
  width?: number;
}

/** Encoder convs per level (VGG-16). */
const ENCODER: readonly (readonly number[])[] = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];

function convBnRelu(layers: AnyModule[], i: number, o: number): void {
  layers.push(new Conv2d(i, o, 3, { padding: 1 }), new BatchNorm2d(o), new ReLU());
}

export function segnet(opts: SegNetOptions = {}): Sequential {
  const name = 'segnet';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'width']);
  const { inChannels = 3, numClasses = 11, width = 1 } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posNumber(name, 'width', width);
  const ch = (c: number) => Math.max(1, Math.round(c * width));
  const level = (k: number, inC: number): Sequential => {
    const chans = ENCODER[k].map(ch);
    const enc: AnyModule[] = [];
    let c = inC;
    for (const o of chans) {
      convBnRelu(enc, c, o);
      c = o;
    }
    const inner = k + 1 < ENCODER.length ? level(k + 1, c) : new Identity();
    // Decoder: the level's convs in reverse, the last one going to the previous level's width.
    const dec: AnyModule[] = [];
    const outC = k === 0 ? numClasses : ch(ENCODER[k - 1][ENCODER[k - 1].length - 1]);
    for (let j = 0; j < chans.length - 1; j++) convBnRelu(dec, c, c);
    if (k === 0) dec.push(new Conv2d(c, outC, 3, { padding: 1 }));
    else convBnRelu(dec, c, outC);
    return new Sequential(new Map<string, AnyModule>([
      [`enc${k + 1}`, new Sequential(...enc)],
      [`pool${k + 1}`, new PoolUnpool(inner, { kernelSize: 2, stride: 2 })],
      [`dec${k + 1}`, new Sequential(...dec)],
    ]));
  };
  return level(0, inChannels);
}
