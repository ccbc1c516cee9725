"""Sample-input rules for the selection, ordering, rearranging and contraction ops (gather,
scatter, sort, topk, flip, roll, einsum, ...), read by `test_registry_gradcheck.py`.

Each rule takes hypothesis's `draw` and returns `(fn, args)`: `fn(*args)` is a Tensor (or a tuple
of them; integer outputs such as sort's indices are not differentiated), `args` hold float64
leaves that require grad plus constants. Index tensors are drawn in range; the values that sort,
topk, kthvalue and amax/amin compare are distinct (at least 0.04 apart), so no tie moves under a
finite-difference step; scatter's indices are distinct along the scattered dimension (repeated
ones make one write win, and which one is unspecified, as in PyTorch).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_mini as am

RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {}


def rule(*keys: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for key in keys:
            assert key not in RULES, f"duplicate rule {key}"
            RULES[key] = fn
        return fn

    return register


def _shape(draw: Any, min_dims: int = 1, max_dims: int = 3, max_side: int = 3) -> tuple:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                 max_side=max_side))


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _leaf(array: Any) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def _smooth(draw: Any, shape: tuple) -> am.Tensor:
    return _leaf(_rng(draw).uniform(-2.0, 2.0, shape))


def _distinct(draw: Any, shape: tuple, lo: float = -2.0, hi: float = 2.0) -> am.Tensor:
    r = _rng(draw)
    n = int(np.prod(shape))
    values = np.linspace(lo, hi, max(n, 2))[:n] + r.uniform(-0.005, 0.005, n)
    return _leaf(r.permutation(values).reshape(shape))


def _dim(draw: Any, ndim: int) -> int:
    return draw(st.integers(-ndim, ndim - 1))


def _index_shape(draw: Any, shape: tuple, axis: int, at_most: bool = False) -> tuple:
    """A gather/scatter index shape: no larger than `shape` apart from `axis` (there: 1..3, or
    no larger than shape's length when `at_most`)."""
    out = [draw(st.integers(1, n)) for n in shape]
    out[axis] = draw(st.integers(1, shape[axis] if at_most else 3))
    return tuple(out)


def _distinct_index(r: np.random.Generator, index_shape: tuple, n: int, axis: int) -> np.ndarray:
    """Indices in [0, n) that do not repeat along `axis` (index_shape[axis] <= n)."""
    full = list(index_shape)
    full[axis] = n
    perm = np.argsort(r.random(full), axis=axis)
    return np.take(perm, np.arange(index_shape[axis]), axis=axis).astype(np.int64)


# ---- selection ----------------------------------------------------------------------------
@rule("gather")
def _gather(draw: Any) -> tuple:
    shp = _shape(draw)
    axis = _dim(draw, len(shp))
    ishape = _index_shape(draw, shp, axis % len(shp))
    idx = am.tensor(_rng(draw).integers(0, shp[axis], ishape))
    return (lambda x: am.gather(x, axis, idx)), (_smooth(draw, shp),)


@rule("take_along_dim")
def _take_along_dim(draw: Any) -> tuple:
    shp = _shape(draw)
    r = _rng(draw)
    if draw(st.booleans()):
        idx = am.tensor(r.integers(0, int(np.prod(shp)), _shape(draw, 0, 2)))
        return (lambda x: am.take_along_dim(x, idx)), (_smooth(draw, shp),)
    axis = _dim(draw, len(shp))
    ishape = tuple(1 if draw(st.booleans()) else n for n in shp)  # broadcast in other dims
    ishape = ishape[:axis % len(shp)] + (draw(st.integers(1, 3)),) + ishape[axis % len(shp) + 1:]
    idx = am.tensor(r.integers(0, shp[axis], ishape))
    return (lambda x: x.take_along_dim(idx, dim=axis)), (_smooth(draw, shp),)


@rule("index_select")
def _index_select(draw: Any) -> tuple:
    shp = _shape(draw)
    axis = _dim(draw, len(shp))
    idx = am.tensor(_rng(draw).integers(0, shp[axis], draw(st.integers(0, 4))))
    return (lambda x: am.index_select(x, axis, idx)), (_smooth(draw, shp),)


@rule("masked_fill")
def _masked_fill(draw: Any) -> tuple:
    shp = _shape(draw, 0)
    r = _rng(draw)
    mshape = shp[draw(st.integers(0, len(shp))):]
    mask = am.tensor(r.random(mshape) < 0.5)
    if draw(st.booleans()):
        return (lambda x, v: am.masked_fill(x, mask, v)), (_smooth(draw, shp), _leaf(0.7))
    return (lambda x: x.masked_fill(mask, -1.5)), (_smooth(draw, shp),)


@rule("tril", "triu")
def _triangles(draw: Any) -> tuple:
    shp = _shape(draw, 2, 4)
    k = draw(st.integers(-2, 2))
    upper = draw(st.booleans())
    return (lambda x: (am.triu if upper else am.tril)(x, k)), (_smooth(draw, shp),)


@rule("scatter")
def _scatter(draw: Any) -> tuple:
    shp = _shape(draw)
    axis = _dim(draw, len(shp))
    ishape = _index_shape(draw, shp, axis % len(shp), at_most=True)
    idx = am.tensor(_distinct_index(_rng(draw), ishape, shp[axis], axis % len(shp)))
    if draw(st.booleans()):
        return (lambda x: am.scatter(x, axis, idx, value=0.25)), (_smooth(draw, shp),)
    sshape = tuple(n + draw(st.integers(0, 1)) for n in ishape)  # src may be larger
    return (lambda x, s: x.scatter(axis, idx, s)), (_smooth(draw, shp), _smooth(draw, sshape))


@rule("scatter_add")
def _scatter_add(draw: Any) -> tuple:
    shp = _shape(draw)
    axis = _dim(draw, len(shp))
    ishape = _index_shape(draw, shp, axis % len(shp))
    idx = am.tensor(_rng(draw).integers(0, shp[axis], ishape))
    return (lambda x, s: am.scatter_add(x, axis, idx, s)), (_smooth(draw, shp),
                                                            _smooth(draw, ishape))


@rule("scatter_reduce")
def _scatter_reduce(draw: Any) -> tuple:
    shp = _shape(draw, 1, 2)
    axis = _dim(draw, len(shp))
    ishape = _index_shape(draw, shp, axis % len(shp))
    idx = am.tensor(_rng(draw).integers(0, shp[axis], ishape))
    reduce = draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]))
    include_self = draw(st.booleans())
    both = _distinct(draw, (int(np.prod(shp)) + int(np.prod(ishape)),), 0.3, 2.0)
    x = _leaf(both.data[:int(np.prod(shp))].reshape(shp))
    s = _leaf(both.data[int(np.prod(shp)):].reshape(ishape))
    return (lambda x, s: am.scatter_reduce(x, axis, idx, s, reduce, include_self=include_self)
            ), (x, s)


