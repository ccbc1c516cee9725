"""Sample-input rules for the primitives behind PyTorch's double-backward connectivity, read by
`test_registry_gradcheck.py` (see `tests/op_rules.py` for the format): `LeakyRelu` and
`MulPiecewiseConstant`, the product relu, abs and leaky_relu record in their VJPs under
create_graph (see tests/test_pytorch_habits.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import numpy as np
from hypothesis.extra import numpy as hnp

import autograd_mini as am
from autograd_mini import primitives as P

RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {}


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _shape(draw: Any) -> tuple[int, ...]:
    return draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3))


def _leaf(array: Any) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def _away_from_zero(draw: Any, shape: tuple[int, ...]) -> am.Tensor:
    """Values in +-[0.2, 2]: no finite-difference step crosses leaky_relu's kink at 0."""
    r = _rng(draw)
    return _leaf(r.uniform(0.2, 2.0, shape) * r.choice([-1.0, 1.0], shape))


def _leaky_relu(draw: Any) -> tuple[Callable, tuple]:
    slope = draw(st.sampled_from([0.01, 0.1, 0.2, 1.5]))
    return (lambda x: am.nn.functional.leaky_relu(x, slope)), (_away_from_zero(draw, _shape(draw)),)


def _mul_piecewise_constant(draw: Any) -> tuple[Callable, tuple]:
    """g * factor with the factor a fixed function of `source` (its gradient is zero)."""
    shape = _shape(draw)
    r = _rng(draw)
    factor = r.choice([-1.0, 0.0, 0.5, 1.0], shape)
    g, source = _leaf(r.uniform(-2.0, 2.0, shape)), _away_from_zero(draw, shape)
    return (lambda a, s: P.MulPiecewiseConstant.apply(a, s, factor=factor)), (g, source)


RULES["LeakyRelu"] = _leaky_relu
RULES["MulPiecewiseConstant"] = _mul_piecewise_constant
