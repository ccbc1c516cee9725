"""The public operations: argument checking, then a primitive (or a composite of primitives).

Every function here is also a `Tensor` method and an `am.` function. Axis arguments accept an int,
a tuple, negative values or None, spelled `dim`/`keepdim` (PyTorch) or `axis`/`keepdims` (NumPy).
Errors are raised here, before anything is computed or changed, and name the shapes involved.
"""

from __future__ import annotations

import builtins
import contextlib
import math
import operator
import warnings
from collections import namedtuple
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from . import primitives as P
from ._dtypes import (
    DTypeError,
    ShapeError,
    as_array,
    as_dtype,
    get_default_dtype,
    numeric_value,
    result_type,
    short_repr,
)
from ._grad_mode import thread_state
from ._linalg_primitives import LinalgDet, LinalgInv, LinalgSVD
from ._shapes import broadcasts_to
from .autograd.engine import backward  # noqa: F401  (Tensor.backward starts the engine here)
from .autograd.record import apply1, apply2
from .tensor import Tensor

Axes = int | Sequence[int] | None


# ---- argument helpers -----------------------------------------------------------------------
def normalize_axis(axis: Any, ndim: int, name: str) -> int:
    """One axis as a non-negative int, with an error naming the op and the tensor's rank."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name}: axis must be an int, got {type(axis).__name__} {axis!r}")
    # a 0-d tensor accepts axis 0 and -1, as in PyTorch
    if not (axis in (0, -1) if ndim == 0 else -ndim <= axis < ndim):
        raise IndexError(f"{name}: axis {axis} is out of range for a tensor with {ndim} "
                         f"dimension(s)")
    return int(axis) % builtins.max(ndim, 1) if ndim else 0


def normalize_axes(axes: Axes, ndim: int, name: str) -> tuple[int, ...] | None:
    """An axis argument as a sorted tuple of non-negative ints, or None for all axes."""
    if axes is None:
        return None
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, (bool, np.bool_)):
        axes = (axes,)
    if not isinstance(axes, (tuple, list)):
        raise TypeError(f"{name}: axis must be an int, a tuple of ints or None, got "
                        f"{type(axes).__name__}")
    out = tuple(normalize_axis(a, ndim, name) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {tuple(axes)}")
    if ndim == 0:
        return None if out else ()
    return tuple(sorted(out))


def _reduction_args(x: Tensor, dim: Any, keepdim: bool, kw: dict, name: str) -> tuple:
    """Merge the PyTorch and NumPy spellings of a reduction's arguments."""
    axis = kw.pop("axis", None)
    keepdims = kw.pop("keepdims", None)
    for ignored in ("dtype", "out"):  # np.sum(t) passes these as None
        if kw.get(ignored, None) is not None:
            raise TypeError(f"{name}: argument {ignored!r} is not supported")
        kw.pop(ignored, None)
    if kw:
        raise TypeError(f"{name}() got unexpected keyword argument(s) {sorted(kw)}")
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}: give dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return normalize_axes(dim, x.ndim, name), bool(keepdim)


def as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def tensor_arg(x: Any, name: str) -> Tensor:
    """A public op's tensor input: a Tensor as it is; numbers, lists and arrays converted by the
    dtype policy (as `am.tensor` would); anything else a TypeError naming the op."""
    if isinstance(x, Tensor):
        return x
    try:
        return Tensor._make(as_array(x))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected a Tensor, got {type(x).__name__}: {exc}") from None


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def shape_of(x: Any, name: str = "") -> tuple:
    """The shape of a Tensor, array, number or nested list; a ragged list is a TypeError."""
    try:
        return np.shape(_data(x))
    except ValueError:  # a ragged nested list
        raise TypeError(f"{name or 'operand'}: cannot make a tensor from {type(x).__name__} "
                        f"{short_repr(x)}: its nested sequences have different lengths") from None


def numeric_arg(x: Any, name: str) -> Any:
    """A value combined with a tensor's array in place: a Tensor's array, a real number, or an
    array of bool/int/float numbers; anything else a TypeError naming the op (checked before
    the tensor is touched)."""
    return x.data if isinstance(x, Tensor) else numeric_value(x, name)


def _check_broadcast(name: str, *operands: Any) -> None:
    shapes = [shape_of(o, name) for o in operands]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"{name}: shapes {' and '.join(str(s) for s in shapes)} cannot be "
                         "broadcast together") from None


def _binary(prim: Any, name: str, a: Any, b: Any) -> Tensor:
    try:
        if not _agree(a, b):
            a, b = promote_operands(a, b)
        return prim.apply(a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed(name, a, b, exc)
        raise


def _binary_failed(name: str, a: Any, b: Any, exc: Exception) -> None:
    """Replace NumPy's error for a failed binary op with one naming the op and both operands."""
    if isinstance(exc, ValueError):
        _check_broadcast(name, a, b)
        return  # the shapes broadcast: NumPy's own error stands
    for operand in (a, b):
        if isinstance(operand, (list, tuple)):
            shape_of(operand, name)  # a ragged nested list is named as such
    raise TypeError(f"{name}: unsupported operand types {type(a).__name__} and "
                    f"{type(b).__name__}") from None


# ---- promotion ------------------------------------------------------------------------------
def promote_operands(a: Any, b: Any, true_division: bool = False) -> tuple[Any, Any]:
    """(a, b) converted so that NumPy's arithmetic on them gives PyTorch's result dtype
    (`_dtypes.result_type`; true division of integers gives the default float dtype). A tensor
    is cast with a recorded Cast, so its gradient comes back in its own dtype; a NumPy scalar
    becomes the Python number it holds (NumPy would let a float64 scalar widen float32)."""
    target = result_type(a, b)
    if true_division and target.kind != "f":
        target = get_default_dtype()
    a, b = _in_dtype_for_arithmetic(a, target), _in_dtype_for_arithmetic(b, target)
    if isinstance(a, (bool, int, float)) and isinstance(b, (bool, int, float)):
        a = np.asarray(a, dtype=target)  # two numbers: NumPy would compute in float64/int64
    return a, b


def _in_dtype_for_arithmetic(x: Any, target: np.dtype) -> Any:
    if isinstance(x, Tensor):
        return x if x.data.dtype == target else cast(x, target)
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, (bool, int, float)):
        # a Python number never widens an array (NEP 50); an int meeting a float target, or a
        # bool meeting a number target, is fine as it is
        return x
    array = as_array(x)
    return array if array.dtype == target else array.astype(target)


def _agree(a: Any, b: Any) -> bool:
    """Cheap test that NumPy and PyTorch give the same result dtype: two tensors of one dtype,
    or a float tensor and a Python number (the cases on every step of a training loop)."""
    ta, tb = type(a), type(b)
    if ta is Tensor:
        if tb is Tensor:
            return a.data.dtype is b.data.dtype
        return (tb is float or tb is int) and a.data.dtype.kind == "f"
    return tb is Tensor and (ta is float or ta is int) and b.data.dtype.kind == "f"


# ---- arithmetic -----------------------------------------------------------------------------
# The four operators call their primitive directly rather than through `_binary`: one Python call
# less on the path every +, -, * and / takes, forward and inside every VJP.
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input + alpha * other with broadcasting and PyTorch's type promotion (torch.add).

    Args:
        input: a tensor or a number.
        other: a tensor or a number, broadcastable with input.
        alpha: the multiplier of other.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.

    Examples:
        >>> import autograd_mini as am
        >>> am.add(am.tensor([[1, 2], [3, 4]]), 10, alpha=2)
        tensor([[21, 22],
                [23, 24]])
        >>> am.tensor([1, 2]) + am.tensor([0.5])  # int and float: float
        tensor([1.5000, 2.5000])
    """
    return _add(input, other if alpha == 1 else mul(other, alpha))


def _add(a: Any, b: Any) -> Tensor:
    """a + b: the operator's path (kept free of keyword arguments: CPython calls such a
    function faster, and every + of a training step comes here)."""
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Add, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("add", a, b, exc)
        raise


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input - alpha * other with broadcasting and PyTorch's type promotion (torch.sub).

    Args:
        input: a tensor or a number.
        other: a tensor or a number, broadcastable with input.
        alpha: the multiplier of other.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _sub(input, other if alpha == 1 else mul(other, alpha))


def _sub(a: Any, b: Any) -> Tensor:
    """a - b: the operator's path (kept free of keyword arguments: CPython calls such a
    function faster, and every - of a training step comes here)."""
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Sub, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("sub", a, b, exc)
        raise


def mul(a: Any, b: Any) -> Tensor:
    """a * b with broadcasting and PyTorch's type promotion.

    Args:
        a: a tensor or a number.
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Mul, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("mul", a, b, exc)
        raise


def div(a: Any, b: Any, *, rounding_mode: str | None = None) -> Tensor:
    """a / b with broadcasting: true division, as PyTorch (integers give the default float dtype).
    `rounding_mode="trunc"` or `"floor"` rounds the quotient (integers then stay integers, and
    the gradient is zero, as PyTorch's).

    Args:
        a: the dividend, a tensor or a number.
        b: the divisor, a tensor or a number, broadcastable with a.
        rounding_mode: None (true division), "trunc" or "floor".

    Examples:
        >>> import autograd_mini as am
        >>> am.div(am.tensor([5, 7]), 2)
        tensor([2.5000, 3.5000])
        >>> am.div(am.tensor([5, 7]), 2, rounding_mode="floor")
        tensor([2, 3])
    """
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    try:
        if not _agree(a, b) or (a if type(a) is Tensor else b).data.dtype.kind != "f":
            a, b = promote_operands(a, b, true_division=True)
        return apply2(P.Div, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("div", a, b, exc)
        raise


def neg(a: Tensor) -> Tensor:
    """-a, elementwise (`-tensor`); refused on a bool tensor, as PyTorch.

    Args:
        a: a tensor (or a number or array-like).

    Returns:
        A tensor of a's shape and dtype.
    """
    a = a if isinstance(a, Tensor) else tensor_arg(a, "neg")
    return apply1(P.Neg, a)


def pow(a: Any, exponent: Any) -> Tensor:
    """a ** exponent. A number exponent uses a cheaper primitive; x**0 has gradient 0.

    Args:
        a: the base, a tensor or a number.
        exponent: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape.
    """
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool) and \
            isinstance(a, Tensor):
        if isinstance(exponent, float) and a.data.dtype.kind != "f":
            a = _float_input(a)  # int tensor ** 0.5: the default float dtype, as PyTorch
        return P.PowConst.apply(a, exponent=exponent)
    return _binary(P.Pow, "pow", a, exponent)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules (1-D promotion, broadcast batch dimensions); `a @ b`.

    Args:
        a: a tensor of shape (*, n, k), or (k,).
        b: a tensor of shape (*, k, m), or (k,).

    Returns:
        The product, of shape (*, n, m), the batch dimensions broadcast (a 1-D operand's
        dimension dropped).

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> am.matmul(x, x)
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> (am.randn(5, 2, 3) @ am.randn(3, 4)).shape
        (5, 2, 4)
    """
    sa, sb = shape_of(a, "matmul"), shape_of(b, "matmul")
    if len(sa) == 0 or len(sb) == 0:
        raise ShapeError(f"matmul: both operands need at least 1 dimension, got shapes {sa} "
                         f"and {sb}")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ShapeError(f"matmul: shapes {sa} and {sb} are not aligned ({k_a} != {k_b})")
    if len(sa) > 2 and len(sb) > 2:
        _check_broadcast("matmul (batch dimensions)", np.empty(sa[:-2], dtype=bool),
                         np.empty(sb[:-2], dtype=bool))
    return apply2(P.MatMul, a, b)


def _operands_result_type(name: str, a: Any, b: Any) -> tuple[Any, np.dtype]:
    """(a, PyTorch's result dtype of a and b), `a` made a tensor when neither operand is one;
    operands that are not numbers or tensors are a TypeError naming `name`."""
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = tensor_arg(a, name)
    try:
        return a, result_type(a, b)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: unsupported operand types {type(a).__name__} and "
                        f"{type(b).__name__}: {exc}") from None


# Remainders and rounded division, as PyTorch: `%` and `remainder` take the divisor's sign,
# `fmod` the dividend's; `//` and `floor_divide` round toward -inf; integers stay integers.
def _division_operands(name: str, a: Any, b: Any) -> tuple[Any, Any]:
    """(a, b) in PyTorch's result dtype for an integer-preserving division (int // int is int,
    int % float is float), with PyTorch's errors: bool operands on both sides, and an integer
    division by zero (NumPy would give 0 with a warning)."""
    a, target = _operands_result_type(name, a, b)
    if target.kind == "b":
        raise NotImplementedError(f"{name}: not implemented for bool tensors (as in PyTorch); "
                                  "convert one operand with .long() or .float() first")
    _check_broadcast(name, a, b)
    a, b = _in_dtype_for_arithmetic(a, target), _in_dtype_for_arithmetic(b, target)
    if target.kind in "iu" and np.any(np.asarray(_data(b)) == 0):
        raise RuntimeError(f"ZeroDivisionError: {name} of integer tensors by zero (as in "
                           "PyTorch; a float divisor gives inf or NaN instead)")
    return a, b


def remainder(a: Any, b: Any) -> Tensor:
    """a - floor(a / b) * b, elementwise, with the sign of the divisor (Python's and PyTorch's
    `%`): remainder(-5, 3) = 1, remainder(5, -3) = -1. Integers stay integers; dividing an
    integer by zero is an error. The gradient is 1 for a and -floor(a / b) for b.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    a, b = _division_operands("remainder", a, b)
    return apply2(P.Remainder, a, b)


def fmod(a: Any, b: Any) -> Tensor:
    """a - trunc(a / b) * b, elementwise, with the sign of the dividend (C's fmod, PyTorch's):
    fmod(-5, 3) = -2, fmod(5, -3) = 2. The gradient is 1 for a and -trunc(a / b) for b.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    a, b = _division_operands("fmod", a, b)
    return apply2(P.Fmod, a, b)


def floor_divide(a: Any, b: Any) -> Tensor:
    """a / b rounded toward -inf (Python's and PyTorch's `//`): -5 // 3 = -2. Integers stay
    integers. Not differentiable, as in PyTorch: backward through it is an error; use
    `div(a, b, rounding_mode="floor")` for a zero gradient.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    a, b = _division_operands("floor_divide", a, b)
    return apply2(P.DivRounded, a, b, {"mode": "floor", "op": "floor_divide"})


def _rounded_div(a: Any, b: Any, rounding_mode: Any) -> Tensor:
    """`div(a, b, rounding_mode=...)`: "trunc" rounds toward 0, "floor" toward -inf; integers
    stay integers; the gradient is zero, as in PyTorch."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found {rounding_mode!r}")
    a, b = _division_operands("div", a, b)
    return apply2(P.DivRounded, a, b, {"mode": rounding_mode, "op": "div"})


# ---- elementwise functions ------------------------------------------------------------------
def exp(x: Tensor) -> Tensor:
    """The exponential of each element, e ** x.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape; its gradient is exp(x) itself.

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([0.0, 1.0], requires_grad=True)
        >>> y = am.exp(x)
        >>> y
        tensor([1.0000, 2.7183], grad_fn=<ExpBackward>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "exp")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Exp, x)


def log(x: Tensor) -> Tensor:
    """The natural logarithm of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.
    log(0) is -inf; a negative element gives NaN.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "log")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Log, x)


def log1p(x: Tensor) -> Tensor:
    """log(1 + x) of each element, accurate for small x.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "log1p")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Log1p, x)


def sqrt(x: Tensor) -> Tensor:
    """The square root of each element (NaN for negative elements).

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.

    Examples:
        >>> import autograd_mini as am
        >>> am.sqrt(am.tensor([4, 9]))
        tensor([2., 3.])
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "sqrt")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Sqrt, x)


def abs(x: Tensor) -> Tensor:
    """|x|, with abs'(0) = 0.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "abs")
    return apply1(P.Abs, x)


def sin(x: Tensor) -> Tensor:
    """The sine (in radians) of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "sin")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Sin, x)


def cos(x: Tensor) -> Tensor:
    """The cosine (in radians) of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "cos")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Cos, x)


def tanh(x: Tensor) -> Tensor:
    """The hyperbolic tangent of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "tanh")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Tanh, x)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), stable for inputs of +-1000.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    x = _float_input(x if isinstance(x, Tensor) else tensor_arg(x, "sigmoid"))
    return apply1(P.Sigmoid, x)


def relu(x: Tensor) -> Tensor:
    """max(x, 0), with relu'(0) = 0.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    x = x if isinstance(x, Tensor) else tensor_arg(x, "relu")
    return apply1(P.Relu, x)



def _float_input(x: Tensor) -> Tensor:
    """An integer or bool tensor in the default float dtype, as PyTorch computes exp, sqrt, ...
    of one (NumPy would give float64; the fused primitives would round to integers)."""
    if x.data.dtype.kind == "f":
        return x
    return Tensor._make(x.data.astype(get_default_dtype()))


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 elementwise (a bool tensor is its own sign); no gradient.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype. No gradient.
    """
    x = tensor_arg(x, "sign")
    if x.data.dtype == np.bool_:
        return Tensor._make(x.data.copy())
    return Tensor._make(np.sign(x.data))


def clip(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Clamp to [min, max]; the gradient is 1 inside (bounds included) and 0 outside.

    As in PyTorch, min > max is allowed: max wins, so every element becomes max, gradient 0.

    Args:
        x: a tensor.
        min: the lower bound (None: none).
        max: the upper bound (None: none).

    Returns:
        A tensor of x's shape.
    """
    x = tensor_arg(x, "clip")
    _check_clip_bounds(min, max)
    return P.Clip.apply(x, lo=min, hi=max)


def _check_clip_bounds(min: Any, max: Any) -> None:
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    for bound in (min, max):
        if bound is not None and not isinstance(bound, (int, float, np.number)):
            raise TypeError(f"clip: bounds must be numbers, got {type(bound).__name__}; use "
                            "am.maximum/am.minimum for tensor bounds")


clamp = clip


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; at equality each side gets half the gradient.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _binary(P.Maximum, "maximum", a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; at equality each side gets half the gradient.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _binary(P.Minimum, "minimum", a, b)


@overload
def where(condition: Any) -> tuple[Tensor, ...]: ...
@overload
def where(condition: Any, a: Any, b: Any) -> Tensor: ...
def where(condition: Any, a: Any = None, b: Any = None) -> Any:
    """Elementwise choice: a where condition is true, else b. The condition carries no gradient.
    With the condition alone: nonzero(condition, as_tuple=True), as PyTorch.

    Args:
        condition: a bool tensor.
        a: the values where condition is True (a tensor or a number).
        b: the values where it is False (a tensor or a number).

    Returns:
        A tensor of the broadcast shape of condition, a and b.

    Examples:
        >>> import autograd_mini as am
        >>> am.where(am.tensor([True, False]), am.tensor([1.0, 2.0]), 0.0)
        tensor([1., 0.])
    """
    if a is None and b is None:
        return where_nonzero(condition)
    cond = _data(condition)
    if not isinstance(cond, np.ndarray) or cond.dtype != np.bool_:
        shape_of(cond, "where")  # a ragged list fails here, clearly
        cond = np.asarray(cond)
        if cond.dtype != np.bool_:
            raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    try:
        if not _agree(a, b):
            a, b = promote_operands(a, b)
        return P.Where.apply(cond, a, b)
    except ValueError:
        _check_broadcast("where", cond, a, b)
        raise


def compare(op: np.ufunc, a: Any, b: Any) -> Tensor:
    """A comparison or logical op: a bool tensor with no gradient."""
    try:
        return Tensor._make(op(_data(a), _data(b)))
    except ValueError:
        _check_broadcast(op.__name__, a, b)
        raise


def logical_not(a: Any) -> Tensor:
    """NOT of each element's truth value (nonzero is true), for any dtype: a bool tensor.

    Args:
        a: a tensor (or a number or array-like).

    Returns:
        A bool tensor of a's shape.
    """
    return Tensor._make(np.asarray(np.logical_not(tensor_arg(a, "logical_not").data)))


def logical_and(a: Any, b: Any) -> Tensor:
    """AND of the elements' truth values (nonzero is true), for any dtypes: a bool tensor.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a (any dtype).

    Returns:
        A bool tensor of the broadcast shape.
    """
    return compare(np.logical_and, a, b)


def logical_or(a: Any, b: Any) -> Tensor:
    """OR of the elements' truth values (nonzero is true), for any dtypes: a bool tensor.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a (any dtype).

    Returns:
        A bool tensor of the broadcast shape.
    """
    return compare(np.logical_or, a, b)


def logical_xor(a: Any, b: Any) -> Tensor:
    """XOR of the elements' truth values (nonzero is true), for any dtypes: a bool tensor.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor or a number, broadcastable with a (any dtype).

    Returns:
        A bool tensor of the broadcast shape.
    """
    return compare(np.logical_xor, a, b)


def _bitwise(op: np.ufunc, name: str, a: Any, b: Any) -> Tensor:
    """`a op b` on integer and bool operands in PyTorch's result dtype: bitwise on integers,
    logical on bools (the same thing there); a float operand is an error, as in PyTorch."""
    try:
        target = result_type(a, b)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: unsupported operand types {type(a).__name__} and "
                        f"{type(b).__name__}: {exc}") from None
    if target.kind not in "biu":
        kinds = " and ".join(str(x.dtype) if isinstance(x, Tensor) else type(x).__name__
                             for x in (a, b))
        raise NotImplementedError(
            f"{name} is only implemented for integer and bool tensors, got {kinds} (as in "
            "PyTorch); for truth values use am.logical_and/logical_or/logical_xor, or convert "
            "with .long() or .bool()")
    _check_broadcast(name, a, b)
    xa, xb = (_data(_in_dtype_for_arithmetic(x, target)) for x in (a, b))
    return Tensor._make(np.asarray(op(xa, xb)))


