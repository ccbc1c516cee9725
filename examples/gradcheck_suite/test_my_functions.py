"""A gradient-check test suite for your own functions, the way you would write it for a project.

Run it with:  pytest examples/gradcheck_suite

hypothesis draws the shapes (including broadcasting pairs) and the values; `am.gradcheck` compares
the whole analytic Jacobian with central finite differences in float64, and `am.gradgradcheck`
does the same for second derivatives. A failure names the input, the element, and both values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from my_functions import BuggySoftplus, Hypot, Softplus, swish

import autograd_mini as am

# Few, varied examples keep the suite quick; raise max_examples for a deep run.
checks = settings(max_examples=25, deadline=None)

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def float64_arrays(shape, low: float = -5.0, high: float = 5.0, away_from_zero: float = 0.0):
    """Arrays of the given shape (or shape strategy) with finite float64 entries in [low, high]."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if away_from_zero:
        elements = elements.filter(lambda v: abs(v) >= away_from_zero)
    return hnp.arrays(np.float64, shape, elements=elements)


def leaf(array: np.ndarray) -> am.Tensor:
    return am.tensor(array, requires_grad=True)


@checks
@given(x=float64_arrays(shapes, -30.0, 30.0))
def test_softplus_values_match_numpy(x):
    np.testing.assert_allclose(Softplus.apply(am.tensor(x)).numpy(), np.log1p(np.exp(x)), rtol=1e-12)


@checks
@given(x=float64_arrays(shapes))
def test_softplus_first_and_second_derivatives(x):
    assert am.gradcheck(Softplus.apply, (leaf(x),))
    assert am.gradgradcheck(Softplus.apply, (leaf(x),))


def test_softplus_is_stable_far_from_zero():
    x = leaf(np.array([-1000.0, -50.0, 50.0, 1000.0]))
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
    (shape_x, shape_y), _ = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                                        max_side=3))
    # hypot has a kink where x = y = 0; keeping x away from zero keeps the check meaningful.
    x = leaf(data.draw(float64_arrays(shape_x, away_from_zero=0.1)))
    y = leaf(data.draw(float64_arrays(shape_y)))
    assert am.gradcheck(Hypot.apply, (x, y))
    assert am.gradgradcheck(Hypot.apply, (x, y))


@checks
@given(x=float64_arrays(shapes), beta=st.floats(0.1, 3.0))
def test_swish_composite(x, beta):
    # Non-tensor arguments are passed through unchanged and not differentiated.
    assert am.gradcheck(swish, (leaf(x), beta))
    assert am.gradgradcheck(swish, (leaf(x), beta))


def test_the_suite_catches_a_wrong_backward():
    # A test suite is only worth having if it can fail: the buggy backward passes a hand check
    # with y.sum() but not gradcheck.
    x = leaf(np.array([-1.0, 0.5, 2.0]))
    BuggySoftplus.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / (1 + np.exp(-x.detach().numpy())))
    with pytest.raises(am.GradcheckError, match="mismatch"):
        am.gradcheck(BuggySoftplus.apply, (leaf(np.array([-1.0, 0.5, 2.0])),))
