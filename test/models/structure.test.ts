/**
 * Structure of the zoo models: torchvision's state-dict names (resnet18, vgg11, and the torchvision
 * patterns of the others), summary() rows following the layer structure, the registry entries, and
 * that every model is made only of exported nn classes with a config() (what a model spec serializes).
 */
import { describe, expect, test } from 'vitest';
import * as nn from '../../src/nn/index.js';
import type { AnyModule } from '../../src/nn/module.js';
import * as models from '../../src/models/index.js';
import * as zoo from '../../src/models/zoo.js';
import { summaryRows } from '../../src/train/index.js';

const BN = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];

/** torchvision resnet18().state_dict().keys(), in order. */
function torchvisionResnet18Keys(): string[] {
  const keys = ['conv1.weight', ...BN.map((k) => `bn1.${k}`)];
  for (let layer = 1; layer <= 4; layer++) {
    for (let block = 0; block < 2; block++) {
      const p = `layer${layer}.${block}`;
      keys.push(`${p}.conv1.weight`, ...BN.map((k) => `${p}.bn1.${k}`), `${p}.conv2.weight`, ...BN.map((k) => `${p}.bn2.${k}`));
      if (layer > 1 && block === 0) keys.push(`${p}.downsample.0.weight`, ...BN.map((k) => `${p}.downsample.1.${k}`));
    }
  }
  return [...keys, 'fc.weight', 'fc.bias'];
}

