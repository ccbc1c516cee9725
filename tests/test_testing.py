"""am.testing: the strategies, assert_grads_match, taylor_test and the pytest plugin."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.testing import (
    assert_grads_match,
    axes,
    broadcastable_shapes,
    max_examples,
    shapes,
    taylor_test,
    tensors,
)

pytest_plugins = ["pytester"]
FEW = settings(max_examples=max_examples(30), deadline=None)


# ---- strategies ---------------------------------------------------------------------------------
@FEW
@given(st.data())
def test_shapes_respect_their_bounds(data) -> None:
    lo, hi = data.draw(st.integers(0, 3)), data.draw(st.integers(3, 5))
    shape = data.draw(shapes(min_dims=lo, max_dims=hi, min_side=2, max_side=4))
    assert lo <= len(shape) <= hi and all(2 <= n <= 4 for n in shape)


@FEW
@given(broadcastable_shapes(3, min_dims=1, max_dims=3, max_side=3))
def test_broadcastable_shapes_broadcast_together(shape_set) -> None:
    assert len(shape_set) == 3
    np.broadcast_shapes(*shape_set)  # raises if they do not
    assert all(1 <= len(s) <= 3 for s in shape_set)


@FEW
@given(tensors(shape=shapes(max_dims=2), avoid=(0.0, 1.0), margin=0.05))
def test_tensors_keep_away_from_kinks(x) -> None:
    assert isinstance(x, am.Tensor) and x.requires_grad and x.dtype == np.float64
    assert np.all(np.abs(x.data) >= 0.05) and np.all(np.abs(x.data - 1.0) >= 0.05)


@FEW
@given(tensors(shape=(4, 3), distinct=True, margin=0.1, dtype=np.float32))
def test_distinct_tensors_have_no_near_ties(x) -> None:
    assert x.shape == (4, 3) and x.dtype == np.float32
    gaps = np.diff(np.sort(x.data.astype(np.float64).reshape(-1)))
    assert np.all(gaps >= 0.1 - 1e-6) and np.all(np.abs(x.data) >= 0.1 - 1e-6)


@FEW
@given(tensors(shape=(5,), dtype=np.int64, requires_grad=False, min_value=-3, max_value=3))
def test_integer_tensors(x) -> None:
    assert x.dtype == np.int64 and not x.requires_grad and np.all(np.abs(x.data) <= 3)


@FEW
@given(st.data())
def test_axes_are_valid_numpy_reduction_arguments(data) -> None:
    shape = data.draw(shapes(max_dims=4))
    axis = data.draw(axes(len(shape)))
    expected = np.sum(np.ones(shape), axis=axis)  # NumPy accepts every spelling drawn
    assert am.sum(am.ones(*shape), axis).shape == np.shape(expected)


def test_impossible_tensor_requests_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="requires_grad=True needs a floating dtype, got int64"):
        tensors(dtype=np.int64)
    with pytest.raises(ValueError, match="closer than 2 \\* margin"):
        tensors(avoid=(0.0, 0.01), margin=0.01)
    with pytest.raises(ValueError, match="distinct=True needs 100 values"):
        tensors(shape=(100,), distinct=True, min_value=0, max_value=1, margin=0.1)


def test_strategies_are_lazy_and_import_autograd_mini_does_not_import_hypothesis() -> None:
    code = ("import sys, autograd_mini as am; assert 'hypothesis' not in sys.modules; "
            "am.testing.assert_grads_match; assert 'hypothesis' not in sys.modules; "
            "am.testing.tensors; assert 'hypothesis' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_strategies_without_hypothesis_name_the_extra() -> None:
    # sys.modules[name] = None makes `import hypothesis` fail as it does where it is not installed.
    code = ("import sys; sys.modules['hypothesis'] = None; import autograd_mini as am\n"
            "am.testing.assert_grads_match\n"
            "try:\n    am.testing.tensors\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "am.testing.tensors needs hypothesis: pip install 'autograd_mini[testing]'" in out.stdout


# ---- assert_grads_match -------------------------------------------------------------------------
def _cube(scale: float, differentiable: bool = True):
    class Cube(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if not differentiable:  # NumPy in backward: right values, no second derivative
                return g * am.Tensor(scale * 3 * x.data ** 2)
            return g * scale * 3 * x ** 2

    return Cube


@FEW
@given(st.data())
def test_correct_functions_pass_with_broadcasting(data) -> None:
    sa, sb = data.draw(broadcastable_shapes(2, max_side=3))
    a = data.draw(tensors(shape=sa))
    b = data.draw(tensors(shape=sb))
    assert_grads_match(lambda x, y: (x * y).tanh() + x ** 2, a, b)
    assert_grads_match(_cube(1.0), a)


def test_a_one_percent_error_is_caught_and_explained() -> None:
    x = am.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    with pytest.raises(am.GradcheckError) as info:
        assert_grads_match(_cube(1.01), x)
    text = str(info.value)
    assert "first derivatives of Cube.apply are wrong" in text
    assert "input 0: argument 0: Tensor of shape (3,), dtype float64" in text
    assert "analytic" in text and "numeric" in text and "What to try" in text


def test_a_backward_written_in_numpy_fails_at_second_order_only() -> None:
    x = am.tensor(np.array([0.5, -1.5]), requires_grad=True)
    assert_grads_match(_cube(1.0, differentiable=False), x, order=1)
    with pytest.raises(am.GradcheckError, match="second derivatives of Cube.apply are wrong"):
        assert_grads_match(_cube(1.0, differentiable=False), x)


def test_a_wrong_transpose_is_caught() -> None:
    class BadMatMul(am.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a.data @ b.data

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g @ b, a.mT @ g  # should be g @ b.mT

    rng = np.random.default_rng(0)
    a = am.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    b = am.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    with pytest.raises(am.GradcheckError, match="with respect to input 0"):
        assert_grads_match(BadMatMul, a, b)


def test_the_callers_tensors_are_untouched() -> None:
    x = am.tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    before = x.data.copy()
    assert_grads_match(lambda t: t.exp(), x)
    assert x.dtype == np.float32 and np.array_equal(x.data, before) and x.grad is None


def test_modules_check_their_parameters_on_a_float64_copy() -> None:
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.BatchNorm1d(2))
    snapshot = {k: v.data.copy() for k, v in model.state_dict().items()}
    dtypes = [p.dtype for p in model.parameters()]
    x = am.tensor(np.random.default_rng(1).standard_normal((5, 3)), requires_grad=True)
    assert_grads_match(model, x)
    for k, v in model.state_dict().items():  # parameters and running statistics unchanged
        assert np.array_equal(v.data, snapshot[k]), k
    assert [p.dtype for p in model.parameters()] == dtypes
    assert all(p.grad is None and p.is_leaf for p in model.parameters())


def test_a_wrong_parameter_gradient_is_named() -> None:
    class Scale(am.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x.data * w.data

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, (g * x * 1.05).sum(0)

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(am.tensor(np.array([0.5, -2.0])))

        def forward(self, x):
            return Scale.apply(x, self.weight)

    x = am.tensor(np.array([[1.0, 2.0], [3.0, -1.0]]))  # the input needs no gradient
    with pytest.raises(am.GradcheckError) as info:
        assert_grads_match(Layer(), x)
    assert "parameter 'weight' of shape (2,)" in str(info.value)
    assert "with respect to input 1" in str(info.value)


def test_a_float32_model_and_batch_are_checked_in_float64() -> None:
    am.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.GELU(), nn.Linear(4, 1))
    x = am.tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    assert_grads_match(model, x)  # only the parameters are checked; x joins in float64
    assert x.dtype == np.float32 and all(p.dtype == np.float32 for p in model.parameters())


def test_random_modules_are_refused_with_a_reason() -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    x = am.tensor(np.ones((4, 3)), requires_grad=True)
    with pytest.raises(am.GradcheckError, match="different outputs for the same inputs"):
        assert_grads_match(model, x)
    assert_grads_match(model.eval(), x)


def test_nothing_to_check_and_bad_order_are_errors() -> None:
    with pytest.raises(ValueError, match="nothing to check"):
        assert_grads_match(lambda t: t * 2, am.tensor(np.ones(2)))
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        assert_grads_match(lambda t: t, am.tensor(np.ones(2), requires_grad=True), order=3)


# ---- taylor_test ----------------------------------------------------------------------------------
def test_taylor_order_is_two_for_a_correct_gradient() -> None:
    x = am.tensor(np.array([0.3, -0.7, 1.1]), requires_grad=True)
    y = am.tensor(np.array([[0.2], [0.9]]), requires_grad=True)
    result = taylor_test(lambda a, b: (a * b).sin().sum() + (a ** 3).sum(), (x, y))
    assert result.passed and 1.9 < result.order < 2.1
    assert "observed order" in str(result)


def test_taylor_catches_a_tenth_of_a_percent_that_gradcheck_tolerates() -> None:
    x = am.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    bad = _cube(1.001)
    assert am.gradcheck(bad.apply, (x,))  # within rtol=1e-3
    result = taylor_test(lambda t: bad.apply(t).sum(), x, raise_exception=False)
    assert not result.passed and 0.9 < result.order < 1.1
    with pytest.raises(am.GradcheckError, match="shrinks at order 1.0"):
        taylor_test(lambda t: bad.apply(t).sum(), x)


def test_taylor_of_a_linear_function_is_exact() -> None:
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    result = taylor_test(lambda t: (t * 3.0).sum(), x)
    assert result.passed and math.isnan(result.order) and "rounding level" in str(result)


def test_taylor_refuses_non_scalar_outputs_and_integer_inputs() -> None:
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(ValueError, match="one-element Tensor, got shape \\(2,\\)"):
        taylor_test(lambda t: t * 2, x)
    with pytest.raises(TypeError, match="float Tensor"):
        taylor_test(lambda t: t.sum(), am.tensor(np.array([1, 2])))


# ---- the pytest plugin ------------------------------------------------------------------------------
_INNER = """
import numpy as np
from hypothesis import given, settings
import autograd_mini as am
from autograd_mini.testing import tensors

