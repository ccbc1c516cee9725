"""Tensor constructors and the seeded random generator."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _dtypes
from .tensor import Tensor

# Created on first use: numpy.random is a noticeable share of `import autograd_mini`'s time.
_rng: np.random.Generator | None = None


def manual_seed(seed: int) -> None:
    """Seed every random draw of autograd_mini (rand, randn, nn.init, dropout, ...)."""
    global _rng
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"manual_seed: the seed must be a non-negative int, got "
                        f"{type(seed).__name__} {seed!r}")
    _rng = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The generator behind all random draws (reseeded by `manual_seed`)."""
    global _rng
    if _rng is None:
        _rng = np.random.default_rng()
    return _rng


def _shape(size: tuple, name: str = "") -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{name or 'shape'}: sizes must be non-negative ints, got {size}")
    return tuple(int(n) for n in size)


def _dtype(dtype: Any, name: str = "tensor") -> np.dtype:
    return _dtypes.get_default_dtype() if dtype is None else _dtypes.as_dtype(dtype, name)


def _allocate(name: str, shape: tuple, dtype: np.dtype, make: Callable[[], np.ndarray]) -> Any:
    """make(), with NumPy's refusals of a huge shape turned into errors that name the call."""
    count = math.prod(shape)
    if count > np.iinfo(np.intp).max:
        raise ValueError(f"{name}: shape {shape} has {count} elements, more than an array can "
                         "hold")
    try:
        return make()
    except (MemoryError, ValueError):
        raise MemoryError(f"{name}: a tensor of shape {shape} and dtype {dtype} needs "
                          f"{count * dtype.itemsize / 2**30:.3g} GiB, more than can be "
                          "allocated") from None


def _new(array: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad:
        _dtypes.check_can_require_grad(array.dtype)
    return Tensor._make(array, bool(requires_grad))


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (see `Tensor` for the dtype policy)."""
    array = _dtypes.as_array(data.data if isinstance(data, Tensor) else data, dtype)
    return Tensor(array.copy(), requires_grad=requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _shape(size, "zeros"), _dtype(dtype, "zeros")
    return _new(_allocate("zeros", shape, dt, lambda: np.zeros(shape, dtype=dt)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _shape(size, "ones"), _dtype(dtype, "ones")
    return _new(_allocate("ones", shape, dt, lambda: np.ones(shape, dtype=dt)), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _shape(size, "empty"), _dtype(dtype, "empty")
    return _new(_allocate("empty", shape, dt, lambda: np.empty(shape, dtype=dt)), requires_grad)


def full(size: Sequence[int], fill_value: float, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    shape, dt = _shape((size,), "full"), _dtype(dtype, "full")
    value = fill_value.data if isinstance(fill_value, Tensor) else \
        _dtypes.numeric_value(fill_value, "full")
    return _new(_allocate("full", shape, dt, lambda: np.full(shape, value, dtype=dt)),
                requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    base = t.data if isinstance(t, Tensor) else _dtypes.as_array(t)
    return _new(np.zeros(base.shape, dtype=base.dtype if dtype is None else _dtype(dtype, "zeros_like")),
                requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    base = t.data if isinstance(t, Tensor) else _dtypes.as_array(t)
    return _new(np.ones(base.shape, dtype=base.dtype if dtype is None else _dtype(dtype, "ones_like")),
                requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, end): int64 for int arguments (as PyTorch), otherwise the
    default float dtype."""
    if end is None:
        start, end = 0, start
    for v in (start, end, step):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(float(v) if abs(v) < 1e308 else np.inf):
            raise TypeError(f"arange: start, end and step must be finite real numbers, got "
                            f"{start!r}, {end!r}, {step!r}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else _dtypes.get_default_dtype()
    dt = _dtype(dtype, "arange")
    length = max(0, math.ceil((end - start) / step))
    return _new(_allocate("arange", (length,), dt, lambda: np.arange(start, end, step, dtype=dt)),
                requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape = _shape((n, n if m is None else m), "eye")
    dt = _dtype(dtype, "eye")
    return _new(_allocate("eye", shape, dt, lambda: np.eye(*shape, dtype=dt)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1), from the generator seeded by `manual_seed`."""
    shape, d = _shape(size, "rand"), _dtype(dtype, "rand")
    return _new(_allocate("rand", shape, np.dtype(np.float64), lambda: generator().random(
        shape, dtype=np.float64).astype(d, copy=False)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples, from the generator seeded by `manual_seed`."""
    shape, d = _shape(size, "randn"), _dtype(dtype, "randn")
    return _new(_allocate("randn", shape, np.dtype(np.float64), lambda: generator().standard_normal(
        shape).astype(d, copy=False)), requires_grad)
