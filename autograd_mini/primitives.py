"""The registry of primitives: each op's NumPy forward and its vector-Jacobian product together.

Every primitive is an `autograd.Function` whose forward takes ndarrays (`array_forward = True`)
and whose backward is written with Tensor operations, so gradients can be differentiated again.
Backward returns one gradient per forward input (None where no gradient is needed); it may return
a gradient in the *output's* broadcast shape: the engine sums it back to the input's shape, in one
place. Argument checking happens in `ops`, before a primitive is applied.

Conventions (tested exactly): ties in max/min reductions split the gradient evenly; maximum/minimum
at equality give half to each side; relu'(0) = 0; abs'(0) = 0; d(x**0)/dx = 0, also at x = 0; the
exponent's gradient of 0**y is 0. softmax/log_softmax/logsumexp subtract the max first.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._grad_mode import is_grad_enabled
from ._shapes import is_basic_index, sum_to_shape
from .autograd.function import Function
from .autograd.record import SAVES_INPUTS, SAVES_OTHER_INPUT, SAVES_OUTPUT
from .tensor import Tensor

PRIMITIVES: dict[str, type[Function]] = {}


def register(cls: type[Function]) -> type[Function]:
    """Add a primitive to the registry (the tests check every entry with gradcheck)."""
    cls.array_forward = True
    PRIMITIVES[cls.__name__] = cls
    return cls


def const(array: Any) -> Tensor:
    """A NumPy array used inside a VJP as a constant (no gradient flows into it)."""
    return Tensor._make(np.asarray(array))


_ONES: dict[np.dtype, np.ndarray] = {}


def _one(x: Any) -> np.ndarray:
    """1 as a read-only 0-d array of x's dtype, for `1 - x` in a VJP: NumPy takes a Python
    number through its scalar promotion, which costs about three same-dtype array operands on
    small arrays. The result is the same (the 1 is cast to x's dtype either way)."""
    one = _ONES.get(x.dtype)
    if one is None:
        one = _ONES[x.dtype] = np.ones((), x.dtype)
        one.flags.writeable = False
    return one


# ---- elementwise arithmetic -----------------------------------------------------------------
@register
class Add(Function):
    """a + b."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a + b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, g


@register
class Sub(Function):
    """a - b."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a - b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, (-g if ctx.needs_input_grad[1] else None)


@register
class Mul(Function):
    """a * b: d/da = b, d/db = a."""

    array_backward = True
    saves = SAVES_OTHER_INPUT

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a * b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * b if need_a else None), (g * a if need_b else None)


@register
class Div(Function):
    """a / b: d/da = 1/b, d/db = -a/b**2. Saves its inputs, not its output (as PyTorch), so the
    result may be changed in place before backward (`loss = total / n; loss += reg`)."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a / b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        ga = g / b
        return (ga if ctx.needs_input_grad[0] else None), (
            -ga * a / b if ctx.needs_input_grad[1] else None)


@register
class Neg(Function):
    """-a."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return -a

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return -g


@register
class PowConst(Function):
    """a ** c for a constant number c: d/da = c * a**(c-1), and exactly 0 when c == 0."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, exponent: float) -> Any:
        by_products = _SMALL_POWERS.get(exponent) if a.dtype.char in "fd" else None
        if by_products is not None:  # (NumPy's general power is ~100x slower on negative floats)
            return by_products(a)
        return a ** exponent

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        c = ctx.params["exponent"]
        if c == 0:
            return g * 0.0
        if c == 1:
            return g
        if c == 2:
            return g * (2.0 * a)
        # At a == 0 with c < 1 the gradient is infinite on purpose, as in PyTorch (d/da sqrt(a)
        # is inf at 0): NumPy's divide-by-zero warning for it is silenced.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # (an array's power as PowConst's forward computes it: the same bits both ways)
            return g * (c * (a ** (c - 1) if isinstance(a, Tensor) else _power(a, c - 1)))


@register
class Pow(Function):
    """a ** b with a tensor exponent: d/da = b * a**(b-1) (0 where b == 0),
    d/db = out * log(a): 0 where a == 0 and b >= 0, and -inf where a == 0 and b < 0 (0**b is
    inf there), as in PyTorch."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, out = ctx.saved_tensors
        ga = gb = None
        # At a == 0 with b < 0 the gradients are infinite on purpose (0 ** b is inf), as in
        # PyTorch: NumPy's divide-by-zero and inf * 0 warnings for those points are silenced.
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.needs_input_grad[0]:
                # 0 ** -1 is inf: where a == b == 0 use exponent 1 instead, so the factor b makes
                # the gradient 0 without 0 * inf. Only there: elsewhere b - 1 must stay
                # differentiable in b (the mixed second derivative at b == 0 is 1/a, not a).
                ga = g * b * a ** Where.apply((b == 0) & (a == 0), 1.0, b - 1.0)
            if ctx.needs_input_grad[1]:
                # log(1) = 0 where a == 0 and b >= 0 (PyTorch's mask); where a == 0 and b < 0,
                # log(0) = -inf makes out * log(a) = inf * -inf = -inf.
                gb = g * out * Log.apply(Where.apply((a == 0) & (b >= 0), 1.0, a))
        return ga, gb


# ---- elementwise functions ------------------------------------------------------------------
@register
class Exp(Function):
    """exp(a): d/da = exp(a) (the saved output)."""

    array_backward = True
    saves = SAVES_OUTPUT

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.exp(a)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * out


@register
class Log(Function):
    """log(a): d/da = 1/a."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / a


@register
class Log1p(Function):
    """log(1 + a), accurate for small a: d/da = 1/(1 + a)."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log1p(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / (a + 1.0)


@register
class Sqrt(Function):
    """sqrt(a): d/da = 1 / (2 sqrt(a))."""

    array_backward = True
    saves = SAVES_OUTPUT

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.sqrt(a)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g / (out + out)  # (2 * out exactly, without a Python scalar operand)


@register
class Abs(Function):
    """|a|: d/da = sign(a), so abs'(0) = 0; abs'(NaN) = 0, as PyTorch."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.abs(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        sign = np.sign(a.data)
        if sign.dtype.kind == "f":
            sign = np.where(np.isnan(sign), 0, sign).astype(sign.dtype, copy=False)
        # (recorded with an edge to a, as PyTorch's grad * a.sgn(): see MulPiecewiseConstant)
        return MulPiecewiseConstant.apply(g, a, factor=sign)


@register
class Sin(Function):
    """sin(a): d/da = cos(a)."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.sin(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * np.cos(a)  # a ufunc: an ndarray in array mode, else dispatched to am.cos