# ---- ordering -----------------------------------------------------------------------------
@rule("sort")
def _sort(draw: Any) -> tuple:
    shp = _shape(draw, 0)
    dim = _dim(draw, max(len(shp), 1))
    descending = draw(st.booleans())
    return (lambda x: am.sort(x, dim, descending=descending)), (_distinct(draw, shp),)


@rule("argsort")
def _argsort(draw: Any) -> tuple:
    """argsort itself has no gradient: its indices, taken along the dim, sort the values."""
    shp = _shape(draw)
    dim = _dim(draw, len(shp))
    return (lambda x: am.take_along_dim(x, am.argsort(x, dim, descending=True), dim)), (
        _distinct(draw, shp),)


@rule("topk")
def _topk(draw: Any) -> tuple:
    shp = _shape(draw)
    dim = _dim(draw, len(shp))
    k = draw(st.integers(0, shp[dim]))
    largest = draw(st.booleans())
    return (lambda x: x.topk(k, dim, largest=largest)), (_distinct(draw, shp),)


@rule("kthvalue")
def _kthvalue(draw: Any) -> tuple:
    shp = _shape(draw)
    dim = _dim(draw, len(shp))
    k = draw(st.integers(1, shp[dim]))
    keepdim = draw(st.booleans())
    return (lambda x: am.kthvalue(x, k, dim, keepdim)), (_distinct(draw, shp),)


