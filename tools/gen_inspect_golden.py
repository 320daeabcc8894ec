#!/usr/bin/env python3
"""Golden fixtures for neocog's inspect namespace, computed with PyTorch directly (no Captum).

Run from the repository root:  /usr/bin/python3 tools/gen_inspect_golden.py
Requires python3-torch (tested with Debian's 1.13). Writes test/inspect/fixtures/inspect.json.

Two seeded nets, weights drawn in float32, every map computed in float64 on those exact values:
  net   conv1 -> relu (an nn.Module) -> maxpool -> conv2 -> F.relu (functional) -> maxpool -> fc1 ->
        the SAME relu module again (reused) -> fc2
  seq   Sequential(Conv2d, BatchNorm2d (eval, random running stats), ReLU, MaxPool2d, Conv2d, ReLU,
        Flatten, Linear): the layers neocog fuses at inference.
The guided-backprop and deconvnet relu rules are a torch.autograd.Function used by every relu of the
reference forward (module, functional and reused alike):
  guided     grad_in = relu(grad_out) * (x > 0)
  deconvnet  grad_in = relu(grad_out)
Grad-CAM++ uses pytorch-grad-cam's closed form (eps 1e-6). Occlusion is the plain loop over window
positions (baseline 0), each pixel the mean drop over the windows covering it.
"""
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(13)
torch.set_num_threads(1)


class RuleReLU(torch.autograd.Function):
    """relu whose backward rule is fixed when the forward runs (set RULE['r'] before the forward)."""
    @staticmethod
    def forward(ctx, x, rule):
        ctx.save_for_backward(x)
        ctx.rule = rule
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.rule == 'gradient':
            return g * (x > 0), None
        if ctx.rule == 'guided':
            return g.clamp(min=0) * (x > 0), None
        return g.clamp(min=0), None


RULE = {'r': 'gradient'}


def relu_fn(x):
    return RuleReLU.apply(x, RULE['r'])


class RuleReLUModule(nn.Module):
    def forward(self, x):
        return relu_fn(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc1 = nn.Linear(24, 16)
        self.fc2 = nn.Linear(16, 5)
        self.act = RuleReLUModule()

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2)
        x = F.max_pool2d(relu_fn(self.conv2(x)), 2)
        x = self.act(self.fc1(x.flatten(1)))
        return self.fc2(x)


def seq_net():
    bn = nn.BatchNorm2d(4)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.3, 0.3)
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 1.5)
    return nn.Sequential(nn.Conv2d(1, 4, 3), bn, RuleReLUModule(), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3), RuleReLUModule(), nn.Flatten(), nn.Linear(64, 5))


def flat(t):
    return [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]


def state(model):
    return {k: {'shape': list(v.shape), 'data': flat(v)} for k, v in model.state_dict().items() if k.split('.')[-1] != 'num_batches_tracked'}


def input_grad(model, x, target, rule='gradient', layer_hook=None):
    RULE['r'] = rule
    xi = x.clone().requires_grad_(True)
    y = model(xi)
    y.gather(1, target[:, None]).sum().backward()
    RULE['r'] = 'gradient'
    return xi.grad


def integrated_gradients(model, x, target, steps):
    out, err = [], []
    for i in range(x.shape[0]):
        xi, ti = x[i:i + 1], target[i:i + 1]
        alphas = (torch.arange(steps, dtype=torch.float64) + 0.5) / steps
        path = alphas[:, None, None, None] * xi
        g = input_grad(model, path, ti.repeat(steps)).mean(0, keepdim=True)
        a = xi * g
        with torch.no_grad():
            delta = (model(xi)[0, ti] - model(torch.zeros_like(xi))[0, ti]).item()
        out.append(a)
        err.append(delta - a.sum().item())
    return torch.cat(out), err


def cam(model, layer, x, target, plus):
    store = {}
    h = layer.register_forward_hook(lambda m, i, o: store.__setitem__('a', o))
    xi = x.clone().requires_grad_(True)
    y = model(xi)
    h.remove()
    a = store['a']
    a.retain_grad()
    y.gather(1, target[:, None]).sum().backward()
    g = a.grad
    if plus:
        g2 = g ** 2
        aij = g2 / (2 * g2 + a.sum((2, 3))[:, :, None, None] * g2 * g + 1e-6)
        aij = torch.where(g != 0, aij, torch.zeros_like(aij))
        w = (g.clamp(min=0) * aij).sum((2, 3))
    else:
        w = g.mean((2, 3))
    raw = (w[:, :, None, None] * a).sum(1, keepdim=True).clamp(min=0)
    up = F.interpolate(raw, size=x.shape[2:], mode='bilinear', align_corners=False)
    return raw.detach(), up.detach()


