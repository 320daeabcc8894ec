"""PyTorch reference values for sort / topk / norm / select (test/unit/sort-norm.test.ts).

Run: /usr/bin/python3 tools/gen_sort_norm_fixture.py  (torch 1.13, float64). Seeded; writes
test/unit/fixtures/sort-norm.json with inputs, outputs, indices and input gradients of
sum(output * weight) for a fixed random weight.
"""
import json
import math
import torch

torch.manual_seed(0)
OUT = 'test/unit/fixtures/sort-norm.json'


def enc(v):
    return [None if (isinstance(a, float) and math.isnan(a)) else a for a in v]


def case(name, x, fn):
    x = x.clone().double().requires_grad_(True)
    out = fn(x)
    values, indices = (out if isinstance(out, tuple) else (out, None))
    w = torch.randn(values.shape, dtype=torch.float64)
    (values * w).sum().backward()
    return {
        'name': name,
        'input': enc(x.detach().flatten().tolist()), 'shape': list(x.shape),
        'values': values.detach().flatten().tolist(), 'valuesShape': list(values.shape),
        'indices': None if indices is None else indices.flatten().tolist(),
        'weight': w.flatten().tolist(), 'grad': x.grad.flatten().tolist(),
    }


x = torch.randn(3, 5, 4)
ties = torch.tensor([[3., 1., 3., 2., 1.], [0., 0., -1., 5., 0.]])
zrow = torch.tensor([[0., 0., 0.], [3., -4., 0.]])
cases = [
    case('sort_last', x, lambda t: torch.sort(t)),
    case('sort_dim1_desc', x, lambda t: torch.sort(t, dim=1, descending=True)),
    case('sort_ties_stable', ties, lambda t: torch.sort(t, dim=1, stable=True)),
    case('sort_ties_desc_stable', ties, lambda t: torch.sort(t, dim=1, descending=True, stable=True)),
    case('topk_last', x, lambda t: torch.topk(t, 2)),
    case('topk_dim0_smallest', x, lambda t: torch.topk(t, 2, dim=0, largest=False)),
    case('norm_fro', x, lambda t: torch.norm(t)),
    case('norm_2_dim1', x, lambda t: torch.norm(t, 2, dim=1)),
    case('norm_1_dims_keep', x, lambda t: torch.norm(t, 1, dim=[0, 2], keepdim=True)),
    case('norm_3_dim2', x, lambda t: torch.norm(t, 3, dim=2)),
    case('norm_inf_dim1', x, lambda t: torch.norm(t, float('inf'), dim=1)),
    case('norm_neginf_dim1', x, lambda t: torch.norm(t, float('-inf'), dim=1)),
    case('norm_2_zero_row', zrow, lambda t: torch.norm(t, 2, dim=1)),
    case('norm_3_zero_row', zrow, lambda t: torch.norm(t, 3, dim=1)),
    case('select_dim1', x, lambda t: torch.select(t, 1, 2)),
    case('select_neg', x, lambda t: torch.select(t, 2, -1)),
]
with open(OUT, 'w') as f:
    json.dump({'generator': 'tools/gen_sort_norm_fixture.py', 'torch': torch.__version__, 'cases': cases}, f)
print(OUT, len(cases), 'cases')
