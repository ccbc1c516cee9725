"""The dtype policy, in one place.

Python numbers and lists become the default float dtype (float32 unless changed); lists of bools
stay bool; NumPy arrays and NumPy scalars keep their dtype. Only float tensors can require grad.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype Python numbers and lists become (float32 unless changed)."""
    return _default_dtype


def as_dtype(dtype: Any, name: str) -> np.dtype:
    """A dtype argument, with an error naming the function when NumPy does not know it."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name}: {dtype!r} is not a dtype (use e.g. np.float32, 'float64', "
                        "np.int64 or bool)") from None


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype Python numbers and lists become; must be a floating dtype."""
    global _default_dtype
    d = as_dtype(dtype, "set_default_dtype")
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {d}")
    _default_dtype = d


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert tensor data (not a Tensor: callers unwrap it) to an ndarray following the dtype
    policy (no copy of ndarrays)."""
    if isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, np.generic):
        array = np.asarray(data)
    else:
        array = _from_python(data)
    _check_supported(array)
    if dtype is not None:
        target = as_dtype(dtype, "tensor")
        if target != array.dtype:
            array = array.astype(target)
    return array


def _from_python(data: Any) -> np.ndarray:
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"cannot make a tensor from {type(data).__name__}: {exc}") from None
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind in "iuf":
        return array.astype(_default_dtype)
    return array  # rejected by _check_supported with a clear message


def _check_supported(array: np.ndarray) -> None:
    if array.dtype.kind not in "biuf":
        raise TypeError(f"unsupported tensor dtype {array.dtype} (shape {array.shape}); "
                        "tensors hold bool, integer or floating-point numbers")


def check_can_require_grad(dtype: np.dtype) -> None:
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"only floating-point tensors can require grad, got dtype {dtype}; "
                        "convert first, e.g. am.tensor(x, dtype=np.float32)")


def numeric_value(x: Any, name: str) -> Any:
    """A value to combine with a tensor's array: a real number, or an array of bool/int/float
    numbers; anything else (strings, objects, ragged lists) a TypeError naming the op."""
    if isinstance(x, (bool, int, float, np.bool_, np.integer, np.floating)):
        if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 2**1023:
            raise OverflowError(f"{name}: {short_repr(x)} is too large for any float")
        return x
    try:
        array = np.asarray(x)
    except ValueError:  # a ragged nested list
        raise TypeError(f"{name}: cannot make a tensor from {type(x).__name__} {short_repr(x)}: "
                        "its nested sequences have different lengths") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected a Tensor, a real number or an array of numbers, got "
                        f"{type(x).__name__} {short_repr(x)} (dtype {array.dtype})")
    return array


def short_repr(x: Any) -> str:
    """repr(x), cut to 60 characters for error messages."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."
