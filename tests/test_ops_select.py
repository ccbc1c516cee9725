"""Selection, ordering, rearranging and contraction ops against PyTorch: values, dtypes, which
results are views, gradients, and errors.

The cases run twice: against literals recorded from PyTorch 2.13 (`EXPECTED`, at the bottom; no
PyTorch needed) and live against PyTorch when it is installed. Each case is `fn(L, x)` written
once for both libraries (`L` is `autograd_mini` or `torch`); the gradient is that of
sum_k (out_k * w_k) over the floating-point outputs with fixed weights w_k.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

X23 = [[0.5, -1.25, 2.0], [3.5, 0.25, -0.75]]
X33 = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.5], [2.5, -0.5, 1.75]]
X234 = [[[0.1 * (i * 12 + j * 4 + k) - 1.0 for k in range(4)] for j in range(3)]
        for i in range(2)]
TIES = [[2.0, 1.0, 2.0, 1.0, 3.0], [0.0, 0.0, -1.0, 0.0, -1.0]]

# id -> (fn(L, x), input)
CASES: dict[str, tuple[Callable[[Any, Any], Any], Any]] = {
    "gather": (lambda L, x: L.gather(x, 1, L.tensor([[0, 0, 2], [1, 0, 1]])), X23),
    "gather_small_index": (lambda L, x: x.gather(0, L.tensor([[1], [0], [1]])), X33),
    "gather_repeat": (lambda L, x: L.gather(x, 0, L.tensor([[1, 1, 1], [1, 1, 1]])), X23),
    "take_along_dim": (lambda L, x: L.take_along_dim(x, L.tensor([[2], [0]]), dim=1), X23),
    "take_along_dim_broadcast": (lambda L, x: L.take_along_dim(x, L.tensor([[0, 2]]), 1), X23),
    "take_along_dim_flat": (lambda L, x: L.take_along_dim(x, L.tensor([5, 0, 5])), X23),
    "index_select": (lambda L, x: L.index_select(x, 1, L.tensor([2, 0, 2])), X23),
    "index_select_method": (lambda L, x: x.index_select(0, L.tensor([1])), X33),
    "masked_fill": (lambda L, x: x.masked_fill(L.tensor([True, False, True]), -9.0), X23),
    "masked_fill_tensor_value": (lambda L, x: L.masked_fill(x, L.tensor([[True], [False]]),
                                                            (x * 2).sum()), X23),
    "masked_fill_int": (lambda L, x: L.tensor([[1, 2], [3, 4]]).masked_fill(
        L.tensor([[True, False], [False, True]]), 2.7) * x.sum(), 1.5),
    "tril": (lambda L, x: L.tril(x), X33),
    "tril_k": (lambda L, x: x.tril(-1), X234),
    "triu": (lambda L, x: L.triu(x, 1), X23),
    "triu_neg": (lambda L, x: x.triu(diagonal=-1), X33),
    "scatter": (lambda L, x: L.scatter(x, 1, L.tensor([[2, 0], [1, 2]]), x[:, :2] * 10), X23),
    "scatter_value": (lambda L, x: x.scatter(0, L.tensor([[1, 0, 1]]), 7.5), X23),
    "scatter_add": (lambda L, x: L.scatter_add(x, 1, L.tensor([[0, 0, 2], [1, 1, 1]]),
                                                x * 3), X23),
    "scatter_add_small": (lambda L, x: x.scatter_add(0, L.tensor([[2, 2]]), x[1:2, :2]), X33),
    "scatter_reduce_sum": (lambda L, x: L.scatter_reduce(x, 1, L.tensor([[0, 0, 2]]),
                                                         x[:1] * 2, "sum"), X23),
    "scatter_reduce_mean": (lambda L, x: L.scatter_reduce(x, 1, L.tensor([[0, 0, 2]]),
                                                          x[:1] * 2, "mean"), X23),
    "scatter_reduce_mean_noself": (lambda L, x: L.scatter_reduce(
        x, 1, L.tensor([[0, 0, 2]]), x[:1] * 2, "mean", include_self=False), X23),
    "scatter_reduce_prod": (lambda L, x: L.scatter_reduce(x, 0, L.tensor([[0, 1, 1]]),
                                                          x[1:] + 1, "prod"), X23),
    "scatter_reduce_amax": (lambda L, x: x.scatter_reduce(1, L.tensor([[1, 1, 1]]),
                                                          x[1:] * 3, "amax"), X23),
    "scatter_reduce_amin_noself": (lambda L, x: x.scatter_reduce(
        1, L.tensor([[1, 1, 0]]), x[1:] * 3, "amin", include_self=False), X23),
    "sort": (lambda L, x: L.sort(x), X23),
    "sort_desc_dim0": (lambda L, x: x.sort(0, descending=True), X33),
    "sort_stable_ties": (lambda L, x: L.sort(x, stable=True), TIES),
    "sort_stable_ties_desc": (lambda L, x: L.sort(x, descending=True, stable=True), TIES),
    "argsort": (lambda L, x: L.argsort(x, dim=1) + 0 * x.sum().long(), X33),
    "argsort_desc": (lambda L, x: x.argsort(descending=True) + 0 * x.sum().long(), X23),
    "topk": (lambda L, x: L.topk(x, 2), X23),
    "topk_smallest_dim0": (lambda L, x: x.topk(2, dim=0, largest=False), X33),
    # (among equal values PyTorch's topk picks in an unspecified order: compare the values only)
    "topk_ties": (lambda L, x: L.topk(x.detach(), 3).values, TIES),
    "kthvalue": (lambda L, x: L.kthvalue(x, 2), X23),
    "kthvalue_keepdim": (lambda L, x: x.kthvalue(1, 0, keepdim=True), X33),
    "flip": (lambda L, x: L.flip(x, (0, 1)), X23),
    "flip_method": (lambda L, x: x.flip(-1), X234),
    "fliplr": (lambda L, x: L.fliplr(x), X23),
    "flipud": (lambda L, x: x.flipud(), X23),
    "roll": (lambda L, x: L.roll(x, 1, 1), X23),
    "roll_flat": (lambda L, x: x.roll(-2), X23),
    "roll_two": (lambda L, x: L.roll(x, (1, -1), (0, 2)), X234),
    "repeat": (lambda L, x: x.repeat(2, 1, 2), X23),
    "repeat_ones": (lambda L, x: x.repeat(1, 1), X23),
    "tile": (lambda L, x: L.tile(x, (2,)), X23),
    "tile_more": (lambda L, x: x.tile(2, 1, 1), X23),
    "repeat_interleave": (lambda L, x: L.repeat_interleave(x, 2), X23),
    "repeat_interleave_dim": (lambda L, x: x.repeat_interleave(L.tensor([1, 0, 2]), dim=1),
                              X23),
    "chunk": (lambda L, x: L.chunk(x, 2, 1), X23),
    "chunk_uneven": (lambda L, x: x.chunk(3, -1), X234),
    "unbind": (lambda L, x: L.unbind(x, 1), X23),
    "narrow": (lambda L, x: L.narrow(x, 1, 1, 2), X23),
    "narrow_neg": (lambda L, x: x.narrow(-1, -2, 2), X234),
    "movedim": (lambda L, x: L.movedim(x, 0, -1), X234),
    "moveaxis_pair": (lambda L, x: L.moveaxis(x, (0, 1), (2, 0)), X234),
    "swapaxes": (lambda L, x: L.swapaxes(x, 0, 2), X234),
    "swapdims": (lambda L, x: x.swapdims(0, 1), X23),
    "unflatten": (lambda L, x: L.unflatten(x, 1, (3, 1)), X23),
    "unflatten_infer": (lambda L, x: x.unflatten(-1, (2, -1)), X234),
    "einsum_matmul": (lambda L, x: L.einsum("ij,jk->ik", x, x.T), X23),
    "einsum_diag": (lambda L, x: L.einsum("ii->i", x), X33),
    "einsum_trace": (lambda L, x: L.einsum("ii", x), X33),
    "einsum_implicit": (lambda L, x: L.einsum("ji", x), X23),
    "einsum_sum": (lambda L, x: L.einsum("ijk->j", x), X234),
    "einsum_ellipsis": (lambda L, x: L.einsum("...jk,...kj->...", x[:, :, :3], x[:, :, :3]),
                        X234),
    "einsum_outer_list": (lambda L, x: L.einsum("i,j->ij", [x[0], x[1]]), X23),
    "einsum_three": (lambda L, x: L.einsum("ij,jk,kl->il", x, x.T, x), X23),
    "einsum_broadcast_1": (lambda L, x: L.einsum("ij,j->i", x, x[:1, 0]), X23),
    "einsum_diag_mixed": (lambda L, x: L.einsum("ii,ij->j", x, x), X33),
    "einsum_sublists": (lambda L, x: L.einsum(x, [0, 1], x, [2, 1], [0, 2]), X23),
    "einsum_broadcast_repeated": (lambda L, x: L.einsum("...ii,...i->...", x[:, None, :1],
                                                        x[:, :2]), X23),
    "einsum_spaces": (lambda L, x: L.einsum("b i j , b j k -> b i k", x[:, :, :3],
                                            x[:, :, :2]), X234),
}

CASES.update({
    "take": (lambda L, x: L.take(x, L.tensor([[-1, 0], [2, 2]])), X23),
    "masked_select": (lambda L, x: L.masked_select(x, L.tensor([True, False, True])), X23),
    "masked_select_broadcast": (lambda L, x: x[0].masked_select(L.tensor([[True], [False]])),
                                X23),
    "masked_scatter": (lambda L, x: L.masked_scatter(x, L.tensor([True, False, True]),
                                                     (x * 10).flip(0)), X23),
    "nonzero": (lambda L, x: L.nonzero(x > 0), X23),
    "nonzero_tuple": (lambda L, x: L.nonzero(x > 0, as_tuple=True), X23),
    "nonzero_0d": (lambda L, x: L.nonzero(x.sum() > 0), X23),
    "where_one_argument": (lambda L, x: L.where(x > 0), X23),
    "where_method": (lambda L, x: x.where(x > 0, x * 3), X23),
    "argwhere": (lambda L, x: L.argwhere(x < 1), X23),
    "unique": (lambda L, x: L.unique(L.tensor([3, 1, 3, 2]), return_inverse=True,
                                     return_counts=True), X23),
    "unique_float": (lambda L, x: L.unique(L.tensor([[2.5, 1.0], [2.5, 0.5]])), X23),
    "unique_dim": (lambda L, x: L.unique(L.tensor([[1, 2], [1, 2], [0, 1]]), dim=0,
                                         return_inverse=True), X23),
    "searchsorted": (lambda L, x: L.searchsorted(L.tensor([1, 3, 5]), L.tensor([3, 4]),
                                                 right=True), X23),
    "searchsorted_rows": (lambda L, x: L.searchsorted(L.tensor([[1.0, 3, 5], [0, 2, 4]]),
                                                      L.tensor([[3.0], [3.0]])), X23),
    "searchsorted_scalar": (lambda L, x: L.searchsorted(L.tensor([1, 3, 5]), 3), X23),
    "searchsorted_side": (lambda L, x: L.searchsorted(L.tensor([1, 3, 5]), L.tensor([3]),
                                                      side="right", out_int32=True), X23),
    "bucketize": (lambda L, x: L.bucketize(L.tensor([3, 4, 6]), L.tensor([1, 3, 5])), X23),
    "bucketize_right": (lambda L, x: L.bucketize(x, L.tensor([0.0, 0.5, 2.0],
                                                             dtype=L.float64), right=True),
                        X23),
    "diag_vector": (lambda L, x: L.diag(x[0], 1), X23),
    "diag_matrix": (lambda L, x: x.diag(-1), X23),
    "diagonal": (lambda L, x: L.diagonal(x, 1), X23),
    "diagonal_dims": (lambda L, x: x.diagonal(0, 2, 1), X234),
    "diag_embed": (lambda L, x: L.diag_embed(x, 1, 0, 2), X23),
    "diag_embed_default": (lambda L, x: x.diag_embed(), X23),
    "trace": (lambda L, x: L.trace(x), X23),
    "hstack": (lambda L, x: L.hstack([x, x]), X23),
    "hstack_1d": (lambda L, x: L.hstack((x[0], x[1, :2])), X23),
    "vstack": (lambda L, x: L.vstack([x[0], x]), X23),
    "row_stack": (lambda L, x: L.row_stack([x, x[1]]), X23),
    "dstack": (lambda L, x: L.dstack([x, x]), X23),
    "column_stack": (lambda L, x: L.column_stack([x[0], x.T]), X23),
    "atleast_1d": (lambda L, x: L.atleast_1d(x[0, 0]), X23),
    "atleast_2d_many": (lambda L, x: L.atleast_2d(x[0, 0], x[0]), X23),
    "atleast_3d": (lambda L, x: L.atleast_3d(x), X23),
    "atleast_3d_1d": (lambda L, x: L.atleast_3d(x[0]), X23),
    "meshgrid": (lambda L, x: L.meshgrid(x[0], x[1, :2], indexing="ij"), X23),
    "meshgrid_xy": (lambda L, x: L.meshgrid(x[0], x[1, :2], x[1], indexing="xy"), X23),
    "broadcast_tensors": (lambda L, x: L.broadcast_tensors(x[:, :1], x[0]), X23),
    "block_diag": (lambda L, x: L.block_diag(x, x[0, 0], x[1]), X23),
    "cartesian_prod": (lambda L, x: L.cartesian_prod(x[0], x[1, :2]), X23),
    "cartesian_prod_one": (lambda L, x: L.cartesian_prod(x[0]), X23),
    "tensordot": (lambda L, x: L.tensordot(x, x.T, dims=1), X23),
    "tensordot_pairs": (lambda L, x: L.tensordot(x, x, dims=([0, 1], [0, 1])), X23),
    "tensordot_0": (lambda L, x: L.tensordot(x[0], x[1], dims=0), X23),
    "outer": (lambda L, x: L.outer(x[0], x[1]), X23),
    "ger": (lambda L, x: L.ger(x[0], x[1, :2]), X23),
    "inner": (lambda L, x: L.inner(x, x), X23),
    "inner_scalar": (lambda L, x: x.inner(x[0, 0]), X23),
    "kron": (lambda L, x: L.kron(x, x[:1, :2]), X23),
    "kron_ranks": (lambda L, x: x[0].kron(x), X23),
    "cross": (lambda L, x: L.cross(x, x.flip(0), dim=1), X23),
    "cross_default_dim": (lambda L, x: _quiet(L.cross,L.stack([x[0], x[1], x[0] * 2]),
                                               L.stack([x[1], x[0], x[1]])), X23),
    "addmm": (lambda L, x: L.addmm(x[0], x.T, x, beta=0.5, alpha=2), X23),
    "addmm_beta0": (lambda L, x: x.T.addmm(x.T, x[:, :2], beta=0), X23),
    "baddbmm": (lambda L, x: L.baddbmm(x[0], L.stack([x.T, x.T]), L.stack([x, x * 2]),
                                       alpha=0.5, beta=2), X23),
    "index_add": (lambda L, x: L.index_add(x, 1, L.tensor([0, 0]), x[:, 1:] * 3, alpha=2), X23),
    "index_copy": (lambda L, x: L.index_copy(x, 1, L.tensor([2, 0]), x[:, :2] * 3), X23),
    "index_fill": (lambda L, x: L.index_fill(x, 1, L.tensor([0, 2]), -1.0), X23),
    "index_fill_tensor": (lambda L, x: x.index_fill(0, L.tensor([1]), x.sum()), X23),
    "scatter_reduce_": (lambda L, x: (x * 1).scatter_reduce_(1, L.tensor([[0, 0]]),
                                                             x[:1, 1:] * 2, "amax"), X23),
    "index_add_": (lambda L, x: (x * 1).index_add_(0, L.tensor([1]), x[:1]), X23),
    "index_copy_": (lambda L, x: (x * 1).index_copy_(1, L.tensor([1]), x[:, :1] * 5), X23),
    "index_fill_": (lambda L, x: (x * 1).index_fill_(1, L.tensor([1]), 2.0), X23),
    "masked_scatter_": (lambda L, x: (x * 1).masked_scatter_(L.tensor([[True], [False]]),
                                                             x.flip(1) * 2), X23),
})


def _quiet(fn: Callable, *args: Any) -> Any:
    """fn(*args) with its UserWarnings silenced (torch.cross without dim warns, as here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args)


