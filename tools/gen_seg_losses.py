#!/usr/bin/env python3
"""Fixtures for test/segment/losses.test.ts from PyTorch: BCE with logits (pos_weight, per-pixel weight),
soft Dice and BCE + Dice on logits [N,1,H,W], values and gradients with respect to the logits.

    /usr/bin/python3 tools/gen_seg_losses.py > test/segment/fixtures/seg-losses.json
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(15)
n, h, w = 2, 3, 4
logits = (torch.randn(n, 1, h, w, dtype=torch.float64) * 2)
mask = (torch.rand(n, 1, h, w) < 0.3).double()
weight = torch.rand(n, 1, h, w, dtype=torch.float64) * 3 + 0.5


def dice(x, t, smooth=1.0):
    p = torch.sigmoid(x)
    return 1 - (2 * (p * t).sum() + smooth) / (p.sum() + t.sum() + smooth)


cases = {
    'bce': lambda x: F.binary_cross_entropy_with_logits(x, mask),
    'bcePosWeight': lambda x: F.binary_cross_entropy_with_logits(x, mask, pos_weight=torch.tensor([4.0], dtype=torch.float64)),
    'bceWeighted': lambda x: F.binary_cross_entropy_with_logits(x, mask, weight=weight),
    'dice': lambda x: dice(x, mask),
    'diceSmooth0': lambda x: dice(x, mask, 0.0),
    'bceDice': lambda x: F.binary_cross_entropy_with_logits(x, mask) + dice(x, mask),
}
out = {'generator': 'tools/gen_seg_losses.py (torch %s, seed 15)' % torch.__version__, 'shape': [n, 1, h, w],
       'logits': logits.flatten().tolist(), 'mask': mask.flatten().tolist(), 'weight': weight.flatten().tolist()}
for name, f in cases.items():
    x = logits.clone().requires_grad_(True)
    v = f(x)
    v.backward()
    out[name] = {'value': v.item(), 'grad': x.grad.flatten().tolist()}
print(json.dumps(out))
