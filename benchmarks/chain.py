"""Chains of small elementwise ops with backward: the per-op cost of the framework itself.

The chain cycles through `y + w`, `y * w` and `tanh(y)`, then sums and differentiates with respect
to both the input `x` and the weight `w` (which every add and mul reuses, so its gradient is
accumulated along the whole chain). On tiny arrays NumPy's own work is a fraction of a microsecond,
so what is left is each framework's bookkeeping per op, forward and backward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from _harness import check_close

KINDS = ("add", "mul", "tanh")


def make_inputs(shape: tuple[int, ...], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
    w = rng.uniform(0.5, 1.0, shape).astype(np.float32)
    return x, w


def numpy_chain(x: np.ndarray, w: np.ndarray, n_ops: int) -> tuple[float, np.ndarray, np.ndarray]:
    """The chain written by hand: forward keeping what backward needs, then the reverse sweep."""
    saved = []
    y = x
    for i in range(n_ops):
        kind = i % 3
        if kind == 0:
            y = y + w
        elif kind == 1:
            saved.append(y)
            y = y * w
        else:
            y = np.tanh(y)
            saved.append(y)
    loss = float(y.sum())
    g = np.ones_like(y)
    gw = np.zeros_like(w)
    for i in reversed(range(n_ops)):
        kind = i % 3
        if kind == 0:
            gw += g
        elif kind == 1:
            gw += g * saved.pop()
            g = g * w
        else:
            out = saved.pop()
            g = g * (1.0 - out * out)
    return loss, g, gw


def am_chain(am: Any, x: Any, w: Any, n_ops: int) -> float:
    x.grad = None
    w.grad = None
    y = x
    for i in range(n_ops):
        kind = i % 3
        if kind == 0:
            y = y + w
        elif kind == 1:
            y = y * w
        else:
            y = y.tanh()
    loss = y.sum()
    loss.backward()
    return loss


torch_chain = am_chain  # the same code: PyTorch's tensors have the same methods


def build(n_ops: int, shape: tuple[int, ...], torch: Any) -> dict[str, Callable[[], Any]]:
    """The three steps, each checked against the hand-written reference before it is timed."""
    import autograd_mini as am

    x, w = make_inputs(shape)
    ref_loss, ref_gx, ref_gw = numpy_chain(x, w, n_ops)
    steps: dict[str, Callable[[], Any]] = {"numpy": lambda: numpy_chain(x, w, n_ops)}

    ax = am.tensor(x, requires_grad=True)
    aw = am.tensor(w, requires_grad=True)
    loss = am_chain(am, ax, aw, n_ops)
    check_close("autograd_mini loss", loss.item(), ref_loss, 1e-5, 1e-6)
    check_close("autograd_mini dL/dx", ax.grad.numpy(), ref_gx, 1e-5, 1e-6)
    check_close("autograd_mini dL/dw", aw.grad.numpy(), ref_gw, 1e-5, 1e-6)
    steps["autograd_mini"] = lambda: am_chain(am, ax, aw, n_ops)

    if torch is not None:
        tx = torch.tensor(x, requires_grad=True)
        tw = torch.tensor(w, requires_grad=True)
        loss = torch_chain(torch, tx, tw, n_ops)
        check_close("pytorch loss", loss.item(), ref_loss, 1e-4, 1e-5)
        check_close("pytorch dL/dx", tx.grad.numpy(), ref_gx, 1e-4, 1e-5)
        check_close("pytorch dL/dw", tw.grad.numpy(), ref_gw, 1e-4, 1e-5)
        steps["pytorch"] = lambda: torch_chain(torch, tx, tw, n_ops)
    return steps
