"""Gradient clipping: `clip_grad_norm_` and `clip_grad_value_`."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._dtypes import get_default_dtype
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale all gradients together so that their total norm is at most `max_norm`, as PyTorch.

    The total norm is that of all gradients concatenated into one vector (norm_type may be
    float('inf')), computed in float64. Every gradient is multiplied by
    min(1, max_norm / (total + 1e-6)), in place (into a new array: a gradient never aliases
    another). A total that is inf or NaN raises only with `error_if_nonfinite=True`; by default
    the gradients are scaled by it as PyTorch does: an inf total makes the finite entries 0 and
    the infinite ones NaN, a NaN total makes every entry NaN.

    Args:
        parameters: tensors (or one tensor) whose `.grad` is clipped; None grads are skipped.
        max_norm: the largest allowed total norm.
        norm_type: the p of the p-norm.
        error_if_nonfinite: raise when the total norm is NaN or inf (False, PyTorch's default).
        foreach: PyTorch's choice of a fused implementation; accepted and ignored.

    Returns:
        The total norm before clipping, a 0-d tensor of the gradients' dtype (the default
        float dtype when there are none), as PyTorch.

    Raises:
        RuntimeError: the total norm is not finite and error_if_nonfinite is True.
    """
    if max_norm < 0 or math.isnan(max_norm):
        raise ValueError(f"clip_grad_norm_: max_norm must be non-negative, got {max_norm}")
    if norm_type <= 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be positive, got {norm_type}")
    grads = _grads(parameters)
    if not grads:
        return Tensor._make(np.asarray(0.0, dtype=get_default_dtype()))
    with np.errstate(over="ignore", invalid="ignore"):
        if norm_type == math.inf:  # (np.max, not max(): a NaN anywhere gives NaN)
            total = float(np.max([np.max(np.abs(g.data)) if g.data.size else 0.0
                                  for g in grads]))
        else:
            total = float(sum(np.sum(np.abs(g.data.astype(np.float64)) ** norm_type)
                              for g in grads) ** (1.0 / norm_type))
    dtype = np.result_type(*[g.data.dtype for g in grads])
    if not math.isfinite(total) and error_if_nonfinite:
        raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable this "
                           "error and scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    coef = max_norm / (total + 1e-6)  # (0 for an inf total, NaN for a NaN one)
    if not coef >= 1.0:
        with np.errstate(invalid="ignore"):
            for g in grads:  # a new array: never alias another grad
                g.data = g.data * g.data.dtype.type(coef)
    return Tensor._make(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place.

    Args:
        parameters: a Tensor or an iterable of Tensors whose `.grad` is clamped (those without
            one are skipped).
        clip_value: the bound (non-negative).
        foreach: PyTorch's choice of a fused implementation; accepted and ignored.
    """
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be non-negative, got {clip_value}")
    for g in _grads(parameters):
        g.data = np.clip(g.data, -clip_value, clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated into one 1-d tensor, in order, as PyTorch's
    (differentiable: gradients flow back to each parameter).

    Args:
        parameters: an iterable of Tensors (e.g. `model.parameters()`).

    Returns:
        A 1-D tensor of sum(p.numel()) elements.
    """
    from ..ops import cat

    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    if not params:
        raise RuntimeError("parameters_to_vector: expected a non-empty list of Tensors")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-d `vec` into the parameters' data, in order, as
    PyTorch's (outside the graph; each parameter gets a copy in its own dtype, never a view of
    `vec`). Extra elements of `vec` are ignored; too few raise RuntimeError.

    Args:
        vec: a 1-D tensor, e.g. from `parameters_to_vector`.
        parameters: an iterable of Tensors to overwrite.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    flat = np.asarray(vec.data).reshape(-1)
    pointer = 0
    for p in ([parameters] if isinstance(parameters, Tensor) else parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
        n = p.numel()
        if pointer + n > flat.size:
            raise RuntimeError(f"vector_to_parameters: vec has {flat.size} elements, too few "
                               f"for the parameters (needs at least {pointer + n})")
        p.data = flat[pointer:pointer + n].reshape(p.shape).astype(p.data.dtype, copy=True)
        pointer += n