def _outputs(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _weights(shape: tuple) -> np.ndarray:
    n = int(np.prod(shape))
    return (np.arange(n) % 5 + 1.0).reshape(shape) / 4.0


def _run(L: Any, name: str) -> tuple[list, Any]:
    """(outputs as (values, dtype name, shape), gradient of x or None) of a case."""
    fn, data = CASES[name]
    x = L.tensor(data, dtype=L.float64, requires_grad=True)
    outs = _outputs(fn(L, x))
    loss = None
    for o in outs:
        if o.dtype in (L.float32, L.float64) and o.requires_grad:
            term = (o * L.tensor(_weights(tuple(o.shape)), dtype=o.dtype)).sum()
            loss = term if loss is None else loss + term
    grad = None
    if loss is not None:
        loss.backward()
        grad = x.grad.tolist()
    return [(o.detach().tolist(), str(o.dtype).replace("torch.", ""), tuple(o.shape))
            for o in outs], grad


def _compare(got: tuple, want: tuple, name: str) -> None:
    (outs, grad), (w_outs, w_grad) = got, want
    assert len(outs) == len(w_outs), name
    for k, ((v, dt, shape), (wv, wdt, wshape)) in enumerate(zip(outs, w_outs)):
        assert dt == wdt, f"{name} output {k}: dtype {dt}, PyTorch {wdt}"
        assert tuple(shape) == tuple(wshape), f"{name} output {k}: shape {shape} vs {wshape}"
        np.testing.assert_allclose(np.asarray(v, dtype=float), np.asarray(wv, dtype=float),
                                   rtol=1e-12, atol=1e-12, err_msg=f"{name} output {k}")
    assert (grad is None) == (w_grad is None), name
    if grad is not None:
        np.testing.assert_allclose(np.asarray(grad), np.asarray(w_grad), rtol=1e-12,
                                   atol=1e-12, err_msg=f"{name} gradient")


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_dtypes_and_gradients_match_recorded_pytorch(name: str) -> None:
    assert name in EXPECTED, f"no recorded PyTorch result for {name}: regenerate EXPECTED"
    _compare(_run(am, name), EXPECTED[name], name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_dtypes_and_gradients_match_live_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    _compare(_run(am, name), _run(torch, name), name)


# ---- float32 keeps its dtype; index outputs are int64 -----------------------------------------
def test_float32_inputs_give_float32_values_and_int64_indices() -> None:
    x = am.tensor(np.array(X23, dtype=np.float32), requires_grad=True)
    for out in (am.sort(x), am.topk(x, 2), am.kthvalue(x, 1)):
        assert out.values.dtype == np.float32 and out.indices.dtype == np.int64
    assert am.argsort(x).dtype == np.int64
    for y in (am.gather(x, 1, am.tensor([[0]])), am.flip(x, 0), am.roll(x, 1),
              am.einsum("ij->j", x), am.tril(x), x.masked_fill(am.tensor(True), 1.0),
              x.repeat(2, 2), am.repeat_interleave(x, 2)):
        assert y.dtype == np.float32
    assert am.repeat_interleave(am.tensor([1, 2])).tolist() == [0, 1, 1]
    assert type(am.sort(x)).__name__ == "sort" and type(am.topk(x, 1)).__name__ == "topk"


# ---- views ----------------------------------------------------------------------------------
VIEWS: dict[str, tuple[Callable[[Any, Any], Any], bool]] = {
    "narrow": (lambda L, x: x.narrow(1, 1, 2), True),
    "unbind": (lambda L, x: L.unbind(x, 0)[1], True),
    "chunk": (lambda L, x: L.chunk(x, 2, 1)[1], True),
    "movedim": (lambda L, x: L.movedim(x, 0, 1), True),
    "swapaxes": (lambda L, x: x.swapaxes(0, 1), True),
    "unflatten": (lambda L, x: x.unflatten(1, (3, 1)), True),
    "flip": (lambda L, x: x.flip(0), False),
    "roll": (lambda L, x: x.roll(1), False),
    "repeat_ones": (lambda L, x: x.repeat(1, 1), False),
    "tile_ones": (lambda L, x: L.tile(x, (1,)), False),
    "gather": (lambda L, x: L.gather(x, 1, L.tensor([[0], [1]])), False),
    "index_select": (lambda L, x: L.index_select(x, 0, L.tensor([0])), False),
    "tril": (lambda L, x: L.tril(x), False),
    "masked_fill": (lambda L, x: x.masked_fill(L.tensor(False), 0.0), False),
    "sort": (lambda L, x: L.sort(x).values, False),
    "einsum_transpose": (lambda L, x: L.einsum("ij->ji", x), None),  # (torch: a view)
    "diagonal": (lambda L, x: L.diagonal(x, 1), True),
    "diag": (lambda L, x: L.diag(x), False),
    "atleast_3d": (lambda L, x: L.atleast_3d(x), True),
    "take": (lambda L, x: L.take(x, L.tensor([0])), False),
    "index_fill": (lambda L, x: L.index_fill(x, 0, L.tensor([0]), 1.0), False),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_views_share_memory_and_copies_do_not(name: str) -> None:
    fn, is_view = VIEWS[name]
    x = am.tensor(X23)
    y = fn(am, x)
    if is_view is None:
        return
    assert np.shares_memory(y.data, x.data) == is_view
    before = y.tolist()
    x.add_(1.0)
    assert (y.tolist() != before) == is_view  # a write through the base is seen in a view


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_or_copy_as_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    fn, is_view = VIEWS[name]
    x = torch.tensor(X23)
    y = fn(torch, x)
    if is_view is not None:
        assert (y._base is x) == is_view


def test_a_write_into_a_narrow_view_is_seen_by_backward() -> None:
    w = am.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w.exp()
    v = y.narrow(0, 1, 1)
    with am.no_grad():
        v.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


# ---- in place --------------------------------------------------------------------------------
def test_in_place_forms_write_and_rebase() -> None:
    w = am.tensor(X23, dtype=am.float64, requires_grad=True)
    y = w * 1.0
    y.masked_fill_(am.tensor([True, False, False]), 0.0)
    y.scatter_(1, am.tensor([[2], [2]]), am.tensor([[5.0], [6.0]], dtype=am.float64))
    y.scatter_add_(0, am.tensor([[1, 1, 1]]), w[:1] * 2)
    want = np.array(X23)
    want[:, 0] = 0.0
    want[:, 2] = [5.0, 6.0]
    want[1] += 2 * np.array(X23[0])
    np.testing.assert_allclose(y.data, want)
    y.sum().backward()
    np.testing.assert_allclose(w.grad.data, [[2.0, 3.0, 2.0], [0.0, 1.0, 0.0]])
    z = am.tensor([1.0, 2.0])
    assert z.masked_fill_(am.tensor([True, False]), 9.0) is z and z.tolist() == [9.0, 2.0]
    leaf = am.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.masked_fill_(am.tensor([True, False]), 0.0)


def test_masked_fill_in_place_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    results = []
    for L in (am, torch):
        w = L.tensor(X23, dtype=L.float64, requires_grad=True)
        v = L.tensor(0.5, dtype=L.float64, requires_grad=True)
        y = w * 2
        y.masked_fill_(L.tensor([[True, False, True], [False, False, True]]), v)
        y.scatter_add_(1, L.tensor([[0, 0]]), w[1:, :2] * v)
        (y * L.tensor(_weights((2, 3)))).sum().backward()
        results.append((y.tolist(), w.grad.tolist(), v.grad.item()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])
    np.testing.assert_allclose(results[0][2], results[1][2])


# ---- am.tensor of a list of tensors --------------------------------------------------------
def test_tensor_of_a_list_of_tensors_as_pytorch() -> None:
    assert am.tensor([am.tensor(1.0), am.tensor(2.0)]).dtype == np.float32
    assert am.tensor([am.tensor(1), am.tensor(2)]).dtype == np.int64
    t = am.tensor([am.tensor(1.0, dtype=am.float64), am.tensor(2.0, dtype=am.float64)])
    assert t.dtype == np.float64 and t.tolist() == [1.0, 2.0]
    assert am.tensor([am.tensor([1.0]), am.tensor([3.0])]).tolist() == [1.0, 3.0]
    assert am.tensor([am.tensor(1), 2.5]).dtype == np.float32
    with pytest.raises(ValueError, match="only one element tensors"):
        am.tensor([am.tensor([1.0, 2.0]), am.tensor([3.0, 4.0])])
    g = am.tensor(1.0, requires_grad=True)
    with pytest.warns(UserWarning, match="requires_grad"):
        out = am.tensor([g, 2.0])
    assert not out.requires_grad and out.tolist() == [1.0, 2.0]
    assert am.stack([g, g * 2]).requires_grad  # (stack is the differentiable way)


# ---- einsum to second order -----------------------------------------------------------------
@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 2)]), ("ii->i", [(3, 3)]), ("ii->", [(2, 2)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]), ("ij,j->i", [(2, 3), (1,)]),
    ("iij,jk->ik", [(2, 2, 3), (3, 2)]), ("ij->", [(2, 3)]),
])
def test_einsum_gradcheck_and_gradgradcheck(equation: str, shapes: list) -> None:
    rng = np.random.default_rng(0)
    args = tuple(am.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in shapes)
    assert am.gradcheck(lambda *a: am.einsum(equation, *a), args)
    assert am.gradgradcheck(lambda *a: am.einsum(equation, *a), args)


