/**
 * The lectures' architectures in the model registry (one `register` per model; the builders live in
 * one file per family). Every model is a tree of nn layers and generic containers (Sequential, Concat,
 * Add, and the blocks of nn/blocks.ts), with no model-specific forward code, so a model spec can
 * serialize any of them; torchvision's models keep torchvision's parameter names.
 *
 * Options are the builders' (inChannels, numClasses, width, ...); each entry's inputShape and
 * numClasses are the defaults'.
 */
import { plainOptions } from './zoo-util.js';
import { register, type ModelEntry } from './registry.js';
import { resnet18, resnet34, resnet50, resnet101, resnet152, resnet18Cifar, resnetCifar, type ResNetOptions, type ResNetCifarOptions } from './resnet.js';
import { vgg11, vgg13, vgg16, vgg19, vgg11Bn, vgg13Bn, vgg16Bn, vgg19Bn, type VggOptions } from './vgg.js';
import { alexnet, alexnet2012, type AlexNetOptions, type AlexNet2012Options } from './alexnet.js';
import { densenet121, densenet169, densenet201, type DenseNetOptions } from './densenet.js';
import { mobilenetV1, mobilenetV2, type MobileNetOptions } from './mobilenet.js';
import { googlenet, type GoogLeNetOptions } from './googlenet.js';
import { lenet5LeCun, type LeNet5LeCunOptions } from './lenet-lecun.js';
import { fcn32s, fcn16s, fcn8s, type FcnOptions } from './fcn.js';
import { segnet, type SegNetOptions } from './segnet.js';
import { unet, type UNetOptions } from './unet.js';
import { contextModule, type ContextModuleOptions } from './dilated.js';
import { tdnn, type TdnnOptions } from './tdnn.js';
import { wavenet, type WaveNetOptions } from './wavenet.js';
import { deepbind, type DeepBindOptions } from './deepbind.js';

/**
 * Parameters of each entry at its default options (what `neocog models` lists without building a
 * 138M-parameter VGG); test/models/counts.test.ts checks every one against the built model.
 */
export const ZOO_PARAMETERS: Readonly<Record<string, number>> = {
  'lenet5-lecun': 60_850, 'alexnet': 61_100_840, 'alexnet-2012': 62_378_344, 'vgg11': 132_863_336, 'vgg13': 133_047_848,
  'vgg16': 138_357_544, 'vgg19': 143_667_240, 'vgg11-bn': 132_868_840, 'vgg13-bn': 133_053_736, 'vgg16-bn': 138_365_992,
  'vgg19-bn': 143_678_248, 'googlenet': 6_624_904, 'resnet18': 11_689_512, 'resnet34': 21_797_672, 'resnet50': 25_557_032,
  'resnet101': 44_549_160, 'resnet152': 60_192_808, 'resnet18-cifar': 11_173_962, 'resnet20': 269_722, 'resnet32': 464_154,
  'resnet44': 658_586, 'resnet56': 853_018, 'resnet110': 1_727_962, 'densenet121': 7_978_856, 'densenet169': 14_149_480,
  'densenet201': 20_013_928, 'mobilenet-v1': 4_231_976, 'mobilenet-v2': 3_504_872, 'fcn32s': 136_152_917, 'fcn16s': 134_815_994,
  'fcn8s': 134_489_759, 'segnet': 29_449_355, 'unet': 31_030_593, 'dilated-context-basic': 28_392,
  'dilated-context-large': 6_803_139, 'tdnn': 515, 'wavenet': 403_904, 'deepbind': 2_129,
};

/** register() with the entry's declared parameter count. */
function add<O>(entry: Omit<ModelEntry<O>, 'numParameters'>): void {
  register<O>({ ...entry, numParameters: ZOO_PARAMETERS[entry.name] });
}

const IMAGENET: readonly number[] = [3, 224, 224];
const CIFAR: readonly number[] = [3, 32, 32];

add<LeNet5LeCunOptions>({
  name: 'lenet5-lecun',
  description: 'LeNet-5 as LeCun et al. 1998: 32x32 input, trainable subsampling, C3 partial connection table (grouped convs), tanh; 60,850 params',
  inputShape: [1, 32, 32],
  numClasses: 10,
  build: (o = {}) => lenet5LeCun(o),
});

