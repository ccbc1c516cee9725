"""Random differentiable programs: a fuzzer for the engine and the op set.

`programs()` is a hypothesis strategy drawing a `Program`: 1-3 leaves of broadcast-compatible
shapes, then 5-40 steps, each an op from `OPS` applied to earlier values (leaves and intermediate
results are reused freely), and a scalar loss contracting a few results with fixed random weights.
`check_program` runs `assert_grads_match` on it, first and second order, and checks that
`.backward()` agrees with `am.autograd.grad`.

Programs are drawn with live values: an op is only chosen where it is smooth at the current values
(inputs of log and sqrt >= 0.1, kinks of abs/relu/clip and ties of max/min/maximum at least
`MARGIN` away, divisors at least 0.1 from zero), and results must stay finite and below `MAX_ABS`,
so a failure is a wrong derivative, not a finite-difference artefact.

Every primitive in the registry and every public differentiable function must be exercised by some
op here or be listed in `EXCLUDED` with the reason (tests/test_random_programs.py checks this).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from autograd_mini import Tensor, no_grad
from autograd_mini import ops as _ops
from autograd_mini.autograd import Node, grad
from autograd_mini.testing import assert_grads_match
from autograd_mini.testing import strategies as ams

MARGIN = 1e-2  # distance kept from kinks and ties (gradcheck's step is 1e-6)
MAX_ABS = 1e3  # larger values are rejected: finite differences lose digits on them
MAX_SIZE = 36  # elements per value
MAX_LEAF_ELEMENTS = 24  # gradgradcheck's cost grows with the square of this

# Public functions and primitives that random programs do not exercise, with the reason.
_BOOL_RESULT = "no gradient: gives a bool tensor or a Python bool"
_BITS = "no gradient: integer and bool tensors only"
_JUMPS = ("steps where a / b crosses an integer, and random programs do not keep their values "
          "away from those; checked by its gradcheck rule in tests/op_rules.py")
EXCLUDED: dict[str, str] = {
    "all": _BOOL_RESULT, "any": _BOOL_RESULT, "allclose": _BOOL_RESULT,
    "isclose": _BOOL_RESULT, "equal": _BOOL_RESULT, "logical_and": _BOOL_RESULT,
    "logical_or": _BOOL_RESULT, "logical_xor": _BOOL_RESULT, "logical_not": _BOOL_RESULT,
    "bitwise_and": _BITS, "bitwise_or": _BITS, "bitwise_xor": _BITS, "bitwise_not": _BITS,
    "floor_divide": "not differentiable: backward through it is an error, as in PyTorch",
    "remainder": _JUMPS, "Remainder": _JUMPS, "fmod": _JUMPS, "Fmod": _JUMPS,
    "DivRounded": "a zero gradient with " + _JUMPS,
}


# ---- the program --------------------------------------------------------------------------------
@dataclass
class Step:
    """`values.append(OPS[op].apply(*[values[i] for i in args], **params))`."""

    op: str
    args: tuple[int, ...]
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        shown = {k: _show(v) for k, v in self.params.items()}
        inner = ", ".join([f"v{i}" for i in self.args] + [f"{k}={v}" for k, v in shown.items()])
        return f"{self.op}({inner})"


def _show(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"array({v.tolist()!r}, dtype={v.dtype})" if v.size <= 12 else f"array{v.shape}"
    if isinstance(v, slice):
        return f"slice({v.start}, {v.stop}, {v.step})"
    if isinstance(v, tuple):
        return "(" + ", ".join(_show(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


@dataclass
class Program:
    """Leaves (float64 arrays), steps, and the loss: sum_k (values[i_k] * w_k).sum()."""

    leaves: list[np.ndarray]
    steps: list[Step]
    outputs: list[tuple[int, np.ndarray]]

    def run(self, *leaves: Tensor) -> Tensor:
        values: list[Any] = list(leaves)
        for step in self.steps:
            values.append(OPS[step.op].apply(*[values[i] for i in step.args], **step.params))
        loss: Any = None
        for i, w in self.outputs:
            term = (values[i] * Tensor(w)).sum()
            loss = term if loss is None else loss + term
        return loss

    def __str__(self) -> str:
        lines = [f"v{i} = leaf, shape {a.shape}: {a.tolist()!r}" for i, a in enumerate(self.leaves)]
        n = len(self.leaves)
        lines += [f"v{n + k} = {s}" for k, s in enumerate(self.steps)]
        lines.append("loss = " + " + ".join(f"(v{i} * w{k}).sum()"
                                            for k, (i, _) in enumerate(self.outputs)))
        return "\n".join(lines)

    __repr__ = __str__  # hypothesis prints the falsifying program this way


# ---- op specifications --------------------------------------------------------------------------
@dataclass(frozen=True)
class OpSpec:
    """How to draw one op's arguments at the current values, and how to apply it.

    `propose(draw, values)` returns `(arg_indices, params)`, or None where the op is not smooth or
    not applicable at these values. `api` names the public functions it exercises.
    """

    name: str
    propose: Callable[[Any, list[np.ndarray]], tuple[tuple[int, ...], dict] | None]
    apply: Callable[..., Tensor]
    api: tuple[str, ...]


OPS: dict[str, OpSpec] = {}


def op(name: str, api: tuple[str, ...], apply: Callable[..., Tensor]) -> Callable:
    def register(propose: Callable) -> Callable:
        OPS[name] = OpSpec(name, propose, apply, api)
        return propose
    return register


# ---- helpers for proposals -------------------------------------------------------------------
def _pick(draw: Any, values: list[np.ndarray], ok: Callable[[np.ndarray], bool]) -> int | None:
    candidates = [i for i, v in enumerate(values) if ok(v)]
    return None if not candidates else draw(st.sampled_from(candidates))


def _any(v: np.ndarray) -> bool:
    return True


def _away(x: np.ndarray, *points: float) -> bool:
    return all(bool(np.all(np.abs(x - p) >= MARGIN)) for p in points)


def _broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        return None
    return shape if math.prod(shape) <= MAX_SIZE else None


def _pick_pair(draw: Any, values: list[np.ndarray], ok_a: Callable = _any,
               ok_pair: Callable = lambda a, b: True) -> tuple[int, int] | None:
    """Two values whose shapes broadcast together (the same value twice is allowed)."""
    i = _pick(draw, values, ok_a)
    if i is None:
        return None
    a = values[i]
    j = _pick(draw, values, lambda b: _broadcast_shape(a.shape, b.shape) is not None and
              ok_pair(a, np.broadcast_to(b, np.broadcast_shapes(a.shape, b.shape))))
    return None if j is None else (i, j)


def _axes_arg(draw: Any, ndim: int) -> Any:
    return draw(ams.axes(ndim))


def _norm_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        return (axis % ndim,)
    return tuple(sorted(a % ndim for a in axis))


def _groups(x: np.ndarray, axis: Any) -> np.ndarray:
    """The reduction groups of x over `axis` as rows of a 2-D array."""
    reduced = _norm_axes(axis, x.ndim)
    rest = tuple(i for i in range(x.ndim) if i not in reduced)
    moved = np.transpose(x, rest + reduced)
    width = math.prod(x.shape[i] for i in reduced)
    return moved.reshape(math.prod(x.shape[i] for i in rest), width)


def _gap_ok(x: np.ndarray, axis: Any, largest: bool = True) -> bool:
    """The extreme of every group is at least MARGIN from the runner-up (no ties)."""
    rows = _groups(x, axis)
    if rows.size == 0:
        return False
    if rows.shape[1] < 2:
        return True
    s = np.sort(rows, axis=1)
    gap = s[:, -1] - s[:, -2] if largest else s[:, 1] - s[:, 0]
    return bool(np.all(gap >= MARGIN))


def _reshape_target(draw: Any, shape: tuple) -> tuple:
    """A random shape with the same number of elements."""
    size = math.prod(shape)
    if size == 0:
        return (0,)
    factors, n, p = [], size, 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    ndim = draw(st.integers(1 if factors else 0, 3))
    dims = [1] * ndim
    for f in factors:
        dims[draw(st.integers(0, ndim - 1))] *= f
    return tuple(dims)


def _basic_index(draw: Any, shape: tuple) -> tuple:
    parts: list[Any] = []
    for n in shape:
        kind = draw(st.sampled_from(["slice", "slice", "int", "full"]))
        if kind == "int" and n:
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            step = draw(st.sampled_from([1, 1, 2, -1, -2]))
            start = draw(st.one_of(st.none(), st.integers(-n - 1, n)))
            stop = draw(st.one_of(st.none(), st.integers(-n - 1, n)))
            parts.append(slice(start, stop, step))
        else:
            parts.append(slice(None))
        if draw(st.integers(0, 7)) == 0:
            parts.append(None)
    if parts and draw(st.booleans()):
        # replace a run of trailing full slices by Ellipsis
        k = draw(st.integers(0, len(parts)))
        parts = parts[:k] + [Ellipsis]
    return tuple(parts)


def _indexed_shape(shape: tuple, index: Any) -> tuple:
    return np.empty(shape, dtype=bool)[index].shape


# ---- elementwise unary ops --------------------------------------------------------------------
_FORMS: dict[str, Callable[..., Tensor]] = {}


def _unary(name: str, fn: Callable, ok: Callable, api: tuple[str, ...]) -> None:
    @op(name, api, fn)
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, ok)
        return None if i is None else ((i,), {})


_unary("neg", lambda x: -x, _any, ("neg",))
_unary("neg_fn", lambda x: _ops.neg(x), _any, ("neg",))
_unary("exp", lambda x: x.exp(), lambda v: v.max(initial=-np.inf) <= 3, ("exp",))
_unary("log", lambda x: _ops.log(x), lambda v: v.min(initial=np.inf) >= 0.1, ("log",))
_unary("log1p", lambda x: x.log1p(), lambda v: v.min(initial=np.inf) >= -0.9, ("log1p",))
_unary("sqrt", lambda x: _ops.sqrt(x), lambda v: v.min(initial=np.inf) >= 0.1, ("sqrt",))
_unary("abs", lambda x: abs(x), lambda v: _away(v, 0.0), ("abs",))
_unary("abs_fn", lambda x: _ops.abs(x), lambda v: _away(v, 0.0), ("abs",))
_unary("sin", lambda x: _ops.sin(x), _any, ("sin",))
_unary("cos", lambda x: x.cos(), _any, ("cos",))
_unary("tanh", lambda x: _ops.tanh(x), _any, ("tanh",))
_unary("sigmoid", lambda x: x.sigmoid(), _any, ("sigmoid",))
_unary("relu", lambda x: _ops.relu(x), lambda v: _away(v, 0.0), ("relu",))
_unary("square_reuse", lambda x: x * x, _any, ("mul",))
_unary("clone", lambda x: x.clone(), _any, ())
_unary("np_exp", lambda x: np.exp(x), lambda v: v.max(initial=-np.inf) <= 3, ("exp",))
_unary("np_tanh", lambda x: np.tanh(x), _any, ("tanh",))
_unary("np_sqrt", lambda x: np.sqrt(x), lambda v: v.min(initial=np.inf) >= 0.1, ("sqrt",))
_unary("np_absolute", lambda x: np.absolute(x), lambda v: _away(v, 0.0), ("abs",))


def _clip(x: Tensor, lo: float | None, hi: float | None, form: str) -> Tensor:
    if form == "method":
        return x.clamp(lo, hi)
    return (_ops.clip if form == "clip" else _ops.clamp)(x, min=lo, max=hi)


@op("clip", ("clip", "clamp"), _clip)
def _propose_clip(draw: Any, values: list) -> Any:
    lo = draw(st.one_of(st.none(), st.floats(-2.5, 2.0)))
    hi = draw(st.one_of(st.none(), st.floats(0.1, 3.0))) if lo is None else draw(
        st.one_of(st.none(), st.floats(0.1, 3.0).map(lambda w: lo + w)))
    if lo is None and hi is None:
        return None
    points = [b for b in (lo, hi) if b is not None]
    i = _pick(draw, values, lambda v: _away(v, *points))
    form = draw(st.sampled_from(["clip", "clamp", "method"]))
    return None if i is None else ((i,), {"lo": lo, "hi": hi, "form": form})


_EXPONENTS = {2: _any, 3: _any, 1: _any, 0: _any,
              -1: lambda v: _away(v, 0.0) and bool(np.all(np.abs(v) >= 0.2)),
              -2: lambda v: bool(np.all(np.abs(v) >= 0.3)),
              0.5: lambda v: v.min(initial=np.inf) >= 0.1,
              1.5: lambda v: v.min(initial=np.inf) >= 0.1,
              -0.5: lambda v: v.min(initial=np.inf) >= 0.2}


def _pow_const(x: Tensor, c: float, form: str) -> Tensor:
    if form == "op":
        return x ** c
    return _ops.pow(x, c) if form == "fn" else x.pow(c)


@op("pow_const", ("pow",), _pow_const)
def _propose_pow_const(draw: Any, values: list) -> Any:
    c = draw(st.sampled_from(sorted(_EXPONENTS)))
    i = _pick(draw, values, _EXPONENTS[c])
    form = draw(st.sampled_from(["op", "fn", "method"]))
    return None if i is None else ((i,), {"c": c, "form": form})


_SCALAR_OPS: dict[str, Callable[[Tensor, float], Tensor]] = {
    "c+x": lambda x, c: c + x, "x+c": lambda x, c: x + c, "x-c": lambda x, c: x - c,
    "c-x": lambda x, c: c - x, "c*x": lambda x, c: c * x, "x/c": lambda x, c: x / c,
    "c/x": lambda x, c: c / x, "c**x": lambda x, c: c ** x,
}


@op("scalar", ("add", "sub", "mul", "div", "pow"),
    lambda x, c, kind: _SCALAR_OPS[kind](x, c))
def _propose_scalar(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(sorted(_SCALAR_OPS)))
    if kind == "c**x":
        c = draw(st.floats(0.2, 3.0))
        ok: Callable = lambda v: v.max(initial=-np.inf) <= 3
    else:
        c = draw(st.floats(-2.0, 2.0).filter(lambda v: abs(v) >= 0.1))
        ok = (lambda v: bool(np.all(np.abs(v) >= 0.1))) if kind == "c/x" else _any
    i = _pick(draw, values, ok)
    return None if i is None else ((i,), {"c": c, "kind": kind})


_ARRAY_LEFT: dict[str, Callable[[np.ndarray, Tensor], Tensor]] = {
    "+": lambda a, x: a + x, "-": lambda a, x: a - x, "*": lambda a, x: a * x,
    "np.add": lambda a, x: np.add(a, x), "np.multiply": lambda a, x: np.multiply(x, a),
}


@op("ndarray_left", ("add", "sub", "mul"), lambda x, a, kind: _ARRAY_LEFT[kind](a, x))
def _propose_ndarray_left(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    shape = values[i].shape[draw(st.integers(0, values[i].ndim)):]
    seed = draw(st.integers(0, 2**32 - 1))
    a = np.random.default_rng(seed).uniform(-2, 2, size=shape)
    return (i,), {"a": a, "kind": draw(st.sampled_from(sorted(_ARRAY_LEFT)))}


def _sign_mul(x: Tensor, y: Tensor) -> Tensor:
    return x * _ops.sign(y)


@op("sign_mul", ("sign", "mul"), _sign_mul)
def _propose_sign_mul(draw: Any, values: list) -> Any:
    pair = _pick_pair(draw, values, ok_pair=lambda a, b: _away(b, 0.0))
    return None if pair is None else (pair, {})


# ---- binary ops -----------------------------------------------------------------------------
_BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "add": lambda a, b: a + b, "add_fn": lambda a, b: _ops.add(a, b),
    "sub": lambda a, b: a - b, "sub_fn": lambda a, b: _ops.sub(a, b),
    "mul": lambda a, b: a * b, "mul_fn": lambda a, b: _ops.mul(a, b),
    "div": lambda a, b: a / b, "div_fn": lambda a, b: _ops.div(a, b),
    "pow": lambda a, b: a ** b, "pow_fn": lambda a, b: _ops.pow(a, b),
    "np_multiply": lambda a, b: np.multiply(a, b),
}
_BINARY_OK: dict[str, Callable[[np.ndarray, np.ndarray], bool]] = {
    "div": lambda a, b: bool(np.all(np.abs(b) >= 0.1)),
    "pow": lambda a, b: a.min(initial=np.inf) >= 0.1 and bool(np.all(np.abs(b) <= 3)),
}
_BINARY_OK["div_fn"] = _BINARY_OK["div"]
_BINARY_OK["pow_fn"] = _BINARY_OK["pow"]


@op("binary", ("add", "sub", "mul", "div", "pow"), lambda a, b, kind: _BINARY[kind](a, b))
def _propose_binary(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(sorted(_BINARY)))
    pair = _pick_pair(draw, values, ok_pair=_BINARY_OK.get(kind, lambda a, b: True))
    return None if pair is None else (pair, {"kind": kind})


_EXTREMA: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "maximum": lambda a, b: _ops.maximum(a, b), "np.maximum": lambda a, b: np.maximum(a, b),
    "minimum": lambda a, b: _ops.minimum(a, b), "method minimum": lambda a, b: a.minimum(b),
    "np.minimum": lambda a, b: np.minimum(a, b),
}


def _extremum2(largest: bool) -> None:
    kinds = sorted(k for k in _EXTREMA if ("max" in k) == largest)

    @op("maximum" if largest else "minimum", ("maximum" if largest else "minimum",),
        lambda a, b, kind: _EXTREMA[kind](a, b))
    def propose(draw: Any, values: list) -> Any:
        kind = draw(st.sampled_from(kinds))
        pair = _pick_pair(draw, values, ok_pair=lambda a, b: bool(np.all(np.abs(a - b) >= MARGIN)))
        return None if pair is None else (pair, {"kind": kind})


_extremum2(True)
_extremum2(False)


def _where(a: Tensor, b: Any, cond: np.ndarray, scalar: float | None) -> Tensor:
    return _ops.where(cond, a, b if scalar is None else scalar)


@op("where", ("where",), lambda a, b, cond, scalar: _where(a, b, cond, scalar))
def _propose_where(draw: Any, values: list) -> Any:
    pair = _pick_pair(draw, values)
    if pair is None:
        return None
    shape = np.broadcast_shapes(values[pair[0]].shape, values[pair[1]].shape)
    cond_shape = shape[draw(st.integers(0, len(shape))):]
    cond = np.array(draw(st.lists(st.booleans(), min_size=math.prod(cond_shape),
                                  max_size=math.prod(cond_shape))), dtype=bool).reshape(cond_shape)
    scalar = draw(st.one_of(st.none(), st.floats(-2, 2)))
    return pair, {"cond": cond, "scalar": scalar}


def _matmul(a: Tensor, b: Tensor, transpose_b: bool, form: str) -> Tensor:
    if transpose_b:
        b = b.mT
    if form == "op":
        return a @ b
    return _ops.matmul(a, b) if form == "fn" else a.matmul(b)


def _matmul_shape(a: tuple, b: tuple) -> tuple | None:
    if not a or not b:
        return None
    k_b = b[0] if len(b) == 1 else b[-2]
    if a[-1] != k_b:
        return None
    try:
        batch = np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        return None
    out = batch + a[-2:-1] + b[-1:] if len(b) > 1 else batch + a[-2:-1]
    return out if math.prod(out) <= MAX_SIZE else None


@op("matmul", ("matmul",), _matmul)
def _propose_matmul(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    a = values[i].shape
    options = [(j, t) for j, v in enumerate(values) for t in (False, True)
               if (not t or v.ndim >= 2) and _matmul_shape(
                   a, v.shape[:-2] + v.shape[:-3:-1] if t else v.shape) is not None]
    if not options:
        return None
    j, t = draw(st.sampled_from(options))
    return (i, j), {"transpose_b": t, "form": draw(st.sampled_from(["op", "fn", "method"]))}


# ---- reductions ---------------------------------------------------------------------------------
def _reduce(x: Tensor, fn: str, axis: Any, keepdim: bool, form: str) -> Tensor:
    if form == "method":
        out = getattr(x, fn)(axis, keepdim)
    elif form == "numpy":
        out = getattr(_ops, fn)(x, axis=axis, keepdims=keepdim)
    else:
        out = getattr(_ops, fn)(x, dim=axis, keepdim=keepdim)
    return out.values if isinstance(out, tuple) else out  # x.max(int) gives (values, indices)


def _reduction(name: str, ok: Callable[[np.ndarray, Any], bool]) -> None:
    @op(name, (name,), lambda x, axis, keepdim, form: _reduce(x, name, axis, keepdim, form))
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, lambda v: v.size > 0)
        if i is None:
            return None
        axis = _axes_arg(draw, values[i].ndim)
        if not ok(values[i], axis):
            return None
        return (i,), {"axis": axis, "keepdim": draw(st.booleans()),
                      "form": draw(st.sampled_from(["method", "numpy", "torch"]))}


def _group_size(x: np.ndarray, axis: Any) -> int:
    return math.prod(x.shape[a] for a in _norm_axes(axis, x.ndim)) if x.ndim else 1


_reduction("sum", lambda x, axis: True)
_reduction("mean", lambda x, axis: _group_size(x, axis) > 0)
_reduction("logsumexp", lambda x, axis: True)
_reduction("prod", lambda x, axis: _group_size(x, axis) <= 6 and bool(np.all(np.abs(x) >= 0.1)))
_reduction("max", lambda x, axis: _gap_ok(x, axis, largest=True))
_reduction("min", lambda x, axis: _gap_ok(x, axis, largest=False))


def _var(x: Tensor, fn: str, axis: Any, keepdim: bool, spelling: str, corr: int) -> Tensor:
    f = getattr(_ops, fn)
    if spelling == "correction":
        return f(x, axis, keepdim, correction=corr)
    if spelling == "unbiased":
        return f(x, axis, keepdim, unbiased=bool(corr))
    return f(x, axis=axis, keepdims=keepdim, ddof=corr)


def _spread(name: str) -> None:
    @op(name, (name,), lambda x, **p: _var(x, name, **p))
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, lambda v: v.size > 1)
        if i is None:
            return None
        x = values[i]
        axis = _axes_arg(draw, x.ndim)
        corr = draw(st.sampled_from([0, 1]))
        if _group_size(x, axis) - corr <= 0:
            return None
        rows = _groups(x, axis)
        if name == "std" and not np.all(np.var(rows, axis=1, ddof=corr) >= 1e-2):
            return None  # sqrt's derivative blows up near a zero variance
        return (i,), {"axis": axis, "keepdim": draw(st.booleans()),
                      "spelling": draw(st.sampled_from(["correction", "unbiased", "ddof"])),
                      "corr": corr}


_spread("var")
_spread("std")


@op("max_dim", ("max", "min"),
    lambda x, dim, keepdim, largest: (x.max(dim, keepdim) if largest else
                                      _ops.min(x, dim, keepdim)).values)
def _propose_max_dim(draw: Any, values: list) -> Any:
    """PyTorch's x.max(dim): a (values, indices) pair."""
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    dim = draw(st.integers(-values[i].ndim, values[i].ndim - 1))
    largest = draw(st.booleans())
    if not _gap_ok(values[i], dim, largest):
        return None
    return (i,), {"dim": dim, "keepdim": draw(st.booleans()), "largest": largest}


