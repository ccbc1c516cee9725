"""The selection, ordering, rearranging and contraction ops for random programs (see
`programs`): gather/scatter, index_select, take_along_dim, masked_fill, tril/triu, sort, topk,
kthvalue, flip, roll, tile/repeat, repeat_interleave, chunk/unbind/narrow, movedim, swapaxes,
unflatten and einsum. Index arrays are drawn in range as constants; sort, topk and kthvalue are
only chosen where the compared values are at least MARGIN apart (no tie can move)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_mini import Tensor
from autograd_mini import ops as _ops

from .programs import EXCLUDED, MARGIN, MAX_SIZE, _any, _pick, op

EXCLUDED.update({
    "argsort": "integer output, no gradient (its indices are used by the sort op through "
               "take_along_dim; checked in tests/op_rules_select.py)",
    "scatter_reduce": "a Python loop of small reductions per written place, too many nodes for "
                      "the program sizes here; gradcheck'ed in tests/op_rules_select.py",
    "nonzero": "integer output, no gradient", "argwhere": "integer output, no gradient",
    "unique": "integer output here, no gradient (as PyTorch's)",
    "searchsorted": "integer output, no gradient", "bucketize": "integer output, no gradient",
})


def _seed(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _nonempty(v: np.ndarray) -> bool:
    return v.ndim >= 1 and v.size > 0


def _no_ties(v: np.ndarray, axis: int) -> bool:
    if v.shape[axis] < 2:
        return True
    s = np.sort(v, axis=axis)
    return bool(np.all(np.diff(s, axis=axis) >= MARGIN))


@op("gather", ("gather", "take_along_dim", "index_select"),
    lambda x, kind, dim, index: {"gather": _ops.gather, "take": _ops.take_along_dim,
                                 "select": _ops.index_select}[kind](x, dim, index)
    if kind != "take" else _ops.take_along_dim(x, index, dim))
def _propose_gather(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    kind = draw(st.sampled_from(["gather", "take", "select"]))
    r = _seed(draw)
    if kind == "select":
        index = r.integers(0, x.shape[dim], draw(st.integers(0, 4)))
    else:
        shape = [draw(st.integers(1, n)) if kind == "gather" else n for n in x.shape]
        shape[dim] = draw(st.integers(1, 3))
        index = r.integers(0, x.shape[dim], shape)
    if math.prod(_ops.index_select(Tensor(x), dim, index).shape if kind == "select"
                 else index.shape) > MAX_SIZE:
        return None
    return (i,), {"kind": kind, "dim": dim, "index": index}


def _scatter(x: Tensor, y: Tensor, dim: int, index: np.ndarray, add: bool, form: str) -> Tensor:
    z = x.clone() if form == "inplace" else x
    if add:
        return z.scatter_add_(dim, index, y) if form == "inplace" else _ops.scatter_add(
            z, dim, index, y)
    return z.scatter_(dim, index, y) if form == "inplace" else _ops.scatter(z, dim, index, y)


@op("scatter", ("scatter", "scatter_add"), _scatter)
def _propose_scatter(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(0, x.ndim - 1))
    add = draw(st.booleans())
    # a source whose shape fits: every dim no larger than x's apart from dim (where it must not
    # exceed x's length for distinct indices when not adding)
    j = _pick(draw, values, lambda v: v.ndim == x.ndim and v.size > 0 and all(
        v.shape[d] <= x.shape[d] for d in range(x.ndim) if d != dim or not add))
    if j is None:
        return None
    shape = values[j].shape
    r = _seed(draw)
    if add:
        index = r.integers(0, x.shape[dim], shape)
    else:
        full = list(shape)
        full[dim] = x.shape[dim]
        index = np.take(np.argsort(r.random(full), axis=dim), np.arange(shape[dim]), axis=dim)
    return (i, j), {"dim": dim, "index": index, "add": add,
                    "form": draw(st.sampled_from(["fn", "inplace"]))}


@op("masked_fill", ("masked_fill", "tril", "triu"),
    lambda x, kind, mask, k: _ops.masked_fill(x, mask, 0.5) if kind == "fill" else
    (_ops.tril if kind == "tril" else _ops.triu)(x, k))
def _propose_masked_fill(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["fill", "tril", "triu"]))
    i = _pick(draw, values, _any if kind == "fill" else (lambda v: v.ndim >= 2))
    if i is None:
        return None
    mask = _seed(draw).random(values[i].shape) < 0.5
    return (i,), {"kind": kind, "mask": mask, "k": draw(st.integers(-1, 1))}


def _ordered(x: Tensor, kind: str, dim: int, k: int, flag: bool) -> Tensor:
    if kind == "sort":
        return x.sort(dim, descending=flag).values
    if kind == "argsort":
        return _ops.take_along_dim(x, _ops.argsort(x, dim, descending=flag), dim)
    if kind == "topk":
        return _ops.topk(x, k, dim, largest=flag).values
    return _ops.kthvalue(x, k, dim, keepdim=flag).values


@op("sort", ("sort", "topk", "kthvalue", "take_along_dim"), _ordered)
def _propose_sort(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    if not _no_ties(x, dim):
        return None
    kind = draw(st.sampled_from(["sort", "argsort", "topk", "kthvalue"]))
    k = draw(st.integers(0 if kind == "topk" else 1, x.shape[dim]))
    return (i,), {"kind": kind, "dim": dim, "k": k, "flag": draw(st.booleans())}


@op("flip", ("flip", "fliplr", "flipud", "roll"),
    lambda x, kind, dims, shifts: {"flip": lambda: x.flip(dims),
                                   "lr": lambda: _ops.fliplr(x), "ud": lambda: _ops.flipud(x),
                                   "roll": lambda: _ops.roll(x, shifts, dims),
                                   "roll_flat": lambda: x.roll(shifts[0])}[kind]())
def _propose_flip(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["flip", "lr", "ud", "roll", "roll_flat"]))
    i = _pick(draw, values, (lambda v: v.ndim >= 2) if kind == "lr" else _nonempty)
    if i is None:
        return None
    nd = values[i].ndim
    dims = tuple(draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True)))
    shifts = tuple(draw(st.integers(-3, 3)) for _ in dims)
    return (i,), {"kind": kind, "dims": dims, "shifts": shifts}


def _tile(x: Tensor, kind: str, reps: tuple, dim: Any) -> Tensor:
    if kind == "repeat":
        return x.repeat(*reps)
    if kind == "tile":
        return _ops.tile(x, reps)
    return _ops.repeat_interleave(x, reps[0], dim)


@op("tile", ("tile", "repeat_interleave"), _tile)
def _propose_tile(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _any)
    x = values[i]
    kind = draw(st.sampled_from(["repeat", "tile", "interleave"]))
    n = draw(st.integers(x.ndim if kind == "repeat" else 1, max(x.ndim, 1) + 1))
    reps = tuple(draw(st.integers(1, 2)) for _ in range(n))
    dim = None if x.ndim == 0 or draw(st.booleans()) else draw(st.integers(0, x.ndim - 1))
    if x.size * math.prod(reps) > MAX_SIZE:
        return None
    return (i,), {"kind": kind, "reps": reps, "dim": dim}


def _piece(x: Tensor, kind: str, dim: int, n: int, k: int, start: int) -> Tensor:
    if kind == "chunk":
        parts = x.chunk(n, dim)
        return parts[k % len(parts)]
    if kind == "unbind":
        parts = _ops.unbind(x, dim)
        return parts[k % len(parts)]
    return _ops.narrow(x, dim, start, n)


@op("piece", ("chunk", "unbind", "narrow"), _piece)
def _propose_piece(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    length = x.shape[dim]
    kind = draw(st.sampled_from(["chunk", "unbind", "narrow"]))
    start = draw(st.integers(0, length))
    n = draw(st.integers(0, length - start)) if kind == "narrow" else draw(st.integers(1, 3))
    return (i,), {"kind": kind, "dim": dim, "n": n, "k": draw(st.integers(0, 3)),
                  "start": start}


def _move(x: Tensor, kind: str, src: tuple, dst: tuple, sizes: tuple) -> Tensor:
    if kind == "movedim":
        return _ops.movedim(x, src, dst)
    if kind == "moveaxis":
        return x.moveaxis(src, dst)
    if kind == "swapaxes":
        return _ops.swapaxes(x, src[0], dst[0])
    if kind == "swapdims":
        return x.swapdims(src[0], dst[0])
    return _ops.unflatten(x, src[0], sizes)


@op("movedim", ("movedim", "moveaxis", "swapaxes", "swapdims", "unflatten"), _move)
def _propose_move(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    nd = x.ndim
    k = draw(st.integers(1, nd))
    src = tuple(draw(st.permutations(range(nd)))[:k])
    dst = tuple(draw(st.permutations(range(nd)))[:k])
    n = x.shape[src[0]]
    sizes = draw(st.sampled_from([(n,), (1, n), (n, 1), (-1,), (1, -1)]))
    kind = draw(st.sampled_from(["movedim", "moveaxis", "swapaxes", "swapdims", "unflatten"]))
    return (i,), {"kind": kind, "src": src, "dst": dst, "sizes": sizes}


def _einsum(*xs: Tensor, equation: str) -> Tensor:
    return _ops.einsum(equation, *xs)


def _einsum_equation(draw: Any, shapes: list[tuple]) -> str | None:
    """A random equation for operands of these shapes: equal sizes may share a letter (so
    repeated letters within an operand, diagonals, happen), the output a random subset."""
    letters = "abcdefgh"
    by_size: dict[int, list[str]] = {}
    terms = []
    used: list[str] = []
    for shape in shapes:
        term = ""
        for n in shape:
            pool = by_size.setdefault(n, [])
            if pool and draw(st.booleans()):
                c = draw(st.sampled_from(pool))
            else:
                if len(used) == len(letters):
                    return None
                c = letters[len(used)]
                used.append(c)
                pool.append(c)
            term += c
        terms.append(term)
    seen = sorted(set("".join(terms)))
    out = "".join(c for c in draw(st.permutations(seen)) if draw(st.booleans()))
    return ",".join(terms) + "->" + out


@op("einsum", ("einsum",), _einsum)
def _propose_einsum(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim <= 3)
    if i is None:
        return None
    picks = [i]
    if draw(st.booleans()):
        j = _pick(draw, values, lambda v: v.ndim <= 3)
        if j is not None:
            picks.append(j)
    equation = _einsum_equation(draw, [values[k].shape for k in picks])
    if equation is None:
        return None
    return tuple(picks), {"equation": equation}


# ---- index_add/copy/fill, take, masked_select/scatter -------------------------------------------
def _index2(x: Tensor, y: Tensor, kind: str, dim: int, index: np.ndarray, mask: np.ndarray
            ) -> Tensor:
    if kind == "add":
        return _ops.index_add(x, dim, index, y, alpha=0.5)
    if kind == "copy":
        return x.index_copy(dim, index, y)
    if kind == "fill":
        return _ops.index_fill(x, dim, index, y.sum())
    if kind == "take":
        return _ops.take(x, index)
    if kind == "select":
        return _ops.masked_select(x, mask)
    return x.masked_scatter(mask, y)


@op("index2", ("index_add", "index_copy", "index_fill", "take", "masked_select",
               "masked_scatter"), _index2)
def _propose_index2(draw: Any, values: list) -> Any:
    i = _pick(draw, values, _nonempty)
    if i is None:
        return None
    x = values[i]
    dim = draw(st.integers(0, x.ndim - 1))
    n = x.shape[dim]
    kind = draw(st.sampled_from(["add", "copy", "fill", "take", "select", "scatter"]))
    r = _seed(draw)
    mask = r.random(x.shape) < 0.5
    if kind == "take":
        index = r.integers(-x.size, x.size, draw(st.integers(1, 4)))
        return (i, i), {"kind": kind, "dim": dim, "index": index, "mask": mask}
    if kind in ("select", "scatter"):
        count = int(mask.sum())
        j = _pick(draw, values, lambda v: v.size >= count)
        return None if j is None else ((i, j), {"kind": kind, "dim": dim, "index": None,
                                                "mask": mask})
    # a source with x's shape but for the length along dim: its length picks the indices
    j = _pick(draw, values, lambda v: v.ndim == x.ndim and all(
        v.shape[d] == x.shape[d] for d in range(x.ndim) if d != dim) and (
        kind != "copy" or v.shape[dim] <= n))
    if j is None:
        return None
    m = values[j].shape[dim]
    index = r.permutation(n)[:m] if kind == "copy" else r.integers(0, n, m)
    return (i, j), {"kind": kind, "dim": dim, "index": index, "mask": mask}


def _diag(x: Tensor, kind: str, offset: int, d1: int, d2: int) -> Tensor:
    if kind == "diagonal":
        return x.diagonal(offset, d1, d2)
    if kind == "embed":
        return _ops.diag_embed(x, offset, d1, d2)
    if kind == "diag":
        return _ops.diag(x, offset)
    return _ops.trace(x)


@op("diag", ("diagonal", "diag_embed", "diag", "trace"), _diag)
def _propose_diag(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["diagonal", "embed", "diag", "trace"]))
    ok = {"diagonal": lambda v: v.ndim >= 2, "embed": lambda v: 1 <= v.ndim <= 2,
          "diag": lambda v: v.ndim in (1, 2), "trace": lambda v: v.ndim == 2}[kind]
    i = _pick(draw, values, ok)
    if i is None:
        return None
    nd = values[i].ndim + (1 if kind == "embed" else 0)
    d1, d2 = draw(st.permutations(range(nd)))[:2] if nd >= 2 else (0, 1)
    return (i,), {"kind": kind, "offset": draw(st.integers(-1, 1)), "d1": d1, "d2": d2}


def _join(a: Tensor, b: Tensor, kind: str) -> Tensor:
    if kind in ("hstack", "vstack", "dstack", "column_stack", "row_stack"):
        return getattr(_ops, kind)([a, b])
    if kind == "block_diag":
        return _ops.block_diag(a, b)
    if kind == "broadcast_tensors":
        return _ops.broadcast_tensors(a, b)[0] * _ops.broadcast_tensors(a, b)[1]
    if kind == "meshgrid":
        g = _ops.meshgrid(a.reshape(-1), b.reshape(-1), indexing="xy")
        return g[0] - g[1]
    if kind == "cartesian_prod":
        return _ops.cartesian_prod(a.reshape(-1), b.reshape(-1))
    return getattr(_ops, kind)(a)


_JOINS = ["hstack", "vstack", "dstack", "column_stack", "row_stack", "block_diag",
          "broadcast_tensors", "meshgrid", "cartesian_prod", "atleast_1d", "atleast_2d",
          "atleast_3d"]


@op("join", tuple(_JOINS), _join)
def _propose_join(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(_JOINS))
    i = _pick(draw, values, _any if kind != "block_diag" else (lambda v: v.ndim <= 2))
    if i is None:
        return None
    a = values[i]

    def fits(b: np.ndarray) -> bool:
        if kind == "block_diag":
            return b.ndim <= 2
        if kind == "broadcast_tensors":
            return _broadcast_ok(a.shape, b.shape)
        if kind in ("meshgrid", "cartesian_prod"):
            return a.size * b.size <= MAX_SIZE
        if kind.startswith("atleast"):
            return True
        try:
            _join(Tensor(a), Tensor(b), kind)
        except (RuntimeError, ValueError):
            return False
        return True

    j = _pick(draw, values, fits)
    return None if j is None else ((i, j), {"kind": kind})


def _broadcast_ok(a: tuple, b: tuple) -> bool:
    try:
        return math.prod(np.broadcast_shapes(a, b)) <= MAX_SIZE
    except ValueError:
        return False


def _product(a: Tensor, b: Tensor, c: Tensor, kind: str, k: int) -> Tensor:
    if kind == "tensordot":
        return _ops.tensordot(a, b, k)
    if kind == "outer":
        return _ops.outer(a, b) if k == 0 else _ops.ger(a, b)
    if kind == "inner":
        return a.inner(b)
    if kind == "kron":
        return _ops.kron(a, b)
    if kind == "cross":
        return _ops.cross(a, b, dim=k)
    if kind == "addmm":
        return _ops.addmm(c, a, b, beta=0.5, alpha=2.0)
    return _ops.baddbmm(c, a, b, alpha=-1.0)


@op("product", ("tensordot", "outer", "ger", "inner", "kron", "cross", "addmm", "baddbmm"),
    _product)
def _propose_product(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["tensordot", "outer", "inner", "kron", "cross", "addmm",
                                 "baddbmm"]))
    i = _pick(draw, values, _any)
    a = values[i]
    k = 0
    if kind == "tensordot":
        k = draw(st.integers(0, min(a.ndim, 2)))
        ok = lambda b: b.ndim >= k and b.shape[:k] == a.shape[a.ndim - k:]  # noqa: E731
    elif kind == "outer":
        k = draw(st.integers(0, 1))  # outer or its alias ger
        ok = lambda b: a.ndim == 1 and b.ndim == 1  # noqa: E731
    elif kind == "inner":
        ok = lambda b: a.ndim == 0 or b.ndim == 0 or a.shape[-1:] == b.shape[-1:]  # noqa: E731
    elif kind == "kron":
        ok = lambda b: a.size * b.size <= MAX_SIZE  # noqa: E731
    elif kind == "cross":
        if 3 not in a.shape:
            return None
        k = a.shape.index(3)
        ok = lambda b: b.shape == a.shape  # noqa: E731
    elif kind == "addmm":
        ok = lambda b: a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]  # noqa: E731
    else:
        ok = lambda b: a.ndim == 3 and b.ndim == 3 and a.shape[0] == b.shape[0] and \
            a.shape[2] == b.shape[1]  # noqa: E731
    j = _pick(draw, values, ok)
    if j is None:
        return None
    with np.errstate(all="ignore"):
        shape = _product(Tensor(a), Tensor(values[j]), Tensor(np.zeros(())), kind, k).shape \
            if kind not in ("addmm", "baddbmm") else (a.shape[:-1] + values[j].shape[-1:])
    c = _pick(draw, values, lambda v: _broadcast_ok(v.shape, shape) and
              np.broadcast_shapes(v.shape, shape) == shape)
    if c is None:
        return None
    return (i, j, c), {"kind": kind, "k": k}