# ---- rearranging --------------------------------------------------------------------------
@rule("Flip", "flip")
def _flip(draw: Any) -> tuple:
    shp = _shape(draw)
    dims = draw(st.lists(st.integers(0, len(shp) - 1), min_size=1, max_size=len(shp),
                         unique=True))
    return (lambda x: am.flip(x, dims)), (_smooth(draw, shp),)


@rule("fliplr", "flipud")
def _fliplr(draw: Any) -> tuple:
    shp = _shape(draw, 2)
    lr = draw(st.booleans())
    return (lambda x: am.fliplr(x) if lr else x.flipud()), (_smooth(draw, shp),)


@rule("Roll", "roll")
def _roll(draw: Any) -> tuple:
    shp = _shape(draw)
    if draw(st.booleans()):
        shift = draw(st.integers(-4, 4))
        return (lambda x: am.roll(x, shift)), (_smooth(draw, shp),)
    dims = draw(st.lists(st.integers(-len(shp), len(shp) - 1), min_size=1, max_size=2))
    shifts = [draw(st.integers(-4, 4)) for _ in dims]
    return (lambda x: x.roll(shifts, dims)), (_smooth(draw, shp),)


@rule("tile", "repeat[method]")
def _tile(draw: Any) -> tuple:
    shp = _shape(draw, 0, 2)
    reps = tuple(draw(st.integers(0, 2)) for _ in range(draw(st.integers(len(shp), 3))))
    if draw(st.booleans()):
        return (lambda x: x.repeat(*reps)), (_smooth(draw, shp),)
    short = reps[draw(st.integers(0, len(reps))):]
    return (lambda x: am.tile(x, short)), (_smooth(draw, shp),)


@rule("repeat_interleave")
def _repeat_interleave(draw: Any) -> tuple:
    shp = _shape(draw, 1, 2)
    if draw(st.booleans()):
        reps = draw(st.integers(0, 2))
        return (lambda x: am.repeat_interleave(x, reps)), (_smooth(draw, shp),)
    dim = _dim(draw, len(shp))
    counts = am.tensor(_rng(draw).integers(0, 3, shp[dim]))
    return (lambda x: x.repeat_interleave(counts, dim=dim)), (_smooth(draw, shp),)


@rule("chunk")
def _chunk(draw: Any) -> tuple:
    shp = _shape(draw, 1, 3, 5)
    dim = _dim(draw, len(shp))
    chunks = draw(st.integers(1, 4))
    return (lambda x: am.chunk(x, chunks, dim)), (_smooth(draw, shp),)


@rule("unbind")
def _unbind(draw: Any) -> tuple:
    shp = _shape(draw)
    dim = _dim(draw, len(shp))
    return (lambda x: x.unbind(dim)), (_smooth(draw, shp),)


@rule("narrow")
def _narrow(draw: Any) -> tuple:
    shp = _shape(draw, 1, 3, 4)
    dim = _dim(draw, len(shp))
    n = shp[dim]
    start = draw(st.integers(-n, n))
    length = draw(st.integers(0, n - (start % n if start < 0 else start)))
    return (lambda x: am.narrow(x, dim, start, length)), (_smooth(draw, shp),)


@rule("movedim")
def _movedim(draw: Any) -> tuple:
    shp = _shape(draw, 1, 4)
    nd = len(shp)
    k = draw(st.integers(1, nd))
    src = draw(st.permutations(range(nd)))[:k]
    dst = draw(st.permutations(range(nd)))[:k]
    fn = am.moveaxis if draw(st.booleans()) else am.movedim
    return (lambda x: fn(x, tuple(src), tuple(dst))), (_smooth(draw, shp),)


@rule("swapaxes")
def _swapaxes(draw: Any) -> tuple:
    shp = _shape(draw)
    a, b = _dim(draw, len(shp)), _dim(draw, len(shp))
    fn = am.swapdims if draw(st.booleans()) else am.swapaxes
    return (lambda x: fn(x, a, b)), (_smooth(draw, shp),)


