"""Sample-input rules for the core ops, read by `test_registry_gradcheck.py`.

Each rule takes hypothesis's `draw` and returns `(fn, args)`: `fn(*args)` is the op under test and
`args` holds float64 leaf Tensors that require grad (plus any non-tensor arguments). Rules keep
inputs inside the op's domain (positive for log/sqrt, away from kinks and ties) so that central
differences are exact enough for tight tolerances; the kinks themselves are tested exactly in
`test_conventions.py`.

A key is a primitive's registry name (`"Mul"`), a public op's name (`"mean"`), or a variant of
one (`"matmul[batched]"`). One rule may serve several keys (`@rule("Exp", "exp")`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_mini as am
from autograd_mini import ops
from autograd_mini import primitives as P

RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {}


def rule(*keys: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for key in keys:
            assert key not in RULES, f"duplicate rule {key}"
            RULES[key] = fn
        return fn

    return register


# ---- drawing helpers ------------------------------------------------------------------------
def shape(draw: Any, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
          max_side: int = 3) -> tuple[int, ...]:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                 max_side=max_side))


def broadcast_shapes(draw: Any, n: int = 2, max_dims: int = 3) -> tuple[tuple[int, ...], ...]:
    """n shapes that broadcast together (including rank differences and size-1 axes)."""
    return draw(hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=max_dims,
                                                  min_side=1, max_side=3)).input_shapes


def rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def leaf(array: Any) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def smooth(draw: Any, shp: tuple) -> am.Tensor:
    """Values in [-2, 2]: for ops that are smooth everywhere."""
    return leaf(rng(draw).uniform(-2.0, 2.0, shp))


def positive(draw: Any, shp: tuple, lo: float = 0.5, hi: float = 2.0) -> am.Tensor:
    return leaf(rng(draw).uniform(lo, hi, shp))


def away_from_zero(draw: Any, shp: tuple, lo: float = 0.2, hi: float = 2.0) -> am.Tensor:
    r = rng(draw)
    return leaf(r.uniform(lo, hi, shp) * r.choice([-1.0, 1.0], shp))


def distinct(draw: Any, shp: tuple) -> am.Tensor:
    """Values at least 0.05 apart, so max/min never meet a tie under a finite-difference step."""
    r = rng(draw)
    n = int(np.prod(shp))
    values = np.linspace(-2.0, 2.0, max(n, 2))[:n] + r.uniform(-0.01, 0.01, n)
    return leaf(r.permutation(values).reshape(shp))


def interleaved_pair(draw: Any, shp_a: tuple, shp_b: tuple) -> tuple[am.Tensor, am.Tensor]:
    """a on a grid of multiples of 0.5, b on the grid shifted by 0.25: |a - b| >= 0.15 always,
    so maximum/minimum never see a tie."""
    r = rng(draw)
    a = 0.5 * r.integers(-3, 4, shp_a) + r.uniform(-0.05, 0.05, shp_a)
    b = 0.5 * r.integers(-3, 4, shp_b) + 0.25 + r.uniform(-0.05, 0.05, shp_b)
    return leaf(a), leaf(b)


def axes(draw: Any, ndim: int) -> Any:
    """An axis argument: None, an int (maybe negative), or a tuple (maybe empty or negative)."""
    if ndim == 0:
        return draw(st.sampled_from([None, 0, -1, ()]))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(st.booleans()) else a for a in chosen)


def nonempty_axes(draw: Any, ndim: int) -> Any:
    """Like `axes` but never the empty tuple (for ops that need at least one reduced axis)."""
    ax = axes(draw, ndim)
    return None if ax == () else ax


def one_axis(draw: Any, ndim: int) -> int:
    return draw(st.integers(-ndim, ndim - 1))


def reduction_kwargs(draw: Any, ndim: int, ax: Any) -> dict:
    """The axis and keepdims, spelled the PyTorch way (dim/keepdim) or the NumPy way."""
    keep = draw(st.booleans())
    if draw(st.booleans()):
        return {"dim": ax, "keepdim": keep}
    return {"axis": ax, "keepdims": keep}


def unary(name: str, values: Callable[[Any, tuple], am.Tensor]) -> None:
    """A rule for a primitive that is also a public one-argument op of the same name."""

    def make(draw: Any) -> tuple[Callable, tuple]:
        return getattr(am, name), (values(draw, shape(draw)),)

    rule(name.capitalize(), name)(make)


# ---- elementwise ----------------------------------------------------------------------------
@rule("Add", "add")
def _add(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.add, (smooth(draw, sa), smooth(draw, sb))


@rule("Sub", "sub")
def _sub(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return (lambda a, b: a - b), (smooth(draw, sa), smooth(draw, sb))


@rule("Mul", "mul")
def _mul(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.mul, (smooth(draw, sa), smooth(draw, sb))


@rule("Div", "div")
def _div(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return (lambda a, b: a / b), (smooth(draw, sa), away_from_zero(draw, sb, lo=0.5))


@rule("Neg", "neg")
def _neg(draw: Any) -> tuple:
    return (lambda a: -a), (smooth(draw, shape(draw)),)


@rule("PowConst", "pow[number]")
def _pow_const(draw: Any) -> tuple:
    c = draw(st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5]))
    shp = shape(draw)
    base = positive(draw, shp) if isinstance(c, float) else away_from_zero(draw, shp, lo=0.5)
    return (lambda a: a ** c), (base,)


@rule("Pow", "pow[tensor]")
def _pow(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.pow, (positive(draw, sa), smooth(draw, sb))


unary("exp", smooth)
unary("log", positive)
unary("sqrt", positive)
unary("sin", smooth)
unary("cos", smooth)
unary("tanh", smooth)
unary("sigmoid", lambda draw, s: leaf(rng(draw).uniform(-6.0, 6.0, s)))
unary("abs", away_from_zero)
unary("relu", away_from_zero)
unary("log1p", lambda draw, s: positive(draw, s, lo=-0.5, hi=2.0))


@rule("Maximum", "maximum")
def _maximum(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.maximum, interleaved_pair(draw, sa, sb)


@rule("Minimum", "minimum")
def _minimum(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.minimum, interleaved_pair(draw, sa, sb)


@rule("Where", "where")
def _where(draw: Any) -> tuple:
    sc, sa, sb = broadcast_shapes(draw, 3)
    cond = rng(draw).random(sc) < 0.5
    if draw(st.booleans()):
        cond = am.Tensor(cond)  # a bool tensor works as well as an ndarray
    return am.where, (cond, smooth(draw, sa), smooth(draw, sb))


@rule("Clip", "clip")
def _clip(draw: Any) -> tuple:
    lo, hi = draw(st.sampled_from([(-0.5, 0.5), (None, 0.5), (-0.5, None)]))
    r = rng(draw)
    shp = shape(draw)
    # keep every value at least 0.1 away from both bounds
    values = r.choice([-1.2, -0.8, -0.2, 0.2, 0.8, 1.2], shp) + r.uniform(-0.1, 0.1, shp)
    spelling = draw(st.sampled_from(["clip", "clamp", "method"]))
    if spelling == "method":
        return (lambda a: a.clamp(lo, hi)), (leaf(values),)
    return (lambda a: getattr(am, spelling)(a, min=lo, max=hi)), (leaf(values),)


@rule("Cast")
def _cast(draw: Any) -> tuple:
    # float64 -> float64 (a copy); a float32 round trip is too coarse for finite differences
    return (lambda a: a.clone()), (smooth(draw, shape(draw)),)


# ---- reductions -----------------------------------------------------------------------------
@rule("Sum", "sum")
def _sum(draw: Any) -> tuple:
    shp = shape(draw)
    kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
    if draw(st.booleans()):
        return (lambda a: a.sum(**kw)), (smooth(draw, shp),)
    return (lambda a: am.sum(a, **kw)), (smooth(draw, shp),)


@rule("mean")
def _mean(draw: Any) -> tuple:
    shp = shape(draw)
    kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
    return (lambda a: am.mean(a, **kw)), (smooth(draw, shp),)


def _var_args(draw: Any) -> tuple[tuple, Any, dict]:
    """A shape with at least 2 elements over the reduced axes (room for Bessel's correction)."""
    shp = shape(draw, min_dims=1)
    ax = nonempty_axes(draw, len(shp))
    reduced = range(len(shp)) if ax is None else [ax] if isinstance(ax, int) else ax
    if int(np.prod([shp[i] for i in reduced])) < 2:
        shp = tuple(2 if i == next(iter(reduced)) % len(shp) else n for i, n in enumerate(shp))
    kw = reduction_kwargs(draw, len(shp), ax)
    kw.update(draw(st.sampled_from([{}, {"correction": 0}, {"unbiased": False}, {"ddof": 1}])))
    return shp, ax, kw


@rule("var")
def _var(draw: Any) -> tuple:
    shp, _, kw = _var_args(draw)
    return (lambda a: am.var(a, **kw)), (distinct(draw, shp),)


@rule("std")
def _std(draw: Any) -> tuple:
    shp, _, kw = _var_args(draw)
    return (lambda a: a.std(**kw)), (distinct(draw, shp),)


@rule("Prod", "prod")
def _prod(draw: Any) -> tuple:
    shp = shape(draw)
    kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
    return (lambda a: am.prod(a, **kw)), (away_from_zero(draw, shp, lo=0.5, hi=1.5),)


@rule("prod[with zeros]")
def _prod_zeros(draw: Any) -> tuple:
    """Exact zeros: the product is a polynomial, so differences are exact there too."""
    shp = shape(draw, min_dims=1)
    r = rng(draw)
    values = r.uniform(0.5, 1.5, shp) * (r.random(shp) < 0.6)
    kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
    return (lambda a: a.prod(**kw)), (leaf(values),)


def _extremum_rule(name: str) -> Callable:
    def make(draw: Any) -> tuple:
        shp = shape(draw)
        ax = axes(draw, len(shp))
        kw = reduction_kwargs(draw, len(shp), ax)
        if isinstance(ax, int) and "dim" in kw:  # x.max(dim) returns (values, indices)
            return (lambda a: getattr(a, name)(**kw).values), (distinct(draw, shp),)
        return (lambda a: getattr(am, name)(a, **kw)), (distinct(draw, shp),)

    return make


rule("Max", "max")(_extremum_rule("max"))
rule("Min", "min")(_extremum_rule("min"))


@rule("LogSumExp", "logsumexp")
def _logsumexp(draw: Any) -> tuple:
    shp = shape(draw)
    kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
    return (lambda a: am.logsumexp(a, **kw)), (leaf(rng(draw).uniform(-5, 5, shp)),)


def _softmax_rule(name: str) -> Callable:
    def make(draw: Any) -> tuple:
        shp = shape(draw, min_dims=1)
        ax = nonempty_axes(draw, len(shp))
        ax = -1 if ax is None else ax
        x = leaf(rng(draw).uniform(-5, 5, shp))
        if draw(st.booleans()):
            return (lambda a: getattr(am, name)(a, dim=ax)), (x,)
        return (lambda a: getattr(a, name)(axis=ax)), (x,)

    return make


rule("Softmax", "softmax")(_softmax_rule("softmax"))
rule("LogSoftmax", "log_softmax")(_softmax_rule("log_softmax"))


# ---- shape ----------------------------------------------------------------------------------
@rule("Reshape", "reshape")
def _reshape(draw: Any) -> tuple:
    shp = shape(draw)
    n = int(np.prod(shp))
    target = draw(st.sampled_from([(n,), (-1,), (1, n), (n, 1, 1), (-1, 1)]))
    if draw(st.booleans()):
        return (lambda a: a.reshape(*target)), (smooth(draw, shp),)
    return (lambda a: am.reshape(a, target)), (smooth(draw, shp),)


@rule("view")
def _view(draw: Any) -> tuple:
    shp = shape(draw, min_dims=2)
    return (lambda a: a.view(shp[0], -1)), (smooth(draw, shp),)


@rule("Permute", "permute")
def _permute(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1, max_dims=4)
    order = draw(st.permutations(range(len(shp))))
    order = [o - len(shp) if draw(st.booleans()) else o for o in order]
    return (lambda a: a.permute(*order)), (smooth(draw, shp),)


@rule("transpose[two axes]", "transpose")
def _transpose(draw: Any) -> tuple:
    shp = shape(draw, min_dims=2)
    d0, d1 = one_axis(draw, len(shp)), one_axis(draw, len(shp))
    return (lambda a: am.transpose(a, d0, d1)), (smooth(draw, shp),)


@rule("transpose[reverse]")
def _transpose_all(draw: Any) -> tuple:
    return (lambda a: a.T), (smooth(draw, shape(draw)),)


@rule("mT")
def _mT(draw: Any) -> tuple:
    return (lambda a: a.mT), (smooth(draw, shape(draw, min_dims=2)),)


@rule("squeeze")
def _squeeze(draw: Any) -> tuple:
    shp = shape(draw, min_side=1, max_side=2, max_dims=4)
    ax = axes(draw, len(shp))
    return (lambda a: am.squeeze(a, ax)), (smooth(draw, shp),)


@rule("unsqueeze")
def _unsqueeze(draw: Any) -> tuple:
    shp = shape(draw)
    d = draw(st.integers(-len(shp) - 1, len(shp)))
    return (lambda a: a.unsqueeze(d)), (smooth(draw, shp),)


@rule("flatten")
def _flatten(draw: Any) -> tuple:
    shp = shape(draw)
    if not shp:
        return am.flatten, (smooth(draw, shp),)
    s = one_axis(draw, len(shp))
    e = draw(st.integers(s % len(shp), len(shp) - 1))
    return (lambda a: am.flatten(a, s, e)), (smooth(draw, shp),)


@rule("BroadcastTo", "broadcast_to")
def _broadcast_to(draw: Any) -> tuple:
    small, big = broadcast_shapes(draw)
    target = np.broadcast_shapes(small, big)
    return (lambda a: am.broadcast_to(a, target)), (smooth(draw, small),)


@rule("expand")
def _expand(draw: Any) -> tuple:
    shp = shape(draw, max_side=1, min_dims=1)
    lead = draw(st.integers(0, 2))
    target = (2,) * lead + tuple(draw(st.sampled_from([-1, 3])) for _ in shp)
    return (lambda a: a.expand(*target)), (smooth(draw, shp),)


@rule("SumTo")
def _sum_to(draw: Any) -> tuple:
    small, big = broadcast_shapes(draw)
    full = np.broadcast_shapes(small, big)
    if tuple(small) == full:  # nothing to sum (sum_to returns its input): add a leading axis
        full = (2,) + full
    return (lambda a: ops.sum_to(a, small)), (smooth(draw, full),)


@rule("Concat", "cat")
def _cat(draw: Any) -> tuple:
    base = shape(draw, min_dims=1)
    ax = one_axis(draw, len(base))
    n = draw(st.integers(1, 3))
    parts = []
    for _ in range(n):
        shp = list(base)
        shp[ax] = draw(st.integers(1, 3))
        parts.append(smooth(draw, tuple(shp)))
    return (lambda *ts: am.cat(list(ts), dim=ax)), tuple(parts)


@rule("concatenate")
def _concatenate(draw: Any) -> tuple:
    return (lambda a, b: am.concatenate((a, b), axis=-1)), (
        smooth(draw, (2, 3)), smooth(draw, (2, 1)))


@rule("stack")
def _stack(draw: Any) -> tuple:
    shp = shape(draw)
    ax = draw(st.integers(-len(shp) - 1, len(shp)))
    n = draw(st.integers(1, 3))
    return (lambda *ts: am.stack(ts, dim=ax)), tuple(smooth(draw, shp) for _ in range(n))


@rule("split[size]", "split")
def _split(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1, max_side=5)
    ax = one_axis(draw, len(shp))
    size = draw(st.integers(1, shp[ax]))
    return (lambda a: tuple(am.split(a, size, dim=ax))), (smooth(draw, shp),)


@rule("split[sections]")
def _split_sections(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1, max_side=5)
    ax = one_axis(draw, len(shp))
    first = draw(st.integers(0, shp[ax]))
    sizes = [first, shp[ax] - first]
    return (lambda a: tuple(a.split(sizes, axis=ax))), (smooth(draw, shp),)


@rule("Pad", "pad")
def _pad(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in shp)
    value = draw(st.sampled_from([0.0, 1.5]))
    return (lambda a: am.pad(a, widths, value=value)), (smooth(draw, shp),)


# ---- indexing -------------------------------------------------------------------------------
def _basic_index(draw: Any, shp: tuple) -> tuple:
    """A basic index: ints (maybe negative), slices (maybe stepped or reversed), None, Ellipsis."""
    parts: list[Any] = []
    for n in shp:
        kind = draw(st.sampled_from(["int", "slice", "full"]))
        if kind == "int":
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.integers(-n, n - 1))
            parts.append(slice(start, None, draw(st.sampled_from([1, 2, -1]))))
        else:
            parts.append(slice(None))
    if parts and draw(st.booleans()):
        parts[0:1] = [Ellipsis]  # Ellipsis stands for the leading axis
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    return tuple(parts)