def _softmax(x: Tensor, dim: Any, log: bool, form: str) -> Tensor:
    f = _ops.log_softmax if log else _ops.softmax
    if form == "method":
        return x.log_softmax(dim) if log else x.softmax(dim)
    return f(x, axis=dim) if form == "numpy" else f(x, dim)


@op("softmax", ("softmax", "log_softmax"), _softmax)
def _propose_softmax(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    dim = draw(st.one_of(st.integers(-values[i].ndim, values[i].ndim - 1),
                         ams.axes(values[i].ndim, allow_none=False, allow_int=False).filter(
                             lambda a: len(a) > 0)))
    return (i,), {"dim": dim, "log": draw(st.booleans()),
                  "form": draw(st.sampled_from(["fn", "numpy", "method"]))}


def _take_argmax(x: Tensor, y: Tensor, largest: bool) -> Tensor:
    index = _ops.argmax(y) if largest else _ops.argmin(y)
    return x.flatten()[index]


@op("take_argmax", ("argmax", "argmin", "flatten"), _take_argmax)
def _propose_take_argmax(draw: Any, values: list) -> Any:
    """x.flatten()[argmax(y)]: an index computed from the values, constant near them."""
    largest = draw(st.booleans())
    j = _pick(draw, values, lambda v: v.size > 0 and _gap_ok(v, None, largest))
    if j is None:
        return None
    i = _pick(draw, values, lambda v: v.size >= values[j].size)
    return None if i is None else ((i, j), {"largest": largest})


# ---- shape ops ----------------------------------------------------------------------------------
def _reshape(x: Tensor, shape: tuple, form: str) -> Tensor:
    if form == "view":
        return x.view(*shape) if shape else x.view(())
    if form == "fn":
        return _ops.reshape(x, shape)
    return x.reshape(shape)


@op("reshape", ("reshape", "view"), _reshape)
def _propose_reshape(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _any)
    shape = _reshape_target(draw, values[i].shape)
    if shape and values[i].size and draw(st.booleans()):  # let reshape infer one dimension
        k = draw(st.integers(0, len(shape) - 1))
        shape = shape[:k] + (-1,) + shape[k + 1:]
    return (i,), {"shape": shape, "form": draw(st.sampled_from(["view", "fn", "method"]))}


def _permute(x: Tensor, order: tuple, form: str) -> Tensor:
    if form == "T":
        return x.T
    if form == "transpose_all":
        return _ops.transpose(x)
    return x.permute(*order) if form == "method" else _ops.permute(x, order)


@op("permute", ("permute", "transpose"), _permute)
def _propose_permute(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    order = tuple(draw(st.permutations(range(values[i].ndim))))
    order = tuple(a - values[i].ndim if draw(st.booleans()) else a for a in order)
    return (i,), {"order": order, "form": draw(st.sampled_from(
        ["T", "transpose_all", "method", "fn"]))}


def _transpose(x: Tensor, d0: int, d1: int, form: str) -> Tensor:
    if form == "mT":
        return x.mT
    return x.transpose(d0, d1) if form == "method" else _ops.transpose(x, d0, d1)


@op("transpose", ("transpose",), _transpose)
def _propose_transpose(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 2)
    if i is None:
        return None
    n = values[i].ndim
    d0, d1 = draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1))
    return (i,), {"d0": d0, "d1": d1, "form": draw(st.sampled_from(["mT", "method", "fn"]))}