def test_fixture(gradcheck):
    x = am.tensor(np.array([0.5, 1.5]), requires_grad=True)
    gradcheck(lambda t: t.sin(), x)
    assert gradcheck.taylor(lambda t: t.sin().sum(), x).passed
    print("DEEP", gradcheck.deep, gradcheck.max_examples(3), settings().max_examples)

calls = []

@given(tensors(shape=(2,)))
def test_profile(x):
    calls.append(x)

def test_count():
    print("CALLS", len(calls))
"""


PLUGIN = ("-p", "autograd_mini.testing.plugin")


def test_plugin_fixture_and_deep_option(pytester) -> None:
    pytester.makepyfile(test_inner=_INNER)
    normal = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", *PLUGIN)
    normal.assert_outcomes(passed=3)
    assert "DEEP False 3" in normal.stdout.str()
    deep = pytester.runpytest_subprocess("-s", "--gradcheck-examples", "7", *PLUGIN)
    deep.assert_outcomes(passed=3)
    out = deep.stdout.str()
    assert "DEEP True 7 7" in out and "CALLS 7" in out
    assert "deep gradient-check run, 7 hypothesis examples per test" in out
    bad = pytester.runpytest_subprocess("--gradcheck-examples", "0", *PLUGIN)
    assert bad.ret != 0 and "must be a positive number" in bad.stderr.str()


def test_plugin_is_opt_in(pytester) -> None:
    # Installing the package must change no other project's test runs: without `-p` or
    # `pytest_plugins`, neither the fixture nor the option exists.
    from importlib.metadata import entry_points

    assert not [ep for ep in entry_points(group="pytest11") if "autograd_mini" in ep.value]
    pytester.makepyfile(test_inner="def test_fixture(gradcheck):\n    pass\n")
    plain = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert plain.ret != 0 and "fixture 'gradcheck' not found" in plain.stdout.str()
    unknown = pytester.runpytest_subprocess("--gradcheck-examples", "3")
    assert unknown.ret != 0 and "unrecognized arguments" in unknown.stderr.str()
    pytester.makeconftest('pytest_plugins = ["autograd_mini.testing.plugin"]\n')
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