describe("torchvision's state-dict names", () => {
  test('resnet18: the 122 torchvision keys, in order', () => {
    const keys = Object.keys(models.get('resnet18', { width: 8 }).stateDict());
    expect(keys).toHaveLength(122);
    expect(keys).toEqual(torchvisionResnet18Keys());
    expect(keys.slice(0, 8)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight', 'layer1.0.bn1.weight']);
  });

  test('vgg11: features.N and classifier.N', () => {
    const params = models.get('vgg11', { width: 1 / 16, hidden: 16 }).namedParameters().map(([k]) => k);
    expect(params).toEqual([
      'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.6.weight', 'features.6.bias',
      'features.8.weight', 'features.8.bias', 'features.11.weight', 'features.11.bias', 'features.13.weight', 'features.13.bias',
      'features.16.weight', 'features.16.bias', 'features.18.weight', 'features.18.bias',
      'classifier.0.weight', 'classifier.0.bias', 'classifier.3.weight', 'classifier.3.bias', 'classifier.6.weight', 'classifier.6.bias',
    ]);
    // vgg11_bn: conv at 0, bn at 1 (torchvision's make_layers)
    expect(Object.keys(models.get('vgg11-bn', { width: 1 / 16, hidden: 16 }).stateDict()).slice(0, 7)).toEqual([
      'features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias', 'features.1.running_mean', 'features.1.running_var', 'features.1.num_batches_tracked',
    ]);
  });

  test('resnet50, densenet121, mobilenet_v2, googlenet, alexnet follow torchvision too', () => {
    const keys = (m: AnyModule) => Object.keys(m.stateDict());
    const r50 = keys(zoo.resnet50({ width: 8 }));
    expect(r50).toContain('layer1.0.conv3.weight');
    expect(r50).toContain('layer4.2.bn3.running_var');
    expect(r50).toContain('layer3.0.downsample.1.weight');
    expect(r50).toHaveLength(320);
    const d = keys(zoo.densenet121({ growthRate: 4, numInitFeatures: 8 }));
    expect(d.slice(0, 2)).toEqual(['features.conv0.weight', 'features.norm0.weight']);
    expect(d).toContain('features.denseblock1.denselayer1.norm1.weight');
    expect(d).toContain('features.denseblock4.denselayer16.conv2.weight');
    expect(d).toContain('features.transition3.conv.weight');
    expect(d.slice(-7)).toEqual([...BN.map((k) => `features.norm5.${k}`), 'classifier.weight', 'classifier.bias']);
    expect(d).toHaveLength(727); // torchvision densenet121: 727 state-dict entries
    const mb = keys(zoo.mobilenetV2({ width: 0.25 }));
    expect(mb.slice(0, 2)).toEqual(['features.0.0.weight', 'features.0.1.weight']);
    expect(mb).toContain('features.1.conv.0.0.weight'); // t = 1: dw ConvBNReLU, then projection
    expect(mb).toContain('features.1.conv.1.weight');
    expect(mb).toContain('features.2.conv.3.running_mean'); // t = 6: expand, dw, project, bn
    expect(mb).toContain('features.18.1.weight');
    expect(mb.slice(-2)).toEqual(['classifier.1.weight', 'classifier.1.bias']);
    expect(mb).toHaveLength(314);
    const g = keys(zoo.googlenet());
    expect(g.slice(0, 3)).toEqual(['conv1.conv.weight', 'conv1.bn.weight', 'conv1.bn.bias']);
    expect(g).toContain('inception3a.branch1.conv.weight');
    expect(g).toContain('inception3a.branch2.1.bn.running_mean');
    expect(g).toContain('inception5b.branch4.1.conv.weight');
    expect(g.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(keys(zoo.alexnet({ hidden: 8 }))).toEqual([
      'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.6.weight', 'features.6.bias',
      'features.8.weight', 'features.8.bias', 'features.10.weight', 'features.10.bias',
      'classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias', 'classifier.6.weight', 'classifier.6.bias',
    ]);
  });
});

describe('summary() rows follow the layer structure', () => {
  test('resnet18 (width 8, 32x32): stem, 8 blocks with a ReLU called twice each, pool, fc', () => {
    const s = summaryRows(zoo.resnet18({ width: 8, numClasses: 10 }), [3, 32, 32]);
    const rows = s.rows.map((r) => `${r.name}:${r.type}:${r.outputShape.join('x')}`);
    expect(rows.slice(0, 4)).toEqual(['conv1:Conv2d:1x8x16x16', 'bn1:BatchNorm2d:1x8x16x16', 'relu:ReLU:1x8x16x16', 'maxpool:MaxPool2d:1x8x8x8']);
    expect(rows.slice(4, 11)).toEqual([
      'layer1.0.conv1:Conv2d:1x8x8x8', 'layer1.0.bn1:BatchNorm2d:1x8x8x8', 'layer1.0.relu:ReLU:1x8x8x8',
      'layer1.0.conv2:Conv2d:1x8x8x8', 'layer1.0.bn2:BatchNorm2d:1x8x8x8', 'layer1.0.relu:ReLU:1x8x8x8', 'layer1.1.conv1:Conv2d:1x8x8x8',
    ]);
    expect(rows).toContain('layer2.0.downsample.0:Conv2d:1x16x4x4');
    expect(rows.slice(-3)).toEqual(['avgpool:AdaptiveAvgPool2d:1x64x1x1', 'flatten:Flatten:1x64', 'fc:Linear:1x10']);
    expect(s.rows.filter((r) => r.type === 'Conv2d')).toHaveLength(20);
    expect(s.rows).toHaveLength(4 + 8 * 6 + 3 * 2 + 3);
    expect(s.totalParams).toBe(zoo.resnet18({ width: 8, numClasses: 10 }).numParameters());
    expect(s.rows.reduce((a, r) => a + r.params, 0)).toBe(s.totalParams); // the shared ReLU counts once
  });

  test('vgg11 (1/16 width): one row per layer of features, then avgpool, flatten, classifier', () => {
    const s = summaryRows(zoo.vgg11({ width: 1 / 16, hidden: 16, numClasses: 10 }), [3, 32, 32]);
    expect(s.rows.map((r) => r.name)).toEqual([
      ...Array.from({ length: 21 }, (_, i) => `features.${i}`), 'avgpool', 'flatten', ...Array.from({ length: 7 }, (_, i) => `classifier.${i}`),
    ]);
    expect(s.rows.find((r) => r.name === 'features.20')!.outputShape).toEqual([1, 32, 1, 1]);
    expect(s.rows.find((r) => r.name === 'avgpool')!.outputShape).toEqual([1, 32, 7, 7]);
  });

  test('U-Net (depth 2, width 4, same): down, pooled inner levels, up, concat, conv, head', () => {
    const s = summaryRows(zoo.unet({ depth: 2, width: 4, padding: 'same' }), [1, 16, 16]);
    const rows = s.rows.map((r) => `${r.name}:${r.outputShape.join('x')}`);
    expect(rows[0]).toBe('down.0:1x4x16x16');
    expect(rows).toContain('skip.pool:1x4x8x8');
    expect(rows).toContain('skip.inner.skip.inner.0:1x16x4x4');
    expect(rows).toContain('skip.up:1x4x16x16');
    expect(rows.at(-1)).toBe('head:1x1x16x16');
  });
});

describe('registry and spec-readiness', () => {
  const ZOO = [
    'lenet5-lecun', 'alexnet', 'alexnet-2012', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11-bn', 'vgg13-bn', 'vgg16-bn', 'vgg19-bn', 'googlenet',
    'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnet18-cifar', 'resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110',
    'densenet121', 'densenet169', 'densenet201', 'mobilenet-v1', 'mobilenet-v2', 'fcn32s', 'fcn16s', 'fcn8s', 'segnet', 'unet',
    'dilated-context-basic', 'dilated-context-large', 'tdnn', 'wavenet', 'deepbind',
  ];

  test('every zoo model is registered with a description, input shape and class count', () => {
    const names = models.list().map((e) => e.name);
    for (const n of ZOO) expect(names, n).toContain(n);
    for (const n of ZOO) {
      const e = models.info(n);
      expect(e.description.length, n).toBeGreaterThan(20);
      expect(e.inputShape.length, n).toBeGreaterThanOrEqual(2);
      expect(e.numClasses, n).toBeGreaterThanOrEqual(1);
    }
  });

  test('small builds are trees of exported nn classes, each with a config() (no model-specific modules)', () => {
    const exported = new Set<unknown>(Object.values(nn).filter((v) => typeof v === 'function'));
    const small: AnyModule[] = [
      zoo.lenet5LeCun(), zoo.alexnet2012({ groups: 2, hidden: 8, inputSize: 67 }), zoo.vgg11Bn({ width: 1 / 16, hidden: 8 }),
      zoo.resnet50({ width: 8 }), zoo.resnetCifar(), zoo.densenet121({ growthRate: 4, numInitFeatures: 8 }), zoo.mobilenetV1({ width: 0.25 }),
      zoo.mobilenetV2({ width: 0.25 }), zoo.fcn8s({ width: 1 / 16, fcWidth: 8 }), zoo.segnet({ width: 1 / 16 }), zoo.unet({ depth: 2, width: 4 }),
      zoo.unet({ depth: 2, width: 4, upsampling: 'bilinear', batchNorm: true }), zoo.contextModule({ numClasses: 2, variant: 'large' }), zoo.tdnn(),
      zoo.wavenet({ layers: 2, stacks: 1 }), zoo.deepbind(),
    ];
    for (const m of small) {
      for (const [name, mod] of m.namedModules()) {
        expect(exported.has(mod.constructor), `${name || '(root)'}: ${mod.constructor.name}`).toBe(true);
        expect(typeof (mod as unknown as { config?: unknown }).config, `${name}: ${mod.constructor.name}.config`).toBe('function');
      }
    }
  });
});
