"""The gradient checker itself: it must catch wrong VJPs, at first and at second order, and say
where and by how much.

The buggy ops are custom `am.autograd.Function`s (not registered primitives, which would join the
registry test). Each comes with a correct twin that passes the same check, so a failure is the
bug's doing and not the checker being too strict. "Second order" bugs have a correct first
derivative whose own backward is wrong: only `gradgradcheck` can see them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import GradcheckError

Function = am.autograd.Function


def leaf(values) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# ---- three kinds of bug, each at first order and at second order -------------------------------
def cube(error: float = 0.0, second_order_error: float = 0.0) -> type[Function]:
    """x**3, with its VJP scaled by (1 + error), or with the VJP of its VJP scaled."""

    class CubeGrad(Function):  # g * 3x^2, as an op of its own so its backward can be wrong
        @staticmethod
        def forward(ctx, g, x):
            ctx.save_for_backward(g, x)
            return 3.0 * x.data ** 2 * g.data

        @staticmethod
        def backward(ctx, gg):
            g, x = ctx.saved_tensors
            return gg * 3.0 * x ** 2, gg * 6.0 * x * g * (1.0 + second_order_error)

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return CubeGrad.apply(g, x) * (1.0 + error)

    return Cube


def add_row(wrong_axis: bool) -> type[Function]:
    """m + row (row broadcast over the rows of m); the buggy backward reduces the broadcast
    gradient over the wrong axis (same shape for a square m, wrong values)."""

    class AddRow(Function):
        @staticmethod
        def forward(ctx, m, row):
            return m.data + row.data

        @staticmethod
        def backward(ctx, g):
            return g, g.sum(1 if wrong_axis else 0)

    return AddRow


def mul_row(wrong_axis_second_order: bool) -> type[Function]:
    """m * row. Its first derivative is right; the op that broadcasts row inside the VJP reduces
    its own gradient over the wrong axis, which only a second derivative reaches."""

    class ScaleByRow(Function):  # g * row, broadcasting row
        @staticmethod
        def forward(ctx, g, row):
            ctx.save_for_backward(g, row)
            return g.data * row.data

        @staticmethod
        def backward(ctx, gg):
            g, row = ctx.saved_tensors
            return gg * row, (gg * g).sum(1 if wrong_axis_second_order else 0)

    class MulRow(Function):
        @staticmethod
        def forward(ctx, m, row):
            ctx.save_for_backward(m, row)
            return m.data * row.data

        @staticmethod
        def backward(ctx, g):
            m, row = ctx.saved_tensors
            return ScaleByRow.apply(g, row), (g * m).sum(0)

    return MulRow


def matmul(transpose_bug: bool, second_order_bug: bool = False) -> type[Function]:
    """a @ b for square matrices; the bug multiplies by b instead of b.T (same shape)."""

    class GradA(Function):  # g @ b.T
        @staticmethod
        def forward(ctx, g, b):
            ctx.save_for_backward(g, b)
            return g.data @ b.data.T

        @staticmethod
        def backward(ctx, gg):
            g, b = ctx.saved_tensors
            # d<gg, g b^T>/db = gg^T g; the bug writes g^T gg
            return gg @ b, (g.T @ gg if second_order_bug else gg.T @ g)

    class MatMul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a.data @ b.data

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            ga = g @ b if transpose_bug else GradA.apply(g, b)
            return ga, a.T @ g

    return MatMul


def _inputs(rng: np.random.Generator, kind: str) -> tuple:
    if kind == "cube":
        return (leaf(rng.uniform(0.5, 2.0, 4) * rng.choice([-1, 1], 4)),)
    return leaf(rng.standard_normal((3, 3))), leaf(rng.standard_normal(3) + 1.0)


FIRST_ORDER = {  # name -> (buggy, correct, inputs kind, tolerances)
    "VJP 0.1% off": (cube(error=1e-3).apply, cube().apply, "cube", {"rtol": 1e-4}),
    "VJP 0.5% off": (cube(error=5e-3).apply, cube().apply, "cube", {}),
    "broadcast reduced over the wrong axis": (add_row(True).apply, add_row(False).apply,
                                              "row", {}),
    "wrong transpose": (matmul(True).apply, matmul(False).apply, "square", {}),
}
SECOND_ORDER = {
    "VJP of the VJP 0.1% off": (cube(second_order_error=1e-3).apply, cube().apply, "cube",
                                {"rtol": 1e-4}),
    "VJP of the VJP 0.5% off": (cube(second_order_error=5e-3).apply, cube().apply, "cube", {}),
    "broadcast in the VJP reduced over the wrong axis": (mul_row(True).apply,
                                                         mul_row(False).apply, "row", {}),
    "wrong transpose in the VJP": (matmul(False, True).apply, matmul(False, False).apply,
                                   "square", {}),
}


def _args(kind: str, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    if kind == "square":
        return leaf(rng.standard_normal((3, 3))), leaf(rng.standard_normal((3, 3)))
    return _inputs(rng, kind)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", sorted(FIRST_ORDER))
def test_first_order_bugs_are_caught(name, seed):
    buggy, correct, kind, tol = FIRST_ORDER[name]
    args = _args(kind, seed)
    assert am.gradcheck(correct, args, **tol)
    assert am.gradgradcheck(correct, args, **tol)
    with pytest.raises(GradcheckError, match=r"^gradcheck: mismatch"):
        am.gradcheck(buggy, args, **tol)
    assert am.gradcheck(buggy, args, raise_exception=False, **tol) is False


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_order_bugs_are_caught_by_gradgradcheck(name, seed):
    buggy, correct, kind, tol = SECOND_ORDER[name]
    args = _args(kind, seed)
    assert am.gradgradcheck(correct, args, **tol)
    assert am.gradcheck(buggy, args, **tol)  # the first derivative is right ...
    with pytest.raises(GradcheckError, match=r"^gradgradcheck: mismatch"):
        am.gradgradcheck(buggy, args, **tol)  # ... its derivative is not
    assert am.gradgradcheck(buggy, args, raise_exception=False, **tol) is False


def test_a_relative_error_equal_to_rtol_is_within_tolerance_by_definition():
    """Documents the tolerance: |analytic - numeric| <= atol + rtol * |numeric|. A VJP scaled by
    exactly (1 + rtol) sits on that boundary, so catching 0.1% needs rtol below 1e-3 (central
    differences in float64 are accurate to about 1e-9 here, so 1e-4 is safe)."""
    x = (leaf([0.5, -1.0, 2.0]),)
    assert am.gradcheck(cube(error=1e-3).apply, x)  # default rtol=1e-3
    assert not am.gradcheck(cube(error=1e-3).apply, x, rtol=1e-4, raise_exception=False)
    assert am.gradcheck(cube().apply, x, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["VJP 0.5% off", "broadcast reduced over the wrong axis",
                                  "wrong transpose"])
def test_fast_mode_catches_first_order_bugs(name):
    buggy, correct, kind, tol = FIRST_ORDER[name]
    args = _args(kind, 0)
    assert am.gradcheck(correct, args, fast_mode=True, **tol)
    with pytest.raises(GradcheckError, match=r"fast_mode.*input \d.*analytic.*numeric"):
        am.gradcheck(buggy, args, fast_mode=True, **tol)


def test_fast_mode_catches_a_second_order_bug_on_a_large_input():
    rng = np.random.default_rng(5)
    x = (leaf(rng.uniform(0.5, 2.0, 2000)),)
    assert am.gradgradcheck(cube().apply, x, fast_mode=True)
    with pytest.raises(GradcheckError, match="gradgradcheck \\(fast_mode\\)"):
        am.gradgradcheck(cube(second_order_error=5e-3).apply, x, fast_mode=True)


# ---- the failure message ------------------------------------------------------------------------
def test_message_names_input_output_worst_element_and_values():
    x = leaf([0.5, -1.0, 2.0, 1.5])
    with pytest.raises(GradcheckError) as info:
        am.gradcheck(cube(error=1e-3).apply, (x,), rtol=1e-4)
    message = str(info.value)
    # the worst entry is the largest derivative, 3 * 2.0**2 = 12, at element 2
    assert "output 0 (shape (4,)) with respect to input 0 (shape (4,))" in message
    assert "4 of 16 Jacobian entries are out of tolerance" in message
    found = re.search(r"d output\[2\] / d input\[2\]: analytic ([-\d.e+]+), numeric ([-\d.e+]+), "
                      r"\|error\| ([-\d.e+]+) > atol \+ rtol\*\|numeric\| = 1e-05 \+ 0.0001\*",
                      message)
    assert found, message
    analytic, numeric, error = (float(v) for v in found.groups())
    np.testing.assert_allclose(analytic, 12.0 * 1.001, rtol=1e-7)
    np.testing.assert_allclose(numeric, 12.0, rtol=1e-7)
    np.testing.assert_allclose(error, 0.012, rtol=1e-2)


def test_message_names_the_input_and_output_that_are_wrong():
    class TwoOutputs(Function):  # (a * b, a + b); the gradient of the second output for b is wrong
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a.data * b.data, a.data + b.data

        @staticmethod
        def backward(ctx, g_mul, g_add):
            a, b = ctx.saved_tensors
            return g_mul * b + g_add, g_mul * a + g_add * 2.0

    a, b = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    with pytest.raises(GradcheckError, match=r"(?s)output 1 \(shape \(2,\)\) with respect to input 1 "
                                             r"\(shape \(2,\)\).*analytic 2, numeric 1\b"):
        am.gradcheck(TwoOutputs.apply, (a, b))


def test_kink_is_reported_as_non_differentiable():
    with pytest.raises(GradcheckError, match=r"(?s)mismatch.*d input\[1\].*non-differentiable.*"
                                             r"left 0, right 1.*away from the kink"):
        am.gradcheck(am.relu, (leaf([1.0, 0.0, -2.0]),))
    with pytest.raises(GradcheckError, match=r"(?s)non-differentiable.*left 1, right 0"):
        am.gradcheck(lambda t: am.clip(t, max=1.0), (leaf([1.0]),))  # at the upper bound
    # abs'(0) = 0 is the symmetric difference quotient, so central differences agree with it
    assert am.gradcheck(am.abs, (leaf([0.0]),))


def test_a_plain_mismatch_does_not_claim_a_kink():
    with pytest.raises(GradcheckError) as info:
        am.gradcheck(cube(error=5e-3).apply, (leaf([1.0, 2.0]),))
    assert "non-differentiable" not in str(info.value)


# ---- inputs are left alone ---------------------------------------------------------------------
def test_callers_tensors_and_arrays_are_never_modified():
    a32 = np.array([0.5, 1.5], dtype=np.float32)
    b64 = np.array([[1.0, -2.0]], dtype=np.float64)
    x, w = am.Tensor(a32, requires_grad=True), am.Tensor(b64, requires_grad=True)
    const = am.Tensor(np.array([3.0, 4.0]))
    before = [a32.copy(), b64.copy(), const.data.copy()]

    def fn(x, w, c, scale):
        return (x * w * c).exp() * scale

    assert am.gradcheck(fn, (x, w, const, 0.5))
    assert am.gradgradcheck(fn, (x, w, const, 0.5))
    assert x.data is a32 and w.data is b64 and x.dtype == np.float32
    for original, now in zip(before, (a32, b64, const.data)):
        np.testing.assert_array_equal(original, now)
    assert x.grad is None and w.grad is None and x._version == 0 and w._version == 0


def test_float32_inputs_are_checked_in_float64():
    seen = []

    def fn(t):
        seen.append(t.dtype)
        return t.sin()

    assert am.gradcheck(fn, (am.tensor(np.array([0.3, 0.7], np.float32), requires_grad=True),))
    assert set(seen) == {np.dtype(np.float64)}


def test_no_differentiable_input_is_an_error():
    with pytest.raises(ValueError, match="no input is a floating-point Tensor with "
                                         "requires_grad=True"):
        am.gradcheck(am.sin, (am.tensor(np.array([1.0])),))


def test_outputs_that_do_not_depend_on_an_input_compare_to_zero():
    a, b = leaf([1.0, 2.0]), leaf([3.0])
    assert am.gradcheck(lambda a, b: a * 2.0, (a, b))
    assert am.gradgradcheck(lambda a, b: a * a, (a, b))

    class Leaky(Function):  # claims a gradient for b although the output ignores b
        @staticmethod
        def forward(ctx, a, b):
            return a.data * 2.0

        @staticmethod
        def backward(ctx, g):
            return g * 2.0, g.sum(keepdim=True)

    with pytest.raises(GradcheckError, match="input 1"):
        am.gradcheck(Leaky.apply, (a, b))
