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
from typing import Any

import numpy as np

from . import primitives as P
from ._dtypes import (
    as_array,
    as_dtype,
    get_default_dtype,
    numeric_value,
    result_type,
    short_repr,
)
from ._grad_mode import thread_state
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
        raise ValueError(f"{name}: shapes {' and '.join(str(s) for s in shapes)} cannot be "
                         "broadcast together") from None


def _binary(prim: Any, name: str, a: Any, b: Any) -> Tensor:
    try:
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
    return _in_dtype_for_arithmetic(a, target), _in_dtype_for_arithmetic(b, target)


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
def add(a: Any, b: Any) -> Tensor:
    """a + b with broadcasting and PyTorch's type promotion."""
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Add, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("add", a, b, exc)
        raise


def sub(a: Any, b: Any) -> Tensor:
    """a - b with broadcasting and PyTorch's type promotion."""
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Sub, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("sub", a, b, exc)
        raise


def mul(a: Any, b: Any) -> Tensor:
    """a * b with broadcasting and PyTorch's type promotion."""
    try:
        if (type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype) \
                and not _agree(a, b):  # (the first test inline: two tensors of one dtype)
            a, b = promote_operands(a, b)
        return apply2(P.Mul, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("mul", a, b, exc)
        raise


def div(a: Any, b: Any) -> Tensor:
    """a / b with broadcasting: true division, as PyTorch (integers give the default float dtype)."""
    try:
        if not _agree(a, b) or (a if type(a) is Tensor else b).data.dtype.kind != "f":
            a, b = promote_operands(a, b, true_division=True)
        return apply2(P.Div, a, b)
    except (ValueError, TypeError) as exc:
        _binary_failed("div", a, b, exc)
        raise


def neg(a: Tensor) -> Tensor:
    a = a if isinstance(a, Tensor) else tensor_arg(a, "neg")
    return apply1(P.Neg, a)


def pow(a: Any, exponent: Any) -> Tensor:
    """a ** exponent. A number exponent uses a cheaper primitive; x**0 has gradient 0."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool) and \
            isinstance(a, Tensor):
        return P.PowConst.apply(a, exponent=exponent)
    return _binary(P.Pow, "pow", a, exponent)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules (1-D promotion, broadcast batch dimensions)."""
    sa, sb = shape_of(a, "matmul"), shape_of(b, "matmul")
    if len(sa) == 0 or len(sb) == 0:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {sa} "
                         f"and {sb}")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {sa} and {sb} are not aligned ({k_a} != {k_b})")
    if len(sa) > 2 and len(sb) > 2:
        _check_broadcast("matmul (batch dimensions)", np.empty(sa[:-2], dtype=bool),
                         np.empty(sb[:-2], dtype=bool))
    return apply2(P.MatMul, a, b)


# ---- elementwise functions ------------------------------------------------------------------
def exp(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "exp")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Exp, x)


def log(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "log")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Log, x)


def log1p(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "log1p")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Log1p, x)


def sqrt(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "sqrt")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Sqrt, x)


def abs(x: Tensor) -> Tensor:
    """|x|, with abs'(0) = 0."""
    x = x if isinstance(x, Tensor) else tensor_arg(x, "abs")
    return apply1(P.Abs, x)


def sin(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "sin")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Sin, x)


def cos(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "cos")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Cos, x)


def tanh(x: Tensor) -> Tensor:
    x = x if isinstance(x, Tensor) else tensor_arg(x, "tanh")
    if x.data.dtype.kind != "f":
        x = _float_input(x)
    return apply1(P.Tanh, x)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), stable for inputs of +-1000."""
    x = _float_input(x if isinstance(x, Tensor) else tensor_arg(x, "sigmoid"))
    return apply1(P.Sigmoid, x)


def relu(x: Tensor) -> Tensor:
    """max(x, 0), with relu'(0) = 0."""
    x = x if isinstance(x, Tensor) else tensor_arg(x, "relu")
    return apply1(P.Relu, x)



