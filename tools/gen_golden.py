#!/usr/bin/env python3
"""Golden-fixture generator for neocog: runs every op on small seeded inputs in PyTorch and writes
the inputs, forward outputs and gradients to test/golden/fixtures/*.json, so the TypeScript tests
can compare neocog with PyTorch without Python in CI.

Run (from the repository root):

    /usr/bin/python3 tools/gen_golden.py

Requires PyTorch (tested with Debian's python3-torch 1.13): `apt-get install python3-torch`.
Use the system interpreter (/usr/bin/python3); a pyenv/virtualenv python usually lacks torch.

Output: one JSON file per op family (conv, conv_transpose, pool, resize_pad, norm, activation, loss,
tensor), each
    {"generator": "tools/gen_golden.py", "torch": "<version>", "cases": [CASE, ...]}
with one case per line. A CASE holds:
    name        unique case name
    op          the neocog op name
    inputs      positional tensor args, in order: {name, shape, dtype, data (flat, row-major), grad}
    args        extra positional non-tensor args after the tensors (may be empty)
    options     the neocog options object (camelCase). Tensor-valued options are
                {"tensor": {shape, dtype, data, grad}}; grad true means a gradient is expected
    outputs     forward outputs (two for returnIndices: values then int32 indices)
    gradOutput  random upstream gradient for outputs[0] (absent when nothing needs a gradient)
    grads       d(sum(outputs[0] * gradOutput)) w.r.t. every input / tensor option with grad true,
                keyed by input name or option name
    mutated     (batchNorm training only) runningMean / runningVar after the call

Conventions:
  * Every case reseeds torch (torch.manual_seed(crc32(case name))), so cases are independent and
    the files are byte-identical from run to run (single-threaded, fixed formatting).
  * Inputs are drawn in float32; the computation runs in float64 on those exact float32 values and
    the results are rounded to float32, so the fixtures are the correctly rounded float32 answers
    (not PyTorch's own float32 rounding noise). Floats are written as float('%.9g' % v), which
    round-trips float32 exactly.
  * int32 tensors (class targets, pooling indices) are written with dtype "int32".
  * localContrastNorm has no PyTorch builtin; it is defined here by `local_contrast_norm` below.
"""
import json
import math
import os
import sys
import warnings
import zlib

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=UserWarning)
F64 = torch.float64

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "golden", "fixtures")


# ----------------------------------------------------------------------------------------------
# Encoding helpers
# ----------------------------------------------------------------------------------------------

def _fmt(v):
    f = float("%.9g" % v)
    if not math.isfinite(f):
        raise ValueError("non-finite value in fixture")
    return f


def enc(t, grad=None, name=None):
    """Tensor -> {shape, dtype, data[, grad]} (float -> float32 values, int -> int32)."""
    t = t.detach()
    d = {}
    if name is not None:
        d["name"] = name
    d["shape"] = list(t.shape)
    if t.dtype.is_floating_point:
        d["dtype"] = "float32"
        d["data"] = [_fmt(v) for v in t.to(torch.float32).reshape(-1).tolist()]
    else:
        d["dtype"] = "int32"
        d["data"] = [int(v) for v in t.reshape(-1).tolist()]
    if grad is not None:
        d["grad"] = grad
    return d


def enc_plain(t):
    d = enc(t)
    return {"shape": d["shape"], "data": d["data"]}


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")))


def randn(*shape):
    return torch.randn(tuple(shape), dtype=torch.float32)


def rand(*shape):
    return torch.rand(tuple(shape), dtype=torch.float32)


def positive(*shape):
    """Values in [0.1, ~3]: safe for log/sqrt/pow bases."""
    return torch.rand(tuple(shape), dtype=torch.float32) * 2.5 + 0.1


def away_from_zero(*shape):
    x = torch.randn(tuple(shape), dtype=torch.float32)
    return torch.where(x >= 0, x + 0.5, x - 0.5)


class TOpt:
    """A tensor-valued option: TOpt(tensor, grad)."""

    def __init__(self, t, grad=False):
        self.t = t
        self.grad = grad


class In:
    """A positional tensor input."""

    def __init__(self, name, t, grad=True):
        self.name = name
        self.t = t
        self.grad = grad


FILES = {}
NAMES = set()


def case(file, name, op, inputs, fn, args=(), options=None, mutated=None):
    """Build one case.

    inputs: list of In (positional tensors, in order). options: the neocog options dict; values
    that are TOpt become tensor options. fn(*input_tensors, **tensor_options) runs the op in torch
    (float64) and returns a tensor or a tuple of tensors. mutated: {optionKey: inputName} of
    inputs that the op updates in place (recorded after the call).
    """
    assert name not in NAMES, name
    NAMES.add(name)
    options = dict(options or {})

    leaves = []
    for i in inputs:
        t = i.t.detach().clone()
        if t.dtype.is_floating_point:
            t = t.to(F64)
            if i.grad:
                t.requires_grad_(True)
        else:
            t = t.to(torch.int64)
        leaves.append(t)
    topt_leaves = {}
    enc_options = {}
    for k, v in options.items():
        if isinstance(v, TOpt):
            t = v.t.detach().clone().to(F64)
            if v.grad:
                t.requires_grad_(True)
            topt_leaves[k] = t
            enc_options[k] = {"tensor": enc(v.t, grad=v.grad)}
        else:
            enc_options[k] = v

    enc_inputs = [enc(i.t, grad=i.grad, name=i.name) for i in inputs]

    out = fn(*leaves, **topt_leaves)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]

    c = {
        "name": name,
        "op": op,
        "inputs": enc_inputs,
        "args": list(args),
        "options": enc_options,
        "outputs": [enc(o) for o in outs],
    }

    wrt = [(i.name, leaf) for i, leaf in zip(inputs, leaves) if i.grad]
    wrt += [(k, topt_leaves[k]) for k, v in options.items() if isinstance(v, TOpt) and v.grad]
    if wrt:
        go = randn(*outs[0].shape).to(F64)
        grads = torch.autograd.grad((outs[0] * go).sum(), [t for _, t in wrt], allow_unused=True)
        c["gradOutput"] = enc_plain(go)
        c["grads"] = {}
        for (k, t), g in zip(wrt, grads):
            if g is None:
                g = torch.zeros_like(t)
            c["grads"][k] = enc_plain(g)

    if mutated:
        names = [i.name for i in inputs]
        c["mutated"] = {k: enc_plain(leaves[names.index(v)]) for k, v in mutated.items()}

    FILES.setdefault(file, []).append(c)


# ----------------------------------------------------------------------------------------------
# conv.json
# ----------------------------------------------------------------------------------------------

def conv1d_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    k = w.shape[-1]
    if padding == "causal":
        x = F.pad(x, [dilation * (k - 1), 0])
        padding = 0
    elif isinstance(padding, (list, tuple)):
        x = F.pad(x, [padding[0], padding[1]])
        padding = 0
    return F.conv1d(x, w, b, stride, padding, dilation, groups)