@op("squeeze", ("squeeze",), lambda x, dim: x.squeeze() if dim == "all" else _ops.squeeze(x, dim))
def _propose_squeeze(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: 1 in v.shape)
    if i is None:
        return None
    n = values[i].ndim
    dim = draw(st.one_of(st.just("all"), st.integers(-n, n - 1), ams.axes(n, allow_none=False,
                                                                         allow_int=False)))
    return (i,), {"dim": dim}


@op("unsqueeze", ("unsqueeze",),
    lambda x, dim, form: x.unsqueeze(dim) if form == "method" else _ops.unsqueeze(x, dim))
def _propose_unsqueeze(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim < 4)
    n = values[i].ndim if i is not None else 0
    if i is None:
        return None
    return (i,), {"dim": draw(st.integers(-n - 1, n)), "form": draw(st.sampled_from(
        ["method", "fn"]))}


def _expand(x: Tensor, shape: tuple, form: str) -> Tensor:
    if form == "expand":
        return x.expand(*shape)
    full = tuple(x.shape[i - (len(shape) - x.ndim)] if n == -1 else n for i, n in enumerate(shape))
    return _ops.broadcast_to(x, full) if form == "fn" else x.broadcast_to(full)


@op("expand", ("expand", "broadcast_to"), _expand)
def _propose_expand(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    body = tuple(draw(st.integers(1, 3)) if n == 1 else draw(st.sampled_from([n, -1]))
                 for n in x.shape)
    shape = lead + body
    if math.prod(abs(n) if n != -1 else x.shape[k - len(lead)]
                 for k, n in enumerate(shape)) > MAX_SIZE:
        return None
    return (i,), {"shape": shape, "form": draw(st.sampled_from(["expand", "fn", "method"]))}


@op("flatten", ("flatten",), lambda x, start, end: _ops.flatten(x, start, end))
def _propose_flatten(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _any)
    n = max(values[i].ndim, 1)
    start = draw(st.integers(-n, n - 1))
    end = draw(st.integers(-n, n - 1))
    if start % n > end % n:
        start, end = end, start
    return (i,), {"start": start, "end": end}


@op("getitem_basic", ("getitem",), lambda x, index: x[index])
def _propose_getitem_basic(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    return (i,), {"index": _basic_index(draw, values[i].shape)}


def _getitem_array(x: Tensor, axis: int, index: np.ndarray, form: str) -> Tensor:
    idx: Any = index.tolist() if form == "list" else (Tensor(index) if form == "tensor" else index)
    return x[(slice(None),) * axis + (idx,)]


@op("getitem_array", ("getitem",), _getitem_array)
def _propose_getitem_array(draw: Any, values: list) -> Any:
    """Integer-array indexing, with repeated and negative indices (the gradient accumulates)."""
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    x = values[i]
    axis = draw(st.integers(0, x.ndim - 1))
    n = x.shape[axis]
    if n == 0:
        return None
    index = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5)), dtype=np.int64)
    if draw(st.booleans()):
        index = index.reshape(-1, 1) if index.size > 1 else index
    if math.prod(_indexed_shape(x.shape, (slice(None),) * axis + (index,))) > MAX_SIZE:
        return None
    return (i,), {"axis": axis, "index": index,
                  "form": draw(st.sampled_from(["array", "list", "tensor"]))}


