"""Exports the inference workloads to ONNX (torch.onnx.export) for the onnxruntime-node peer.

  /usr/bin/python3 bench/peers/export_onnx.py <out-dir>

Writes fuanet_b256.onnx, lenet5_b256.onnx, conv_w3.onnx, resnet18_cifar_b32.onnx, and for W5 resnet18_b1.onnx
(torchvision's ResNet-18, 224x224, 1000 classes) and lenet5_b1.onnx (static shapes, eval mode).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as M  # noqa: E402


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    c = M.CONV
    models = {
        "fuanet_b256": (M.fuanet(), (256, 1, 28, 28)),
        "lenet5_b256": (M.lenet5(), (256, 1, 28, 28)),
        "conv_w3": (M.conv_layer(), (c["N"], c["C"], c["H"], c["W"])),
        "resnet18_cifar_b32": (M.resnet18_cifar(), (M.RESNET_BATCH, 3, 32, 32)),
        "resnet18_b1": (M.resnet18()[0], M.W5A_SHAPE),
        "lenet5_b1": (M.lenet5(), M.W5B_SHAPE),
    }
    for name, (model, shape) in models.items():
        path = os.path.join(out, name + ".onnx")
        tmp = path + ".tmp"
        torch.onnx.export(model.eval(), torch.randn(*shape), tmp, opset_version=13, input_names=["x"], output_names=["y"])
        os.replace(tmp, path)
        print(path)


if __name__ == "__main__":
    main()
