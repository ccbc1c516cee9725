"""nn.init (distributions, bounds, gains, seeding) and nn.utils gradient clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.nn import init
from autograd_mini.nn.utils import clip_grad_norm_, clip_grad_value_


def big(*shape):
    return am.zeros(*shape, dtype=np.float64)


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("conv2d") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01**2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_fans():
    assert init._calculate_fan_in_and_fan_out(big(5, 3, 2, 2)) == (12, 20)
    assert init._calculate_fan_in_and_fan_out(big(5, 3)) == (3, 5)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(big(4))


def _check_uniform(values, bound):
    assert np.abs(values).max() <= bound
    assert values.max() > 0.98 * bound and values.min() < -0.98 * bound
    assert abs(values.var() / (bound**2 / 3) - 1) < 0.03


def _check_normal(values, std):
    assert abs(values.mean()) < 0.01 * std * 10
    assert abs(values.std() / std - 1) < 0.03


def test_xavier_and_kaiming_distributions():
    am.manual_seed(0)
    t = big(300, 200)
    _check_uniform(init.xavier_uniform_(t, gain=2.0).data, 2.0 * math.sqrt(6 / 500))
    _check_normal(init.xavier_normal_(t).data, math.sqrt(2 / 500))
    _check_uniform(init.kaiming_uniform_(t, nonlinearity="relu").data, math.sqrt(6 / 200))
    _check_uniform(init.kaiming_uniform_(t, a=math.sqrt(5)).data, 1 / math.sqrt(200))
    _check_normal(init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu").data,
                  math.sqrt(2 / 300))
    conv = big(64, 16, 3, 3)
    _check_uniform(init.kaiming_uniform_(conv, nonlinearity="relu").data, math.sqrt(6 / 144))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(t, mode="fan_avg")


def test_simple_fills_work_in_place_and_are_seeded():
    t = big(100, 100)
    array = t.data
    version = t._version
    assert init.uniform_(t, -2, 3) is t and t.data is array and t._version == version + 1
    assert t.data.min() >= -2 and t.data.max() < 3 and t.data.min() < -1.9
    _check_normal(init.normal_(t, 0.0, 0.5).data, 0.5)
    assert np.all(init.constant_(t, 0.25).data == 0.25)
    assert np.all(init.zeros_(t).data == 0) and np.all(init.ones_(t).data == 1)
    am.manual_seed(42)
    a = init.normal_(big(5)).data.copy()
    am.manual_seed(42)
    np.testing.assert_array_equal(init.normal_(big(5)).data, a)
    with pytest.raises(ValueError, match="greater than"):
        init.uniform_(t, 1, 0)
    p = nn.Parameter(am.zeros(3))
    init.ones_(p)  # parameters that require grad are filled outside the graph
    assert np.all(p.data == 1)


def _params_with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(am.zeros(*np.shape(g), dtype=np.float64))
        p.grad = None if g is None else am.Tensor(np.array(g, dtype=np.float64))
        params.append(p)
    return params


def test_clip_grad_norm_scales_all_gradients_together():
    params = _params_with_grads([3.0, 0.0], [[4.0]], None)
    total = clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, am.Tensor) and total.item() == 5.0
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.data, [3 * coef, 0.0], rtol=1e-15)
    np.testing.assert_allclose(params[1].grad.data, [[4 * coef]], rtol=1e-15)
    assert params[2].grad is None
    params = _params_with_grads([3.0, 0.0], [[4.0]])
    assert clip_grad_norm_(params, max_norm=10.0).item() == 5.0
    np.testing.assert_array_equal(params[0].grad.data, [3.0, 0.0])  # under the limit: untouched


@pytest.mark.parametrize("norm_type, expected", [(1.0, 7.0), (math.inf, 4.0), (3.0, 91 ** (1 / 3))])
def test_clip_grad_norm_other_norms(norm_type, expected):
    params = _params_with_grads([3.0, 0.0], [[-4.0]])
    total = clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)
    assert total.item() == pytest.approx(expected, rel=1e-12)
    scaled = np.concatenate([p.grad.data.ravel() for p in params])
    np.testing.assert_allclose(scaled, np.array([3.0, 0.0, -4.0]) * 0.5 / (expected + 1e-6))


def test_clip_grad_norm_non_finite():
    params = _params_with_grads([np.inf, 1.0], [np.nan])
    with pytest.raises(RuntimeError, match="error_if_nonfinite=False"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    # PyTorch's default (error_if_nonfinite=False): scaled by max_norm / inf = 0, so inf * 0 is
    # NaN and the finite entries 0 (tests/test_pytorch_habits.py has PyTorch's values)
    params = _params_with_grads([np.inf, 1.0])
    total = clip_grad_norm_(params, 1.0)
    assert total.item() == np.inf
    np.testing.assert_array_equal(params[0].grad.data, [np.nan, 0.0])
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm_(params, -1.0)


def test_clip_grad_value():
    params = _params_with_grads([3.0, -0.5, -7.0], None)
    clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.data, [1.0, -0.5, -1.0])
    with pytest.raises(ValueError, match="clip_value"):
        clip_grad_value_(params, -1.0)
