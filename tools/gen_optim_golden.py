#!/usr/bin/env python3
"""Golden-fixture generator for neocog's optimizers and learning-rate schedulers.

Run (from the repository root):

    /usr/bin/python3 tools/gen_optim_golden.py

Requires PyTorch (tested with Debian's python3-torch 1.13). Writes test/golden/fixtures/optim.json:

    {"generator": "tools/gen_optim_golden.py", "torch": "<version>",
     "optimizers": [OPT_CASE, ...], "schedulers": [SCHED_CASE, ...]}

OPT_CASE:
    name        unique case name
    optimizer   neocog class name (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta)
    options     constructor defaults, camelCase (betas as a 2-array)
    groups      (optional) [{params: [param indices], options: {...}}]; absent = one group of all params
    params      initial params [{shape, data}], float32 values
    grads       grads[step][param] = flat float32 data, or null (no grad that step: param skipped)
    expected    expected[step][param] = flat params after optimizer.step() number `step`

SCHED_CASE:
    name, scheduler (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, OneCycleLR,
    ReduceLROnPlateau), optimizer, optimizerOptions, groupLrs (one param group per entry, each with
    one [2] param), options (camelCase scheduler options), steps (number of scheduler.step() calls),
    metrics (ReduceLROnPlateau only: the value passed to each step), lrs[k][group] (k = 0 is right
    after construction, then after each step), momentums[k][group] (OneCycleLR with cycleMomentum:
    group momentum, or betas[0] for Adam-style optimizers).

Conventions: every case reseeds torch with crc32(name); params and grads are drawn in float32; the
optimizer runs in float64 on those exact values and results are rounded to float32 (the correctly
rounded answers). Scheduler values are Python floats (float64) written with repr precision. The
output is byte-identical from run to run.
"""
import json
import math
import os
import warnings
import zlib

import torch

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=UserWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "golden", "fixtures", "optim.json")
SHAPES = [(3, 4), (4,)]
STEPS = 5


def f32(v):
    f = float("%.9g" % v)
    if not math.isfinite(f):
        raise ValueError("non-finite value in fixture")
    return f