@rule("unflatten")
def _unflatten(draw: Any) -> tuple:
    shp = _shape(draw)
    dim = _dim(draw, len(shp))
    n = shp[dim]
    sizes = draw(st.sampled_from([(n,), (1, n), (n, 1), (-1,), (1, -1)]))
    return (lambda x: am.unflatten(x, dim, sizes)), (_smooth(draw, shp),)


# ---- einsum -------------------------------------------------------------------------------
# (equation, operand shapes over letter sizes a, b, c; "...": two extra dimensions)
_EQUATIONS = [
    ("ij,jk->ik", "ab,bc"), ("ii->i", "aa"), ("ii->", "aa"), ("ij->", "ab"), ("ij->i", "ab"),
    ("ij->ji", "ab"), ("ji", "ab"), ("ij,ij->ij", "ab,ab"), ("i,j->ij", "a,b"), ("i,i->", "a,a"),
    ("bij,bjk->bik", "cab,cbd"), ("...ij,...jk->...ik", "Eab,Ebc"), ("...i->...", "Ea"),
    ("ij,jk,kl->il", "ab,bc,ca"), ("iij->j", "aab"), ("ij,j->i", "ab,1"), ("i...->...", "aE"),
    ("ijk,kj->ik", "abc,cb"), ("ii,ij->j", "aa,ab"),
]