@op("getitem_mask", ("getitem",), lambda x, mask: x[mask])
def _propose_getitem_mask(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    shape = values[i].shape[:draw(st.integers(1, values[i].ndim))]
    mask = np.array(draw(st.lists(st.booleans(), min_size=math.prod(shape),
                                  max_size=math.prod(shape))), dtype=bool).reshape(shape)
    return (i,), {"mask": mask}


def _cat(*xs: Tensor, dim: int, form: str) -> Tensor:
    if form == "concatenate":
        return _ops.concatenate(tuple(xs), axis=dim)
    return _ops.cat(list(xs), dim)


def _same_except(a: tuple, b: tuple, axis: int) -> bool:
    return len(a) == len(b) and a[:axis] + a[axis + 1:] == b[:axis] + b[axis + 1:]


@op("cat", ("cat", "concatenate"), _cat)
def _propose_cat(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    a = values[i]
    dim = draw(st.integers(-a.ndim, a.ndim - 1))
    others = [j for j, v in enumerate(values) if _same_except(a.shape, v.shape, dim % a.ndim)]
    picks = (i,) + tuple(draw(st.lists(st.sampled_from(others), min_size=1, max_size=2)))
    if sum(values[j].size for j in picks) > MAX_SIZE:
        return None
    return picks, {"dim": dim, "form": draw(st.sampled_from(["cat", "concatenate"]))}


@op("stack", ("stack",), lambda *xs, dim: _ops.stack(list(xs), dim))
def _propose_stack(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _any)
    a = values[i]
    same = [j for j, v in enumerate(values) if v.shape == a.shape]
    picks = (i,) + tuple(draw(st.lists(st.sampled_from(same), min_size=1, max_size=2)))
    if a.size * len(picks) > MAX_SIZE:
        return None
    return picks, {"dim": draw(st.integers(-a.ndim - 1, a.ndim))}


def _split(x: Tensor, sections: Any, dim: int, piece: int, form: str) -> Tensor:
    parts = x.split(sections, dim) if form == "method" else _ops.split(x, sections, dim)
    return parts[piece]


@op("split", ("split",), _split)
def _propose_split(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1 and v.size > 0)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    if n == 0:
        return None
    if draw(st.booleans()):
        sections: Any = draw(st.integers(1, n))
        count = -(-n // sections)
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
        sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
        count = len(sections)
    return (i,), {"sections": sections, "dim": dim, "piece": draw(st.integers(0, count - 1)),
                  "form": draw(st.sampled_from(["method", "fn"]))}


@op("pad", ("pad",), lambda x, widths, value, form: x.pad(widths, value) if form == "method"
    else _ops.pad(x, widths, value))
def _propose_pad(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _any)
    x = values[i]
    kind = draw(st.sampled_from(["int", "pair", "per_axis"] if x.ndim else ["int", "pair"]))
    if kind == "int":
        widths: Any = draw(st.integers(0, 1))
    elif kind == "pair":
        widths = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    else:
        widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in x.shape)
    w = np.broadcast_to(np.asarray(widths), (x.ndim, 2))
    if math.prod(n + a + b for n, (a, b) in zip(x.shape, w)) > MAX_SIZE:
        return None
    return (i,), {"widths": widths, "value": draw(st.floats(-2, 2)),
                  "form": draw(st.sampled_from(["method", "fn"]))}


# ---- in place on a fresh copy (the copy is used by nothing else yet) -----------------------------
_INPLACE: dict[str, Callable[[Tensor, Tensor], Tensor]] = {}


def _inplace(x: Tensor, y: Tensor, kind: str) -> Tensor:
    z = x.clone()
    if kind == "+=":
        z += y
    elif kind == "-=":
        z -= y
    elif kind == "*=":
        z *= y
    else:
        z /= y
    return z


@op("inplace", ("add", "sub", "mul", "div"), _inplace)
def _propose_inplace(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["+=", "-=", "*=", "/="]))
    i = _pick(draw, values, _any)
    a = values[i]
    ok = (lambda v: bool(np.all(np.abs(v) >= 0.1))) if kind == "/=" else _any
    j = _pick(draw, values, lambda v: _broadcast_shape(a.shape, v.shape) == a.shape and ok(v))
    return None if j is None else ((i, j), {"kind": kind})


def _setitem(x: Tensor, y: Tensor, index: Any, reduce_value: bool) -> Tensor:
    z = x.clone()
    z[index] = y.sum() if reduce_value else y
    return z


@op("setitem", ("getitem",), _setitem)
def _propose_setitem(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    x = values[i]
    if x.shape[0] == 0 or draw(st.booleans()):
        index: Any = _basic_index(draw, x.shape)
    else:  # distinct integer positions (repeated ones make the last write win)
        n = x.shape[0]
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n,
                                       unique=True)), dtype=np.int64)
    target = _indexed_shape(x.shape, index)
    fits = [j for j, v in enumerate(values) if _broadcast_shape(v.shape, target) == target]
    if fits and draw(st.booleans()):
        return (i, draw(st.sampled_from(fits))), {"index": index, "reduce_value": False}
    return (i, draw(st.integers(0, len(values) - 1))), {"index": index, "reduce_value": True}


