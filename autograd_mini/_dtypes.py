"""The dtype policy, in one place: PyTorch's.

`am.tensor` infers like `torch.tensor`: Python ints become int64, floats the default float dtype
(float32 unless changed), bools bool, a list mixing ints and floats the default float dtype; NumPy
arrays and NumPy scalars keep their dtype. `am.Tensor(data)` of Python numbers or lists gives the
default float dtype (the legacy constructor's rule). Only float tensors can require grad.

Promotion (`result_type`) follows PyTorch, not NumPy: operands are dimensioned tensors/arrays,
0-d tensors, or numbers (Python or NumPy scalars). Within a category (bool < integer < float),
0-d tensors and numbers never raise a dimensioned tensor's precision; a higher category wins
(int64 tensor * float32 tensor -> float32), and a number of a higher category gives that
category's default (int tensor * 2.5 -> the default float dtype).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)


class ShapeError(ValueError, RuntimeError):
    """Shapes that do not fit together: operands that do not broadcast, matmul's inner
    dimensions, cat/stack/reshape/view/expand, an in-place result that does not fit its tensor, a
    backward gradient of the wrong shape, a layer's weight that does not fit its input. A
    ValueError (autograd_mini's own class for these) and a RuntimeError (PyTorch's), so code
    written for either catches it."""


class DTypeError(TypeError, RuntimeError):
    """A result whose dtype cannot be stored where it is written (an int tensor given a float
    result in place, `exp_` of an int tensor). A TypeError (autograd_mini's own class for these)
    and a RuntimeError (PyTorch's: "result type Float can't be cast to the desired output type
    Long")."""


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
    """Set the dtype Python numbers and lists become; must be a floating dtype.

    Args:
        dtype: a floating dtype (am.float32, am.float64, ...).
    """
    global _default_dtype
    d = as_dtype(dtype, "set_default_dtype")
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {d}")
    _default_dtype = d


def as_array(data: Any, dtype: Any = None, legacy: bool = False) -> np.ndarray:
    """Convert tensor data (not a Tensor: callers unwrap it) to an ndarray following the dtype
    policy (no copy of ndarrays). `legacy`: the `am.Tensor(...)` constructor's rule, Python ints
    become the default float dtype."""
    if isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, np.generic):
        array = np.asarray(data)
    else:
        # with a dtype asked for, convert from NumPy's own reading (float64, int64, bool) in one
        # step: through float32 first, 1e308 would become inf and 0.1 lose its digits
        array = _from_python(data, legacy=legacy) if dtype is None else _read_python(data)
    _check_supported(array)
    if dtype is not None:
        target = as_dtype(dtype, "tensor")
        if target != array.dtype:
            array = array.astype(target)
    return array


def _read_python(data: Any) -> np.ndarray:
    try:
        return np.asarray(data)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"cannot make a tensor from {type(data).__name__}: {exc}") from None


def _from_python(data: Any, legacy: bool = False) -> np.ndarray:
    """Python numbers and (nested) lists: bools stay bool, ints become int64, floats the default
    float dtype; with `legacy` (the `am.Tensor(...)` constructor) all of them the default float."""
    array = _read_python(data)
    if legacy and array.dtype.kind in "biuf":
        return array.astype(_default_dtype)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
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


# ---- promotion, as PyTorch ------------------------------------------------------------------
def _category(dtype: np.dtype) -> int:
    """0 bool, 1 integer, 2 floating."""
    return 0 if dtype.kind == "b" else 1 if dtype.kind in "iu" else 2


def promote_types(a: Any, b: Any) -> np.dtype:
    """PyTorch's torch.promote_types: the smallest dtype both convert to within the higher
    category (int64 with float32 -> float32, where NumPy gives float64).

    Args:
        a: a dtype.
        b: a dtype.

    Returns:
        The promoted NumPy dtype.
    """
    a, b = as_dtype(a, "promote_types"), as_dtype(b, "promote_types")
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _number_dtype(x: Any) -> np.dtype | None:
    """The dtype a Python or NumPy number takes part in promotion with (a "wrapped number")."""
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(x, (float, np.floating)):
        return _default_dtype
    return None


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """Join the dtype of a higher-priority group with a lower one: the lower one counts only
    when it is of a higher category (then as promote_types, or its own dtype for a number)."""
    if higher is None:
        return lower
    if lower is None or _category(lower) <= _category(higher):
        return higher
    return promote_types(higher, lower)


def result_type(*operands: Any) -> np.dtype:
    """The dtype PyTorch gives an arithmetic op on `operands` (Tensors, arrays, numbers).

    Args:
        *operands: Tensors, arrays or numbers.

    Returns:
        The result's NumPy dtype.
    """
    dims = zeros = numbers = None
    for x in operands:
        number = _number_dtype(x)
        if number is not None:
            numbers = number if numbers is None else promote_types(numbers, number)
            continue
        # a Tensor's array (an ndarray's own .data is its buffer)
        array = x if isinstance(x, np.ndarray) else getattr(x, "data", x)
        if not isinstance(array, np.ndarray):
            array = np.asarray(array) if isinstance(array, np.generic) else as_array(array)
        _check_supported(array)
        if array.ndim:
            dims = array.dtype if dims is None else promote_types(dims, array.dtype)
        else:
            zeros = array.dtype if zeros is None else promote_types(zeros, array.dtype)
    result = _combine(dims, _combine(zeros, numbers))
    assert result is not None, "result_type needs at least one operand"
    return result


def is_floating_point(x: Any) -> bool:
    """Whether a Tensor (or array, or dtype) holds floating-point numbers.

    Args:
        x: a Tensor, a NumPy array, or a dtype.

    Returns:
        A Python bool.
    """
    dtype = getattr(getattr(x, "data", x), "dtype", x)
    return as_dtype(dtype, "is_floating_point").kind == "f"
