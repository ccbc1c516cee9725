"""Gradient clipping: `clip_grad_norm_` and `clip_grad_value_`."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = True) -> Tensor:
    """Scale all gradients together so that their total norm is at most `max_norm`.

    The total norm is that of all gradients concatenated into one vector (norm_type may be
    float('inf')). When it exceeds max_norm, every gradient is multiplied by
    max_norm / (total + 1e-6), in place.

    Args:
        parameters: tensors (or one tensor) whose `.grad` is clipped; None grads are skipped.
        max_norm: the largest allowed total norm.
        norm_type: the p of the p-norm.
        error_if_nonfinite: raise when the total norm is NaN or inf (the default here, unlike
            PyTorch). When False, such gradients are left unchanged: they are never multiplied
            by NaN.

    Returns:
        The total norm before clipping, as a 0-d float64 tensor.

    Raises:
        RuntimeError: the total norm is not finite and error_if_nonfinite is True.
    """
    if max_norm < 0 or math.isnan(max_norm):
        raise ValueError(f"clip_grad_norm_: max_norm must be non-negative, got {max_norm}")
    if norm_type <= 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be positive, got {norm_type}")
    grads = _grads(parameters)
    if not grads:
        return Tensor._make(np.asarray(0.0))
    with np.errstate(over="ignore", invalid="ignore"):
        if norm_type == math.inf:
            total = max(float(np.max(np.abs(g.data))) if g.data.size else 0.0 for g in grads)
        else:
            total = sum(float(np.sum(np.abs(g.data.astype(np.float64)) ** norm_type))
                        for g in grads) ** (1.0 / norm_type)
    if not math.isfinite(total):
        if error_if_nonfinite:
            raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                               f"gradients is {total}; pass error_if_nonfinite=False to leave "
                               "such gradients unchanged")
        return Tensor._make(np.asarray(total))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in grads:
            g.data = g.data * g.data.dtype.type(coef)  # a new array: never alias another grad
    return Tensor._make(np.asarray(total))


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be non-negative, got {clip_value}")
    for g in _grads(parameters):
        g.data = np.clip(g.data, -clip_value, clip_value)
