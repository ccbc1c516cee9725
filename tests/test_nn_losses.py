"""Every loss of am.nn against a hand-written NumPy formula (from PyTorch's documented definitions),
for every combination of its options, with gradcheck on shapes drawn by hypothesis."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

REDUCTIONS = ["none", "mean", "sum"]


def leaf(array) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def rng_of(draw):
    return np.random.default_rng(draw(st.integers(0, 2**31)))


def reduce(losses, reduction, denominator=None):
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / (losses.size if denominator is None else denominator)


def log_softmax(z, axis=1):
    m = z.max(axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis, keepdims=True))


# ---- cross-entropy ------------------------------------------------------------------------
def ce_index_reference(z, t, weight, ignore_index, eps, reduction):
    """PyTorch's documented loss for class-index targets, one sample at a time."""
    n_classes = z.shape[1]
    logp = np.moveaxis(log_softmax(z), 1, -1)  # (N, d1, ..., C)
    w = np.ones(n_classes) if weight is None else weight
    losses = np.zeros(t.shape)
    denominator = 0.0
    for idx in np.ndindex(*t.shape):
        y = t[idx]
        if y == ignore_index:
            continue
        nll = -w[y] * logp[idx][y]
        smooth = -np.sum(w * logp[idx])
        losses[idx] = (1 - eps) * nll + eps / n_classes * smooth
        denominator += w[y]
    return reduce(losses, reduction, denominator)


def ce_probability_reference(z, y, weight, eps, reduction):
    n_classes = z.shape[1]
    w = np.ones(n_classes) if weight is None else weight
    mixed = (1 - eps) * y + eps / n_classes
    w_b = w.reshape((1, -1) + (1,) * (z.ndim - 2))
    losses = -np.sum(w_b * mixed * log_softmax(z), axis=1)
    return reduce(losses, reduction)


# (weighted, ignore mode, label smoothing, reduction): ignore mode "none" uses the default
# ignore_index with no ignored target, "default" marks some targets -100, "class" ignores class 1.
CE_COMBOS = list(itertools.product([False, True], ["none", "default", "class"], [0.0, 0.2],
                                   REDUCTIONS))


def _ce_index_case(draw, ignore_mode, weighted, spatial):
    rng = rng_of(draw)
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    extra = tuple(draw(st.integers(1, 3)) for _ in range(2)) if spatial else ()
    z = rng.standard_normal((n, c) + extra) * 2
    t = rng.integers(0, c, (n,) + extra)
    ignore_index = -100
    if ignore_mode == "default":
        t = np.where(rng.random(t.shape) < 0.3, -100, t)
    elif ignore_mode == "class":
        ignore_index = 1
    weight = rng.uniform(0.2, 3.0, c) if weighted else None
    return z, t, weight, ignore_index


@pytest.mark.parametrize("weighted, ignore_mode, eps, reduction", CE_COMBOS)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_cross_entropy_class_indices(weighted, ignore_mode, eps, reduction, data):
    spatial = data.draw(st.booleans())
    z, t, weight, ignore_index = _ce_index_case(data.draw, ignore_mode, weighted, spatial)
    if reduction == "mean" and np.all(t == ignore_index):
        t[(0,) * t.ndim] = 0
    expected = ce_index_reference(z, t, weight, ignore_index, eps, reduction)
    loss_fn = nn.CrossEntropyLoss(None if weight is None else am.Tensor(weight), ignore_index,
                                  reduction, eps)
    got = loss_fn(am.Tensor(z), am.Tensor(t))
    np.testing.assert_allclose(got.data, expected, rtol=1e-10, atol=1e-12)
    target = am.Tensor(t)
    assert am.gradcheck(lambda x: loss_fn(x, target), (leaf(z),))