# ---- drawing a program ----------------------------------------------------------------------------
def _acceptable(out: Any) -> bool:
    if not isinstance(out, Tensor) or out.dtype != np.float64:
        return False
    data = out.data
    return data.size <= MAX_SIZE and bool(np.all(np.isfinite(data))) and (
        data.size == 0 or float(np.max(np.abs(data))) <= MAX_ABS)


@st.composite
def programs(draw: Any, min_steps: int = 5, max_steps: int = 40,
             ops: Sequence[str] | None = None) -> Program:
    """A random Program (see the module docstring), drawing its steps from `ops` (default: all of
    OPS). A step whose op does not apply at the current values is drawn again, so a program may
    have fewer steps than asked for when `ops` is narrow."""
    shapes = draw(ams.broadcastable_shapes(draw(st.integers(1, 3)), min_dims=0, max_dims=3,
                                           max_side=3).filter(
        lambda ss: sum(math.prod(s) for s in ss) <= MAX_LEAF_ELEMENTS))
    leaves = [draw(ams.tensors(shape=s, avoid=(), min_value=-2, max_value=2)).data for s in shapes]
    values = list(leaves)
    steps: list[Step] = []
    target = draw(st.integers(min_steps, max_steps))
    # hypothesis favours the first entries of sampled_from; a drawn shuffle spreads the choice
    names = [str(n) for n in np.random.default_rng(draw(st.integers(0, 2**32 - 1))).permutation(
        sorted(OPS if ops is None else ops))]
    attempts = 0
    while len(steps) < target and attempts < 8 * target:
        attempts += 1
        name = draw(st.sampled_from(names))
        proposal = OPS[name].propose(draw, values)
        if proposal is None:
            continue
        args, params = proposal
        with no_grad(), np.errstate(all="ignore"):
            out = OPS[name].apply(*[Tensor(values[i]) for i in args], **params)
        if not _acceptable(out):
            continue
        steps.append(Step(name, tuple(args), params))
        values.append(out.data)
    used = {i for s in steps for i in s.args}
    n_leaves = len(leaves)
    sinks = [i for i in range(n_leaves, len(values)) if i not in used] or [len(values) - 1]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    outputs = [(i, rng.standard_normal(values[i].shape)) for i in sinks]
    return Program(leaves, steps, outputs)


