/**
 * Parameter counts of every zoo model, against torchvision's (and the papers' / reference
 * implementations' for the rest). A count depends only on the layers' shapes, so this file stubs the
 * random init (kaiming/uniform fills of ~1.3 G values would take most of a minute) and frees each
 * model after counting. Forward/backward lives in smoke.test.ts.
 */
import { describe, expect, test, vi } from 'vitest';

vi.mock('../../src/nn/init.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/nn/init.js')>();
  return { ...orig, kaimingUniform_: (t: unknown) => t, uniform_: (t: unknown) => t };
});

const models = await import('../../src/models/index.js');
const zoo = await import('../../src/models/zoo.js');
const { release } = await import('./helpers.js');

/** Builds, counts, frees. */
function count(build: () => import('../../src/nn/module.js').AnyModule): number {
  const m = build();
  const n = m.numParameters();
  release(m);
  return n;
}

const TESTED = new Set<string>();

/** A registry entry's count, checked against the count it declares (what `neocog models` lists). */
function countEntry(name: string): number {
  TESTED.add(name);
  const n = count(() => models.get(name));
  expect(models.info(name).numParameters, `${name}: declared numParameters`).toBe(n);
  return n;
}

describe('torchvision parameter counts (1000 classes)', () => {
  const cases: [string, number][] = [
    ['resnet18', 11_689_512], ['resnet34', 21_797_672], ['resnet50', 25_557_032], ['resnet101', 44_549_160], ['resnet152', 60_192_808],
    ['vgg11', 132_863_336], ['vgg13', 133_047_848], ['vgg16', 138_357_544], ['vgg19', 143_667_240],
    ['vgg11-bn', 132_868_840], ['vgg13-bn', 133_053_736], ['vgg16-bn', 138_365_992], ['vgg19-bn', 143_678_248],
    ['alexnet', 61_100_840],
    ['densenet121', 7_978_856], ['densenet169', 14_149_480], ['densenet201', 20_013_928],
    ['mobilenet-v2', 3_504_872],
    ['googlenet', 6_624_904],
  ];
  test.each(cases)('%s has %i parameters', (name, n) => {
    expect(countEntry(name)).toBe(n);
  });

  test('ResNeXt / wide ResNet options reproduce torchvision too', () => {
    expect(count(() => zoo.resnet50({ groups: 32, widthPerGroup: 4 }))).toBe(25_028_904); // resnext50_32x4d
    expect(count(() => zoo.resnet50({ widthPerGroup: 128 }))).toBe(68_883_240); // wide_resnet50_2
  });
});