def bitwise_and(a: Any, b: Any) -> Tensor:
    """Bitwise AND of integer tensors, logical AND of bool tensors (`&`).

    Args:
        a: an integer or bool tensor (or a number).
        b: an integer or bool tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _bitwise(np.bitwise_and, "bitwise_and", a, b)


def bitwise_or(a: Any, b: Any) -> Tensor:
    """Bitwise OR of integer tensors, logical OR of bool tensors (`|`).

    Args:
        a: an integer or bool tensor (or a number).
        b: an integer or bool tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _bitwise(np.bitwise_or, "bitwise_or", a, b)


def bitwise_xor(a: Any, b: Any) -> Tensor:
    """Bitwise XOR of integer tensors, logical XOR of bool tensors (`^`).

    Args:
        a: an integer or bool tensor (or a number).
        b: an integer or bool tensor or a number, broadcastable with a.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return _bitwise(np.bitwise_xor, "bitwise_xor", a, b)


def bitwise_not(a: Any) -> Tensor:
    """Bitwise NOT of an integer tensor (bitwise_not(5) = -6), logical NOT of a bool tensor.

    Args:
        a: an integer or bool tensor.

    Returns:
        A tensor of a's shape and dtype.
    """
    return _invert(a, NotImplementedError, "bitwise_not")


def _invert(a: Any, error: type[Exception] = TypeError, name: str = "~ (bitwise_not)") -> Tensor:
    """`~a` (and `bitwise_not`): a float tensor is a TypeError for `~`, a NotImplementedError
    for `bitwise_not`, as in PyTorch."""
    x = tensor_arg(a, name)
    if x.data.dtype.kind not in "biu":
        raise error(f"{name} is only implemented on integer and bool tensors, got dtype "
                    f"{x.data.dtype} (as in PyTorch); for a truth value use am.logical_not")
    return Tensor._make(np.asarray(np.invert(x.data)))


def _truth_reduction(fn: Any, name: str, x: Any, dim: Any, keepdim: bool, kw: dict) -> Tensor:
    x = tensor_arg(x, name)
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, name)
    out = np.asarray(fn(x.data, axis=axis, keepdims=keepdim))
    # PyTorch keeps uint8 for uint8 input (a legacy of its masks); every other dtype gives bool
    return Tensor._make(out.astype(np.uint8) if x.data.dtype == np.uint8 else out)


def all(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Whether every element is true (nonzero), over `dim` (None: all of them): a bool tensor,
    0-d without dim, so `.item()`, `if t.all():` and `bool(...)` work, as in PyTorch. The `all`
    of nothing is True.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A bool tensor (uint8 for uint8 input); 0-d when dim is None, else x's shape without the
            reduced dimensions.
    """
    return _truth_reduction(np.all, "all", x, dim, keepdim, kw)


def any(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Whether some element is true (nonzero), over `dim` (None: all of them): a bool tensor,
    0-d without dim, as in PyTorch. The `any` of nothing is False.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A bool tensor (uint8 for uint8 input); 0-d when dim is None, else x's shape without the
            reduced dimensions.
    """
    return _truth_reduction(np.any, "any", x, dim, keepdim, kw)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """|a - b| <= atol + rtol * |b| elementwise, broadcasting (infinities of one sign are close,
    NaN only with equal_nan): a bool tensor. As PyTorch, the two need the same dtype, and the
    tolerances must be non-negative.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor of a's dtype, broadcastable with a.
        rtol: the relative tolerance (non-negative).
        atol: the absolute tolerance (non-negative).
        equal_nan: count NaN as close to NaN.

    Returns:
        A bool tensor of the broadcast shape.
    """
    a, b = tensor_arg(a, "isclose"), tensor_arg(b, "isclose")
    if a.data.dtype != b.data.dtype:
        raise RuntimeError(f"isclose: a and b must have the same dtype, got {a.data.dtype} and "
                           f"{b.data.dtype} (as in PyTorch); convert one with .to(other.dtype)")
    for what, tol in (("rtol", rtol), ("atol", atol)):
        if not tol >= 0:
            raise RuntimeError(f"isclose: {what} must be greater than or equal to zero, but got "
                               f"{tol}")
    _check_broadcast("isclose", a, b)
    if a.data.dtype.kind == "b":
        return Tensor._make(np.asarray(a.data == b.data))
    with np.errstate(invalid="ignore", over="ignore"):
        xa, xb = a.data, b.data
        if xa.dtype.kind in "iu":  # (exact, as PyTorch: no wrap-around in the difference)
            xa, xb = xa.astype(np.float64), xb.astype(np.float64)
        close = np.isclose(xa, xb, rtol=rtol, atol=atol, equal_nan=bool(equal_nan))
    return Tensor._make(np.asarray(close))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether `isclose(a, b, ...)` holds everywhere: a Python bool, as PyTorch's.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor of a's dtype, broadcastable with a.
        rtol: the relative tolerance (non-negative).
        atol: the absolute tolerance (non-negative).
        equal_nan: count NaN as close to NaN.

    Returns:
        A Python bool.
    """
    return bool(isclose(a, b, rtol, atol, equal_nan).data.all())


def equal(a: Any, b: Any) -> bool:
    """Whether a and b have the same shape and the same values (any dtypes, compared after
    promotion; NaN equals nothing): a Python bool, as PyTorch's `torch.equal`.

    Args:
        a: a tensor (or a number or array-like).
        b: a tensor (or a number or array-like).

    Returns:
        A Python bool.
    """
    a, b = tensor_arg(a, "equal"), tensor_arg(b, "equal")
    return a.data.shape == b.data.shape and bool(np.array_equal(a.data, b.data))


def cast(x: Tensor, dtype: Any) -> Tensor:
    """x converted to dtype; differentiable between float dtypes."""
    x = tensor_arg(x, "cast")
    target = as_dtype(dtype, "cast")
    if target == x.data.dtype:
        return x
    if x.requires_grad and target.kind != "f":
        return Tensor._make(x.data.astype(target))  # integer results carry no gradient
    return P.Cast.apply(x, dtype=target)


def clone(x: Tensor) -> Tensor:
    """A copy with its own memory, connected to the graph."""
    x = tensor_arg(x, "clone")
    return P.Cast.apply(x, dtype=x.data.dtype)


# ---- reductions -----------------------------------------------------------------------------
def sum(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Sum over `dim` (int, tuple, negative, or None for all; `axis`/`keepdims` also accepted).

    An empty tuple reduces nothing, as in NumPy.

    Args:
        x: the tensor.
        dim: the dimension or dimensions to reduce (None: all).
        keepdim: keep the reduced dimensions, with size 1.
        **kw: `dtype=` (the dtype to sum in), or NumPy's `axis=`/`keepdims=`.

    Returns:
        The sums: x's shape without the reduced dimensions (with size 1 when keepdim).

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> am.sum(x)
        tensor(10.)
        >>> x.sum(dim=0)
        tensor([4., 6.])
        >>> x.sum(1, keepdim=True)
        tensor([[3.],
                [7.]])
    """
    x = tensor_arg(x, "sum")
    if kw:
        x = _in_reduction_dtype(x, kw, "sum")
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "sum")
    return P.Sum.apply(x, axis=axis, keepdims=keepdim)


def in_float32(x: Tensor) -> tuple[Tensor, np.dtype | None]:
    """(x in float32, float16) for a float16 x, else (x, None): reductions and normalisations of
    float16 compute in float32 and cast the result back, as PyTorch's do on the CPU (a mean of
    100,000 float16 ones is 1, not inf; a variance does not overflow at values above 256)."""
    if x.data.dtype.char == "e":
        return cast(x, np.float32), x.data.dtype
    return x, None


def back_to(result: Tensor, dtype: np.dtype | None) -> Tensor:
    """`result` cast back to the float16 dtype `in_float32` widened from (no-op for None)."""
    return result if dtype is None else cast(result, dtype)


def _count(x: Tensor, axis: tuple | None) -> int:
    shape = x.data.shape
    return math.prod(shape) if axis is None else math.prod(shape[i] for i in axis)


def mean(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Mean over `dim`. The mean of an empty selection is NaN, silently, as in PyTorch.

    Args:
        x: a floating-point tensor.
        dim: the dimension or dimensions to reduce (None: all).
        keepdim: keep the reduced dimensions, with size 1.
        **kw: `dtype=`, or NumPy's `axis=`/`keepdims=`.

    Returns:
        The means: x's shape without the reduced dimensions (with size 1 when keepdim).

    Examples:
        >>> import autograd_mini as am
        >>> am.mean(am.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1)
        tensor([1.5000, 3.5000])
    """
    x = tensor_arg(x, "mean")
    if kw:
        x = _in_reduction_dtype(x, kw, "mean")
    x, narrow = in_float32(x)
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "mean")
    n = _count(x, axis)
    return back_to(P.Sum.apply(x, axis=axis, keepdims=keepdim) * (1.0 / n if n else math.nan),
                   narrow)


