"""Numerical edge cases where PyTorch's result is the contract.

Each test writes PyTorch's numbers in (taken from PyTorch 2.13, float64) and, where torch can be
imported, also compares with it live.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

import autograd_mini as am

NAN, INF = math.nan, math.inf
NO_DOF = (r"degrees of freedom is <= 0\. Correction should be strictly less than the reduction "
          r"factor \(input numel divided by output numel\)\.")


def leaf(values: object) -> am.Tensor:
    return am.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def torch_leaf(values: object) -> object:
    torch = pytest.importorskip("torch")
    return torch.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def assert_same(actual: object, expected: object) -> None:
    """Equal, NaN where NaN and infinities of the same sign."""
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=1e-12, atol=0)


@contextlib.contextmanager
def no_runtime_warnings() -> Iterator[None]:
    """A NumPy RuntimeWarning inside fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


# ---- 1. clamp/clip with min > max: max wins everywhere, gradient 0 ----------------------------
CLAMP_X = [-1.0, 0.5, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("fn", [lambda x: am.clamp(x, 2.5, 1.0), lambda x: am.clip(x, min=2.5, max=1.0),
                                lambda x: x.clip(2.5, 1.0), lambda x: (x * 1.0).clamp_(2.5, 1.0)])
def test_clamp_min_above_max_gives_max_everywhere(fn: object) -> None:
    x = leaf(CLAMP_X)
    y = fn(x)
    y.sum().backward()
    assert_same(y.data, [1.0, 1.0, 1.0, 1.0, 1.0])  # torch.clamp(x, min=2.5, max=1.0)
    assert_same(x.grad.data, [0.0, 0.0, 0.0, 0.0, 0.0])


def test_clamp_min_above_max_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    t = torch_leaf(CLAMP_X)
    ty = torch.clamp(t, min=2.5, max=1.0)
    ty.sum().backward()
    x = leaf(CLAMP_X)
    y = am.clamp(x, 2.5, 1.0)
    y.sum().backward()
    assert_same(y.data, ty.detach().numpy())
    assert_same(x.grad.data, t.grad.numpy())


def test_clamp_keeps_its_other_checks() -> None:
    with pytest.raises(ValueError, match="at least one of min and max"):
        am.clamp(leaf([1.0]))
    with pytest.raises(TypeError, match=r"am\.maximum/am\.minimum"):
        am.clamp(leaf([1.0]), min=leaf([0.0]))


# ---- 2. 0 ** y: the exponent's gradient is -inf for y < 0 ------------------------------------
POW_A = [0.0, 0.0, 0.0, 0.0, 2.0]
POW_B = [-1.0, -0.5, 0.0, 2.0, -1.0]
# torch: a ** b, and its gradients for a sum
POW_OUT = [INF, INF, 1.0, 0.0, 0.5]
POW_GA = [-INF, -INF, 0.0, 0.0, -0.25]
POW_GB = [-INF, -INF, 0.0, 0.0, math.log(2.0) / 2]


def test_pow_at_zero_base_matches_torch_without_runtime_warnings() -> None:
    a, b = leaf(POW_A), leaf(POW_B)
    with np.errstate(divide="ignore"):  # the forward 0 ** -1 is inf, as in NumPy
        out = a ** b
    with no_runtime_warnings():
        out.sum().backward()
    assert_same(out.data, POW_OUT)
    assert_same(a.grad.data, POW_GA)
    assert_same(b.grad.data, POW_GB)


def test_pow_at_zero_base_matches_torch_live() -> None:
    pytest.importorskip("torch")
    ta, tb = torch_leaf(POW_A), torch_leaf(POW_B)
    (ta ** tb).sum().backward()
    a, b = leaf(POW_A), leaf(POW_B)
    with np.errstate(divide="ignore"):
        (a ** b).sum().backward()
    assert_same(a.grad.data, ta.grad.numpy())
    assert_same(b.grad.data, tb.grad.numpy())


def test_pow_exponent_gradient_stays_differentiable() -> None:
    a, b = leaf(POW_A), leaf(POW_B)
    with np.errstate(divide="ignore"):
        out = a ** b
    with no_runtime_warnings():
        ga, gb = am.autograd.grad(out.sum(), (a, b), create_graph=True)
    assert gb.requires_grad and ga.requires_grad
    assert_same(gb.data, POW_GB)
    assert_same(ga.data, POW_GA)
    # first and second derivatives away from zero
    base = am.tensor(np.array([0.5, 1.5, 2.0]), requires_grad=True)
    expo = am.tensor(np.array([-1.3, 0.0, 2.2]), requires_grad=True)
    assert am.gradcheck(lambda p, q: p ** q, (base, expo))
    assert am.gradgradcheck(lambda p, q: p ** q, (base, expo))
    # at a == 0 with y > 0 (y == 0 has 0 ** -eps = inf on one side, so no finite differences)
    zero = am.tensor(np.zeros(3))
    expo = am.tensor(np.array([0.5, 1.0, 2.5]), requires_grad=True)
    assert am.gradcheck(lambda q: zero ** q, (expo,))
    assert am.gradgradcheck(lambda q: zero ** q, (expo,))


# ---- 3. max/min reductions: a NaN result sends the gradient to the NaN elements -------------
def test_max_min_all_axes_route_to_nans_like_torch_max() -> None:
    values = [1.0, NAN, 3.0, NAN]
    for reduce in (am.max, am.min):
        x = leaf(values)
        with no_runtime_warnings():
            m = reduce(x)
            m.backward()
        assert math.isnan(float(m.data))
        assert_same(x.grad.data, [0.0, 0.5, 0.0, 0.5])  # torch: x.max(), x.min()


def test_max_over_an_axis_routes_to_nans_and_splits_ties() -> None:
    x = leaf([[1.0, NAN, 2.0], [4.0, 5.0, 5.0], [NAN, 0.0, NAN]])
    with no_runtime_warnings():
        m = am.max(x, axis=1)
        m.sum().backward()
    assert_same(m.data, [NAN, 5.0, NAN])
    # the NaN(s) of a row share its gradient evenly (as torch's x.max() does over all elements);
    # ties share it evenly (torch: x.amax(1) gives [0, 0.5, 0.5] for the second row)
    assert_same(x.grad.data, [[0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])


def test_max_min_with_nans_match_torch_live() -> None:
    pytest.importorskip("torch")
    for values in ([1.0, NAN, 3.0, NAN], [3.0, 1.0, 3.0], [NAN, 2.0]):
        for name in ("max", "min"):
            t = torch_leaf(values)
            getattr(t, name)().backward()
            x = leaf(values)
            getattr(am, name)(x).backward()
            assert_same(x.grad.data, t.grad.numpy())
    # over an axis: rows without NaN as torch's amax(dim) (ties split evenly)
    t = torch_leaf([[4.0, 5.0, 5.0], [1.0, 0.0, 1.0]])
    t.amax(1).sum().backward()
    x = leaf([[4.0, 5.0, 5.0], [1.0, 0.0, 1.0]])
    am.max(x, axis=1).sum().backward()
    assert_same(x.grad.data, t.grad.numpy())


# ---- 4. std at zero spread: gradient 0 ------------------------------------------------------
def test_std_gradient_is_zero_at_zero_spread() -> None:
    x = leaf([2.0, 2.0, 2.0])
    with no_runtime_warnings():
        s = am.std(x)
        s.backward()
    assert_same(s.data, 0.0)
    assert_same(x.grad.data, [0.0, 0.0, 0.0])  # torch: x.std() backward
    x = leaf([[2.0, 2.0], [1.0, 3.0]])
    s = x.std(1)
    s.sum().backward()
    assert_same(s.data, [0.0, math.sqrt(2.0)])
    assert_same(x.grad.data, [[0.0, 0.0], [-1 / math.sqrt(2.0), 1 / math.sqrt(2.0)]])


def test_std_matches_torch_live_and_gradchecks_away_from_zero() -> None:
    pytest.importorskip("torch")
    for values in ([[2.0, 2.0], [1.0, 3.0]], [[1.0, 2.0, 4.0], [5.0, 5.0, 5.0]]):
        t = torch_leaf(values)
        t.std(1).sum().backward()
        x = leaf(values)
        x.std(1).sum().backward()
        assert_same(x.grad.data, t.grad.numpy())
    x = leaf([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]])
    assert am.gradcheck(lambda a: a.std(1), (x,))
    assert am.gradgradcheck(lambda a: a.std(1), (x,))
    assert am.gradcheck(lambda a: a.std(), (x,))
    assert am.gradgradcheck(lambda a: a.std(), (x,))


# ---- 5. no degrees of freedom left, and the mean of nothing: NaN ----------------------------
def test_var_and_std_without_degrees_of_freedom_warn_and_give_nan() -> None:
    for name in ("var", "std"):
        x = leaf([3.0])
        with pytest.warns(UserWarning, match=rf"^{name}\(\): " + NO_DOF):
            v = getattr(am, name)(x)
        assert math.isnan(float(v.data))  # torch: nan, gradient nan
        with np.errstate(invalid="ignore"):
            v.backward()
        assert np.isnan(x.grad.data).all()
    x = leaf([[1.0], [2.0]])
    with pytest.warns(UserWarning, match=NO_DOF):
        v = x.var(1)
    assert_same(v.data, [NAN, NAN])
    with pytest.warns(UserWarning, match=NO_DOF):
        v = am.var(leaf([]))
    assert math.isnan(float(v.data))
    with pytest.warns(UserWarning, match=NO_DOF):  # torch divides by max(0, n - correction)
        v = am.var(leaf([3.0, 5.0, 4.0]), correction=5)
    assert_same(v.data, INF)
    with pytest.warns(UserWarning, match=NO_DOF):
        v = am.std(leaf([3.0, 4.0]), correction=2)
    assert_same(v.data, INF)


def test_mean_of_nothing_is_nan_silently() -> None:
    x = leaf(np.zeros(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = am.mean(x)
        m.backward()
        assert math.isnan(float(m.data))  # torch.tensor([]).mean(): nan, no warning
        assert x.grad.shape == (0,)
        y = leaf(np.zeros((2, 0)))
        m = y.mean(1)
        m.sum().backward()
    assert_same(m.data, [NAN, NAN])
    assert y.grad.shape == (2, 0)


def test_degenerate_reductions_match_torch_live() -> None:
    torch = pytest.importorskip("torch")
    cases = [("var", [3.0], {}), ("std", [3.0], {}), ("var", [], {}),
             ("var", [3.0, 5.0, 4.0], {"correction": 5}), ("var", [2.0, 2.0], {"correction": 2}),
             ("std", [3.0, 4.0], {"correction": 2})]
    for name, values, kw in cases:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            expected = getattr(torch_leaf(values), name)(**kw).detach().numpy()
        torch_messages = [str(w.message).split(" (Triggered")[0] for w in seen]
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            actual = getattr(am, name)(leaf(values), **kw).data
        assert [str(w.message) for w in seen] == torch_messages
        assert_same(actual, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(am.mean(leaf([])).data, torch.tensor([], dtype=torch.float64).mean().numpy())


# ---- 6. binary_cross_entropy at probabilities 0 and 1: PyTorch's forward and backward --------
BCE_X = [0.0, 1.0, 0.5, 1.0, 0.0, 0.25]
BCE_Y = [1.0, 0.0, 1.0, 1.0, 0.0, 0.5]
BCE_W = [1.0, 2.0, 1.0, 1.0, 1.0, 3.0]
# torch.nn.functional.binary_cross_entropy(x, y, weight=w), both x and y requiring grad
BCE_LOSS = 50.53401863848624
BCE_GRAD_X = [-166666667332.63382, 333333334665.26764, -1 / 3, 0.0, 0.0, -2 / 3]
BCE_GRAD_Y = [INF, -INF, 0.0, -INF, INF, 0.5493061443340549]


def test_binary_cross_entropy_at_zero_and_one_matches_torch() -> None:
    x, y = leaf(BCE_X), leaf(BCE_Y)
    with no_runtime_warnings():
        loss = am.nn.functional.binary_cross_entropy(x, y, weight=np.array(BCE_W))
        loss.backward()
    assert_same(loss.data, BCE_LOSS)
    assert_same(x.grad.data, BCE_GRAD_X)  # finite, of the sign that moves x toward y
    assert_same(y.grad.data, BCE_GRAD_Y)


def test_binary_cross_entropy_at_zero_and_one_matches_torch_live() -> None:
    torch = pytest.importorskip("torch")
    tx, ty = torch_leaf(BCE_X), torch_leaf(BCE_Y)
    loss = torch.nn.functional.binary_cross_entropy(tx, ty, weight=torch.tensor(BCE_W,
                                                                             dtype=torch.float64))
    loss.backward()
    assert_same(loss.item(), BCE_LOSS)
    assert_same(tx.grad.numpy(), BCE_GRAD_X)
    assert_same(ty.grad.numpy(), BCE_GRAD_Y)


# ---- 7. relu, abs, maximum/minimum at NaN: PyTorch's gradients --------------------------------
NAN_X = [NAN, -1.0, 0.0, 2.0]
# torch: d/dx of relu(x).sum(), abs(x).sum(), clamp(x, -0.5, 1).sum(), leaky_relu(x, 0.1).sum()
NAN_GRADS = {
    "relu": (lambda x: x.relu(), [1.0, 0.0, 0.0, 1.0]),  # relu'(NaN) = 1: its mask is not(x <= 0)
    "abs": (lambda x: x.abs(), [0.0, -1.0, 0.0, 1.0]),  # abs'(NaN) = sgn(NaN) = 0
    "clamp": (lambda x: x.clamp(-0.5, 1.0), [0.0, 0.0, 1.0, 0.0]),  # NaN is outside [lo, hi]
    "leaky_relu": (lambda x: am.nn.functional.leaky_relu(x, 0.1), [0.1, 0.1, 0.1, 1.0]),
}


@pytest.mark.parametrize("name", sorted(NAN_GRADS))
def test_gradients_at_nan_are_torchs(name: str) -> None:
    fn, expected = NAN_GRADS[name]
    x = leaf(NAN_X)
    with no_runtime_warnings():
        fn(x).sum().backward()
    assert_same(x.grad.data, expected)


MAXIMUM_A, MAXIMUM_B = [NAN, 1.0, NAN, 2.0, 3.0], [0.0, NAN, NAN, 2.0, 1.0]


def test_maximum_minimum_give_both_sides_the_gradient_at_nan() -> None:
    # torch.maximum(a, b).sum() backward: a.grad [1, 1, 1, 0.5, 1], b.grad [1, 1, 1, 0.5, 0];
    # torch.minimum swaps the last elements of the two
    for fn, ga, gb in [(am.maximum, [1, 1, 1, 0.5, 1], [1, 1, 1, 0.5, 0]),
                       (am.minimum, [1, 1, 1, 0.5, 0], [1, 1, 1, 0.5, 1])]:
        a, b = leaf(MAXIMUM_A), leaf(MAXIMUM_B)
        fn(a, b).sum().backward()
        assert_same(a.grad.data, ga)
        assert_same(b.grad.data, gb)


def test_gradients_at_nan_match_torch_live() -> None:
    torch = pytest.importorskip("torch")
    ops = {"relu": torch.relu, "abs": torch.abs, "clamp": lambda t: t.clamp(-0.5, 1.0),
           "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.1)}
    for name, (_, expected) in NAN_GRADS.items():
        t = torch_leaf(NAN_X)
        ops[name](t).sum().backward()
        assert_same(t.grad.numpy(), expected)
    for fn in (torch.maximum, torch.minimum):
        a, b = torch_leaf(MAXIMUM_A), torch_leaf(MAXIMUM_B)
        fn(a, b).sum().backward()
        x, y = leaf(MAXIMUM_A), leaf(MAXIMUM_B)
        getattr(am, fn.__name__)(x, y).sum().backward()
        assert_same(x.grad.data, a.grad.numpy())
        assert_same(y.grad.data, b.grad.numpy())


def test_fractional_powers_at_zero_give_infinite_gradients_silently() -> None:
    # torch: d/dx x ** 0.5 at [0, 4] is [inf, 0.25]; d/dx x ** -1 is [-inf, -0.0625]
    for exponent, expected in [(0.5, [INF, 0.25]), (-1.0, [-INF, -0.0625])]:
        x = leaf([0.0, 4.0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the forward's 0 ** -1 = inf warns, as in NumPy
            y = x ** exponent
        with no_runtime_warnings():
            y.sum().backward()
        assert_same(x.grad.data, expected)


# ---- 8. float16: reductions and normalisations accumulate in float32 ------------------------
def test_float16_mean_of_many_ones_is_one_and_sum_overflows_silently() -> None:
    ones = am.tensor(np.ones(100_000, dtype=np.float16), requires_grad=True)
    with no_runtime_warnings():
        mean, total = ones.mean(), ones.sum()
        mean.backward()
    assert mean.dtype == np.float16 and float(mean.data) == 1.0  # torch: tensor(1., float16)
    assert total.dtype == np.float16 and float(total.data) == INF  # torch: inf (> 65504)
    assert ones.grad.dtype == np.float16 and np.all(ones.grad.data == np.float16(1e-5))


# values up to +-300: squares overflow float16 (max 65504) unless accumulated in float32
F16_X = ((np.arange(24, dtype=np.float64).reshape(3, 8) * 37.0) % 101 - 50) * 6
F16_TARGET = np.array([1, 5, 7])
# the backward seeds: a weighted sum (softmax's plain sum is 1, whose gradient is only noise)
F16_SEED = np.cos(np.arange(24.0)).reshape(3, 8)
F16_CASES = {  # autograd_mini, torch, torch 2.13's float16 result (its first values)
    "var": (lambda x: x.var(1), lambda t: t.var(1), [32544.0, 35744.0, 36192.0]),
    "std": (lambda x: x.std(1), lambda t: t.std(1), [180.375, 189.0, 190.25]),
    "mean": (lambda x: x.mean(1), lambda t: t.mean(1), [-53.25, -19.5, 14.25]),
    "layer_norm": (lambda x: am.nn.functional.layer_norm(x, (8,)),
                   lambda t: _torch_f().layer_norm(t, (8,)), [-1.46191, -0.14661, 1.16895, -1.10645]),
    "mse_loss": (lambda x: am.nn.functional.mse_loss(x / 30, am.zeros_like(x)),
                 lambda t: _torch_f().mse_loss(t / 30, t * 0), [35.09375]),
    "softmax": (lambda x: (x / 30).softmax(-1), lambda t: (t / 30).softmax(-1),
                [0.0, 7e-05, 0.11865, 0.0]),
    "log_softmax": (lambda x: (x / 30).log_softmax(-1), lambda t: (t / 30).log_softmax(-1),
                    [-16.9375, -9.53125, -2.13086, -14.92969]),
    "cross_entropy": (lambda x: am.nn.functional.cross_entropy(x / 30, am.tensor(F16_TARGET)),
                      lambda t: _torch_f().cross_entropy(t / 30, _torch().tensor(F16_TARGET)),
                      [7.96875]),
}


def _torch() -> object:
    return pytest.importorskip("torch")


def _torch_f() -> object:
    return _torch().nn.functional


def weighted(y: am.Tensor) -> am.Tensor:
    return (y * am.tensor(F16_SEED.ravel()[:y.data.size].reshape(y.shape))).sum()


def assert_float16_close(actual: np.ndarray, expected: object) -> None:
    """Within a few float16 units in the last place (eps = 2**-10)."""
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=3e-3,
                               atol=1e-4)


@pytest.mark.parametrize("name", sorted(F16_CASES))
def test_float16_reductions_give_torchs_values_and_finite_gradients(name: str) -> None:
    fn, _, expected = F16_CASES[name]
    x = am.tensor(F16_X.astype(np.float16), requires_grad=True)
    with no_runtime_warnings():
        y = fn(x)
        weighted(y).backward()
    assert y.dtype == np.float16 and x.grad.dtype == np.float16
    assert_float16_close(y.data.ravel()[:len(expected)], expected)
    assert np.all(np.isfinite(x.grad.data))  # torch's are finite too
    # the gradient is the float64 one to float16 precision
    x64 = am.tensor(F16_X, requires_grad=True)
    weighted(fn(x64)).backward()
    scale = np.max(np.abs(x64.grad.data)) + 1e-6
    np.testing.assert_allclose(x.grad.data / scale, x64.grad.data / scale, rtol=0, atol=1e-2)


@pytest.mark.parametrize("name", sorted(F16_CASES))
def test_float16_reductions_match_torch_live(name: str) -> None:
    torch = _torch()
    fn, torch_fn, _ = F16_CASES[name]
    t = torch.tensor(F16_X.astype(np.float16), requires_grad=True)
    ty = torch_fn(t)
    (ty * torch.tensor(F16_SEED.ravel()[:ty.numel()].reshape(ty.shape))).sum().backward()
    x = am.tensor(F16_X.astype(np.float16), requires_grad=True)
    y = fn(x)
    weighted(y).backward()
    assert_float16_close(y.data, ty.detach().double().numpy())
    scale = float(t.grad.abs().max()) + 1e-6
    np.testing.assert_allclose(x.grad.data / scale, t.grad.double().numpy() / scale, rtol=0,
                               atol=1e-2)
