"""The gradient checkers cannot be fooled by a backward that ignores or mis-scales its upstream
gradient: `am.gradcheck`, `am.gradgradcheck`, `am.testing.assert_grads_match` and
`am.testing.taylor_test` all weight the outputs with a random cotangent (never exactly 1), also
for one-element outputs, where an upstream gradient of 1 hides a backward that ignores it.

Every deliberately broken custom Function below must fail all four checkers; each has a correct
twin that passes all four (no false alarm). The float32 part: the checkers warn that they run on
float64 copies, and `check_dtypes=True` compares a Function's float32 path with its float64 one.

About the "wrong dtype" case: the engine casts every gradient a backward returns to its input's
dtype, so a float32 gradient for a float64 input is only visible through its precision. Rounding
alone (about 6e-8 relative) is far below any finite-difference tolerance, so the broken Function
here computes its gradient in float32 the way such code goes wrong: with a cancellation
(1 - cos x for small x) that loses most of its digits in float32.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import GradcheckError
from autograd_mini.testing import assert_grads_match, taylor_test

Function = am.autograd.Function
SCALE = 1e6  # keeps (x - sin x) * SCALE's gradient far above gradcheck's atol for small x


def leaf(values) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# ---- the Functions: one correct twin per kind, then the broken ones -----------------------------
def cube_sum(bug: str | None = None) -> type[Function]:
    """sum(x**3): a one-element output, so the upstream gradient of a plain backward() is 1."""

    class CubeSum(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.sum(x.data ** 3)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if bug == "ignore":
                return 3.0 * x ** 2  # the local derivative only
            if bug == "square":
                return g * g * 3.0 * x ** 2  # right for g = 0 and g = 1 only
            return g * 3.0 * x ** 2

    return CubeSum


def cube(bug: str | None = None) -> type[Function]:
    """x**3, elementwise."""
    flip = am.tensor(np.array([-1.0, 1.0, 1.0, 1.0]))

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if bug == "ignore":
                return 3.0 * x ** 2
            if bug == "twice":
                return 2.0 * g * 3.0 * x ** 2
            if bug == "sign":
                return g * 3.0 * x ** 2 * flip  # element 0 has the wrong sign
            return g * 3.0 * x ** 2

    return Cube


def mul_row(bug: str | None = None) -> type[Function]:
    """m * row, row (4,) broadcast over the 3 rows of m (3, 4)."""

    class MulRow(Function):
        @staticmethod
        def forward(ctx, m, row):
            ctx.save_for_backward(m, row)
            return m.data * row.data

        @staticmethod
        def backward(ctx, g):
            m, row = ctx.saved_tensors
            if bug == "no reduction":  # as if row were not broadcast: one row of g * m
                return g * row, (g * m)[0]
            return g * row, (g * m).sum(0)

    return MulRow


def mul(bug: str | None = None) -> type[Function]:
    """a * b."""

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a.data * b.data

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            if bug == "swapped":  # each input gets the other one's gradient
                return g * a, g * b
            return g * b, g * a

    return Mul


def x_minus_sin(bug: str | None = None) -> type[Function]:
    """(x - sin x) * SCALE; its derivative (1 - cos x) * SCALE cancels badly for small x."""

    class XMinusSin(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x.data - np.sin(x.data)) * SCALE

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if bug == "float32":  # a float32 gradient for a float64 input, 1 - cos x in float32
                x32, g32 = x.data.astype(np.float32), g.data.astype(np.float32)
                return am.tensor(g32 * (np.float32(1.0) - np.cos(x32)) * np.float32(SCALE))
            return g * (1.0 - x.cos()) * SCALE

    return XMinusSin


def _vector():
    return (leaf([0.7, -1.3, 1.9, -0.6]),)


def _row():
    rng = np.random.default_rng(3)
    return leaf(rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))), \
        leaf([0.8, -1.2, 1.5, 0.9])


def _pair():
    return leaf([0.5, -1.5, 2.0]), leaf([1.25, 0.75, -0.5])


def _small():
    return (leaf([1.1e-3, -1.7e-3, 2.3e-3]),)


KINDS = {  # kind -> (Function factory, inputs, one-element output?)
    "cube_sum": (cube_sum, _vector, True),
    "cube": (cube, _vector, False),
    "mul_row": (mul_row, _row, False),
    "mul": (mul, _pair, False),
    "x_minus_sin": (x_minus_sin, _small, False),
}
BROKEN = {  # name -> (kind, bug)
    "ignores upstream, scalar output": ("cube_sum", "ignore"),
    "ignores upstream, vector output": ("cube", "ignore"),
    "squares upstream, scalar output": ("cube_sum", "square"),
    "scales upstream by 2": ("cube", "twice"),
    "sign error in one element": ("cube", "sign"),
    "missing broadcast reduction": ("mul_row", "no reduction"),
    "float32 gradient (wrong dtype)": ("x_minus_sin", "float32"),
    "gradient for the wrong input": ("mul", "swapped"),
}


def _scalar_fn(kind: str, fn):
    """What taylor_test gets: the function itself when its output has one element, else its sum
    (a plain sum: the checker's own random cotangent must expose a backward that ignores g)."""
    return fn if KINDS[kind][2] else (lambda *xs: fn(*xs).sum())


def run_checkers(kind: str, bug: str | None) -> dict[str, bool]:
    """Which of the four checkers pass: {checker: passed}."""
    factory, inputs, _ = KINDS[kind]
    fn = factory(bug).apply
    passed = {
        "gradcheck": am.gradcheck(fn, inputs(), raise_exception=False),
        "gradgradcheck": am.gradgradcheck(fn, inputs(), raise_exception=False),
        "taylor_test": taylor_test(_scalar_fn(kind, fn), inputs(), raise_exception=False).passed,
    }
    try:
        assert_grads_match(fn, *inputs())
        passed["assert_grads_match"] = True
    except AssertionError:  # GradcheckError is one
        passed["assert_grads_match"] = False
    return passed


# ---- every broken Function fails every checker; every correct twin passes them all -------------
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_correct_functions_pass_every_checker(kind):
    assert run_checkers(kind, None) == dict.fromkeys(
        ["gradcheck", "gradgradcheck", "taylor_test", "assert_grads_match"], True)


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_functions_fail_every_checker(name):
    kind, bug = BROKEN[name]
    assert run_checkers(kind, bug) == dict.fromkeys(
        ["gradcheck", "gradgradcheck", "taylor_test", "assert_grads_match"], False)


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_functions_raise_with_raise_exception(name):
    kind, bug = BROKEN[name]
    factory, inputs, _ = KINDS[kind]
    fn = factory(bug).apply
    with pytest.raises(GradcheckError, match=r"^gradcheck: "):
        am.gradcheck(fn, inputs())
    with pytest.raises(GradcheckError, match=r"^gradgradcheck: "):
        am.gradgradcheck(fn, inputs())
    with pytest.raises(GradcheckError, match=r"^taylor_test: "):
        taylor_test(_scalar_fn(kind, fn), inputs())
    with pytest.raises(GradcheckError, match=r"^assert_grads_match: first derivatives"):
        assert_grads_match(fn, *inputs())


@pytest.mark.parametrize("fast_mode", [False, True])
def test_a_backward_that_ignores_its_upstream_gradient_is_named_as_such(fast_mode):
    x = _vector()
    with pytest.raises(GradcheckError, match="random cotangent" if not fast_mode else
                       "fast_mode") as info:
        am.gradcheck(cube_sum("ignore").apply, x, fast_mode=fast_mode)
    assert "input 0" in str(info.value)
    assert not am.gradgradcheck(cube_sum("ignore").apply, x, fast_mode=fast_mode,
                                raise_exception=False)
    assert am.gradcheck(cube_sum().apply, x, fast_mode=fast_mode)
    assert am.gradgradcheck(cube_sum().apply, x, fast_mode=fast_mode)


def test_gradgradcheck_checks_first_derivatives_before_second():
    with pytest.raises(GradcheckError, match=r"^gradgradcheck: the first derivatives are wrong"):
        am.gradgradcheck(cube("sign").apply, _vector())


def test_a_double_backward_that_ignores_its_upstream_gradient_is_caught():
    """First derivatives right; the backward of the backward ignores its own upstream gradient,
    which only a random cotangent at the second level shows (the gradient here has one element)."""

    class CubeGrad(Function):  # g * 3x^2 for a one-element x
        @staticmethod
        def forward(ctx, g, x):
            ctx.save_for_backward(g, x)
            return 3.0 * x.data ** 2 * g.data

        @staticmethod
        def backward(ctx, gg):
            g, x = ctx.saved_tensors
            return 3.0 * x ** 2, 6.0 * x * g  # both should be multiplied by gg

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return CubeGrad.apply(g, x)

    x = (leaf([1.3]),)
    assert am.gradcheck(Cube.apply, x)
    with pytest.raises(GradcheckError, match=r"^gradgradcheck: mismatch"):
        am.gradgradcheck(Cube.apply, x)
    with pytest.raises(GradcheckError, match="second derivatives of Cube.apply are wrong"):
        assert_grads_match(Cube, *x)


def test_taylor_result_is_still_in_units_of_the_function():
    """The random cotangent weights the check, not the reported remainders."""
    x = am.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    result = taylor_test(lambda t: cube(None).apply(t).sum(), x)
    h, r = result.steps[0], result.remainders[0]
    v = np.random.default_rng(0).standard_normal(3)
    exact = abs(np.sum((x.data + h * v) ** 3) - np.sum(x.data ** 3) - h * np.sum(3 * x.data ** 2 * v))
    assert math.isclose(r, exact, rel_tol=1e-6)


# ---- float32 inputs --------------------------------------------------------------------------------
def _f32(values) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float32), requires_grad=True)