describe('paper / reference counts', () => {
  test('MobileNet v1, width 1, with BN: 4,231,976', () => {
    expect(countEntry('mobilenet-v1')).toBe(4_231_976);
    // alpha 0.5 (channels floor(c/2), as Keras; the same net written in torch has 1,331,592)
    expect(count(() => zoo.mobilenetV1({ width: 0.5 }))).toBe(1_331_592);
  });

  test('LeNet-5: Keras table 61,706; LeCun 1998 60,000 in C1..F6 (+850 output), C3 1,516 with the table, 2,416 full', () => {
    expect(count(() => models.get('lenet5'))).toBe(61_706);
    expect(countEntry('lenet5-lecun')).toBe(60_850);
    const lecun = zoo.lenet5LeCun();
    expect(lecun.numParameters()).toBe(60_850);
    expect(lecun.numParameters() - lecun.getSubmodule('output').numParameters()).toBe(60_000);
    expect(lecun.getSubmodule('c3').numParameters()).toBe(1_516);
    expect(lecun.getSubmodule('s2').numParameters()).toBe(12);
    expect(lecun.getSubmodule('s4').numParameters()).toBe(32);
    expect(zoo.lenet5LeCun({ c3: 'full' }).getSubmodule('c3').numParameters()).toBe(2_416);
  });

  test('AlexNet 2012: 62,378,344 on one device (the lecture\'s 62.3M), 60,965,224 with the two-GPU groups', () => {
    expect(countEntry('alexnet-2012')).toBe(62_378_344);
    expect(count(() => zoo.alexnet2012({ groups: 2 }))).toBe(60_965_224);
  });

  test('CIFAR ResNets (He et al. 2016, option A): 0.27M / 0.46M / 0.66M / 0.85M / 1.7M; ResNet-18 CIFAR 11,173,962', () => {
    expect(countEntry('resnet20')).toBe(269_722);
    expect(countEntry('resnet32')).toBe(464_154);
    expect(countEntry('resnet44')).toBe(658_586);
    expect(countEntry('resnet56')).toBe(853_018);
    expect(countEntry('resnet110')).toBe(1_727_962);
    expect(countEntry('resnet18-cifar')).toBe(11_173_962);
    // option B adds the two projection shortcuts: 16*32 + 2*32 and 32*64 + 2*64
    expect(count(() => zoo.resnetCifar({ depth: 20, shortcut: 'B' }))).toBe(269_722 + 576 + 2176);
  });

  test('FCN on VGG-16 (21 classes): trunk + fc6/fc7 as convs + scores + learned upsampling', () => {
    const trunk = 14_714_688; // VGG-16 conv layers
    const fc = 512 * 49 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 21 + 21;
    expect(countEntry('fcn32s')).toBe(trunk + fc + 21 * 21 * 64 * 64); // 136,152,917
    expect(countEntry('fcn16s')).toBe(trunk + fc + 21 * 21 * 16 + 512 * 21 + 21 + 21 * 21 * 32 * 32);
    expect(countEntry('fcn8s')).toBe(trunk + fc + 2 * 21 * 21 * 16 + 512 * 21 + 21 + 256 * 21 + 21 + 21 * 21 * 16 * 16);
  });

  test('SegNet 29,449,355 (11 classes); U-Net 31,030,593 (1 -> 1 maps; 31,030,658 for the paper\'s 2)', () => {
    expect(countEntry('segnet')).toBe(29_449_355);
    expect(countEntry('unet')).toBe(31_030_593);
    expect(count(() => zoo.unet({ numClasses: 2 }))).toBe(31_030_658);
    expect(count(() => zoo.unet({ padding: 'same' }))).toBe(31_030_593);
  });

  test('context module: basic 64C² + 8C; large 15,422C² + 8 biases layers', () => {
    const C = 21;
    expect(countEntry('dilated-context-basic')).toBe(64 * C * C + 8 * C);
    const widths = [1, 2, 2, 4, 8, 16, 32, 32];
    let n = 0;
    for (let i = 0; i < 7; i++) n += widths[i] * widths[i + 1] * C * C * 9 + widths[i + 1] * C;
    n += 32 * C * C + C;
    expect(countEntry('dilated-context-large')).toBe(n);
  });

  test('TDNN 515 (Waibel: 16x3x8 + 8, 8x5x3 + 3), WaveNet 403,904, DeepBind 2,129', () => {
    expect(countEntry('tdnn')).toBe(16 * 3 * 8 + 8 + 8 * 5 * 3 + 3);
    const R = 32, D = 32, S = 256;
    const block = 2 * (R * D * 2 + D) + D * R + R + D * S + S;
    // 20 gated blocks; the last has no residual 1x1 conv (its output would be unused)
    expect(countEntry('wavenet')).toBe(2 * R + R + 20 * block - (D * R + R) + S * S + S + S * 256 + 256);
    expect(countEntry('deepbind')).toBe(4 * 24 * 16 + 16 + 16 * 32 + 32 + 32 + 1);
  });
});

// Last: the counts above covered every entry's declared count.
test('every zoo entry declares its parameter count, and each was checked above', () => {
  for (const name of Object.keys(zoo.ZOO_PARAMETERS)) expect(models.info(name).numParameters, name).toBe(zoo.ZOO_PARAMETERS[name]);
  expect(Object.keys(zoo.ZOO_PARAMETERS).filter((k) => !TESTED.has(k)), 'entries without a count test').toEqual([]);
});
