"""am.autograd.detect_anomaly: the first NaN/inf gradient stops backward with the op's name, its
input shapes, and the user's line (file, number and code) that created it."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.autograd import record

HERE = __file__


def _line_of(marker: str) -> int:
    """The line number in this file of the line ending with `# <marker>`."""
    lines = inspect.getsource(inspect.getmodule(_line_of)).splitlines()
    return next(k + 1 for k, line in enumerate(lines) if line.rstrip().endswith(f"# {marker}"))


def test_non_finite_gradient_of_a_later_input_names_that_input() -> None:
    a = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = am.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore", invalid="ignore"):
        y = a * am.sqrt(b)
        with pytest.raises(RuntimeError, match="SqrtBackward returned inf in the gradient for "
                                               "its input 0"):
            y.sum().backward()
        with pytest.raises(RuntimeError, match="DivBackward returned (inf|NaN) in the gradient "
                                               "for its input 1"):
            (a.detach() / b).sum().backward()  # (input 0's gradient would be inf too)


def test_inf_names_op_shapes_and_line() -> None:
    x = am.tensor(np.array([0.0, 1.0, 4.0]), requires_grad=True)
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore"):
        y = am.sqrt(x)  # sqrt-line
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    text = str(info.value)
    assert "SqrtBackward returned inf in the gradient for its input 0" in text
    assert "(input shapes: (3,))" in text
    assert f"{HERE}:{_line_of('sqrt-line')} in test_inf_names_op_shapes_and_line: " \
           "y = am.sqrt(x)" in text


def test_nan_from_zero_times_inf_with_broadcast_shapes() -> None:
    a = am.tensor(np.array([[0.0], [1.0]]), requires_grad=True)
    b = am.tensor(np.ones((1, 3)), requires_grad=True)
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore", invalid="ignore"):
        r = am.sqrt(a * b)  # nan-line
        loss = (r * 0.0).sum()  # 0 upstream: sqrt's gradient is 0 / 0 = NaN at a = 0
        with pytest.raises(RuntimeError, match=r"SqrtBackward returned NaN") as info:
            loss.backward()
    assert f"test_reliability_anomaly.py:{_line_of('nan-line')}" in str(info.value)
    assert a.grad is None and b.grad is None  # stopped before anything was accumulated


def test_constant_inputs_are_listed_too() -> None:
    x = am.tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = am.tensor(np.array([[0.0, 1.0]]))  # a constant divisor with a zero
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore"):
        y = x / c
        with pytest.raises(RuntimeError, match=r"DivBackward returned inf in the gradient for its "
                                               r"input 0 \(input shapes: \(2,\), \(1, 2\) "
                                               r"constant\)"):
            y.sum().backward()
        z = x * 2.5 / 0.0
        with pytest.raises(RuntimeError, match=r"input shapes: \(2,\), 0.0 constant"):
            z.sum().backward()


def test_the_users_line_is_found_through_module_calls() -> None:
    class Logs(nn.Module):
        def forward(self, x):
            return am.log(x)  # module-line

    model = nn.Sequential(nn.Identity(), Logs())
    x = am.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore"):
        out = model(x)
        with pytest.raises(RuntimeError, match=rf"LogBackward.*:{_line_of('module-line')} in "
                                               r"forward: return am.log\(x\)"):
            out.sum().backward()


def test_custom_functions_are_named() -> None:
    class Reciprocal(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 1.0 / x.data

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return -g / (x * x)

    x = am.tensor(np.array([0.0, 2.0]), requires_grad=True)
    with am.autograd.detect_anomaly(), np.errstate(divide="ignore", invalid="ignore"):
        y = Reciprocal.apply(x)
        y = am.where(np.isfinite(y.data), y, 0.0)  # the forward is tamed; the backward is not
        with pytest.raises(RuntimeError, match="ReciprocalBackward returned NaN"):
            y.sum().backward()


def test_ops_created_before_entering_are_reported_without_a_line() -> None:
    x = am.tensor(np.array([0.0]), requires_grad=True)
    with np.errstate(divide="ignore"):
        y = am.sqrt(x).sum()
        with am.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="created before detect_anomaly was entered"):
                y.backward()


def test_outside_anomaly_mode_nothing_is_checked_or_recorded() -> None:
    x = am.tensor(np.array([0.0]), requires_grad=True)
    with np.errstate(divide="ignore"):
        y = am.sqrt(x)
        assert y.grad_fn.trace is None
        y.sum().backward()
    assert np.isinf(x.grad.data).all()
    assert record._creation_hook is None


def test_nesting_and_exceptions_restore_the_mode() -> None:
    with am.autograd.detect_anomaly():
        with am.autograd.detect_anomaly():
            pass
        assert record._creation_hook is not None  # still inside the outer block
    assert record._creation_hook is None
    with pytest.raises(KeyError):
        with am.autograd.detect_anomaly():
            raise KeyError("boom")
    assert record._creation_hook is None


def test_finite_gradients_pass_and_match_normal_mode() -> None:
    x = am.tensor(np.array([0.5, 2.0]), requires_grad=True)
    with am.autograd.detect_anomaly():
        (am.log(x) * x).sum().backward()
    expected = np.log(x.data) + 1.0
    np.testing.assert_allclose(x.grad.data, expected)