@pytest.mark.parametrize("checker", ["gradcheck", "gradgradcheck", "assert_grads_match",
                                     "taylor_test"])
def test_float32_inputs_warn_once_that_the_check_runs_in_float64(checker):
    x = _f32([0.3, -0.7, 1.1])
    call = {
        "gradcheck": lambda: am.gradcheck(am.sin, (x,)),
        "gradgradcheck": lambda: am.gradgradcheck(am.sin, (x,)),
        "assert_grads_match": lambda: assert_grads_match(am.sin, x),
        "taylor_test": lambda: taylor_test(lambda t: t.sin().sum(), x),
    }[checker]
    with pytest.warns(UserWarning) as record:
        call()
    messages = [str(w.message) for w in record if "float64" in str(w.message)]
    assert len(messages) == 1, messages
    assert "input 0" in messages[0] and "float32" in messages[0]
    assert "too coarse" in messages[0] and "finite differences" in messages[0]
    assert x.dtype == np.float32 and x.grad is None


def test_float64_inputs_do_not_warn():
    x = leaf([0.3, -0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert am.gradcheck(am.sin, (x,)) and am.gradgradcheck(am.sin, (x,))
        assert_grads_match(am.sin, x)
        taylor_test(lambda t: t.sin().sum(), x)


def float32_path(bug: str | None = None) -> type[Function]:
    """tanh(x) * w; a buggy float32 path casts through float16 in forward, or returns a gradient
    (in float64) scaled differently when the input is float32."""

    class Scaled(Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            t = np.tanh(x.data)
            if bug == "float16 forward" and x.dtype == np.float32:
                t = t.astype(np.float16).astype(np.float32)
            return t * w.data

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            t = x.tanh()
            gx = g * w * (1.0 - t * t)
            if bug == "float32 backward" and x.dtype == np.float32:
                gx = (gx.to(np.float64) * 1.01)
            return gx, (g * t).sum(0)

    return Scaled


def _f32_args():
    rng = np.random.default_rng(7)
    return _f32(rng.uniform(-1.5, 1.5, (3, 2))), _f32([0.7, -1.3])


@pytest.mark.parametrize("checker", ["gradcheck", "gradgradcheck", "assert_grads_match"])
@pytest.mark.parametrize("bug", ["float16 forward", "float32 backward"])
def test_check_dtypes_catches_a_float32_path_that_differs(checker, bug):
    fn = float32_path(bug).apply
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        # the float64 check alone cannot see it: the float32 path never runs
        if checker == "assert_grads_match":
            assert_grads_match(fn, *_f32_args())
        else:
            assert getattr(am, checker)(fn, _f32_args())
        what = "output 0" if bug == "float16 forward" else "gradient for input 0"
        with pytest.raises(GradcheckError, match=rf"(?s)float32 path.*{what}.*float32"):
            if checker == "assert_grads_match":
                assert_grads_match(fn, *_f32_args(), check_dtypes=True)
            else:
                getattr(am, checker)(fn, _f32_args(), check_dtypes=True)
        if checker != "assert_grads_match":
            assert getattr(am, checker)(fn, _f32_args(), check_dtypes=True,
                                        raise_exception=False) is False


@pytest.mark.parametrize("checker", ["gradcheck", "gradgradcheck", "assert_grads_match"])
def test_check_dtypes_passes_a_correct_function(checker):
    fn = float32_path(None).apply
    with pytest.warns(UserWarning, match="float64"):
        if checker == "assert_grads_match":
            assert_grads_match(fn, *_f32_args(), check_dtypes=True)
        else:
            assert getattr(am, checker)(fn, _f32_args(), check_dtypes=True)
    # composites of the project's own ops, and a float32 module's parameters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        x = _f32([[0.3, -0.7], [1.1, 0.2]])
        assert am.gradcheck(lambda t: (t.exp() * t).sum(1).tanh(), (x,), check_dtypes=True)
        am.manual_seed(0)
        model = am.nn.Sequential(am.nn.Linear(2, 3), am.nn.Tanh(), am.nn.Linear(3, 1))
        assert_grads_match(model, x, check_dtypes=True)


def test_check_dtypes_catches_a_module_whose_float32_path_differs():
    class Cast(am.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = am.nn.Parameter(am.tensor(np.array([0.5, -2.0], dtype=np.float32)))

        def forward(self, x):
            return float32_path("float32 backward").apply(x, self.weight)

    x = _f32([[0.3, -0.7], [1.1, 0.2]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert_grads_match(Cast(), x)
        with pytest.raises(GradcheckError, match=r"(?s)float32 path.*gradient for input 0"):
            assert_grads_match(Cast(), x, check_dtypes=True)