def var(x: Tensor, dim: Axes = None, keepdim: bool = False, *, correction: float | None = None,
        unbiased: bool | None = None, ddof: float | None = None, **kw: Any) -> Tensor:
    """Variance over `dim` with Bessel's correction by default (PyTorch: correction=1).

    `unbiased=False`, `correction=0` or NumPy's `ddof=0` give the population variance.
    With no degrees of freedom left (elements <= correction) it warns and divides by
    max(0, elements - correction), as PyTorch: NaN for 0/0, inf otherwise.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        correction: the difference between the number of elements and the divisor (default 1).
        unbiased: True: correction 1; False: correction 0 (PyTorch's older spelling).
        ddof: NumPy's name for correction.
        **kw: NumPy's `axis=`/`keepdims=`.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x, narrow = in_float32(tensor_arg(x, "var"))
    return back_to(_var(x, dim, keepdim, "var", correction=correction, unbiased=unbiased,
                        ddof=ddof, **kw), narrow)


def _var(x: Tensor, dim: Axes, keepdim: bool, what: str, *, correction: float | None = None,
         unbiased: bool | None = None, ddof: float | None = None, **kw: Any) -> Tensor:
    """var's body; `what` ("var" or "std") names the caller in the no-degrees-of-freedom warning."""
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "var")
    given = [c for c in (correction, ddof) if c is not None]
    if unbiased is not None:
        given.append(1 if unbiased else 0)
    if len(given) > 1:
        raise TypeError("var: give only one of correction, unbiased and ddof")
    corr = given[0] if given else 1
    n = _count(x, axis)
    dof = n - corr
    if dof <= 0:
        warnings.warn(f"{what}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    # With dof <= 0, 0 * inf (no spread) is NaN on purpose: NumPy's warning for it is silenced.
    with np.errstate(invalid="ignore") if dof <= 0 else contextlib.nullcontext():
        centred = x - P.Sum.apply(x, axis=axis, keepdims=True) * (1.0 / n if n else math.nan)
        return P.Sum.apply(centred * centred, axis=axis, keepdims=keepdim) * (
            1.0 / dof if dof > 0 else math.inf)


def std(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Standard deviation: sqrt(var) with the same arguments.

    Where the spread is zero the gradient is 0, as in PyTorch (sqrt's is infinite at 0).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: var's keyword arguments (`correction=`, `unbiased=`, `ddof=`) or NumPy's
            `axis=`/`keepdims=`.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x, narrow = in_float32(tensor_arg(x, "std"))
    v = _var(x, dim, keepdim, "std", **kw)
    zero = v.data == 0
    if not np.any(zero):
        return back_to(sqrt(v), narrow)
    # sqrt of a stand-in 1 where var is 0, then 0 there: no inf * 0 in the gradient, which is 0.
    return back_to(where(zero, 0.0, sqrt(where(zero, 1.0, v))), narrow)


def prod(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Product over `dim`; the gradient is exact when elements are zero.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: `dtype=` (the dtype to multiply in), or NumPy's `axis=`/`keepdims=`.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x = tensor_arg(x, "prod")
    if kw:
        x = _in_reduction_dtype(x, kw, "prod")
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "prod")
    return P.Prod.apply(x, axis=axis, keepdims=keepdim)


MaxResult = namedtuple("MaxResult", ["values", "indices"])


def _extremum(prim: Any, arg: Any, name: str, x: Tensor, dim: Any, keepdim: bool,
              kw: dict) -> Any:
    torch_style = dim is not None and isinstance(dim, (int, np.integer))
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, name)
    if x.data.size == 0 and (axis is None or builtins.any(x.shape[i] == 0 for i in axis)):
        raise ValueError(f"{name}: reducing over an empty selection of shape {x.shape} has no "
                         "identity")
    values = prim.apply(x, axis=axis, keepdims=keepdim)
    if torch_style:  # x.max(dim) returns (values, indices), as in PyTorch
        return MaxResult(values, arg(x, axis[0] if axis else 0, keepdim))
    return values


def max(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Any:
    """Maximum over `dim`; tied maxima share the gradient evenly.

    As in PyTorch, `x.max(dim)` with an int `dim` returns `(values, indices)`; with NumPy's
    `axis=` (or a tuple, or no axis) it returns the values only.

    Args:
        x: the tensor.
        dim: the dimension to reduce (None: all).
        keepdim: keep the reduced dimension, with size 1.

    Examples:
        >>> import autograd_mini as am
        >>> t = am.tensor([[1.0, 5.0], [4.0, 2.0]])
        >>> am.max(t)
        tensor(5.)
        >>> am.max(t, 1)
        MaxResult(values=tensor([5., 4.]), indices=tensor([1, 0]))
    """
    x = tensor_arg(x, "max")
    return _extremum(P.Max, argmax, "max", x, dim, keepdim, kw)


def min(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Any:
    """Minimum over `dim`; see `max` for ties and return values.

    Args:
        x: a tensor (or a number or array-like).
        dim: None (the minimum of all elements), an int (then values and indices), or a tuple of
            ints.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A 0-d tensor without dim; with an int dim, a named tuple (values, indices) whose indices are
            int64.
    """
    x = tensor_arg(x, "min")
    return _extremum(P.Min, argmin, "min", x, dim, keepdim, kw)


def _arg_extremum(fn: Any, name: str, x: Tensor, dim: Any, keepdim: bool, kw: dict) -> Tensor:
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, name)
    if x.data.size == 0:
        raise ValueError(f"{name}: empty tensor of shape {x.shape}")
    if axis is not None and len(axis) != 1:
        raise ValueError(f"{name}: takes one axis or None, got {axis}")
    if axis is None:
        return Tensor._make(np.asarray(fn(x.data)))
    return Tensor._make(fn(x.data, axis=axis[0], keepdims=keepdim))


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Index of the first maximum (of the flattened tensor when dim is None); no gradient.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to search; None: the flattened tensor.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        An int64 tensor of indices: 0-d when dim is None, else x's shape without dim.
    """
    x = tensor_arg(x, "argmax")
    return _arg_extremum(np.argmax, "argmax", x, dim, keepdim, kw)


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Index of the first minimum; no gradient.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to search; None: the flattened tensor.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        An int64 tensor of indices: 0-d when dim is None, else x's shape without dim.
    """
    x = tensor_arg(x, "argmin")
    return _arg_extremum(np.argmin, "argmin", x, dim, keepdim, kw)


def logsumexp(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """log(sum(exp(x))) over `dim`, shifted by the max: exact for +-1000, and a group that is
    all -inf gives -inf with gradient 0.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x, narrow = in_float32(_float_input(tensor_arg(x, "logsumexp")))
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "logsumexp")
    return back_to(P.LogSumExp.apply(x, axis=axis, keepdims=keepdim), narrow)


def _softmax_axis(x: Tensor, dim: Any, kw: dict, name: str) -> Any:
    if "axis" in kw:
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"{name}() got unexpected keyword argument(s) {sorted(kw)}")
    if dim is None:
        raise TypeError(f"{name}: dim is required")
    axes = normalize_axes(dim, x.ndim, name)
    return axes if axes is None or len(axes) != 1 else axes[0]


def softmax(x: Tensor, dim: Any = -1, **kw: Any) -> Tensor:
    """exp(x - max) / sum along `dim`. A group that is all -inf gives zeros, not NaN.

    Args:
        x: a tensor.
        dim: the dimension to normalize over.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A tensor of x's shape (integers give the default float dtype).
    """
    x, narrow = in_float32(_float_input(tensor_arg(x, "softmax")))
    return back_to(P.Softmax.apply(x, axis=_softmax_axis(x, dim, kw, "softmax")), narrow)


def log_softmax(x: Tensor, dim: Any = -1, **kw: Any) -> Tensor:
    """x - logsumexp(x) along `dim` (never log(softmax(x))).

    Args:
        x: a tensor.
        dim: the dimension to normalize over.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A tensor of x's shape (integers give the default float dtype).
    """
    x, narrow = in_float32(_float_input(tensor_arg(x, "log_softmax")))
    return back_to(P.LogSoftmax.apply(x, axis=_softmax_axis(x, dim, kw, "log_softmax")), narrow)


# ---- shape ----------------------------------------------------------------------------------
# Views: reshape/view (when NumPy needs no copy), permute/transpose/.T/.mT, squeeze/unsqueeze,
# flatten, expand/broadcast_to, basic indexing (ints, slices, None, ...) and split's pieces share
# their input's memory, as in NumPy and PyTorch; advanced indexing copies.
def _view_of(x: Tensor, result: Tensor) -> Tensor:
    """`result`, made from x by a view op, registered as sharing x's memory when NumPy gave a
    view (a write in place through either is then seen by both, and by backward)."""
    if np.may_share_memory(result.data, x.data):
        result._alias_of(x, "view")
    return result


def _shape_args(shape: tuple, name: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{name}: shape entries must be ints, got {shape}")
    return tuple(int(n) for n in shape)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """Same elements in a new shape; one entry may be -1. A view of x (shares its memory) when
    NumPy can reshape without a copy, as PyTorch's `reshape`; else a copy.

    Args:
        x: the tensor.
        *shape: the new shape: ints, or one tuple of ints, with as many elements as x.

    Examples:
        >>> import autograd_mini as am
        >>> am.reshape(am.arange(6), (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> am.arange(6).reshape(3, -1).shape
        (3, 2)
    """
    x = tensor_arg(x, "reshape")
    new = _shape_args(shape, "reshape")
    try:
        np.empty(x.shape, dtype=bool).reshape(new)
    except ValueError:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                         f"({x.data.size} elements) into shape {new}") from None
    if new == x.data.shape:
        return x
    return _view_of(x, P.Reshape.apply(x, shape=new))


view = reshape


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes. A view of x (shares its memory).

    Args:
        x: a tensor.
        *dims: the new order of the dimensions (ints, or one sequence).

    Returns:
        A view of x.
    """
    x = tensor_arg(x, "permute")
    axes = _shape_args(dims, "permute")
    norm = tuple(normalize_axis(a, x.ndim, "permute") for a in axes)
    if sorted(norm) != list(range(x.ndim)):
        raise ShapeError(f"permute: {axes} is not a permutation of the {x.ndim} axes of a "
                         f"tensor of shape {x.shape}")
    return _view_of(x, P.Permute.apply(x, axes=norm))


def transpose(x: Tensor, *dims: Any) -> Tensor:
    """`transpose(d0, d1)` swaps two axes (PyTorch); `transpose()` reverses them and
    `transpose(axes)` permutes (NumPy). A view of x (shares its memory).

    Args:
        x: a tensor.
        *dims: two dimensions to swap, none, or one permutation.

    Returns:
        A view of x.
    """
    x = tensor_arg(x, "transpose")
    if not dims:
        return permute(x, tuple(range(x.ndim - 1, -1, -1)))
    if len(dims) == 1:
        return permute(x, *dims)
    if len(dims) != 2:
        raise TypeError(f"transpose: expected two axes, got {dims}")
    d0, d1 = (normalize_axis(d, x.ndim, "transpose") for d in dims)
    if x.ndim == 0:
        return x  # axes 0 and -1 of a 0-d tensor are the tensor itself, as in PyTorch
    order = list(range(x.ndim))
    order[d0], order[d1] = order[d1], order[d0]
    return _view_of(x, P.Permute.apply(x, axes=tuple(order)))


def squeeze(x: Tensor, dim: Axes = None, **kw: Any) -> Tensor:
    """Drop axes of length 1 (all of them, or those in `dim` that have length 1, as PyTorch).
    A view of x (shares its memory).

    Args:
        x: a tensor.
        dim: an int, a tuple of ints, or None (all dimensions of size 1).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A view of x.
    """
    x = tensor_arg(x, "squeeze")
    if "axis" in kw:
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"squeeze() got unexpected keyword argument(s) {sorted(kw)}")
    axes = normalize_axes(dim, x.ndim, "squeeze")
    if axes is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    new = tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1))
    return reshape(x, new)


def _new_axis(dim: Any, shape: tuple, name: str) -> int:
    """A position for a new axis in a tensor of `shape` (the result has one more dimension)."""
    try:
        return normalize_axis(dim, len(shape) + 1, name)
    except IndexError:
        raise IndexError(f"{name}: dim {dim} is out of range for inserting an axis into a tensor "
                         f"of shape {shape} (valid: {-len(shape) - 1} to {len(shape)})") from None


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert an axis of length 1 at `dim` (negative counts from the end of the result). A view of
    x (shares its memory).

    Args:
        x: a tensor.
        dim: the position of the new dimension, in [-x.ndim - 1, x.ndim].

    Returns:
        A view of x.
    """
    x = tensor_arg(x, "unsqueeze")
    d = _new_axis(dim, x.shape, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """A broadcast view (shares x's memory, read-only); the gradient is summed back over the
    broadcast axes.

    Args:
        x: a tensor.
        shape: the target shape, broadcastable from x's (a tuple of ints).

    Returns:
        A read-only view of that shape.
    """
    x = tensor_arg(x, "broadcast_to")
    shape = _shape_args((shape,), "broadcast_to")
    try:
        np.broadcast_shapes(x.shape, shape)
        np.broadcast_to(np.empty(x.shape, dtype=bool), shape)
    except ValueError:
        raise ShapeError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to "
                         f"{shape}") from None
    if shape == x.data.shape:
        return x
    return _view_of(x, P.BroadcastTo.apply(x, shape=shape))


def expand(x: Tensor, *shape: Any) -> Tensor:
    """PyTorch's expand: broadcast_to where -1 keeps that dimension's size (a read-only view).

    Args:
        x: a tensor.
        *shape: the sizes (ints, or one sequence); -1 keeps a dimension's size.

    Returns:
        A read-only view of the expanded shape.
    """
    x = tensor_arg(x, "expand")
    shape = _shape_args(shape, "expand")
    lead = len(shape) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: shape {shape} has fewer dimensions than the tensor "
                         f"{x.shape}")
    full = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    return broadcast_to(x, full)


def sum_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Sum a tensor down to a shape it was broadcast from."""
    shape = tuple(shape)
    if x.data.shape == shape:
        return x
    if not broadcasts_to(shape, x.data.shape):
        raise ShapeError(f"sum_to_size: a tensor of shape {x.data.shape} is not a broadcast of "
                         f"shape {shape}, so it cannot be summed down to it")
    return P.SumTo.apply(x, shape=shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes start_dim..end_dim into one (a view when NumPy needs no copy, as reshape).

    Args:
        x: a tensor.
        start_dim: the first dimension to merge.
        end_dim: the last dimension to merge (inclusive).

    Returns:
        A tensor with those dimensions merged into one.
    """
    x = tensor_arg(x, "flatten")
    if x.ndim == 0:
        return reshape(x, (1,))
    s = normalize_axis(start_dim, x.ndim, "flatten")
    e = normalize_axis(end_dim, x.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(x, x.shape[:s] + (math.prod(x.shape[s:e + 1]),) + x.shape[e + 1:])


def cat(tensors: Sequence[Any], dim: int = 0, **kw: Any) -> Tensor:
    """Join tensors along an existing axis (`axis=` also accepted).

    Args:
        tensors: a sequence of tensors with the same shape except along dim.
        dim: the dimension to join along.

    Examples:
        >>> import autograd_mini as am
        >>> x, y = am.zeros(2, 3), am.ones(2, 3)
        >>> am.cat([x, y]).shape, am.cat([x, y], dim=1).shape
        ((4, 3), (2, 6))
    """
    if "axis" in kw:
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"cat() got unexpected keyword argument(s) {sorted(kw)}")
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError("cat: expected a non-empty sequence of tensors")
    items = [as_tensor(t) for t in tensors]
    ndim = items[0].ndim
    if ndim == 0:
        raise ShapeError("cat: zero-dimensional tensors cannot be concatenated; use am.stack")
    axis = normalize_axis(dim, ndim, "cat")
    first = items[0].shape
    for t in items[1:]:
        if t.ndim != ndim or t.shape[:axis] + t.shape[axis + 1:] != \
                first[:axis] + first[axis + 1:]:
            raise ShapeError(f"cat: shapes {first} and {t.shape} differ outside axis {axis}")
    return P.Concat.apply(*items, axis=axis)


concatenate = cat


def stack(tensors: Sequence[Any], dim: int = 0, **kw: Any) -> Tensor:
    """Join tensors of the same shape along a new axis.

    Args:
        tensors: a sequence of tensors of one shape.
        dim: the position of the new dimension.

    Examples:
        >>> import autograd_mini as am
        >>> am.stack([am.zeros(2, 3), am.ones(2, 3)]).shape
        (2, 2, 3)
    """
    if "axis" in kw:
        dim = kw.pop("axis")
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError("stack: expected a non-empty sequence of tensors")
    items = [as_tensor(t) for t in tensors]
    for t in items[1:]:
        if t.shape != items[0].shape:
            raise ShapeError(f"stack: all tensors need the same shape, got {items[0].shape} "
                             f"and {t.shape}")
    axis = _new_axis(dim, items[0].shape, "stack")
    return cat([unsqueeze(t, axis) for t in items], axis, **kw)


def split(x: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0,
          **kw: Any) -> list[Tensor]:
    """PyTorch's split: pieces of `split_size` along `dim` (the last may be smaller), or pieces
    of the given sizes, which must add up to the axis length. Each piece is a view of x.

    Args:
        x: a tensor.
        split_size_or_sections: the size of each piece (an int), or a list of sizes.
        dim: the dimension to split.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A list of views.
    """
    x = tensor_arg(x, "split")
    if "axis" in kw:
        dim = kw.pop("axis")
    if x.ndim == 0:
        raise ValueError("split: a 0-d tensor has no axis to split")
    axis = normalize_axis(dim, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: split size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
    else:
        try:
            sizes = [operator.index(s) for s in split_size_or_sections]
        except TypeError:
            raise TypeError(f"split: split_size_or_sections must be an int or a sequence of ints, "
                            f"got {short_repr(split_size_or_sections)}") from None
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise ShapeError(f"split: sizes {sizes} do not add up to {n}, the length of axis "
                             f"{axis} of shape {x.shape}")
    pieces = []
    start = 0
    for s in sizes:
        pieces.append(getitem(x, (slice(None),) * axis + (slice(start, start + s),)))
        start += s
    return pieces


def pad(x: Tensor, pad_width: Any, value: float = 0.0) -> Tensor:
    """Constant padding with NumPy's `pad_width`: an int, a (before, after) pair, or one pair per
    axis.

    Args:
        x: a tensor.
        pad_width: an int, a (before, after) pair, or one pair per dimension (NumPy's).
        value: the fill value.

    Returns:
        A tensor padded in each dimension.
    """
    x = tensor_arg(x, "pad")
    try:
        widths = np.broadcast_to(np.asarray(pad_width).astype(np.int64, casting="safe"),
                                 (x.ndim, 2))
    except (ValueError, TypeError, OverflowError):  # not ints, too large, or the wrong layout
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor of shape "
                         f"{x.shape}") from None
    if (widths < 0).any():
        raise ValueError(f"pad: negative pad width in {pad_width!r}")
    if x.ndim == 0:
        return x  # no axis to pad (np.pad rejects the empty width list)
    return P.Pad.apply(x, pad_width=tuple(map(tuple, widths.tolist())), value=value)


# ---- indexing -------------------------------------------------------------------------------
def _index_part(i: Any) -> Any:
    """One part of an index as NumPy takes it: a Tensor's or a list's values as an array (an
    empty list indexes nothing, as int64), a 0-d integer array or Tensor as a Python int (PyTorch
    treats `x[t.argmax()]` as `x[int]`: it selects, and gives a view), a 0-d bool as a bool."""
    if isinstance(i, Tensor):
        i = i.data
    if isinstance(i, list):
        try:
            i = np.asarray(i)
        except ValueError:  # a ragged nested list
            raise IndexError(f"index list {short_repr(i)} has nested lists of different "
                             "lengths") from None
        if i.size == 0 and i.dtype.kind == "f":  # [] (NumPy reads it as float64)
            i = i.astype(np.intp)
    if isinstance(i, np.ndarray):
        if i.dtype.kind not in "biu":
            raise IndexError(f"index arrays must be integer or boolean, got dtype {i.dtype}"
                             + (" (write several indices as x[a, b], a tuple, not x[[a, b]])"
                                if i.dtype.kind == "O" else ""))
        if i.ndim == 0:
            return bool(i) if i.dtype.kind == "b" else int(i)
    return i


def normalize_index(index: Any) -> Any:
    """An index as NumPy takes it (see `_index_part`); its layout is still NumPy's (see
    `_pytorch_order`)."""
    if isinstance(index, tuple):
        return tuple([_index_part(i) for i in index])  # (a list: faster than a generator)
    return _index_part(index)


# The types of the index parts that make NumPy's and PyTorch's layouts differ (after
# normalize_index): index arrays, masks, and bool scalars (a bool is a 0-d mask).
_ADVANCED = frozenset({np.ndarray, bool, np.bool_})
# The kind of an index part, by its type: "a" advanced (an index array, a mask, a bool), "i" an
# int, "s" a slice, "n" None, "." Ellipsis (other integer types are "i", anything else "s": an
# invalid part, which NumPy refuses next).
_INDEX_KINDS = {np.ndarray: "a", bool: "a", np.bool_: "a", int: "i", slice: "s",
                type(None): "n", type(Ellipsis): "."}


def _pytorch_order(index: tuple, ndim: int) -> tuple[tuple, tuple[int, ...] | None]:
    """(index, perm): NumPy's `array[index].transpose(perm)` is PyTorch's `tensor[index]` (perm
    None: no transposition), for a normalized tuple index holding index arrays, masks or bools.

    NumPy and PyTorch agree but for one rule. Both put the dimensions of the broadcast index
    arrays where the arrays stand when the arrays are next to each other, and first otherwise.
    PyTorch applies an int first, as a selection (like a slice, then select), so ints do not
    count: in `x[0, :, [0, 1]]` the array stands alone, after the slice, where NumPy counts the
    0 as an index array too, separated from [0, 1] by the slice, and moves both to the front
    (x of shape (2, 3, 4): (3, 2) in PyTorch, (2, 3) in NumPy). An Ellipsis that stands for no
    dimension separates arrays in NumPy only; it is written out as slices here (returned index).
    """
    kinds = "".join([_INDEX_KINDS.get(type(i)) or (
        "i" if isinstance(i, (int, np.integer)) else "s") for i in index])
    if "." not in kinds and ("i" not in kinds or ("s" not in kinds and "n" not in kinds)):
        return index, None  # no int, or nothing that could separate one from the arrays
    if "." in kinds:  # written out: as many full slices as the dimensions it stands for
        if kinds.count(".") > 1:
            return index, None  # (NumPy's error follows)
        k = kinds.index(".")
        fill = builtins.max(ndim - _index_extent(index)[0], 0)
        index = index[:k] + (slice(None),) * fill + index[k + 1:]
        kinds = kinds[:k] + "s" * fill + kinds[k + 1:]
        if "i" not in kinds:
            return index, None
    first, last = kinds.find("a"), kinds.rfind("a")
    between = kinds[first:last + 1]
    if "s" in between or "n" in between:
        return index, None  # the arrays are apart: both put their dimensions first
    lo, hi = kinds.find("i"), kinds.rfind("i")
    span = kinds[lo if lo < first else first:(hi if hi > last else last) + 1]
    if "s" not in span and "n" not in span:
        return index, None  # ints and arrays all together: NumPy keeps them in place too
    before = first - kinds.count("i", 0, first)  # PyTorch's place for the array dimensions
    if before == 0:
        return index, None
    consumed, block = _index_extent(index)
    rest = kinds.count("s") + kinds.count("n") + builtins.max(ndim - consumed, 0)
    perm = (tuple(range(block, block + before)) + tuple(range(block))
            + tuple(range(block + before, block + rest)))
    return index, perm


def _index_extent(index: tuple) -> tuple[int, int]:
    """(the dimensions of x a tuple index takes, the dimensions of its broadcast index arrays)."""
    consumed = block = 0
    for i in index:
        if type(i) is np.ndarray:
            mask = i.dtype.kind == "b"
            consumed += i.ndim if mask else 1
            block = builtins.max(block, 1 if mask else i.ndim)
        elif type(i) is bool or type(i) is np.bool_:
            block = builtins.max(block, 1)
        elif i is not None and i is not Ellipsis:
            consumed += 1
    return consumed, block


def getitem(x: Tensor, index: Any) -> Tensor:
    """x[index]: ints, slices, None, Ellipsis, integer arrays (repeats accumulate in the
    gradient) and boolean masks, laid out as PyTorch does (ints select first: see
    `_pytorch_order`). Basic indexing (ints, slices, None, Ellipsis) gives a view of x
    (shares its memory); index arrays and masks copy, as in NumPy and PyTorch."""
    x = tensor_arg(x, "getitem")
    index = normalize_index(index)
    perm = None
    if type(index) is tuple and not _ADVANCED.isdisjoint(map(type, index)):
        index, perm = _pytorch_order(index, x.data.ndim)
    try:
        np.empty(x.shape, dtype=bool)[index]
    except (IndexError, ValueError) as exc:  # ValueError: a slice step of 0
        raise IndexError(f"index {format_index(index)} is invalid for a tensor of shape "
                         f"{x.shape}: {exc}") from None
    if perm is not None:
        return P.Permute.apply(P.GetItem.apply(x, index=index), axes=perm)
    return _view_of(x, P.GetItem.apply(x, index=index))


def format_index(index: Any) -> str:
    """An index as it is written in Python: `[0, 1:3, ...]`."""
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for i in parts:
        if isinstance(i, slice):
            text = ":".join("" if v is None else str(v) for v in (i.start, i.stop, i.step))
            out.append(text[:-1] if text.endswith(":") and i.step is None else text)
        elif i is Ellipsis:
            out.append("...")
        elif isinstance(i, np.ndarray):
            out.append(f"array{i.shape}" if i.size > 6 else str(i.tolist()))
        else:
            out.append(repr(i))
    return "[" + ", ".join(out) + "]"



# ---- in place -------------------------------------------------------------------------------
_INPLACE = {"add": (np.add, _add), "sub": (np.subtract, _sub), "mul": (np.multiply, mul),
            "div": (np.true_divide, div), "pow": (np.power, pow)}


def _check_inplace(x: Tensor, what: str, result_dtype: np.dtype, result_shape: tuple) -> None:
    if thread_state.grad_enabled and x.requires_grad and x.grad_fn is None:
        raise RuntimeError(
            f"in-place {what} on a leaf tensor of shape {x.shape} that requires grad: the "
            "gradient would lose track of its old value. Do it inside `with am.no_grad():` (an "
            "optimizer update), write it out of place (`x = x + y`), or work on x.detach()")
    if result_shape != x.shape:
        raise ShapeError(f"in-place {what}: the result has shape {result_shape}, which does not "
                         f"fit the tensor's shape {x.shape}")
    if not np.can_cast(result_dtype, x.dtype, casting="same_kind"):
        raise DTypeError(f"in-place {what}: the result dtype {result_dtype} cannot be stored in "
                         f"a tensor of dtype {x.dtype} (PyTorch: result type can't be cast to the "
                         "desired output type); write it out of place or convert with .to()")
    if not x.data.flags.writeable:
        raise ValueError(f"in-place {what}: the tensor's array (shape {x.shape}) is read-only; "
                         "use .clone() first")


def inplace(x: Tensor, op: str, other: Any) -> Tensor:
    """`x op= other`, written into x's array itself, so every tensor sharing its memory (views,
    detach()) sees the new values, and backward sees the write (see `_bump_version`). When the
    op is recorded (grad mode, and x or other requires grad), x is rebased onto its result: x's
    history becomes the op applied to x's old value, as in PyTorch."""
    other_data = numeric_arg(other, f"in-place {op}")  # refuses strings, objects, ragged lists
    _check_broadcast(f"in-place {op}", x, other_data)
    shape = np.broadcast_shapes(x.shape, np.shape(other_data))
    dtype = x.dtype if op == "copy_" else result_type(x, other_data)
    if op == "div" and dtype.kind != "f":
        dtype = get_default_dtype()  # true division: an int tensor cannot hold it, as PyTorch
    _check_inplace(x, op, dtype, shape)
    if op == "copy_":
        def compute(old: Tensor) -> Tensor:
            # (not `other + old * 0`: inf or NaN in old must not leak into the new values; the
            # old value still gets its gradient, zero, as in PyTorch)
            new = cast(broadcast_to(_in_dtype(other, x.dtype), x.shape), x.dtype)
            return where(np.ones(x.shape, dtype=bool), new, old)

        def write(array: np.ndarray) -> None:
            np.copyto(array, other_data, casting="unsafe")
    else:
        def compute(old: Tensor) -> Tensor:
            return _INPLACE[op][1](old, other)

        def write(array: np.ndarray) -> None:
            _INPLACE[op][0](array, other_data, out=array, casting="same_kind")
    return write_in_place(x, op, compute, write, other)


def write_in_place(x: Tensor, what: str, compute: Any, write: Any, other: Any = None) -> Tensor:
    """x = compute(x), in x's own array (checked by the caller: `_check_inplace`). Recorded (grad
    mode, and x or `other` requires grad): `compute` runs on x's old value as recorded ops and
    x is rebased onto the result; else `write(x.data)` updates the array directly."""
    if thread_state.grad_enabled and (x.requires_grad or (
            isinstance(other, Tensor) and other.requires_grad)):
        _check_no_alias_with_history(x, what)
        _write_and_rebase(x, cast(compute(_old_value(x)), x.dtype))
    else:
        write(x.data)
        x._bump_version()
    return x


def elementwise_in_place(x: Tensor, what: str, compute: Any, write: Any,
                         result_dtype: np.dtype | None = None) -> Tensor:
    """x = compute(x) in x's own array for an elementwise op (checked, then `write_in_place`).
    `result_dtype`: the dtype the op gives for x's (when not x's own: exp of an int tensor gives
    the default float, which an int tensor cannot hold: refused, as PyTorch)."""
    x = tensor_arg(x, what)
    _check_inplace(x, what, x.dtype if result_dtype is None else result_dtype, x.shape)
    return write_in_place(x, what, compute, write)


def _float_result(x: Any) -> np.dtype | None:
    """The dtype of exp/log/... of x: x's own when floating, else the default float dtype."""
    dtype = x.dtype if isinstance(x, Tensor) else None
    return None if dtype is None or dtype.kind == "f" else get_default_dtype()


def exp_(x: Tensor) -> Tensor:
    """exp in place (see `exp` and `inplace`): an int tensor cannot hold the result (refused)."""
    return elementwise_in_place(x, "exp_", exp, lambda a: np.exp(a, out=a), _float_result(x))


def neg_(x: Tensor) -> Tensor:
    """-x in place (see `neg` and `inplace`); refused on a bool tensor, as PyTorch."""
    if isinstance(x, Tensor) and x.dtype.kind == "b":
        raise DTypeError("neg_: negation, the `-` operator, on a bool tensor is not supported; "
                         "to invert a mask use ~ or logical_not()")
    return elementwise_in_place(x, "neg_", neg, lambda a: np.negative(a, out=a))


def pow_(x: Tensor, exponent: Any) -> Tensor:
    """x ** exponent in place (see `pow` and `inplace`); the exponent may be a number or a
    tensor broadcast to x's shape (recorded when either requires grad)."""
    return inplace(tensor_arg(x, "pow_"), "pow", exponent)


def clamp_(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """clamp in place (see `clip` and `inplace`)."""
    _check_clip_bounds(min, max)
    return elementwise_in_place(x, "clamp_", lambda old: clip(old, min, max),
                                lambda a: np.clip(a, min, max, out=a))


def relu_(x: Tensor) -> Tensor:
    """relu in place (see `inplace`)."""
    return elementwise_in_place(x, "relu_", relu, lambda a: np.maximum(a, 0, out=a))


def _check_no_alias_with_history(x: Tensor, what: str) -> None:
    """Refuse a recorded write in place into a tensor that shares its memory with another live
    tensor tied to it by a view op (a view of it, or the tensor it is a view of) or that requires
    grad: that one's history would have to change with the write too (PyTorch's CopySlices and
    view replay), which autograd_mini does not do. Raised before anything is written."""
    for other in x._tied_aliases():
        raise RuntimeError(
            f"in-place {what} on a tensor of shape {x.shape} that shares its memory with "
            f"another tensor of shape {other.shape} (a view of it, the tensor it is a view of, "
            "or one that requires grad): autograd_mini does not rebase that tensor's history "
            "onto a recorded write (PyTorch's CopySlices), so its gradient would be wrong. Write "
            "out of place (y = y + 1, or y = am.where(mask, value, y)), .clone() the view before "
            "writing into it, or write under am.no_grad()")


def _in_dtype(value: Any, dtype: np.dtype) -> Tensor:
    """A value written into a tensor of `dtype`: a Tensor as it is, a number or array converted
    straight to `dtype` (not through the default float dtype, which would round 0.3)."""
    return value if isinstance(value, Tensor) else Tensor._make(np.asarray(value, dtype=dtype))


def _old_value(x: Tensor) -> Tensor:
    """x before an in-place write, for the recorded op: the same history, and a copy of the
    values (the op may save them for backward, and the write is about to overwrite them)."""
    return Tensor._make(x.data.copy(), x.requires_grad, x.grad_fn, x._output_nr)


def _write_and_rebase(x: Tensor, result: Tensor) -> None:
    """Write `result` into x's array and make result's history x's."""
    np.copyto(x.data, result.data)
    x._bump_version()  # (before the rebase: tells the node that made x's old value)
    x.grad_fn = result.grad_fn
    x._output_nr = result._output_nr
    x._requires_grad = result.requires_grad


def setitem(x: Tensor, index: Any, value: Any) -> None:
    """x[index] = value, under the same rules as the other in-place ops. The index selects as
    in getitem (PyTorch's layout), and the value broadcasts to the selection, leading dimensions
    of length 1 dropped first (as PyTorch and NumPy)."""
    index = normalize_index(index)
    perm = None
    if type(index) is tuple and not _ADVANCED.isdisjoint(map(type, index)):
        index, perm = _pytorch_order(index, x.data.ndim)
    value_data = numeric_arg(value, "setitem")  # refuses strings, objects, ragged lists
    value_shape = _without_leading_ones(np.shape(value_data))
    try:
        target = np.empty(x.shape, dtype=bool)[index].shape
        if perm is not None:
            target = tuple(target[k] for k in perm)
        np.broadcast_to(np.empty(value_shape, dtype=bool), target)
    except (IndexError, ValueError) as exc:
        raise type(exc)(f"setitem: cannot assign a value of shape {np.shape(value_data)} to "
                        f"index {format_index(index)} of a tensor of shape {x.shape}") from None
    _check_inplace(x, "setitem", x.dtype, x.shape)
    recording = thread_state.grad_enabled and (x.requires_grad or (
        isinstance(value, Tensor) and value.requires_grad))
    if recording:
        _check_no_alias_with_history(x, "setitem")
        value = _setitem_value(cast(_in_dtype(value, x.dtype), x.dtype), value_shape, target,
                               perm)
        _write_and_rebase(x, P.IndexPut.apply(_old_value(x), value, index=index))
    else:
        if perm is not None:  # (NumPy's layout of the selection is perm's inverse of PyTorch's)
            value_data = np.broadcast_to(np.reshape(value_data, value_shape), target).transpose(
                np.argsort(perm))
        x.data[index] = value_data
        x._bump_version()


def _without_leading_ones(shape: tuple) -> tuple:
    """A value's shape for setitem: leading dimensions of length 1 dropped (PyTorch and NumPy
    both let `x[0] = v` take a v of shape (1, n) for a row of n)."""
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return tuple(shape[k:])


def _setitem_value(value: Tensor, shape: tuple, target: tuple,
                   perm: tuple[int, ...] | None) -> Tensor:
    """The recorded value of setitem, in the layout IndexPut writes (NumPy's): `shape` (leading
    ones dropped), and for a PyTorch layout that differs from NumPy's broadcast to `target` and
    transposed back."""
    if value.ndim > len(target):  # (fewer dimensions broadcast as they are)
        value = reshape(value, shape)
    if perm is None:
        return value
    return permute(broadcast_to(value, target), tuple(np.argsort(perm).tolist()))


# ---- NumPy interoperation -------------------------------------------------------------------
_UFUNCS = {
    np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.power: pow,
    np.negative: neg, np.exp: exp, np.log: log, np.log1p: log1p, np.sqrt: sqrt,
    np.absolute: abs, np.sin: sin, np.cos: cos, np.tanh: tanh, np.maximum: maximum,
    np.minimum: minimum, np.matmul: matmul,
}
_COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
                np.logical_and, np.logical_or}
# `ndarray + tensor` reaches us as np.add(ndarray, tensor): answer it with the Tensor's reflected
# operator, exactly as Python would have called it had NumPy stepped aside.
_REFLECTED = {np.add: "__radd__", np.subtract: "__rsub__", np.multiply: "__rmul__",
              np.true_divide: "__rtruediv__", np.power: "__rpow__", np.matmul: "__rmatmul__"}


_UFUNC_REDUCTIONS = {np.add: "am.sum", np.multiply: "am.prod", np.maximum: "am.max",
                     np.minimum: "am.min"}


def _ufunc_advice(ufunc: np.ufunc, method: str) -> str:
    """What to write instead of a NumPy ufunc call that cannot be recorded."""
    if method == "reduce" and ufunc in _UFUNC_REDUCTIONS:
        return f"use {_UFUNC_REDUCTIONS[ufunc]}"
    if ufunc in _UFUNCS:
        return (f"use am.{_UFUNCS[ufunc].__name__} (called directly, without NumPy's out=/where= "
                "arguments)")
    return (f"autograd_mini has no op for numpy.{ufunc.__name__}: compose it from am operations "
            "or write an am.autograd.Function for it")


def dispatch_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """NumPy ufuncs on tensors: the matching op when there is one (so `np.ones(2) + t` and
    `np.exp(t)` stay differentiable), NumPy itself for tensors outside any graph, and otherwise
    an error naming what to use."""
    if method == "__call__" and not kwargs:
        if len(inputs) == 2 and ufunc in _REFLECTED and not isinstance(inputs[0], Tensor):
            return getattr(inputs[1], _REFLECTED[ufunc])(inputs[0])
        if ufunc in _UFUNCS:
            return _UFUNCS[ufunc](*inputs)
        if ufunc in _COMPARISONS:
            return compare(ufunc, *inputs)
    out = kwargs.get("out")
    if out is not None and not builtins.any(isinstance(o, Tensor) for o in out) and (
            out[0] is inputs[0] or not builtins.any(
                isinstance(i, Tensor) and i.requires_grad for i in inputs)):
        return _ufunc_into_arrays(ufunc, method, inputs, kwargs)
    if builtins.any(isinstance(i, Tensor) and i.requires_grad for i in inputs):
        raise TypeError(
            f"numpy.{ufunc.__name__} ({method}) cannot record a gradient on a Tensor that "
            f"requires grad; {_ufunc_advice(ufunc, method)}, or .detach() the tensor if no "
            "gradient is needed")
    arrays = tuple(_data(i) for i in inputs)
    if out is not None:
        raise TypeError(f"numpy.{ufunc.__name__}: out= a Tensor is not supported; use the "
                        "Tensor's in-place methods (t.add_(x), t += x, t.copy_(x)), or write into "
                        "its array (t.data)")
    result = getattr(ufunc, method)(*arrays, **kwargs)
    return Tensor._make(np.asarray(result)) if result is not None else None




def _ufunc_into_arrays(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """A NumPy ufunc with Tensor operands writing into plain ndarrays (`out=`, which NumPy
    passes as a tuple): what `p.data -= lr * p.grad` is (`ndarray.__isub__` calls
    `np.subtract(p.data, t, out=(p.data,))`). The Tensors' values are used and the result is
    written into the arrays, which NumPy returns: `.data` stays an ndarray, never a Tensor.
    Nothing is recorded: an operand that requires grad (a `p.grad` from `create_graph=True`) is
    taken only by an in-place operator on an array (`array -= t`, writing through `.data` is
    outside autograd, as in PyTorch); `np.exp(t, out=array)` of such a tensor is refused by
    `dispatch_ufunc` with advice instead."""
    arrays = tuple(_data(i) for i in inputs)
    if isinstance(kwargs.get("where"), Tensor):
        kwargs = {**kwargs, "where": kwargs["where"].data}
    return getattr(ufunc, method)(*arrays, **kwargs)


# ---- selection, ordering, rearranging and contraction (PyTorch's semantics) -----------------
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])


def _dim_arg(dim: Any, kw: dict, name: str, default: Any = None) -> Any:
    """`dim`, or NumPy's `axis=` spelling of it (popped from kw; anything else left is an
    error)."""
    if "axis" in kw:
        if dim is not None and dim is not default:
            raise TypeError(f"{name}: give dim or axis, not both")
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"{name}() got unexpected keyword argument(s) {sorted(kw)}")
    return dim


def _index_arg(index: Any, name: str, what: str = "index") -> np.ndarray:
    """An index tensor (or array, or list) as an integer ndarray; bool or float is an error, as
    in PyTorch."""
    data = np.asarray(_data(index))
    if data.dtype.kind not in "iu":
        if data.size == 0 and data.dtype.kind == "f" and not isinstance(index, (Tensor,
                                                                                 np.ndarray)):
            data = data.astype(np.int64)
        else:
            raise RuntimeError(f"{name}(): Expected dtype int64 for {what}, got {data.dtype}")
    return data.astype(np.int64, copy=False)


def _check_in_range(idx: np.ndarray, n: int, axis: int, name: str) -> None:
    """Indices in [0, n): else RuntimeError (IndexError for index_select), as PyTorch."""
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.min() if idx.min() < 0 else idx.max())
        error = IndexError if name == "index_select" else RuntimeError
        raise error(f"{name}: index {bad} is out of bounds for dimension {axis} with size {n}")


def _along(index: np.ndarray, axis: int) -> tuple:
    """The NumPy index that picks x[i][j]...[index[i][j]...]...: `index` along `axis`, the
    position itself along every other axis (PyTorch's gather/scatter addressing)."""
    parts = list(np.indices(index.shape, sparse=True))
    parts[axis] = index
    return tuple(parts)


def _check_gather_shapes(x: Tensor, idx: np.ndarray, axis: int, name: str,
                         src: Tensor | None = None) -> None:
    if idx.ndim != x.ndim and not (x.ndim == 0 and idx.ndim <= 1):
        raise RuntimeError(f"{name}: Index tensor must have the same number of dimensions as "
                           f"input tensor (index {idx.shape}, input {x.shape})")
    for d in range(idx.ndim):
        if d != axis and idx.shape[d] > x.shape[d]:
            raise RuntimeError(f"{name}: Size does not match at dimension {d} expected index "
                               f"{list(idx.shape)} to be no larger than self {list(x.shape)} "
                               f"apart from dimension {axis}")
        if src is not None and (src.ndim != idx.ndim or idx.shape[d] > src.shape[d]):
            raise RuntimeError(f"{name}: Expected index {list(idx.shape)} to be no larger than "
                               f"src {list(src.shape)} in every dimension")


def gather(input: Tensor, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """`out[i][j][k] = input[i][index[i][j][k]][k]` (dim 1), as torch.gather: `index` has input's
    number of dimensions and is no larger than it apart from `dim`; its values lie in
    [0, size of dim). The gradient adds up at repeated indices.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: an int64 tensor with input's number of dimensions.
        sparse_grad: accepted for PyTorch's signature (the gradient is dense).

    Returns:
        A tensor of index's shape and input's dtype.

    Examples:
        >>> import autograd_mini as am
        >>> t = am.tensor([[1, 2], [3, 4]])
        >>> am.gather(t, 1, am.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    x = tensor_arg(input, "gather")
    idx = _index_arg(index, "gather")
    if x.ndim == 0:
        return reshape(gather(reshape(x, (1,)), 0, idx.reshape(-1)), idx.shape)
    axis = normalize_axis(dim, x.ndim, "gather")
    _check_gather_shapes(x, idx, axis, "gather")
    _check_in_range(idx, x.shape[axis], axis, "gather")
    return P.GetItem.apply(x, index=_along(idx, axis))


def take_along_dim(input: Tensor, indices: Any, dim: int | None = None) -> Tensor:
    """torch.take_along_dim: gather along `dim` after broadcasting input and indices in the
    other dimensions; with dim None, of the flattened input at the flattened indices.

    Args:
        input: a tensor.
        indices: an int64 tensor (input's number of dimensions unless dim is None).
        dim: the dimension to index (None: the flattened input).

    Returns:
        A tensor of input's dtype.
    """
    x = tensor_arg(input, "take_along_dim")
    idx = _index_arg(indices, "take_along_dim", "indices")
    if dim is None:
        return gather(reshape(x, (-1,)), 0, idx.reshape(-1))
    axis = normalize_axis(dim, x.ndim, "take_along_dim")
    if idx.ndim != x.ndim:
        raise RuntimeError(f"take_along_dim: input and indices should have the same number of "
                           f"dimensions, but got {x.ndim} dimensions for input, and {idx.ndim} "
                           "dimensions for indices")
    xs, js = list(x.shape), list(idx.shape)
    xs[axis] = js[axis] = 1
    try:
        common = np.broadcast_shapes(tuple(xs), tuple(js))
    except ValueError:
        raise ShapeError(f"take_along_dim: shapes {x.shape} and {idx.shape} cannot be broadcast "
                         f"apart from dimension {axis}") from None
    x = broadcast_to(x, common[:axis] + (x.shape[axis],) + common[axis + 1:])
    idx = np.broadcast_to(idx, common[:axis] + (idx.shape[axis],) + common[axis + 1:])
    return gather(x, axis, idx)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The slices of `input` at `index` (a vector of ints in [0, size)) along `dim`: a copy, as
    torch.index_select; repeated indices add up in the gradient.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: a 1-D int tensor of positions in [0, input.shape[dim]).

    Returns:
        A tensor of input's shape with len(index) in dim.
    """
    x = tensor_arg(input, "index_select")
    idx = _index_arg(index, "index_select")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    if x.ndim == 0:
        _check_in_range(idx, 1, 0, "index_select")
        return reshape(x, (1,))[idx] if idx.size != 1 else clone(x)
    axis = normalize_axis(dim, x.ndim, "index_select")
    _check_in_range(idx, x.shape[axis], axis, "index_select")
    return P.GetItem.apply(x, index=(slice(None),) * axis + (idx,))


def _mask_arg(mask: Any, shape: tuple, name: str) -> np.ndarray:
    data = np.asarray(_data(mask))
    if data.dtype != np.bool_:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{data.dtype}")
    if not broadcasts_to(data.shape, shape):
        raise ShapeError(f"{name}: the mask of shape {data.shape} cannot be broadcast to the "
                         f"tensor's shape {shape}")
    return data


def _fill_value(value: Any, dtype: np.dtype, name: str) -> Any:
    """A fill value: a number, or a 0-d tensor (differentiable), in `dtype`."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        return cast(value, dtype)
    if np.ndim(value) != 0:
        raise TypeError(f"{name}: value must be a number or a 0-d tensor, got "
                        f"{short_repr(value)}")
    return Tensor._make(np.asarray(value).astype(dtype))


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """`input` with `value` where the boolean `mask` (broadcast to input's shape) is True, in
    input's dtype. A 0-d tensor value gets the gradient of the filled places.

    Args:
        input: a tensor.
        mask: a bool tensor broadcastable to input's shape.
        value: a number or a 0-d tensor.

    Returns:
        A tensor of input's shape and dtype.
    """
    x = tensor_arg(input, "masked_fill")
    m = _mask_arg(mask, x.shape, "masked_fill")
    v = _fill_value(value, x.dtype, "masked_fill")
    if not x.requires_grad and not v.requires_grad:
        return Tensor._make(np.where(m, v.data, x.data).astype(x.dtype, copy=False))
    return P.Where.apply(np.broadcast_to(m, x.shape), v, x)


def masked_fill_(input: Tensor, mask: Any, value: Any) -> Tensor:
    """masked_fill in place (see `masked_fill` and `inplace`)."""
    x = tensor_arg(input, "masked_fill_")
    m = _mask_arg(mask, x.shape, "masked_fill_")
    v = _fill_value(value, x.dtype, "masked_fill_")
    _check_inplace(x, "masked_fill_", x.dtype, x.shape)
    return write_in_place(x, "masked_fill_", lambda old: masked_fill(old, m, v),
                          lambda a: np.copyto(a, v.data, where=np.broadcast_to(m, a.shape)), v)


def _triangle(x: Any, diagonal: int, name: str, upper: bool) -> Tensor:
    x = tensor_arg(x, name)
    if x.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    n, m = x.shape[-2:]
    keep = (np.triu if upper else np.tril)(np.ones((n, m), dtype=bool), operator.index(diagonal))
    if not x.requires_grad:
        return Tensor._make(np.where(keep, x.data, np.zeros((), x.dtype)))
    return P.Where.apply(keep, x, np.zeros((), x.dtype))


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (on and below `diagonal`), zeros above.

    Args:
        input: a tensor of at least 2 dimensions (*, m, n).
        diagonal: the diagonal kept on and below: 0 the main one, > 0 above, < 0 below.

    Returns:
        A tensor of input's shape.
    """
    return _triangle(input, diagonal, "tril", upper=False)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (on and above `diagonal`), zeros below.

    Args:
        input: a tensor of at least 2 dimensions (*, m, n).
        diagonal: the diagonal kept on and above: 0 the main one, > 0 above, < 0 below.

    Returns:
        A tensor of input's shape.
    """
    return _triangle(input, diagonal, "triu", upper=True)


def _scatter_args(x: Any, dim: Any, index: Any, src: Any, value: Any, name: str) -> tuple:
    x = tensor_arg(x, name)
    idx = _index_arg(index, name)
    if x.ndim == 0:
        raise RuntimeError(f"{name}: a 0-d tensor is not supported here; reshape it to (1,)")
    axis = normalize_axis(dim, x.ndim, name)
    if src is None and value is None:
        raise TypeError(f"{name}() missing the src (or value) argument")
    if src is not None and not isinstance(src, Tensor) and np.ndim(src) == 0:
        src, value = None, src  # scatter(dim, index, 2.5): the value form
    if src is not None:
        src = tensor_arg(src, name)
        if src.dtype != x.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype "
                               f"({x.dtype} and {src.dtype})")
        _check_gather_shapes(x, idx, axis, name, src)
        vals = src if src.shape == idx.shape else src[tuple(slice(0, n) for n in idx.shape)]
    else:
        _check_gather_shapes(x, idx, axis, name)
        vals = _fill_value(value, x.dtype, name)
        vals = broadcast_to(vals, idx.shape) if vals.requires_grad else Tensor._make(
            np.full(idx.shape, vals.data, dtype=x.dtype))
    _check_in_range(idx, x.shape[axis], axis, name)
    return x, _along(idx, axis), vals


def scatter(input: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of input with `out[i][index[i][j]] = src[i][j]` (dim 1), as torch.scatter (`src` a
    tensor, or a number: `value`). With repeated indices one of the writes wins (which one is
    unspecified in PyTorch too); the gradient is exact for distinct indices.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: an int64 tensor with input's number of dimensions.
        src: a tensor (at least index's size) or a number.
        value: a number (instead of src).
        reduce: None, 'add' or 'multiply' (combine with input instead of replacing).

    Returns:
        A new tensor of input's shape and dtype.
    """
    if reduce is not None:
        return scatter_reduce(input, dim, index, src if src is not None else value,
                              {"add": "sum", "multiply": "prod"}.get(reduce, reduce))
    x, where_, vals = _scatter_args(input, dim, index, src, value, "scatter")
    if not (x.requires_grad or vals.requires_grad):
        out = x.data.copy()
        out[where_] = vals.data
        return Tensor._make(out)
    return P.IndexPut.apply(x, vals, index=where_)


def scatter_add(input: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """input with `src[i][j]` added at `out[i][index[i][j]]` (dim 1); repeated indices add up.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: an int64 tensor with input's number of dimensions.
        src: a tensor at least index's size.

    Returns:
        A new tensor of input's shape and dtype.

    Examples:
        >>> import autograd_mini as am
        >>> am.scatter_add(am.zeros(3), 0, am.tensor([0, 2, 0]), am.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    x, where_, vals = _scatter_args(input, dim, index, src, None, "scatter_add")
    return _add(x, P.ScatterAdd.apply(vals, index=where_, shape=x.shape))


def scatter_(input: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None,
             reduce: str | None = None) -> Tensor:
    """scatter in place (see `scatter` and `inplace`)."""
    x = tensor_arg(input, "scatter_")
    result = scatter(x.detach(), dim, index, src, value=value, reduce=reduce)  # checks args
    _check_inplace(x, "scatter_", x.dtype, x.shape)
    other = src if isinstance(src, Tensor) else value
    return write_in_place(x, "scatter_", lambda old: scatter(old, dim, index, src, value=value,
                                                             reduce=reduce),
                          lambda a: np.copyto(a, result.data), other)


def scatter_add_(input: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """scatter_add in place (see `scatter_add` and `inplace`)."""
    x = tensor_arg(input, "scatter_add_")
    result = scatter_add(x.detach(), dim, index, src)
    _check_inplace(x, "scatter_add_", x.dtype, x.shape)
    return write_in_place(x, "scatter_add_", lambda old: scatter_add(old, dim, index, src),
                          lambda a: np.copyto(a, result.data), src)


def scatter_reduce(input: Tensor, dim: int, index: Any, src: Any, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """torch.scatter_reduce with reduce "sum", "prod", "mean", "amax" or "amin".

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: an int64 tensor with input's number of dimensions.
        src: a tensor at least index's size.
        reduce: 'sum', 'prod', 'mean', 'amax' or 'amin'.
        include_self: whether input's own values take part in the reduction.

    Returns:
        A new tensor of input's shape and dtype.
    """
    x, where_, vals = _scatter_args(input, dim, index, src, None, "scatter_reduce")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # (PyTorch takes both)
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"scatter_reduce: reduce argument must be either sum, prod, mean, "
                           f"amax or amin, got {reduce}")
    hit = np.zeros(x.shape, dtype=bool)
    hit[where_] = True
    base = x if include_self else masked_fill(x, hit, 0 if reduce in ("sum", "mean") else 1)
    if reduce in ("sum", "mean"):
        total = _add(base, P.ScatterAdd.apply(vals, index=where_, shape=x.shape))
        if reduce == "sum":
            return total
        count = np.zeros(x.shape, dtype=np.int64)
        np.add.at(count, where_, 1)
        count = count + (1 if include_self else 0)
        count = np.maximum(count, 1)
        if x.dtype.kind == "f":
            return total / Tensor._make(count.astype(x.dtype))
        return Tensor._make(np.floor_divide(total.data, count).astype(x.dtype))
    # prod, amax, amin: one recorded reduction per written place (with the old value unless
    # include_self is False); amax/amin share the gradient evenly among tied elements
    if reduce == "prod":
        start = base
    else:
        if x.dtype.kind == "f":
            fill: Any = np.inf if reduce == "amin" else -np.inf
        else:
            info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
            fill = (info.max if reduce == "amin" else info.min) if info else reduce == "amin"
        start = x if include_self else masked_fill(x, hit, fill)
    flat = np.ravel_multi_index(tuple(np.broadcast_to(w, vals.shape) for w in where_),
                                x.shape).reshape(-1)
    out = reshape(start, (-1,))
    vflat = reshape(vals, (-1,))
    targets = np.unique(flat)
    pick = {"prod": prod, "amax": max, "amin": min}[reduce]
    results = []
    for target in targets.tolist():
        members = np.nonzero(flat == target)[0]
        group = cat([reshape(out[target], (1,)), P.GetItem.apply(vflat, index=(members,))])
        results.append(pick(group, axis=0))
    if not results:
        return clone(x)
    written = P.IndexPut.apply(out, stack(results), index=(targets,))
    return reshape(written, x.shape)


def _sort_indices(data: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along axis; descending keeps equal elements in their original order (as
    torch.sort(stable=True)). NaN sorts as the largest value, as PyTorch."""
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    n = data.shape[axis]
    flipped = np.argsort(np.flip(data, axis), axis=axis, kind="stable")
    return (n - 1 - np.flip(flipped, axis)).astype(np.int64)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False,
         **kw: Any) -> Any:
    """(values, indices) sorted along `dim`; always stable (equal elements keep their order,
    also descending), which is one of the orders PyTorch allows with stable=False.

    Args:
        input: a tensor.
        dim: the dimension to sort along.
        descending: sort from the largest.
        stable: accepted for PyTorch's signature; the sort is always stable.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A named tuple (values, indices), both of input's shape, indices int64.
    """
    x = tensor_arg(input, "sort")
    dim = _dim_arg(dim, kw, "sort", -1)
    if x.ndim == 0:
        normalize_axis(dim, 0, "sort")
        return SortResult(clone(x), Tensor._make(np.zeros((), np.int64)))
    axis = normalize_axis(dim, x.ndim, "sort")
    idx = _sort_indices(x.data, axis, bool(descending)).astype(np.int64, copy=False)
    return SortResult(P.GetItem.apply(x, index=_along(idx, axis)), Tensor._make(idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False,
            **kw: Any) -> Tensor:
    """The indices that sort `input` along `dim` (stable); no gradient.

    Args:
        input: a tensor.
        dim: the dimension to sort along.
        descending: sort from the largest.
        stable: accepted for PyTorch's signature; the sort is always stable.
        **kw: NumPy's `axis=` for dim.

    Returns:
        An int64 tensor of input's shape.
    """
    x = tensor_arg(input, "argsort")
    dim = _dim_arg(dim, kw, "argsort", -1)
    if x.ndim == 0:
        normalize_axis(dim, 0, "argsort")
        return Tensor._make(np.zeros((), np.int64))
    axis = normalize_axis(dim, x.ndim, "argsort")
    return Tensor._make(_sort_indices(x.data, axis, bool(descending)).astype(np.int64))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True,
         **kw: Any) -> Any:
    """(values, indices) of the k largest (or smallest) along `dim`, in sorted order; equal
    elements in their original order.

    Args:
        input: a tensor.
        k: how many elements.
        dim: the dimension to search.
        largest: the largest (True) or the smallest (False).
        sorted: accepted for PyTorch's signature; the result is always sorted.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A named tuple (values, indices) of input's shape with k in dim, indices int64.
    """
    x = tensor_arg(input, "topk")
    dim = _dim_arg(dim, kw, "topk", -1)
    k = operator.index(k)
    n = x.shape[normalize_axis(dim, x.ndim, "topk")] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if x.ndim == 0:
        return TopkResult(clone(x), Tensor._make(np.zeros((), np.int64)))
    axis = normalize_axis(dim, x.ndim, "topk")
    idx = np.take(_sort_indices(x.data, axis, bool(largest)), np.arange(k), axis=axis)
    idx = idx.astype(np.int64, copy=False)
    return TopkResult(P.GetItem.apply(x, index=_along(idx, axis)), Tensor._make(idx))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False, **kw: Any) -> Any:
    """(values, indices) of the k-th smallest element along `dim` (k counts from 1).

    Args:
        input: a tensor.
        k: which smallest element, from 1.
        dim: the dimension to search.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's `axis=` for dim.

    Returns:
        A named tuple (values, indices) of input's shape without dim, indices int64.
    """
    x = tensor_arg(input, "kthvalue")
    dim = _dim_arg(dim, kw, "kthvalue", -1)
    k = operator.index(k)
    if x.ndim == 0:
        normalize_axis(dim, 0, "kthvalue")
        if k != 1:
            raise RuntimeError("kthvalue(): selected number k out of range for dimension 0")
        return KthvalueResult(clone(x), Tensor._make(np.zeros((), np.int64)))
    axis = normalize_axis(dim, x.ndim, "kthvalue")
    if not 1 <= k <= x.shape[axis]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    idx = np.take(_sort_indices(x.data, axis, False), [k - 1], axis=axis).astype(np.int64)
    values = P.GetItem.apply(x, index=_along(idx, axis))
    if not keepdim:
        values, idx = squeeze(values, axis), np.squeeze(idx, axis)
    return KthvalueResult(values, Tensor._make(idx))


def _dims_arg(dims: Any, ndim: int, name: str) -> tuple:
    if isinstance(dims, (int, np.integer)):
        dims = (dims,)
    out = tuple(normalize_axis(d, ndim, name) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{name}: dims has duplicates: {tuple(dims)}")
    return out


def flip(input: Tensor, *dims: Any) -> Tensor:
    """The elements in reverse order along `dims` (a copy, as torch.flip; NumPy's is a view).

    Args:
        input: a tensor.
        *dims: the dimensions to reverse (ints, or one sequence).

    Returns:
        A copy of input's shape.
    """
    x = tensor_arg(input, "flip")
    if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        dims = tuple(dims[0])
    axes = _dims_arg(dims, builtins.max(x.ndim, 1), "flip")
    if x.ndim == 0 or not axes:
        return clone(x)
    return P.Flip.apply(x, axes=axes)


def fliplr(input: Tensor) -> Tensor:
    """flip(input, 1) (at least 2 dimensions).

    Args:
        input: a tensor of at least 2 dimensions.

    Returns:
        A copy of input's shape.
    """
    return flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """flip(input, 0).

    Args:
        input: a tensor of at least 1 dimension.

    Returns:
        A copy of input's shape.
    """
    return flip(input, (0,))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements along `dims` cyclically (a copy); with dims None, of the flattened
    tensor, shape kept.

    Args:
        input: a tensor.
        shifts: an int or a tuple of ints (one per dim).
        dims: an int, a tuple of ints, or None (the flattened tensor).

    Returns:
        A tensor of input's shape.
    """
    x = tensor_arg(input, "roll")
    if dims is None:
        if not isinstance(shifts, (int, np.integer)):
            if len(shifts) != 1:
                raise RuntimeError(f"roll: shifts {tuple(shifts)} needs dims of the same length")
            shifts = shifts[0]
        return P.Roll.apply(x, shift=int(shifts), axis=None)
    one = isinstance(dims, (int, np.integer))
    dims = (dims,) if one else tuple(dims)
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    axes = tuple(normalize_axis(d, x.ndim, "roll") for d in dims)
    if x.ndim == 0:
        return clone(x)
    return P.Roll.apply(x, shift=tuple(int(s) for s in shifts), axis=axes)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """torch's Tensor.repeat: the tensor tiled `sizes` times along each dimension (a copy;
    sizes may add leading dimensions, not drop any). Built from reshape and broadcast_to."""
    x = tensor_arg(input, "repeat")
    sizes = _shape_args(sizes, "repeat")
    if len(sizes) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"repeat: negative repeat count in {sizes}")
    shape = (1,) * (len(sizes) - x.ndim) + x.shape
    y = reshape(x, tuple(v for n in shape for v in (1, n)))
    y = broadcast_to(y, tuple(v for r, n in zip(sizes, shape) for v in (r, n)))
    out = reshape(y, tuple(r * n for r, n in zip(sizes, shape)))
    if out is x or np.may_share_memory(out.data, x.data):
        out = clone(out)
    return out


def tile(input: Tensor, dims: Any) -> Tensor:
    """torch.tile: repeat, with `dims` padded with leading ones when shorter than the tensor's
    number of dimensions.

    Args:
        input: a tensor.
        dims: the number of repetitions per dimension (a tuple of ints).

    Returns:
        A tensor whose sizes are input's times dims.
    """
    x = tensor_arg(input, "tile")
    dims = _shape_args((dims,) if isinstance(dims, (tuple, list)) else (dims,), "tile")
    return repeat(x, (1,) * (x.ndim - len(dims)) + dims)


def repeat_interleave(input: Any, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Each element (or slice along `dim`) repeated `repeats` times in place (an int, or one
    count per element); dim None flattens first. `repeat_interleave(counts)` alone gives
    the indices repeated by counts, as PyTorch.

    Args:
        input: a tensor (or, alone, the counts).
        repeats: an int or a 1-D int tensor of counts.
        dim: the dimension to repeat along (None: the flattened input).
        output_size: the total length along dim, if known (checked).

    Returns:
        A tensor of input's dtype, longer along dim (1-D with dim None).
    """
    if repeats is None:
        counts = _index_arg(input, "repeat_interleave", "repeats")
        return Tensor._make(np.repeat(np.arange(counts.size, dtype=np.int64), counts.reshape(-1)))
    x = tensor_arg(input, "repeat_interleave")
    if dim is None:
        x, axis = reshape(x, (-1,)), 0
    else:
        axis = normalize_axis(dim, x.ndim, "repeat_interleave")
        if x.ndim == 0:
            x = reshape(x, (1,))
    n = x.shape[axis]
    reps = _index_arg(repeats, "repeat_interleave", "repeats")
    if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, n)):
        raise RuntimeError(f"repeat_interleave: repeats must have the same size as input along "
                           f"dim, but got repeats.size(0) = {reps.size} and input.size({axis}) "
                           f"= {n}")
    if (reps < 0).any():
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    idx = np.repeat(np.arange(n, dtype=np.int64), np.broadcast_to(reps.reshape(-1), (n,)))
    if output_size is not None and output_size != idx.size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the "
                           f"total {idx.size}")
    return P.GetItem.apply(x, index=(slice(None),) * axis + (idx,))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Up to `chunks` views of equal size ceil(n / chunks) along `dim` (the last may be
    smaller, and there may be fewer), as torch.chunk.

    Args:
        input: a tensor.
        chunks: the number of pieces wanted (positive).
        dim: the dimension to split.

    Returns:
        A tuple of views.
    """
    x = tensor_arg(input, "chunk")
    chunks = operator.index(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    axis = normalize_axis(dim, x.ndim, "chunk")
    n = x.shape[axis]
    size = builtins.max(-(-n // chunks), 1)
    if n == 0:  # (PyTorch: `chunks` empty pieces)
        return tuple(getitem(x, (slice(None),) * axis + (slice(0, 0),)) for _ in range(chunks))
    return tuple(split(x, size, axis))


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along `dim`, each a view without that dimension.

    Args:
        input: a tensor.
        dim: the dimension to remove.

    Returns:
        A tuple of input.shape[dim] views.
    """
    x = tensor_arg(input, "unbind")
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    axis = normalize_axis(dim, x.ndim, "unbind")
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """input[..., start:start + length, ...] along `dim`: a view (shares input's memory).

    Args:
        input: a tensor.
        dim: the dimension to narrow.
        start: the first index (an int or a 0-d int tensor; negative from the end).
        length: the number of elements kept.

    Returns:
        A view with length in dim.
    """
    x = tensor_arg(input, "narrow")
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = normalize_axis(dim, x.ndim, "narrow")
    start = operator.index(start.item() if isinstance(start, Tensor) else start)
    length = operator.index(length)
    n = x.shape[axis]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    start = start + n if start < 0 else start
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return getitem(x, (slice(None),) * axis + (slice(start, start + length),))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dimensions `source` to the positions `destination` (a view).

    Args:
        input: a tensor.
        source: a dimension or a sequence of dimensions.
        destination: their new positions (as many as source).

    Returns:
        A view of input.
    """
    x = tensor_arg(input, "movedim")
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    nd = builtins.max(x.ndim, 1)
    s = [normalize_axis(d, nd, "movedim") for d in src]
    d = [normalize_axis(v, nd, "movedim") for v in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(d)) != len(d):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    if x.ndim == 0:
        return x
    order = [i for i in range(x.ndim) if i not in s]
    for dest, source_dim in builtins.sorted(zip(d, s)):
        order.insert(dest, source_dim)
    return permute(x, tuple(order))


moveaxis = movedim


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Swap two dimensions (a view): transpose(axis0, axis1).

    Args:
        input: a tensor.
        axis0: a dimension.
        axis1: another dimension.

    Returns:
        A view of input.
    """
    return transpose(tensor_arg(input, "swapaxes"), axis0, axis1)


