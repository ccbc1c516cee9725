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
            return g * (c * a ** (c - 1))


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
        return g * const(sign)


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
        # out is >= 0 or NaN, so `out != 0` is PyTorch's "not out <= 0"; a constant mask
        # (comparisons carry no gradient)
        return g * (out != 0)


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


def shift_by_max(a: np.ndarray, axis: Any) -> tuple[np.ndarray, np.ndarray]:
    """(a - m, m) with m the max over `axis` (keepdims), or 0 where that max is not finite: the
    shift that keeps exp from overflowing in softmax, log_softmax and logsumexp, and lets a group
    that is all -inf give zeros (softmax) or -inf (logsumexp) rather than NaN."""
    m = np.max(a, axis=axis, keepdims=True)
    finite = np.isfinite(m)
    if not finite.all():
        m = np.where(finite, m, 0).astype(a.dtype, copy=False)
    return a - m, m


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
        e = np.exp(shift_by_max(a, axis)[0])
        s = np.sum(e, axis=axis, keepdims=True)
        out = e / np.where(s == 0, 1, s).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        axis = ctx.params.get("axis", -1)
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

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g.permute(tuple(np.argsort(ctx.params["axes"]).tolist()))


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

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return ScatterAdd.apply(g, index=ctx.params["index"], shape=ctx.input_shapes[0])


@register
class ScatterAdd(Function):
    """zeros(shape) with g added at `index` (accumulating repeats): the adjoint of indexing."""

    @staticmethod
    def forward(ctx: Any, g: Any, index: Any, shape: tuple) -> Any:
        out = np.zeros(shape, dtype=g.dtype)
        if is_basic_index(index):
            out[index] = g  # a basic index selects each element at most once
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