@rule("Einsum", "einsum")
def _einsum(draw: Any) -> tuple:
    eq, spec = draw(st.sampled_from(_EQUATIONS))
    sizes = {"a": draw(st.integers(1, 3)), "b": draw(st.integers(1, 3)),
             "c": draw(st.integers(1, 3)), "d": draw(st.integers(1, 3)), "1": 1}
    extra = (draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    shapes = []
    for term in spec.split(","):
        shp: tuple = ()
        for c in term:
            shp += extra if c == "E" else (sizes[c],)
        shapes.append(shp)
    leaves = tuple(_smooth(draw, s) for s in shapes)
    return (lambda *ops: am.einsum(eq, *ops)), leaves


# ---- more selection (index_add/copy/fill, take, masked_select/scatter) ------------------------
@rule("index_add", "index_copy", "index_fill")
def _index_ops(draw: Any) -> tuple:
    shp = _shape(draw)
    axis = _dim(draw, len(shp))
    n = shp[axis]
    r = _rng(draw)
    kind = draw(st.sampled_from(["add", "copy", "fill", "fill_tensor"]))
    if kind == "add":
        idx = am.tensor(r.integers(-n, n, draw(st.integers(0, 4))))
    else:  # distinct (index_copy with repeats: one write wins)
        idx = am.tensor(r.permutation(n)[:draw(st.integers(0, n))])
    src_shape = shp[:axis % len(shp)] + (idx.shape[0],) + shp[axis % len(shp) + 1:]
    if kind == "add":
        alpha = draw(st.sampled_from([1, 2.5]))
        return (lambda x, s: am.index_add(x, axis, idx, s, alpha=alpha)), (
            _smooth(draw, shp), _smooth(draw, src_shape))
    if kind == "copy":
        return (lambda x, s: x.index_copy(axis, idx, s)), (_smooth(draw, shp),
                                                           _smooth(draw, src_shape))
    if kind == "fill":
        return (lambda x: am.index_fill(x, axis, idx, 0.5)), (_smooth(draw, shp),)
    return (lambda x, v: x.index_fill(axis, idx, v)), (_smooth(draw, shp), _leaf(-0.25))


@rule("take")
def _take(draw: Any) -> tuple:
    shp = _shape(draw, 0)
    n = int(np.prod(shp))
    idx = am.tensor(_rng(draw).integers(-n, n, _shape(draw, 0, 2)))
    return (lambda x: am.take(x, idx)), (_smooth(draw, shp),)


@rule("masked_select", "masked_scatter")
def _masked(draw: Any) -> tuple:
    shp = _shape(draw, 0)
    r = _rng(draw)
    mask = am.tensor(r.random(shp[draw(st.integers(0, len(shp))):]) < 0.5)
    if draw(st.booleans()):
        return (lambda x: am.masked_select(x, mask)), (_smooth(draw, shp),)
    count = int(np.broadcast_to(mask.data, shp).sum())
    src = _smooth(draw, (count + draw(st.integers(0, 2)),))
    return (lambda x, s: x.masked_scatter(mask, s)), (_smooth(draw, shp), src)


@rule("nonzero", "argwhere")
def _nonzero(draw: Any) -> tuple:
    """No gradient of their own: their indices select from x."""
    shp = _shape(draw)
    mask = am.tensor(_rng(draw).random(shp) < 0.5)
    if draw(st.booleans()):
        return (lambda x: x[am.nonzero(mask, as_tuple=True)]), (_smooth(draw, shp),)
    return (lambda x: x[tuple(am.argwhere(mask).T)]), (_smooth(draw, shp),)


@rule("unique")
def _unique(draw: Any) -> tuple:
    """No gradient of its own: the distinct indices, and the inverse, select from x."""
    n = draw(st.integers(1, 4))
    idx = am.tensor(_rng(draw).integers(0, n, draw(st.integers(1, 5))))
    values, inverse = am.unique(idx, return_inverse=True)
    return (lambda x: am.index_select(x, 0, values) * am.index_select(x, 0, inverse).sum()), (
        _smooth(draw, (n,)),)


@rule("searchsorted", "bucketize")
def _searchsorted(draw: Any) -> tuple:
    """No gradient of their own: the positions select from x."""
    n = draw(st.integers(1, 4))
    r = _rng(draw)
    seq = am.tensor(np.sort(r.uniform(-1, 1, n)))
    values = am.tensor(r.uniform(-1.5, 1.5, draw(st.integers(1, 4))))
    if draw(st.booleans()):
        pos = am.searchsorted(seq, values, right=draw(st.booleans()))
    else:
        pos = am.bucketize(values, seq)
    return (lambda x: am.take(x, pos)), (_smooth(draw, (n + 1,)),)


# ---- diagonals ----------------------------------------------------------------------------
@rule("Diagonal", "diagonal", "trace")
def _diagonal(draw: Any) -> tuple:
    shp = _shape(draw, 2, 4)
    nd = len(shp)
    d1, d2 = draw(st.permutations(range(nd)))[:2]
    offset = draw(st.integers(-2, 2))
    if draw(st.booleans()) and nd == 2:
        return (lambda x: am.trace(x)), (_smooth(draw, shp),)
    if draw(st.booleans()):
        d1 -= nd  # negative dims too
    return (lambda x: x.diagonal(offset, d1, d2)), (_smooth(draw, shp),)


@rule("DiagonalScatter", "diag_embed", "diag")
def _diag_embed(draw: Any) -> tuple:
    shp = _shape(draw, 1, 3)
    offset = draw(st.integers(-2, 2))
    kind = draw(st.sampled_from(["embed", "diag1", "diag2"]))
    if kind == "embed":
        nd = len(shp) + 1
        d1, d2 = draw(st.permutations(range(nd)))[:2]
        return (lambda x: am.diag_embed(x, offset, d1, d2 - nd)), (_smooth(draw, shp),)
    if kind == "diag1":
        return (lambda x: am.diag(x, offset)), (_smooth(draw, shp[:1]),)
    return (lambda x: x.diag(offset)), (_smooth(draw, (shp[0], draw(st.integers(1, 3)))),)


# ---- joining ------------------------------------------------------------------------------
@rule("hstack", "vstack", "dstack", "column_stack", "row_stack")
def _stacks(draw: Any) -> tuple:
    kind = draw(st.sampled_from(["hstack", "vstack", "dstack", "column_stack", "row_stack"]))
    n = draw(st.integers(1, 3))
    nd = draw(st.integers(1, 3))
    shp = _shape(draw, nd, nd)
    if kind in ("column_stack",) and nd == 1:
        shapes = [shp, (shp[0], draw(st.integers(1, 2)))]
    else:
        shapes = [shp] * 2
    fn = getattr(am, kind)
    return (lambda a, b: fn([a, b, a][:n + 1])), tuple(_smooth(draw, s) for s in shapes)


@rule("atleast_1d", "atleast_2d", "atleast_3d")
def _atleast(draw: Any) -> tuple:
    fn = getattr(am, draw(st.sampled_from(["atleast_1d", "atleast_2d", "atleast_3d"])))
    shp = _shape(draw, 0, 4)
    if draw(st.booleans()):
        return (lambda x: fn(x)), (_smooth(draw, shp),)
    return (lambda x, y: fn(x, y)), (_smooth(draw, shp), _smooth(draw, _shape(draw, 0, 2)))


@rule("broadcast_tensors", "meshgrid", "cartesian_prod")
def _grids(draw: Any) -> tuple:
    kind = draw(st.sampled_from(["broadcast", "ij", "xy", "prod"]))
    if kind == "broadcast":
        a = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
        return (lambda x, y: am.broadcast_tensors(x, y)), tuple(
            _smooth(draw, s) for s in a.input_shapes)
    shapes = [(draw(st.integers(1, 3)),) for _ in range(draw(st.integers(1, 3)))]
    leaves = tuple(_smooth(draw, s) for s in shapes)
    if kind == "prod":
        return (lambda *xs: am.cartesian_prod(*xs)), leaves
    return (lambda *xs: am.meshgrid(*xs, indexing=kind)), leaves


@rule("block_diag")
def _block_diag(draw: Any) -> tuple:
    shapes = [_shape(draw, 0, 2) for _ in range(draw(st.integers(1, 3)))]
    return (lambda *xs: am.block_diag(*xs)), tuple(_smooth(draw, s) for s in shapes)


# ---- products -----------------------------------------------------------------------------
@rule("tensordot", "inner")
def _tensordot(draw: Any) -> tuple:
    sa = _shape(draw, 1, 3)
    k = draw(st.integers(0, len(sa)))
    sb = sa[len(sa) - k:] + _shape(draw, 0, 2)
    if draw(st.booleans()):
        return (lambda a, b: am.tensordot(a, b, k)), (_smooth(draw, sa), _smooth(draw, sb))
    sb = _shape(draw, 0, 2) + sa[-1:]
    return (lambda a, b: am.inner(a, b)), (_smooth(draw, sa), _smooth(draw, sb))


@rule("outer", "ger", "kron")
def _outer(draw: Any) -> tuple:
    if draw(st.booleans()):
        return (lambda a, b: a.outer(b)), (_smooth(draw, _shape(draw, 1, 1)),
                                           _smooth(draw, _shape(draw, 1, 1)))
    return (lambda a, b: am.kron(a, b)), (_smooth(draw, _shape(draw, 0, 3, 2)),
                                          _smooth(draw, _shape(draw, 0, 3, 2)))


@rule("cross")
def _cross(draw: Any) -> tuple:
    shp = list(_shape(draw, 1, 3))
    axis = draw(st.integers(0, len(shp) - 1))
    shp[axis] = 3
    other = tuple(1 if (i != axis and draw(st.booleans())) else n for i, n in enumerate(shp))
    # (dim=None, the first axis of size 3, is deprecated and warns as in torch: tests of that
    # are in test_ops_select.py)
    return (lambda a, b: am.cross(a, b, dim=axis)), (_smooth(draw, tuple(shp)),
                                                     _smooth(draw, other))


@rule("addmm", "baddbmm")
def _addmm(draw: Any) -> tuple:
    m, k, n = (draw(st.integers(1, 3)) for _ in range(3))
    beta, alpha = draw(st.sampled_from([0, 1, 0.5])), draw(st.sampled_from([1, -2.0]))
    if draw(st.booleans()):
        inp = (n,) if draw(st.booleans()) else (m, n)
        return (lambda c, a, b: am.addmm(c, a, b, beta=beta, alpha=alpha)), (
            _smooth(draw, inp), _smooth(draw, (m, k)), _smooth(draw, (k, n)))
    bs = draw(st.integers(1, 2))
    return (lambda c, a, b: c.baddbmm(a, b, beta=beta, alpha=alpha)), (
        _smooth(draw, (bs, m, n)), _smooth(draw, (bs, m, k)), _smooth(draw, (bs, k, n)))