swapdims = swapaxes


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Split dimension `dim` into `sizes` (one entry may be -1): a view when NumPy needs no copy.

    Args:
        input: a tensor.
        dim: the dimension to split.
        sizes: the new sizes, whose product is input.shape[dim].

    Returns:
        A tensor with dim replaced by sizes.
    """
    x = tensor_arg(input, "unflatten")
    axis = normalize_axis(dim, x.ndim, "unflatten")
    sizes = _shape_args((sizes,) if isinstance(sizes, (tuple, list)) else (sizes,), "unflatten")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = x.shape[axis]
    known = math.prod(s for s in sizes if s != -1)
    if sizes.count(-1) > 1 or (-1 in sizes and (known == 0 or n % known)) or (
            -1 not in sizes and known != n):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({n}) in the input tensor")
    if -1 in sizes:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    return reshape(x, x.shape[:axis] + sizes + x.shape[axis + 1:])


_LETTERS = P._EINSUM_LETTERS


def _parse_einsum(equation: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """Explicit subscripts: ellipses replaced by letters (right-aligned, as broadcasting), the
    output spelled out (implicit: the letters seen once, in alphabetical order, after the
    ellipsis' dimensions)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                         if len(shapes) > len(terms) else
                         "einsum(): fewer operands were provided than specified in the equation")
    for t in terms + [rhs]:
        stripped = t.replace("...", "")
        if "." in stripped or builtins.any(c not in _LETTERS for c in stripped):
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.find(t)} in the "
                             f"equation string, subscripts must be in [a-zA-Z]")
    used = set(lhs) | set(rhs)
    spare = [c for c in _LETTERS if c not in used]
    ell_dims = 0
    for t, shp in zip(terms, shapes):
        named = len(t.replace("...", ""))
        if "..." in t:
            ell_dims = builtins.max(ell_dims, len(shp) - named)
        elif named != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does "
                             f"not match the number of dimensions ({len(shp)}) for operand "
                             f"{terms.index(t)} and no ellipsis was given")
    ell = "".join(spare[:ell_dims])
    out_terms = []
    for t, shp in zip(terms, shapes):
        if "..." in t:
            k = len(shp) - len(t.replace("...", ""))
            if k < 0:
                raise RuntimeError("einsum(): the number of subscripts in the equation does not "
                                 "match the number of dimensions for an operand")
            t = t.replace("...", ell[ell_dims - k:])
        out_terms.append(t)
    if arrow:
        if "..." in rhs:
            rhs = rhs.replace("...", ell)
        elif ell_dims and builtins.any("..." in t for t in terms):
            pass  # ellipsis dimensions not in the output are summed over
    else:
        letters = "".join(out_terms)
        rhs = ell + "".join(c for c in builtins.sorted(set(letters), key=_LETTERS.index)
                            if letters.count(c) == 1 and c not in ell)
    if len(set(rhs)) != len(rhs):
        raise RuntimeError(f"einsum(): output subscript appears more than once in the output: "
                         f"{equation}")
    for c in rhs:
        if c not in "".join(out_terms):
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation "
                             "for any input operand")
    return out_terms, rhs


