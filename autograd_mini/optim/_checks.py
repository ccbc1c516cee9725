"""Hyperparameter checks with PyTorch's error messages, and a few NumPy helpers shared by the
optimizers that follow torch.optim's formulas closely (Adagrad, Adadelta, Adamax, NAdam, RAdam,
LBFGS)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Real)


def check_range(message: str, value: Any, low: float = 0.0, high: float | None = None,
                high_open: bool = False) -> None:
    """ValueError(f"{message}: {value}") unless low <= value (<= or <) high; NaN fails, as the
    comparisons PyTorch writes fail for it."""
    ok = _is_number(value) and low <= value
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        raise ValueError(f"{message}: {value}")


def check_lr(value: Any) -> None:
    check_range("Invalid learning rate", value)


def check_eps(value: Any) -> None:
    check_range("Invalid epsilon value", value)


def check_weight_decay(value: Any) -> None:
    check_range("Invalid weight_decay value", value)


def check_betas(group: dict[str, Any]) -> None:
    """betas: a pair, each in [0, 1); stored as a tuple."""
    betas = group["betas"]
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas!r} (expected a pair (beta1, beta2))")
    group["betas"] = tuple(betas)
    for i, beta in enumerate(betas):
        check_range(f"Invalid beta parameter at index {i}", beta, 0.0, 1.0, high_open=True)


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, buf: np.ndarray) -> None:
    """start <- start + weight * (end - start), in place, as torch's lerp_ computes it (from the
    nearer end, so weight 1 gives end exactly). buf is scratch shaped like start."""
    if weight < 0.5:
        np.subtract(end, start, out=buf)
        buf *= weight
        start += buf
    else:
        np.subtract(end, start, out=buf)
        buf *= 1.0 - weight
        np.subtract(end, buf, out=start)
