/**
 * Forward + backward through every zoo model at a small input size / width (train mode, so batch norm
 * and dropout run their training paths): output shape, finite values, a finite gradient for the input
 * and every parameter. Plus the behaviours the wiring is for: U-Net's 572 -> 388, WaveNet's causality,
 * the context module's identity initialisation, LeNet's C3 connection table.
 */
import { describe, expect, test } from 'vitest';
import * as nc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import * as models from '../../src/models/index.js';
import * as zoo from '../../src/models/zoo.js';
import { smoke } from './helpers.js';

describe('forward + backward at small sizes', () => {
  const cases: [string, () => nc.nn.AnyModule, number[], number[]][] = [
    ['lenet5-lecun', () => models.get('lenet5-lecun'), [2, 1, 32, 32], [2, 10]],
    ['lenet5-lecun c3 full', () => zoo.lenet5LeCun({ c3: 'full', numClasses: 4 }), [1, 1, 32, 32], [1, 4]],
    ['alexnet-2012 (groups 2, 67x67, fc 64)', () => zoo.alexnet2012({ groups: 2, inputSize: 67, hidden: 64, numClasses: 5 }), [2, 3, 67, 67], [2, 5]],
    ['alexnet (fc 64)', () => zoo.alexnet({ hidden: 64, numClasses: 10 }), [1, 3, 64, 64], [1, 10]],
    ['vgg11 /16', () => zoo.vgg11({ width: 1 / 16, hidden: 32, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['vgg16-bn /16', () => zoo.vgg16Bn({ width: 1 / 16, hidden: 32, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['resnet18 w8', () => zoo.resnet18({ width: 8, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['resnet50 w8', () => zoo.resnet50({ width: 8, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['resnet18-cifar w8', () => zoo.resnet18Cifar({ width: 8 }), [2, 3, 16, 16], [2, 10]],
    ['resnet20 (option A)', () => models.get('resnet20'), [2, 3, 16, 16], [2, 10]],
    ['resnet20 (option B)', () => zoo.resnetCifar({ depth: 20, width: 4, shortcut: 'B' }), [2, 3, 16, 16], [2, 10]],
    ['densenet121 (growth 4)', () => zoo.densenet121({ growthRate: 4, numInitFeatures: 8, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['mobilenet-v1 x0.25', () => zoo.mobilenetV1({ width: 0.25, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['mobilenet-v2 x0.25', () => zoo.mobilenetV2({ width: 0.25, numClasses: 10 }), [2, 3, 32, 32], [2, 10]],
    ['fcn32s /16', () => zoo.fcn32s({ width: 1 / 16, fcWidth: 16, numClasses: 5 }), [2, 3, 32, 32], [2, 5, 32, 32]],
    ['fcn16s /16', () => zoo.fcn16s({ width: 1 / 16, fcWidth: 16, numClasses: 5 }), [2, 3, 32, 32], [2, 5, 32, 32]],
    ['fcn8s /16', () => zoo.fcn8s({ width: 1 / 16, fcWidth: 16, numClasses: 5 }), [1, 3, 64, 32], [1, 5, 64, 32]],
    ['segnet /16', () => zoo.segnet({ width: 1 / 16, numClasses: 4 }), [2, 3, 32, 48], [2, 4, 32, 48]],
    ['unet depth 2 width 8 valid', () => zoo.unet({ depth: 2, width: 8 }), [2, 1, 44, 44], [2, 1, 4, 4]],
    ['unet depth 2 width 8 same + bilinear + BN', () => zoo.unet({ depth: 2, width: 8, padding: 'same', upsampling: 'bilinear', batchNorm: true, numClasses: 3 }), [2, 1, 16, 16], [2, 3, 16, 16]],
    ['dilated-context-basic C=4', () => zoo.contextModule({ numClasses: 4, identityInit: false }), [1, 4, 12, 12], [1, 4, 12, 12]],
    ['dilated-context-large C=2', () => zoo.contextModule({ numClasses: 2, variant: 'large', identityInit: false }), [1, 2, 8, 8], [1, 2, 8, 8]],
    ['tdnn', () => models.get('tdnn'), [2, 16, 15], [2, 3]],
    ['wavenet (small)', () => zoo.wavenet({ residualChannels: 4, dilationChannels: 4, skipChannels: 8, layers: 3, stacks: 2, numClasses: 16 }), [2, 1, 20], [2, 16, 20]],
    ['deepbind', () => models.get('deepbind'), [2, 4, 101], [2, 1]],
  ];
  test.each(cases)('%s', (name, build, input, output) => {
    smoke(name, build(), input, output);
  });

  test('googlenet at 64x64 (its widths are fixed)', () => {
    smoke('googlenet', zoo.googlenet({ numClasses: 10 }), [1, 3, 64, 64], [1, 10]);
  });
});

describe('what the wiring is for', () => {
  test("U-Net with valid convolutions: the paper's 572x572 input gives a 388x388 map", () => {
    const net = zoo.unet({ width: 1 });
    const y = nc.noGrad(() => net.call(nc.zeros([1, 1, 572, 572])));
    expect(y.shape).toEqual([1, 1, 388, 388]);
    // 23 convolutional layers at depth 4 (10 down, 4 up-convs, 8 up, 1 head)
    expect(zoo.unet({ width: 1 }).modules().filter((m) => m instanceof nc.nn.Conv2d || m instanceof nc.nn.ConvTranspose2d)).toHaveLength(23);
  });

  test('WaveNet is causal: output step t does not depend on inputs after t', () => {
    nc.manualSeed(5);
    const net = zoo.wavenet({ residualChannels: 4, dilationChannels: 4, skipChannels: 4, layers: 3, stacks: 1, numClasses: 3 }).eval();
    const x = nc.randn([1, 1, 16]);
    const x2 = x.clone();
    const data = x2.dataSync();
    data[10] += 5; // perturb step 10 only
    const x3 = nc.tensor(Array.from(data), [1, 1, 16]);
    const [a, b] = nc.noGrad(() => [net.call(x), net.call(x3)]);
    const da = a.dataSync(), db = b.dataSync();
    for (let c = 0; c < 3; c++) {
      for (let t = 0; t < 16; t++) {
        const same = Math.abs(da[c * 16 + t] - db[c * 16 + t]) < 1e-6;
        if (t < 10) expect(same, `class ${c} step ${t}`).toBe(true);
      }
    }
    expect(Array.from({ length: 6 }, (_, t) => Math.abs(da[10 + t] - db[10 + t])).some((d) => d > 1e-6)).toBe(true);
    expect(zoo.wavenetReceptiveField({ layers: 10, stacks: 2 })).toBe(2048);
  });

  test('the context module starts as the identity on non-negative class scores (basic and large)', () => {
    for (const variant of ['basic', 'large'] as const) {
      const net = zoo.contextModule({ numClasses: 3, variant });
      const x = nc.rand([1, 3, 10, 10]);
      const y = nc.noGrad(() => net.call(x));
      const a = x.dataSync(), b = y.dataSync();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    }
  });

  test("LeNet-5's C3 follows Table I: map j depends exactly on its listed S2 maps", () => {
    const net = zoo.lenet5LeCun();
    const c3 = net.getSubmodule('c3');
    for (let j = 0; j < 16; j++) {
      const deps: number[] = [];
      for (let i = 0; i < 6; i++) {
        const x = nc.zeros([1, 6, 14, 14]);
        const base = nc.noGrad(() => c3.call(x) as Tensor);
        const d = x.clone();
        const v = d.dataSync();
        for (let k = 0; k < 196; k++) v[i * 196 + k] = 1;
        const out = nc.noGrad(() => c3.call(nc.tensor(Array.from(v), [1, 6, 14, 14])) as Tensor);
        const diff = nc.sub(out, base);
        if (nc.sum(nc.abs(nc.slice(diff, 1, j, j + 1))).item() > 0) deps.push(i);
      }
      expect(deps, `C3 map ${j}`).toEqual([...zoo.LENET_C3_TABLE[j]].sort((p, q) => p - q));
    }
  });

  test('options are checked and name the model', () => {
    expect(() => zoo.resnet18({ widht: 8 } as never)).toThrow(/resnet: unknown option 'widht'/);
    expect(() => zoo.unet({ padding: 'full' as never })).toThrow(/unet: padding must be one of "valid", "same"/);
    expect(() => zoo.resnetCifar({ depth: 21 })).toThrow(/depth must be 6n\+2/);
    expect(() => zoo.vgg11({ numClasses: 0 })).toThrow(/vgg: numClasses must be a positive integer/);
  });
});
