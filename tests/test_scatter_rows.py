"""The gradient of picking whole rows (an embedding lookup, `w[idx]`) takes one of two paths in
`ScatterAdd`: a matrix product with the one-hot picks for a small float table, sorting and
`np.add.reduceat` otherwise. Both must give np.add.at's sums, with repeated and negative
indices, any number of leading index axes, and a table of width 0."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import primitives


def _rows_gradient(n_rows: int, index: np.ndarray, width: tuple, dtype: type) -> np.ndarray:
    rng = np.random.default_rng(1)
    w = am.tensor(rng.standard_normal((n_rows,) + width).astype(dtype), requires_grad=True)
    g = rng.standard_normal(index.shape + width).astype(dtype)
    (w[am.tensor(index)] * am.tensor(g)).sum().backward()
    want = np.zeros((n_rows,) + width)
    np.add.at(want, np.where(index < 0, index + n_rows, index), g.astype(np.float64))
    return w.grad.numpy(), want


@pytest.mark.parametrize("n_rows, n_picks", [(27, 96), (27, 4096), (256, 4096), (257, 50),
                                             (1000, 2000), (5, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_gradient_is_the_sum_of_the_picked_rows(n_rows: int, n_picks: int,
                                                     dtype: type) -> None:
    rng = np.random.default_rng(n_rows + n_picks)
    index = rng.integers(-n_rows, n_rows, n_picks).reshape(-1, 1) if n_picks % 2 else \
        rng.integers(-n_rows, n_rows, n_picks).reshape(2, -1)
    got, want = _rows_gradient(n_rows, index, (3, 4), dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.sqrt(n_picks))


def test_both_paths_are_taken_and_agree() -> None:
    """The one-hot product covers tables up to _ONE_HOT_ROWS rows; above, the sorted sums."""
    rng = np.random.default_rng(0)
    for n_rows in (primitives._ONE_HOT_ROWS, primitives._ONE_HOT_ROWS + 1):
        index = rng.integers(0, n_rows, 300)
        g = rng.standard_normal((300, 7))
        out = np.zeros((n_rows, 7))
        primitives._add_rows(out, index, g)
        want = np.zeros((n_rows, 7))
        np.add.at(want, index, g)
        np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)


def test_width_zero_and_integer_tables() -> None:
    got, want = _rows_gradient(27, np.array([[1, 2, 1], [-1, 0, 26]]), (0,), np.float32)
    assert got.shape == (27, 0) and want.shape == (27, 0)
    out = np.zeros((4, 2), dtype=np.int64)  # not float: the sorted path, exact integer sums
    primitives._add_rows(out, np.array([3, 3, 0]), np.array([[1, 2], [3, 4], [5, 6]]))
    np.testing.assert_array_equal(out, [[5, 6], [0, 0], [0, 0], [4, 6]])


def test_embedding_gradient_matches_pytorch() -> None:
    """PyTorch 2.13's nn.Embedding gradient for these picks (also compared live below)."""
    w = am.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    idx = am.tensor([[0, 3, 3], [1, 0, 3]])
    g = am.tensor(np.arange(18.0).reshape(2, 3, 3))
    (am.nn.functional.embedding(idx, w) * g).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[12, 14, 16], [9, 10, 11], [0, 0, 0],
                                                   [24, 27, 30]])
    torch = pytest.importorskip("torch")
    tw = torch.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    tg = torch.tensor(np.arange(18.0).reshape(2, 3, 3))
    (torch.nn.functional.embedding(torch.tensor([[0, 3, 3], [1, 0, 3]]), tw) * tg).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.numpy())