def _float_input(x: Tensor) -> Tensor:
    """An integer or bool tensor in the default float dtype, as PyTorch computes exp, sqrt, ...
    of one (NumPy would give float64; the fused primitives would round to integers)."""
    if x.data.dtype.kind == "f":
        return x
    return Tensor._make(x.data.astype(get_default_dtype()))


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 elementwise (a bool tensor is its own sign); no gradient."""
    x = tensor_arg(x, "sign")
    if x.data.dtype == np.bool_:
        return Tensor._make(x.data.copy())
    return Tensor._make(np.sign(x.data))


def clip(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Clamp to [min, max]; the gradient is 1 inside (bounds included) and 0 outside.

    As in PyTorch, min > max is allowed: max wins, so every element becomes max, gradient 0.
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
    """Elementwise maximum; at equality each side gets half the gradient."""
    return _binary(P.Maximum, "maximum", a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; at equality each side gets half the gradient."""
    return _binary(P.Minimum, "minimum", a, b)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise choice: a where condition is true, else b. The condition carries no gradient."""
    cond = _data(condition)
    if not isinstance(cond, np.ndarray) or cond.dtype != np.bool_:
        shape_of(cond, "where")  # a ragged list fails here, clearly
        cond = np.asarray(cond)
        if cond.dtype != np.bool_:
            raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    try:
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
    return Tensor._make(np.logical_not(_data(a)))


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
    """
    x = tensor_arg(x, "sum")
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
    """Mean over `dim`. The mean of an empty selection is NaN, silently, as in PyTorch."""
    x, narrow = in_float32(tensor_arg(x, "mean"))
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
    """
    x, narrow = in_float32(tensor_arg(x, "std"))
    v = _var(x, dim, keepdim, "std", **kw)
    zero = v.data == 0
    if not np.any(zero):
        return back_to(sqrt(v), narrow)
    # sqrt of a stand-in 1 where var is 0, then 0 there: no inf * 0 in the gradient, which is 0.
    return back_to(where(zero, 0.0, sqrt(where(zero, 1.0, v))), narrow)


def prod(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Product over `dim`; the gradient is exact when elements are zero."""
    x = tensor_arg(x, "prod")
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
    """
    x = tensor_arg(x, "max")
    return _extremum(P.Max, argmax, "max", x, dim, keepdim, kw)


def min(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Any:
    """Minimum over `dim`; see `max` for ties and return values."""
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
    """Index of the first maximum (of the flattened tensor when dim is None); no gradient."""
    x = tensor_arg(x, "argmax")
    return _arg_extremum(np.argmax, "argmax", x, dim, keepdim, kw)


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """Index of the first minimum; no gradient."""
    x = tensor_arg(x, "argmin")
    return _arg_extremum(np.argmin, "argmin", x, dim, keepdim, kw)


def logsumexp(x: Tensor, dim: Axes = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """log(sum(exp(x))) over `dim`, shifted by the max: exact for +-1000, and a group that is
    all -inf gives -inf with gradient 0."""
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
    """exp(x - max) / sum along `dim`. A group that is all -inf gives zeros, not NaN."""
    x, narrow = in_float32(_float_input(tensor_arg(x, "softmax")))
    return back_to(P.Softmax.apply(x, axis=_softmax_axis(x, dim, kw, "softmax")), narrow)


def log_softmax(x: Tensor, dim: Any = -1, **kw: Any) -> Tensor:
    """x - logsumexp(x) along `dim` (never log(softmax(x)))."""
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
    NumPy can reshape without a copy, as PyTorch's `reshape`; else a copy."""
    x = tensor_arg(x, "reshape")
    new = _shape_args(shape, "reshape")
    try:
        np.empty(x.shape, dtype=bool).reshape(new)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                         f"({x.data.size} elements) into shape {new}") from None
    if new == x.data.shape:
        return x
    return _view_of(x, P.Reshape.apply(x, shape=new))