def _einsum_sublists(args: tuple) -> tuple[str, tuple]:
    """PyTorch's sublist form of einsum as (equation, operands): operand, [dims], operand,
    [dims], ..., [output dims]; a dim is an int in [0, 52) or Ellipsis."""
    def spell(dims: Any) -> str:
        out = ""
        for d in dims:
            if d is Ellipsis:
                out += "..."
            elif isinstance(d, (int, np.integer)) and 0 <= d < len(_LETTERS):
                out += _LETTERS[int(d)]
            else:
                raise ValueError(f"einsum(): subscript in subscript list is not within the "
                                 f"valid range [0, 52), got {d!r}")
        return out

    pairs = args[:-1] if len(args) % 2 else args  # (an odd count ends with the output list)
    equation = ",".join(spell(d) for d in pairs[1::2])
    if len(args) % 2:
        equation += "->" + spell(args[-1])
    return equation, tuple(pairs[0::2])


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, as torch.einsum: any subscripts, ellipsis broadcasting, repeated
    letters within an operand (its diagonal: "ii->i"), implicit output. Dimensions of one
    letter must agree or be 1 (broadcast). Differentiable to any order (the VJP of an einsum is
    einsums).

    Args:
        equation: the subscripts, such as 'ij,jk->ik' ('...' for broadcast dimensions).
        *operands: the tensors, one per operand in equation (or one sequence of them).

    Returns:
        A tensor in the promoted dtype.

    Examples:
        >>> import autograd_mini as am
        >>> am.einsum('ij,jk->ik', am.ones(2, 3), am.ones(3, 4)).shape
        (2, 4)
    """
    if not isinstance(equation, str):  # the sublist form: einsum(a, [0, 1], b, [1, 2], [0, 2])
        equation, operands = _einsum_sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    items = [tensor_arg(o, "einsum") for o in operands]
    if not items:
        raise RuntimeError("einsum(): must provide at least one operand")
    dtypes = {t.dtype for t in items}
    if len(dtypes) > 1:
        raise RuntimeError(f"einsum(): expected all operands to have the same dtype, got "
                           f"{builtins.sorted(str(d) for d in dtypes)}")
    terms, out = _parse_einsum(equation, [t.shape for t in items])
    sizes: dict[str, int] = {}
    for k, (t, x) in enumerate(zip(terms, items)):
        own: dict[str, int] = {}
        for c, n in zip(t, x.shape):
            if own.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but "
                                   f"the sizes don't match, {own[c]} != {n}")
            if sizes.get(c, 1) != n and n != 1:
                if sizes.get(c, 1) != 1:
                    raise RuntimeError(f"einsum(): operands do not broadcast with remapped "
                                       f"shapes (original->remapped): subscript {c} has sizes "
                                       f"{sizes[c]} and {n}")
            sizes[c] = n if n != 1 else sizes.get(c, 1)
    fitted = []
    for t, x in zip(terms, items):
        full = tuple(sizes[c] for c in t)
        if full != x.shape:  # (dimensions of size 1 broadcast, as in PyTorch)
            x = broadcast_to(x, full)
        fitted.append(x)
    return P.Einsum.apply(*fitted, subscripts=",".join(terms) + "->" + out)


# ---- PyTorch's math ops: more elementwise functions, scans, statistics and norms ------------
def _unary_float(prim: Any, name: str, x: Any) -> Tensor:
    """prim(x) for a function of floats: an integer or bool x in the default float dtype."""
    x = x if isinstance(x, Tensor) else tensor_arg(x, name)
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(prim, x)


def square(x: Any) -> Tensor:
    """x * x (integers stay integers, as PyTorch's).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    return pow(tensor_arg(x, "square"), 2)


def rsqrt(x: Any) -> Tensor:
    """1 / sqrt(x).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Rsqrt, "rsqrt", x)


def reciprocal(x: Any) -> Tensor:
    """1 / x (integers give the default float dtype).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Reciprocal, "reciprocal", x)