@register
class Cos(Function):
    """cos(a): d/da = -sin(a)."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.cos(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return -g * np.sin(a)


@register
class Tanh(Function):
    """tanh(a): d/da = 1 - tanh(a)**2."""

    array_backward = True
    saves = SAVES_OUTPUT

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.tanh(a)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (_one(out) - out * out)


@register
class Sigmoid(Function):
    """1 / (1 + exp(-a)), computed from exp(-|a|) so +-1000 neither overflows nor gives NaN."""

    array_backward = True
    saves = SAVES_OUTPUT

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(a.dtype, copy=False)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out * (_one(out) - out))


@register
class Relu(Function):
    """max(a, 0): d/da = 1 where a > 0, 0 where a <= 0 (relu'(0) = 0); relu'(NaN) = 1, as
    PyTorch (its mask is "not <= 0")."""

    array_backward = True
    saves = SAVES_OUTPUT

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.maximum(a, 0)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        # out is >= 0 or NaN, so `out != 0` is PyTorch's "not out <= 0"
        if not isinstance(g, Tensor):  # array mode (g may be a NumPy scalar): nothing recorded
            return g * (out != 0)
        # recorded with an edge to out, as PyTorch's threshold_backward(g, out)
        return MulPiecewiseConstant.apply(g, out, factor=out.data != 0)


@register
class LeakyRelu(Function):
    """a where a > 0, else negative_slope * a: d/da = 1 where a > 0, else negative_slope (also at
    0 and at NaN), as PyTorch. Its VJP is recorded with an edge to a, as PyTorch's
    leaky_relu_backward (see MulPiecewiseConstant)."""

    array_backward = True
    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, negative_slope: float = 0.01) -> Any:
        return np.where(a > 0, a, a * negative_slope)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        x = a.data if isinstance(a, Tensor) else a
        slope = x.dtype.type(ctx.params.get("negative_slope", 0.01))
        factor = np.where(x > 0, _one(x), slope)
        if not isinstance(g, Tensor):  # array mode (g may be a NumPy scalar): nothing recorded
            return g * factor
        return MulPiecewiseConstant.apply(g, a, factor=factor)


@register
class MulPiecewiseConstant(Function):
    """g * factor, where `factor` (a parameter: an array that broadcasts to g) is a piecewise
    constant function of the input `source`: relu's mask of its output, abs's sign of its input,
    leaky_relu's slopes. The VJPs of those ops call it under create_graph: d/dg = factor, and
    d/dsource = 0, returned as zeros along a recorded edge, so that a second derivative reaching
    `source` only through the mask is zero rather than missing (`autograd.grad` does not call it
    unused, an optimizer sees a zero gradient, not None), as PyTorch's threshold_backward,
    sgn and leaky_relu_backward, whose derivative with respect to the tensor the mask comes from
    is zeros_like. Ops whose masks PyTorch takes from a comparison (clamp, max/min, maximum,
    minimum, where) stay unconnected there, as in PyTorch."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, g: Any, source: Any, factor: Any = None) -> Any:
        ctx.save_for_backward(source)
        return _times(g, factor)

    @staticmethod
    def backward(ctx: Any, gg: Any) -> Any:
        (source,) = ctx.saved_tensors
        factor = ctx.params["factor"]
        need_g, need_source = ctx.needs_input_grad
        if not isinstance(gg, Tensor):  # array mode (gg may be a NumPy scalar)
            return (_times(gg, factor) if need_g else None,
                    np.zeros_like(source) if need_source else None)
        return (MulPiecewiseConstant.apply(gg, source, factor=factor) if need_g else None,
                const(np.zeros(source.shape, source.dtype)) if need_source else None)


def _times(g: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """g * factor in g's dtype (a bool mask or a factor in g's dtype leaves it as it is)."""
    out = g * factor
    return out if out.dtype == g.dtype else out.astype(g.dtype)


class _Extremum2(Function):
    """maximum/minimum of two tensors; at equality each side gets half the gradient. Where
    either side is NaN (the result is NaN) both get the whole gradient, as PyTorch."""

    saves = SAVES_INPUTS

    pick: Any

    @classmethod
    def forward(cls, ctx: Any, a: Any, b: Any) -> Any:
        return cls.pick(a, b)

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        wins = cls.pick(a.data, b.data) == a.data
        share = np.where(a.data == b.data, 0.5, wins.astype(float))
        share_b = 1.0 - share
        if g.dtype.kind == "f":
            nan = np.isnan(a.data) | np.isnan(b.data)
            share, share_b = np.where(nan, 1.0, share), np.where(nan, 1.0, share_b)
        need_a, need_b = ctx.needs_input_grad
        return ((g * const(share.astype(g.dtype, copy=False)) if need_a else None),
                (g * const(share_b.astype(g.dtype, copy=False)) if need_b else None))


@register
class Maximum(_Extremum2):
    """Elementwise maximum; ties give half the gradient to each side."""

    pick = staticmethod(np.maximum)


@register
class Minimum(_Extremum2):
    """Elementwise minimum; ties give half the gradient to each side."""

    pick = staticmethod(np.minimum)


@register
class Where(Function):
    """where(cond, a, b): the gradient goes to the branch that was chosen."""

    @staticmethod
    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> Any:
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        cond = ctx.cond
        _, need_a, need_b = ctx.needs_input_grad
        return (None, Where.apply(cond, g, 0.0) if need_a else None,
                Where.apply(cond, 0.0, g) if need_b else None)


@register
class Clip(Function):
    """clip(a, lo, hi): gradient 1 where lo <= a <= hi, else 0."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, lo: Any = None, hi: Any = None) -> Any:
        return np.clip(a, lo, hi)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        lo, hi = ctx.params.get("lo"), ctx.params.get("hi")
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a.data >= lo
        if hi is not None:
            inside &= a.data <= hi
        return g * const(inside)


@register
class Cast(Function):
    """Change dtype; the gradient is cast back by the engine."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, dtype: Any) -> Any:
        if dtype.char == "e":  # above float16's range: inf, as PyTorch, silently
            with np.errstate(over="ignore"):
                return a.astype(dtype)
        return a.astype(dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


# ---- reductions -----------------------------------------------------------------------------
def _kept_shape(shape: tuple, axis: tuple | None) -> tuple:
    """The shape a reduction over `axis` has with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _expand_back(g: Any, shape: tuple, axis: tuple | None) -> Any:
    """A reduction's output gradient, broadcast back over the reduced axes."""
    kept = g.reshape(_kept_shape(shape, axis))
    if type(kept) is np.ndarray:  # the engine's array mode
        return np.broadcast_to(kept, shape)
    return kept if kept.shape == shape else BroadcastTo.apply(kept, shape=shape)


@register
class Sum(Function):
    """Sum over `axis` (a tuple, or None for all)."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
        # np.add.reduce: what np.sum computes, without its Python-level wrapper (~5 us a call)
        if a.dtype.char == "e":  # float16 accumulates in float32, as PyTorch's sum
            total = np.add.reduce(a, axis=axis, keepdims=keepdims, dtype=np.float32)
            with np.errstate(over="ignore"):  # above float16's range: inf, as PyTorch, silently
                return total.astype(a.dtype)
        return np.add.reduce(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return _expand_back(g, ctx.input_shapes[0], ctx.params.get("axis"))


@register
class Prod(Function):
    """Product over `axis`. The gradient is the product of the other elements, exact with zeros.

    With zeros in the input and create_graph=True, the product of the others is built from
    differentiable ops (an n x n matrix per reduced group), so higher derivatives stay exact.
    """

    @staticmethod
    def forward(ctx: Any, a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
        out = np.prod(a, axis=axis, keepdims=keepdims)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        axis = ctx.params.get("axis")
        shape = a.shape
        full = _expand_back(out, shape, axis)
        zero = a.data == 0
        if not zero.any():
            return _expand_back(g, shape, axis) * full / a
        if is_grad_enabled():  # create_graph: d(others)/da is not zero where a has zeros
            return _expand_back(g, shape, axis) * _prod_of_others_differentiable(a, axis)
        others = const(_prod_of_others(a.data, axis).astype(a.dtype, copy=False))
        return _expand_back(g, shape, axis) * others


def _prod_of_others_differentiable(a: Any, axis: tuple | None) -> Any:
    """The product of the other elements of each group, as Tensor ops: row i of an n x n matrix
    holds the group with element i replaced by 1, and the rows are multiplied out."""
    axes = tuple(range(a.ndim)) if axis is None else axis
    rest = tuple(i for i in range(a.ndim) if i not in axes)
    moved = a.permute(rest + axes)
    n = int(np.prod([a.shape[i] for i in axes]))
    flat = moved.reshape(moved.shape[:len(rest)] + (n,))
    rows = Where.apply(np.eye(n, dtype=bool), 1.0, flat.unsqueeze(-2))
    others = rows.prod(-1).reshape(moved.shape)
    return others.permute(tuple(np.argsort(rest + axes).tolist()))


def _prod_of_others(a: np.ndarray, axis: tuple | None) -> np.ndarray:
    """For each element, the product of the other elements in its reduction group."""
    axes = tuple(range(a.ndim)) if axis is None else axis
    rest = tuple(i for i in range(a.ndim) if i not in axes)
    moved = np.transpose(a, rest + axes)
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=a.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    result = (left * right).reshape(moved.shape)
    return np.transpose(result, np.argsort(rest + axes))


class _Extremum(Function):
    """max/min over `axis`; tied elements share the gradient evenly. Where the result is NaN,
    the NaN elements of that slice share it evenly instead (PyTorch's `x.max()`)."""

    reduce: Any

    @classmethod
    def forward(cls, ctx: Any, a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
        out = cls.reduce(a, axis=axis, keepdims=keepdims)
        ctx.save_for_backward(a, out)
        return out

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        axis = ctx.params.get("axis")
        kept = out.data.reshape(_kept_shape(a.shape, axis))
        hit = a.data == kept
        if a.data.dtype.kind in "fc":
            hit |= np.isnan(kept) & np.isnan(a.data)  # a NaN result came from the NaN elements
        share = hit / np.sum(hit, axis=axis, keepdims=True)
        return _expand_back(g, a.shape, axis) * const(share.astype(a.dtype, copy=False))


@register
class Max(_Extremum):
    """Maximum over `axis`; ties split the gradient evenly."""

    reduce = staticmethod(np.max)


@register
class Min(_Extremum):
    """Minimum over `axis`; ties split the gradient evenly."""

    reduce = staticmethod(np.min)


def _is_last_axis(a: Any, axis: Any) -> bool:
    """Whether `axis` (an int or a 1-tuple) names the last axis of a (non-0-d) array."""
    if isinstance(axis, tuple):
        if len(axis) != 1:
            return False
        axis = axis[0]
    return isinstance(axis, (int, np.integer)) and a.ndim > 0 and axis in (-1, a.ndim - 1)


# NumPy reduces a contiguous last axis row by row (a call per row): slow for many short rows
# (attention scores, 16 to 64 wide: 2 to 6 times slower than the pairwise max below). The max of
# columns taken pairwise over the whole array (one call per column, each over every row; for
# rows of up to 16) or `maximum.reduceat` over the flat array does the same comparisons in a few
# long loops; a max is exact whatever the order (and NaN propagates the same).
_SHORT_ROW = 16
_MANY_ROWS = 64


def last_axis_max(a: np.ndarray) -> np.ndarray:
    """np.max(a, axis=-1, keepdims=True), faster for many short rows."""
    width = a.shape[-1] if a.ndim else 0
    rows = a.size // width if width else 0
    if rows < _MANY_ROWS or a.dtype.kind != "f":
        return np.max(a, axis=-1, keepdims=True)
    if width <= _SHORT_ROW and rows >= 4 * _MANY_ROWS:
        m = a[..., 0].copy()
        for j in range(1, width):
            np.maximum(m, a[..., j], out=m)
        return m[..., None]
    if a.flags.c_contiguous:
        starts = np.arange(0, a.size, width)
        return np.maximum.reduceat(a.reshape(-1), starts).reshape(a.shape[:-1] + (1,))
    return np.max(a, axis=-1, keepdims=True)


def fast_sum_dtype(a: Any) -> bool:
    """float32 / float64 sum a last axis as a product with a ones column (BLAS, one call)."""
    return a.dtype in (np.float32, np.float64) and a.ndim > 0


def last_axis_sum(a: Any) -> Any:
    """The sum over the last axis (keepdims) of an array or a Tensor: a matrix product with a
    ones column for float32 / float64 (many times faster than NumPy's row by row reduction of
    short rows; differentiable the same way for a Tensor), else `.sum`."""
    if fast_sum_dtype(a):
        return a @ np.ones((a.shape[-1], 1), dtype=a.dtype)
    return a.sum(axis=-1, keepdims=True)


def first_axis_sum(a: Any) -> Any:
    """The sum over the first axis of a matrix (array or Tensor): ones @ a for float32 / float64
    (one BLAS matrix-vector product, 2-4x faster than NumPy's sum down the rows; the same
    product on arrays and Tensors), else `.sum(axis=0)`."""
    if not fast_sum_dtype(a):
        return a.sum(axis=0)
    ones = np.ones(a.shape[0], dtype=a.dtype)
    return const(ones) @ a if isinstance(a, Tensor) else ones @ a


def finite_or_zero(m: np.ndarray) -> np.ndarray:
    """m, with 0 where it is not finite (a copy then)."""
    finite = np.isfinite(m)
    if not finite.all():
        m = np.where(finite, m, 0).astype(m.dtype, copy=False)
    return m


def finite_max(a: np.ndarray, axis: Any) -> np.ndarray:
    """The max over `axis` (keepdims), or 0 where that max is not finite."""
    return finite_or_zero(last_axis_max(a) if _is_last_axis(a, axis)
                          else np.max(a, axis=axis, keepdims=True))


def shift_by_max(a: np.ndarray, axis: Any) -> tuple[np.ndarray, np.ndarray]:
    """(a - m, m) with m the max over `axis` (keepdims), or 0 where that max is not finite: the
    shift that keeps exp from overflowing in softmax, log_softmax and logsumexp, and lets a group
    that is all -inf give zeros (softmax) or -inf (logsumexp) rather than NaN."""
    m = finite_max(a, axis)
    return a - m, m


def softmax_last_axis_(e: np.ndarray) -> np.ndarray:
    """exp(e) / its sum over the last axis, in place on `e` (already shifted by its finite row
    max); returns the row sums it divided by (1 where a row sums to 0: an all -inf row stays
    0). The sums are `last_axis_sum`'s, so a backward recomputing exp(e) / sums matches."""
    np.exp(e, out=e)
    s = last_axis_sum(e)
    s[s == 0] = 1
    np.divide(e, s, out=e)
    return s


def _stable_logsumexp(a: np.ndarray, axis: tuple | None) -> np.ndarray:
    """logsumexp with keepdims, shifted by the (finite) max; an all -inf group gives -inf."""
    shifted, m = shift_by_max(a, axis)
    s = np.sum(np.exp(shifted), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        return np.log(s) + m


@register
class LogSumExp(Function):
    """log(sum(exp(a))) over `axis`, stable for large inputs; d/da = softmax(a)."""

    @staticmethod
    def forward(ctx: Any, a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
        ctx.save_for_backward(a)
        out = _stable_logsumexp(a, axis)
        return out if keepdims else out.reshape(np.sum(a, axis=axis).shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        axis = ctx.params.get("axis")
        over = tuple(range(a.ndim)) if axis is None else axis  # softmax needs explicit axes
        return _expand_back(g, a.shape, axis) * Softmax.apply(a, axis=over)


@register
class Softmax(Function):
    """exp(a - max) / sum over `axis`. A group that is all -inf gives zeros, not NaN."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, axis: tuple | int = -1) -> Any:
        shifted = shift_by_max(a, axis)[0]  # (a new array)
        if _is_last_axis(a, axis) and fast_sum_dtype(a):  # in place on it, fast sums
            softmax_last_axis_(shifted)
            out = shifted
        else:
            e = np.exp(shifted)
            s = np.sum(e, axis=axis, keepdims=True)
            out = e / np.where(s == 0, 1, s).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        axis = ctx.params.get("axis", -1)
        if _is_last_axis(out, axis):  # the same calls on arrays and on Tensors
            return out * (g - last_axis_sum(g * out))
        return out * (g - (g * out).sum(axis=axis, keepdims=True))


@register
class LogSoftmax(Function):
    """a - logsumexp(a) over `axis`, never log(softmax(a))."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, axis: tuple | int = -1) -> Any:
        # (a - max) - log(sum(exp(a - max))): the max never enters the result, so logits of
        # +-1000 keep full precision (a - (max + log s) would round at the scale of the max)
        shifted = shift_by_max(a, axis)[0]
        with np.errstate(divide="ignore"):
            out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        axis = ctx.params.get("axis", -1)
        return g - np.exp(out) * g.sum(axis=axis, keepdims=True)


# ---- shape ----------------------------------------------------------------------------------
@register
class Reshape(Function):
    """Same elements, new shape."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple) -> Any:
        return np.reshape(a, shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g.reshape(ctx.input_shapes[0])


@register
class Permute(Function):
    """Reorder axes."""

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple) -> Any:
        return np.transpose(a, axes)

    array_backward = True

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        inverse = tuple(np.argsort(ctx.params["axes"]).tolist())
        return g.permute(inverse) if isinstance(g, Tensor) else g.transpose(inverse)


@register
class BroadcastTo(Function):
    """Broadcast to a larger shape (a read-only view); the engine sums the gradient back."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple) -> Any:
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


@register
class SumTo(Function):
    """Sum a broadcast array back to `shape`: the adjoint of broadcasting."""

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple) -> Any:
        return sum_to_shape(a, shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return BroadcastTo.apply(g, shape=ctx.input_shapes[0])


@register
class GetItem(Function):
    """a[index]. The backward scatters with accumulation, so repeated indices add up."""

    @staticmethod
    def forward(ctx: Any, a: Any, index: Any) -> Any:
        out = a[index]
        if isinstance(out, np.generic):  # one element: a 0-d view of it, as PyTorch's x[0]
            parts = index if isinstance(index, tuple) else (index,)
            out = a[tuple(i for i in parts if i is not Ellipsis) + (Ellipsis,)]
        return out

    array_backward = True

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        index, shape = ctx.params["index"], ctx.input_shapes[0]
        if isinstance(g, Tensor):
            return ScatterAdd.apply(g, index=index, shape=shape)
        return ScatterAdd.forward(None, g, index, shape)  # array mode: no node to record


def _picks_rows(index: Any, g: Any, shape: tuple) -> bool:
    """Whether `index` is one integer array picking whole rows (axis 0), as an embedding lookup,
    with g of the picked shape."""
    return (isinstance(index, np.ndarray) and index.dtype.kind in "iu" and index.size > 0
            and g.shape == index.shape + tuple(shape[1:]))


# A table of at most this many rows, picked at most this many times in all, takes its gradient as
# one matrix product (one-hot rows @ g): on a character model's embedding (27 rows, 96 to 4,096
# picks) it is 2-3x faster than sorting, and the one-hot matrix stays under 4 MB of float32.
_ONE_HOT_ROWS, _ONE_HOT_ELEMENTS = 256, 1 << 20


def _add_rows(out: np.ndarray, index: np.ndarray, g: np.ndarray) -> None:
    """out[index[k]] += g[k], repeats accumulating (out is zeros): for a small float table, one
    matrix product of the one-hot picks with g; else the rows are sorted by target (stably) and
    each run summed by np.add.reduceat, 5-8x faster than np.add.at on an embedding's gradient."""
    flat = index.reshape(-1)
    flat = np.where(flat < 0, flat + out.shape[0], flat)
    rows = g.reshape((flat.size,) + out.shape[1:])
    n_rows = out.shape[0]
    if (out.dtype.char in "fd" and n_rows <= _ONE_HOT_ROWS
            and flat.size * n_rows <= _ONE_HOT_ELEMENTS):
        picks = np.zeros((n_rows, flat.size), dtype=out.dtype)
        picks[flat, np.arange(flat.size)] = 1
        width = math.prod(out.shape[1:])  # (explicit: -1 is ambiguous for a width of 0)
        np.matmul(picks, rows.reshape(flat.size, width), out=out.reshape(n_rows, width))
        return
    order = np.argsort(flat, kind="stable")
    targets = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], targets[1:] != targets[:-1])))
    out[targets[starts]] = np.add.reduceat(rows[order], starts, axis=0)


@register
class ScatterAdd(Function):
    """zeros(shape) with g added at `index` (accumulating repeats): the adjoint of indexing."""

    @staticmethod
    def forward(ctx: Any, g: Any, index: Any, shape: tuple) -> Any:
        out = np.zeros(shape, dtype=g.dtype)
        if is_basic_index(index):
            out[index] = g  # a basic index selects each element at most once
        elif _picks_rows(index, g, shape):
            _add_rows(out, index, g)
        else:
            np.add.at(out, index, g)
        return out

    @staticmethod
    def backward(ctx: Any, gg: Any) -> Any:
        return GetItem.apply(gg, index=ctx.params["index"])


@register
class Concat(Function):
    """Join tensors along `axis`."""

    @staticmethod
    def forward(ctx: Any, *arrays: Any, axis: int = 0) -> Any:
        ctx.sizes = [a.shape[axis] for a in arrays]
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        axis = ctx.params.get("axis", 0)
        grads = []
        start = 0
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad):
            index = (slice(None),) * axis + (slice(start, start + size),)
            grads.append(GetItem.apply(g, index=index) if needed else None)
            start += size
        return tuple(grads)


@register
class Pad(Function):
    """Constant padding; `pad_width` is NumPy's ((before, after), ...) per axis."""

    @staticmethod
    def forward(ctx: Any, a: Any, pad_width: tuple, value: float = 0.0) -> Any:
        return np.pad(a, pad_width, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        index = tuple(slice(before, before + n) for (before, _), n in
                      zip(ctx.params["pad_width"], ctx.input_shapes[0]))
        return GetItem.apply(g, index=index)


# ---- linear algebra -------------------------------------------------------------------------
@register
class MatMul(Function):
    """a @ b with NumPy's rules: 1-D operands are promoted, batch dimensions broadcast."""

    saves = SAVES_OTHER_INPUT

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors  # (a only if need_b, b only if need_a)
        need_a, need_b = ctx.needs_input_grad
        ndim_a = len(ctx.input_shapes[0]) if need_a else a.ndim
        ndim_b = len(ctx.input_shapes[1]) if need_b else b.ndim
        ga = gb = None
        if ndim_a == 1 and ndim_b == 1:  # dot product: g is a scalar
            ga = g * b if need_a else None
            gb = g * a if need_b else None
        elif ndim_a == 1:  # (n,) @ (..., n, p) -> (..., p)
            ga = (g.unsqueeze(-2) @ b.mT).squeeze(-2) if need_a else None
            gb = a.unsqueeze(-1) * g.unsqueeze(-2) if need_b else None
        elif ndim_b == 1:  # (..., m, n) @ (n,) -> (..., m)
            ga = g.unsqueeze(-1) * b if need_a else None
            gb = (a.mT @ g.unsqueeze(-1)).squeeze(-1) if need_b else None
        else:
            ga = g @ b.mT if need_a else None
            gb = a.mT @ g if need_b else None
        return ga, gb


@register
class IndexPut(Function):
    """A copy of a with a[index] = value: the out-of-place form of `__setitem__`.

    With repeated advanced indices the last write wins in the forward (as in NumPy), and the value
    gradient counts every occurrence; avoid repeated indices when assigning.
    """

    @staticmethod
    def forward(ctx: Any, a: Any, value: Any, index: Any) -> Any:
        out = a.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        index = ctx.params["index"]
        need_a, need_v = ctx.needs_input_grad
        ga = gv = None
        if need_a:
            keep = np.ones(g.shape, dtype=g.dtype)
            keep[index] = 0
            ga = g * const(keep)
        if need_v:
            gv = GetItem.apply(g, index=index)
        return ga, gv


# ---- remainders and rounded division (PyTorch's sign conventions) ---------------------------
def _quotient(a: Any, b: Any, mode: str) -> np.ndarray:
    """a / b rounded toward -inf ("floor") or toward 0 ("trunc"), in a and b's dtype, as
    PyTorch's `div(a, b, rounding_mode=...)`: an integer quotient wraps like C (int_min // -1 is
    int_min) and a float one of x / 0 is +-inf or NaN, silently."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if mode == "floor":  # (NumPy's float floor_divide is PyTorch's algorithm: fmod first)
            return np.asarray(np.floor_divide(a, b))
        if np.result_type(a, b).kind == "f":
            return np.asarray(np.trunc(np.true_divide(a, b)))
        return np.asarray(np.floor_divide(np.subtract(a, np.fmod(a, b)), b))


def _zero_gradient(g: Any) -> Any:
    """Zeros shaped and typed like g, recorded as depending on g (a gradient that is zero, not
    an absent one: it stays zero where g is inf or NaN, and differentiates again to zero)."""
    return Where.apply(np.zeros(g.shape, dtype=bool), g, 0.0)


@register
class Remainder(Function):
    """a - floor(a / b) * b, the sign of the divisor (Python's %, PyTorch's remainder): d/da = 1,
    d/db = -floor(a / b) (as PyTorch; the quotient's jumps carry no gradient)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if np.result_type(a, b).kind != "f":
                return np.asarray(np.remainder(a, b))
            # PyTorch's formula: fmod, then moved by b when its sign differs from b's (a zero
            # keeps the dividend's sign; remainder(1, -inf) is -inf)
            mod = np.asarray(np.fmod(a, b))
            fix = (mod != 0) & ((mod < 0) != (np.asarray(b) < 0))
            if fix.any():
                mod = mod.copy()
                np.add(mod, b, out=mod, where=fix)
            return mod

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # (the quotient recorded, as PyTorch's: its gradient is zero, and gb depends on a, b)
        gb = -(g * DivRounded.apply(a, b, mode="floor")) if need_b else None
        return (g if need_a else None), gb


@register
class Fmod(Function):
    """a - trunc(a / b) * b, the sign of the dividend (C's fmod, PyTorch's fmod): d/da = 1,
    d/db = -trunc(a / b)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(np.fmod(a, b))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        gb = -(g * DivRounded.apply(a, b, mode="trunc")) if need_b else None
        return (g if need_a else None), gb


@register
class DivRounded(Function):
    """a / b rounded ("floor" or "trunc"). Its gradient is zero, as PyTorch's `div` with a
    rounding mode; `floor_divide` (and `//`) has none: backward refuses, as PyTorch's."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, mode: str = "floor", op: str = "div") -> Any:
        return _quotient(a, b, mode)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.params.get("op") == "floor_divide":
            raise RuntimeError(
                "the derivative of floor_divide (and of //) is not implemented, as in PyTorch; "
                "use am.div(a, b, rounding_mode='floor'), whose gradient is zero, or detach() "
                "the operands")
        need_a, need_b = ctx.needs_input_grad
        zeros = _zero_gradient(g)
        return (zeros if need_a else None), (zeros if need_b else None)


# ---- selection, ordering and contraction (flip, roll, einsum) -------------------------------
@register
class Flip(Function):
    """Reverse the order along `axes` (a copy, as PyTorch's flip); its VJP flips back."""

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple) -> Any:
        return np.flip(a, axes).copy()

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return Flip.apply(g, axes=ctx.params["axes"])


@register
class Roll(Function):
    """np.roll by `shift` along `axis` (None: the flattened tensor, shape restored); its VJP
    rolls back."""

    @staticmethod
    def forward(ctx: Any, a: Any, shift: Any, axis: Any = None) -> Any:
        return np.roll(a, shift, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        shift = ctx.params["shift"]
        back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
        return Roll.apply(g, shift=back, axis=ctx.params.get("axis"))


_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@register
class Einsum(Function):
    """np.einsum over explicit `subscripts` ("ij,jk->ik": letters only, no ellipsis, each
    operand's dimensions of one letter the same size; `ops.einsum` normalises to this). The VJP
    of each operand is an einsum of the output gradient with the other operands: a letter
    repeated within the operand (a diagonal, "ii->i") is written back through an identity
    matrix, and a letter summed over in that operand alone through a vector of ones."""

    @staticmethod
    def forward(ctx: Any, *arrays: Any, subscripts: str) -> Any:
        ctx.save_for_backward(*arrays)
        # (NumPy's optimizer, which contracts pairs with BLAS, pays off on more than two
        # operands or on large ones; small ones go the direct way)
        big = len(arrays) > 2 or max((a.size for a in arrays), default=0) > 4096
        return np.asarray(np.einsum(subscripts, *arrays, optimize=big))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        arrays = ctx.saved_tensors
        ins, out = ctx.params["subscripts"].split("->")
        terms = ins.split(",")
        sizes = {c: n for t, a in zip(terms, arrays) for c, n in zip(t, a.shape)}
        free = iter(c for c in _EINSUM_LETTERS if c not in sizes)
        grads = []
        for i, needed in enumerate(ctx.needs_input_grad):
            if not needed:
                grads.append(None)
                continue
            operands = [g] + [a for k, a in enumerate(arrays) if k != i]
            subs = [out] + [t for k, t in enumerate(terms) if k != i]
            target = ""
            for c in terms[i]:
                if c in target:  # a repeated letter: its diagonal, through an identity
                    fresh = next(free)
                    operands.append(const(np.eye(sizes[c], dtype=g.dtype)))
                    subs.append(c + fresh)
                    target += fresh
                else:
                    target += c
            seen = "".join(subs)
            for c in dict.fromkeys(target):
                if c not in seen:  # summed over in this operand alone: broadcast back
                    operands.append(const(np.ones(sizes[c], dtype=g.dtype)))
                    subs.append(c)
            grads.append(Einsum.apply(*operands, subscripts=",".join(subs) + "->" + target))
        return tuple(grads)


# ---- PyTorch's math ops: more elementwise functions, scans, norms ---------------------------
# Elementwise functions that are one NumPy function of one input share `_Elementwise`: each is a
# row of a table, its forward (`fn`) beside its VJP (`vjp(g, saved)`, written with operators and
# ufuncs that Tensors and ndarrays share, so it runs on arrays and is differentiable again).
_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))
_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))


class _Elementwise(Function):
    """fn(a) elementwise, with d/da given by `vjp(g, saved)` (saved: the input, or the output
    where `saves = SAVES_OUTPUT`)."""

    array_backward = True
    saves = SAVES_INPUTS
    fn: Any
    vjp: Any

    @classmethod
    def forward(cls, ctx: Any, a: Any) -> Any:
        return cls.fn(a)

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> Any:
        (saved,) = ctx.saved_tensors
        return cls.vjp(g, saved)


def _elementwise(name: str, fn: Any, vjp: Any, doc: str, saves: str = SAVES_INPUTS) -> None:
    """Register `name` as an `_Elementwise` primitive (one row of the table below)."""
    cls = type(name, (_Elementwise,), {"fn": staticmethod(fn), "vjp": staticmethod(vjp),
                                       "saves": saves, "__doc__": doc,
                                       "__module__": __name__})
    globals()[name] = register(cls)


_elementwise("Rsqrt", lambda a: np.reciprocal(np.sqrt(a)),
             lambda g, out: g * (out * out * out) * -0.5,
             "1 / sqrt(a): d/da = -out**3 / 2.", SAVES_OUTPUT)
_elementwise("Reciprocal", np.reciprocal, lambda g, out: -(g * (out * out)),
             "1 / a: d/da = -out**2.", SAVES_OUTPUT)
_elementwise("Exp2", np.exp2, lambda g, out: g * (out * _LN2),
             "2**a: d/da = out * log(2).", SAVES_OUTPUT)
_elementwise("Expm1", np.expm1, lambda g, out: g * (out + 1.0),
             "exp(a) - 1, accurate for small a (am.expm1, and the ELU family's negative "
             "branch): d/da = out + 1.", SAVES_OUTPUT)
_elementwise("Log2", np.log2, lambda g, a: g / (a * _LN2), "log2(a): d/da = 1 / (a log 2).")
_elementwise("Log10", np.log10, lambda g, a: g / (a * _LN10),
             "log10(a): d/da = 1 / (a log 10).")
_elementwise("Tan", np.tan, lambda g, out: g * (out * out + 1.0),
             "tan(a): d/da = 1 + tan(a)**2.", SAVES_OUTPUT)
_elementwise("Asin", np.arcsin, lambda g, a: g / np.sqrt(1.0 - a * a),
             "asin(a): d/da = 1 / sqrt(1 - a**2).")
_elementwise("Acos", np.arccos, lambda g, a: -g / np.sqrt(1.0 - a * a),
             "acos(a): d/da = -1 / sqrt(1 - a**2).")
_elementwise("Atan", np.arctan, lambda g, a: g / (a * a + 1.0), "atan(a): d/da = 1 / (1 + a**2).")
_elementwise("Sinh", np.sinh, lambda g, a: g * np.cosh(a), "sinh(a): d/da = cosh(a).")
_elementwise("Cosh", np.cosh, lambda g, a: g * np.sinh(a), "cosh(a): d/da = sinh(a).")
_elementwise("Asinh", np.arcsinh, lambda g, a: g / np.sqrt(a * a + 1.0),
             "asinh(a): d/da = 1 / sqrt(a**2 + 1).")
_elementwise("Acosh", np.arccosh, lambda g, a: g / np.sqrt(a * a - 1.0),
             "acosh(a): d/da = 1 / sqrt(a**2 - 1).")
_elementwise("Atanh", np.arctanh, lambda g, a: g / (1.0 - a * a),
             "atanh(a): d/da = 1 / (1 - a**2).")

_special: dict[str, Any] = {}


def _special_function(name: str, a: np.ndarray) -> np.ndarray:
    """erf/erfc elementwise: SciPy's when it is installed, else the standard library's."""
    fn = _special.get(name)
    if fn is None:
        try:
            import scipy.special  # optional: faster, same values

            fn = getattr(scipy.special, name)
        except ImportError:
            import math

            fn = np.frompyfunc(getattr(math, name), 1, 1)
        _special[name] = fn
    return np.asarray(fn(a), dtype=a.dtype)


# erf in float32 as tanh(x * h(x**2)): h is smooth, so a degree-9 polynomial in s = x**2
# (clamped at 16: for |x| >= 4, erf rounds to +-1 in float32) fits it: a minimax fit to
# atanh(erf(x)) / x (from math.erfc), weighted by how much an error in h moves erf relative to erf
# (fully at small x; little in the tail, where tanh flattens), so three degrees fewer than an
# unweighted fit; made in Chebyshev form in s / 8 - 1, then expanded into powers of s (Horner's
# scheme in s: no shift or scaling pass). Within 2.0 float32 ulps and 1.2e-7 of the exact erf
# (tests/test_ops_math.py checks a dense grid against math.erf), in ~22 in-place NumPy operations:
# 10-100x faster than a Python call per element or SciPy's float32 loop, which makes the exact
# GELU cheap.
_ERF32_POLY = (1.1283791765853033, 0.10277208164419038, -0.0002062985228901068,
               -0.0005958363702034388, 6.96989022917001e-05, 1.182019005471977e-06,
               -1.2582064777143797e-06, 1.5254021651324824e-07, -8.251463162430286e-09,
               1.7356392884618934e-10)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf elementwise: the polynomial above for float32 and float16 (computed in float32),
    SciPy's or the standard library's (exact to float64) otherwise."""
    if x.dtype.char not in "fe":
        return _special_function("erf", x)
    flat = flat32(x)
    out = np.empty_like(flat)
    # in blocks that stay in the CPU's cache: on a large array, each of the ~22 passes would
    # otherwise stream the whole array through memory (4x slower at 3 million elements)
    for xb, yb, v in cache_blocks(1, flat, out):
        np.multiply(xb, xb, out=v)
        np.clip(v, 0.0, 16.0, out=v)  # (both bounds: ~3x faster than np.minimum with a scalar)
        horner_(v, yb, _ERF32_POLY)
        yb *= xb
        np.tanh(yb, out=yb)
    out = out.reshape(x.shape)
    return out if x.dtype.char == "f" else out.astype(x.dtype)


_CACHE_BLOCK = 1 << 16  # elements (256 KiB of float32: a block and its scratch stay in L2)


def flat32(a: np.ndarray) -> np.ndarray:
    """a as a flat, contiguous float32 array (a view when it already is one)."""
    return np.ascontiguousarray(a, dtype=np.float32).reshape(-1)


def horner_(v: np.ndarray, y: np.ndarray, poly: tuple) -> None:
    """y = poly(v) in place, Horner's scheme (coefficients lowest first)."""
    np.multiply(v, poly[-1], out=y)
    y += poly[-2]
    for c in poly[-3::-1]:
        y *= v
        y += c


def cache_blocks(n_scratch: int, *arrays: np.ndarray) -> Any:
    """The flat float32 arrays' matching blocks of _CACHE_BLOCK elements, each with `n_scratch`
    scratch blocks of its size: a chain of in-place passes over each block then works in the
    CPU's cache, and each element is read from memory and written once."""
    size = arrays[0].size
    scratch = np.empty((n_scratch, min(size, _CACHE_BLOCK)), np.float32)
    for start in range(0, size, _CACHE_BLOCK):
        stop = min(start + _CACHE_BLOCK, size)
        yield (*(a[start:stop] for a in arrays), *(s[:stop - start] for s in scratch))


@register
class Erf(Function):
    """The error function; d/dx = 2/sqrt(pi) * exp(-x**2). Used by the exact GELU and am.erf."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return _erf(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * ((-(x * x)).exp() * _TWO_OVER_SQRT_PI)


@register
class Erfc(Function):
    """1 - erf(x), accurate where erf is near 1; d/dx = -2/sqrt(pi) * exp(-x**2)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return _special_function("erfc", x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * ((-(x * x)).exp() * -_TWO_OVER_SQRT_PI)


class _Rounding(Function):
    """A rounding function: piecewise constant, so its gradient is zero everywhere, as
    PyTorch's (also at the jumps)."""

    fn: Any

    @classmethod
    def forward(cls, ctx: Any, a: Any, decimals: int = 0) -> Any:
        return cls.fn(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return _zero_gradient(g)


@register
class Floor(_Rounding):
    """Round toward -inf; zero gradient."""

    fn = staticmethod(np.floor)


@register
class Ceil(_Rounding):
    """Round toward +inf; zero gradient."""

    fn = staticmethod(np.ceil)


@register
class Trunc(_Rounding):
    """Round toward 0; zero gradient."""

    fn = staticmethod(np.trunc)


@register
class Round(_Rounding):
    """Round half to even (PyTorch's and NumPy's), at `decimals` places; zero gradient."""

    @staticmethod
    def forward(ctx: Any, a: Any, decimals: int = 0) -> Any:
        if decimals == 0:
            return np.rint(a)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(np.round(a, decimals))


@register
class Frac(Function):
    """a - trunc(a), with the sign of a: d/da = 1 (the jumps carry no gradient, as PyTorch)."""

    array_backward = True

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


@register
class LogAddExp(Function):
    """log(exp(a) + exp(b)): d/da = 1 / (1 + exp(b - a)), d/db = 1 / (1 + exp(a - b)) (PyTorch's
    formulas)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with np.errstate(over="ignore", invalid="ignore"):
            return ((g / (np.exp(b - a) + 1.0) if need_a else None),
                    (g / (np.exp(a - b) + 1.0) if need_b else None))


@register
class Atan2(Function):
    """atan2(a, b), the angle of (b, a): d/da = b / (a**2 + b**2), d/db = -a / (a**2 + b**2)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        squares = a * a + b * b
        origin = squares.data == 0
        if origin.any():  # the gradient at (0, 0) is 0 there, as PyTorch's
            scale = Where.apply(origin, 0.0, g / Where.apply(origin, 1.0, squares))
        else:
            scale = g / squares
        return (scale * b if need_a else None), (-(scale * a) if need_b else None)


@register
class Hypot(Function):
    """sqrt(a**2 + b**2) without overflow: d/da = a / out, d/db = b / out."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = g / out
            return (scale * a if need_a else None), (scale * b if need_b else None)


@register
class Copysign(Function):
    """|a| with the sign of b: d/da = out / a (0 where a == 0), d/db = 0, as PyTorch."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(a.data == 0, 0, out.data / a.data).astype(a.dtype, copy=False)
            ga = g * const(ratio)
        if need_b:
            gb = _zero_gradient(g)
        return ga, gb


class _NanExtremum2(Function):
    """fmax/fmin: maximum/minimum that ignore a NaN on one side. The gradient goes to a where a
    wins or ties or b is NaN, else to b, as PyTorch's (no split at ties)."""

    saves = SAVES_INPUTS
    pick: Any
    wins: Any

    @classmethod
    def forward(cls, ctx: Any, a: Any, b: Any) -> Any:
        return cls.pick(a, b)

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        to_a = cls.wins(a.data, b.data) | np.isnan(b.data)
        need_a, need_b = ctx.needs_input_grad
        return ((Where.apply(to_a, g, 0.0) if need_a else None),
                (Where.apply(to_a, 0.0, g) if need_b else None))


@register
class Fmax(_NanExtremum2):
    """Elementwise maximum ignoring NaN (NaN only where both are)."""

    pick = staticmethod(np.fmax)
    wins = staticmethod(np.greater_equal)


@register
class Fmin(_NanExtremum2):
    """Elementwise minimum ignoring NaN (NaN only where both are)."""

    pick = staticmethod(np.fmin)
    wins = staticmethod(np.less_equal)


@register
class Lerp(Function):
    """start + weight * (end - start), computed as PyTorch does (from the nearer end when
    |weight| >= 0.5): d/dstart = 1 - weight, d/dend = weight, d/dweight = end - start."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, start: Any, end: Any, weight: Any) -> Any:
        diff = end - start
        out = np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))
        return out.astype(np.result_type(start, end, weight), copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        start, end, weight = ctx.saved_tensors
        need_s, need_e, need_w = ctx.needs_input_grad
        return ((g * (1.0 - weight) if need_s else None), (g * weight if need_e else None),
                (g * (end - start) if need_w else None))


@register
class NanToNum(Function):
    """NaN and +-inf replaced by finite numbers: d/da = 1 where a is finite, else 0."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, a: Any, nan: float = 0.0, posinf: Any = None,
                neginf: Any = None) -> Any:
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return Where.apply(np.isfinite(a.data), g, 0.0)


@register
class Xlogy(Function):
    """x * log(y), and 0 where x == 0 (NaN where y is NaN), as PyTorch: d/dx = log(y), but 0
    where x == 0 and y <= 0; d/dy = x / y (PyTorch's formulas)."""

    saves = SAVES_INPUTS

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x == 0, 0, x * np.log(y))
            out = np.where(np.isnan(y), np.nan, out)
        return out.astype(np.result_type(x, y), copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_x:
                gx = Xlogy.apply(g, y)
                masked = (x.data == 0) & (y.data <= 0)
                if masked.any():
                    gx = Where.apply(masked, 0.0, gx)
            if need_y:
                gy = g * x / y
        return gx, gy


# ---- scans ----------------------------------------------------------------------------------
def _reversed(g: Any, axis: int) -> Any:
    """g reversed along `axis` (a recorded basic index: a view)."""
    return GetItem.apply(g, index=(slice(None),) * axis + (slice(None, None, -1),))


def _scan_in_float32(fn: Any, a: np.ndarray, axis: int) -> np.ndarray:
    """A scan along `axis`; float16 accumulates in float32 and rounds once, as PyTorch's."""
    if a.ndim == 0:
        return a.copy()
    if a.dtype.char == "e":
        with np.errstate(over="ignore"):
            return fn(a.astype(np.float32), axis=axis).astype(a.dtype)
    return fn(a, axis=axis)


@register
class Cumsum(Function):
    """Running sum along `axis`: the VJP is the running sum of g from the other end."""

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int = 0) -> Any:
        return _scan_in_float32(np.cumsum, a, axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        axis = ctx.params.get("axis", 0)
        if g.ndim == 0:
            return g
        return _reversed(Cumsum.apply(_reversed(g, axis), axis=axis), axis)


def _move_last(t: Any, axis: int) -> Any:
    order = tuple(i for i in range(t.ndim) if i != axis) + (axis,)
    return t if axis == t.ndim - 1 else Permute.apply(t, axes=order)


def _move_back(t: Any, axis: int) -> Any:
    if axis == t.ndim - 1:
        return t
    order = list(range(t.ndim - 1))
    order.insert(axis, t.ndim - 1)
    return Permute.apply(t, axes=tuple(order))


@register
class Cumprod(Function):
    """Running product along `axis`. The gradient is exact with zeros: d out_j / d a_i is the
    product of a_k for k <= j, k != i (from an n x n matrix of running products where a has
    zeros; from reversed running sums of g * out / a elsewhere)."""

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int = 0) -> Any:
        out = _scan_in_float32(np.cumprod, a, axis)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        axis = ctx.params.get("axis", 0)
        if a.ndim == 0:
            return g
        if not (a.data == 0).any():
            return _reversed(Cumsum.apply(_reversed(g * out, axis), axis=axis), axis) / a
        n = a.shape[axis]
        last = _move_last(a, axis)  # (..., n)
        rows = Where.apply(np.eye(n, dtype=bool), 1.0, last.unsqueeze(-2))  # a_i -> 1 in row i
        others = Cumprod.apply(rows, axis=rows.ndim - 1)  # [i, j]: prod_{k <= j, k != i} a_k
        upstream = _move_last(g, axis).unsqueeze(-2)
        grad = Where.apply(np.triu(np.ones((n, n), dtype=bool)), others * upstream, 0.0)
        return _move_back(grad.sum(-1), axis)


@register
class LogCumSumExp(Function):
    """log(cumsum(exp(a))) along `axis`, without overflow. The VJP is PyTorch's: the positive and
    negative parts of g through reversed logcumsumexps, so it stays finite for large inputs."""

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int = 0) -> Any:
        out = _scan_in_float32(np.logaddexp.accumulate, a, axis)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        axis = ctx.params.get("axis", 0)
        if a.ndim == 0:
            return g
        # where a running sum is still empty (out = -inf, every a_i so far -inf) the weights
        # exp(a_i - out_j) are 0 for those a_i: out_j taken as 0 there, so -inf - -inf (NaN)
        # never arises, in this VJP or in its own (the negative part's zeros, differentiated)
        empty = out.data == -np.inf
        if empty.any():
            out = Where.apply(empty, 0.0, out)
        parts = []
        for sign in (1.0, -1.0):
            part = g * sign
            positive = part.data > 0
            log_part = Where.apply(positive, Log.apply(Where.apply(positive, part, 1.0)),
                                   -np.inf)
            with np.errstate(invalid="ignore"):
                summed = _reversed(LogCumSumExp.apply(_reversed(log_part - out, axis),
                                                      axis=axis), axis)
            parts.append(Exp.apply(summed + a))
        return parts[0] - parts[1]