add<AlexNetOptions>({
  name: 'alexnet',
  description: "torchvision's AlexNet (64-192-384-256-256 convs, adaptive 6x6 pool, 4096-4096 fc with dropout)",
  inputShape: IMAGENET,
  numClasses: 1000,
  build: (o = {}) => alexnet(o),
});
add<AlexNet2012Options>({
  name: 'alexnet-2012',
  description: 'AlexNet as Krizhevsky et al. 2012: 227x227 input, 96-256-384-384-256 convs, LRN, overlapping pools, dropout ({ groups: 2 } = the two-GPU split)',
  inputShape: [3, 227, 227],
  numClasses: 1000,
  build: (o = {}) => alexnet2012(o),
});

for (const [name, build, desc] of [
  ['vgg11', vgg11, 'VGG-11 (config A)'], ['vgg13', vgg13, 'VGG-13 (config B)'], ['vgg16', vgg16, 'VGG-16 (config D)'], ['vgg19', vgg19, 'VGG-19 (config E)'],
  ['vgg11-bn', vgg11Bn, 'VGG-11 with batch norm'], ['vgg13-bn', vgg13Bn, 'VGG-13 with batch norm'], ['vgg16-bn', vgg16Bn, 'VGG-16 with batch norm'], ['vgg19-bn', vgg19Bn, 'VGG-19 with batch norm'],
] as const) {
  add<VggOptions>({ name, description: `${desc}: 3x3 convs, 2x2 max pools, 4096-4096 fc (torchvision layout)`, inputShape: IMAGENET, numClasses: 1000, build: (o = {}) => build(o) });
}

add<GoogLeNetOptions>({
  name: 'googlenet',
  description: "GoogLeNet / Inception v1 (torchvision layout, BN, no aux heads): nine Inception modules of four concatenated branches",
  inputShape: IMAGENET,
  numClasses: 1000,
  build: (o = {}) => googlenet(o),
});

for (const [name, build, desc] of [
  ['resnet18', resnet18, 'ResNet-18: BasicBlocks 2-2-2-2'], ['resnet34', resnet34, 'ResNet-34: BasicBlocks 3-4-6-3'],
  ['resnet50', resnet50, 'ResNet-50: Bottlenecks 3-4-6-3'], ['resnet101', resnet101, 'ResNet-101: Bottlenecks 3-4-23-3'],
  ['resnet152', resnet152, 'ResNet-152: Bottlenecks 3-8-36-3'],
] as const) {
  add<ResNetOptions>({ name, description: `${desc} (torchvision layout and names)`, inputShape: IMAGENET, numClasses: 1000, build: (o = {}) => build(o) });
}
add<ResNetOptions>({
  name: 'resnet18-cifar',
  description: 'ResNet-18 for 32x32 images (bench W4): 3x3 stride-1 stem, no max pool, torchvision block names',
  inputShape: CIFAR,
  numClasses: 10,
  build: (o = {}) => resnet18Cifar(o),
});
for (const depth of [20, 32, 44, 56, 110]) {
  add<ResNetCifarOptions>({
    name: `resnet${depth}`,
    description: `ResNet-${depth} for CIFAR (He et al. 2016): 16-32-64 maps, ${(depth - 2) / 6} BasicBlocks per stage, parameter-free shortcuts (option A)`,
    inputShape: CIFAR,
    numClasses: 10,
    build: (o = {}) => resnetCifar({ ...plainOptions(`resnet${depth}`, o), depth }),
  });
}

for (const [name, build, desc] of [['densenet121', densenet121, '6-12-24-16'], ['densenet169', densenet169, '6-12-32-32'], ['densenet201', densenet201, '6-12-48-32']] as const) {
  add<DenseNetOptions>({ name, description: `DenseNet-BC ${name.slice(8)} (growth 32, blocks ${desc}; torchvision layout)`, inputShape: IMAGENET, numClasses: 1000, build: (o = {}) => build(o) });
}

add<MobileNetOptions>({
  name: 'mobilenet-v1',
  description: 'MobileNet v1 (Howard et al. 2017): 13 depthwise separable conv blocks with BN and ReLU; { width } = alpha',
  inputShape: IMAGENET,
  numClasses: 1000,
  build: (o = {}) => mobilenetV1(o),
});
add<MobileNetOptions>({
  name: 'mobilenet-v2',
  description: 'MobileNet v2 (torchvision layout): inverted residual bottlenecks with linear projections, ReLU6',
  inputShape: IMAGENET,
  numClasses: 1000,
  build: (o = {}) => mobilenetV2(o),
});