def conv2d_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    if isinstance(padding, (list, tuple)) and len(padding) == 4:
        t, bt, l, r = padding
        x = F.pad(x, [l, r, t, bt])
        padding = 0
    elif isinstance(padding, list):
        padding = tuple(padding)
    st = tuple(stride) if isinstance(stride, list) else stride
    dl = tuple(dilation) if isinstance(dilation, list) else dilation
    return F.conv2d(x, w, b, st, padding, dl, groups)


def conv_case(dim, name, n, c, size, k_out, ksize, bias=True, **opts):
    seed(name)
    groups = opts.get("groups", 1)
    ks = [ksize] * dim if isinstance(ksize, int) else list(ksize)
    sz = [size] * dim if isinstance(size, int) else list(size)
    x = randn(n, c, *sz)
    w = randn(k_out, c // groups, *ks) * 0.5
    ins = [In("x", x), In("weight", w)]
    if bias:
        ins.append(In("bias", randn(k_out)))
    ref = conv1d_ref if dim == 1 else conv2d_ref

    def fn(*ts):
        return ref(*ts, **opts)

    case("conv", name, "conv%dd" % dim, ins, fn, options=opts)


def gen_conv():
    # conv1d
    conv_case(1, "conv1d_plain", 2, 3, 10, 4, 3)
    conv_case(1, "conv1d_no_bias", 2, 3, 10, 4, 3, bias=False, padding=1)
    conv_case(1, "conv1d_stride2_pad1", 2, 3, 11, 4, 3, stride=2, padding=1)
    conv_case(1, "conv1d_same_dil2", 2, 3, 10, 4, 3, padding="same", dilation=2)
    conv_case(1, "conv1d_same_even_kernel", 2, 3, 9, 2, 4, padding="same")
    conv_case(1, "conv1d_valid", 2, 3, 9, 4, 4, padding="valid")
    conv_case(1, "conv1d_asym_pad", 2, 3, 8, 4, 3, padding=[2, 1])
    conv_case(1, "conv1d_groups2", 2, 4, 9, 6, 3, groups=2, padding=1)
    conv_case(1, "conv1d_depthwise", 2, 3, 9, 6, 3, groups=3, padding=1)
    conv_case(1, "conv1d_1x1", 2, 5, 7, 3, 1)
    conv_case(1, "conv1d_batch1", 1, 2, 12, 3, 5, stride=2, padding=2)
    conv_case(1, "conv1d_odd", 3, 3, 13, 2, 4, stride=3, padding=1)
    conv_case(1, "conv1d_causal_dil2", 2, 3, 10, 4, 3, padding="causal", dilation=2)
    conv_case(1, "conv1d_causal_k2", 1, 2, 6, 2, 2, padding="causal")
    conv_case(1, "conv1d_stride2_groups2_dil2", 2, 4, 15, 4, 3, stride=2, groups=2, dilation=2, padding=2)
    # conv2d
    conv_case(2, "conv2d_plain", 2, 3, 6, 4, 3)
    conv_case(2, "conv2d_no_bias", 2, 3, 6, 4, 3, bias=False, padding=1)
    conv_case(2, "conv2d_stride2_pad1", 2, 3, 7, 4, 3, stride=2, padding=1)
    conv_case(2, "conv2d_same_dil2", 2, 3, 7, 4, 3, padding="same", dilation=2)
    conv_case(2, "conv2d_same_even_kernel", 1, 2, [5, 6], 3, [2, 4], padding="same")
    conv_case(2, "conv2d_valid", 2, 3, [6, 7], 4, 3, padding="valid")
    conv_case(2, "conv2d_asym_pad", 2, 3, 5, 4, 3, padding=[1, 0, 2, 1])
    conv_case(2, "conv2d_groups2", 2, 4, 6, 6, 3, groups=2, padding=1)
    conv_case(2, "conv2d_stride2_groups2", 2, 4, 7, 4, 3, stride=2, groups=2, padding=1)
    conv_case(2, "conv2d_depthwise", 2, 3, 6, 6, 3, groups=3, padding=1)
    conv_case(2, "conv2d_1x1", 2, 5, 4, 3, 1)
    conv_case(2, "conv2d_batch1", 1, 3, 6, 2, 3, padding=1)
    conv_case(2, "conv2d_odd_7x9", 2, 2, [7, 9], 3, 3, stride=2, padding=1)
    conv_case(2, "conv2d_tuple_args", 2, 2, [7, 9], 3, [3, 2], stride=[2, 1], padding=[1, 0],
              dilation=[1, 2])
    conv_case(2, "conv2d_dil2_stride2", 1, 2, 9, 2, 3, stride=2, dilation=2, padding=2)


# ----------------------------------------------------------------------------------------------
# conv_transpose.json
# ----------------------------------------------------------------------------------------------

def convt_case(dim, name, n, c_in, size, c_out, ksize, bias=True, **opts):
    seed(name)
    groups = opts.get("groups", 1)
    ks = [ksize] * dim if isinstance(ksize, int) else list(ksize)
    sz = [size] * dim if isinstance(size, int) else list(size)
    x = randn(n, c_in, *sz)
    w = randn(c_in, c_out // groups, *ks) * 0.5
    ins = [In("x", x), In("weight", w)]
    if bias:
        ins.append(In("bias", randn(c_out)))

    def t(v):
        return tuple(v) if isinstance(v, list) else v

    def fn(x, w, b=None):
        f = F.conv_transpose1d if dim == 1 else F.conv_transpose2d
        return f(x, w, b, stride=t(opts.get("stride", 1)), padding=t(opts.get("padding", 0)),
                 output_padding=t(opts.get("outputPadding", 0)), groups=groups,
                 dilation=t(opts.get("dilation", 1)))

    case("conv_transpose", name, "convTranspose%dd" % dim, ins, fn, options=opts)


def gen_conv_transpose():
    for d in (1, 2):
        p = "convtranspose%dd_" % d
        s = 5 if d == 1 else 4
        convt_case(d, p + "plain", 2, 3, s, 4, 3)
        convt_case(d, p + "no_bias", 2, 3, s, 2, 3, bias=False, padding=1)
        convt_case(d, p + "stride2", 2, 3, s, 2, 3, stride=2)
        convt_case(d, p + "stride2_pad1_outpad1", 2, 3, s, 2, 3, stride=2, padding=1, outputPadding=1)
        convt_case(d, p + "groups2", 2, 4, s, 6, 3, groups=2, padding=1)
        convt_case(d, p + "dil2", 2, 2, s, 3, 3, dilation=2)
        convt_case(d, p + "combo", 2, 4, s, 4, 3, stride=3, padding=2, outputPadding=1, dilation=2,
                   groups=2)
        convt_case(d, p + "k2_stride2_batch1", 1, 3, s, 2, 2, stride=2)
    convt_case(2, "convtranspose2d_tuple_args", 2, 2, [3, 4], 3, [3, 2], stride=[2, 1],
               padding=[1, 0], outputPadding=[1, 0])
    convt_case(2, "convtranspose2d_odd", 1, 2, [3, 5], 2, 3, stride=2, padding=1, outputPadding=1,
               bias=False)


# ----------------------------------------------------------------------------------------------
# pool.json
# ----------------------------------------------------------------------------------------------

def tup(v):
    return tuple(v) if isinstance(v, list) else v


def maxpool_case(dim, name, shape, **opts):
    seed(name)
    x = randn(*shape)

    def fn(x):
        f = F.max_pool1d if dim == 1 else F.max_pool2d
        k = tup(opts["kernelSize"])
        r = f(x, k, stride=tup(opts.get("stride", None)), padding=tup(opts.get("padding", 0)),
              dilation=tup(opts.get("dilation", 1)), ceil_mode=opts.get("ceilMode", False),
              return_indices=opts.get("returnIndices", False))
        return r

    case("pool", name, "maxPool%dd" % dim, [In("x", x)], fn, options=opts)


def avgpool_case(dim, name, shape, **opts):
    seed(name)
    x = randn(*shape)

    def fn(x):
        k = opts["kernelSize"]
        s = opts.get("stride", None)
        p = opts.get("padding", 0)
        cm = opts.get("ceilMode", False)
        cip = opts.get("countIncludePad", True)
        dv = opts.get("divisorOverride", None)
        if dim == 1:
            # avg_pool1d has no divisor_override: run it as a height-1 avg_pool2d (identical).
            return F.avg_pool2d(x.unsqueeze(-2), (1, k), (1, s if s is not None else k), (0, p),
                                cm, cip, dv).squeeze(-2)
        return F.avg_pool2d(x, tup(k), tup(s), tup(p), cm, cip, dv)

    case("pool", name, "avgPool%dd" % dim, [In("x", x)], fn, options=opts)


def lppool_case(dim, name, x, p, k, **opts):
    def fn(x):
        f = F.lp_pool1d if dim == 1 else F.lp_pool2d
        return f(x, p, tup(k), stride=tup(opts.get("stride", None)), ceil_mode=opts.get("ceilMode", False))

    case("pool", name, "lpPool%dd" % dim, [In("x", x)], fn, args=[p, k], options=opts)


def gen_pool():
    # maxPool2d
    maxpool_case(2, "maxpool2d_k2", [2, 3, 6, 6], kernelSize=2)
    maxpool_case(2, "maxpool2d_k3_s2_p1", [2, 2, 7, 7], kernelSize=3, stride=2, padding=1)
    maxpool_case(2, "maxpool2d_dil2", [1, 2, 8, 8], kernelSize=3, stride=1, dilation=2)
    maxpool_case(2, "maxpool2d_dil2_pad1_s2", [1, 2, 9, 8], kernelSize=2, stride=2, dilation=2, padding=1)
    maxpool_case(2, "maxpool2d_ceil_overhang", [2, 2, 5, 5], kernelSize=2, stride=2, ceilMode=True)
    maxpool_case(2, "maxpool2d_ceil_pad1", [1, 2, 6, 6], kernelSize=3, stride=2, padding=1, ceilMode=True)
    maxpool_case(2, "maxpool2d_return_indices", [2, 2, 6, 6], kernelSize=2, returnIndices=True)
    maxpool_case(2, "maxpool2d_return_indices_pad_ceil", [1, 3, 7, 6], kernelSize=3, stride=2, padding=1,
                 ceilMode=True, returnIndices=True)
    maxpool_case(2, "maxpool2d_rect_kernel", [2, 2, 6, 7], kernelSize=[2, 3], stride=[2, 1])
    # maxPool1d
    maxpool_case(1, "maxpool1d_k2", [2, 3, 8], kernelSize=2)
    maxpool_case(1, "maxpool1d_k3_s2_p1", [2, 2, 9], kernelSize=3, stride=2, padding=1)
    maxpool_case(1, "maxpool1d_dil2", [2, 2, 10], kernelSize=3, stride=1, dilation=2)
    maxpool_case(1, "maxpool1d_ceil_overhang", [2, 2, 7], kernelSize=2, stride=2, ceilMode=True)
    maxpool_case(1, "maxpool1d_ceil_pad1", [1, 2, 8], kernelSize=3, stride=2, padding=1, ceilMode=True)
    maxpool_case(1, "maxpool1d_return_indices", [2, 2, 9], kernelSize=3, stride=2, padding=1,
                 returnIndices=True)

    # avgPool2d
    avgpool_case(2, "avgpool2d_k2", [2, 3, 6, 6], kernelSize=2)
    avgpool_case(2, "avgpool2d_k3_s2_p1", [2, 2, 7, 7], kernelSize=3, stride=2, padding=1)
    avgpool_case(2, "avgpool2d_k3_s2_p1_exclude_pad", [2, 2, 7, 7], kernelSize=3, stride=2, padding=1,
                 countIncludePad=False)
    avgpool_case(2, "avgpool2d_ceil_overhang", [1, 2, 5, 5], kernelSize=2, stride=2, ceilMode=True)
    avgpool_case(2, "avgpool2d_ceil_pad1", [1, 2, 6, 6], kernelSize=3, stride=2, padding=1, ceilMode=True)
    avgpool_case(2, "avgpool2d_ceil_pad1_exclude_pad", [1, 2, 6, 6], kernelSize=3, stride=2, padding=1,
                 ceilMode=True, countIncludePad=False)
    avgpool_case(2, "avgpool2d_divisor_override", [2, 2, 6, 6], kernelSize=3, stride=2, padding=1,
                 divisorOverride=3)
    avgpool_case(2, "avgpool2d_rect_kernel", [2, 2, 6, 7], kernelSize=[2, 3], stride=[1, 2])
    # avgPool1d
    avgpool_case(1, "avgpool1d_k2", [2, 3, 8], kernelSize=2)
    avgpool_case(1, "avgpool1d_k3_s2_p1", [2, 2, 9], kernelSize=3, stride=2, padding=1)
    avgpool_case(1, "avgpool1d_k3_s2_p1_exclude_pad", [2, 2, 9], kernelSize=3, stride=2, padding=1,
                 countIncludePad=False)
    avgpool_case(1, "avgpool1d_ceil_overhang", [2, 2, 7], kernelSize=2, stride=2, ceilMode=True)
    avgpool_case(1, "avgpool1d_ceil_pad1", [1, 2, 8], kernelSize=3, stride=2, padding=1, ceilMode=True)
    avgpool_case(1, "avgpool1d_divisor_override", [2, 2, 9], kernelSize=3, stride=2, padding=1,
                 divisorOverride=2)

    # lpPool (torch: (sum over window of x^p)^(1/p), computed as avg_pool(x^p) * kernel_numel;
    # with ceilMode the overhanging windows' average divides by the clipped window, as torch does).
    seed("lppool2d_p2_k2")
    lppool_case(2, "lppool2d_p2_k2", randn(2, 2, 6, 6), 2, 2)
    seed("lppool2d_p2_k3_s2")
    lppool_case(2, "lppool2d_p2_k3_s2", randn(2, 2, 7, 7), 2, 3, stride=2)
    seed("lppool2d_p3_k2_positive")
    lppool_case(2, "lppool2d_p3_k2_positive", positive(2, 2, 6, 6), 3, 2)
    seed("lppool2d_p2_rect_kernel")
    lppool_case(2, "lppool2d_p2_rect_kernel", randn(1, 2, 6, 7), 2, [2, 3], stride=[2, 1])
    seed("lppool2d_p2_ceil")
    lppool_case(2, "lppool2d_p2_ceil", randn(1, 2, 5, 5), 2, 2, ceilMode=True)
    seed("lppool1d_p2_k2")
    lppool_case(1, "lppool1d_p2_k2", randn(2, 3, 8), 2, 2)
    seed("lppool1d_p3_k3_s2_positive")
    lppool_case(1, "lppool1d_p3_k3_s2_positive", positive(2, 2, 9), 3, 3, stride=2)
    seed("lppool1d_p2_ceil")
    lppool_case(1, "lppool1d_p2_ceil", randn(2, 2, 7), 2, 2, ceilMode=True)

    # adaptive pools
    for name, shape, osz in [("adaptiveavgpool1d_7_to_3", [2, 3, 7], 3),
                             ("adaptiveavgpool1d_8_to_4", [2, 2, 8], 4),
                             ("adaptiveavgpool1d_10_to_4", [1, 2, 10], 4),
                             ("adaptiveavgpool1d_4_to_6_up", [1, 2, 4], 6),
                             ("adaptiveavgpool1d_to_1", [2, 3, 5], 1)]:
        seed(name)
        case("pool", name, "adaptiveAvgPool1d", [In("x", randn(*shape))],
             lambda x, o=osz: F.adaptive_avg_pool1d(x, o), args=[osz])
    for name, shape, osz in [("adaptiveavgpool2d_7_to_3", [2, 2, 7, 7], 3),
                             ("adaptiveavgpool2d_7x9_to_3x4", [1, 2, 7, 9], [3, 4]),
                             ("adaptiveavgpool2d_6_to_2x3", [2, 2, 6, 6], [2, 3]),
                             ("adaptiveavgpool2d_to_1", [2, 3, 5, 4], 1),
                             ("adaptiveavgpool2d_3_to_5_up", [1, 2, 3, 3], 5)]:
        seed(name)
        case("pool", name, "adaptiveAvgPool2d", [In("x", randn(*shape))],
             lambda x, o=osz: F.adaptive_avg_pool2d(x, tup(o)), args=[osz])
    for name, shape, osz, ri in [("adaptivemaxpool2d_7_to_3", [2, 2, 7, 7], 3, False),
                                 ("adaptivemaxpool2d_7x9_to_3x4_indices", [1, 2, 7, 9], [3, 4], True),
                                 ("adaptivemaxpool2d_6_to_2x3_indices", [2, 2, 6, 6], [2, 3], True),
                                 ("adaptivemaxpool2d_to_1", [2, 3, 5, 4], 1, False)]:
        seed(name)
        opts = {"returnIndices": True} if ri else {}
        case("pool", name, "adaptiveMaxPool2d", [In("x", randn(*shape))],
             lambda x, o=osz, r=ri: F.adaptive_max_pool2d(x, tup(o), return_indices=r),
             args=[osz], options=opts)

    # max unpool: x / indices come from torch's max_pool with return_indices.
    for dim, name, shape, k, s, p, osz in [
            (2, "maxunpool2d_k2", [2, 2, 4, 4], 2, None, 0, None),
            (2, "maxunpool2d_k3_s2_p1_output_size", [1, 2, 5, 5], 3, 2, 1, [5, 5]),
            (2, "maxunpool2d_k2_odd_output_size", [2, 2, 5, 5], 2, 2, 0, [5, 5]),
            (2, "maxunpool2d_k3_s3_rect", [1, 2, 6, 9], 3, 3, 0, None),
            (1, "maxunpool1d_k2", [2, 2, 8], 2, None, 0, None),
            (1, "maxunpool1d_k3_s2_p1_output_size", [2, 2, 9], 3, 2, 1, [9])]:
        seed(name)
        src = randn(*shape)
        mp = F.max_pool1d if dim == 1 else F.max_pool2d
        vals, idx = mp(src, k, s, p, return_indices=True)
        opts = {"kernelSize": k}
        if s is not None:
            opts["stride"] = s
        if p:
            opts["padding"] = p
        if osz is not None:
            opts["outputSize"] = osz

        def fn(x, i, dim=dim, k=k, s=s, p=p, osz=osz):
            f = F.max_unpool1d if dim == 1 else F.max_unpool2d
            return f(x, i, k, s, p, output_size=osz)

        case("pool", name, "maxUnpool%dd" % dim,
             [In("x", vals), In("indices", idx.to(torch.int32), grad=False)], fn, options=opts)


# ----------------------------------------------------------------------------------------------
# resize_pad.json
# ----------------------------------------------------------------------------------------------

def gen_resize_pad():
    for name, shape, opts in [
            ("interpolate_nearest_scale2", [2, 2, 3, 4], {"scaleFactor": 2, "mode": "nearest"}),
            ("interpolate_nearest_size5_from3", [1, 2, 3, 3], {"size": 5, "mode": "nearest"}),
            ("interpolate_nearest_size_rect", [1, 2, 3, 4], {"size": [5, 7], "mode": "nearest"}),
            ("interpolate_nearest_downsample", [1, 2, 7, 8], {"size": [3, 5], "mode": "nearest"}),
            ("interpolate_nearest_default_mode", [1, 1, 2, 3], {"scaleFactor": 3}),
            ("interpolate_bilinear_align_true", [2, 2, 3, 4], {"size": [5, 7], "mode": "bilinear",
                                                               "alignCorners": True}),
            ("interpolate_bilinear_align_false", [2, 2, 3, 4], {"size": [5, 7], "mode": "bilinear",
                                                                "alignCorners": False}),
            ("interpolate_bilinear_scale2", [1, 2, 3, 4], {"scaleFactor": 2, "mode": "bilinear"}),
            ("interpolate_bilinear_scale2_align_true", [1, 2, 3, 3], {"scaleFactor": 2, "mode": "bilinear",
                                                                      "alignCorners": True}),
            ("interpolate_bilinear_downsample", [1, 2, 8, 9], {"size": [3, 4], "mode": "bilinear"}),
            ("interpolate_bilinear_downsample_align_true", [1, 2, 8, 9], {"size": [3, 4], "mode": "bilinear",
                                                                          "alignCorners": True}),
            ("interpolate_bilinear_size_int", [1, 1, 4, 4], {"size": 6, "mode": "bilinear"})]:
        seed(name)
        x = randn(*shape)

        def fn(x, o=opts):
            size = o.get("size")
            return F.interpolate(x, size=tup(size), scale_factor=o.get("scaleFactor"),
                                 mode=o.get("mode", "nearest"), align_corners=o.get("alignCorners"))

        case("resize_pad", name, "interpolate", [In("x", x)], fn, options=opts)

    for name, shape, pad, opts in [
            ("pad_constant_3d", [2, 2, 5], [1, 2], {"mode": "constant", "value": 0.5}),
            ("pad_constant_4d", [2, 2, 3, 4], [1, 0, 2, 1], {"mode": "constant", "value": 0.5}),
            ("pad_constant_4d_last_dim_default", [1, 2, 3, 3], [2, 1], {}),
            ("pad_constant_4d_negative_crop", [1, 2, 4, 5], [-1, 2, 1, -2], {"mode": "constant", "value": 0.5}),
            ("pad_reflect_3d", [2, 2, 5], [2, 3], {"mode": "reflect"}),
            ("pad_reflect_4d", [1, 2, 4, 5], [1, 2, 3, 1], {"mode": "reflect"}),
            ("pad_replicate_3d", [2, 2, 4], [3, 1], {"mode": "replicate"}),
            ("pad_replicate_4d", [1, 2, 3, 4], [2, 1, 0, 3], {"mode": "replicate"})]:
        seed(name)
        x = randn(*shape)

        def fn(x, p=pad, o=opts):
            return F.pad(x, p, mode=o.get("mode", "constant"), value=o.get("value", 0.0))

        case("resize_pad", name, "pad", [In("x", x)], fn, args=[pad], options=opts)


# ----------------------------------------------------------------------------------------------
# norm.json
# ----------------------------------------------------------------------------------------------

def local_contrast_norm(x, size=9, sigma=2.0, eps=1e-4):
    """Reference local contrast normalisation (neocog's definition)."""
    assert size % 2 == 1
    C = x.shape[1]
    r = torch.arange(size, dtype=x.dtype) - size // 2
    g1 = torch.exp(-(r * r) / (2 * sigma * sigma))
    g = g1[:, None] * g1[None, :]
    w = (g / (g.sum() * C)).expand(1, C, size, size).contiguous()
    mean = F.conv2d(x, w, padding=size // 2)
    v = x - mean
    s = torch.sqrt(F.conv2d(v * v, w, padding=size // 2))
    c = s.mean(dim=(2, 3), keepdim=True)
    return v / torch.clamp_min(torch.maximum(s, c), eps)


def gen_norm():
    for name, shape, training, affine, opts in [
            ("batchnorm_2d_train", [6, 3], True, True, {}),
            ("batchnorm_2d_eval", [5, 3], False, True, {}),
            ("batchnorm_4d_train", [2, 3, 4, 4], True, True, {}),
            ("batchnorm_4d_eval", [2, 3, 3, 4], False, True, {}),
            ("batchnorm_4d_train_no_affine", [3, 2, 3, 3], True, False, {}),
            ("batchnorm_4d_eval_no_affine", [2, 2, 3, 3], False, False, {}),
            ("batchnorm_4d_train_momentum_eps", [2, 3, 3, 3], True, True, {"momentum": 0.3, "eps": 1e-3}),
            ("batchnorm_2d_train_momentum_eps", [4, 2], True, True, {"momentum": 0.5, "eps": 0.01})]:
        seed(name)
        C = shape[1]
        x = randn(*shape) * 1.5 + 0.3
        rm = randn(C) * 0.5
        rv = rand(C) + 0.5
        o = {}
        if affine:
            o["weight"] = TOpt(randn(C) * 0.5 + 1.0, grad=True)
            o["bias"] = TOpt(randn(C) * 0.5, grad=True)
        o["training"] = training
        o.update(opts)

        def fn(x, rm, rv, weight=None, bias=None, tr=training, oo=opts):
            return F.batch_norm(x, rm, rv, weight, bias, training=tr, momentum=oo.get("momentum", 0.1),
                                eps=oo.get("eps", 1e-5))

        case("norm", name, "batchNorm",
             [In("x", x), In("runningMean", rm, grad=False), In("runningVar", rv, grad=False)], fn,
             options=o,
             mutated={"runningMean": "runningMean", "runningVar": "runningVar"} if training else None)

    for name, shape, size, opts in [
            ("lrn_size2", [2, 5, 3, 3], 2, {"alpha": 0.5, "beta": 0.75, "k": 2.0}),
            ("lrn_size3", [2, 6, 3, 4], 3, {"alpha": 0.3, "beta": 0.6, "k": 1.5}),
            ("lrn_size5", [1, 7, 4, 3], 5, {"alpha": 1.0, "beta": 0.75, "k": 1.0}),
            ("lrn_size5_defaults", [2, 6, 3, 3], 5, {}),
            ("lrn_size3_few_channels", [2, 2, 3, 3], 3, {"alpha": 0.8, "beta": 0.5, "k": 1.0})]:
        seed(name)
        x = randn(*shape) * 2

        def fn(x, s=size, o=opts):
            return F.local_response_norm(x, s, alpha=o.get("alpha", 1e-4), beta=o.get("beta", 0.75),
                                         k=o.get("k", 1.0))

        case("norm", name, "localResponseNorm", [In("x", x)], fn, args=[size], options=opts)

    for name, shape, opts in [
            ("lcn_size3", [2, 2, 6, 6], {"size": 3, "sigma": 1.0}),
            ("lcn_size5", [1, 3, 7, 8], {"size": 5, "sigma": 2.0}),
            ("lcn_size5_eps", [2, 1, 6, 5], {"size": 5, "sigma": 1.5, "eps": 1e-2}),
            ("lcn_defaults", [1, 2, 10, 10], {})]:
        seed(name)
        x = randn(*shape)

        def fn(x, o=opts):
            return local_contrast_norm(x, size=o.get("size", 9), sigma=o.get("sigma", 2.0), eps=o.get("eps", 1e-4))

        case("norm", name, "localContrastNorm", [In("x", x)], fn, options=opts)


# ----------------------------------------------------------------------------------------------
# activation.json
# ----------------------------------------------------------------------------------------------

def gen_activation():
    for op, fn in [("relu", F.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)]:
        for suffix, shape, scale in [("2d", [3, 5], 2.0), ("4d", [2, 3, 2, 3], 3.0)]:
            name = "%s_%s" % (op.lower(), suffix)
            seed(name)
            case("activation", name, op, [In("x", randn(*shape) * scale)], fn)
    for name, shape, opts in [("leakyrelu_default", [3, 5], {}),
                              ("leakyrelu_slope0.2_4d", [2, 2, 3, 3], {"negativeSlope": 0.2})]:
        seed(name)
        case("activation", name, "leakyRelu", [In("x", randn(*shape) * 2)],
             lambda x, o=opts: F.leaky_relu(x, o.get("negativeSlope", 0.01)), options=opts)
    for name, shape, opts in [("elu_default", [3, 5], {}),
                              ("elu_alpha0.5_4d", [2, 2, 3, 3], {"alpha": 0.5})]:
        seed(name)
        case("activation", name, "elu", [In("x", randn(*shape) * 2)],
             lambda x, o=opts: F.elu(x, o.get("alpha", 1.0)), options=opts)
    for op, f in [("softmax", F.softmax), ("logSoftmax", F.log_softmax)]:
        for suffix, shape, scale, dim in [("2d_last", [3, 5], 2.0, -1),
                                          ("2d_dim0", [4, 3], 2.0, 0),
                                          ("large_logits", [3, 6], 100.0, 1),
                                          ("4d_dim1", [2, 4, 2, 3], 2.0, 1),
                                          ("3d_last", [2, 3, 4], 1.0, 2)]:
            name = "%s_%s" % (op.lower(), suffix)
            seed(name)
            x = randn(*shape) * scale
            case("activation", name, op, [In("x", x)], lambda x, d=dim, f=f: f(x, dim=d), args=[dim])
    for name, xshape, fin, fout, bias in [("linear_2d", [4, 5], 5, 3, True),
                                          ("linear_3d", [2, 3, 4], 4, 6, True),
                                          ("linear_no_bias", [3, 4], 4, 2, False)]:
        seed(name)
        ins = [In("x", randn(*xshape)), In("weight", randn(fout, fin) * 0.5)]
        if bias:
            ins.append(In("bias", randn(fout)))
        case("activation", name, "linear", ins, lambda *t: F.linear(*t))


# ----------------------------------------------------------------------------------------------
# loss.json
# ----------------------------------------------------------------------------------------------

def class_target(shape, C):
    return torch.randint(0, C, shape, dtype=torch.int64)


def gen_loss():
    # crossEntropy(input, target, {weight, ignoreIndex, reduction, labelSmoothing})
    ce_cases = [
        # name, input shape, scale, options (weight True => random class weights), ignore positions
        ("ce_mean", [4, 5], 1.0, {}, None),
        ("ce_sum", [4, 5], 1.0, {"reduction": "sum"}, None),
        ("ce_none", [4, 5], 1.0, {"reduction": "none"}, None),
        ("ce_large_logits", [4, 5], 100.0, {}, None),
        ("ce_weight", [6, 4], 1.0, {"weight": True}, None),
        ("ce_weight_sum", [6, 4], 1.0, {"weight": True, "reduction": "sum"}, None),
        ("ce_ignore_index_default", [5, 4], 1.0, {}, -100),
        ("ce_ignore_index_2_weight", [5, 4], 1.0, {"ignoreIndex": 2, "weight": True}, 2),
        ("ce_ignore_index_none", [5, 4], 1.0, {"ignoreIndex": -1, "reduction": "none"}, -1),
        ("ce_label_smoothing", [4, 5], 1.0, {"labelSmoothing": 0.1}, None),
        ("ce_label_smoothing_weight", [6, 4], 1.0, {"labelSmoothing": 0.1, "weight": True}, None),
        ("ce_label_smoothing_weight_sum", [6, 4], 1.0, {"labelSmoothing": 0.1, "weight": True,
                                                        "reduction": "sum"}, None),
        ("ce_label_smoothing_none", [4, 5], 1.0, {"labelSmoothing": 0.1, "reduction": "none"}, None),
        ("ce_label_smoothing_ignore", [5, 4], 1.0, {"labelSmoothing": 0.1, "ignoreIndex": 1}, 1),
        ("ce_4d", [2, 3, 3, 4], 1.0, {}, None),
        ("ce_4d_weight_none", [2, 3, 2, 3], 1.0, {"weight": True, "reduction": "none"}, None),
        ("ce_4d_label_smoothing_weight", [2, 3, 3, 3], 1.0, {"labelSmoothing": 0.1, "weight": True}, None),
    ]
    for name, shape, scale, o, ignore in ce_cases:
        seed(name)
        C = shape[1]
        x = randn(*shape) * scale
        tshape = [shape[0]] + shape[2:]
        t = class_target(tshape, C)
        if ignore is not None:
            flat = t.view(-1)
            flat[1] = ignore
        opts = {}
        if o.get("weight"):
            opts["weight"] = TOpt(rand(C) + 0.5, grad=False)
        for k in ("ignoreIndex", "reduction", "labelSmoothing"):
            if k in o:
                opts[k] = o[k]

        def fn(x, t, weight=None, o=o):
            return F.cross_entropy(x, t, weight=weight, ignore_index=o.get("ignoreIndex", -100),
                                   reduction=o.get("reduction", "mean"),
                                   label_smoothing=o.get("labelSmoothing", 0.0))

        case("loss", name, "crossEntropy", [In("input", x), In("target", t.to(torch.int32), grad=False)],
             fn, options=opts)

    # nllLoss(input, target, {weight, ignoreIndex, reduction}); input = log-probabilities
    for name, shape, o, ignore in [
            ("nll_mean", [4, 5], {}, None),
            ("nll_sum", [4, 5], {"reduction": "sum"}, None),
            ("nll_none", [4, 5], {"reduction": "none"}, None),
            ("nll_weight", [6, 4], {"weight": True}, None),
            ("nll_ignore_index", [5, 4], {"ignoreIndex": 0, "weight": True}, 0),
            ("nll_ignore_index_default", [5, 3], {}, -100),
            ("nll_4d", [2, 3, 3, 2], {}, None),
            ("nll_4d_weight_sum", [2, 3, 2, 3], {"weight": True, "reduction": "sum"}, None)]:
        seed(name)
        C = shape[1]
        x = F.log_softmax(randn(*shape), dim=1)
        t = class_target([shape[0]] + shape[2:], C)
        if ignore is not None:
            t.view(-1)[2] = ignore
        opts = {}
        if o.get("weight"):
            opts["weight"] = TOpt(rand(C) + 0.5, grad=False)
        for k in ("ignoreIndex", "reduction"):
            if k in o:
                opts[k] = o[k]

        def fn(x, t, weight=None, o=o):
            return F.nll_loss(x, t, weight=weight, ignore_index=o.get("ignoreIndex", -100),
                              reduction=o.get("reduction", "mean"))

        case("loss", name, "nllLoss", [In("input", x), In("target", t.to(torch.int32), grad=False)],
             fn, options=opts)

    # binaryCrossEntropy(input in (0,1), target in [0,1], {weight, reduction})
    for name, shape, o in [
            ("bce_mean", [4, 3], {}),
            ("bce_sum", [4, 3], {"reduction": "sum"}),
            ("bce_none", [2, 3, 2], {"reduction": "none"}),
            ("bce_weight_full", [4, 3], {"weight": "full"}),
            ("bce_weight_broadcast", [4, 3], {"weight": "class", "reduction": "sum"}),
            ("bce_hard_targets", [5, 2], {"hard": True})]:
        seed(name)
        x = torch.sigmoid(randn(*shape) * 2)
        t = (rand(*shape) > 0.5).to(torch.float32) if o.get("hard") else rand(*shape)
        opts = {}
        if o.get("weight") == "full":
            opts["weight"] = TOpt(rand(*shape) + 0.5)
        elif o.get("weight") == "class":
            opts["weight"] = TOpt(rand(shape[-1]) + 0.5)
        if "reduction" in o:
            opts["reduction"] = o["reduction"]

        def fn(x, t, weight=None, o=o):
            return F.binary_cross_entropy(x, t, weight=weight, reduction=o.get("reduction", "mean"))

        case("loss", name, "binaryCrossEntropy", [In("input", x), In("target", t, grad=False)], fn,
             options=opts)

    # binaryCrossEntropyWithLogits(input, target, {weight, posWeight, reduction})
    for name, shape, o in [
            ("bcelogits_mean", [4, 3], {}),
            ("bcelogits_sum", [4, 3], {"reduction": "sum"}),
            ("bcelogits_none", [2, 3, 2], {"reduction": "none"}),
            ("bcelogits_large_logits", [4, 4], {"large": True}),
            ("bcelogits_large_logits_pos_weight", [4, 4], {"large": True, "posWeight": True}),
            ("bcelogits_pos_weight", [5, 3], {"posWeight": True}),
            ("bcelogits_weight", [4, 3], {"weight": True, "reduction": "sum"}),
            ("bcelogits_weight_pos_weight_none", [3, 4], {"weight": True, "posWeight": True,
                                                          "reduction": "none"})]:
        seed(name)
        if o.get("large"):
            x = randn(*shape)
            x = torch.sign(x) * (45.0 + 10.0 * rand(*shape))
            x.view(-1)[0] = 50.0
            x.view(-1)[1] = -50.0
            t = (rand(*shape) > 0.5).to(torch.float32)
            t.view(-1)[0] = 0.0
            t.view(-1)[1] = 1.0
        else:
            x = randn(*shape) * 2
            t = rand(*shape)
        opts = {}
        if o.get("weight"):
            opts["weight"] = TOpt(rand(*shape) + 0.5)
        if o.get("posWeight"):
            opts["posWeight"] = TOpt(rand(shape[-1]) * 2 + 0.5)
        if "reduction" in o:
            opts["reduction"] = o["reduction"]

        def fn(x, t, weight=None, posWeight=None, o=o):
            return F.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=posWeight,
                                                      reduction=o.get("reduction", "mean"))

        case("loss", name, "binaryCrossEntropyWithLogits", [In("input", x), In("target", t, grad=False)],
             fn, options=opts)

    for op, f, pre in [("mseLoss", F.mse_loss, "mse"), ("l1Loss", F.l1_loss, "l1")]:
        for suffix, shape, red in [("mean", [4, 3], None), ("sum", [2, 3, 2], "sum"),
                                   ("none", [3, 4], "none"), ("mean_4d", [2, 2, 2, 3], "mean")]:
            name = "%s_%s" % (pre, suffix)
            seed(name)
            x = randn(*shape)
            t = randn(*shape)
            opts = {} if red is None else {"reduction": red}
            case("loss", name, op, [In("input", x), In("target", t, grad=False)],
                 lambda x, t, f=f, r=red: f(x, t, reduction=r or "mean"), options=opts)


# ----------------------------------------------------------------------------------------------
# tensor.json
# ----------------------------------------------------------------------------------------------

def gen_tensor():
    for name, ash, bsh in [("matmul_2d", [3, 4], [4, 5]),
                           ("matmul_batched_3d", [2, 3, 4], [2, 4, 2]),
                           ("matmul_broadcast_3d_2d", [2, 3, 4], [4, 5]),
                           ("matmul_broadcast_2d_3d", [3, 4], [2, 4, 2]),
                           ("matmul_vec_mat", [4], [4, 3]),
                           ("matmul_mat_vec", [3, 4], [4]),
                           ("matmul_vec_vec", [5], [5]),
                           ("matmul_batched_vec", [2, 3, 4], [4])]:
        seed(name)
        case("tensor", name, "matmul", [In("a", randn(*ash)), In("b", randn(*bsh))],
             lambda a, b: torch.matmul(a, b))

    red_cases = [
        ("sum", "sum_full", [3, 4], []),
        ("sum", "sum_dim1", [3, 4], [1]),
        ("sum", "sum_dim0_keepdim", [3, 4], [0, True]),
        ("sum", "sum_dims_list", [2, 3, 4], [[0, 2], False]),
        ("sum", "sum_neg_dim_keepdim", [2, 3, 4], [-1, True]),
        ("mean", "mean_full", [3, 4], []),
        ("mean", "mean_dim1", [3, 4], [1, False]),
        ("mean", "mean_dims_list_keepdim", [2, 3, 4], [[1, 2], True]),
        ("mean", "mean_neg_dim", [2, 3, 4], [-2, False]),
        ("max", "max_dim1", [3, 5], [1, False]),
        ("max", "max_dim0_keepdim", [4, 3], [0, True]),
        ("amax", "amax_dims_list", [2, 3, 4], [[0, 2], False]),
        ("max", "max_neg_dim_keepdim", [2, 3, 4], [-1, True]),
        ("min", "min_dim1", [3, 5], [1, False]),
        ("min", "min_dim0_keepdim", [4, 3], [0, True]),
        ("amin", "amin_dims_list_keepdim", [2, 3, 4], [[1, 2], True]),
        ("var", "var_full", [3, 4], []),
        ("var", "var_dim1", [3, 5], [1, False]),
        ("var", "var_dims_list_keepdim", [2, 3, 4], [[0, 2], True]),
        ("var", "var_dim0_biased", [4, 3], [0, False], {"unbiased": False}),
        ("var", "var_full_biased", [2, 3], [], {"unbiased": False}),
    ]
    for entry in red_cases:
        op, name, shape, args = entry[:4]
        opts = entry[4] if len(entry) > 4 else {}
        seed(name)
        x = randn(*shape)

        def fn(x, op=op, args=args, opts=opts):
            dim = args[0] if args else None
            keep = args[1] if len(args) > 1 else False
            if isinstance(dim, list):
                dim = tuple(dim)
            if op == "sum":
                return x.sum() if dim is None else x.sum(dim, keepdim=keep)
            if op == "mean":
                return x.mean() if dim is None else x.mean(dim, keepdim=keep)
            if op in ("amax", "amin"):
                return (x.amax if op == "amax" else x.amin)(dim, keepdim=keep)
            if op in ("max", "min"):
                # torch.max(x, dim) -> (values, indices); the harness compares output 0, the values.
                return (torch.max if op == "max" else torch.min)(x, dim, keepdim=keep).values
            if op == "var":
                ub = opts.get("unbiased", True)
                return x.var(unbiased=ub) if dim is None else x.var(dim, unbiased=ub, keepdim=keep)
            raise ValueError(op)

        case("tensor", name, op, [In("x", x)], fn, args=args, options=opts)

    binops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow}
    for op, f in binops.items():
        for suffix, ash, bsh in [("same", [3, 4], [3, 4]),
                                 ("broadcast_row", [3, 4], [4]),
                                 ("broadcast_both", [2, 1, 4], [3, 1]),
                                 ("broadcast_scalar_tensor", [2, 3], [])]:
            name = "%s_%s" % (op, suffix)
            seed(name)
            if op == "pow":
                a = positive(*ash)
                b = randn(*bsh)
            elif op == "div":
                a = randn(*ash)
                b = away_from_zero(*bsh)
            else:
                a = randn(*ash)
                b = randn(*bsh)
            case("tensor", name, op, [In("a", a), In("b", b)], lambda a, b, f=f: f(a, b))
    # scalar second operand (passed in args)
    for name, op, s in [("add_scalar", "add", 1.5), ("sub_scalar", "sub", 0.25), ("mul_scalar", "mul", -2.0),
                        ("div_scalar", "div", 4.0), ("pow_scalar", "pow", 2.5), ("pow_scalar_int", "pow", 2)]:
        seed(name)
        a = positive(3, 4) if op == "pow" else randn(3, 4)
        case("tensor", name, op, [In("a", a)], lambda a, f=binops[op], s=s: f(a, s), args=[s])

    for op, f, gen in [("exp", torch.exp, randn), ("log", torch.log, positive),
                       ("sqrt", torch.sqrt, positive), ("abs", torch.abs, randn)]:
        for suffix, shape in [("2d", [3, 4]), ("4d", [2, 2, 2, 3])]:
            name = "%s_%s" % (op, suffix)
            seed(name)
            case("tensor", name, op, [In("x", gen(*shape))], f)


def gen_layout():
    """Global pooling, relu6, maximum/minimum, clamp, logSumExp and the layout ops (layout.json)."""
    F_ = torch.nn.functional
    seed("global_pools")
    x = randn(2, 3, 5, 4)
    case("layout", "global_avg_pool2d", "globalAvgPool2d", [In("x", x)], lambda x: F_.adaptive_avg_pool2d(x, 1))
    case("layout", "global_max_pool2d", "globalMaxPool2d", [In("x", x)], lambda x: F_.adaptive_max_pool2d(x, 1))
    seed("relu6")
    case("layout", "relu6", "relu6", [In("x", randn(3, 7) * 5)], F_.relu6)
    for op, f in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        seed(op)
        case("layout", op + "_broadcast", op, [In("a", randn(2, 3, 4)), In("b", randn(3, 1))], f)
    seed("clamp")
    case("layout", "clamp_both", "clamp", [In("x", randn(4, 5))], lambda x: x.clamp(-0.5, 0.7), options={"min": -0.5, "max": 0.7})
    case("layout", "clamp_min", "clamp", [In("x", randn(4, 5))], lambda x: x.clamp(min=0.1), options={"min": 0.1})
    for name, shape, dim, keep in [("lse_dim1", [3, 5], 1, False), ("lse_dims_keep", [2, 3, 4], [0, 2], True)]:
        seed(name)
        case("layout", name, "logSumExp", [In("x", randn(*shape) * 10)],
             lambda x, dim=dim, keep=keep: torch.logsumexp(x, tuple(dim) if isinstance(dim, list) else dim, keepdim=keep), args=[dim, keep])
    seed("layout_ops")
    x = randn(2, 3, 4)
    case("layout", "reshape_infer", "reshape", [In("x", x)], lambda x: x.reshape(4, -1), args=[[4, -1]])
    case("layout", "permute_201", "permute", [In("x", x)], lambda x: x.permute(2, 0, 1), args=[[2, 0, 1]])
    case("layout", "transpose_02", "transpose", [In("x", x)], lambda x: x.transpose(0, 2), args=[0, 2])
    case("layout", "slice_step", "slice", [In("x", x)], lambda x: x[:, :, 1:4:2], args=[2, 1, 4, 2])
    case("layout", "slice_negative", "slice", [In("x", x)], lambda x: x[:, -2:], args=[1, -2])
    case("layout", "narrow_dim1", "narrow", [In("x", x)], lambda x: x.narrow(1, 1, 2), args=[1, 1, 2])
    case("layout", "expand_front", "expand", [In("x", randn(3, 1))], lambda x: x.expand(2, 3, 4), args=[[2, 3, 4]])
    case("layout", "split_sizes", "split", [In("x", x)], lambda x: x.split([1, 3], 2), args=[[1, 3], 2])
    case("layout", "cat_dim1", "cat", [In("a", randn(2, 1, 4)), In("b", randn(2, 3, 4))], lambda a, b: torch.cat([a, b], 1), args=[1])
    case("layout", "stack_dim2", "stack", [In("a", randn(2, 3)), In("b", randn(2, 3))], lambda a, b: torch.stack([a, b], 2), args=[2])
    idx = torch.tensor([[0, 2, 2], [1, 0, 1]])
    case("layout", "gather_dim1", "gather", [In("x", randn(2, 3)), In("index", idx, grad=False)],
         lambda x, i: torch.gather(x, 1, i), args=[1])
    case("layout", "scatter_add_dim1", "scatterAdd", [In("x", randn(2, 4)), In("index", idx, grad=False), In("src", randn(2, 3))],
         lambda x, i, s: torch.scatter_add(x, 1, i, s), args=[1])
    case("layout", "flip_dims02", "flip", [In("x", randn(2, 3, 4))], lambda x: torch.flip(x, [0, 2]), args=[[0, 2]])
    case("layout", "flip_last", "flip", [In("x", randn(2, 1, 3, 5))], lambda x: torch.flip(x, [-1]), args=[[-1]])


# ----------------------------------------------------------------------------------------------

def main():
    gen_conv()
    gen_conv_transpose()
    gen_pool()
    gen_resize_pad()
    gen_norm()
    gen_activation()
    gen_loss()
    gen_tensor()
    gen_layout()

    os.makedirs(OUT_DIR, exist_ok=True)
    order = ["conv", "conv_transpose", "pool", "resize_pad", "norm", "activation", "loss", "tensor", "layout"]
    total = 0
    head = '{"generator":"tools/gen_golden.py","torch":%s,"cases":[\n' % json.dumps(torch.__version__)
    for f in order:
        cases = FILES.get(f, [])
        body = ",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases)
        text = head + body + "\n]}\n"
        path = os.path.join(OUT_DIR, f + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        size = len(text.encode("utf-8"))
        total += size
        ops = {}
        for c in cases:
            ops[c["op"]] = ops.get(c["op"], 0) + 1
        print("%-20s %4d cases %9d bytes  %s" % (f + ".json", len(cases), size,
                                                 ", ".join("%s:%d" % kv for kv in ops.items())))
    print("%-20s %4d cases %9d bytes" % ("total", len(NAMES), total))


if __name__ == "__main__":
    sys.exit(main())