def flat32(t):
    return [f32(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def camel_opts(opts):
    out = {}
    for k, v in opts.items():
        out[camel(k)] = list(v) if isinstance(v, tuple) else v
    return out


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")))


CLASSES = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
    "Adadelta": torch.optim.Adadelta,
}

NAMES = set()


def opt_case(name, cls, opts, groups=None, skip=()):
    """skip: (step, param) pairs whose grad is None."""
    assert name not in NAMES, name
    NAMES.add(name)
    seed(name)
    init = [torch.randn(s, dtype=torch.float32) for s in SHAPES]
    grads = [[torch.randn(s, dtype=torch.float32) for s in SHAPES] for _ in range(STEPS)]
    params = [p.to(torch.float64).clone().requires_grad_(True) for p in init]
    if groups is None:
        opt = CLASSES[cls](params, **opts)
    else:
        opt = CLASSES[cls]([dict(params=[params[i] for i in g["params"]], **g["options"]) for g in groups], **opts)
    expected, grads_out = [], []
    for k in range(STEPS):
        row = []
        for i, p in enumerate(params):
            if (k, i) in skip:
                p.grad = None
                row.append(None)
            else:
                p.grad = grads[k][i].to(torch.float64).clone()
                row.append(flat32(grads[k][i]))
        grads_out.append(row)
        opt.step()
        expected.append([flat32(p) for p in params])
    case = {
        "name": name,
        "optimizer": cls,
        "options": camel_opts(opts),
        "params": [{"shape": list(t.shape), "data": flat32(t)} for t in init],
        "grads": grads_out,
        "expected": expected,
    }
    if groups is not None:
        case["groups"] = [{"params": g["params"], "options": camel_opts(g["options"])} for g in groups]
    return case


def optimizer_cases():
    c = []
    # SGD
    c.append(opt_case("sgd_plain", "SGD", dict(lr=0.1)))
    c.append(opt_case("sgd_momentum", "SGD", dict(lr=0.05, momentum=0.9)))
    c.append(opt_case("sgd_dampening_wd", "SGD", dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.01)))
    c.append(opt_case("sgd_nesterov_wd", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)))
    c.append(opt_case("sgd_maximize", "SGD", dict(lr=0.1, momentum=0.5, maximize=True)))
    c.append(opt_case("sgd_groups", "SGD", dict(lr=0.01),
                      groups=[{"params": [0], "options": dict(lr=0.1, momentum=0.9)}, {"params": [1], "options": {}}]))
    c.append(opt_case("sgd_momentum_skip", "SGD", dict(lr=0.1, momentum=0.9), skip={(0, 1), (2, 1), (3, 0)}))
    # Adam
    c.append(opt_case("adam_default", "Adam", dict(lr=0.01)))
    c.append(opt_case("adam_betas_wd", "Adam", dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.1)))
    c.append(opt_case("adam_amsgrad", "Adam", dict(lr=0.01, amsgrad=True)))
    c.append(opt_case("adam_amsgrad_wd_eps", "Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.05, eps=1e-3)))
    c.append(opt_case("adam_maximize", "Adam", dict(lr=0.01, maximize=True)))
    c.append(opt_case("adam_skip", "Adam", dict(lr=0.01), skip={(1, 1), (3, 1)}))
    c.append(opt_case("adam_groups", "Adam", dict(lr=0.01),
                      groups=[{"params": [0], "options": dict(betas=(0.5, 0.9))}, {"params": [1], "options": dict(lr=0.1, amsgrad=True)}]))
    # AdamW
    c.append(opt_case("adamw_default", "AdamW", dict(lr=0.01)))
    c.append(opt_case("adamw_wd_amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True)))
    c.append(opt_case("adamw_betas_maximize", "AdamW", dict(lr=0.02, betas=(0.7, 0.95), weight_decay=0.5, maximize=True)))
    # RMSprop
    c.append(opt_case("rmsprop_default", "RMSprop", dict(lr=0.01)))
    c.append(opt_case("rmsprop_momentum", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9)))
    c.append(opt_case("rmsprop_centered_wd", "RMSprop", dict(lr=0.01, centered=True, weight_decay=0.05)))
    c.append(opt_case("rmsprop_centered_momentum", "RMSprop", dict(lr=0.005, centered=True, momentum=0.5, eps=1e-4, alpha=0.95)))
    c.append(opt_case("rmsprop_maximize", "RMSprop", dict(lr=0.01, maximize=True)))
    # Adagrad
    c.append(opt_case("adagrad_default", "Adagrad", dict(lr=0.1)))
    c.append(opt_case("adagrad_lrdecay_wd_init", "Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.1)))
    c.append(opt_case("adagrad_eps_maximize", "Adagrad", dict(lr=0.05, eps=1e-3, maximize=True)))
    # Adadelta
    c.append(opt_case("adadelta_default", "Adadelta", dict()))
    c.append(opt_case("adadelta_rho_wd", "Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, eps=1e-4)))
    c.append(opt_case("adadelta_maximize", "Adadelta", dict(lr=2.0, maximize=True)))
    return c


# ------------------------------------------------------------------------------------------------
# Schedulers
# ------------------------------------------------------------------------------------------------

SCHEDULERS = {
    "StepLR": torch.optim.lr_scheduler.StepLR,
    "MultiStepLR": torch.optim.lr_scheduler.MultiStepLR,
    "ExponentialLR": torch.optim.lr_scheduler.ExponentialLR,
    "CosineAnnealingLR": torch.optim.lr_scheduler.CosineAnnealingLR,
    "OneCycleLR": torch.optim.lr_scheduler.OneCycleLR,
    "CosineAnnealingWarmRestarts": torch.optim.lr_scheduler.CosineAnnealingWarmRestarts,
    "ReduceLROnPlateau": torch.optim.lr_scheduler.ReduceLROnPlateau,
}

# torch keyword -> neocog option name (where camelCase alone is not enough)
SCHED_RENAMES = {"T_max": "tMax", "T_0": "t0", "T_mult": "tMult"}


def momentum_of(opt, group):
    return group["betas"][0] if "betas" in opt.defaults else group["momentum"]


def sched_case(name, sched, opts, steps=30, optimizer="SGD", optimizer_opts=None, group_lrs=(0.1, 0.05),
               metrics=None, record_momentum=False, epochs=None):
    assert name not in NAMES, name
    NAMES.add(name)
    optimizer_opts = optimizer_opts or {}
    params = [torch.zeros(2, requires_grad=True) for _ in group_lrs]
    opt = CLASSES[optimizer]([{"params": [p], "lr": lr} for p, lr in zip(params, group_lrs)], **optimizer_opts)
    s = SCHEDULERS[sched](opt, **opts)

    def lrs():
        return [float(g["lr"]) for g in opt.param_groups]

    rec_lrs = [lrs()]
    rec_mom = [[float(momentum_of(opt, g)) for g in opt.param_groups]] if record_momentum else None
    for k in range(steps):
        opt.step()
        if metrics is not None:
            s.step(metrics[k])
        elif epochs is not None and epochs[k] is not None:
            s.step(epochs[k])
        else:
            s.step()
        rec_lrs.append(lrs())
        if record_momentum:
            rec_mom.append([float(momentum_of(opt, g)) for g in opt.param_groups])
    neo_opts = {}
    for k, v in opts.items():
        neo_opts[SCHED_RENAMES.get(k, camel(k))] = list(v) if isinstance(v, tuple) else v
    case = {
        "name": name,
        "scheduler": sched,
        "optimizer": optimizer,
        "optimizerOptions": camel_opts(optimizer_opts),
        "groupLrs": list(group_lrs),
        "options": neo_opts,
        "steps": steps,
        "lrs": rec_lrs,
    }
    if metrics is not None:
        case["metrics"] = list(metrics)
    if epochs is not None:
        case["epochs"] = list(epochs)
    if record_momentum:
        case["momentums"] = rec_mom
    return case


def plateau_metrics(name, n=30):
    """A noisy decreasing curve with plateaus, rounded to 4 decimals."""
    seed(name)
    vals, v = [], 1.0
    for k in range(n):
        if k % 10 < 3:
            v *= 0.8
        vals.append(round(v + 0.01 * float(torch.randn(())), 4))
    return vals


def scheduler_cases():
    c = []
    c.append(sched_case("steplr", "StepLR", dict(step_size=7, gamma=0.5)))
    c.append(sched_case("steplr_1", "StepLR", dict(step_size=1, gamma=0.9), steps=10))
    c.append(sched_case("multisteplr", "MultiStepLR", dict(milestones=[5, 12, 12, 20], gamma=0.3)))
    c.append(sched_case("exponentiallr", "ExponentialLR", dict(gamma=0.9)))
    c.append(sched_case("cosine", "CosineAnnealingLR", dict(T_max=10, eta_min=0.001)))
    c.append(sched_case("cosine_7", "CosineAnnealingLR", dict(T_max=7), group_lrs=(1.0, 0.3)))
    c.append(sched_case("warm_restarts", "CosineAnnealingWarmRestarts", dict(T_0=7, eta_min=0.001)))
    c.append(sched_case("warm_restarts_mult", "CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2), steps=40,
                        group_lrs=(1.0, 0.3)))
    # Per-batch use (step(epoch + i / iters)), interleaved with plain steps and a jump, as PyTorch's docs show.
    c.append(sched_case("warm_restarts_fractional", "CosineAnnealingWarmRestarts", dict(T_0=2, T_mult=3, eta_min=0.01),
                        steps=24, epochs=[e / 4 for e in range(1, 21)] + [None, 26, None, 1.5]))
    c.append(sched_case("onecycle_sgd", "OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=30),
                        optimizer_opts=dict(lr=0.1, momentum=0.9), record_momentum=True))
    c.append(sched_case("onecycle_adam_three_linear", "OneCycleLR",
                        dict(max_lr=0.01, epochs=3, steps_per_epoch=10, anneal_strategy="linear", three_phase=True,
                             base_momentum=0.8, max_momentum=0.9),
                        optimizer="Adam", optimizer_opts=dict(lr=0.001), record_momentum=True))
    c.append(sched_case("onecycle_no_momentum", "OneCycleLR",
                        dict(max_lr=0.1, total_steps=25, pct_start=0.25, div_factor=10.0, final_div_factor=100.0,
                             cycle_momentum=False), steps=25))
    c.append(sched_case("plateau_min_rel", "ReduceLROnPlateau", dict(mode="min", factor=0.5, patience=2, cooldown=1),
                        metrics=plateau_metrics("plateau_min_rel")))
    c.append(sched_case("plateau_max_abs", "ReduceLROnPlateau",
                        dict(mode="max", factor=0.2, patience=1, threshold=0.05, threshold_mode="abs", min_lr=[0.01, 0.004]),
                        metrics=[-m for m in plateau_metrics("plateau_max_abs")]))
    c.append(sched_case("plateau_eps", "ReduceLROnPlateau",
                        dict(factor=0.1, patience=0, min_lr=1e-4, eps=1e-3), group_lrs=(0.1, 0.001),
                        metrics=[1.0] * 30))
    return c


def main():
    optim = optimizer_cases()
    scheds = scheduler_cases()
    lines = ['{"generator":"tools/gen_optim_golden.py","torch":%s,' % json.dumps(torch.__version__), '"optimizers":[']
    lines.append(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in optim))
    lines.append('],\n"schedulers":[')
    lines.append(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in scheds))
    lines.append("]}\n")
    text = "\n".join(lines)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print("optim.json: %d optimizer cases, %d scheduler cases, %d bytes" % (len(optim), len(scheds), len(text.encode("utf-8"))))


if __name__ == "__main__":
    main()
