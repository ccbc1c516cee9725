"""The documented conventions at kinks and ties, tested exactly, and the numerical-stability
cases, run with NumPy's overflow/divide/invalid floating-point errors raised and every warning
turned into an error (underflow to 0 is what a stable softmax relies on, so it stays allowed)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

import autograd_mini as am


def leaf(values, dtype=np.float64) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


@contextmanager
def strict_floats() -> Iterator[None]:
    """Overflow, division by zero and invalid operations raise; so does any warning."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise",
                                                under="ignore"):
        warnings.simplefilter("error")
        yield


def grad_of(fn, values, dtype=np.float64) -> np.ndarray:
    x = leaf(values, dtype)
    fn(x).sum().backward()
    return x.grad.data


# ---- ties and kinks -----------------------------------------------------------------------
def test_max_ties_split_the_gradient_evenly():
    np.testing.assert_array_equal(grad_of(am.max, [1.0, 3.0, 3.0, 2.0]), [0.0, 0.5, 0.5, 0.0])
    np.testing.assert_array_equal(grad_of(am.max, [2.0, 2.0, 2.0]), [1 / 3, 1 / 3, 1 / 3])
    got = grad_of(lambda t: t.max(dim=1).values, [[1.0, 4.0, 4.0], [5.0, 0.0, 5.0]])
    np.testing.assert_array_equal(got, [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])
    got = grad_of(lambda t: am.max(t, axis=(0, 1), keepdims=True), [[1.0, 7.0], [7.0, 7.0]])
    np.testing.assert_array_equal(got, [[0.0, 1 / 3], [1 / 3, 1 / 3]])


def test_min_ties_split_the_gradient_evenly():
    np.testing.assert_array_equal(grad_of(am.min, [0.0, -1.0, 2.0, -1.0]), [0.0, 0.5, 0.0, 0.5])
    got = grad_of(lambda t: t.min(axis=0), [[1.0, 2.0], [1.0, 3.0]])
    np.testing.assert_array_equal(got, [[0.5, 1.0], [0.5, 0.0]])


@pytest.mark.parametrize("op", [am.maximum, am.minimum])
def test_maximum_and_minimum_at_equality_give_half_to_each_side(op):
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 5.0])
    op(a, b).sum().backward()
    winner_a = [0.5, 1.0, 0.0] if op is am.maximum else [0.5, 0.0, 1.0]
    np.testing.assert_array_equal(a.grad.data, winner_a)
    np.testing.assert_array_equal(b.grad.data, 1.0 - np.array(winner_a))


def test_maximum_tie_with_a_broadcast_scalar():
    a, b = leaf([0.0, 0.0, 1.0]), leaf(0.0)
    am.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 0.5, 1.0])
    assert b.grad.item() == 1.0  # two half shares summed back to the scalar


def test_relu_and_abs_have_zero_derivative_at_zero():
    np.testing.assert_array_equal(grad_of(am.relu, [-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad_of(am.abs, [-1.0, 0.0, 2.0]), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad_of(am.relu, [0.0], np.float32), [0.0])


def test_clip_passes_the_gradient_at_its_bounds():
    got = grad_of(lambda t: am.clip(t, -1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(got, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_argmax_and_comparisons_carry_no_gradient():
    x = leaf([1.0, 3.0, 2.0])
    for t in (x.argmax(), x > 1.0, x == x, am.argmin(x)):
        assert not t.requires_grad and t.grad_fn is None
    # a comparison used as a mask: the gradient flows through the selected values only
    y = am.where(x > 1.5, x * 2.0, x * 0.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 2.0])


def test_power_zero_has_zero_gradient_even_at_zero():
    with strict_floats():
        np.testing.assert_array_equal(grad_of(lambda t: t ** 0, [0.0, 2.0, -3.0]), [0, 0, 0])
        np.testing.assert_array_equal(grad_of(lambda t: t ** 0.0, [0.0]), [0.0])
        exponent = am.tensor(np.zeros(2))
        np.testing.assert_array_equal(grad_of(lambda t: t ** exponent, [0.0, 2.0]), [0, 0])


def test_exponent_gradient_of_zero_base_is_zero():
    with strict_floats():
        y = leaf([2.0, 0.5, 3.0])
        (am.tensor(np.zeros(3)) ** y).sum().backward()
        np.testing.assert_array_equal(y.grad.data, [0.0, 0.0, 0.0])
        y = leaf([1.0, 2.0])
        (0.0 ** y).sum().backward()
        np.testing.assert_array_equal(y.grad.data, [0.0, 0.0])
        base, y = leaf([0.0, 2.0]), leaf([2.0, 3.0])
        (base ** y).sum().backward()
        np.testing.assert_array_equal(base.grad.data, [0.0, 3 * 2.0 ** 2])
        np.testing.assert_allclose(y.grad.data, [0.0, 8 * np.log(2.0)], rtol=1e-15)


def test_getitem_backward_accumulates_repeated_indices():
    np.testing.assert_array_equal(grad_of(lambda t: t[[0, 0, 1]], [5.0, 6.0, 7.0]), [2, 1, 0])
    got = grad_of(lambda t: t[np.array([[1, 1], [1, 0]])], [1.0, 2.0])
    np.testing.assert_array_equal(got, [1.0, 3.0])
    got = grad_of(lambda t: t[[0, 0], [1, 1]], np.zeros((2, 2)))
    np.testing.assert_array_equal(got, [[0.0, 2.0], [0.0, 0.0]])


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    np.testing.assert_array_equal(grad_of(am.prod, [2.0, 0.0, 3.0]), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(grad_of(am.prod, [0.0, 0.0, 3.0]), [0.0, 0.0, 0.0])
    got = grad_of(lambda t: t.prod(dim=1), [[0.0, 4.0], [2.0, 5.0]])
    np.testing.assert_array_equal(got, [[4.0, 0.0], [5.0, 2.0]])


# ---- stability ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_with_huge_logits_is_exact_and_finite(dtype):
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0],
                       [1000.0, 1000.0, 999.0]], dtype=dtype)
    with strict_floats():
        x = leaf(logits, dtype)
        sm = am.softmax(x, dim=1)
        lsm = am.log_softmax(x, dim=1)
        lse = am.logsumexp(x, dim=1)
        (sm * am.tensor(np.arange(9.0).reshape(3, 3).astype(dtype))).sum().backward()
        g_sm = x.grad.data
        x.grad = None
        lsm[:, 0].sum().backward()
        g_lsm = x.grad.data
        x.grad = None
        lse.sum().backward()
        g_lse = x.grad.data

    e = np.exp(np.float64(-1.0))
    expected_sm = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3],
                            [1 / (2 + e), 1 / (2 + e), e / (2 + e)]])
    tol = 1e-6 if dtype == np.float32 else 1e-15  # relative to results of order 1
    np.testing.assert_allclose(sm.data, expected_sm, rtol=tol, atol=tol)
    np.testing.assert_allclose(lse.data, [1000.0, -1000.0 + np.log(3.0),
                                          1000.0 + np.log(2 + e)], rtol=tol)
    assert lse.data[0] == 1000.0
    assert lsm.data[0, 1] == -2000.0 and lsm.data[0, 0] == 0.0  # exact, not -inf
    c = np.log(2 + e)
    expected_lsm = [[0.0, -2000.0, -1000.0], [-np.log(3.0)] * 3, [-c, -c, -1.0 - c]]
    np.testing.assert_allclose(lsm.data, expected_lsm, rtol=tol, atol=tol)
    for g in (g_sm, g_lsm, g_lse):
        assert np.isfinite(g).all() and g.dtype == dtype
    np.testing.assert_allclose(g_lse, expected_sm, rtol=tol, atol=tol)  # d lse / dx = softmax
    np.testing.assert_allclose(g_lsm[:, 0], 1.0 - expected_sm[:, 0], rtol=tol, atol=tol)


