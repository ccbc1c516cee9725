"""Tensor constructors and the seeded random generator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _dtypes
from .tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed every random draw of autograd_mini (rand, randn, nn.init, dropout, ...)."""
    global _rng
    _rng = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The generator behind all random draws (reseeded by `manual_seed`)."""
    return _rng


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"sizes must be non-negative ints, got {size}")
    return tuple(int(n) for n in size)


def _dtype(dtype: Any) -> np.dtype:
    return _dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _new(array: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad:
        _dtypes.check_can_require_grad(array.dtype)
    return Tensor._make(array, bool(requires_grad))


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (see `Tensor` for the dtype policy)."""
    array = _dtypes.as_array(data, dtype)
    return Tensor(array.copy(), requires_grad=requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.zeros(_shape(size), dtype=_dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.ones(_shape(size), dtype=_dtype(dtype)), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.empty(_shape(size), dtype=_dtype(dtype)), requires_grad)


def full(size: Sequence[int], fill_value: float, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    return _new(np.full(_shape((size,)), fill_value, dtype=_dtype(dtype)), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    base = t.data if isinstance(t, Tensor) else np.asarray(t)
    return _new(np.zeros(base.shape, dtype=dtype or base.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    base = t.data if isinstance(t, Tensor) else np.asarray(t)
    return _new(np.ones(base.shape, dtype=dtype or base.dtype), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, end): int64 for int arguments (as PyTorch), otherwise the
    default float dtype."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else _dtypes.get_default_dtype()
    return _new(np.arange(start, end, step, dtype=np.dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.eye(n, m, dtype=_dtype(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1), from the generator seeded by `manual_seed`."""
    d = _dtype(dtype)
    return _new(_rng.random(_shape(size), dtype=np.float64).astype(d, copy=False), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples, from the generator seeded by `manual_seed`."""
    d = _dtype(dtype)
    return _new(_rng.standard_normal(_shape(size)).astype(d, copy=False), requires_grad)