@st.composite
def focused_programs(draw: Any, op_name: str) -> Program:
    """A small program that applies `op_name` once (to a leaf, or to exp of a leaf, which makes
    inputs positive) and then sin, so the upstream gradient of the op depends on the leaves and
    its backward's own primitives are recorded under create_graph."""
    shapes = draw(ams.broadcastable_shapes(draw(st.integers(1, 2)), max_dims=3, max_side=3))
    leaves = [draw(ams.tensors(shape=s, avoid=(), min_value=-2, max_value=2)).data for s in shapes]
    values = list(leaves)
    steps = [Step("exp", (draw(st.integers(0, len(leaves) - 1)),))]
    values.append(np.exp(values[steps[0].args[0]]))
    proposal = OPS[op_name].propose(draw, values)
    assume(proposal is not None)
    args, params = proposal
    with no_grad(), np.errstate(all="ignore"):
        out = OPS[op_name].apply(*[Tensor(values[i]) for i in args], **params)
    assume(_acceptable(out))
    steps += [Step(op_name, tuple(args), params), Step("sin", (len(values),))]
    return Program(leaves, steps, [(len(values) + 1, np.ones(out.shape))])


def primitives_used(program: Program, order: int = 2) -> set[str]:
    """The registry names of the primitives a program's forward and (differentiated) backward
    record."""
    leaves = [Tensor(a.copy(), requires_grad=True) for a in program.leaves]
    loss = program.run(*leaves)
    roots = [loss]
    if order >= 2 and loss.requires_grad:
        roots += [g for g in grad(loss, leaves, create_graph=True, allow_unused=True)
                  if g is not None and g.requires_grad]
    seen: set[str] = set()
    stack = [r.grad_fn for r in roots if r.grad_fn is not None]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        seen.add(node.fn.__name__)
        stack.extend(fn for fn, _ in node.next_functions if isinstance(fn, Node))
    return seen


