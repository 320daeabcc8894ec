/**
 * ResNets (He et al. 2015/2016), built from nn layers and ResidualSum only, with torchvision's module
 * names so a torchvision state dict loads by name:
 *
 *   conv1, bn1, relu, maxpool, layer1..layer4 (blocks '0', '1', ...), avgpool, flatten, fc
 *   BasicBlock:  conv1 bn1 relu conv2 bn2 [downsample.0 downsample.1]       y = relu(bn2(conv2(relu(bn1(conv1 x)))) + ds(x))
 *   Bottleneck:  conv1 bn1 conv2 bn2 conv3 bn3 relu [downsample]            stride on the 3x3 (torchvision's "v1.5")
 *
 * (`flatten` has no parameters, so the state dict is torchvision's exactly.) Parameter counts with
 * 1000 classes: resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032; resnet101 44,549,160;
 * resnet152 60,192,808.
 *
 * CIFAR variants:
 *  - resnetCifar (He et al. 2016, §4.2): a 3x3 conv with 16 maps, three stages of n BasicBlocks with
 *    16/32/64 maps (depth 6n+2: resnet20/32/44/56/110), global average pooling, fc. Shortcut 'A' (the
 *    paper's CIFAR choice, parameter-free): subsample by 2 (a 1x1 max pool with stride 2, i.e.
 *    x[:, :, ::2, ::2]) and zero-pad the new channels (Pad); 'B': 1x1 conv + BN projection.
 *    resnet20 with option A has 269,722 parameters (10 classes).
 *  - resnet18Cifar (bench W4, the common "ResNet-18 for CIFAR"): torchvision's ResNet-18 with a 3x3
 *    stride-1 stem and no max pool: 11,173,962 parameters (10 classes).
 *
 * `width` scales every stage (64 -> width, 128 -> 2*width, ...), for small test models.
 */
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { ResidualSum, Pad } from '../nn/blocks.js';
import { checkKeys, oneOf, posInt, plainOptions } from './zoo-util.js';
import { show } from '../ops/args.js';

export type ResNetBlock = 'basic' | 'bottleneck';

export interface ResNetOptions {
  /** Input channels, default 3. */
  inChannels?: number;
  numClasses?: number;
  /** Maps of the stem and of layer1 (torchvision: 64); stages use width, 2w, 4w, 8w. */
  width?: number;
  /** Bottleneck groups (ResNeXt), default 1. */
  groups?: number;
  /** Bottleneck width per group (torchvision's width_per_group, 64; 128 for wide_resnet50_2). */
  widthPerGroup?: number;
  /** 'imagenet' (7x7/2 conv + 3x3/2 max pool, default) or 'cifar' (3x3/1 conv, no max pool). */
  stem?: 'imagenet' | 'cifar';
}

const OPTION_KEYS = ['inChannels', 'numClasses', 'width', 'groups', 'widthPerGroup', 'stem'];

const conv3x3 = (inC: number, outC: number, stride = 1, groups = 1) => new Conv2d(inC, outC, 3, { stride, padding: 1, groups, bias: false });
const conv1x1 = (inC: number, outC: number, stride = 1) => new Conv2d(inC, outC, 1, { stride, bias: false });

/** torchvision's BasicBlock. */
export function basicBlock(inC: number, planes: number, stride: number, downsample: AnyModule | null): ResidualSum {
  const children: Record<string, AnyModule> = { conv1: conv3x3(inC, planes, stride), bn1: new BatchNorm2d(planes), relu: new ReLU(), conv2: conv3x3(planes, planes), bn2: new BatchNorm2d(planes) };
  if (downsample) children.downsample = downsample;
  return new ResidualSum(children, { path: ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], skip: downsample ? 'downsample' : null, after: ['relu'] });
}