def test_logsumexp_of_an_all_minus_inf_row_is_minus_inf_with_zero_gradient():
    with strict_floats():
        x = leaf([[-np.inf, -np.inf], [0.0, -np.inf]])
        lse = am.logsumexp(x, dim=1)
        lse[1].backward(retain_graph=True)  # the finite row: gradient [1, 0]
        assert lse.data[0] == -np.inf and lse.data[1] == 0.0
        np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0], [1.0, 0.0]])
        x.grad = None
        lse.backward(gradient=am.tensor(np.ones(2)))
        np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0], [1.0, 0.0]])
        whole = leaf([-np.inf, -np.inf])
        out = am.logsumexp(whole)
        out.backward()
        assert out.item() == -np.inf
        np.testing.assert_array_equal(whole.grad.data, [0.0, 0.0])


def test_softmax_of_an_all_minus_inf_row_is_zeros_not_nan():
    with strict_floats():
        x = leaf([[-np.inf, -np.inf], [0.0, 0.0]])
        s = am.softmax(x, dim=1)
        s.sum().backward()
    np.testing.assert_array_equal(s.data, [[0.0, 0.0], [0.5, 0.5]])
    np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0], [0.0, 0.0]])


def test_log_softmax_is_not_log_of_softmax():
    x = leaf([[0.0, -800.0]])
    with strict_floats():
        out = am.log_softmax(x, dim=-1)
        out.sum().backward()
    np.testing.assert_array_equal(out.data, [[0.0, -800.0]])
    assert out.grad_fn.name() == "LogSoftmaxBackward"
    np.testing.assert_allclose(x.grad.data, [[-1.0, 1.0]])  # 1 - 2 softmax


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_at_plus_minus_1000(dtype):
    with strict_floats():
        x = leaf([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype)
        s = am.sigmoid(x)
        s.sum().backward()
    assert s.data[0] == 0.0 and s.data[-1] == 1.0 and s.data[2] == 0.5
    assert s.dtype == dtype and x.grad.dtype == dtype
    assert x.grad.data[0] == 0.0 and x.grad.data[-1] == 0.0 and x.grad.data[2] == 0.25
    assert np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(s.data[1], np.exp(-50.0), rtol=1e-6)


def test_tanh_and_exp_gradients_at_large_inputs_are_finite():
    with strict_floats():
        x = leaf([-1000.0, 1000.0])
        am.tanh(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_var_and_std_of_constant_data_are_exactly_zero():
    x = leaf([2.0, 2.0, 2.0])
    v = am.var(x)
    assert v.item() == 0.0
    v.backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])


def test_prod_second_derivatives_at_zeros_are_exact():
    # d2/dxi dxj prod(x) = product of the elements other than i and j
    hess = am.func.hessian(lambda t: t.prod())
    np.testing.assert_array_equal(hess(am.tensor(np.array([0.0, 2.0, 3.0]))).data,
                                  [[0.0, 3.0, 2.0], [3.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
    expected = np.zeros((4, 4))
    expected[0, 1] = expected[1, 0] = 6.0
    np.testing.assert_array_equal(hess(am.tensor(np.array([0.0, 0.0, 3.0, 2.0]))).data, expected)
    x = leaf([[0.0, 2.0], [1.5, 0.0], [2.0, 3.0]])
    assert am.gradgradcheck(lambda t: am.prod(t, dim=1), (x,))
    assert am.gradgradcheck(lambda t: am.prod(t, dim=0, keepdim=True), (x,))
