"""Sample-input rules for the fused transformer primitives (nn/_transformer_primitives.py):
the exact GELU and layer normalisation, with and without weight and bias, over 1-3 trailing axes.
`tests/test_registry_gradcheck.py` gradchecks and gradgradchecks each in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import numpy as np

from autograd_mini import Tensor
from autograd_mini.nn import _transformer_primitives as TP


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _leaf(array: np.ndarray) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def gelu_rule(draw: Any) -> tuple[Callable, tuple]:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=3)))
    return TP.Gelu.apply, (_leaf(_rng(draw).uniform(-4, 4, shape)),)


def layer_norm_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    # at least two normalised elements: with one, xhat is 0 and the variance's kink at 0 is hit
    norm = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    if np.prod(norm) < 2:
        norm = norm[:-1] + (2,)
    x = _leaf(rng.standard_normal(lead + norm) * 2)
    eps = draw(st.sampled_from([1e-5, 0.1]))
    weight = _leaf(rng.standard_normal(norm)) if draw(st.booleans()) else None
    bias = _leaf(rng.standard_normal(norm)) if draw(st.booleans()) else None
    def fn(t: Tensor, w: Tensor | None = None, b: Tensor | None = None) -> Tensor:
        affine = () if w is None and b is None else (w, b)
        return TP.LayerNorm.apply(t, *affine, ndim=len(norm), eps=eps)

    if weight is None and bias is None:
        return fn, (x,)
    if bias is None:
        return fn, (x, weight)
    return (lambda t, b: fn(t, weight, b)) if weight is None else fn, \
        (x, bias) if weight is None else (x, weight, bias)


RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {
    "Gelu": gelu_rule,
    "LayerNorm": layer_norm_rule,
}