def check_program(program: Program, order: int = 2, fast_mode: bool = False) -> None:
    """Assert every leaf's gradient (first and second order) matches finite differences, and that
    `.backward()` fills `.grad` with exactly what `am.autograd.grad` returns.

    fast_mode compares random projections u^T J v instead of whole Jacobians (about a tenth of the
    work: the deep profile's way to reach many more programs)."""
    leaves = [Tensor(a.copy(), requires_grad=True) for a in program.leaves]
    loss = program.run(*leaves)
    if not loss.requires_grad:
        return
    expected = grad(loss, leaves, retain_graph=True, allow_unused=True)
    loss.backward()
    for k, (leaf, g) in enumerate(zip(leaves, expected)):
        want = np.zeros_like(leaf.data) if g is None else g.data
        got = np.zeros_like(leaf.data) if leaf.grad is None else leaf.grad.data
        if got.shape != leaf.shape or not np.array_equal(got, want):
            raise AssertionError(f"leaf {k}: .backward() gave {got!r}, autograd.grad {want!r}")
    assert_grads_match(program.run, *leaves, order=order, fast_mode=fast_mode)


# The ops of am.nn.functional register themselves into OPS (and EXCLUDED) on import.
from . import programs_nn  # noqa: E402,F401


def minimize(program: Program, order: int = 2, fast_mode: bool = False) -> Program:
    """A smaller program that still fails `check_program`: one loss term, and only the steps it
    depends on (for reports: hypothesis's own shrinking is slow on programs this expensive)."""
    def fails(p: Program) -> bool:
        try:
            check_program(p, order, fast_mode)
        except Exception:
            return True
        return False

    for term in program.outputs:
        small = _only_needed(program, [term])
        if fails(small):
            return small
    return program


def _only_needed(program: Program, outputs: list) -> Program:
    n = len(program.leaves)
    needed = {i for i, _ in outputs}
    for k in range(len(program.steps) - 1, -1, -1):
        if n + k in needed:
            needed.update(program.steps[k].args)
    keep = [k for k in range(len(program.steps)) if n + k in needed]
    renumber = {i: i for i in range(n)}
    steps = []
    for k in keep:
        s = program.steps[k]
        steps.append(Step(s.op, tuple(renumber[i] for i in s.args), s.params))
        renumber[n + k] = n + len(steps) - 1
    return Program(program.leaves, steps, [(renumber[i], w) for i, w in outputs])


from . import programs_select  # noqa: E402,F401  (selection, ordering, einsum: appended)


# ---- PyTorch's math ops: more elementwise functions, scans, statistics and norms ------------
def _within(lo: float, hi: float) -> Callable[[np.ndarray], bool]:
    return lambda v: bool(np.all((v >= lo) & (v <= hi)))


def _off_jumps(halves: bool = False) -> Callable[[np.ndarray], bool]:
    """Values MARGIN away from the integers (and from the halves, where round jumps)."""
    def ok(v: np.ndarray) -> bool:
        fraction = v - np.floor(v)
        far = (fraction >= MARGIN) & (fraction <= 1 - MARGIN)
        if halves:
            far &= np.abs(fraction - 0.5) >= MARGIN
        return bool(np.all(far))
    return ok


for _name, _fn, _ok in [
    ("square", lambda x: x.square(), _any),
    ("rsqrt", lambda x: _ops.rsqrt(x), lambda v: v.min(initial=np.inf) >= 0.1),
    ("reciprocal", lambda x: x.reciprocal(), lambda v: bool(np.all(np.abs(v) >= 0.2))),
    ("exp2", lambda x: _ops.exp2(x), lambda v: v.max(initial=-np.inf) <= 3),
    ("expm1", lambda x: x.expm1(), lambda v: v.max(initial=-np.inf) <= 3),
    ("log2", lambda x: _ops.log2(x), lambda v: v.min(initial=np.inf) >= 0.1),
    ("log10", lambda x: x.log10(), lambda v: v.min(initial=np.inf) >= 0.1),
    ("tan", lambda x: _ops.tan(x), _within(-1.2, 1.2)),
    ("asin", lambda x: x.asin(), _within(-0.9, 0.9)),
    ("acos", lambda x: _ops.acos(x), _within(-0.9, 0.9)),
    ("atan", lambda x: x.atan(), _any),
    ("sinh", lambda x: _ops.sinh(x), _within(-3, 3)),
    ("cosh", lambda x: x.cosh(), _within(-3, 3)),
    ("asinh", lambda x: _ops.asinh(x), _any),
    ("acosh", lambda x: x.acosh(), lambda v: v.min(initial=np.inf) >= 1.1),
    ("atanh", lambda x: _ops.atanh(x), _within(-0.9, 0.9)),
    ("erf", lambda x: x.erf(), _any),
    ("erfc", lambda x: _ops.erfc(x), _any),
    ("floor", lambda x: _ops.floor(x), _off_jumps()),
    ("ceil", lambda x: x.ceil(), _off_jumps()),
    ("trunc", lambda x: _ops.trunc(x), _off_jumps()),
    ("round", lambda x: x.round(), _off_jumps(halves=True)),
    ("frac", lambda x: _ops.frac(x), _off_jumps()),
    ("nan_to_num", lambda x: _ops.nan_to_num(x, nan=1.0), _any),
    ("np_tan", lambda x: np.tan(x), _within(-1.2, 1.2)),
]:
    _unary(_name, _fn, _ok, (_name.removeprefix("np_"),))


@op("clamp_bound", ("clamp_min", "clamp_max"),
    lambda x, c, lower: _ops.clamp_min(x, c) if lower else x.clamp_max(c))
def _propose_clamp_bound(draw: Any, values: list) -> Any:
    c = draw(st.floats(-2.0, 2.0))
    i = _pick(draw, values, lambda v: _away(v, c))
    return None if i is None else ((i,), {"c": c, "lower": draw(st.booleans())})


_MATH_BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "atan2": lambda a, b: _ops.atan2(a, b), "arctan2": lambda a, b: a.arctan2(b),
    "hypot": lambda a, b: a.hypot(b), "logaddexp": lambda a, b: _ops.logaddexp(a, b),
    "copysign": lambda a, b: a.copysign(b), "fmax": lambda a, b: _ops.fmax(a, b),
    "fmin": lambda a, b: a.fmin(b), "xlogy": lambda a, b: _ops.xlogy(a, b),
}
_MATH_BINARY_OK: dict[str, Callable[[np.ndarray, np.ndarray], bool]] = {
    # (away from the origin, and from the branch cut a = 0, b < 0, where atan2 jumps by 2 pi)
    "atan2": lambda a, b: bool(np.all((a * a + b * b >= 0.04) & ((b > 0) | (np.abs(a) >= 0.1)))),
    "hypot": lambda a, b: bool(np.all(a * a + b * b >= 0.04)),
    "copysign": lambda a, b: _away(a, 0.0) and _away(b, 0.0),
    "fmax": lambda a, b: bool(np.all(np.abs(a - b) >= MARGIN)),
    "xlogy": lambda a, b: b.min(initial=np.inf) >= 0.1 and _away(a, 0.0),
}
_MATH_BINARY_OK["arctan2"] = _MATH_BINARY_OK["atan2"]
_MATH_BINARY_OK["fmin"] = _MATH_BINARY_OK["fmax"]