@rule("GetItem", "getitem[basic]")
def _getitem_basic(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    index = _basic_index(draw, shp)
    return (lambda a: a[index]), (smooth(draw, shp),)


@rule("getitem[int array with repeats]")
def _getitem_ints(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    idx = draw(st.lists(st.integers(-shp[0], shp[0] - 1), min_size=1, max_size=5))
    as_list = draw(st.booleans())
    index = idx if as_list else np.array(idx)
    return (lambda a: a[index]), (smooth(draw, shp),)


@rule("getitem[int arrays, two axes]")
def _getitem_two_arrays(draw: Any) -> tuple:
    shp = shape(draw, min_dims=2)
    k = draw(st.integers(1, 4))
    rows = np.array(draw(st.lists(st.integers(0, shp[0] - 1), min_size=k, max_size=k)))
    cols = np.array(draw(st.lists(st.integers(0, shp[1] - 1), min_size=k, max_size=k)))
    return (lambda a: a[rows, cols]), (smooth(draw, shp),)


@rule("getitem[bool mask]")
def _getitem_mask(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    mask_ndim = draw(st.integers(1, len(shp)))
    mask = rng(draw).random(shp[:mask_ndim]) < 0.5
    if draw(st.booleans()):
        m = am.Tensor(mask)
        return (lambda a: a[m]), (smooth(draw, shp),)
    return (lambda a: a[mask]), (smooth(draw, shp),)


@rule("getitem[mixed]")
def _getitem_mixed(draw: Any) -> tuple:
    shp = shape(draw, min_dims=2)
    idx = np.array(draw(st.lists(st.integers(0, shp[-1] - 1), min_size=1, max_size=4)))
    return (lambda a: a[..., None, 1:, idx] if len(shp) > 2 else a[1:, idx]), (
        smooth(draw, shp),)


@rule("ScatterAdd")
def _scatter_add(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    idx = np.array(draw(st.lists(st.integers(0, shp[0] - 1), min_size=1, max_size=5)))
    g_shape = (len(idx),) + shp[1:]
    return (lambda g: P.ScatterAdd.apply(g, index=idx, shape=shp)), (smooth(draw, g_shape),)


@rule("IndexPut", "setitem")
def _setitem(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    kind = draw(st.sampled_from(["basic", "ints", "mask"]))
    if kind == "basic":
        index: Any = (draw(st.integers(0, shp[0] - 1)),)
    elif kind == "ints":  # distinct indices: with repeats the last write wins, as in NumPy
        index = np.array(draw(st.lists(st.integers(0, shp[0] - 1), min_size=1, unique=True)))
    else:
        index = rng(draw).random(shp[:1]) < 0.5
    target = np.empty(shp)[index].shape
    value_shape = target[draw(st.integers(0, len(target))):]  # broadcast into the target

    def assign(a: am.Tensor, v: am.Tensor) -> am.Tensor:
        y = a * 1.0  # a non-leaf: in-place writes on it are recorded
        y[index] = v
        return y

    return assign, (smooth(draw, shp), smooth(draw, value_shape))


# ---- linear algebra -------------------------------------------------------------------------
_MATMUL_SHAPES: dict[str, Callable[[int, int, int], tuple[tuple, tuple]]] = {
    "1d-1d": lambda m, n, p: ((n,), (n,)),
    "1d-2d": lambda m, n, p: ((n,), (n, p)),
    "2d-1d": lambda m, n, p: ((m, n), (n,)),
    "2d-2d": lambda m, n, p: ((m, n), (n, p)),
    "batched": lambda m, n, p: ((2, m, n), (2, n, p)),
    "broadcast batch": lambda m, n, p: ((2, 1, m, n), (3, n, p)),
    "batched-2d": lambda m, n, p: ((2, m, n), (n, p)),
    "1d-batched": lambda m, n, p: ((n,), (2, n, p)),
    "batched-1d": lambda m, n, p: ((2, m, n), (n,)),
}


def _matmul_rule(kind: str) -> Callable:
    def make(draw: Any) -> tuple:
        m, n, p = (draw(st.integers(1, 3)) for _ in range(3))
        sa, sb = _MATMUL_SHAPES[kind](m, n, p)
        spelling = draw(st.sampled_from(["@", "matmul"]))
        fn = (lambda a, b: a @ b) if spelling == "@" else am.matmul
        return fn, (smooth(draw, sa), smooth(draw, sb))

    return make


for _kind in _MATMUL_SHAPES:
    _keys = (f"matmul[{_kind}]",) + (("MatMul", "matmul") if _kind == "2d-2d" else ())
    rule(*_keys)(_matmul_rule(_kind))


# ---- operators with a number or an ndarray on either side ----------------------------------
def _other(draw: Any, shp: tuple, kind: str, nonzero: bool = False) -> Any:
    """A constant operand: a Python number or a float64 ndarray of a broadcastable shape."""
    r = rng(draw)
    if kind == "number":
        return float(r.choice([-1.5, 0.5, 2.0]))
    values = r.uniform(0.5, 2.0, shp) if nonzero else r.uniform(-2.0, 2.0, shp)
    return values


_REFLECTED: dict[str, Callable[[Any, Any], Any]] = {
    "radd": lambda c, t: c + t,
    "rsub": lambda c, t: c - t,
    "rmul": lambda c, t: c * t,
    "rtruediv": lambda c, t: c / t,
    "rpow": lambda c, t: c ** t,
    "add[constant right]": lambda c, t: t + c,
    "sub[constant right]": lambda c, t: t - c,
    "mul[constant right]": lambda c, t: t * c,
    "div[constant right]": lambda c, t: t / c,
}


def _reflected_rule(name: str, kind: str) -> Callable:
    def make(draw: Any) -> tuple:
        s_const, s_t = broadcast_shapes(draw)
        op = _REFLECTED[name]
        if name in ("rtruediv",):
            t = away_from_zero(draw, s_t, lo=0.5)
        else:
            t = smooth(draw, s_t)
        const = _other(draw, s_const, kind, nonzero=name in ("rpow", "div[constant right]"))
        if name == "rpow" and kind == "number":
            const = 2.5
        if name == "div[constant right]" and kind == "number":
            const = 0.75
        return (lambda a: op(const, a)), (t,)

    return make


for _name in _REFLECTED:
    for _kind in ("number", "ndarray"):
        rule(f"{_name}[{_kind}]" if "[" not in _name else f"{_name[:-1]}, {_kind}]")(
            _reflected_rule(_name, _kind))


@rule("rmatmul[ndarray]")
def _rmatmul(draw: Any) -> tuple:
    m, n, p = (draw(st.integers(1, 3)) for _ in range(3))
    const = rng(draw).uniform(-2, 2, (m, n))
    return (lambda b: const @ b), (smooth(draw, (n, p)),)


# ---- composites that mix several ops --------------------------------------------------------
@rule("composite[mlp layer]")
def _mlp_layer(draw: Any) -> tuple:
    """A small network layer: every op's VJP composed with the others."""
    b, i, o = (draw(st.integers(1, 3)) for _ in range(3))
    return (lambda x, w, bias: am.log_softmax(am.tanh(x @ w + bias), dim=-1).sum()), (
        smooth(draw, (b, i)), smooth(draw, (i, o)), smooth(draw, (o,)))


# ---- remainders and rounded division --------------------------------------------------------
def _quotient_operands(draw: Any) -> tuple[am.Tensor, am.Tensor]:
    """Broadcastable a and b whose quotients a / b all lie at least 0.05 from an integer (where
    floor and trunc jump, and remainder and fmod with them): b in {+-0.5, +-1, +-2} and a an
    integer plus [0.1, 0.4]."""
    sa, sb = broadcast_shapes(draw)
    r = rng(draw)
    a = r.integers(-3, 4, sa) + r.uniform(0.1, 0.4, sa)
    b = r.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], sb)
    return leaf(a), leaf(b)


@rule("Remainder", "remainder")
def _remainder(draw: Any) -> tuple:
    spelling = draw(st.sampled_from(["%", "remainder", "method"]))
    fn = {"%": lambda a, b: a % b, "remainder": am.remainder,
          "method": lambda a, b: a.remainder(b)}[spelling]
    return fn, _quotient_operands(draw)


@rule("Fmod", "fmod")
def _fmod(draw: Any) -> tuple:
    fn = am.fmod if draw(st.booleans()) else (lambda a, b: a.fmod(b))
    return fn, _quotient_operands(draw)


@rule("DivRounded", "div[rounding_mode]")
def _div_rounded(draw: Any) -> tuple:
    """The gradient of a rounded quotient is zero (as PyTorch's), and so are the differences."""
    mode = draw(st.sampled_from(["trunc", "floor"]))
    return (lambda a, b: am.div(a, b, rounding_mode=mode)), _quotient_operands(draw)


# ---- PyTorch's math ops: more elementwise functions, scans, statistics and norms ------------
def _in_range(lo: float, hi: float) -> Callable[[Any, tuple], am.Tensor]:
    return lambda draw, s: leaf(rng(draw).uniform(lo, hi, s))


def _off_integers(draw: Any, s: tuple) -> am.Tensor:
    """Values at least 0.1 from an integer (and from the halves, where round jumps)."""
    r = rng(draw)
    return leaf(r.integers(-3, 3, s) + r.choice([0.15, 0.35, 0.65, 0.85], s)
                + r.uniform(-0.04, 0.04, s))


def _math_unary(name: str, prim: str, values: Callable[[Any, tuple], am.Tensor]) -> None:
    """A rule for `am.name`, and the method, recording primitive `prim`."""

    def make(draw: Any) -> tuple:
        x = values(draw, shape(draw))
        if draw(st.booleans()):
            return getattr(am, name), (x,)
        return (lambda a: getattr(a, name)()), (x,)

    rule(prim, name)(make)


for _name, _prim, _values in [
    ("rsqrt", "Rsqrt", positive), ("reciprocal", "Reciprocal", away_from_zero),
    ("exp2", "Exp2", smooth), ("log2", "Log2", positive),
    ("log10", "Log10", positive), ("tan", "Tan", _in_range(-1.2, 1.2)),
    ("asin", "Asin", _in_range(-0.9, 0.9)), ("acos", "Acos", _in_range(-0.9, 0.9)),
    ("atan", "Atan", smooth), ("sinh", "Sinh", smooth), ("cosh", "Cosh", smooth),
    ("asinh", "Asinh", smooth), ("acosh", "Acosh", _in_range(1.2, 3.0)),
    ("atanh", "Atanh", _in_range(-0.9, 0.9)), ("erfc", "Erfc", smooth),
    ("floor", "Floor", _off_integers), ("ceil", "Ceil", _off_integers),
    ("trunc", "Trunc", _off_integers),
]:
    _math_unary(_name, _prim, _values)


@rule("erf")
def _erf(draw: Any) -> tuple:
    return (am.erf if draw(st.booleans()) else (lambda a: a.erf())), (smooth(draw, shape(draw)),)


@rule("expm1")
def _expm1(draw: Any) -> tuple:  # (the primitive Expm1's rule is in op_rules_nn.py)
    return (am.expm1 if draw(st.booleans()) else (lambda a: a.expm1())), (
        smooth(draw, shape(draw)),)


@rule("square")
def _square(draw: Any) -> tuple:
    return (am.square if draw(st.booleans()) else (lambda a: a.square())), (
        smooth(draw, shape(draw)),)


@rule("Round", "round")
def _round(draw: Any) -> tuple:
    decimals = draw(st.sampled_from([0, 0, 1]))
    x = _off_integers(draw, shape(draw))
    if decimals:  # keep away from the jumps at multiples of 0.05
        x = leaf(np.round(x.data, 1) + 0.02)
    return (lambda a: am.round(a, decimals=decimals)), (x,)


@rule("Frac", "frac")
def _frac(draw: Any) -> tuple:
    return (lambda a: a.frac()), (_off_integers(draw, shape(draw)),)


def _binary_rule(name: str, prim: str, values_a: Callable, values_b: Callable) -> None:
    def make(draw: Any) -> tuple:
        sa, sb = broadcast_shapes(draw)
        a, b = values_a(draw, sa), values_b(draw, sb)
        kind = draw(st.sampled_from(["fn", "method", "number"]))
        if kind == "number":  # a Python number on the right
            c = float(values_b(draw, ()).data)
            return (lambda t: getattr(am, name)(t, c)), (a,)
        if kind == "method":
            return (lambda s, t: getattr(s, name)(t)), (a, b)
        return getattr(am, name), (a, b)

    rule(prim, name)(make)


_binary_rule("atan2", "Atan2", away_from_zero, away_from_zero)
_binary_rule("hypot", "Hypot", away_from_zero, away_from_zero)
_binary_rule("logaddexp", "LogAddExp", _in_range(-3, 3), _in_range(-3, 3))
_binary_rule("xlogy", "Xlogy", smooth, positive)


@rule("xlogy[zeros]")
def _xlogy_zeros(draw: Any) -> tuple:
    """x == 0 exactly: PyTorch's gradient for x there is log(y), the slope of x * log(y)."""
    sa, sb = broadcast_shapes(draw)
    x = rng(draw).uniform(-2, 2, sa) * (rng(draw).random(sa) < 0.5)
    return am.xlogy, (leaf(x), positive(draw, sb))


@rule("Copysign", "copysign")
def _copysign(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    return am.copysign, (away_from_zero(draw, sa), away_from_zero(draw, sb))


@rule("Fmax", "fmax")
def _fmax(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    fn = am.fmax if draw(st.booleans()) else (lambda a, b: a.fmax(b))
    return fn, interleaved_pair(draw, sa, sb)


@rule("Fmin", "fmin")
def _fmin(draw: Any) -> tuple:
    sa, sb = broadcast_shapes(draw)
    fn = am.fmin if draw(st.booleans()) else (lambda a, b: a.fmin(b))
    return fn, interleaved_pair(draw, sa, sb)


@rule("Lerp", "lerp")
def _lerp(draw: Any) -> tuple:
    ss, se, sw = broadcast_shapes(draw, 3)
    start, end = smooth(draw, ss), smooth(draw, se)
    if draw(st.booleans()):
        w = float(draw(st.sampled_from([0.25, 0.75, -0.5, 1.5])))
        return (lambda a, b: am.lerp(a, b, w)), (start, end)
    return (lambda a, b, c: a.lerp(b, c)), (start, end, leaf(rng(draw).uniform(-1, 2, sw)))


@rule("NanToNum", "nan_to_num")
def _nan_to_num(draw: Any) -> tuple:
    return (lambda a: am.nan_to_num(a, nan=1.5)), (smooth(draw, shape(draw)),)


@rule("isnan[mask]", "isinf[mask]", "isfinite[mask]")
def _isnan(draw: Any) -> tuple:
    """Bool results: used as masks of a differentiable where."""
    return (lambda a: am.where(am.isnan(a) | am.isinf(a) | ~am.isfinite(a), 0.0, a * 2.0)), (
        smooth(draw, shape(draw)),)


@rule("clamp_min", "clamp_max")
def _clamp_bounds(draw: Any) -> tuple:
    r = rng(draw)
    shp = shape(draw)
    x = leaf(r.choice([-1.2, -0.8, -0.2, 0.2, 0.8, 1.2], shp) + r.uniform(-0.1, 0.1, shp))
    kind = draw(st.sampled_from(["min", "max", "min tensor", "max tensor"]))
    if kind == "min":
        return (lambda a: am.clamp_min(a, 0.5)), (x,)
    if kind == "max":
        return (lambda a: a.clamp_max(-0.5)), (x,)
    bound = leaf(r.choice([-0.5, 0.5], shp))  # 0.3 or more from every value of x
    if kind == "min tensor":
        return am.clamp_min, (x, bound)
    return (lambda a, b: a.clamp_max(b)), (x, bound)


def _scan_kwargs(draw: Any, ndim: int) -> dict:
    d = one_axis(draw, max(ndim, 1)) if ndim else draw(st.sampled_from([0, -1]))
    return {"dim": d} if draw(st.booleans()) else {"axis": d}


@rule("Cumsum", "cumsum")
def _cumsum(draw: Any) -> tuple:
    shp = shape(draw)
    kw = _scan_kwargs(draw, len(shp))
    return (lambda a: am.cumsum(a, **kw)), (smooth(draw, shp),)


@rule("Cumprod", "cumprod")
def _cumprod(draw: Any) -> tuple:
    shp = shape(draw)
    kw = _scan_kwargs(draw, len(shp))
    return (lambda a: a.cumprod(**kw)), (away_from_zero(draw, shp, lo=0.5, hi=1.5),)


@rule("cumprod[with zeros]")
def _cumprod_zeros(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    r = rng(draw)
    values = r.uniform(0.5, 1.5, shp) * (r.random(shp) < 0.6)
    kw = _scan_kwargs(draw, len(shp))
    return (lambda a: am.cumprod(a, **kw)), (leaf(values),)


@rule("LogCumSumExp", "logcumsumexp")
def _logcumsumexp(draw: Any) -> tuple:
    shp = shape(draw)
    kw = _scan_kwargs(draw, len(shp))
    return (lambda a: am.logcumsumexp(a, **kw)), (leaf(rng(draw).uniform(-5, 5, shp)),)


@rule("cummax", "cummin")
def _cummax(draw: Any) -> tuple:
    shp = shape(draw)
    kw = _scan_kwargs(draw, len(shp))
    name = draw(st.sampled_from(["cummax", "cummin"]))
    return (lambda a: getattr(am, name)(a, **kw).values), (distinct(draw, shp),)


def _all_axes_rule(name: str) -> Callable:
    def make(draw: Any) -> tuple:
        shp = shape(draw)
        kw = reduction_kwargs(draw, len(shp), axes(draw, len(shp)))
        if draw(st.booleans()):
            return (lambda a: getattr(am, name)(a, **kw)), (distinct(draw, shp),)
        return (lambda a: getattr(a, name)()), (distinct(draw, shp),)

    return make


rule("amax")(_all_axes_rule("amax"))
rule("amin")(_all_axes_rule("amin"))


@rule("aminmax")
def _aminmax(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    d = one_axis(draw, len(shp))
    keep = draw(st.booleans())
    return (lambda a: tuple(am.aminmax(a, dim=d, keepdim=keep))), (distinct(draw, shp),)


@rule("Median", "median")
def _median(draw: Any) -> tuple:
    shp = shape(draw)
    return am.median, (distinct(draw, shp),)


@rule("median[dim]")
def _median_dim(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1)
    d = one_axis(draw, len(shp))
    keep = draw(st.booleans())
    return (lambda a: a.median(d, keepdim=keep).values), (distinct(draw, shp),)


@rule("count_nonzero[as a factor]")
def _count_nonzero(draw: Any) -> tuple:
    shp = shape(draw)
    return (lambda a: a * am.count_nonzero(a > 0)), (away_from_zero(draw, shp),)


@rule("var_mean", "std_mean")
def _var_mean(draw: Any) -> tuple:
    shp, _, kw = _var_args(draw)
    name = draw(st.sampled_from(["var_mean", "std_mean"]))
    return (lambda a: tuple(getattr(am, name)(a, **kw))), (distinct(draw, shp),)


@rule("nansum", "nanmean")
def _nansum(draw: Any) -> tuple:
    shp = shape(draw)
    kw = reduction_kwargs(draw, len(shp), nonempty_axes(draw, len(shp)))
    name = draw(st.sampled_from(["nansum", "nanmean"]))
    return (lambda a: getattr(am, name)(a, **kw)), (smooth(draw, shp),)


@rule("sum[dtype]", "mean[dtype]", "prod[dtype]")
def _reduce_dtype(draw: Any) -> tuple:
    name = draw(st.sampled_from(["sum", "mean", "prod"]))
    return (lambda a: getattr(am, name)(a, dtype=a.dtype)), (
        away_from_zero(draw, shape(draw), lo=0.5, hi=1.5),)


@rule("VectorNorm", "norm")
def _norm(draw: Any) -> tuple:
    shp = shape(draw)
    ax = nonempty_axes(draw, len(shp))
    keep = draw(st.booleans())
    p = draw(st.sampled_from([2, 1, 3, 1.5, 0.5, "fro", np.inf, -np.inf, 0]))
    x = distinct(draw, shp) if p in (np.inf, -np.inf) else away_from_zero(draw, shp)
    if draw(st.booleans()) or isinstance(p, str):
        return (lambda a: am.norm(a, p, dim=ax, keepdim=keep)), (x,)
    return (lambda a: am.linalg.vector_norm(a, p, dim=ax, keepdim=keep)), (x,)


@rule("linalg.matrix_norm")
def _matrix_norm(draw: Any) -> tuple:
    shp = shape(draw, min_dims=2)
    ord = draw(st.sampled_from(["fro", 1, -1, np.inf, -np.inf]))
    # column and row sums of |x| at least 0.05 apart (no ties among them)
    r = rng(draw)
    values = (np.arange(int(np.prod(shp))).reshape(shp) * 0.37 + 0.2) * r.choice([-1, 1], shp)
    return (lambda a: am.linalg.matrix_norm(a, ord)), (leaf(values),)


@rule("linalg.norm")
def _linalg_norm(draw: Any) -> tuple:
    shp = shape(draw, min_dims=1, max_dims=2)
    return (lambda a: am.linalg.norm(a)), (away_from_zero(draw, shp),)
