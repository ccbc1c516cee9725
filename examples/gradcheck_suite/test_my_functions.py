"""A gradient-check test suite for your own functions, the way you would write it for a project.

Run it with:  pytest examples/gradcheck_suite        (a deep run: add --gradcheck-examples 2000)

`am.testing` supplies hypothesis strategies for tensors and shapes (including shapes that
broadcast together, and values kept away from kinks) and `assert_grads_match`, which compares the
whole analytic Jacobian with central finite differences in float64, then does the same for the
second derivatives. A failure names the input, the element, both values and the usual causes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from my_functions import BuggySoftplus, Hypot, Softplus, swish

import autograd_mini as am
from autograd_mini.testing import assert_grads_match, broadcastable_shapes, shapes, tensors

# Few, varied examples keep the suite quick; `--gradcheck-examples N` raises the count for a deep run.
# No deadline and no "too slow" health check: finite differences take time, and on a busy machine
# the first example (which imports and builds the strategies) can take over a second.
checks = settings(max_examples=am.testing.max_examples(25), deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


@checks
@given(x=tensors(min_value=-30.0, max_value=30.0, requires_grad=False, avoid=()))
def test_softplus_values_match_numpy(x):
    np.testing.assert_allclose(Softplus.apply(x).numpy(), np.log1p(np.exp(x.numpy())), rtol=1e-12)


@checks
@given(x=tensors(shape=shapes(max_dims=3), min_value=-5.0, max_value=5.0, avoid=()))
def test_softplus_first_and_second_derivatives(x):
    # A Function subclass can be passed directly; softplus is smooth, so no kink to avoid.
    assert_grads_match(Softplus, x)


def test_softplus_is_stable_far_from_zero():
    x = am.tensor(np.array([-1000.0, -50.0, 50.0, 1000.0]), requires_grad=True)
    y = Softplus.apply(x)
    y.sum().backward()
    assert np.all(np.isfinite(y.detach().numpy()))
    np.testing.assert_allclose(y.detach().numpy()[2:], [50.0, 1000.0])
    np.testing.assert_allclose(x.grad.numpy(), [0.0, np.exp(-50.0), 1.0, 1.0], atol=1e-300)


@checks
@given(data=st.data())
def test_hypot_gradients_with_broadcasting(data):
    # Two shapes that broadcast together, e.g. (3, 1) and (4,): the gradient of the smaller input
    # must come back summed over the broadcast axes.
    shape_x, shape_y = data.draw(broadcastable_shapes(2))
    # hypot has a kink where x = y = 0: keeping x away from 0 keeps every point differentiable.
    x = data.draw(tensors(shape=shape_x, avoid=[0.0], margin=0.1))
    y = data.draw(tensors(shape=shape_y, avoid=()))
    assert_grads_match(Hypot, x, y)


@checks
@given(x=tensors(avoid=()), beta=st.floats(0.1, 3.0))
def test_swish_composite(x, beta):
    # Non-tensor arguments are passed through unchanged and not differentiated.
    assert_grads_match(swish, x, beta)


def test_taylor_remainder_shrinks_at_order_two(gradcheck):
    # The `gradcheck` fixture comes from autograd_mini's pytest plugin. The Taylor test needs no
    # tolerance: with a correct gradient the remainder falls 4x each time the step is halved.
    x = am.tensor(np.linspace(-2.0, 2.0, 7), requires_grad=True)
    result = gradcheck.taylor(lambda t: Softplus.apply(t).sum(), x)
    assert result.order > 1.8, str(result)


def test_the_suite_catches_a_wrong_backward():
    # A test suite is only worth having if it can fail. The buggy backward passes a hand check
    # with y.sum() (the upstream gradient is all ones), but not the full Jacobian comparison.
    x = am.tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    BuggySoftplus.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / (1 + np.exp(-x.detach().numpy())))
    with pytest.raises(am.GradcheckError, match="first derivatives of .* are wrong"):
        assert_grads_match(BuggySoftplus, x)
