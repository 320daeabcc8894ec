"""PyTorch CPU peer: one workload per process, same timing protocol as bench/lib/protocol.ts.

  /usr/bin/python3 bench/peers/torch_bench.py --workload W1a [--threads 2] [--quick] [--reps N] [--max-call-s S]

Progress on stderr; the result is one JSON line after the marker on stdout.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

MARKER = "@@BENCH_RESULT@@ "
WORKLOADS = {
    # id: (unit, batch, flop, train)
    "W1a": ("img/s", 64, 0, True),
    "W1b": ("img/s", 256, 0, False),
    "W2a": ("img/s", 64, 0, True),
    "W2b": ("img/s", 256, 0, False),
    "W3a": ("GFLOP/s", 0, 2 * 16 * 64 * 64 * 9 * 56 * 56, False),
    "W3b": ("GFLOP/s", 0, 4 * 16 * 64 * 64 * 9 * 56 * 56, False),
    "W4": ("img/s", 32, 0, False),
    "W5a": ("ms", 1, 0, False),
    "W5b": ("ms", 1, 0, False),
    "sgemm": ("GFLOP/s", 0, 2 * 2048 ** 3, False),
    "sgemm1t": ("GFLOP/s", 0, 2 * 2048 ** 3, False),
}


def plan(est, train, quick, reps):
    """reps and iters from the per-call estimate (the same rule as protocol.ts `plan`)."""
    target = 0.25 if quick else 1.0
    min_steps = 20 if train and not quick else 0
    base = max(1, round_half_up(target / est))
    r = reps if reps is not None else (3 if quick else 7)
    iters = max(base, math.ceil(min_steps / r))
    if reps is None and not quick and iters * est > 4:
        r = 5
        iters = max(base, math.ceil(min_steps / r))
    return r, iters


def round_half_up(x):
    """JavaScript's Math.round."""
    return int(math.floor(x + 0.5))


def measure(step, train, quick=False, reps=None, max_call_s=30.0, log=lambda m: None):
    now = time.perf_counter
    t = now()
    step()
    first = now() - t
    log(f"first call {first:.3f} s")
    if first > max_call_s:
        log(f"first call {first:.2f} s > {max_call_s} s: reporting that single cold call")
        return dict(perCallS=[first], reps=1, iters=1, warmupCalls=0, warmupS=0, single=True, quick=quick)
    calls, total = 1, first
    if not quick and first <= 3:
        while calls < 3 or total < 1.0:
            t = now()
            step()
            total += now() - t
            calls += 1
    est = (total - first) / (calls - 1) if calls > 1 else first
    r, iters = plan(est, train, quick, reps)
    log(f"warm-up {calls} call(s) {total:.3f} s, ~{est * 1000:.2f} ms/call -> {r} reps x {iters} iters")
    per = []
    for _ in range(r):
        t = now()
        for _ in range(iters):
            step()
        per.append((now() - t) / iters)
    return dict(perCallS=per, reps=r, iters=iters, warmupCalls=calls, warmupS=total, single=False, quick=quick)


def loaded_blas():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p or "lapack" in p:
                libs.add(p)
    return sorted(libs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--max-call-s", type=float, default=30.0)
    a = ap.parse_args()
    wid = a.workload
    unit, batch, flop, train = WORKLOADS[wid]
    base = dict(peer="torch", workload=wid, unit=unit)

    def emit(r):
        sys.stdout.write(MARKER + json.dumps(r) + "\n")
        sys.stdout.flush()

    try:
        import torch
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001
        emit(dict(base, status="skipped", reason=f"import torch failed: {e}"))
        return
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch_models as M

    threads = 1 if wid == "sgemm1t" else a.threads
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model_note = None
    log = lambda m: sys.stderr.write(f"    torch {wid}: {m}\n")

    if wid in ("W1a", "W2a"):
        model = M.fuanet() if wid == "W1a" else M.lenet5()
        model.train()
        x = torch.randn(batch, 1, 28, 28)
        y = torch.randint(0, 10, (batch,))
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = F.nll_loss if wid == "W1a" else F.cross_entropy

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()
    elif wid in ("W1b", "W2b", "W4"):
        model = {"W1b": M.fuanet, "W2b": M.lenet5, "W4": M.resnet18_cifar}[wid]().eval()
        x = torch.randn(batch, 3, 32, 32) if wid == "W4" else torch.randn(batch, 1, 28, 28)

        def step():
            with torch.inference_mode():
                return model(x).numpy()[0, 0]
    elif wid == "W3a":
        conv = M.conv_layer()
        c = M.CONV
        x = torch.randn(c["N"], c["C"], c["H"], c["W"])

        def step():
            with torch.inference_mode():
                return conv(x)
    elif wid == "W3b":
        conv = M.conv_layer()
        c = M.CONV
        x = torch.randn(c["N"], c["C"], c["H"], c["W"])
        dy = torch.randn(c["N"], c["K"], c["H"], c["W"])
        w, b = conv.weight.detach(), conv.bias.detach()

        def step():  # dX, dW, db from dY: the kernel autograd runs for conv2d
            return torch.ops.aten.convolution_backward(dy, x, w, [b.shape[0]], [1, 1], [1, 1], [1, 1], False, [0, 0], 1, [True, True, True])
    elif wid in ("W5a", "W5b"):
        # Batch-1 latency: one call at a time, eval mode, no autograd, output read back.
        if wid == "W5a":
            model, source = M.resnet18()
            x = torch.randn(*M.W5A_SHAPE)
        else:
            model, source = M.lenet5(), "LeNet-5 of bench/peers/torch_models.py"
            x = torch.randn(*M.W5B_SHAPE)
        model.eval()
        model_note = source

        def step():
            with torch.inference_mode():
                return model(x).numpy()[0, 0]
    else:  # sgemm, sgemm1t
        n = M.SGEMM_N
        a_, b_ = torch.randn(n, n), torch.randn(n, n)

        def step():
            return torch.mm(a_, b_)

    try:
        t = measure(step, train, a.quick, a.reps, a.max_call_s, log)
    except Exception as e:  # noqa: BLE001
        emit(dict(base, status="error", reason=f"{type(e).__name__}: {e}"))
        return
    per = t["perCallS"]
    t.update(medianS=statistics.median(per), minS=min(per), maxS=max(per))
    if unit == "ms":
        value, lo, hi = (lambda s: s * 1000), t["minS"], t["maxS"]  # latency: lower is better
    else:
        value, lo, hi = ((lambda s: batch / s) if unit == "img/s" else (lambda s: flop / s / 1e9)), t["maxS"], t["minS"]
    blas = loaded_blas()
    blas_name = "OpenBLAS (" + os.environ.get("OPENBLAS_CORETYPE", "auto") + ")" if any("openblas" in p for p in blas) else ("netlib reference BLAS" if blas else "no BLAS loaded")
    malloc = "glibc malloc tuned (GLIBC_TUNABLES)" if "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", "") else "glibc malloc untuned"
    detail = f"torch {torch.__version__}, {threads} thread(s), {blas_name}, oneDNN {torch.backends.mkldnn.is_available()}, {malloc}"
    notes = [f"BLAS: {os.path.relpath(p)}" for p in blas if "libblas" in p or "libopenblas" in p][:1]
    if model_note:
        notes.append(model_note)
    emit(dict(base, status="ok", timing=t,
              throughput=dict(median=value(t["medianS"]), min=value(lo), max=value(hi)),
              detail=detail, notes=notes))


if __name__ == "__main__":
    main()