def _math_binary(kind: str) -> None:
    """One op per function, so each primitive is met by the focused programs."""
    @op(kind, (kind,), lambda a, b: _MATH_BINARY[kind](a, b))
    def propose(draw: Any, values: list) -> Any:
        pair = _pick_pair(draw, values, ok_pair=_MATH_BINARY_OK.get(kind, lambda a, b: True))
        return None if pair is None else (pair, {})


for _kind in _MATH_BINARY:
    _math_binary(_kind)


@op("lerp", ("lerp",), lambda a, b, w: a.lerp(b, w) if w is not None else _ops.lerp(a, b, b))
def _propose_lerp(draw: Any, values: list) -> Any:
    pair = _pick_pair(draw, values)
    w = draw(st.one_of(st.none(), st.floats(-1.0, 2.0)))
    return None if pair is None else (pair, {"w": w})


def _scan_dim(draw: Any, x: np.ndarray) -> int:
    return draw(st.integers(-x.ndim, x.ndim - 1)) if x.ndim else draw(st.sampled_from([0, -1]))


def _distinct_along(x: np.ndarray, dim: int | None) -> bool:
    """No two values of a group (along dim, or all of x) within MARGIN of each other."""
    rows = x.reshape(1, -1) if dim is None or x.ndim == 0 else _groups(x, dim)
    if rows.size == 0:
        return False
    s = np.sort(rows, axis=1)
    return bool(np.all(np.diff(s, axis=1) >= MARGIN))


_SCANS: dict[str, Callable[..., Tensor]] = {
    "cumsum": lambda x, d: x.cumsum(d), "cumprod": lambda x, d: _ops.cumprod(x, d),
    "logcumsumexp": lambda x, d: _ops.logcumsumexp(x, dim=d),
    "cummax": lambda x, d: _ops.cummax(x, d).values, "cummin": lambda x, d: x.cummin(d).values,
}


def _scan(kind: str) -> None:
    @op(kind, (kind,), lambda x, d: _SCANS[kind](x, d))
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, lambda v: v.size > 0)
        if i is None:
            return None
        x = values[i]
        d = _scan_dim(draw, x)
        if kind == "cumprod" and not (bool(np.all(np.abs(x) >= 0.1)) and (
                x.ndim == 0 or x.shape[d] <= 6)):
            return None
        if kind in ("cummax", "cummin") and not _distinct_along(x, d if x.ndim else None):
            return None
        return (i,), {"d": d}


for _kind in _SCANS:
    _scan(_kind)


def _all_axes(axis: Any) -> Any:
    return None if axis == () else axis


_STATS: dict[str, Callable[..., Tensor]] = {
    "amax": lambda x, axis, keep: x.amax(axis, keep),
    "amin": lambda x, axis, keep: _ops.amin(x, dim=axis, keepdim=keep),
    "aminmax": lambda x, axis, keep: _ops.aminmax(
        x, dim=axis if not isinstance(axis, tuple) else None, keepdim=keep).max,
    "nansum": lambda x, axis, keep: _ops.nansum(x, axis, keep),
    "nanmean": lambda x, axis, keep: x.nanmean(axis, keep),
}


@op("stat", tuple(_STATS), lambda x, axis, keep, kind: _STATS[kind](x, _all_axes(axis), keep))
def _propose_stat(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(sorted(_STATS)))
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    axis = _all_axes(_axes_arg(draw, x.ndim))
    if kind == "aminmax" and isinstance(axis, tuple):
        axis = None
    if kind in ("amax", "amin", "aminmax") and not (
            _gap_ok(x, axis, largest=True) and _gap_ok(x, axis, largest=False)):
        return None
    return (i,), {"axis": axis, "keep": draw(st.booleans()), "kind": kind}


@op("median", ("median",),
    lambda x, d, keep: _ops.median(x) if d is None else x.median(d, keep).values)
def _propose_median(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 0)
    if i is None:
        return None
    x = values[i]
    d = None if x.ndim == 0 or draw(st.booleans()) else _scan_dim(draw, x)
    if not _distinct_along(x, d):
        return None
    return (i,), {"d": d, "keep": draw(st.booleans())}


@op("var_mean", ("var_mean", "std_mean"),
    lambda x, axis, keep, std, pick: (_ops.std_mean if std else _ops.var_mean)(
        x, axis, keep, correction=0)[pick])
def _propose_var_mean(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size > 1)
    if i is None:
        return None
    x = values[i]
    axis = _axes_arg(draw, x.ndim)
    std = draw(st.booleans())
    if std and not np.all(np.var(_groups(x, axis), axis=1) >= 1e-2):
        return None
    return (i,), {"axis": axis, "keep": draw(st.booleans()), "std": std,
                  "pick": draw(st.integers(0, 1))}


@op("norm", ("norm",), lambda x, p, axis, keep: _ops.norm(x, p, axis, keep))
def _propose_norm(draw: Any, values: list) -> Any:
    p = draw(st.sampled_from(["fro", 2, 1, 3, 1.5, np.inf]))
    i = _pick(draw, values, lambda v: v.size > 0 and _away(v, 0.0) and
              bool(np.all(np.abs(v) >= 0.1)))
    if i is None:
        return None
    x = values[i]
    axis = _all_axes(_axes_arg(draw, x.ndim))
    if p == np.inf and not _gap_ok(np.abs(x), axis):
        return None
    return (i,), {"p": p, "axis": axis, "keep": draw(st.booleans())}


EXCLUDED.update({
    "isnan": _BOOL_RESULT, "isinf": _BOOL_RESULT, "isfinite": _BOOL_RESULT,
    "count_nonzero": "no gradient: an int64 count",
})
# More ops, registered by their own modules: group/instance/RMS norm and F.pad modes; attention,
# recurrent, conv1d and pooling; transposed convolutions, interpolation, pixel shuffle, adaptive
# max pooling; linear algebra and LSTM with proj_size.
from . import (  # noqa: E402,F401
    programs_linalg,
    programs_norms,
    programs_sequence,
    programs_vision,
)
