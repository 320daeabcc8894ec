"""The WORKLOADS.md models in PyTorch (NCHW), shared by torch_bench.py and export_onnx.py."""
import torch
import torch.nn as nn

CONV = dict(N=16, C=64, H=56, W=56, K=64, k=3)
SGEMM_N = 2048
RESNET_BATCH = 32
W5A_SHAPE = (1, 3, 224, 224)
W5B_SHAPE = (1, 1, 28, 28)


def fuanet():
    return nn.Sequential(
        nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Linear(50, 10), nn.LogSoftmax(dim=1),
    )


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5), nn.ReLU(),
        nn.Flatten(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


class BasicBlock(nn.Module):
    """torchvision's BasicBlock: conv3x3-BN-ReLU-conv3x3-BN + (1x1 conv-BN projection when the shape changes), ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def resnet18_cifar():
    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def _resnet18_own(num_classes):
    """torchvision's resnet18 layout (7x7/2 stem, 3x3/2 max pool, BasicBlocks [2,2,2,2]), for machines without torchvision."""
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers)


def resnet18(num_classes=1000):
    """W5a: torchvision's ResNet-18 when torchvision imports, else the same layers defined here. Returns (model, source)."""
    try:
        import torchvision
    except Exception:  # noqa: BLE001 (torchvision is optional; any import failure means "not usable")
        return _resnet18_own(num_classes), "ResNet-18 from bench/peers/torch_models.py (torchvision not importable)"
    return torchvision.models.resnet18(num_classes=num_classes), f"torchvision {torchvision.__version__} resnet18"


def conv_layer():
    c = CONV
    return nn.Conv2d(c["C"], c["K"], c["k"], 1, 1, bias=True)