for (const [name, build, desc] of [
  ['fcn32s', fcn32s, 'scores upsampled x32 by a learned transposed conv'],
  ['fcn16s', fcn16s, 'fuses pool4 scores, upsampled x16'],
  ['fcn8s', fcn8s, 'fuses pool4 and pool3 scores, upsampled x8'],
] as const) {
  add<FcnOptions>({ name, description: `FCN on VGG-16 (Long et al. 2015): ${desc}; per-pixel logits (input side a multiple of 32)`, inputShape: IMAGENET, numClasses: 21, build: (o = {}) => build(o) });
}
add<SegNetOptions>({
  name: 'segnet',
  description: 'SegNet: VGG-16-BN encoder, decoder upsampling with the encoder max-pool indices (PoolUnpool); per-pixel logits',
  inputShape: [3, 224, 224],
  numClasses: 11,
  build: (o = {}) => segnet(o),
});
add<UNetOptions>({
  name: 'unet',
  description: "U-Net (Ronneberger et al. 2015): depth 4, 64-1024 maps, valid convs with cropped skips (572 -> 388), 1 output map for BCE",
  inputShape: [1, 572, 572],
  numClasses: 1,
  build: (o = {}) => unet(o),
});
for (const variant of ['basic', 'large'] as const) {
  add<ContextModuleOptions>({
    name: `dilated-context-${variant}`,
    description: `Yu & Koltun 2016 ${variant} context module: 3x3 convs dilated 1,1,2,4,8,16,1 + 1x1, identity-initialised, on C class maps`,
    inputShape: [21, 64, 64],
    numClasses: 21,
    build: (o = {}) => contextModule({ ...plainOptions(`dilated-context-${variant}`, o), variant }),
  });
}

add<TdnnOptions>({
  name: 'tdnn',
  description: 'Time-delay neural network (Waibel et al. 1987): 16 coefficients x 15 frames, conv1d over time (3 then 5 frames), integrated over time; /b,d,g/',
  inputShape: [16, 15],
  numClasses: 3,
  build: (o = {}) => tdnn(o),
});
add<WaveNetOptions>({
  name: 'wavenet',
  description: 'WaveNet-style stack: causal dilated conv1d (1..512, 2 stacks), gated tanh x sigmoid, residual + skip sums; 256-way logits per step',
  inputShape: [1, 4096],
  numClasses: 256,
  build: (o = {}) => wavenet(o),
});
add<DeepBindOptions>({
  name: 'deepbind',
  description: 'DeepBind (Alipanahi et al. 2015): conv1d motif scanners over one-hot DNA [4, L], ReLU, global max pool, dense head -> binding score',
  inputShape: [4, 101],
  numClasses: 1,
  build: (o = {}) => deepbind(o),
});

export { resnet, resnet18, resnet34, resnet50, resnet101, resnet152, resnet18Cifar, resnetCifar, basicBlock, bottleneckBlock, type ResNetOptions, type ResNetCifarOptions, type ResNetBlock } from './resnet.js';
export { vgg, vggFeatures, vgg11, vgg13, vgg16, vgg19, vgg11Bn, vgg13Bn, vgg16Bn, vgg19Bn, VGG_CONFIGS, type VggOptions, type VggConfig } from './vgg.js';
export { alexnet, alexnet2012, type AlexNetOptions, type AlexNet2012Options } from './alexnet.js';
export { densenet, densenet121, densenet169, densenet201, type DenseNetOptions } from './densenet.js';
export { mobilenetV1, mobilenetV2, type MobileNetOptions } from './mobilenet.js';
export { googlenet, inception, type GoogLeNetOptions } from './googlenet.js';
export { lenet5LeCun, partialConv, LENET_C3_TABLE, type LeNet5LeCunOptions } from './lenet-lecun.js';
export { fcn, fcn32s, fcn16s, fcn8s, bilinearKernel, type FcnOptions } from './fcn.js';
export { segnet, type SegNetOptions } from './segnet.js';
export { unet, type UNetOptions } from './unet.js';
export { contextModule, CONTEXT_DILATIONS, type ContextModuleOptions } from './dilated.js';
export { tdnn, type TdnnOptions } from './tdnn.js';
export { wavenet, wavenetBlock, wavenetReceptiveField, type WaveNetOptions } from './wavenet.js';
export { deepbind, type DeepBindOptions } from './deepbind.js';