def occlusion(model, x, target, window, stride):
    n, c, h, w = x.shape
    with torch.no_grad():
        s0 = model(x).gather(1, target[:, None])[:, 0]
        rows, cols = (h - window) // stride + 1, (w - window) // stride + 1
        total = torch.zeros(n, h, w, dtype=torch.float64)
        count = torch.zeros(h, w, dtype=torch.float64)
        grid = torch.zeros(n, 1, rows, cols, dtype=torch.float64)
        for r in range(rows):
            for q in range(cols):
                xo = x.clone()
                xo[:, :, r * stride:r * stride + window, q * stride:q * stride + window] = 0
                d = s0 - model(xo).gather(1, target[:, None])[:, 0]
                grid[:, 0, r, q] = d
                total[:, r * stride:r * stride + window, q * stride:q * stride + window] += d[:, None, None]
                count[r * stride:r * stride + window, q * stride:q * stride + window] += 1
        attr = torch.where(count > 0, total / count.clamp(min=1), torch.zeros_like(total))
    return attr[:, None].expand(n, c, h, w), grid


def deconv_projection(model, layer, x, channel):
    store = {}
    h = layer.register_forward_hook(lambda m, i, o: store.__setitem__('a', o))
    xi = x.clone().requires_grad_(True)
    RULE['r'] = 'deconvnet'  # RuleReLU reads the rule when the forward records it
    model(xi)
    h.remove()
    a = store['a']
    seed = torch.zeros_like(a)
    pos = []
    for i in range(a.shape[0]):
        m = a[i, channel].reshape(-1)
        j = int(m.argmax())
        seed[i, channel].view(-1)[j] = m[j]
        pos.append(j)
    a.backward(seed)
    RULE['r'] = 'gradient'
    return xi.grad, pos


def cases(name, model, x, target, conv_layer, conv_name, first_layer):
    model = model.eval()
    stored = state(model)
    model = model.double()
    x = x.double()
    out = {'name': name, 'state': stored, 'input': {'shape': list(x.shape), 'data': flat(x)}, 'target': target.tolist()}
    with torch.no_grad():
        out['logits'] = flat(model(x))
    for method, rule in (('gradient', 'gradient'), ('guidedBackprop', 'guided'), ('deconvnet', 'deconvnet')):
        out[method] = flat(input_grad(model, x, target, rule))
    out['inputXGradient'] = flat(x * input_grad(model, x, target))
    ig, err = integrated_gradients(model, x, target, 16)
    out['integratedGradients'] = {'steps': 16, 'attribution': flat(ig), 'completenessError': err}
    for key, plus in (('gradCam', False), ('gradCamPlusPlus', True)):
        raw, up = cam(model, conv_layer, x, target, plus)
        out[key] = {'layer': conv_name, 'raw': flat(raw), 'rawShape': list(raw.shape), 'map': flat(up)}
    attr, grid = occlusion(model, x, target, 3, 2)
    out['occlusion'] = {'window': 3, 'stride': 2, 'attribution': flat(attr), 'grid': flat(grid), 'gridShape': list(grid.shape)}
    proj, pos = deconv_projection(model, first_layer, x, 1)
    out['deconvProjection'] = {'layer': conv_name, 'channel': 1, 'position': pos, 'projection': flat(proj)}
    return out


def main():
    net = Net()
    x = torch.rand(2, 1, 14, 14)
    result = [cases('net', net, x, torch.tensor([1, 3]), net.conv2, 'conv2', net.conv2)]
    seq = seq_net()
    x2 = torch.rand(2, 1, 14, 14)
    result.append(cases('seq', seq, x2, torch.tensor([0, 4]), seq[4], '4', seq[4]))
    # PCA reference: numpy SVD of centred data (signs compared up to a flip per component).
    data = torch.randn(60, 7) @ torch.randn(7, 7)
    u, s, vt = torch.linalg.svd(data.double() - data.double().mean(0), full_matrices=False)
    pca = {'data': flat(data), 'shape': list(data.shape), 'coords': flat(u[:, :2] * s[:2])}
    with open('test/inspect/fixtures/inspect.json', 'w') as f:
        json.dump({'generator': 'tools/gen_inspect_golden.py', 'torch': torch.__version__, 'cases': result, 'pca': pca}, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
