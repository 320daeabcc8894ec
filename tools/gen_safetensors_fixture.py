#!/usr/bin/env python3
"""PyTorch <-> neocog safetensors interop fixture.

Builds a small seeded PyTorch CNN

    nn.Sequential(Conv2d(1, 4, 3, padding=1), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                  Conv2d(4, 8, 3), Flatten(), Linear(32, 3))

gives its batch norm non-trivial running statistics and affine parameters, and writes

    test/golden/fixtures/small_cnn.safetensors   the state_dict (torch names, num_batches_tracked as I64)
    test/io/fixtures/small_cnn.json              a fixed input [2, 1, 8, 8] and the expected eval-mode logits

(the JSON lives under test/io/ because test/golden/harness.ts replays every *.json in
test/golden/fixtures as op cases). test/io/pytorch-interop.test.ts loads the file into the equivalent
neocog nn.Sequential and matches the logits.

Reverse check (neocog -> torch): save the neocog model with saveModel(model, 'out.safetensors'), then

    /usr/bin/python3 tools/gen_safetensors_fixture.py --verify out.safetensors

parses the file with the same rules as the reference safetensors loader (dtype strings, contiguous
in-order data_offsets, header length, space padding), loads it into the torch model with
load_state_dict(strict=True), runs the fixed input in eval mode and compares with the expected logits
(exit status 0 when they match to 1e-5).

The `safetensors` Python package is not needed: the format is tiny and implemented here with
struct/json. Requires PyTorch (Debian's python3-torch 1.13 works) and numpy; use /usr/bin/python3.
Regenerate (from the repository root): /usr/bin/python3 tools/gen_safetensors_fixture.py
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEIGHTS = os.path.join(ROOT, "test", "golden", "fixtures", "small_cnn.safetensors")
EXPECTED = os.path.join(ROOT, "test", "io", "fixtures", "small_cnn.json")

TORCH_TO_ST = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}
ST_TO_NUMPY = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}
ITEM_BYTES = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3),
        nn.Flatten(),
        nn.Linear(32, 3),
    )


def fixed_input():
    g = torch.Generator().manual_seed(1234)
    return torch.randn(2, 1, 8, 8, generator=g)


def fmt(v):
    f = float("%.9g" % v)
    if not math.isfinite(f):
        raise ValueError("non-finite value")
    return f


# ------------------------------------------------------------------------------------------------
# The format, by hand

def save_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.numpy().astype(ST_TO_NUMPY[TORCH_TO_ST[t.dtype]], copy=False).tobytes()
        header[name] = {"dtype": TORCH_TO_ST[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    """Parses a file with the checks of the reference loader; returns (tensors, metadata, header)."""
    data = open(path, "rb").read()
    if len(data) < 8:
        raise ValueError("file too short for the header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > 100_000_000 or 8 + n > len(data):
        raise ValueError("invalid header length %d" % n)
    text = data[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        raise ValueError("header must start with '{'")
    header = json.loads(text)
    body = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    if any(not isinstance(v, str) for v in metadata.values()):
        raise ValueError("metadata values must be strings")
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    start = 0
    tensors = {}
    for name, e in entries:
        dtype, shape, (b, end) = e["dtype"], e["shape"], e["data_offsets"]
        if dtype not in ITEM_BYTES:
            raise ValueError("%s: unknown dtype %r" % (name, dtype))
        if b != start or end < b:
            raise ValueError("%s: data_offsets %r not contiguous (expected start %d)" % (name, e["data_offsets"], start))
        numel = int(np.prod(shape)) if shape else 1
        if end - b != numel * ITEM_BYTES[dtype]:
            raise ValueError("%s: data_offsets span %d bytes, shape needs %d" % (name, end - b, numel * ITEM_BYTES[dtype]))
        start = end
        arr = np.frombuffer(body[b:end], dtype=ST_TO_NUMPY[dtype]).reshape(shape)
        tensors[name] = torch.from_numpy(arr.copy())
    if start != len(body):
        raise ValueError("data section has %d bytes, tensors cover %d" % (len(body), start))
    order = list(header.keys())
    return {k: tensors[k] for k in order}, metadata, header


# ------------------------------------------------------------------------------------------------

def generate():
    torch.manual_seed(0)
    model = build_model()
    bn = model[1]
    with torch.no_grad():
        bn.weight.copy_(torch.rand(4) + 0.5)
        bn.bias.copy_(torch.randn(4) * 0.2)
        model.train()
        for _ in range(3):  # non-trivial running_mean / running_var / num_batches_tracked
            model(torch.randn(5, 1, 8, 8) * 1.5 + 0.3)
    model.eval()
    x = fixed_input()
    with torch.no_grad():
        logits = model.double()(x.double()).float()  # float64 maths on the float32 values, rounded once
    model.float()
    sd = model.state_dict()
    save_safetensors(WEIGHTS, sd, {"format": "pt", "producer": "tools/gen_safetensors_fixture.py"})
    os.makedirs(os.path.dirname(EXPECTED), exist_ok=True)
    out = {
        "generator": "tools/gen_safetensors_fixture.py",
        "torch": torch.__version__,
        "weights": "test/golden/fixtures/small_cnn.safetensors",
        "stateDict": {k: {"dtype": TORCH_TO_ST[v.dtype], "shape": list(v.shape)} for k, v in sd.items()},
        "input": {"shape": list(x.shape), "data": [fmt(v) for v in x.reshape(-1).tolist()]},
        "logits": {"shape": list(logits.shape), "data": [fmt(v) for v in logits.reshape(-1).tolist()]},
    }
    with open(EXPECTED, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote %s and %s" % (os.path.relpath(WEIGHTS, ROOT), os.path.relpath(EXPECTED, ROOT)))


def verify(path):
    tensors, metadata, _ = load_safetensors(path)
    model = build_model()
    model.load_state_dict(tensors, strict=True)  # int32 num_batches_tracked is cast to int64 by copy_
    model.eval()
    expected = json.load(open(EXPECTED))
    x = torch.tensor(expected["input"]["data"], dtype=torch.float32).reshape(expected["input"]["shape"])
    with torch.no_grad():
        y = model(x)
    want = torch.tensor(expected["logits"]["data"]).reshape(expected["logits"]["shape"])
    diff = (y - want).abs().max().item()
    print("loaded %d tensors from %s (metadata %s)" % (len(tensors), path, json.dumps(metadata)))
    for k, v in tensors.items():
        print("  %-24s %-6s %s" % (k, str(v.dtype).replace("torch.", ""), list(v.shape)))
    print("torch logits:", [[round(v, 6) for v in row] for row in y.tolist()])
    print("max |torch - expected| = %.3g -> %s" % (diff, "OK" if diff <= 1e-5 else "MISMATCH"))
    return 0 if diff <= 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        sys.exit(verify(sys.argv[2]))
    if len(sys.argv) != 1:
        print("usage: gen_safetensors_fixture.py [--verify file.safetensors]", file=sys.stderr)
        sys.exit(2)
    generate()