@pytest.mark.parametrize("weighted, eps, reduction",
                         list(itertools.product([False, True], [0.0, 0.3], REDUCTIONS)))
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_cross_entropy_probability_targets(weighted, eps, reduction, data):
    rng = rng_of(data.draw)
    n, c = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    extra = (data.draw(st.integers(1, 3)),) if data.draw(st.booleans()) else ()
    z = rng.standard_normal((n, c) + extra)
    y = rng.random((n, c) + extra)
    y /= y.sum(1, keepdims=True)
    weight = rng.uniform(0.2, 3.0, c) if weighted else None
    expected = ce_probability_reference(z, y, weight, eps, reduction)
    got = F.cross_entropy(am.Tensor(z), am.Tensor(y), weight, reduction=reduction,
                          label_smoothing=eps)
    np.testing.assert_allclose(got.data, expected, rtol=1e-10, atol=1e-12)
    # the target is differentiable too (soft labels produced by another model)
    assert am.gradcheck(lambda a, b: F.cross_entropy(a, b, weight, reduction=reduction,
                                                     label_smoothing=eps), (leaf(z), leaf(y)))


def test_cross_entropy_weighted_mean_denominator_by_hand():
    z = am.zeros(3, 3)  # every log-probability is -log 3
    t = am.Tensor(np.array([0, 1, -100]))
    w = am.tensor([1.0, 2.0, 3.0])
    # (1 + 2) log 3 / (1 + 2): the denominator is the targets' weights, not the sample count
    assert math.isclose(F.cross_entropy(z, t, w).item(), math.log(3), rel_tol=1e-6)
    assert math.isclose(F.cross_entropy(z, t, w, reduction="sum").item(), 3 * math.log(3),
                        rel_tol=1e-6)
    np.testing.assert_allclose(F.cross_entropy(z, t, w, reduction="none").data,
                               [math.log(3), 2 * math.log(3), 0.0], rtol=1e-6)