/** torchvision's Bottleneck (expansion 4, stride on the 3x3 conv). */
export function bottleneckBlock(inC: number, planes: number, stride: number, downsample: AnyModule | null, { groups = 1, widthPerGroup = 64 } = {}): ResidualSum {
  const width = Math.floor(planes * (widthPerGroup / 64)) * groups;
  const children: Record<string, AnyModule> = {
    conv1: conv1x1(inC, width), bn1: new BatchNorm2d(width),
    conv2: conv3x3(width, width, stride, groups), bn2: new BatchNorm2d(width),
    conv3: conv1x1(width, planes * 4), bn3: new BatchNorm2d(planes * 4),
    relu: new ReLU(),
  };
  if (downsample) children.downsample = downsample;
  return new ResidualSum(children, { path: ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3'], skip: downsample ? 'downsample' : null, after: ['relu'] });
}

/** A torchvision-layout ResNet: block type and blocks per stage ([2, 2, 2, 2] for ResNet-18). */
export function resnet(block: ResNetBlock, layers: readonly number[], opts: ResNetOptions = {}): Sequential {
  const name = 'resnet';
  checkKeys(name, opts, OPTION_KEYS);
  const { inChannels = 3, numClasses = 1000, width = 64, groups = 1, widthPerGroup = 64, stem = 'imagenet' } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posInt(name, 'width', width);
  posInt(name, 'groups', groups);
  posInt(name, 'widthPerGroup', widthPerGroup);
  oneOf(name, 'stem', stem, ['imagenet', 'cifar'] as const);
  oneOf(name, 'block', block, ['basic', 'bottleneck'] as const);
  if (layers.length !== 4) throw new Error(`resnet: layers must list 4 stages, got ${show(layers)}`);
  layers.forEach((n) => posInt(name, 'layers', n));
  const expansion = block === 'basic' ? 1 : 4;
  const net = new Map<string, AnyModule>();
  net.set('conv1', stem === 'imagenet' ? new Conv2d(inChannels, width, 7, { stride: 2, padding: 3, bias: false }) : conv3x3(inChannels, width));
  net.set('bn1', new BatchNorm2d(width));
  net.set('relu', new ReLU());
  if (stem === 'imagenet') net.set('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
  let inC = width;
  layers.forEach((n, stage) => {
    const planes = width * 2 ** stage;
    const stride = stage === 0 ? 1 : 2;
    const blocks: AnyModule[] = [];
    for (let i = 0; i < n; i++) {
      const s = i === 0 ? stride : 1;
      const ds = s !== 1 || inC !== planes * expansion ? new Sequential(conv1x1(inC, planes * expansion, s), new BatchNorm2d(planes * expansion)) : null;
      blocks.push(block === 'basic' ? basicBlock(inC, planes, s, ds) : bottleneckBlock(inC, planes, s, ds, { groups, widthPerGroup }));
      inC = planes * expansion;
    }
    net.set(`layer${stage + 1}`, new Sequential(...blocks));
  });
  net.set('avgpool', new AdaptiveAvgPool2d(1));
  net.set('flatten', new Flatten());
  net.set('fc', new Linear(inC, numClasses));
  return new Sequential(net);
}

export const resnet18 = (o: ResNetOptions = {}) => resnet('basic', [2, 2, 2, 2], o);
export const resnet34 = (o: ResNetOptions = {}) => resnet('basic', [3, 4, 6, 3], o);
export const resnet50 = (o: ResNetOptions = {}) => resnet('bottleneck', [3, 4, 6, 3], o);
export const resnet101 = (o: ResNetOptions = {}) => resnet('bottleneck', [3, 4, 23, 3], o);
export const resnet152 = (o: ResNetOptions = {}) => resnet('bottleneck', [3, 8, 36, 3], o);

/** The ResNet-18 of bench W4: 3x3 stem, no max pool, 10 classes by default (11,173,962 parameters). */
export const resnet18Cifar = (o: ResNetOptions = {}) => resnet('basic', [2, 2, 2, 2], { numClasses: 10, ...plainOptions('resnet18Cifar', o), stem: 'cifar' });

export interface ResNetCifarOptions {
  /** Input channels, default 3. */
  inChannels?: number;
  /** Default 10. */
  numClasses?: number;
  /** Total depth 6n+2 (20, 32, 44, 56, 110, ...). */
  depth?: number;
  /** Maps of the first stage (16 in the paper); stages use w, 2w, 4w. */
  width?: number;
  /** 'A' (default): parameter-free subsample + zero-padded channels; 'B': 1x1 conv + BN projection. */
  shortcut?: 'A' | 'B';
}

/** He et al. 2016's CIFAR ResNet of depth 6n+2 (see the file comment). */
export function resnetCifar(opts: ResNetCifarOptions = {}): Sequential {
  const name = 'resnetCifar';
  checkKeys(name, opts, ['inChannels', 'numClasses', 'depth', 'width', 'shortcut']);
  const { inChannels = 3, numClasses = 10, depth = 20, width = 16, shortcut = 'A' } = opts;
  posInt(name, 'inChannels', inChannels);
  posInt(name, 'numClasses', numClasses);
  posInt(name, 'width', width);
  oneOf(name, 'shortcut', shortcut, ['A', 'B'] as const);
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) throw new Error(`resnetCifar: depth must be 6n+2 (20, 32, 44, 56, 110, ...), got ${show(depth)}`);
  const n = (depth - 2) / 6;
  const net = new Map<string, AnyModule>([['conv1', conv3x3(inChannels, width)], ['bn1', new BatchNorm2d(width)], ['relu', new ReLU()]]);
  let inC = width;
  for (let stage = 0; stage < 3; stage++) {
    const planes = width * 2 ** stage;
    const blocks: AnyModule[] = [];
    for (let i = 0; i < n; i++) {
      const s = i === 0 && stage > 0 ? 2 : 1;
      let ds: AnyModule | null = null;
      if (s !== 1 || inC !== planes) {
        const extra = planes - inC;
        ds = shortcut === 'B'
          ? new Sequential(conv1x1(inC, planes, s), new BatchNorm2d(planes))
          : new Sequential(new MaxPool2d(1, { stride: s }), new Pad([0, 0, 0, 0, Math.floor(extra / 2), extra - Math.floor(extra / 2)]));
      }
      blocks.push(basicBlock(inC, planes, s, ds));
      inC = planes;
    }
    net.set(`layer${stage + 1}`, new Sequential(...blocks));
  }
  net.set('avgpool', new AdaptiveAvgPool2d(1));
  net.set('flatten', new Flatten());
  net.set('fc', new Linear(inC, numClasses));
  return new Sequential(net);
}
