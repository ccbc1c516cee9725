"""The timing workloads of `run_all.py` (`make bench`). Each `build_*` returns the steps to time,
one per framework, after checking that autograd_mini (and PyTorch) computed the same loss,
gradients and update as the hand-written NumPy reference: a step that computes something else is
never timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import chain
import mlp
import numpy as np
from _harness import check_close

Steps = dict[str, Callable[[], Any]]

SMALL_MLP = (64, 128, 10)
LARGE_MLP = (784, 1024, 1024, 10)


@dataclass
class Workload:
    key: str
    label: str
    build: Callable[[Any], Steps]
    repeats: int
    inner: int
    target: str  # "pytorch" or "numpy": which column the ratio target is against
    max_ratio: float


def _check_step(name: str, model: Any, loss: Any, ref: mlp.NumpyMLP, ref_loss: float,
                rtol: float) -> None:
    """Loss, every gradient and every updated parameter against the reference's first step.

    Adam's first update is lr * g / (|g| + eps): where |g| is near eps, a gradient that differs in
    its last bits (another BLAS, as PyTorch's) moves that parameter by a visibly different fraction
    of lr, so parameters get an absolute tolerance of rtol * 10 * lr on top of the relative one.
    """
    check_close(f"{name} loss", float(loss.item()), ref_loss, rtol, 1e-6)
    for k, (got, want) in enumerate(zip(model.grads(), ref.grads)):
        check_close(f"{name} gradient {k}", got, want, rtol, rtol * float(np.abs(want).max()))
    for k, (got, want) in enumerate(zip(model.param_arrays(), ref.params)):
        check_close(f"{name} parameter {k} after Adam", got, want, rtol, rtol * 10 * mlp.LR)


def build_mlp_step(sizes: tuple[int, ...], batch: int, torch: Any) -> Steps:
    weights = mlp.init_weights(sizes, np.float32)
    x, y = mlp.make_batch(batch, sizes[0], sizes[-1], np.float32)
    ref = mlp.NumpyMLP(weights)
    ref_loss = ref.step(x, y)
    steps: Steps = {"numpy": lambda: ref.step(x, y)}

    model = mlp.am_mlp(weights)
    ax, ay = model.wrap(x, y)
    _check_step("autograd_mini", model, model.step(ax, ay), ref, ref_loss, 1e-4)
    steps["autograd_mini"] = lambda: model.step(ax, ay)

    if torch is not None:
        tmodel = mlp.TorchMLP(torch, weights)
        tx, ty = tmodel.wrap(x, y)
        _check_step("pytorch", tmodel, tmodel.step(tx, ty), ref, ref_loss, 1e-3)
        steps["pytorch"] = lambda: tmodel.step(tx, ty)
    return steps


def build_small_mlp(torch: Any) -> Steps:
    return build_mlp_step(SMALL_MLP, 32, torch)


def build_large_mlp(torch: Any) -> Steps:
    return build_mlp_step(LARGE_MLP, 512, torch)


def build_chain_100(torch: Any) -> Steps:
    return chain.build(100, (10, 10), torch)


def build_chain_10k(torch: Any) -> Steps:
    return chain.build(10_000, (1,), torch)


# ---- digits: a whole training run --------------------------------------------------------------
DIGITS_EPOCHS = 10
DIGITS_BATCH = 32


def digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """sklearn's 8x8 digits scaled to [0, 1], a fixed train/test split and batch order."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(x))
    train, test = perm[:1500], perm[1500:]
    batches = []
    for _ in range(DIGITS_EPOCHS):
        order = rng.permutation(len(train))
        batches += [order[i:i + DIGITS_BATCH] for i in range(0, len(order), DIGITS_BATCH)]
    return x[train], y[train], x[test], y[test], batches


def build_digits(torch: Any) -> Steps:
    x_train, y_train, x_test, y_test, batches = digits_data()
    weights = mlp.init_weights(SMALL_MLP, np.float32, seed=2)

    def train(make: Callable[[], Any], wrap: bool) -> float:
        model = make()
        for idx in batches:
            xb, yb = x_train[idx], y_train[idx]
            model.step(*(model.wrap(xb, yb) if wrap else (xb, yb)))
        logits = model.predict(model.wrap(x_test, y_test)[0]) if wrap else model.logits(x_test)[0]
        return float(np.mean(logits.argmax(axis=1) == y_test))

    makers: dict[str, tuple[Callable[[], Any], bool]] = {
        "numpy": (lambda: mlp.NumpyMLP(weights), False),
        "autograd_mini": (lambda: mlp.am_mlp(weights), True),
    }
    if torch is not None:
        makers["pytorch"] = (lambda: mlp.TorchMLP(torch, weights), True)
    accuracy = {name: train(*spec) for name, spec in makers.items()}
    for name, acc in accuracy.items():
        # float32 rounding in another order may flip a borderline test image or two, no more
        if abs(acc - accuracy["numpy"]) > 0.01:
            raise AssertionError(f"digits: {name} reached test accuracy {acc:.3f}, the "
                                 f"hand-written step {accuracy['numpy']:.3f}")
    build_digits.accuracy = accuracy  # type: ignore[attr-defined]
    return {name: (lambda spec=spec: train(*spec)) for name, spec in makers.items()}


WORKLOADS = [
    Workload("small_mlp", "MLP 64-128-10, batch 32: forward, cross-entropy, backward, Adam",
             build_small_mlp, repeats=41, inner=20, target="pytorch", max_ratio=0.8),
    Workload("large_mlp", "MLP 784-1024-1024-10, batch 512, float32, same step",
             build_large_mlp, repeats=15, inner=1, target="numpy", max_ratio=1.1),
    Workload("chain_100", "100 elementwise ops (add/mul/tanh) on 10x10 + backward",
             build_chain_100, repeats=41, inner=10, target="pytorch", max_ratio=0.8),
    Workload("chain_10k", "10,000 sequential ops on a shape-(1,) tensor + backward",
             build_chain_10k, repeats=31, inner=1, target="pytorch", max_ratio=0.8),
    Workload("digits", f"digits MLP 64-128-10, batch {DIGITS_BATCH}, {DIGITS_EPOCHS} epochs, "
             "Adam: training time", build_digits, repeats=5, inner=1, target="pytorch",
             max_ratio=0.8),
]
BY_KEY = {w.key: w for w in WORKLOADS}


def build_memory_step(framework: str, torch: Any) -> Callable[[], Any]:
    """The large MLP step for one framework alone, for a process that measures its peak memory."""
    weights = mlp.init_weights(LARGE_MLP, np.float32)
    x, y = mlp.make_batch(512, LARGE_MLP[0], LARGE_MLP[-1], np.float32)
    if framework == "numpy":
        ref = mlp.NumpyMLP(weights)
        return lambda: ref.step(x, y)
    model = mlp.am_mlp(weights) if framework == "autograd_mini" else mlp.TorchMLP(torch, weights)
    xs, ys = model.wrap(x, y)
    return lambda: model.step(xs, ys)
