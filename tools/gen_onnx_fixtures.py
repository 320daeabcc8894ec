#!/usr/bin/env python3
"""ONNX round-trip fixtures: torchvision models exported with torch.onnx.export (PyTorch 1.13).

Seeded; run from the repository root with Debian's python3-torch, python3-torchvision, python3-onnx:

    /usr/bin/python3 tools/gen_onnx_fixtures.py
    /usr/bin/python3 tools/gen_onnx_fixtures.py --check a.onnx b.onnx   # onnx.checker on files neocog wrote

To keep the committed files small the models are torchvision's classes at reduced width (the layer
structure, module names and forward code are torchvision's; only channel counts shrink) and small
inputs:

    resnet18      torchvision ResNet + BasicBlock [2,2,2,2], widths 8-16-32-64, 10 classes, 3x32x32
    mobilenet_v2  torchvision mobilenet_v2(width_mult=0.25), 10 classes, 3x32x32
    densenet121   torchvision DenseNet, growth 4, blocks (6,12,24,16) (DenseNet-121's), 8 initial maps, bn_size 2, 3x32x32
    googlenet     torchvision GoogLeNet (no aux heads), every conv and inception branch / 8, 3x64x64
    vgg11_bn      torchvision VGG with make_layers(cfg 'A' / 16, batch_norm=True), 1x1 avgpool, classifier 64 wide, 3x32x32
    alexnet       torchvision AlexNet at channels / 8, 1x1 avgpool, classifier 64 wide, 3x64x64
    unet          a small U-Net (depth 2, width 4, same padding, transposed-conv upsampling), 1x32x32
    mnist_cnn     a small MNIST classifier (untrained; test/onnx/finetune.test.ts fine-tunes it in neocog), 1x28x28

Each model gets non-trivial batch-norm statistics (a few train-mode passes), then is exported in eval
mode with training=PRESERVE (BatchNormalization kept, not folded into the convs) at opsets 13 and 17 (all
but the MNIST classifier, which fine-tuning uses at 17), dynamic batch, and checked with onnx.checker. Written to
test/onnx/fixtures/: <name>_op<opset>.onnx and <name>.json (input, logits; for resnet18 also the
cross-entropy loss and every parameter's gradient on that batch).
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.models.googlenet import GoogLeNet, Inception, BasicConv2d

OUT = 'test/onnx/fixtures'


class SmallResNet(ResNet):
    """torchvision's ResNet with the stage widths divided by 8 (same modules, same forward)."""

    def __init__(self, num_classes=10):
        super().__init__(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
        self.inplanes = 8
        self.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = self._make_layer(BasicBlock, 8, 2)
        self.layer2 = self._make_layer(BasicBlock, 16, 2, stride=2)
        self.layer3 = self._make_layer(BasicBlock, 32, 2, stride=2)
        self.layer4 = self._make_layer(BasicBlock, 64, 2, stride=2)
        self.fc = nn.Linear(64, num_classes)


def small_googlenet():
    d = lambda c: max(1, c // 8)
    conv = lambda i, o, **kw: BasicConv2d(i if i == 3 else d(i), d(o), **kw)
    incep = lambda i, a, b, c, e, f, g, conv_block=None: Inception(d(i), d(a), d(b), d(c), d(e), d(f), d(g), conv_block=BasicConv2d)
    m = GoogLeNet(num_classes=10, aux_logits=False, transform_input=False, init_weights=True, blocks=[conv, incep, None])
    m.fc = nn.Linear(128, 10)
    return m


def small_vgg():
    cfg = [c if c == 'M' else c // 16 for c in [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']]
    m = tvm.VGG(tvm.vgg.make_layers(cfg, batch_norm=True), num_classes=10, init_weights=True)
    m.avgpool = nn.AdaptiveAvgPool2d(1)  # 1x1 features at 32x32: PyTorch's exporter needs an output size dividing the input
    m.classifier = nn.Sequential(nn.Linear(32, 64), nn.ReLU(True), nn.Dropout(), nn.Linear(64, 64), nn.ReLU(True), nn.Dropout(), nn.Linear(64, 10))
    return m


def small_alexnet():
    m = tvm.AlexNet(num_classes=10)
    m.features = nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(8, 24, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(24, 48, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(48, 32, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(32, 32, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2))
    m.avgpool = nn.AdaptiveAvgPool2d(1)  # 1x1 features at 64x64 (see vgg)
    m.classifier = nn.Sequential(nn.Dropout(), nn.Linear(32, 64), nn.ReLU(inplace=True), nn.Dropout(), nn.Linear(64, 64), nn.ReLU(inplace=True), nn.Linear(64, 10))
    return m


class UNet(nn.Module):
    """Depth-2 U-Net: (conv-BN-ReLU)x2 per level, max-pool down, transposed conv up, concat skips."""

    def __init__(self, c=4):
        super().__init__()
        block = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True), nn.Conv2d(o, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True))
        self.down1, self.down2, self.bottom = block(1, c), block(c, 2 * c), block(2 * c, 4 * c)
        self.up2, self.dec2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2), block(4 * c, 2 * c)
        self.up1, self.dec1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2), block(2 * c, c)
        self.head = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        a = self.down1(x)
        b = self.down2(F.max_pool2d(a, 2))
        m = self.bottom(F.max_pool2d(b, 2))
        y = self.dec2(torch.cat([self.up2(m), b], 1))
        y = self.dec1(torch.cat([self.up1(y), a], 1))
        return self.head(y)


class MnistCNN(nn.Module):
    """A small MNIST classifier for the fine-tuning test: conv-pool-conv-BN-pool, two linear layers with dropout."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5)
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(256, 32)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc2(self.drop(F.relu(self.fc1(torch.flatten(x, 1)))))


MODELS = {
    'resnet18': (SmallResNet, [3, 32, 32], [13, 17]),
    'mobilenet_v2': (lambda: tvm.mobilenet_v2(width_mult=0.25, num_classes=10), [3, 32, 32], [13, 17]),
    'densenet121': (lambda: tvm.DenseNet(growth_rate=4, block_config=(6, 12, 24, 16), num_init_features=8, bn_size=2, num_classes=10), [3, 32, 32], [13, 17]),
    'googlenet': (small_googlenet, [3, 64, 64], [13, 17]),
    'vgg11_bn': (small_vgg, [3, 32, 32], [13, 17]),
    'alexnet': (small_alexnet, [3, 64, 64], [13, 17]),
    'unet': (UNet, [1, 32, 32], [13, 17]),
    'mnist_cnn': (MnistCNN, [1, 28, 28], [17]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, (build, shape, opsets)) in enumerate(MODELS.items()):
        torch.manual_seed(100 + i)
        m = build()
        # Distinct BN affine parameters: torch.onnx deduplicates equal initializers (all-ones weights
        # would become one shared tensor, whose gradient is the sum over every layer using it).
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                nn.init.uniform_(mod.weight, 0.5, 1.5)
                nn.init.normal_(mod.bias, 0, 0.1)
        m.train()
        with torch.no_grad():
            for _ in range(3):
                m(torch.randn(4, *shape))
        m.eval()
        x = torch.randn(2, *shape)
        with torch.no_grad():
            y = m(x)
        rec = {'input_shape': [2, *shape], 'input': x.flatten().tolist(), 'logits_shape': list(y.shape), 'logits': y.flatten().tolist()}
        if name == 'resnet18':
            target = torch.tensor([3, 7])
            out = m(x)
            loss = F.cross_entropy(out, target)
            loss.backward()
            rec['target'] = target.tolist()
            rec['loss'] = loss.item()
            rec['grads'] = {k: p.grad.flatten().tolist() for k, p in m.named_parameters()}
        for opset in opsets:
            path = f'{OUT}/{name}_op{opset}.onnx'
            torch.onnx.export(m, x, path, opset_version=opset, input_names=['input'], output_names=['logits'],
                              dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}, training=torch.onnx.TrainingMode.PRESERVE,
                              do_constant_folding=True)
            model = onnx.load(path)
            onnx.checker.check_model(model)
            ops = sorted({n.op_type for n in model.graph.node})
            print(name, opset, os.path.getsize(path), 'bytes', ops)
        with open(f'{OUT}/{name}.json', 'w') as f:
            json.dump(rec, f)


def check(paths):
    """onnx.checker (with shape inference) on files neocog wrote; prints one JSON line per file."""
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            print(json.dumps({'file': path, 'ok': True}))
        except Exception as e:  # the checker raises several exception types
            print(json.dumps({'file': path, 'ok': False, 'error': str(e).splitlines()[0][:300]}))


if __name__ == '__main__':
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == '--check':
        check(sys.argv[2:])
    else:
        main()
