"""Numerical edge cases where PyTorch's result is the contract.

Each test writes PyTorch's numbers in (taken from PyTorch 2.13, float64) and, where torch can be
imported, also compares with it live.
"""

from __future__ import annotations

import math
import warnings

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


def no_runtime_warnings() -> warnings.catch_warnings:
    caught = warnings.catch_warnings()
    caught.__enter__()
    warnings.simplefilter("error", RuntimeWarning)
    return caught


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
    caught = no_runtime_warnings()
    try:
        out.sum().backward()
    finally:
        caught.__exit__(None, None, None)
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
    caught = no_runtime_warnings()
    try:
        ga, gb = am.autograd.grad(out.sum(), (a, b), create_graph=True)
    finally:
        caught.__exit__(None, None, None)
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
        caught = no_runtime_warnings()
        try:
            m = reduce(x)
            m.backward()
        finally:
            caught.__exit__(None, None, None)
        assert math.isnan(float(m.data))
        assert_same(x.grad.data, [0.0, 0.5, 0.0, 0.5])  # torch: x.max(), x.min()


def test_max_over_an_axis_routes_to_nans_and_splits_ties() -> None:
    x = leaf([[1.0, NAN, 2.0], [4.0, 5.0, 5.0], [NAN, 0.0, NAN]])
    caught = no_runtime_warnings()
    try:
        m = am.max(x, axis=1)
        m.sum().backward()
    finally:
        caught.__exit__(None, None, None)
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
    caught = no_runtime_warnings()
    try:
        s = am.std(x)
        s.backward()
    finally:
        caught.__exit__(None, None, None)
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