# ---- errors, with PyTorch's classes ----------------------------------------------------------
ERRORS: dict[str, tuple[Callable[[Any, Any], Any], type]] = {
    "gather_out_of_range": (lambda L, x: L.gather(x, 1, L.tensor([[3]])), RuntimeError),
    "gather_negative": (lambda L, x: L.gather(x, 1, L.tensor([[-1]])), RuntimeError),
    "gather_float_index": (lambda L, x: L.gather(x, 1, L.tensor([[0.0]])), RuntimeError),
    "gather_ndim": (lambda L, x: L.gather(x, 1, L.tensor([0])), RuntimeError),
    "gather_size": (lambda L, x: L.gather(x, 1, L.tensor([[0], [0], [0]])), RuntimeError),
    "gather_dim": (lambda L, x: L.gather(x, 2, L.tensor([[0]])), IndexError),
    "index_select_2d": (lambda L, x: L.index_select(x, 0, L.tensor([[0]])), IndexError),
    "index_select_out_of_range": (lambda L, x: L.index_select(x, 0, L.tensor([2])),
                                  IndexError),
    "masked_fill_int_mask": (lambda L, x: x.masked_fill(L.tensor([1, 0, 1]), 1.0),
                             RuntimeError),
    "masked_fill_1d_value": (lambda L, x: x.masked_fill(L.tensor([True, False, True]),
                                                        L.tensor([1.0])), RuntimeError),
    "masked_fill_shape": (lambda L, x: x.masked_fill(L.tensor([True, False]), 1.0),
                          RuntimeError),
    "tril_1d": (lambda L, x: L.tril(x[0]), RuntimeError),
    "scatter_dtype": (lambda L, x: L.scatter(x, 1, L.tensor([[0]]), L.ones(1, 1)),
                      RuntimeError),
    "scatter_out_of_range": (lambda L, x: L.scatter(x, 1, L.tensor([[4]]), 1.0), RuntimeError),
    "scatter_add_small_src": (lambda L, x: L.scatter_add(
        x, 1, L.tensor([[0, 1]]), L.ones(1, 1, dtype=L.float64)), RuntimeError),
    "sort_dim": (lambda L, x: L.sort(x, 2), IndexError),
    "topk_k": (lambda L, x: L.topk(x, 4), RuntimeError),
    "topk_negative": (lambda L, x: L.topk(x, -1), RuntimeError),
    "kthvalue_k": (lambda L, x: L.kthvalue(x, 4), RuntimeError),
    "kthvalue_0": (lambda L, x: L.kthvalue(x, 0), RuntimeError),
    "flip_repeated_dim": (lambda L, x: L.flip(x, (0, 0)), RuntimeError),
    "flip_dim": (lambda L, x: L.flip(x, (2,)), IndexError),
    "roll_mismatch": (lambda L, x: L.roll(x, (1, 2), (0,)), RuntimeError),
    "repeat_too_few": (lambda L, x: x.repeat(2), RuntimeError),
    "repeat_negative": (lambda L, x: x.repeat(2, -1), RuntimeError),
    "repeat_interleave_length": (lambda L, x: L.repeat_interleave(x, L.tensor([1, 2, 3]),
                                                                  dim=0), RuntimeError),
    "repeat_interleave_negative": (lambda L, x: L.repeat_interleave(x, -1), RuntimeError),
    "chunk_0": (lambda L, x: L.chunk(x, 0), RuntimeError),
    "unbind_dim": (lambda L, x: L.unbind(x, 2), IndexError),
    "narrow_length": (lambda L, x: L.narrow(x, 1, 2, 2), RuntimeError),
    "narrow_start": (lambda L, x: L.narrow(x, 1, 4, 0), IndexError),
    "narrow_negative_length": (lambda L, x: L.narrow(x, 1, 0, -1), RuntimeError),
    "movedim_lengths": (lambda L, x: L.movedim(x, (0,), (0, 1)), RuntimeError),
    "movedim_repeated": (lambda L, x: L.movedim(x, (0, 0), (0, 1)), RuntimeError),
    "swapaxes_dim": (lambda L, x: L.swapaxes(x, 0, 2), IndexError),
    "unflatten_sizes": (lambda L, x: L.unflatten(x, 1, (2, 2)), RuntimeError),
    "einsum_sizes": (lambda L, x: L.einsum("ij,jk->ik", x, x), RuntimeError),
    "einsum_operands": (lambda L, x: L.einsum("ij,jk->ik", x), RuntimeError),
    "einsum_subscript": (lambda L, x: L.einsum("i1->i", x), RuntimeError),
    "einsum_ndim": (lambda L, x: L.einsum("i->i", x), RuntimeError),
    "einsum_output_repeated": (lambda L, x: L.einsum("ij->ii", x), RuntimeError),
    "einsum_output_unknown": (lambda L, x: L.einsum("ij->k", x), RuntimeError),
    "einsum_dtypes": (lambda L, x: L.einsum("ij,ij->", x, x.float()), RuntimeError),
    "einsum_diagonal_sizes": (lambda L, x: L.einsum("ii->i", x), RuntimeError),
    "take_along_dim_ndim": (lambda L, x: L.take_along_dim(x, L.tensor([0]), dim=1),
                            RuntimeError),
    "take_out_of_range": (lambda L, x: L.take(x, L.tensor([6])), IndexError),
    "masked_select_int_mask": (lambda L, x: L.masked_select(x, L.tensor([1, 0, 1])),
                               RuntimeError),
    "masked_scatter_short": (lambda L, x: L.masked_scatter(x, x > -5, x[0]), RuntimeError),
    "index_add_shape": (lambda L, x: L.index_add(x, 1, L.tensor([0]), x), RuntimeError),
    "index_fill_out_of_range": (lambda L, x: L.index_fill(x, 1, L.tensor([3]), 0.0),
                                IndexError),
    "diagonal_1d": (lambda L, x: L.diagonal(x[0]), IndexError),
    "diagonal_same_dims": (lambda L, x: L.diagonal(x, 0, 1, 1), RuntimeError),
    "diag_3d": (lambda L, x: L.diag(x[None]), RuntimeError),
    "trace_3d": (lambda L, x: L.trace(x[None]), RuntimeError),
    "meshgrid_indexing": (lambda L, x: L.meshgrid(x[0], x[1], indexing="ji"), RuntimeError),
    "meshgrid_2d": (lambda L, x: L.meshgrid(x, x[0], indexing="ij"), RuntimeError),
    "block_diag_3d": (lambda L, x: L.block_diag(x[None]), RuntimeError),
    "tensordot_sizes": (lambda L, x: L.tensordot(x, x, dims=1), RuntimeError),
    "outer_2d": (lambda L, x: L.outer(x, x[0]), RuntimeError),
    "inner_sizes": (lambda L, x: L.inner(x, x.T), RuntimeError),
    "cross_no_3": (lambda L, x: L.cross(x[:, :2], x[:, :2]), RuntimeError),
    "cross_dim": (lambda L, x: L.cross(x, x, dim=0), RuntimeError),
    "addmm_shapes": (lambda L, x: L.addmm(x, x, x), RuntimeError),
    "baddbmm_batches": (lambda L, x: L.baddbmm(x, x[None], L.stack([x.T, x.T])), RuntimeError),
    "bucketize_2d": (lambda L, x: L.bucketize(x, x), RuntimeError),
    "searchsorted_rows": (lambda L, x: L.searchsorted(x, x[:1]), RuntimeError),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name: str) -> None:
    fn, error = ERRORS[name]
    with pytest.raises(error):
        fn(am, am.tensor(X23, dtype=am.float64))


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    fn, error = ERRORS[name]
    with pytest.raises(error):
        fn(torch, torch.tensor(X23, dtype=torch.float64))







