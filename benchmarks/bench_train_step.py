"""One training step with am.nn/am.optim against the same step written by hand in NumPy.

    python benchmarks/bench_train_step.py            # a few minutes on a quiet machine
    python benchmarks/bench_train_step.py --quick    # fewer repetitions
    python benchmarks/bench_train_step.py --threads 2

Workloads (float32):
- MLP 64-128-10, batch 32: forward, cross-entropy, backward, Adam.
- MLP 784-1024-1024-10, batch 512: the same step.
- Conv2d(3, 16, 3, padding=1) forward + backward on a batch of 64 8x8 images.

Before anything is timed, autograd_mini's loss, gradients and updated parameters are checked
against the hand-written NumPy step (and PyTorch's, when it is installed), so the benchmark never
times wrong work. Repetitions are interleaved after a warm-up; the table shows medians and the
ratio to hand-written NumPy (and to PyTorch). BLAS/OpenMP pools are pinned to `--threads`
(default 1) for every framework, before NumPy is imported.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # pin the thread pools before NumPy loads its BLAS
    _threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "AM_BENCH_THREADS"):
        os.environ[_var] = _threads

import argparse  # noqa: E402
import platform  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import mlp  # noqa: E402
import numpy as np  # noqa: E402
from _harness import check_close, interleaved, load_torch  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402
from workloads import LARGE_MLP, SMALL_MLP  # noqa: E402

Steps = dict[str, Callable[[], Any]]

CONV = {"batch": 64, "in": 3, "out": 16, "size": 8, "kernel": 3, "padding": 1}


# ---- MLP training step --------------------------------------------------------------------
def _check_mlp(name: str, model: Any, loss: Any, ref: mlp.NumpyMLP, ref_loss: float,
               weights: mlp.Weights, rtol: float) -> None:
    """Loss and gradients against the hand-written step; the Adam update against the update rule
    applied (in float64) to the framework's own gradients. (Comparing parameters across
    frameworks after Adam's first step would be flaky: there the update is lr * g / (|g| + eps),
    so a gradient of 1e-9 that differs by float32 rounding moves its parameter by a visible
    fraction of lr.)"""
    check_close(f"{name} loss", float(loss.item()), ref_loss, rtol, 1e-6)
    initial = [p for wb in weights for p in wb]
    for k, (got, want, p0, p1) in enumerate(zip(model.grads(), ref.grads, initial,
                                                 model.param_arrays())):
        check_close(f"{name} gradient {k}", got, want, rtol, rtol * float(np.abs(want).max()))
        g = got.astype(np.float64)  # first Adam step: m_hat = g, v_hat = g**2
        expected = p0 - mlp.LR * g / (np.abs(g) + mlp.EPS)
        check_close(f"{name} parameter {k} after Adam", p1, expected, 1e-6, 1e-7)


def build_mlp(sizes: tuple[int, ...], batch: int, torch: Any) -> Steps:
    weights = mlp.init_weights(sizes, np.float32)
    x, y = mlp.make_batch(batch, sizes[0], sizes[-1], np.float32)
    ref = mlp.NumpyMLP(weights)
    ref_loss = ref.step(x, y)
    steps: Steps = {"numpy": lambda: ref.step(x, y)}
    model = mlp.AmMLP(weights)
    ax, ay = model.wrap(x, y)
    _check_mlp("autograd_mini", model, model.step(ax, ay), ref, ref_loss, weights, 1e-4)
    steps["autograd_mini"] = lambda: model.step(ax, ay)
    if torch is not None:
        tmodel = mlp.TorchMLP(torch, weights)
        tx, ty = tmodel.wrap(x, y)
        _check_mlp("pytorch", tmodel, tmodel.step(tx, ty), ref, ref_loss, weights, 1e-3)
        steps["pytorch"] = lambda: tmodel.step(tx, ty)
    return steps


# ---- Conv2d forward + backward ------------------------------------------------------------
class NumpyConv:
    """Conv2d forward and backward by hand: im2col with a strided view, one matrix product each
    way, and col2im as a loop over the kernel offsets."""

    def __init__(self, w: np.ndarray, b: np.ndarray, padding: int) -> None:
        self.w, self.b, self.p = w, b, padding

    def step(self, x: np.ndarray, g_out: np.ndarray) -> tuple[np.ndarray, ...]:
        n, c, h, wd = x.shape
        o, _, k, _ = self.w.shape
        p = self.p
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        oh, ow = h + 2 * p - k + 1, wd + 2 * p - k + 1
        windows = sliding_window_view(xp, (k, k), axis=(2, 3))  # (N, C, oh, ow, k, k)
        cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)
        w2 = self.w.reshape(o, -1)
        out = cols @ w2.T
        out += self.b
        out = out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2)
        g = g_out.transpose(0, 2, 3, 1).reshape(n * oh * ow, o)
        gw = (g.T @ cols).reshape(self.w.shape)
        gb = g.sum(0)
        g_cols = (g @ w2).reshape(n, oh, ow, c, k, k)
        gxp = np.zeros_like(xp)
        for i in range(k):
            for j in range(k):
                gxp[:, :, i:i + oh, j:j + ow] += g_cols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
        return out, gxp[:, :, p:p + h, p:p + wd], gw, gb


def build_conv(torch: Any) -> Steps:
    import autograd_mini as am
    from autograd_mini import nn

    rng = np.random.default_rng(0)
    n, cin, cout, size, k, p = (CONV[key] for key in ("batch", "in", "out", "size", "kernel",
                                                      "padding"))
    x = rng.standard_normal((n, cin, size, size)).astype(np.float32)
    g_out = rng.standard_normal((n, cout, size, size)).astype(np.float32)
    am.manual_seed(0)
    layer = nn.Conv2d(cin, cout, k, padding=p)
    ref = NumpyConv(layer.weight.data.copy(), layer.bias.data.copy(), p)
    want = ref.step(x, g_out)

    ax = am.Tensor(x.copy(), requires_grad=True)
    ag = am.Tensor(g_out)

    def am_step() -> tuple[Any, ...]:
        ax.grad = None
        layer.zero_grad()
        out = layer(ax)
        out.backward(ag)
        return out.data, ax.grad.data, layer.weight.grad.data, layer.bias.grad.data

    for what, got, expected in zip(("output", "input grad", "weight grad", "bias grad"),
                                   am_step(), want):
        check_close(f"autograd_mini conv2d {what}", got, expected, 1e-4, 1e-4)
    steps: Steps = {"numpy": lambda: ref.step(x, g_out), "autograd_mini": am_step}
    if torch is not None:
        tconv = torch.nn.Conv2d(cin, cout, k, padding=p)
        with torch.no_grad():
            tconv.weight.copy_(torch.from_numpy(ref.w))
            tconv.bias.copy_(torch.from_numpy(ref.b))
        tx = torch.from_numpy(x.copy()).requires_grad_()
        tg = torch.from_numpy(g_out)

        def torch_step() -> Any:
            tx.grad = None
            tconv.zero_grad()
            out = tconv(tx)
            out.backward(tg)
            return out

        torch_step()
        check_close("pytorch conv2d input grad", tx.grad.numpy(), want[1], 1e-4, 1e-4)
        steps["pytorch"] = torch_step
    return steps


# ---- the table ----------------------------------------------------------------------------
WORKLOADS = [
    ("MLP 64-128-10, batch 32: forward, cross-entropy, backward, Adam",
     lambda torch: build_mlp(SMALL_MLP, 32, torch), 60, 20),
    ("MLP 784-1024-1024-10, batch 512, float32: same step",
     lambda torch: build_mlp(LARGE_MLP, 512, torch), 15, 1),
    ("Conv2d(3, 16, 3, padding=1) forward + backward, batch 64 of 8x8",
     build_conv, 40, 5),
]


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads for all")
    args = parser.parse_args()
    torch = load_torch()
    rows = []
    for label, build, repeats, inner in WORKLOADS:
        steps = build(torch)
        medians = interleaved(steps, max(5, repeats // 4) if args.quick else repeats, inner)
        rows.append((label, medians))
        print(f"done: {label}", file=sys.stderr)
    print(f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, threads pinned to "
          f"{args.threads}" + (f", PyTorch {torch.__version__}" if torch else ", no PyTorch"))
    print("\n| workload | NumPy by hand | autograd_mini | ratio vs NumPy | PyTorch | ratio vs PyTorch |")
    print("|---|---|---|---|---|---|")
    for label, m in rows:
        am_s, np_s, torch_s = m["autograd_mini"], m["numpy"], m.get("pytorch")
        vs_torch = f"{am_s / torch_s:.2f}x" if torch_s else "-"
        print(f"| {label} | {_ms(np_s)} | {_ms(am_s)} | {am_s / np_s:.2f}x | {_ms(torch_s)} | "
              f"{vs_torch} |")


if __name__ == "__main__":
    main()