def test_cross_entropy_unbatched_and_index_equals_one_hot_probabilities():
    rng = np.random.default_rng(0)
    z = rng.standard_normal(4)
    for reduction in REDUCTIONS:
        got = F.cross_entropy(am.Tensor(z), am.Tensor(np.array(2)), reduction=reduction)
        assert got.shape == ()
        np.testing.assert_allclose(got.data, -log_softmax(z[None])[0, 2], rtol=1e-12)
    z = rng.standard_normal((5, 3))
    t = rng.integers(0, 3, 5)
    w = rng.uniform(0.5, 2, 3)
    by_index = F.cross_entropy(am.Tensor(z), am.Tensor(t), w, reduction="sum",
                               label_smoothing=0.1)
    by_probability = F.cross_entropy(am.Tensor(z), am.Tensor(np.eye(3)[t]), w, reduction="sum",
                                     label_smoothing=0.1)
    np.testing.assert_allclose(by_index.data, by_probability.data, rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_and_infinite_logits():
    z = leaf([[1000.0, -1000.0, 0.0], [0.0, -np.inf, 5.0]])
    loss = F.cross_entropy(z, am.Tensor(np.array([0, 2])), reduction="none")
    np.testing.assert_allclose(loss.data, [0.0, np.log1p(np.exp(-5.0))], atol=1e-12)
    loss.sum().backward()
    assert np.isfinite(z.grad.data).all()
    np.testing.assert_allclose(z.grad.data[1, 1], 0.0)
    big = F.cross_entropy(am.tensor([[1000.0, -1000.0]]), am.Tensor(np.array([1])))
    assert big.item() == pytest.approx(2000.0)


def test_cross_entropy_all_ignored_mean_is_nan_with_zero_gradient():
    z = leaf(np.ones((2, 3)))
    loss = F.cross_entropy(z, am.Tensor(np.array([-100, -100])))
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(z.grad.data, 0.0)


def test_cross_entropy_float32_stays_float32():
    z = am.randn(4, 3, requires_grad=True)
    loss = F.cross_entropy(z, am.Tensor(np.array([0, 1, 2, 0])), label_smoothing=0.1)
    loss.backward()
    assert loss.dtype == np.float32 and z.grad.dtype == np.float32


@pytest.mark.parametrize("target, error, pattern", [
    (np.zeros(4, dtype=np.float32), ValueError, r"shape \(4,\) and dtype float32.*\(4, 3\)"),
    (np.zeros(5, dtype=np.int64), ValueError, r"shape \(5,\) and dtype int64.*need shape \(4,\)"),
    (np.array([0, 1, 3, 0]), IndexError, r"target value 3 at \(2,\).*\[0, 3\)"),
    (np.array([0, 1, -1, 0]), IndexError, r"target value -1"),
    (np.zeros(4, dtype=bool), TypeError, r"dtype bool"),
    (np.zeros((4, 3), dtype=np.int64), ValueError, r"class-index targets need shape \(4,\)"),
])
def test_cross_entropy_validates_targets_up_front(target, error, pattern):
    z = am.randn(4, 3, requires_grad=True)
    with pytest.raises(error, match=pattern):
        F.cross_entropy(z, am.Tensor(target))
    assert z.grad is None


def test_cross_entropy_validates_options():
    z, t = am.randn(4, 3), am.Tensor(np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"weight of shape \(2,\) does not fit 3 classes"):
        F.cross_entropy(z, t, am.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(z, t, label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(ValueError, match="detach"):
        F.cross_entropy(z, t, am.ones(3, requires_grad=True))
    with pytest.raises(TypeError, match="floating-point"):
        F.cross_entropy(am.Tensor(np.zeros((4, 3), dtype=np.int64)), t)


# ---- NLL ----------------------------------------------------------------------------------
@pytest.mark.parametrize("weighted, ignore_mode, reduction",
                         list(itertools.product([False, True], ["none", "default", "class"],
                                                REDUCTIONS)))
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_nll_loss(weighted, ignore_mode, reduction, data):
    z, t, weight, ignore_index = _ce_index_case(data.draw, ignore_mode, weighted,
                                                data.draw(st.booleans()))
    if reduction == "mean" and np.all(t == ignore_index):
        t[(0,) * t.ndim] = 0
    logp = log_softmax(z)
    expected = ce_index_reference(z, t, weight, ignore_index, 0.0, reduction)
    loss_fn = nn.NLLLoss(None if weight is None else am.Tensor(weight), ignore_index, reduction)
    got = loss_fn(am.Tensor(logp), am.Tensor(t))
    np.testing.assert_allclose(got.data, expected, rtol=1e-10, atol=1e-12)
    target = am.Tensor(t)
    x = leaf(logp)
    assert am.gradcheck(lambda a: loss_fn(a, target), (x,))
    assert am.gradgradcheck(lambda a: loss_fn(a, target), (x,))
    composed = F.nll_loss(F.log_softmax(am.Tensor(z), 1), target, weight,
                          ignore_index=ignore_index, reduction=reduction)
    fused = F.cross_entropy(am.Tensor(z), target, weight, ignore_index=ignore_index,
                            reduction=reduction)
    np.testing.assert_allclose(composed.data, fused.data, rtol=1e-10, atol=1e-12)


def test_nll_loss_rejects_probability_targets():
    with pytest.raises(TypeError, match="integer class indices"):
        F.nll_loss(am.randn(2, 3), am.randn(2, 3))


# ---- regression losses --------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse", "l1"])
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_mse_and_l1(name, reduction, data):
    rng = rng_of(data.draw)
    shape = tuple(data.draw(st.integers(1, 4)) for _ in range(data.draw(st.integers(0, 3))))
    x = rng.standard_normal(shape)
    y = x + rng.uniform(0.1, 1.0, shape) * rng.choice([-1, 1], shape)  # no kink at x == y
    module = nn.MSELoss(reduction) if name == "mse" else nn.L1Loss(reduction)
    formula = (x - y) ** 2 if name == "mse" else np.abs(x - y)
    np.testing.assert_allclose(module(am.Tensor(x), am.Tensor(y)).data, reduce(formula, reduction),
                               rtol=1e-12)
    assert am.gradcheck(module, (leaf(x), leaf(y)))
    assert am.gradgradcheck(module, (leaf(x), leaf(y)))


def test_regression_losses_refuse_broadcasting_shapes():
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
        F.mse_loss(am.randn(4, 1), am.randn(4))
    with pytest.raises(ValueError, match="shapes must be equal"):
        F.l1_loss(am.randn(3), am.randn(1))


# ---- binary cross-entropy -----------------------------------------------------------------
def bce_reference(x, y, w, reduction):
    losses = -(y * np.maximum(np.log(x), -100) + (1 - y) * np.maximum(np.log(1 - x), -100))
    return reduce(losses * (1 if w is None else w), reduction)


@pytest.mark.parametrize("weighted, reduction",
                         list(itertools.product([False, True], REDUCTIONS)))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_bce_loss(weighted, reduction, data):
    rng = rng_of(data.draw)
    shape = tuple(data.draw(st.integers(1, 4)) for _ in range(data.draw(st.integers(1, 3))))
    x = rng.uniform(0.05, 0.95, shape)
    y = rng.random(shape)
    w = rng.uniform(0.5, 2, shape[-1:]) if weighted else None
    module = nn.BCELoss(None if w is None else am.Tensor(w), reduction)
    np.testing.assert_allclose(module(am.Tensor(x), am.Tensor(y)).data,
                               bce_reference(x, y, w, reduction), rtol=1e-12)
    assert am.gradcheck(module, (leaf(x), leaf(y)))
    assert am.gradgradcheck(module, (leaf(x), leaf(y)))


def test_bce_loss_clamps_logs_at_minus_100():
    x = leaf([0.0, 1.0, 0.0, 1.0])
    y = am.tensor(np.array([1.0, 0.0, 0.0, 1.0]))
    loss = F.binary_cross_entropy(x, y, reduction="none")
    np.testing.assert_array_equal(loss.data, [100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    assert np.isfinite(x.grad.data).all()
    with pytest.raises(ValueError, match=r"\[0, 1\].*max 1.5"):
        F.binary_cross_entropy(am.tensor([0.5, 1.5]), am.tensor([0.0, 1.0]))


def bce_logits_reference(x, y, w, pw, reduction):
    pw = 1 if pw is None else pw
    soft_neg = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)  # log(1 + exp(-x))
    soft_pos = np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)  # log(1 + exp(x))
    losses = pw * y * soft_neg + (1 - y) * soft_pos
    return reduce(losses * (1 if w is None else w), reduction)


@pytest.mark.parametrize("weighted, pos_weighted, reduction",
                         list(itertools.product([False, True], [False, True], REDUCTIONS)))
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_bce_with_logits(weighted, pos_weighted, reduction, data):
    rng = rng_of(data.draw)
    shape = tuple(data.draw(st.integers(1, 4)) for _ in range(data.draw(st.integers(1, 3))))
    x = rng.standard_normal(shape) * 4
    y = rng.random(shape)
    w = rng.uniform(0.5, 2, shape) if weighted else None
    pw = rng.uniform(0.5, 3, shape[-1:]) if pos_weighted else None
    module = nn.BCEWithLogitsLoss(None if w is None else am.Tensor(w), reduction,
                                  None if pw is None else am.Tensor(pw))
    np.testing.assert_allclose(module(am.Tensor(x), am.Tensor(y)).data,
                               bce_logits_reference(x, y, w, pw, reduction), rtol=1e-12)
    assert am.gradcheck(module, (leaf(x), leaf(y)))


def test_bce_with_logits_is_stable_for_1000_and_minus_inf():
    x = leaf([1000.0, -1000.0, -np.inf, np.inf, 0.0, 1000.0, -1000.0, -np.inf])
    y = am.tensor(np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.0, 1.0, 1.0]))
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [0, 0, 0, 0, math.log(2), 1000, 1000, np.inf])
    loss[:7].sum().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0, 0, 0, 0, 1, -1, 0])
    assert not np.isnan(loss.data).any()


def test_bce_with_logits_errors():
    with pytest.raises(ValueError, match=r"pos_weight of shape \(3,\).*\(2, 2\)"):
        F.binary_cross_entropy_with_logits(am.randn(2, 2), am.rand(2, 2), pos_weight=am.ones(3))
    with pytest.raises(ValueError, match="shapes must be equal"):
        F.binary_cross_entropy_with_logits(am.randn(2, 2), am.rand(2))


def test_loss_modules_repr():
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
