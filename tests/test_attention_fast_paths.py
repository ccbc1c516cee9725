"""The float32 / float64 fast paths of attention and softmax against float64 and PyTorch.

`ScaledDotProductAttention` (no dropout, no weights) keeps only a row max and a row sum per
query and recomputes the probabilities in its backward; the causal mask goes in as an added
0 / -inf bias (redone as a masked copy when a masked score is +inf or NaN); softmax over the last
axis takes its row max from `last_axis_max` (columns pairwise, or `maximum.reduceat`) and its row
sums from a product with a ones column. The shapes below are large enough to take those
branches (256+ rows of 16, 64+ rows of 48). `test_literal_*` run without torch (PyTorch 2.13's
float32 results, written below); the live tests skip without torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini.nn import _sequence_primitives as SP
from autograd_mini.primitives import last_axis_max


def fill(shape: tuple, offset: float) -> np.ndarray:
    """Deterministic float32 values in [-1.5, 1.5]."""
    n = int(np.prod(shape))
    return np.round(np.sin(np.arange(n) * 0.7 + offset) * 1.5, 6).reshape(shape).astype(np.float32)


def _attention(arrays: list, dtype: Any = np.float32, **kw: Any) -> tuple:
    """(output, gq, gk, gv) of causal attention of q, k, v = arrays[:3], gradient arrays[3]."""
    q, k, v = (am.tensor(a.astype(dtype), requires_grad=True) for a in arrays[:3])
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True, **kw)
    out.backward(am.tensor(arrays[3].astype(dtype)))
    return out.data, q.grad.data, k.grad.data, v.grad.data


# PyTorch 2.13, float32: scaled_dot_product_attention(q, k, v, is_causal=True) with q, k, v, g =
# fill(shape, 0..3); per result: [0, 1, 5, :4], [-1, -1, -1, :4] and the sum of |x| (float64).
SDPA_TORCH = {
    (4, 4, 16, 8): {
        "out": ([0.31651568, 0.92252511, 1.0946568, 0.75195402],
                [0.54807454, -0.19811548, -0.8511287, -1.1038427], 1596.6562),
        "gq": ([-0.73379827, 0.20599338, 1.0489032, 1.3984978],
               [-0.2587828, -1.163174, -1.5205057, -1.1627204], 1375.9717),
        "gk": ([-1.0073025, -1.5382992, -1.3458093, -0.52036488],
               [0.30427003, 0.2038672, 0.0075825001, -0.19226831], 1448.3647),
        "gv": ([1.8785461, 1.3901719, 0.24797806, -1.0108446],
               [-0.10605032, -0.080801167, -0.01754996, 0.053955302], 1442.0681),
    },
    (1, 2, 48, 8): {
        "out": ([-0.44229934, -0.96395087, -1.0322418, -0.6150533],
                [-1.1296529, -0.52061558, 0.33327526, 1.0304217], 591.49816),
        "gq": ([0.61620247, -0.40029761, -1.2285316, -1.4789679],
               [-0.52442354, 0.30751806, 0.99482936, 1.2142565], 571.67157),
        "gk": ([1.7448218, 2.6140757, 2.2538884, 0.83366197],
               [-0.066768348, -0.074563026, -0.047289569, 0.0022249422], 592.97769),
        "gv": ([-2.6041439, -1.2848995, 0.6386531, 2.261837],
               [0.018448297, 0.022987345, 0.016715094, 0.0025814592], 562.8089),
    },
}


@pytest.mark.parametrize("shape", sorted(SDPA_TORCH))
def test_literal_causal_attention_float32(shape: tuple) -> None:
    results = _attention([fill(shape, i) for i in range(4)])
    for name, got in zip(("out", "gq", "gk", "gv"), results):
        first, last, total = SDPA_TORCH[shape][name]
        assert got.dtype == np.float32
        np.testing.assert_allclose(got[0, 1, 5, :4], first, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(got[-1, -1, -1, :4], last, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(np.abs(got).sum(dtype=np.float64), total, rtol=1e-6,
                                   err_msg=name)


@pytest.mark.parametrize("shape", [(4, 4, 16, 8), (1, 2, 48, 8), (2, 3, 20, 5)])
@pytest.mark.parametrize("scale", [None, 0.3])
def test_float32_attention_is_the_float64_result_rounded(shape: tuple, scale: Any) -> None:
    rng = np.random.default_rng(sum(shape))
    arrays = [rng.standard_normal(shape) * 2 for _ in range(4)]
    low = _attention(arrays, np.float32, scale=scale)
    high = _attention(arrays, np.float64, scale=scale)
    for got, want in zip(low, high):
        assert got.dtype == np.float32 and want.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-5 * np.abs(want).max())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4, 4, 16, 8), (1, 2, 48, 8), (3, 1, 7, 2)])
def test_causal_attention_against_torch(shape: tuple, dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(shape) + shape[-2])
    arrays = [rng.standard_normal(shape).astype(dtype) for _ in range(4)]
    ours = _attention(arrays, dtype)
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in arrays[:3])
    out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
    out.backward(torch.tensor(arrays[3]))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for got, want in zip(ours, (out, tq.grad, tk.grad, tv.grad)):
        want = want.detach().numpy()
        np.testing.assert_allclose(got, want, rtol=0, atol=tol * np.abs(want).max())


def test_attention_keeps_a_max_per_query_not_the_probabilities() -> None:
    q, k, v = (am.tensor(fill((2, 3, 16, 4), i), requires_grad=True) for i in range(3))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    shapes = [s.shape for s in out.grad_fn.saved_tensors]
    assert shapes == [(2, 3, 16, 4)] * 3 + [(2, 3, 16, 1)]
    # with dropout the probabilities (and the dropout mask) are kept, as before
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=0.5)
    assert [s.shape for s in out.grad_fn.saved_tensors][3:] == [(2, 3, 16, 16)] * 2


@pytest.mark.parametrize("shape", [(4, 4, 16, 8), (2, 3, 64, 32)])
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_array_backward_equals_recorded_backward_bit_for_bit(shape: tuple, keep: bool,
                                                             dtype: Any,
                                                             monkeypatch: Any) -> None:
    """The registry test does this in float64 on small shapes; here on GPT-like shapes (the
    fast max and sums), with the probabilities recomputed from the row max (default) or kept."""
    monkeypatch.setattr(SP, "_KEEP_PROBABILITIES", keep)
    rng = np.random.default_rng(3)
    q, k, v = (am.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
               for _ in range(3))
    bias = am.tensor(rng.standard_normal(shape[-2:-1] * 2).astype(dtype), requires_grad=True)
    g = am.tensor(rng.standard_normal(shape).astype(dtype))
    for kw in ({"is_causal": True}, {"attn_mask": bias}):
        out = F.scaled_dot_product_attention(q, k, v, **kw)
        leaves = [q, k, v] + ([bias] if "attn_mask" in kw else [])
        plain = am.autograd.grad([out], leaves, [g], retain_graph=True)
        recorded = am.autograd.grad([out], leaves, [g], create_graph=True)
        for p, r in zip(plain, recorded):
            np.testing.assert_array_equal(p.data, r.data)


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # row 15 is NaN
def test_a_masked_infinite_score_leaves_the_other_rows_alone() -> None:
    """A key of +inf makes the scores of the rows that must not see it +inf or NaN: the added
    -inf bias would give NaN there; the forward sees the NaN row max and masks exactly."""
    q = fill((1, 2, 16, 4), 0)
    q[..., :] = np.abs(q) + 0.1  # q . k = +inf for every row
    k, v = fill((1, 2, 16, 4), 1), fill((1, 2, 16, 4), 2)
    ref = _attention([q[..., :15, :], k[..., :15, :], v[..., :15, :], fill((1, 2, 15, 4), 3)],
                     np.float64)[0]
    k[..., 15, :] = np.inf
    tensors = [am.tensor(a) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*tensors, is_causal=True).data
    np.testing.assert_allclose(out[..., :15, :], ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_row_with_nothing_to_attend_to_gives_zeros_on_the_fast_path(dtype: Any) -> None:
    mask = np.tril(np.ones((16, 16), dtype=bool))
    mask[3] = False
    q, k, v = (am.tensor(fill((4, 4, 16, 8), i).astype(dtype), requires_grad=True)
               for i in range(3))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=am.tensor(mask))
    out.backward(am.ones_like(out))
    assert np.all(out.data[..., 3, :] == 0) and np.all(q.grad.data[..., 3, :] == 0)
    assert np.isfinite(k.grad.data).all() and np.isfinite(v.grad.data).all()


@pytest.mark.parametrize("shape", [(300, 16), (512, 3), (100, 40), (70, 1), (10, 16),
                                   (4, 4, 16, 16), (2, 1000)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_last_axis_max_is_numpys(shape: tuple, dtype: Any) -> None:
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    a.reshape(-1)[::37] = -np.inf
    a.reshape(-1)[5::101] = np.nan
    for x in (a, a[..., ::-1], np.swapaxes(a, -1, 0)):  # contiguous or not
        np.testing.assert_array_equal(last_axis_max(x), np.max(x, axis=-1, keepdims=True))


# PyTorch 2.13, float32: softmax over the last axis and its gradient (gradient fill(shape, 8)
# resp. fill(shape, 4)); x, causal -inf mask: row [1, 2, 9, :10]; x40: row [5, :6].
SOFTMAX_TORCH = {
    "x": ([0.37387803, 0.045018867, 0.00091842544, 1.9800462e-05, 2.7416215e-06, 6.178534e-06,
           0.00015464878, 0.0094551677, 0.20404357, 0.36650255],
          [-0.03961904, -0.051059715, -0.0017824542, -4.2499272e-05, -4.535475e-06,
           -4.3001351e-06, 4.2973832e-05, 0.0076516331, 0.13226677, -0.047448833]),
    "x40": ([1.0231635e-06, 5.2266673e-06, 0.00020744171, 0.011325981, 0.12964126,
             0.098852761],
            [-1.5259918e-06, -2.4901456e-06, 8.4555133e-05, 0.0084366798, 0.048848853,
             -0.051755138]),
}


def _softmax_cases() -> dict:
    causal = np.tril(np.ones((16, 16), dtype=bool))
    x = np.where(causal, fill((4, 4, 16, 16), 7) * 4, -np.inf).astype(np.float32)
    return {"x": (x, fill((4, 4, 16, 16), 8), (1, 2, 9, slice(0, 10))),
            "x40": (fill((80, 40), 3) * 4, fill((80, 40), 4), (5, slice(0, 6)))}


@pytest.mark.parametrize("case", sorted(SOFTMAX_TORCH))
def test_literal_softmax_float32(case: str) -> None:
    x, g, at = _softmax_cases()[case]
    t = am.tensor(x, requires_grad=True)
    p = F.softmax(t, dim=-1)
    p.backward(am.tensor(g))
    want_p, want_g = SOFTMAX_TORCH[case]
    assert p.dtype == np.float32 and t.grad.dtype == np.float32
    np.testing.assert_allclose(p.data[at], want_p, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(t.grad.data[at], want_g, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("case", sorted(SOFTMAX_TORCH))
def test_softmax_float32_is_the_float64_result_rounded(case: str) -> None:
    x, g, _ = _softmax_cases()[case]
    results = []
    for dtype in (np.float32, np.float64):
        t = am.tensor(x.astype(dtype), requires_grad=True)
        p = F.softmax(t, dim=-1)
        p.backward(am.tensor(g.astype(dtype)))
        results.append((p.data, t.grad.data))
    for low, high in zip(*results):  # (the gradient cancels: within eps of its largest value)
        np.testing.assert_allclose(low, high, rtol=0, atol=1e-6 * np.abs(high).max())


@pytest.mark.parametrize("case", sorted(SOFTMAX_TORCH))
def test_softmax_float32_against_torch(case: str) -> None:
    torch = pytest.importorskip("torch")
    x, g, _ = _softmax_cases()[case]
    t = am.tensor(x, requires_grad=True)
    p = F.softmax(t, dim=-1)
    p.backward(am.tensor(g))
    tx = torch.tensor(x, requires_grad=True)
    tp = torch.softmax(tx, -1)
    tp.backward(torch.tensor(g))
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-5, atol=1e-8)
    want = tx.grad.numpy()
    np.testing.assert_allclose(t.grad.data, want, rtol=0, atol=1e-6 * np.abs(want).max())


def test_softmax_of_rows_all_minus_inf_is_zero_on_the_fast_path() -> None:
    x = fill((300, 16), 1)
    x[7] = -np.inf
    t = am.tensor(x, requires_grad=True)
    p = F.softmax(t, dim=-1)
    p.backward(am.ones_like(p))
    assert np.all(p.data[7] == 0) and np.all(t.grad.data[7] == 0)
    np.testing.assert_allclose(p.data.sum(-1)[np.arange(300) != 7], 1, rtol=1e-6)