def exp2(x: Any) -> Tensor:
    """2 ** x.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Exp2, "exp2", x)


def expm1(x: Any) -> Tensor:
    """exp(x) - 1, accurate for small x.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Expm1, "expm1", x)


def log2(x: Any) -> Tensor:
    """Base-2 logarithm.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Log2, "log2", x)


def log10(x: Any) -> Tensor:
    """Base-10 logarithm.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Log10, "log10", x)


def tan(x: Any) -> Tensor:
    """The tangent (in radians) of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    return _unary_float(P.Tan, "tan", x)


def asin(x: Any) -> Tensor:
    """Inverse sine (NaN outside [-1, 1], the gradient infinite at +-1, as PyTorch).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Asin, "asin", x)


def acos(x: Any) -> Tensor:
    """Inverse cosine (NaN outside [-1, 1]).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Acos, "acos", x)


def atan(x: Any) -> Tensor:
    """The inverse tangent of each element, in (-pi/2, pi/2).

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    return _unary_float(P.Atan, "atan", x)


def sinh(x: Any) -> Tensor:
    """The hyperbolic sine of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    return _unary_float(P.Sinh, "sinh", x)


def cosh(x: Any) -> Tensor:
    """The hyperbolic cosine of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    return _unary_float(P.Cosh, "cosh", x)


def asinh(x: Any) -> Tensor:
    """The inverse hyperbolic sine of each element.

    Integer and bool inputs are computed in the default float dtype, as PyTorch.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape.
    """
    return _unary_float(P.Asinh, "asinh", x)


def acosh(x: Any) -> Tensor:
    """Inverse hyperbolic cosine (NaN below 1).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Acosh, "acosh", x)


def atanh(x: Any) -> Tensor:
    """Inverse hyperbolic tangent (+-inf at +-1, NaN beyond).

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Atanh, "atanh", x)


def erf(x: Any) -> Tensor:
    """The error function.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Erf, "erf", x)


def erfc(x: Any) -> Tensor:
    """1 - erf(x), accurate where erf(x) is near 1.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape, floating (integers give the default float dtype).
    """
    return _unary_float(P.Erfc, "erfc", x)


def _rounding(prim: Any, name: str, x: Any, params: dict | None = None) -> Tensor:
    """A rounding op: integers are returned as a copy (already integral), floats rounded with a
    zero gradient, as PyTorch's."""
    x = tensor_arg(x, name)
    if x.data.dtype.kind != "f":
        return Tensor._make(x.data.copy())
    return apply1(prim, x, params) if params else apply1(prim, x)


def floor(x: Any) -> Tensor:
    """Round toward -inf; the gradient is zero.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    return _rounding(P.Floor, "floor", x)


def ceil(x: Any) -> Tensor:
    """Round toward +inf; the gradient is zero.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    return _rounding(P.Ceil, "ceil", x)


def trunc(x: Any) -> Tensor:
    """Round toward zero; the gradient is zero.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    return _rounding(P.Trunc, "trunc", x)


def round(x: Any, decimals: int = 0) -> Tensor:
    """Round half to even (round(2.5) = 2, as PyTorch), at `decimals` decimal places; the gradient
    is zero.

    Args:
        x: a tensor (or a number or array-like).
        decimals: the number of decimal places to round to (negative: to tens, hundreds...).

    Returns:
        A tensor of x's shape and dtype.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round: decimals must be an int, got {type(decimals).__name__}")
    return _rounding(P.Round, "round", x, {"decimals": int(decimals)} if decimals else None)


def frac(x: Any) -> Tensor:
    """x - trunc(x), with the sign of x; the gradient is 1.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A tensor of x's shape and dtype.
    """
    x = tensor_arg(x, "frac")
    if x.data.dtype.kind != "f":
        return Tensor._make(np.zeros_like(x.data))
    return apply1(P.Frac, x)


def _float_operands(name: str, a: Any, b: Any, floats: bool = True) -> tuple[Tensor, Tensor]:
    """(a, b) as tensors in PyTorch's result dtype (the default float dtype for integers when
    `floats`), numbers and arrays as constants of that dtype; shapes checked."""
    a, target = _operands_result_type(name, a, b)
    if floats and target.kind != "f":
        target = get_default_dtype()
    _check_broadcast(name, a, b)

    def operand(x: Any) -> Tensor:
        if isinstance(x, Tensor):
            return x if x.data.dtype == target else cast(x, target)
        return Tensor._make(np.asarray(as_array(x), dtype=target))

    return operand(a), operand(b)


def atan2(input: Any, other: Any) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi].

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype. Integers give the default float
            dtype.
    """
    return apply2(P.Atan2, *_float_operands("atan2", input, other))


arctan2 = atan2


def hypot(input: Any, other: Any) -> Tensor:
    """sqrt(input**2 + other**2) without overflow.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype. Integers give the default float
            dtype.
    """
    return apply2(P.Hypot, *_float_operands("hypot", input, other))


def logaddexp(input: Any, other: Any) -> Tensor:
    """log(exp(input) + exp(other)), without overflow.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype. Integers give the default float
            dtype.
    """
    return apply2(P.LogAddExp, *_float_operands("logaddexp", input, other))


def copysign(input: Any, other: Any) -> Tensor:
    """|input| with the sign of other (-0.0 counts as negative); no gradient for other.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype. Integers give the default float
            dtype.
    """
    return apply2(P.Copysign, *_float_operands("copysign", input, other))


def fmax(input: Any, other: Any) -> Tensor:
    """Elementwise maximum where a NaN loses (NaN only where both are); at a tie the gradient
    goes to input, as PyTorch's.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return apply2(P.Fmax, *_float_operands("fmax", input, other, floats=False))


def fmin(input: Any, other: Any) -> Tensor:
    """Elementwise minimum where a NaN loses; at a tie the gradient goes to input.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype.
    """
    return apply2(P.Fmin, *_float_operands("fmin", input, other, floats=False))


def xlogy(input: Any, other: Any) -> Tensor:
    """input * log(other), 0 where input == 0 (even where other is 0), NaN where other is NaN.

    Args:
        input: a tensor (or a number or array-like).
        other: a tensor or a number, broadcastable with input.

    Returns:
        A tensor of the broadcast shape, in the promoted dtype. Integers give the default float
            dtype.
    """
    return apply2(P.Xlogy, *_float_operands("xlogy", input, other))


def lerp(input: Any, end: Any, weight: Any) -> Tensor:
    """input + weight * (end - input); weight a number or a tensor (broadcast).

    Args:
        input: the start, a tensor.
        end: the end, a tensor broadcastable with input.
        weight: a number or a tensor broadcastable with both.

    Returns:
        A tensor of the broadcast shape.
    """
    start, end = _float_operands("lerp", input, end, floats=False)
    if start.data.dtype.kind != "f":
        raise TypeError(f"lerp: expected floating-point tensors, got {start.data.dtype}")
    w = weight if isinstance(weight, Tensor) else Tensor._make(
        np.asarray(numeric_value(weight, "lerp"), dtype=start.data.dtype))
    if w.data.dtype != start.data.dtype:
        w = cast(w, start.data.dtype)
    _check_broadcast("lerp", start, end, w)
    return P.Lerp.apply(start, end, w)


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """NaN -> nan, +inf -> posinf, -inf -> neginf (default: the dtype's largest and smallest
    finite numbers); the gradient is 1 at finite elements and 0 at the replaced ones.

    Args:
        x: a tensor (or a number or array-like).
        nan: the value for NaN.
        posinf: the value for +inf (None: the dtype's largest).
        neginf: the value for -inf (None: the dtype's smallest).

    Returns:
        A tensor of x's shape and dtype.
    """
    x = tensor_arg(x, "nan_to_num")
    if x.data.dtype.kind != "f":
        return Tensor._make(x.data.copy())
    return P.NanToNum.apply(x, nan=nan, posinf=posinf, neginf=neginf)


def _float_test(fn: Any, x: Any, name: str, otherwise: bool) -> Tensor:
    x = tensor_arg(x, name)
    if x.data.dtype.kind not in "fc":
        return Tensor._make(np.full(x.shape, otherwise, dtype=bool))
    return Tensor._make(np.asarray(fn(x.data)))


def isnan(x: Any) -> Tensor:
    """Where x is NaN: a bool tensor, no gradient.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A bool tensor of x's shape.
    """
    return _float_test(np.isnan, x, "isnan", False)


def isinf(x: Any) -> Tensor:
    """Where x is +-inf: a bool tensor, no gradient.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A bool tensor of x's shape.
    """
    return _float_test(np.isinf, x, "isinf", False)


def isfinite(x: Any) -> Tensor:
    """Where x is neither NaN nor +-inf: a bool tensor, no gradient.

    Args:
        x: a tensor (or a number or array-like).

    Returns:
        A bool tensor of x's shape.
    """
    return _float_test(np.isfinite, x, "isfinite", True)


def _clamp_bound(x: Any, bound: Any, name: str, lower: bool) -> Tensor:
    if not isinstance(bound, Tensor):
        return clip(x, min=bound) if lower else clip(x, max=bound)
    x = tensor_arg(x, name)
    keep = (x.data >= bound.data) if lower else (x.data <= bound.data)
    return where(keep | np.isnan(x.data), x, bound)


def clamp_min(x: Any, min: Any) -> Tensor:
    """max(x, min) elementwise (min a number or a tensor); the gradient goes to x where
    x >= min, else to min (PyTorch's clamp_min).

    Args:
        x: a tensor (or a number or array-like).
        min: the lower bound, a number or a tensor broadcastable with x.

    Returns:
        A tensor of the broadcast shape.
    """
    return _clamp_bound(x, min, "clamp_min", True)


def clamp_max(x: Any, max: Any) -> Tensor:
    """min(x, max) elementwise (max a number or a tensor); the gradient goes to x where
    x <= max, else to max.

    Args:
        x: a tensor (or a number or array-like).
        max: the upper bound, a number or a tensor broadcastable with x.

    Returns:
        A tensor of the broadcast shape.
    """
    return _clamp_bound(x, max, "clamp_max", False)


# scans
def _scan_axis(x: Tensor, dim: Any, kw: dict, name: str) -> int:
    if "axis" in kw:
        if dim is not None:
            raise TypeError(f"{name}: give dim or axis, not both")
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"{name}() got unexpected keyword argument(s) {sorted(kw)}")
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim'")
    return normalize_axis(dim, x.ndim, name)


def _scan_input(x: Any, dtype: Any, name: str) -> Tensor:
    """The input of cumsum/cumprod: cast to `dtype` when given; integers and bools as int64,
    as PyTorch's."""
    x = tensor_arg(x, name)
    if dtype is not None:
        return cast(x, as_dtype(dtype, name))
    if x.data.dtype.kind in "biu" and x.data.dtype != np.int64:
        return cast(x, np.int64)
    return x


def cumsum(x: Any, dim: Any = None, *, dtype: Any = None, **kw: Any) -> Tensor:
    """The running sum along `dim`.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to scan along (required).
        dtype: the dtype to compute in (None: x's; integers and bool: int64).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A tensor of x's shape.
    """
    x = _scan_input(x, dtype, "cumsum")
    return P.Cumsum.apply(x, axis=_scan_axis(x, dim, kw, "cumsum"))


def cumprod(x: Any, dim: Any = None, *, dtype: Any = None, **kw: Any) -> Tensor:
    """The running product along `dim`; the gradient is exact where elements are zero.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to scan along (required).
        dtype: the dtype to compute in (None: x's; integers and bool: int64).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A tensor of x's shape.
    """
    x = _scan_input(x, dtype, "cumprod")
    return P.Cumprod.apply(x, axis=_scan_axis(x, dim, kw, "cumprod"))


def logcumsumexp(x: Any, dim: Any = None, **kw: Any) -> Tensor:
    """log(cumsum(exp(x))) along `dim`, without overflow.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to scan along (required).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A tensor of x's shape.
    """
    x, narrow = in_float32(_float_input(tensor_arg(x, "logcumsumexp")))
    return back_to(P.LogCumSumExp.apply(x, axis=_scan_axis(x, dim, kw, "logcumsumexp")),
                   narrow)


CumResult = namedtuple("CumResult", ["values", "indices"])


def _cum_extremum(x: Any, dim: Any, kw: dict, name: str, largest: bool) -> CumResult:
    """(values, indices) of the running max/min: an element equal to the running extreme takes
    over (the last index of a tie), a NaN takes over and stays, as PyTorch's."""
    x = tensor_arg(x, name)
    axis = _scan_axis(x, dim, kw, name)
    if x.ndim == 0:
        return CumResult(clone(x), Tensor._make(np.zeros((), dtype=np.int64)))
    a = np.moveaxis(x.data, axis, -1)
    indices = np.zeros(a.shape, dtype=np.int64)
    if a.size:
        best, current = a[..., 0], np.zeros(a.shape[:-1], dtype=np.int64)
        floats = a.dtype.kind == "f"
        for j in range(1, a.shape[-1]):
            v = a[..., j]
            take = (v >= best) if largest else (v <= best)
            if floats:
                take |= np.isnan(v)
            best, current = np.where(take, v, best), np.where(take, j, current)
            indices[..., j] = current
    indices = np.moveaxis(indices, -1, axis)
    grid = np.indices(x.shape, sparse=True)
    index = tuple(indices if k == axis else grid[k] for k in range(x.ndim))
    return CumResult(P.GetItem.apply(x, index=index), Tensor._make(indices))


def cummax(x: Any, dim: Any = None, **kw: Any) -> CumResult:
    """(values, indices) of the running maximum along `dim`; the gradient goes to the element
    each running maximum came from.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to scan along (required).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A named tuple (values, indices) of x's shape, indices int64.
    """
    return _cum_extremum(x, dim, kw, "cummax", True)


def cummin(x: Any, dim: Any = None, **kw: Any) -> CumResult:
    """(values, indices) of the running minimum along `dim`.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to scan along (required).
        **kw: NumPy's `axis=` for dim.

    Returns:
        A named tuple (values, indices) of x's shape, indices int64.
    """
    return _cum_extremum(x, dim, kw, "cummin", False)


# statistics
def _all_axes_args(x: Tensor, dim: Any, keepdim: bool, kw: dict, name: str) -> tuple:
    """_reduction_args where an empty dim means every axis (PyTorch's amax/amin default)."""
    if dim == () or dim == []:
        dim = None
    if kw.get("axis", None) in ((), []):
        kw["axis"] = None
    return _reduction_args(x, dim, keepdim, kw, name)


