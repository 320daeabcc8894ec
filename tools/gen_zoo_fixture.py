#!/usr/bin/env python3
"""PyTorch fixtures for the model zoo (src/models): torchvision-layout models at reduced width.

torchvision is not needed (and usually not installed): the models are written out here by hand with
torchvision's exact module names and forward passes (resnet.py, vgg.py, densenet.py of torchvision
0.14), at reduced width so the files stay small:

    resnet18_w8     ResNet-18, base width 8 (8-16-32-64 maps), 10 classes       neocog: resnet18({ width: 8, numClasses: 10 })
    vgg11_w16       VGG-11, channels / 16 (4..32), classifier 64 wide, 10 cl.   neocog: vgg11({ width: 1/16, hidden: 64, numClasses: 10 })
    densenet_tiny   DenseNet-BC, growth 4, blocks (2, 2, 2), 8 initial maps,    neocog: densenet({ growthRate: 4, blockConfig: [2, 2, 2],
                    bn_size 2, 10 classes                                                          numInitFeatures: 8, bnSize: 2, numClasses: 10 })

Each model is seeded, its batch norms get non-trivial affine parameters and running statistics (a
few forward passes in train mode), and then in eval mode the logits of a fixed input [2, 3, 32, 32]
are computed in float64 from the float32 weights. Written:

    test/models/fixtures/<name>.safetensors   the state_dict (torch names; num_batches_tracked as I64)
    test/models/fixtures/zoo_logits.json      the input, and per model the state-dict keys/shapes and logits

test/models/pytorch.test.ts loads each file by name into the neocog model (loadModel, strict) and
matches the logits to 1e-4. The safetensors format is written by hand (see
tools/gen_safetensors_fixture.py). Regenerate from the repository root:

    /usr/bin/python3 tools/gen_zoo_fixture.py
"""
import json
import math
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "models", "fixtures")
# The safetensors writer is shared with the small-CNN fixture generator (same directory).
from gen_safetensors_fixture import TORCH_TO_ST, save_safetensors  # noqa: E402


def fmt(v):
    f = float("%.9g" % v)
    if not math.isfinite(f):
        raise ValueError("non-finite value")
    return f


# ------------------------------------------------------------------------------------------------
# torchvision's ResNet (torchvision/models/resnet.py), groups = 1, width_per_group = 64

def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False)


def conv1x1(i, o, stride=1):
    return nn.Conv2d(i, o, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, layers, num_classes=1000, width=64):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


# ------------------------------------------------------------------------------------------------
# torchvision's VGG (torchvision/models/vgg.py), channels scaled

def vgg_features(cfg, width):
    layers = []
    c = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            o = max(1, round(v * width))
            layers += [nn.Conv2d(c, o, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            c = o
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, last, num_classes=1000, hidden=4096):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(last * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
            nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


# ------------------------------------------------------------------------------------------------
# torchvision's DenseNet (torchvision/models/densenet.py), memory_efficient=False, drop_rate=0

class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)

    def forward(self, inputs):
        concated = torch.cat(inputs, 1)
        bottleneck = self.conv1(self.relu1(self.norm1(concated)))
        return self.conv2(self.relu2(self.norm2(bottleneck)))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size))

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate, block_config, num_init_features, bn_size, num_classes):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module("denseblock%d" % (i + 1), _DenseBlock(num_layers, num_features, bn_size, growth_rate))
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module("transition%d" % (i + 1), _Transition(num_features, num_features // 2))
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

    def forward(self, x):
        out = F.relu(self.features(x), inplace=True)
        out = torch.flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# ------------------------------------------------------------------------------------------------

MODELS = [
    ("resnet18_w8", lambda: ResNet([2, 2, 2, 2], num_classes=10, width=8),
     {"builder": "resnet18", "options": {"width": 8, "numClasses": 10}}),
    ("vgg11_w16", lambda: VGG(vgg_features([64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"], 1 / 16), 32, num_classes=10, hidden=64),
     {"builder": "vgg11", "options": {"width": 1 / 16, "hidden": 64, "numClasses": 10}}),
    ("densenet_tiny", lambda: DenseNet(4, (2, 2, 2), 8, 2, 10),
     {"builder": "densenet", "options": {"growthRate": 4, "blockConfig": [2, 2, 2], "numInitFeatures": 8, "bnSize": 2, "numClasses": 10}}),
]


def fixed_input():
    g = torch.Generator().manual_seed(1234)
    return torch.randn(2, 3, 32, 32, generator=g)


def prepare(model, seed):
    """Non-trivial batch-norm affine parameters and running statistics."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features) + 0.5)
                m.bias.copy_(torch.randn(m.num_features) * 0.2)
        model.train()
        for _ in range(3):
            model(torch.randn(4, 3, 32, 32) * 1.5 + 0.3)
    model.eval()


def generate():
    os.makedirs(OUT, exist_ok=True)
    x = fixed_input()
    out = {
        "generator": "tools/gen_zoo_fixture.py",
        "torch": torch.__version__,
        "input": {"shape": list(x.shape), "data": [fmt(v) for v in x.reshape(-1).tolist()]},
        "models": {},
    }
    for i, (name, build, neocog) in enumerate(MODELS):
        torch.manual_seed(100 + i)
        model = build()
        prepare(model, 200 + i)
        sd = model.state_dict()
        with torch.no_grad():
            logits = model.double()(x.double()).float()  # float64 maths on the float32 values, rounded once
        model.float()
        path = os.path.join(OUT, name + ".safetensors")
        save_safetensors(path, sd, {"format": "pt", "producer": "tools/gen_zoo_fixture.py"})
        out["models"][name] = {
            "weights": os.path.relpath(path, ROOT),
            "neocog": neocog,
            "numParameters": sum(p.numel() for p in model.parameters()),
            "stateDict": {k: {"dtype": TORCH_TO_ST[v.dtype], "shape": list(v.shape)} for k, v in sd.items()},
            "logits": {"shape": list(logits.shape), "data": [fmt(v) for v in logits.reshape(-1).tolist()]},
        }
        print("%-14s %8d params  %6d bytes  logits[0][:3] %s" % (name, out["models"][name]["numParameters"], os.path.getsize(path), [round(v, 5) for v in logits[0, :3].tolist()]))
    with open(os.path.join(OUT, "zoo_logits.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    generate()