# ---- recorded from PyTorch 2.13 (regenerate with the live test's _run(torch, name)) ------
EXPECTED: dict[str, tuple] = {'addmm': ([([[25.25, -0.125, -2.25], [0.75, 2.625, -4.375],
              [-3.0, -6.0, 10.125]],
             'float64', (3, 3))],
           [[2.625, 0.5, 7.75], [2.375, 10.25, 6.25]]),
 'addmm_beta0': ([([[12.5, 0.25], [0.25, 1.625], [-1.625, -2.6875]],
                   'float64', (3, 2))],
                 [[1.1875, -1.375, 0.3125], [1.125, 4.6875, 4.4375]]),
 'argsort': ([([[1, 2, 0], [2, 0, 1], [1, 2, 0]], 'int64', (3, 3))], None),
 'argsort_desc': ([([[2, 0, 1], [0, 1, 2]], 'int64', (2, 3))], None),
 'argwhere': ([([[0, 0], [0, 1], [1, 1], [1, 2]], 'int64', (4, 2))], None),
 'atleast_1d': ([([0.5], 'float64', (1,))],
                [[0.25, 0.0, 0.0], [0.0, 0.0, 0.0]]),
 'atleast_2d_many': ([([[0.5]], 'float64', (1, 1)),
                      ([[0.5, -1.25, 2.0]], 'float64', (1, 3))],
                     [[0.5, 0.5, 0.75], [0.0, 0.0, 0.0]]),
 'atleast_3d': ([([[[0.5], [-1.25], [2.0]], [[3.5], [0.25], [-0.75]]],
                  'float64', (2, 3, 1))],
                [[0.25, 0.5, 0.75], [1.0, 1.25, 0.25]]),
 'atleast_3d_1d': ([([[[0.5], [-1.25], [2.0]]], 'float64', (1, 3, 1))],
                   [[0.25, 0.5, 0.75], [0.0, 0.0, 0.0]]),
 'baddbmm': ([([[[7.25, -2.375, 3.1875], [1.125, -1.6875, 2.65625],
                 [0.1875, -3.84375, 6.28125]],
                [[13.5, -2.25, 2.375], [1.25, -0.875, 1.3125],
                 [-0.625, -5.1875, 8.5625]]],
               'float64', (2, 3, 3))],
             [[9.9375, 9.8125, 11.875], [9.03125, 5.25, 3.5]]),
 'block_diag': ([([[0.5, -1.25, 2.0, 0.0, 0.0, 0.0, 0.0],
                   [3.5, 0.25, -0.75, 0.0, 0.0, 0.0, 0.0],
                   [0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0],
                   [0.0, 0.0, 0.0, 0.0, 3.5, 0.25, -0.75]],
                  'float64', (4, 7))],
                [[1.0, 0.5, 0.75], [1.0, 1.5, 2.0]]),
 'broadcast_tensors': ([([[0.5, 0.5, 0.5], [3.5, 3.5, 3.5]], 'float64',
                         (2, 3)),
                        ([[0.5, -1.25, 2.0], [0.5, -1.25, 2.0]], 'float64',
                         (2, 3))],
                       [[2.75, 1.75, 1.0], [2.5, 0.0, 0.0]]),
 'bucketize': ([([1, 2, 3], 'int64', (3,))], None),
 'bucketize_right': ([([[2, 0, 3], [3, 1, 0]], 'int64', (2, 3))], None),
 'cartesian_prod': ([([[0.5, 3.5], [0.5, 0.25], [-1.25, 3.5],
                       [-1.25, 0.25], [2.0, 3.5], [2.0, 0.25]],
                      'float64', (6, 2))],
                    [[1.0, 1.75, 1.25], [2.0, 2.25, 0.0]]),
 'cartesian_prod_one': ([([0.5, -1.25, 2.0], 'float64', (3,))],
                        [[0.25, 0.5, 0.75], [0.0, 0.0, 0.0]]),
 'chunk': ([([[0.5, -1.25], [3.5, 0.25]], 'float64', (2, 2)),
            ([[2.0], [-0.75]], 'float64', (2, 1))],
           [[0.25, 0.5, 0.25], [0.75, 1.0, 0.5]]),
 'chunk_uneven': ([([[[-1.0, -0.9], [-0.6, -0.5],
                      [-0.19999999999999996, -0.09999999999999998]],
                     [[0.20000000000000018, 0.30000000000000004],
                      [0.6000000000000001, 0.7000000000000002],
                      [1.0, 1.1]]],
                    'float64', (2, 3, 2)),
                   ([[[-0.8, -0.7],
                      [-0.3999999999999999, -0.29999999999999993],
                      [0.0, 0.10000000000000009]],
                     [[0.40000000000000013, 0.5],
                      [0.8, 0.9000000000000001],
                      [1.2000000000000002, 1.3000000000000003]]],
                    'float64', (2, 3, 2))],
                  [[[0.25, 0.5, 0.25, 0.5], [0.75, 1.0, 0.75, 1.0],
                    [1.25, 0.25, 1.25, 0.25]],
                   [[0.5, 0.75, 0.5, 0.75], [1.0, 1.25, 1.0, 1.25],
                    [0.25, 0.5, 0.25, 0.5]]]),
 'column_stack': ([([[0.5, 0.5, 3.5], [-1.25, -1.25, 0.25],
                     [2.0, 2.0, -0.75]],
                    'float64', (3, 3))],
                  [[0.75, 2.25, 1.25], [0.75, 0.25, 1.0]]),
 'cross': ([([[0.4375, 7.375, 4.5], [-0.4375, -7.375, -4.5]], 'float64',
             (2, 3))],
           [[-0.4375, -1.1875, -2.4375], [-0.875, 1.75, 1.3125]]),
 'cross_default_dim': ([([[11.75, -3.0625, -7.4375], [1.75, -0.3125, -1.5],
                          [-12.0, 1.5, 3.4375]],
                         'float64', (3, 3))],
                       [[3.5, 0.9375, -2.1875], [-1.25, -1.6875, 0.875]]),
 'diag_embed': ([([[[0.0, 0.5, 0.0, 0.0], [0.0, 3.5, 0.0, 0.0]],
                   [[0.0, 0.0, -1.25, 0.0], [0.0, 0.0, 0.25, 0.0]],
                   [[0.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, -0.75]],
                   [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]],
                  'float64', (4, 2, 4))],
                [[0.5, 0.25, 1.25], [0.25, 1.25, 1.0]]),
 'diag_embed_default': ([([[[0.5, 0.0, 0.0], [0.0, -1.25, 0.0],
                            [0.0, 0.0, 2.0]],
                           [[3.5, 0.0, 0.0], [0.0, 0.25, 0.0],
                            [0.0, 0.0, -0.75]]],
                          'float64', (2, 3, 3))],
                        [[0.25, 1.25, 1.0], [1.25, 1.0, 0.75]]),
 'diag_matrix': ([([3.5], 'float64', (1,))],
                 [[0.0, 0.0, 0.0], [0.25, 0.0, 0.0]]),
 'diag_vector': ([([[0.0, 0.5, 0.0, 0.0], [0.0, 0.0, -1.25, 0.0],
                    [0.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0]],
                   'float64', (4, 4))],
                 [[0.5, 0.5, 0.5], [0.0, 0.0, 0.0]]),
 'diagonal': ([([-1.25, -0.75], 'float64', (2,))],
              [[0.0, 0.25, 0.0], [0.0, 0.0, 0.5]]),
 'diagonal_dims': ([([[-1.0, -0.5, 0.0],
                      [0.20000000000000018, 0.7000000000000002,
                       1.2000000000000002]],
                     'float64', (2, 3))],
                   [[[0.25, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0],
                     [0.0, 0.0, 0.75, 0.0]],
                    [[1.0, 0.0, 0.0, 0.0], [0.0, 1.25, 0.0, 0.0],
                     [0.0, 0.0, 0.25, 0.0]]]),
 'dstack': ([([[[0.5, 0.5], [-1.25, -1.25], [2.0, 2.0]],
               [[3.5, 3.5], [0.25, 0.25], [-0.75, -0.75]]],
              'float64', (2, 3, 2))],
            [[0.75, 1.75, 1.5], [1.25, 2.25, 0.75]]),
 'einsum_broadcast_1': ([([0.625, 1.5], 'float64', (2,))],
                        [[1.9375, 0.125, 0.125], [0.25, 0.25, 0.25]]),
 'einsum_broadcast_repeated': ([([-0.375, 13.125], 'float64', (2,))],
                               [[-0.0625, 0.125, 0.0],
                                [3.625, 1.75, 0.0]]),
 'einsum_diag': ([([1.0, 3.0, 1.75], 'float64', (3,))],
                 [[0.25, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.75]]),
 'einsum_diag_mixed': ([([6.125, 6.125, -0.9375], 'float64', (3,))],
                       [[-0.125, 0.5, 0.75], [0.75, 1.9375, 2.25],
                        [0.4375, 0.875, 3.0]]),
 'einsum_ellipsis': ([([2.7300000000000004, 4.8900000000000015], 'float64',
                       (2,))],
                     [[[-0.5, -0.3, -0.09999999999999998, 0.0],
                       [-0.45, -0.25, -0.04999999999999999, 0.0],
                       [-0.4, -0.19999999999999996, 0.0, 0.0]],
                      [[0.20000000000000018, 0.6000000000000001, 1.0, 0.0],
                       [0.30000000000000004, 0.7000000000000002, 1.1, 0.0],
                       [0.40000000000000013, 0.8, 1.2000000000000002,
                        0.0]]]),
 'einsum_implicit': ([([[0.5, 3.5], [-1.25, 0.25], [2.0, -0.75]],
                       'float64', (3, 2))],
                     [[0.25, 0.75, 1.25], [0.5, 1.0, 0.25]]),
 'einsum_matmul': ([([[5.8125, -0.0625], [-0.0625, 12.875]], 'float64',
                     (2, 2))],
                   [[4.625, -0.3125, 0.0625], [7.625, -1.0625, 1.0]]),
 'einsum_outer_list': ([([[1.75, 0.125, -0.375], [-4.375, -0.3125, 0.9375],
                          [7.0, 0.5, -1.5]],
                         'float64', (3, 3))],
                       [[0.4375, 3.625, 1.1875],
                        [-0.125, 0.1875, 2.0625]]),
 'einsum_spaces': ([([[[1.7, 1.4300000000000002],
                       [0.9799999999999999, 0.8300000000000001],
                       [0.25999999999999995, 0.22999999999999995]],
                      [[0.6200000000000002, 0.7100000000000003],
                       [1.3400000000000003, 1.5500000000000005],
                       [2.0600000000000005, 2.3900000000000006]]],
                     'float64', (2, 3, 2))],
                   [[[-1.65, -1.5500000000000003, -0.09999999999999998,
                      0.0],
                     [-2.375, -1.9249999999999998, -0.24999999999999994,
                      0.0],
                     [-1.975, -1.6749999999999998, -0.2749999999999999,
                      0.0]],
                    [[1.2750000000000004, 2.2250000000000005,
                      1.3250000000000002, 0.0],
                     [1.7000000000000004, 3.125000000000001, 2.375, 0.0],
                     [1.5, 2.4000000000000004, 0.8, 0.0]]]),
 'einsum_sublists': ([([[5.8125, -0.0625], [-0.0625, 12.875]], 'float64',
                       (2, 2))],
                     [[4.625, -0.3125, 0.0625], [7.625, -1.0625, 1.0]]),
 'einsum_sum': ([([-2.0, 1.200000000000001, 4.4], 'float64', (3,))],
                [[[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.5, 0.5],
                  [0.75, 0.75, 0.75, 0.75]],
                 [[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.5, 0.5],
                  [0.75, 0.75, 0.75, 0.75]]]),
 'einsum_three': ([([[2.6875, -7.28125, 11.671875],
                     [45.03125, 3.296875, -9.78125]],
                    'float64', (2, 3))],
                  [[1.953125, 0.296875, 8.4375],
                   [38.171875, 18.03125, -2.515625]]),
 'einsum_trace': ([(5.75, 'float64', ())],
                  [[0.25, 0.0, 0.0], [0.0, 0.25, 0.0], [0.0, 0.0, 0.25]]),
 'flip': ([([[-0.75, 0.25, 3.5], [2.0, -1.25, 0.5]], 'float64', (2, 3))],
          [[0.25, 1.25, 1.0], [0.75, 0.5, 0.25]]),
 'flip_method': ([([[[-0.7, -0.8, -0.9, -1.0],
                     [-0.29999999999999993, -0.3999999999999999, -0.5,
                      -0.6],
                     [0.10000000000000009, 0.0, -0.09999999999999998,
                      -0.19999999999999996]],
                    [[0.5, 0.40000000000000013, 0.30000000000000004,
                      0.20000000000000018],
                     [0.9000000000000001, 0.8, 0.7000000000000002,
                      0.6000000000000001],
                     [1.3000000000000003, 1.2000000000000002, 1.1, 1.0]]],
                   'float64', (2, 3, 4))],
                 [[[1.0, 0.75, 0.5, 0.25], [0.75, 0.5, 0.25, 1.25],
                   [0.5, 0.25, 1.25, 1.0]],
                  [[0.25, 1.25, 1.0, 0.75], [1.25, 1.0, 0.75, 0.5],
                   [1.0, 0.75, 0.5, 0.25]]]),
 'fliplr': ([([[2.0, -1.25, 0.5], [-0.75, 0.25, 3.5]], 'float64', (2, 3))],
            [[0.75, 0.5, 0.25], [0.25, 1.25, 1.0]]),
 'flipud': ([([[3.5, 0.25, -0.75], [0.5, -1.25, 2.0]], 'float64', (2, 3))],
            [[1.0, 1.25, 0.25], [0.25, 0.5, 0.75]]),
 'gather': ([([[0.5, 0.5, 2.0], [0.25, 3.5, 0.25]], 'float64', (2, 3))],
            [[0.75, 0.0, 0.75], [1.25, 1.25, 0.0]]),
 'gather_repeat': ([([[3.5, 0.25, -0.75], [3.5, 0.25, -0.75]], 'float64',
                     (2, 3))],
                   [[0.0, 0.0, 0.0], [1.25, 1.75, 1.0]]),
 'gather_small_index': ([([[0.25], [1.0], [0.25]], 'float64', (3, 1))],
                        [[0.5, 0.0, 0.0], [1.0, 0.0, 0.0],
                         [0.0, 0.0, 0.0]]),
 'ger': ([([[1.75, 0.125], [-4.375, -0.3125], [7.0, 0.5]], 'float64',
           (3, 2))],
         [[1.0, 2.875, 4.4375], [1.6875, -0.5, 0.0]]),
 'hstack': ([([[0.5, -1.25, 2.0, 0.5, -1.25, 2.0],
               [3.5, 0.25, -0.75, 3.5, 0.25, -0.75]],
              'float64', (2, 6))],
            [[1.25, 1.75, 1.0], [1.75, 1.0, 1.5]]),
 'hstack_1d': ([([0.5, -1.25, 2.0, 3.5, 0.25], 'float64', (5,))],
               [[0.25, 0.5, 0.75], [1.0, 1.25, 0.0]]),
 'index_add': ([([[5.0, -1.25, 2.0], [0.5, 0.25, -0.75]], 'float64',
                 (2, 3))],
               [[0.25, 2.0, 2.25], [1.0, 7.25, 6.25]]),
 'index_add_': ([([[0.5, -1.25, 2.0], [4.0, -1.0, 1.25]], 'float64',
                  (2, 3))],
                [[1.25, 1.75, 1.0], [1.0, 1.25, 0.25]]),
 'index_copy': ([([[-3.75, -1.25, 1.5], [0.75, 0.25, 10.5]], 'float64',
                  (2, 3))],
                [[2.25, 1.25, 0.0], [0.75, 4.25, 0.0]]),
 'index_copy_': ([([[0.5, 2.5, 2.0], [3.5, 17.5, -0.75]], 'float64',
                   (2, 3))],
                 [[2.75, 0.0, 0.75], [7.25, 0.0, 0.25]]),
 'index_fill': ([([[-1.0, -1.25, -1.0], [-1.0, 0.25, -1.0]], 'float64',
                  (2, 3))],
                [[0.0, 0.5, 0.0], [0.0, 1.25, 0.0]]),
 'index_fill_': ([([[0.5, 2.0, 2.0], [3.5, 2.0, -0.75]], 'float64',
                   (2, 3))],
                 [[0.25, 0.0, 0.75], [1.0, 0.0, 0.25]]),
 'index_fill_tensor': ([([[0.5, -1.25, 2.0], [4.25, 4.25, 4.25]],
                         'float64', (2, 3))],
                       [[2.75, 3.0, 3.25], [2.5, 2.5, 2.5]]),
 'index_select': ([([[2.0, 0.5, 2.0], [-0.75, 3.5, -0.75]], 'float64',
                    (2, 3))],
                  [[0.5, 0.0, 1.0], [1.25, 0.0, 1.25]]),
 'index_select_method': ([([[0.25, 3.0, -1.5]], 'float64', (1, 3))],
                         [[0.0, 0.0, 0.0], [0.25, 0.5, 0.75],
                          [0.0, 0.0, 0.0]]),
 'inner': ([([[5.8125, -0.0625], [-0.0625, 12.875]], 'float64', (2, 2))],
           [[4.625, -0.3125, 0.0625], [7.625, -1.0625, 1.0]]),
 'inner_scalar': ([([[0.25, -0.625, 1.0], [1.75, 0.125, -0.375]],
                    'float64', (2, 3))],
                  [[4.75, 0.25, 0.375], [0.5, 0.625, 0.125]]),
 'kron': ([([[0.25, -0.625, -0.625, 1.5625, 1.0, -2.5],
             [1.75, -4.375, 0.125, -0.3125, -0.375, 0.9375]],
            'float64', (2, 6))],
          [[3.0, 1.1875, 0.3125], [-0.6875, -1.0625, -0.5]]),
 'kron_ranks': ([([[0.25, -0.625, 1.0, -0.625, 1.5625, -2.5, 1.0, -2.5,
                    4.0],
                   [1.75, 0.125, -0.375, -4.375, -0.3125, 0.9375, 7.0, 0.5,
                    -1.5]],
                  'float64', (2, 9))],
                [[4.9375, 1.5625, 3.8125], [0.1875, -0.125, 0.1875]]),
 'kthvalue': ([([0.5, 0.25], 'float64', (2,)), ([0, 1], 'int64', (2,))],
              [[0.25, 0.0, 0.0], [0.0, 0.5, 0.0]]),
 'kthvalue_keepdim': ([([[0.25, -2.0, -1.5]], 'float64', (1, 3)),
                       ([[1, 0, 1]], 'int64', (1, 3))],
                      [[0.0, 0.5, 0.0], [0.25, 0.0, 0.75],
                       [0.0, 0.0, 0.0]]),
 'masked_fill': ([([[-9.0, -1.25, -9.0], [-9.0, 0.25, -9.0]], 'float64',
                   (2, 3))],
                 [[0.0, 0.5, 0.0], [0.0, 1.25, 0.0]]),
 'masked_fill_int': ([([[3.0, 3.0], [4.5, 3.0]], 'float64', (2, 2))],
                     5.75),
 'masked_fill_tensor_value': ([([[8.5, 8.5, 8.5], [3.5, 0.25, -0.75]],
                                'float64', (2, 3))],
                              [[3.0, 3.0, 3.0], [4.0, 4.25, 3.25]]),
 'masked_scatter': ([([[35.0, -1.25, 2.5], [-7.5, 0.25, 5.0]], 'float64',
                      (2, 3))],
                    [[2.5, 0.5, 0.0], [2.5, 8.75, 10.0]]),
 'masked_scatter_': ([([[4.0, -2.5, 1.0], [3.5, 0.25, -0.75]], 'float64',
                       (2, 3))],
                     [[1.5, 1.0, 0.5], [1.0, 1.25, 0.25]]),
 'masked_select': ([([0.5, 2.0, 3.5, -0.75], 'float64', (4,))],
                   [[0.25, 0.0, 0.5], [0.75, 0.0, 1.0]]),
 'masked_select_broadcast': ([([0.5, -1.25, 2.0], 'float64', (3,))],
                             [[0.25, 0.5, 0.75], [0.0, 0.0, 0.0]]),
 'meshgrid': ([([[0.5, 0.5], [-1.25, -1.25], [2.0, 2.0]], 'float64',
                (3, 2)),
               ([[3.5, 0.25], [3.5, 0.25], [3.5, 0.25]], 'float64',
                (3, 2))],
              [[0.75, 1.75, 1.5], [2.25, 1.75, 0.0]]),
 'meshgrid_xy': ([([[[0.5, 0.5, 0.5], [-1.25, -1.25, -1.25],
                     [2.0, 2.0, 2.0]],
                    [[0.5, 0.5, 0.5], [-1.25, -1.25, -1.25],
                     [2.0, 2.0, 2.0]]],
                   'float64', (2, 3, 3)),
                  ([[[3.5, 3.5, 3.5], [3.5, 3.5, 3.5], [3.5, 3.5, 3.5]],
                    [[0.25, 0.25, 0.25], [0.25, 0.25, 0.25],
                     [0.25, 0.25, 0.25]]],
                   'float64', (2, 3, 3)),
                  ([[[3.5, 0.25, -0.75], [3.5, 0.25, -0.75],
                     [3.5, 0.25, -0.75]],
                    [[3.5, 0.25, -0.75], [3.5, 0.25, -0.75],
                     [3.5, 0.25, -0.75]]],
                   'float64', (2, 3, 3))],
                 [[3.5, 5.5, 3.75], [10.25, 10.75, 4.5]]),
 'moveaxis_pair': ([([[[-1.0, 0.20000000000000018],
                       [-0.9, 0.30000000000000004],
                       [-0.8, 0.40000000000000013], [-0.7, 0.5]],
                      [[-0.6, 0.6000000000000001],
                       [-0.5, 0.7000000000000002],
                       [-0.3999999999999999, 0.8],
                       [-0.29999999999999993, 0.9000000000000001]],
                      [[-0.19999999999999996, 1.0],
                       [-0.09999999999999998, 1.1],
                       [0.0, 1.2000000000000002],
                       [0.10000000000000009, 1.3000000000000003]]],
                     'float64', (3, 4, 2))],
                   [[[0.25, 0.75, 1.25, 0.5], [1.0, 0.25, 0.75, 1.25],
                     [0.5, 1.0, 0.25, 0.75]],
                    [[0.5, 1.0, 0.25, 0.75], [1.25, 0.5, 1.0, 0.25],
                     [0.75, 1.25, 0.5, 1.0]]]),
 'movedim': ([([[[-1.0, 0.20000000000000018], [-0.9, 0.30000000000000004],
                 [-0.8, 0.40000000000000013], [-0.7, 0.5]],
                [[-0.6, 0.6000000000000001], [-0.5, 0.7000000000000002],
                 [-0.3999999999999999, 0.8],
                 [-0.29999999999999993, 0.9000000000000001]],
                [[-0.19999999999999996, 1.0], [-0.09999999999999998, 1.1],
                 [0.0, 1.2000000000000002],
                 [0.10000000000000009, 1.3000000000000003]]],
               'float64', (3, 4, 2))],
             [[[0.25, 0.75, 1.25, 0.5], [1.0, 0.25, 0.75, 1.25],
               [0.5, 1.0, 0.25, 0.75]],
              [[0.5, 1.0, 0.25, 0.75], [1.25, 0.5, 1.0, 0.25],
               [0.75, 1.25, 0.5, 1.0]]]),
 'narrow': ([([[-1.25, 2.0], [0.25, -0.75]], 'float64', (2, 2))],
            [[0.0, 0.25, 0.5], [0.0, 0.75, 1.0]]),
 'narrow_neg': ([([[[-0.8, -0.7],
                    [-0.3999999999999999, -0.29999999999999993],
                    [0.0, 0.10000000000000009]],
                   [[0.40000000000000013, 0.5], [0.8, 0.9000000000000001],
                    [1.2000000000000002, 1.3000000000000003]]],
                  'float64', (2, 3, 2))],
                [[[0.0, 0.0, 0.25, 0.5], [0.0, 0.0, 0.75, 1.0],
                  [0.0, 0.0, 1.25, 0.25]],
                 [[0.0, 0.0, 0.5, 0.75], [0.0, 0.0, 1.0, 1.25],
                  [0.0, 0.0, 0.25, 0.5]]]),
 'nonzero': ([([[0, 0], [0, 2], [1, 0], [1, 1]], 'int64', (4, 2))], None),
 'nonzero_0d': ([([[]], 'int64', (1, 0))], None),
 'nonzero_tuple': ([([0, 0, 1, 1], 'int64', (4,)),
                    ([0, 2, 0, 1], 'int64', (4,))],
                   None),
 'outer': ([([[1.75, 0.125, -0.375], [-4.375, -0.3125, 0.9375],
              [7.0, 0.5, -1.5]],
             'float64', (3, 3))],
           [[0.4375, 3.625, 1.1875], [-0.125, 0.1875, 2.0625]]),
 'repeat': ([([[[0.5, -1.25, 2.0, 0.5, -1.25, 2.0],
                [3.5, 0.25, -0.75, 3.5, 0.25, -0.75]],
               [[0.5, -1.25, 2.0, 0.5, -1.25, 2.0],
                [3.5, 0.25, -0.75, 3.5, 0.25, -0.75]]],
              'float64', (2, 2, 6))],
            [[2.25, 3.25, 3.0], [3.25, 3.0, 2.75]]),
 'repeat_interleave': ([([0.5, 0.5, -1.25, -1.25, 2.0, 2.0, 3.5, 3.5, 0.25,
                          0.25, -0.75, -0.75],
                         'float64', (12,))],
                       [[0.75, 1.75, 1.5], [1.25, 2.25, 0.75]]),
 'repeat_interleave_dim': ([([[0.5, 2.0, 2.0], [3.5, -0.75, -0.75]],
                             'float64', (2, 3))],
                           [[0.25, 0.0, 1.25], [1.0, 0.0, 1.5]]),
 'repeat_ones': ([([[0.5, -1.25, 2.0], [3.5, 0.25, -0.75]], 'float64',
                   (2, 3))],
                 [[0.25, 0.5, 0.75], [1.0, 1.25, 0.25]]),
 'roll': ([([[2.0, 0.5, -1.25], [-0.75, 3.5, 0.25]], 'float64', (2, 3))],
          [[0.5, 0.75, 0.25], [1.25, 0.25, 1.0]]),
 'roll_flat': ([([[2.0, 3.5, 0.25], [-0.75, 0.5, -1.25]], 'float64',
                 (2, 3))],
               [[1.25, 0.25, 0.25], [0.5, 0.75, 1.0]]),
 'roll_two': ([([[[0.30000000000000004, 0.40000000000000013, 0.5,
                   0.20000000000000018],
                  [0.7000000000000002, 0.8, 0.9000000000000001,
                   0.6000000000000001],
                  [1.1, 1.2000000000000002, 1.3000000000000003, 1.0]],
                 [[-0.9, -0.8, -0.7, -1.0],
                  [-0.5, -0.3999999999999999, -0.29999999999999993, -0.6],
                  [-0.09999999999999998, 0.0, 0.10000000000000009,
                   -0.19999999999999996]]],
                'float64', (2, 3, 4))],
              [[[0.25, 0.75, 1.0, 1.25], [1.25, 0.5, 0.75, 1.0],
                [1.0, 0.25, 0.5, 0.75]],
               [[1.0, 0.25, 0.5, 0.75], [0.75, 1.25, 0.25, 0.5],
                [0.5, 1.0, 1.25, 0.25]]]),
 'row_stack': ([([[0.5, -1.25, 2.0], [3.5, 0.25, -0.75],
                  [3.5, 0.25, -0.75]],
                 'float64', (3, 3))],
               [[0.25, 0.5, 0.75], [1.5, 2.0, 1.25]]),
 'scatter': ([([[-12.5, -1.25, 5.0], [3.5, 35.0, 2.5]], 'float64',
               (2, 3))],
             [[7.5, 3.0, 0.0], [13.5, 2.5, 0.0]]),
 'scatter_add': ([([[-1.75, -1.25, 8.0], [3.5, 9.25, -0.75]], 'float64',
                   (2, 3))],
                 [[1.0, 1.25, 3.0], [4.75, 5.0, 4.0]]),
 'scatter_add_small': ([([[1.0, -2.0, 0.5], [0.25, 3.0, -1.5],
                          [2.75, 2.5, 1.75]],
                         'float64', (3, 3))],
                       [[0.25, 0.5, 0.75], [1.5, 2.0, 0.25],
                        [0.5, 0.75, 1.0]]),
 'scatter_reduce_': ([([[4.0, -1.25, 2.0], [3.5, 0.25, -0.75]], 'float64',
                       (2, 3))],
                     [[0.0, 0.5, 1.25], [1.0, 1.25, 0.25]]),
 'scatter_reduce_amax': ([([[0.5, 10.5, 2.0], [3.5, 0.25, -0.75]],
                           'float64', (2, 3))],
                         [[0.25, 0.0, 0.75], [2.5, 1.25, 0.25]]),
 'scatter_reduce_amin_noself': ([([[-2.25, 0.75, 2.0], [3.5, 0.25, -0.75]],
                                  'float64', (2, 3))],
                                [[0.0, 0.0, 0.75], [1.0, 2.75, 1.0]]),
 'scatter_reduce_mean': ([([[-0.3333333333333333, -1.25, 3.0],
                            [3.5, 0.25, -0.75]],
                           'float64', (2, 3))],
                         [[0.25, 0.6666666666666666, 1.125],
                          [1.0, 1.25, 0.25]]),
 'scatter_reduce_mean_noself': ([([[-0.75, -1.25, 4.0],
                                   [3.5, 0.25, -0.75]],
                                  'float64', (2, 3))],
                                [[0.25, 0.75, 1.5], [1.0, 1.25, 0.25]]),
 'scatter_reduce_prod': ([([[2.25, -1.25, 2.0], [3.5, 0.3125, -0.1875]],
                           'float64', (2, 3))],
                         [[1.125, 0.5, 0.75], [1.125, 1.875, -0.125]]),
 'scatter_reduce_sum': ([([[-1.0, -1.25, 6.0], [3.5, 0.25, -0.75]],
                          'float64', (2, 3))],
                        [[0.75, 1.0, 2.25], [1.0, 1.25, 0.25]]),
 'scatter_value': ([([[0.5, 7.5, 2.0], [7.5, 0.25, 7.5]], 'float64',
                     (2, 3))],
                   [[0.25, 0.0, 0.75], [0.0, 1.25, 0.0]]),
 'searchsorted': ([([2, 2], 'int64', (2,))], None),
 'searchsorted_rows': ([([[1], [2]], 'int64', (2, 1))], None),
 'searchsorted_scalar': ([(1, 'int64', ())], None),
 'searchsorted_side': ([([2], 'int32', (1,))], None),
 'sort': ([([[-1.25, 0.5, 2.0], [-0.75, 0.25, 3.5]], 'float64', (2, 3)),
           ([[1, 0, 2], [2, 1, 0]], 'int64', (2, 3))],
          [[0.5, 0.25, 0.75], [0.25, 1.25, 1.0]]),
 'sort_desc_dim0': ([([[2.5, 3.0, 1.75], [1.0, -0.5, 0.5],
                       [0.25, -2.0, -1.5]],
                      'float64', (3, 3)),
                     ([[2, 1, 2], [0, 2, 0], [1, 0, 1]], 'int64', (3, 3))],
                    [[1.0, 0.75, 0.25], [0.5, 0.5, 1.0],
                     [0.25, 1.25, 0.75]]),
 'sort_stable_ties': ([([[1.0, 1.0, 2.0, 2.0, 3.0],
                         [-1.0, -1.0, 0.0, 0.0, 0.0]],
                        'float64', (2, 5)),
                       ([[1, 3, 0, 2, 4], [2, 4, 0, 1, 3]], 'int64',
                        (2, 5))],
                      [[0.75, 0.25, 1.0, 0.5, 1.25],
                       [0.75, 1.0, 0.25, 1.25, 0.5]]),
 'sort_stable_ties_desc': ([([[3.0, 2.0, 2.0, 1.0, 1.0],
                              [0.0, 0.0, 0.0, -1.0, -1.0]],
                             'float64', (2, 5)),
                            ([[4, 0, 2, 1, 3], [0, 1, 3, 2, 4]], 'int64',
                             (2, 5))],
                           [[0.5, 1.0, 0.75, 1.25, 0.25],
                            [0.25, 0.5, 1.0, 0.75, 1.25]]),
 'swapaxes': ([([[[-1.0, 0.20000000000000018], [-0.6, 0.6000000000000001],
                  [-0.19999999999999996, 1.0]],
                 [[-0.9, 0.30000000000000004], [-0.5, 0.7000000000000002],
                  [-0.09999999999999998, 1.1]],
                 [[-0.8, 0.40000000000000013], [-0.3999999999999999, 0.8],
                  [0.0, 1.2000000000000002]],
                 [[-0.7, 0.5], [-0.29999999999999993, 0.9000000000000001],
                  [0.10000000000000009, 1.3000000000000003]]],
                'float64', (4, 3, 2))],
              [[[0.25, 0.5, 0.75, 1.0], [0.75, 1.0, 1.25, 0.25],
                [1.25, 0.25, 0.5, 0.75]],
               [[0.5, 0.75, 1.0, 1.25], [1.0, 1.25, 0.25, 0.5],
                [0.25, 0.5, 0.75, 1.0]]]),
 'swapdims': ([([[0.5, 3.5], [-1.25, 0.25], [2.0, -0.75]], 'float64',
                (3, 2))],
              [[0.25, 0.75, 1.25], [0.5, 1.0, 0.25]]),
 'take': ([([[-0.75, 0.5], [2.0, 2.0]], 'float64', (2, 2))],
          [[0.5, 0.0, 1.75], [0.0, 0.0, 0.25]]),
 'take_along_dim': ([([[2.0], [3.5]], 'float64', (2, 1))],
                    [[0.0, 0.0, 0.25], [0.5, 0.0, 0.0]]),
 'take_along_dim_broadcast': ([([[0.5, 2.0], [3.5, -0.75]], 'float64',
                                (2, 2))],
                              [[0.25, 0.0, 0.5], [0.75, 0.0, 1.0]]),
 'take_along_dim_flat': ([([-0.75, 0.5, -0.75], 'float64', (3,))],
                         [[0.5, 0.0, 0.0], [0.0, 0.0, 1.0]]),
 'tensordot': ([([[5.8125, -0.0625], [-0.0625, 12.875]], 'float64',
                 (2, 2))],
               [[4.625, -0.3125, 0.0625], [7.625, -1.0625, 1.0]]),
 'tensordot_0': ([([[1.75, 0.125, -0.375], [-4.375, -0.3125, 0.9375],
                    [7.0, 0.5, -1.5]],
                   'float64', (3, 3))],
                 [[0.4375, 3.625, 1.1875], [-0.125, 0.1875, 2.0625]]),
 'tensordot_pairs': ([(18.6875, 'float64', ())],
                     [[0.25, -0.625, 1.0], [1.75, 0.125, -0.375]]),
 'tile': ([([[0.5, -1.25, 2.0, 0.5, -1.25, 2.0],
             [3.5, 0.25, -0.75, 3.5, 0.25, -0.75]],
            'float64', (2, 6))],
          [[1.25, 1.75, 1.0], [1.75, 1.0, 1.5]]),
 'tile_more': ([([[[0.5, -1.25, 2.0], [3.5, 0.25, -0.75]],
                  [[0.5, -1.25, 2.0], [3.5, 0.25, -0.75]]],
                 'float64', (2, 2, 3))],
               [[0.75, 1.25, 1.75], [2.25, 1.5, 0.75]]),
 'topk': ([([[2.0, 0.5], [3.5, 0.25]], 'float64', (2, 2)),
           ([[2, 0], [0, 1]], 'int64', (2, 2))],
          [[0.5, 0.0, 0.25], [0.75, 1.0, 0.0]]),
 'topk_smallest_dim0': ([([[0.25, -2.0, -1.5], [1.0, -0.5, 0.5]],
                          'float64', (2, 3)),
                         ([[1, 0, 1], [0, 2, 0]], 'int64', (2, 3))],
                        [[1.0, 0.5, 0.25], [0.25, 0.0, 0.75],
                         [0.0, 1.25, 0.0]]),
 'topk_ties': ([([[3.0, 2.0, 2.0], [0.0, 0.0, 0.0]], 'float64', (2, 3))],
               None),
 'trace': ([(0.75, 'float64', ())], [[0.25, 0.0, 0.0], [0.0, 0.25, 0.0]]),
 'tril': ([([[1.0, 0.0, 0.0], [0.25, 3.0, 0.0], [2.5, -0.5, 1.75]],
            'float64', (3, 3))],
          [[0.25, 0.0, 0.0], [1.0, 1.25, 0.0], [0.5, 0.75, 1.0]]),
 'tril_k': ([([[[0.0, 0.0, 0.0, 0.0], [-0.6, 0.0, 0.0, 0.0],
                [-0.19999999999999996, -0.09999999999999998, 0.0, 0.0]],
               [[0.0, 0.0, 0.0, 0.0], [0.6000000000000001, 0.0, 0.0, 0.0],
                [1.0, 1.1, 0.0, 0.0]]],
              'float64', (2, 3, 4))],
            [[[0.0, 0.0, 0.0, 0.0], [1.25, 0.0, 0.0, 0.0],
              [1.0, 1.25, 0.0, 0.0]],
             [[0.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.0],
              [0.25, 0.5, 0.0, 0.0]]]),
 'triu': ([([[0.0, -1.25, 2.0], [0.0, 0.0, -0.75]], 'float64', (2, 3))],
          [[0.0, 0.5, 0.75], [0.0, 0.0, 0.25]]),
 'triu_neg': ([([[1.0, -2.0, 0.5], [0.25, 3.0, -1.5], [0.0, -0.5, 1.75]],
                'float64', (3, 3))],
              [[0.25, 0.5, 0.75], [1.0, 1.25, 0.25], [0.0, 0.75, 1.0]]),
 'unbind': ([([0.5, 3.5], 'float64', (2,)),
             ([-1.25, 0.25], 'float64', (2,)),
             ([2.0, -0.75], 'float64', (2,))],
            [[0.25, 0.25, 0.25], [0.5, 0.5, 0.5]]),
 'unflatten': ([([[[0.5], [-1.25], [2.0]], [[3.5], [0.25], [-0.75]]],
                 'float64', (2, 3, 1))],
               [[0.25, 0.5, 0.75], [1.0, 1.25, 0.25]]),
 'unflatten_infer': ([([[[[-1.0, -0.9], [-0.8, -0.7]],
                         [[-0.6, -0.5],
                          [-0.3999999999999999, -0.29999999999999993]],
                         [[-0.19999999999999996, -0.09999999999999998],
                          [0.0, 0.10000000000000009]]],
                        [[[0.20000000000000018, 0.30000000000000004],
                          [0.40000000000000013, 0.5]],
                         [[0.6000000000000001, 0.7000000000000002],
                          [0.8, 0.9000000000000001]],
                         [[1.0, 1.1],
                          [1.2000000000000002, 1.3000000000000003]]]],
                       'float64', (2, 3, 2, 2))],
                     [[[0.25, 0.5, 0.75, 1.0], [1.25, 0.25, 0.5, 0.75],
                       [1.0, 1.25, 0.25, 0.5]],
                      [[0.75, 1.0, 1.25, 0.25], [0.5, 0.75, 1.0, 1.25],
                       [0.25, 0.5, 0.75, 1.0]]]),
 'unique': ([([1, 2, 3], 'int64', (3,)), ([2, 0, 2, 1], 'int64', (4,)),
             ([1, 1, 2], 'int64', (3,))],
            None),
 'unique_dim': ([([[0, 1], [1, 2]], 'int64', (2, 2)),
                 ([1, 1, 0], 'int64', (3,))],
                None),
 'unique_float': ([([0.5, 1.0, 2.5], 'float32', (3,))], None),
 'vstack': ([([[0.5, -1.25, 2.0], [0.5, -1.25, 2.0], [3.5, 0.25, -0.75]],
              'float64', (3, 3))],
            [[1.25, 1.75, 1.0], [0.5, 0.75, 1.0]]),
 'where_method': ([([[0.5, -3.75, 2.0], [3.5, 0.25, -2.25]], 'float64',
                    (2, 3))],
                  [[0.25, 1.5, 0.75], [1.0, 1.25, 0.75]]),
 'where_one_argument': ([([0, 0, 1, 1], 'int64', (4,)),
                         ([0, 2, 0, 1], 'int64', (4,))],
                        None)}