def _amax_amin(prim: Any, name: str, x: Any, dim: Any, keepdim: bool, kw: dict) -> Tensor:
    x = tensor_arg(x, name)
    axis, keepdim = _all_axes_args(x, dim, keepdim, kw, name)
    if x.data.size == 0 and (axis is None or builtins.any(x.shape[i] == 0 for i in axis)):
        raise ValueError(f"{name}: reducing over an empty selection of shape {x.shape} has no "
                         "identity")
    return prim.apply(x, axis=axis, keepdims=keepdim)


def amax(x: Any, dim: Axes = (), keepdim: bool = False, **kw: Any) -> Tensor:
    """The maximum over `dim` (all axes by default); tied maxima share the gradient evenly.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int or a tuple of ints; () or None: all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim). Same dtype as x.
    """
    return _amax_amin(P.Max, "amax", x, dim, keepdim, kw)


def amin(x: Any, dim: Axes = (), keepdim: bool = False, **kw: Any) -> Tensor:
    """The minimum over `dim` (all axes by default); tied minima share the gradient evenly.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int or a tuple of ints; () or None: all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim). Same dtype as x.
    """
    return _amax_amin(P.Min, "amin", x, dim, keepdim, kw)


MinMaxResult = namedtuple("MinMaxResult", ["min", "max"])


def aminmax(x: Any, *, dim: Any = None, keepdim: bool = False, **kw: Any) -> MinMaxResult:
    """(amin, amax) over `dim` (all axes when None).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to reduce (keyword only); None: all elements.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A named tuple (min, max) of tensors of x's dtype.
    """
    if "axis" in kw:
        dim = kw.pop("axis")
    return MinMaxResult(amin(x, () if dim is None else dim, keepdim, **kw),
                        amax(x, () if dim is None else dim, keepdim, **kw))