# ---- statistics and norms -------------------------------------------------------------------
def _lower_median(a: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """The lower of the two middle values of all of a (NaN if a has one), as PyTorch's median."""
    flat = np.sort(a, axis=None)  # NaN sorts last
    last = flat[-1]
    value = last if last != last else flat[(flat.size - 1) // 2]
    out = np.asarray(value, dtype=a.dtype)
    return out.reshape((1,) * a.ndim) if keepdims else out


@register
class Median(_Extremum):
    """The lower median of all elements; the gradient is split evenly among the elements equal to
    it (PyTorch's `median()` without dim)."""

    reduce = staticmethod(_lower_median)


def _vector_norm(a: np.ndarray, ord: float, axis: Any, keepdims: bool) -> np.ndarray:
    x = np.abs(a)
    if ord == np.inf:
        out = np.max(x, axis=axis, keepdims=keepdims)
    elif ord == -np.inf:
        out = np.min(x, axis=axis, keepdims=keepdims)
    elif ord == 0:
        out = np.sum(x != 0, axis=axis, keepdims=keepdims)
    elif ord == 1:
        out = np.sum(x, axis=axis, keepdims=keepdims)
    elif ord == 2:
        out = np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    else:
        with np.errstate(divide="ignore", over="ignore"):
            out = np.sum(x ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)
    return np.asarray(out).astype(a.dtype, copy=False)


@register
class VectorNorm(Function):
    """(sum |a|**ord)**(1/ord) over `axis`; ord inf/-inf: max/min |a|, 0: the count of nonzeros.
    The VJPs are PyTorch's: 0 where the norm is 0 (its subgradient convention), ties of the
    inf-norms split evenly, ord 0 has gradient 0."""

    @staticmethod
    def forward(ctx: Any, a: Any, ord: float = 2.0, axis: Any = None,
                keepdims: bool = False) -> Any:
        out = _vector_norm(a, ord, axis, keepdims)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        p = ctx.params.get("ord", 2.0)
        axis = ctx.params.get("axis")
        ge = _expand_back(g, a.shape, axis)
        x = a.data
        sign = np.sign(x)
        if p == 0:
            return _zero_gradient(ge)
        if p == 1:
            return ge * const(sign)
        norm = _expand_back(out, a.shape, axis)
        if p in (np.inf, -np.inf):
            with np.errstate(invalid="ignore"):
                mask = (np.abs(x) == norm.data) | np.isnan(x)
                share = sign * mask / np.sum(mask, axis=axis, keepdims=True)
            return ge * const(share.astype(a.dtype, copy=False))
        zero = norm.data == 0
        safe = Where.apply(zero, 1.0, norm) if zero.any() else norm
        scale = ge / (safe if p == 2 else safe ** (p - 1))
        if zero.any():
            scale = Where.apply(zero, 0.0, scale)
        if p == 2:
            return a * scale
        if p > 2:
            return a * Abs.apply(a) ** (p - 2) * scale
        nonzero = x != 0  # |a|**(p - 1) is infinite at 0 for p < 1: taken as 0 there, as PyTorch
        magnitude = Abs.apply(Where.apply(nonzero, a, 1.0)) ** (p - 1)
        return Where.apply(nonzero, magnitude * const(sign), 0.0) * scale


def _reciprocal_of(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", over="ignore"):  # 1/0 is inf, silently, as PyTorch
        return np.reciprocal(x)


# a ** c for small integer c, by multiplication, as PyTorch's pow kernels compute them (NumPy's
# general power is ~100x slower on negative float32/float64 numbers); 0.5 and -0.5 by sqrt.
_SMALL_POWERS: dict[float, Any] = {
    2: lambda a: a * a,
    3: lambda a: a * a * a,
    4: lambda a: np.square(a * a),
    -1: _reciprocal_of,
    -2: lambda a: _reciprocal_of(a * a),
    -3: lambda a: _reciprocal_of(a * a * a),
    -4: lambda a: _reciprocal_of(np.square(a * a)),
    0.5: np.sqrt,
    -0.5: lambda a: _reciprocal_of(np.sqrt(a)),
}


def _diagonal_view(a: np.ndarray, offset: int, axis1: int, axis2: int) -> np.ndarray:
    """np.diagonal as a view that can be written through when `a` can (PyTorch's diagonal)."""
    d = np.diagonal(a, offset, axis1, axis2)
    if a.flags.writeable:
        d.flags.writeable = True
    return d


@register
class Diagonal(Function):
    """The diagonal `offset` of the planes (axis1, axis2), moved to the last dimension: a view.
    Its VJP writes the gradient back on that diagonal of zeros (DiagonalScatter)."""

    @staticmethod
    def forward(ctx: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
        return _diagonal_view(a, offset, axis1, axis2)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        return DiagonalScatter.apply(g, shape=ctx.input_shapes[0], offset=p.get("offset", 0),
                                     axis1=p.get("axis1", 0), axis2=p.get("axis2", 1))


@register
class DiagonalScatter(Function):
    """zeros(shape) with `a` written on the diagonal `offset` of the planes (axis1, axis2) (the
    adjoint of Diagonal; diag_embed and diag of a vector). Its VJP takes that diagonal."""

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple, offset: int = 0, axis1: int = 0,
                axis2: int = 1) -> Any:
        out = np.zeros(shape, dtype=a.dtype)
        _diagonal_view(out, offset, axis1, axis2)[...] = a
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        return Diagonal.apply(g, offset=p.get("offset", 0), axis1=p.get("axis1", 0),
                              axis2=p.get("axis2", 1))


def _power(a: Any, exponent: float) -> Any:
    """a ** exponent on an array, as PowConst's forward computes it."""
    by_products = _SMALL_POWERS.get(exponent) if a.dtype.char in "fd" else None
    return by_products(a) if by_products is not None else a ** exponent