view = reshape


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes. A view of x (shares its memory)."""
    x = tensor_arg(x, "permute")
    axes = _shape_args(dims, "permute")
    norm = tuple(normalize_axis(a, x.ndim, "permute") for a in axes)
    if sorted(norm) != list(range(x.ndim)):
        raise ValueError(f"permute: {axes} is not a permutation of the {x.ndim} axes of a "
                         f"tensor of shape {x.shape}")
    return _view_of(x, P.Permute.apply(x, axes=norm))


def transpose(x: Tensor, *dims: Any) -> Tensor:
    """`transpose(d0, d1)` swaps two axes (PyTorch); `transpose()` reverses them and
    `transpose(axes)` permutes (NumPy). A view of x (shares its memory)."""
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
    A view of x (shares its memory)."""
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
    x (shares its memory)."""
    x = tensor_arg(x, "unsqueeze")
    d = _new_axis(dim, x.shape, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """A broadcast view (shares x's memory, read-only); the gradient is summed back over the
    broadcast axes."""
    x = tensor_arg(x, "broadcast_to")
    shape = _shape_args((shape,), "broadcast_to")
    try:
        np.broadcast_shapes(x.shape, shape)
        np.broadcast_to(np.empty(x.shape, dtype=bool), shape)
    except ValueError:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to "
                         f"{shape}") from None
    if shape == x.data.shape:
        return x
    return _view_of(x, P.BroadcastTo.apply(x, shape=shape))


def expand(x: Tensor, *shape: Any) -> Tensor:
    """PyTorch's expand: broadcast_to where -1 keeps that dimension's size (a read-only view)."""
    x = tensor_arg(x, "expand")
    shape = _shape_args(shape, "expand")
    lead = len(shape) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: shape {shape} has fewer dimensions than the tensor "
                         f"{x.shape}")
    full = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    return broadcast_to(x, full)


def sum_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Sum a tensor down to a shape it was broadcast from."""
    shape = tuple(shape)
    if x.data.shape == shape:
        return x
    return P.SumTo.apply(x, shape=shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes start_dim..end_dim into one (a view when NumPy needs no copy, as reshape)."""
    x = tensor_arg(x, "flatten")
    if x.ndim == 0:
        return reshape(x, (1,))
    s = normalize_axis(start_dim, x.ndim, "flatten")
    e = normalize_axis(end_dim, x.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(x, x.shape[:s] + (math.prod(x.shape[s:e + 1]),) + x.shape[e + 1:])


def cat(tensors: Sequence[Any], dim: int = 0, **kw: Any) -> Tensor:
    """Join tensors along an existing axis (`axis=` also accepted)."""
    if "axis" in kw:
        dim = kw.pop("axis")
    if kw:
        raise TypeError(f"cat() got unexpected keyword argument(s) {sorted(kw)}")
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError("cat: expected a non-empty sequence of tensors")
    items = [as_tensor(t) for t in tensors]
    ndim = items[0].ndim
    if ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use am.stack")
    axis = normalize_axis(dim, ndim, "cat")
    first = items[0].shape
    for t in items[1:]:
        if t.ndim != ndim or t.shape[:axis] + t.shape[axis + 1:] != \
                first[:axis] + first[axis + 1:]:
            raise ValueError(f"cat: shapes {first} and {t.shape} differ outside axis {axis}")
    return P.Concat.apply(*items, axis=axis)


concatenate = cat


def stack(tensors: Sequence[Any], dim: int = 0, **kw: Any) -> Tensor:
    """Join tensors of the same shape along a new axis."""
    if "axis" in kw:
        dim = kw.pop("axis")
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError("stack: expected a non-empty sequence of tensors")
    items = [as_tensor(t) for t in tensors]
    for t in items[1:]:
        if t.shape != items[0].shape:
            raise ValueError(f"stack: all tensors need the same shape, got {items[0].shape} "
                             f"and {t.shape}")
    axis = _new_axis(dim, items[0].shape, "stack")
    return cat([unsqueeze(t, axis) for t in items], axis, **kw)


def split(x: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0,
          **kw: Any) -> list[Tensor]:
    """PyTorch's split: pieces of `split_size` along `dim` (the last may be smaller), or pieces
    of the given sizes, which must add up to the axis length. Each piece is a view of x."""
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
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of axis "
                             f"{axis} of shape {x.shape}")
    pieces = []
    start = 0
    for s in sizes:
        pieces.append(getitem(x, (slice(None),) * axis + (slice(start, start + s),)))
        start += s
    return pieces


def pad(x: Tensor, pad_width: Any, value: float = 0.0) -> Tensor:
    """Constant padding with NumPy's `pad_width`: an int, a (before, after) pair, or one pair per
    axis."""
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
    if isinstance(i, Tensor):
        i = i.data
    if isinstance(i, list):
        i = np.asarray(i)
    if isinstance(i, np.ndarray):
        if i.dtype.kind not in "biu":
            raise IndexError(f"index arrays must be integer or boolean, got dtype {i.dtype}")
        if i.dtype.kind == "b" and i.ndim == 0:
            return bool(i)
    return i


def normalize_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_index_part(i) for i in index)
    return _index_part(index)


def getitem(x: Tensor, index: Any) -> Tensor:
    """x[index]: ints, slices, None, Ellipsis, integer arrays (repeats accumulate in the
    gradient) and boolean masks. Basic indexing (ints, slices, None, Ellipsis) gives a view of x
    (shares its memory); index arrays and masks copy, as in NumPy and PyTorch."""
    x = tensor_arg(x, "getitem")
    index = normalize_index(index)
    try:
        np.empty(x.shape, dtype=bool)[index]
    except (IndexError, ValueError) as exc:  # ValueError: a slice step of 0
        raise IndexError(f"index {format_index(index)} is invalid for a tensor of shape "
                         f"{x.shape}: {exc}") from None
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
_INPLACE = {"add": (np.add, add), "sub": (np.subtract, sub), "mul": (np.multiply, mul),
            "div": (np.true_divide, div)}


def _check_inplace(x: Tensor, what: str, result_dtype: np.dtype, result_shape: tuple) -> None:
    if thread_state.grad_enabled and x.requires_grad and x.grad_fn is None:
        raise RuntimeError(
            f"in-place {what} on a leaf tensor of shape {x.shape} that requires grad: the "
            "gradient would lose track of its old value. Do it inside `with am.no_grad():` (an "
            "optimizer update), write it out of place (`x = x + y`), or work on x.detach()")
    if result_shape != x.shape:
        raise ValueError(f"in-place {what}: the result has shape {result_shape}, which does not "
                         f"fit the tensor's shape {x.shape}")
    if not np.can_cast(result_dtype, x.dtype, casting="same_kind"):
        raise TypeError(f"in-place {what}: the result dtype {result_dtype} cannot be stored in "
                        f"a tensor of dtype {x.dtype}")
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
    dtype = x.dtype if op == "copy_" else np.result_type(x.data, other_data)
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


def elementwise_in_place(x: Tensor, what: str, compute: Any, write: Any) -> Tensor:
    """x = compute(x) in x's own array for an elementwise op (checked, then `write_in_place`)."""
    x = tensor_arg(x, what)
    _check_inplace(x, what, x.dtype, x.shape)
    return write_in_place(x, what, compute, write)


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
    """x[index] = value, under the same rules as the other in-place ops."""
    index = normalize_index(index)
    value_data = numeric_arg(value, "setitem")  # refuses strings, objects, ragged lists
    try:
        target = np.empty(x.shape, dtype=bool)[index]
        np.broadcast_to(np.empty(np.shape(value_data), dtype=bool), target.shape)
    except (IndexError, ValueError) as exc:
        raise type(exc)(f"setitem: cannot assign a value of shape {np.shape(value_data)} to "
                        f"index {format_index(index)} of a tensor of shape {x.shape}") from None
    _check_inplace(x, "setitem", x.dtype, x.shape)
    recording = thread_state.grad_enabled and (x.requires_grad or (
        isinstance(value, Tensor) and value.requires_grad))
    if recording:
        _check_no_alias_with_history(x, "setitem")
        value = cast(_in_dtype(value, x.dtype), x.dtype)
        _write_and_rebase(x, P.IndexPut.apply(_old_value(x), value, index=index))
    else:
        x.data[index] = value_data
        x._bump_version()


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
    if builtins.any(isinstance(i, Tensor) and i.requires_grad for i in inputs):
        raise TypeError(
            f"numpy.{ufunc.__name__} ({method}) cannot record a gradient on a Tensor that "
            f"requires grad; {_ufunc_advice(ufunc, method)}, or .detach() the tensor if no "
            "gradient is needed")
    arrays = tuple(_data(i) for i in inputs)
    out = kwargs.get("out")
    if out is not None:
        raise TypeError(f"numpy.{ufunc.__name__}: out= is not supported with Tensors")
    result = getattr(ufunc, method)(*arrays, **kwargs)
    return Tensor._make(np.asarray(result)) if result is not None else None