def median(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
    """The lower median (of two middle values the smaller, as PyTorch); NaN where there is a NaN.
    Without dim: of all elements, the gradient split among the elements equal to it. With an int
    dim: (values, indices), the gradient to the element at each index.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension to reduce (an int); None: all elements.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        Without dim, a 0-d tensor; with dim, a named tuple (values, indices), indices int64.
    """
    x = tensor_arg(x, "median")
    if "axis" in kw:
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"median() got unexpected keyword argument(s) {sorted(kw)}")
    if dim is None:
        if x.data.size == 0:
            raise ValueError("median: the median of an empty tensor is not defined")
        return P.Median.apply(x, axis=None, keepdims=False)
    axis = normalize_axis(dim, x.ndim, "median")
    if x.ndim == 0:
        return MaxResult(clone(x), Tensor._make(np.zeros((), dtype=np.int64)))
    if x.shape[axis] == 0:
        raise ValueError(f"median: dim {dim} of shape {x.shape} is empty")
    a = np.moveaxis(x.data, axis, -1)
    order = np.argsort(a, axis=-1, kind="stable")  # NaN last
    n = a.shape[-1]
    picked = order[..., (n - 1) // 2]
    if a.dtype.kind == "f":
        nan = np.isnan(a)
        has_nan = nan.any(axis=-1)
        if has_nan.any():
            picked = np.where(has_nan, np.argmax(nan, axis=-1), picked)
    indices = np.expand_dims(picked, axis)
    grid = np.indices(indices.shape, sparse=True)
    index = tuple(indices if k == axis else grid[k] for k in range(x.ndim))
    values = P.GetItem.apply(x, index=index)
    indices_t = Tensor._make(indices.astype(np.int64))
    if not keepdim:
        values, indices_t = squeeze(values, axis), Tensor._make(np.squeeze(indices, axis)
                                                                .astype(np.int64))
    return MaxResult(values, indices_t)


def count_nonzero(x: Any, dim: Axes = None, **kw: Any) -> Tensor:
    """The number of nonzero elements over `dim` (all when None): int64, no gradient.

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        An int64 tensor of x's shape without the counted dimensions.
    """
    x = tensor_arg(x, "count_nonzero")
    axis, _ = _reduction_args(x, dim, False, kw, "count_nonzero")
    return Tensor._make(np.asarray(np.count_nonzero(x.data, axis=axis), dtype=np.int64))


def var_mean(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> tuple:
    """(var, mean) over `dim`, with var's arguments (correction=1 by default).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: var's keyword arguments (`correction=`, `unbiased=`, `ddof=`) or NumPy's
            `axis=`/`keepdims=`.

    Returns:
        A tuple (var, mean) of tensors of the reduced shape.
    """
    x = tensor_arg(x, "var_mean")
    spelling = {k: kw.pop(k) for k in ("axis", "keepdims") if k in kw}
    return var(x, dim, keepdim, **spelling, **kw), mean(x, dim, keepdim, **spelling)


def std_mean(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> tuple:
    """(std, mean) over `dim`, with std's arguments (correction=1 by default).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: var's keyword arguments (`correction=`, `unbiased=`, `ddof=`) or NumPy's
            `axis=`/`keepdims=`.

    Returns:
        A tuple (std, mean) of tensors of the reduced shape.
    """
    x = tensor_arg(x, "std_mean")
    spelling = {k: kw.pop(k) for k in ("axis", "keepdims") if k in kw}
    return std(x, dim, keepdim, **spelling, **kw), mean(x, dim, keepdim, **spelling)


def nansum(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """The sum over `dim` with NaN counted as zero (gradient 0 at NaN elements).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: `dtype=`, or NumPy's `axis=`/`keepdims=`.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x = tensor_arg(x, "nansum")
    if x.data.dtype.kind == "f":
        nan = np.isnan(x.data)
        if nan.any():
            x = where(nan, 0.0, x)
    return sum(x, dim, keepdim, **kw)


def nanmean(x: Any, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """The mean over `dim` of the elements that are not NaN (NaN where there are none).

    Args:
        x: a tensor (or a number or array-like).
        dim: the dimension(s) to reduce: an int, a tuple of ints (negative counts from the end), or
            None for all.
        keepdim: keep the reduced dimensions with size 1.
        **kw: NumPy's spellings `axis=` and `keepdims=` for dim and keepdim.

    Returns:
        A tensor of x's shape without the reduced dimensions (size 1 with keepdim).
    """
    x = tensor_arg(x, "nanmean")
    if x.data.dtype.kind != "f":
        raise TypeError(f"nanmean(): expected a floating point tensor, got {x.data.dtype}")
    if kw.get("dtype") is not None:
        x = cast(x, as_dtype(kw.pop("dtype"), "nanmean"))
    kw.pop("dtype", None)
    counted = Tensor._make(~np.isnan(x.data))
    count = cast(sum(counted, dim, keepdim, **dict(kw)), x.data.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return div(nansum(x, dim, keepdim, **kw), count)


# norms (am.linalg holds the public vector_norm/matrix_norm/norm)
def _norm_input(x: Any, name: str, dtype: Any = None) -> Tensor:
    x = tensor_arg(x, name)
    if dtype is not None:
        x = cast(x, as_dtype(dtype, name))
    if x.data.dtype.kind != "f":
        raise RuntimeError(f"{name}: expected a floating point tensor as input, got "
                           f"{x.data.dtype} (as in PyTorch); convert it with .float()")
    return x


def vector_norm(x: Any, ord: Any = 2, dim: Axes = None, keepdim: bool = False, *,
                dtype: Any = None, **kw: Any) -> Tensor:
    """(sum |x|**ord)**(1/ord) over `dim` (all axes when None); ord inf/-inf: max/min |x|, ord
    0: the number of nonzeros. The gradient is 0 where the norm is 0, as PyTorch's."""
    x, narrow = in_float32(_norm_input(x, "vector_norm", dtype))
    if isinstance(ord, bool) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(f"vector_norm: ord must be a number, got {ord!r}")
    axis, keepdim = _reduction_args(x, dim, keepdim, kw, "vector_norm")
    if ord < 0 and (x.data.size == 0 or (axis is not None and builtins.any(
            x.shape[i] == 0 for i in axis))):
        raise RuntimeError("vector_norm: a negative ord over an empty dimension is undefined")
    return back_to(P.VectorNorm.apply(x, ord=builtins.float(ord), axis=axis, keepdims=keepdim),
                   narrow)


def matrix_norm(x: Any, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """A matrix norm over the two axes `dim`: 'fro' (the 2-norm of the elements), 1 / -1 (the
    largest / smallest column sum of |x|), inf / -inf (the same over rows), 'nuc' (the sum of the
    singular values), 2 / -2 (the largest / smallest singular value)."""
    x = _norm_input(x, "matrix_norm", dtype)
    if x.ndim < 2:
        raise RuntimeError(f"matrix_norm: the input must have at least 2 dimensions, got shape "
                           f"{x.shape}")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"matrix_norm: dim must be a 2-tuple, got {dim!r}")
    d0, d1 = (normalize_axis(d, x.ndim, "matrix_norm") for d in dim)
    if d0 == d1:
        raise RuntimeError(f"matrix_norm: dims must be different, got {dim!r}")
    if ord == "fro":
        return vector_norm(x, 2, (d0, d1), keepdim)
    if ord == "nuc" or (not isinstance(ord, str) and ord in (2, -2)):
        return _singular_value_norm(x, ord, d0, d1, keepdim)
    if isinstance(ord, str) or ord not in (1, -1, np.inf, -np.inf):
        raise RuntimeError(f"matrix_norm: order {ord!r} not supported")
    over, then = (d0, d1) if ord in (1, -1) else (d1, d0)  # column sums (1) or row sums (inf)
    sums = sum(abs(x), over, keepdim=True)
    out = (amax if ord > 0 else amin)(sums, then, keepdim=True)
    return out if keepdim else squeeze(out, (d0, d1))


def _singular_value_norm(x: Tensor, ord: Any, d0: int, d1: int, keepdim: bool) -> Tensor:
    """matrix_norm 'nuc' / 2 / -2: the sum / largest / smallest singular value of the planes
    (d0, d1), as PyTorch's composite (svdvals, then sum / amax / amin)."""
    planes = movedim(x, (d0, d1), (-2, -1))
    s = LinalgSVD.apply(planes, full_matrices=False)[1]
    out = sum(s, -1) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1)
    if keepdim:
        out = unsqueeze(unsqueeze(out, builtins.min(d0, d1)), builtins.max(d0, d1))
    return out


def _linalg_norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
                 dtype: Any = None) -> Tensor:
    """am.linalg.norm: a vector norm (dim an int, or None for a 1-D input or without ord) or a
    matrix norm (dim a 2-tuple, or None for a 2-D input with ord given)."""
    x = _norm_input(x, "linalg.norm", dtype)
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    if dim is not None and len(dim) == 2 or (dim is None and ord is not None and x.ndim == 2):
        return matrix_norm(x, "fro" if ord is None else ord, (-2, -1) if dim is None else dim,
                           keepdim)
    if dim is None and ord is not None and x.ndim != 1:
        raise RuntimeError(f"linalg.norm: with ord given and dim None the input must be 1-D or "
                           f"2-D, got shape {x.shape}")
    return vector_norm(x, 2 if ord is None else ord, dim, keepdim)


def norm(x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """PyTorch's torch.norm: p 'fro' (the 2-norm of the elements over `dim`), a number (the
    vector p-norm over `dim`, all elements when None), or 'nuc' (the nuclear norm of the matrices
    over `dim`, the last two when None).

    Args:
        x: a tensor.
        p: 'fro', 'nuc', or a number (inf and -inf included).
        dim: the dimension(s) to reduce (None: all, or the last two for 'nuc').
        keepdim: keep the reduced dimensions with size 1.
        dtype: the dtype to compute in (None: x's).

    Returns:
        A tensor of x's shape without the reduced dimensions.
    """
    x = _norm_input(x, "norm", dtype)
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    if p == "fro" or p is None:
        return vector_norm(x, 2, dim, keepdim)
    if isinstance(p, str):
        return matrix_norm(x, p, (-2, -1) if dim is None else tuple(dim), keepdim)
    return vector_norm(x, p, dim, keepdim)


_UFUNCS.update({
    np.tan: tan, np.arcsin: asin, np.arccos: acos, np.arctan: atan, np.sinh: sinh,
    np.cosh: cosh, np.arcsinh: asinh, np.arccosh: acosh, np.arctanh: atanh, np.exp2: exp2,
    np.expm1: expm1, np.log2: log2, np.log10: log10, np.reciprocal: reciprocal,
    np.square: square, np.floor: floor, np.ceil: ceil, np.trunc: trunc, np.arctan2: atan2,
    np.hypot: hypot, np.logaddexp: logaddexp, np.copysign: copysign, np.fmax: fmax,
    np.fmin: fmin, np.isnan: isnan, np.isinf: isinf, np.isfinite: isfinite,
})


def _in_reduction_dtype(x: Tensor, kw: dict, name: str) -> Tensor:
    """x cast to a reduction's `dtype=` argument (popped from kw), as PyTorch's sum/mean/prod
    cast their input before reducing; x itself without one."""
    dtype = kw.pop("dtype", None)
    return x if dtype is None else cast(x, as_dtype(dtype, name))


# ---- more selection: index_* , take, masked_select/scatter, nonzero, unique, searchsorted ----
UniqueResult = namedtuple("unique", ["values", "inverse", "counts"])


def _index_dim_args(x: Any, dim: Any, index: Any, name: str) -> tuple:
    x = tensor_arg(x, name)
    idx = _index_arg(index, name)
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    if x.ndim == 0:
        raise RuntimeError(f"{name}: a 0-d tensor is not supported here; reshape it to (1,)")
    axis = normalize_axis(dim, x.ndim, name)
    n = x.shape[axis]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"{name}(): index out of range: index "
                         f"{int(idx.max() if idx.max() >= n else idx.min())} for dimension "
                         f"{axis} of size {n}")
    return x, axis, idx % builtins.max(n, 1), (slice(None),) * axis


def _check_source(x: Tensor, source: Tensor, axis: int, count: int, name: str) -> None:
    want = x.shape[:axis] + (count,) + x.shape[axis + 1:]
    if source.shape != want and not (source.ndim == 0 and want == (1,)):
        raise RuntimeError(f"{name}(): source of shape {source.shape} does not fit: expected "
                           f"{want}")
    if source.dtype != x.dtype:
        raise RuntimeError(f"{name}(): self ({x.dtype}) and source ({source.dtype}) must have "
                           "the same scalar type")


def index_add(input: Tensor, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """input with alpha * source's slices added at `index` along `dim` (repeats add up).

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: a 1-D int tensor of positions in [0, input.shape[dim]).
        source: a tensor of input's shape with len(index) in dim.
        alpha: the multiplier of source.

    Returns:
        A new tensor of input's shape and dtype.
    """
    x, axis, idx, lead = _index_dim_args(input, dim, index, "index_add")
    src = tensor_arg(source, "index_add")
    _check_source(x, src, axis, idx.size, "index_add")
    if alpha != 1:
        src = mul(src, alpha)
    return _add(x, P.ScatterAdd.apply(reshape(src, x.shape[:axis] + (idx.size,) +
                                              x.shape[axis + 1:]), index=lead + (idx,),
                                      shape=x.shape))


def index_copy(input: Tensor, dim: int, index: Any, source: Any) -> Tensor:
    """A copy of input with source's slices written at `index` along `dim`.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: a 1-D int tensor of positions in [0, input.shape[dim]).
        source: a tensor of input's shape with len(index) in dim.

    Returns:
        A new tensor of input's shape and dtype.
    """
    x, axis, idx, lead = _index_dim_args(input, dim, index, "index_copy")
    src = tensor_arg(source, "index_copy")
    _check_source(x, src, axis, idx.size, "index_copy")
    src = reshape(src, x.shape[:axis] + (idx.size,) + x.shape[axis + 1:])
    if not (x.requires_grad or src.requires_grad):
        out = x.data.copy()
        out[lead + (idx,)] = src.data
        return Tensor._make(out)
    return P.IndexPut.apply(x, src, index=lead + (idx,))


def index_fill(input: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of input with `value` (a number or a 0-d tensor) in the slices at `index`.

    Args:
        input: a tensor.
        dim: the dimension to index.
        index: a 1-D int tensor of positions in [0, input.shape[dim]).
        value: a number or a 0-d tensor.

    Returns:
        A new tensor of input's shape and dtype.
    """
    x, axis, idx, lead = _index_dim_args(input, dim, index, "index_fill")
    mask = np.zeros(x.shape[axis], dtype=bool)
    mask[idx] = True
    return masked_fill(x, mask.reshape((-1,) + (1,) * (x.ndim - axis - 1)), value)


def take(input: Tensor, index: Any) -> Tensor:
    """input, flattened, at `index` (negative indices count from the end); index's shape.

    Args:
        input: a tensor.
        index: an int tensor of positions in the flattened input.

    Returns:
        A tensor of index's shape and input's dtype.
    """
    x = tensor_arg(input, "take")
    idx = _index_arg(index, "take")
    n = x.data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(f"take(): out of range: tried to access index {bad} on a tensor of "
                         f"{n} elements.")
    return P.GetItem.apply(reshape(x, (-1,)), index=(idx % builtins.max(n, 1),))


def masked_select(input: Tensor, mask: Any) -> Tensor:
    """The elements of input (broadcast with mask) where mask is True, as a 1-D tensor.

    Args:
        input: a tensor.
        mask: a bool tensor broadcastable with input.

    Returns:
        A 1-D tensor of input's dtype.
    """
    x = tensor_arg(input, "masked_select")
    m = np.asarray(_data(mask))
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {m.dtype}")
    _check_broadcast("masked_select", x, m)
    shape = np.broadcast_shapes(x.shape, m.shape)
    return P.GetItem.apply(broadcast_to(x, shape), index=np.broadcast_to(m, shape))


def masked_scatter(input: Tensor, mask: Any, source: Any) -> Tensor:
    """A copy of input with source's first elements (in order) written where mask is True.

    Args:
        input: a tensor.
        mask: a bool tensor broadcastable to input's shape.
        source: a tensor of input's dtype with at least mask.sum() elements.

    Returns:
        A tensor of input's shape and dtype.
    """
    x = tensor_arg(input, "masked_scatter")
    m = _mask_arg(mask, x.shape, "masked_scatter")
    src = tensor_arg(source, "masked_scatter")
    if src.dtype != x.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {x.dtype} and {src.dtype}")
    m = np.broadcast_to(m, x.shape)
    count = int(m.sum())
    if src.data.size < count:
        raise RuntimeError(f"masked_scatter: Number of elements of source ({src.data.size}) < "
                           f"number of ones in mask ({count})")
    vals = getitem(reshape(src, (-1,)), slice(0, count))
    if not (x.requires_grad or src.requires_grad):
        out = x.data.copy()
        out[m] = vals.data
        return Tensor._make(out)
    return P.IndexPut.apply(x, vals, index=m)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements: an int64 tensor (count, ndim), or with as_tuple one
    1-D tensor per dimension (a 0-d input counts as 1-D).

    Args:
        input: a tensor.
        as_tuple: return one 1-D index tensor per dimension instead.

    Returns:
        An int64 tensor (count, ndim), or a tuple of ndim int64 tensors (count,).
    """
    x = tensor_arg(input, "nonzero")
    data = x.data if x.ndim else x.data.reshape(1)
    found = np.nonzero(data)
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in found)
    if x.ndim == 0:
        return Tensor._make(np.zeros((found[0].size, 0), np.int64))
    return Tensor._make(np.stack(found, axis=1).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """nonzero(input): the indices of the nonzero elements, (count, ndim).

    Args:
        input: a tensor.

    Returns:
        An int64 tensor (count, input.ndim).
    """
    return nonzero(input)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values (sorted, as PyTorch on the CPU), with the inverse indices and the
    counts when asked; with `dim`, the distinct slices along it. No gradient (as PyTorch).

    Args:
        input: a tensor.
        sorted: accepted for PyTorch's signature; the values are always sorted.
        return_inverse: also return where each element of input went.
        return_counts: also return each value's count.
        dim: the dimension whose slices are compared (None: the flattened elements).

    Returns:
        The 1-D tensor of values (or the slices), or a tuple (values, inverse, counts) holding those
            asked for.
    """
    x = tensor_arg(input, "unique")
    axis = None if dim is None else normalize_axis(dim, x.ndim, "unique")
    values, inverse, counts = np.unique(x.data, return_inverse=True, return_counts=True,
                                        axis=axis)
    inverse = inverse.reshape(x.shape if axis is None else (x.shape[axis],))
    values = Tensor._make(values)
    if not (return_inverse or return_counts):
        return values
    out: tuple = (values,)
    if return_inverse:
        out += (Tensor._make(inverse.astype(np.int64)),)
    if return_counts:
        out += (Tensor._make(counts.astype(np.int64)),)
    return out


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Any = None) -> Tensor:
    """Where `input`'s values would go in the last dimension of `sorted_sequence` to keep it
    sorted (side "left": the first such place, "right": after equal values), as PyTorch:
    a 1-D sequence serves every value; else its leading dimensions match input's.

    Args:
        sorted_sequence: a tensor sorted in its last dimension (1-D, or with input's leading
            dimensions).
        input: a tensor (or a number) of values.
        out_int32: return int32 instead of int64.
        right: the place after equal values (as side='right').
        side: 'left' or 'right' (overrides right).
        sorter: int64 indices that sort sorted_sequence along its last dimension, if it is not
            sorted.

    Returns:
        An int64 (int32) tensor of input's shape.

    Examples:
        >>> import autograd_mini as am
        >>> am.searchsorted(am.tensor([1, 3, 5]), am.tensor([0, 3, 6]))
        tensor([0, 1, 3])
    """
    seq = tensor_arg(sorted_sequence, "searchsorted").data
    scalar = not isinstance(input, (Tensor, np.ndarray, list, tuple))
    values = np.asarray(_data(input))
    if side is not None:
        if side not in ("left", "right") or (right and side == "left"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right', and "
                               f"not 'left' with right=True, got {side!r}")
        right = side == "right"
    where_ = "right" if right else "left"
    if sorter is not None:
        seq = np.take_along_axis(seq, _index_arg(sorter, "searchsorted", "sorter"), axis=-1)
    if seq.ndim <= 1:
        out = np.searchsorted(seq.reshape(-1), values, side=where_)
    else:
        if values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension "
                               f"or the first N-1 dimensions of boundaries tensor and input "
                               f"value tensor must match, but we got boundaries tensor "
                               f"{list(seq.shape)} and input value tensor {list(values.shape)}")
        rows_s = seq.reshape(-1, seq.shape[-1])
        rows_v = values.reshape(-1, values.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=where_) for s, v in zip(rows_s, rows_v)])
        out = out.reshape(values.shape)
    out = np.asarray(out).astype(np.int32 if out_int32 else np.int64)
    return Tensor._make(out.reshape(()) if scalar else out)


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each value among 1-D `boundaries`: i with boundaries[i-1] < v <=
    boundaries[i] (right=False), or boundaries[i-1] <= v < boundaries[i] (right=True).

    Args:
        input: a tensor (or a number) of values.
        boundaries: a 1-D sorted tensor.
        out_int32: return int32 instead of int64.
        right: which side of a boundary a value equal to it goes (see above).

    Returns:
        An int64 (int32) tensor of input's shape.
    """
    b = tensor_arg(boundaries, "bucketize")
    if b.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries tensor must be 1 dimension, but got dim("
                           f"{b.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)


def where_nonzero(condition: Any) -> tuple:
    """am.where(condition) with one argument: nonzero(condition, as_tuple=True)."""
    return nonzero(tensor_arg(condition, "where"), as_tuple=True)


# ---- diagonals, stacking, products ---------------------------------------------------------
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal `offset` of the planes (dim1, dim2), as the last dimension: a view (shares
    input's memory, as torch.diagonal).

    Args:
        input: a tensor of at least 2 dimensions.
        offset: which diagonal: 0 the main one, > 0 above, < 0 below.
        dim1: the first dimension of the planes.
        dim2: the second dimension of the planes.

    Returns:
        A view: input's other dimensions, then the diagonal.
    """
    x = tensor_arg(input, "diagonal")
    a1 = normalize_axis(dim1, x.ndim, "diagonal")
    a2 = normalize_axis(dim2, x.ndim, "diagonal")
    if a1 == a2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _view_of(x, P.Diagonal.apply(x, offset=operator.index(offset), axis1=a1, axis2=a2))


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose diagonals `offset` of the planes (dim1, dim2) hold the last dimension of
    input (zeros elsewhere): one more dimension than input.

    Args:
        input: a tensor (*, n).
        offset: which diagonal: 0 the main one, > 0 above, < 0 below.
        dim1: the first dimension of the planes (of the result).
        dim2: the second dimension of the planes.

    Returns:
        A tensor with one more dimension, (*, n + |offset|, n + |offset|) for the defaults.
    """
    x = tensor_arg(input, "diag_embed")
    if x.ndim == 0:
        x = reshape(x, (1,))
    offset = operator.index(offset)
    a1 = normalize_axis(dim1, x.ndim + 1, "diag_embed")
    a2 = normalize_axis(dim2, x.ndim + 1, "diag_embed")
    if a1 == a2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = x.shape[-1] + builtins.abs(offset)
    rest = list(x.shape[:-1])
    shape = []
    for d in range(x.ndim + 1):
        shape.append(n if d in (a1, a2) else rest.pop(0))
    return P.DiagonalScatter.apply(x, shape=tuple(shape), offset=offset, axis1=a1, axis2=a2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input: the square matrix with it on diagonal `diagonal`; a 2-D input: a copy of
    that diagonal.

    Args:
        input: a 1-D or 2-D tensor.
        diagonal: which diagonal: 0 the main one, > 0 above, < 0 below.

    Returns:
        A 2-D tensor for a 1-D input, a 1-D tensor for a 2-D input.
    """
    x = tensor_arg(input, "diag")
    if x.ndim == 1:
        return diag_embed(x, diagonal, 0, 1)
    if x.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{x.ndim}D")
    return clone(globals()["diagonal"](x, diagonal, 0, 1))


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix.

    Args:
        input: a 2-D tensor.

    Returns:
        A 0-d tensor (integers: int64).
    """
    x = tensor_arg(input, "trace")
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    return sum(diagonal(x, 0, 0, 1))


def _tensors_arg(tensors: Any, name: str) -> list[Tensor]:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return [tensor_arg(t, name) for t in tensors]


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dimension (a view); one tensor in, one out.

    Args:
        *tensors: the tensors, each one positional argument (or one sequence of them).

    Returns:
        One tensor for one argument, else a tuple of tensors (views).
    """
    items = [reshape(t, (1,)) if t.ndim == 0 else t for t in _tensors_arg(tensors, "atleast_1d")]
    return items[0] if len(items) == 1 and not isinstance(tensors[0], (list, tuple)) else \
        tuple(items)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dimensions (a 1-D one becomes a row): views.

    Args:
        *tensors: the tensors, each one positional argument (or one sequence of them).

    Returns:
        One tensor for one argument, else a tuple of tensors (views).
    """
    items = [reshape(t, (1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t
             for t in _tensors_arg(tensors, "atleast_2d")]
    return items[0] if len(items) == 1 and not isinstance(tensors[0], (list, tuple)) else \
        tuple(items)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dimensions ((n,) -> (1, n, 1), (m, n) -> (m, n, 1)): views.

    Args:
        *tensors: the tensors, each one positional argument (or one sequence of them).

    Returns:
        One tensor for one argument, else a tuple of tensors (views).
    """
    def three(t: Tensor) -> Tensor:
        if t.ndim == 0:
            return reshape(t, (1, 1, 1))
        if t.ndim == 1:
            return reshape(t, (1, t.shape[0], 1))
        return reshape(t, t.shape + (1,)) if t.ndim == 2 else t
    items = [three(t) for t in _tensors_arg(tensors, "atleast_3d")]
    return items[0] if len(items) == 1 and not isinstance(tensors[0], (list, tuple)) else \
        tuple(items)


def _promoted(items: list[Tensor]) -> list[Tensor]:
    from ._dtypes import promote_types

    dtype = items[0].dtype
    for t in items[1:]:
        dtype = promote_types(dtype, t.dtype)
    return [cast(t, dtype) for t in items]


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dimension 1 (along 0 for 1-D tensors).

    Args:
        tensors: a sequence of tensors (or numbers or array-likes).

    Returns:
        A tensor joined along dimension 1 (0 for 1-D). In the promoted dtype.
    """
    items = _promoted([atleast_1d(t) for t in _tensors_arg((tensors,), "hstack")])
    return cat(items, 0 if items[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dimension 0, 1-D tensors as rows.

    Args:
        tensors: a sequence of tensors (or numbers or array-likes).

    Returns:
        A tensor of at least 2 dimensions. In the promoted dtype.
    """
    return cat(_promoted([atleast_2d(t) for t in _tensors_arg((tensors,), "vstack")]), 0)


row_stack = vstack


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dimension 2, after atleast_3d.

    Args:
        tensors: a sequence of tensors (or numbers or array-likes).

    Returns:
        A tensor of at least 3 dimensions. In the promoted dtype.
    """
    return cat(_promoted([atleast_3d(t) for t in _tensors_arg((tensors,), "dstack")]), 2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become columns (n, 1), then hstack.

    Args:
        tensors: a sequence of tensors (or numbers or array-likes).

    Returns:
        A 2-D tensor. In the promoted dtype.
    """
    items = [reshape(t, (t.data.size, 1)) if t.ndim <= 1 else t
             for t in _tensors_arg((tensors,), "column_stack")]
    return cat(_promoted(items), 1)


def broadcast_tensors(*tensors: Any) -> tuple:
    """The tensors broadcast to their common shape (read-only views).

    Args:
        *tensors: the tensors, each one positional argument (or one sequence of them).

    Returns:
        A tuple of tensors, all of the broadcast shape.
    """
    items = _tensors_arg(tensors, "broadcast_tensors")
    _check_broadcast("broadcast_tensors", *items)
    shape = np.broadcast_shapes(*(t.shape for t in items))
    return tuple(broadcast_to(t, shape) for t in items)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    """Coordinate grids of 0-d or 1-D tensors (expanded views): indexing "ij" (matrix, PyTorch's
    default) or "xy" (Cartesian: the first two dimensions swapped).

    Args:
        *tensors: 0-d or 1-D tensors (or one sequence of them).
        indexing: 'ij' (None: the same) or 'xy'.

    Returns:
        A tuple of tensors, each (n1, n2, ...) for 'ij'.
    """
    items = _tensors_arg(tensors, "meshgrid")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in items:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t.shape}")
    if len({t.dtype for t in items}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    items = [reshape(t, (-1,)) for t in items]
    swap = indexing == "xy" and len(items) >= 2
    if swap:
        items[0], items[1] = items[1], items[0]
    shape = tuple(t.shape[0] for t in items)
    grids = [broadcast_to(reshape(t, (1,) * k + (-1,) + (1,) * (len(items) - k - 1)), shape)
             for k, t in enumerate(items)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors: Any) -> Tensor:
    """All combinations of the 1-D tensors' elements, one per row (one tensor: itself).

    Args:
        *tensors: 1-D tensors.

    Returns:
        A tensor (n1 * n2 * ..., number of tensors); for one tensor, itself.
    """
    items = _tensors_arg(tensors, "cartesian_prod")
    if len(items) == 1:
        return items[0]
    return stack([reshape(g, (-1,)) for g in meshgrid(*items, indexing="ij")], 1)


def block_diag(*tensors: Any) -> Tensor:
    """The tensors (0-d, 1-D as one row, 2-D) along the diagonal of a zero matrix.

    Args:
        *tensors: tensors of at most 2 dimensions.

    Returns:
        A matrix (sum of rows, sum of columns), in the promoted dtype.
    """
    items = _tensors_arg(tensors, "block_diag")
    for k, t in enumerate(items):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {k} has {t.ndim} dimensions")
    if not items:
        return Tensor._make(np.zeros((1, 0), dtype=get_default_dtype()))
    blocks = _promoted([reshape(t, (1,) * (2 - t.ndim) + t.shape) for t in items])
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b, ((0, 0), (left, width - left - b.shape[1]))))
        left += b.shape[1]
    return cat(rows, 0)


def _letters(n: int, start: int = 0) -> str:
    return _LETTERS[start:start + n]


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract the last `dims` dimensions of a with the first of b, or the listed pairs
    (dims=([a dims], [b dims])): an einsum.

    Args:
        a: a tensor.
        b: a tensor.
        dims: an int, or a pair of lists of dimensions to contract.

    Returns:
        A tensor of a's remaining dimensions, then b's.
    """
    a, b = tensor_arg(a, "tensordot"), tensor_arg(b, "tensordot")
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, (int, np.integer)) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length, got {da} and {db}")
    da = [normalize_axis(d, a.ndim, "tensordot") for d in da]
    db = [normalize_axis(d, b.ndim, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} in "
                               f"dim {j}")
    sa = list(_letters(a.ndim))
    sb = list(_letters(b.ndim, a.ndim))
    for i, j in zip(da, db):
        sb[j] = sa[i]
    out = "".join(c for k, c in enumerate(sa) if k not in da) + "".join(
        c for k, c in enumerate(sb) if k not in db)
    return einsum("".join(sa) + "," + "".join(sb) + "->" + out, *_promoted([a, b]))


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two 1-D tensors.

    Args:
        input: a 1-D tensor (n,).
        vec2: a 1-D tensor (m,).

    Returns:
        A tensor (n, m).
    """
    a, b = tensor_arg(input, "outer"), tensor_arg(vec2, "outer")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got {a.shape} and {b.shape}")
    return mul(unsqueeze(a, 1), unsqueeze(b, 0))


ger = outer


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum over the last dimensions of both: shape input.shape[:-1] + other.shape[:-1]; a 0-d
    operand multiplies.

    Args:
        input: a tensor (*a, n) or 0-d.
        other: a tensor (*b, n) or 0-d.

    Returns:
        A tensor (*a, *b).
    """
    a, b = tensor_arg(input, "inner"), tensor_arg(other, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return mul(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(a.shape)} and {list(b.shape)}")
    return tensordot(a, b, ([-1], [-1]))


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product (dimensions padded with leading ones to the same number).

    Args:
        input: a tensor.
        other: a tensor.

    Returns:
        A tensor whose sizes are the products of the two's sizes.
    """
    a, b = _promoted([tensor_arg(input, "kron"), tensor_arg(other, "kron")])
    nd = builtins.max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    ra = reshape(a, tuple(v for n in sa for v in (n, 1)))
    rb = reshape(b, tuple(v for n in sb for v in (1, n)))
    return reshape(mul(ra, rb), tuple(m * n for m, n in zip(sa, sb)))


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along `dim` (None: the first dimension of size 3, as
    torch.cross; torch.linalg.cross's default is -1). Inputs broadcast.

    Args:
        input: a tensor with size 3 in dim.
        other: a tensor broadcastable with input.
        dim: the dimension of the 3-vectors (None: the first of size 3).

    Returns:
        A tensor of the broadcast shape.
    """
    a, b = _promoted([tensor_arg(input, "cross"), tensor_arg(other, "cross")])
    _check_broadcast("cross", a, b)
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                      "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                      "default value of dim will change to agree with that of linalg.cross in a "
                      "future release.", UserWarning, stacklevel=2)
        found = [d for d, n in enumerate(shape) if n == 3]
        if not found:
            raise RuntimeError(f"no dimension of size 3 in input of shape {shape}")
        axis = found[0]
    else:
        axis = normalize_axis(dim, len(shape), "cross")
    if shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {axis} must have length 3. Got "
                           f"{shape[axis]} and {shape[axis]}")
    lead = (slice(None),) * axis
    ai = [getitem(a, lead + (i,)) for i in range(3)]
    bi = [getitem(b, lead + (i,)) for i in range(3)]
    return stack([ai[1] * bi[2] - ai[2] * bi[1], ai[2] * bi[0] - ai[0] * bi[2],
                  ai[0] * bi[1] - ai[1] * bi[0]], axis)


def _scaled_sum(input: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    if alpha != 1:
        product = mul(product, alpha)
    if beta == 0:  # input's values are ignored (NaN and inf do not propagate), as PyTorch
        shape = np.broadcast_shapes(shape_of(input), product.shape)
        return where(np.ones(shape, dtype=bool), product, input)
    return _add(mul(input, beta) if beta != 1 else input, product)


def addmm(input: Any, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2) for matrices (input broadcast).

    Args:
        input: a tensor broadcastable to (n, p), or a number.
        mat1: a matrix (n, m).
        mat2: a matrix (m, p).
        beta: the multiplier of input.
        alpha: the multiplier of the product.

    Returns:
        A tensor (n, p).
    """
    m1, m2 = tensor_arg(mat1, "addmm"), tensor_arg(mat2, "addmm")
    if m1.ndim != 2 or m2.ndim != 2:
        raise RuntimeError(f"addmm: mat1 and mat2 must be matrices, got {m1.shape} and "
                           f"{m2.shape}")
    if m1.shape[1] != m2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m1.shape[0]}x"
                           f"{m1.shape[1]} and {m2.shape[0]}x{m2.shape[1]})")
    return _scaled_sum(input, matmul(m1, m2), beta, alpha)


def baddbmm(input: Any, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (batch1 @ batch2) for batches of matrices (b, n, m), (b, m, p).

    Args:
        input: a tensor broadcastable to (b, n, p), or a number.
        batch1: a batch of matrices (b, n, m).
        batch2: a batch of matrices (b, m, p).
        beta: the multiplier of input.
        alpha: the multiplier of the products.

    Returns:
        A tensor (b, n, p).
    """
    b1, b2 = tensor_arg(batch1, "baddbmm"), tensor_arg(batch2, "baddbmm")
    if b1.ndim != 3 or b2.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor; batch2 must be a 3D tensor, got "
                           f"{b1.shape} and {b2.shape}")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise RuntimeError(f"baddbmm: shapes {b1.shape} and {b2.shape} cannot be multiplied "
                           "batch by batch")
    return _scaled_sum(input, matmul(b1, b2), beta, alpha)


def _in_place_version(fn: Any, name: str) -> Any:
    """The in-place form of an out-of-place op that keeps the tensor's shape and dtype (see
    `inplace`): the result is checked first, then written into x (rebased when recorded)."""
    def method(x: Tensor, *args: Any, **kw: Any) -> Tensor:
        x = tensor_arg(x, name)
        result = fn(x.detach(), *args, **kw)  # (checks the arguments)
        _check_inplace(x, name, result.dtype, result.shape)
        others = [a for a in list(args) + list(kw.values()) if isinstance(a, Tensor)]
        other = next((a for a in others if a.requires_grad), None)
        return write_in_place(x, name, lambda old: fn(old, *args, **kw),
                              lambda a: np.copyto(a, result.data), other)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{fn.__name__} in place (see `{fn.__name__}` and `inplace`)."
    return method


index_add_ = _in_place_version(index_add, "index_add_")
index_copy_ = _in_place_version(index_copy, "index_copy_")
index_fill_ = _in_place_version(index_fill, "index_fill_")
masked_scatter_ = _in_place_version(masked_scatter, "masked_scatter_")
scatter_reduce_ = _in_place_version(scatter_reduce, "scatter_reduce_")


# ---- linear algebra entry points (am.linalg builds on these; Tensor.det / .inverse call them) --
TORCH_DTYPE_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char",
                    "uint8": "Byte", "bool": "Bool"}


def matrices_arg(a: Any, name: str, square: bool = True) -> Tensor:
    """A float tensor of shape (..., m, n) (m == n when `square`), or PyTorch's error."""
    a = tensor_arg(a, name)
    if a.dtype.kind != "f":
        got = TORCH_DTYPE_NAMES.get(a.dtype.name, str(a.dtype))
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {got}")
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions, got "
                           f"shape {a.shape}.")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    return a


def det(A: Any) -> Tensor:
    """The determinant of each square matrix in A (..., n, n), shape (...)."""
    return LinalgDet.apply(matrices_arg(A, "linalg.det"))


def inverse(A: Any) -> Tensor:
    """The inverse of each square matrix in A (..., n, n); a singular matrix raises LinAlgError
    (a RuntimeError), as torch.linalg.inv."""
    return LinalgInv.apply(matrices_arg(A, "linalg.inv"))
