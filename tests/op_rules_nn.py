"""Sample-input rules for the primitives that `autograd_mini.nn` registers.

Each rule takes hypothesis's `draw` and returns `(fn, args)`: `fn(*args)` is a Tensor, `args` hold
float64 Tensors that require grad (plus constants). `tests/test_registry_gradcheck.py` runs
gradcheck and gradgradcheck on every rule; an nn primitive without a rule fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import numpy as np

from autograd_mini import Tensor
from autograd_mini.nn import _primitives as P

_SEEDS = st.integers(0, 2**32 - 1)


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(_SEEDS))


def _leaf(array: np.ndarray) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def _shape(draw: Any, min_dims: int = 1, max_dims: int = 3, max_side: int = 4) -> tuple:
    ndim = draw(st.integers(min_dims, max_dims))
    return tuple(draw(st.integers(1, max_side)) for _ in range(ndim))


def linear_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    lead = _shape(draw, 0, 2, 3)
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    x = _leaf(rng.standard_normal(lead + (n_in,)))
    w = _leaf(rng.standard_normal((n_out, n_in)))
    if draw(st.booleans()):
        return P.Linear.apply, (x, w, _leaf(rng.standard_normal(n_out)))
    return P.Linear.apply, (x, w)


def softplus_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    return P.Softplus.apply, (_leaf(rng.uniform(-5, 5, _shape(draw))),)


def erf_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    return P.Erf.apply, (_leaf(rng.uniform(-2.5, 2.5, _shape(draw))),)


def clamped_log_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    # inputs well above exp(-100), where the clamp is not active (it is a kink there)
    return P.ClampedLog.apply, (_leaf(rng.uniform(0.2, 3.0, _shape(draw))),)


def _logits_and_classes(draw: Any, rng: np.random.Generator) -> tuple[tuple, int]:
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    spatial = _shape(draw, 0, 2, 3)
    return (n, c) + spatial, c


def cross_entropy_index_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    shape, c = _logits_and_classes(draw, rng)
    z = _leaf(rng.standard_normal(shape) * 2)
    index_shape = shape[:1] + shape[2:]
    target = rng.integers(0, c, index_shape)
    ignore = draw(st.sampled_from([-100, 0]))
    target = np.where(rng.random(index_shape) < 0.25, ignore, target)
    weight = rng.uniform(0.5, 2.0, c) if draw(st.booleans()) else None
    eps = draw(st.sampled_from([0.0, 0.1, 0.5]))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))
    if reduction == "mean" and np.all(target == ignore):  # 0/0: keep one sample counted
        ignore = -100 if c == 1 else ignore
        target.flat[0] = (ignore + 1) % c if ignore >= 0 else 0

    def fn(logits: Tensor, t: Tensor) -> Tensor:
        return P.CrossEntropy.apply(logits, t, weight=weight, ignore_index=ignore,
                                    label_smoothing=eps, reduction=reduction)

    return fn, (z, Tensor(target.astype(np.int64)))


def cross_entropy_probability_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    shape, c = _logits_and_classes(draw, rng)
    z = _leaf(rng.standard_normal(shape) * 2)
    probs = rng.random(shape) + 0.1
    target = _leaf(probs / probs.sum(axis=1, keepdims=True))
    weight = rng.uniform(0.5, 2.0, c) if draw(st.booleans()) else None
    eps = draw(st.sampled_from([0.0, 0.2]))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))

    def fn(logits: Tensor, t: Tensor) -> Tensor:
        return P.CrossEntropy.apply(logits, t, weight=weight, label_smoothing=eps,
                                    reduction=reduction)

    return fn, (z, target)


def cross_entropy_rule(draw: Any) -> tuple[Callable, tuple]:
    """Class-index targets (with ignore_index, weight, smoothing) or probability targets."""
    if draw(st.booleans()):
        return cross_entropy_index_rule(draw)
    return cross_entropy_probability_rule(draw)


def bce_with_logits_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    shape = _shape(draw)
    x = _leaf(rng.standard_normal(shape) * 3)
    y = _leaf(rng.random(shape))
    weight = rng.uniform(0.5, 2.0, shape[-1:]) if draw(st.booleans()) else None
    pos_weight = rng.uniform(0.5, 3.0, shape[-1:]) if draw(st.booleans()) else None

    def fn(logits: Tensor, t: Tensor) -> Tensor:
        return P.BCEWithLogits.apply(logits, t, weight=weight, pos_weight=pos_weight)

    return fn, (x, y)


def binary_cross_entropy_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    shape = _shape(draw)
    # probabilities away from 0 and 1, where the clamps are not active (they are kinks there)
    x = _leaf(rng.uniform(0.05, 0.95, shape))
    y = _leaf(rng.random(shape))
    weight = rng.uniform(0.5, 2.0, shape[-1:]) if draw(st.booleans()) else None

    def fn(p: Tensor, t: Tensor) -> Tensor:
        return P.BinaryCrossEntropy.apply(p, t, weight=weight)

    return fn, (x, y)


def _window_params(draw: Any) -> dict:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = tuple(draw(st.integers(0, 1)) for _ in range(4))
    return {"kernel": kernel, "stride": stride, "dilation": dilation, "padding": padding}


def _image_size(draw: Any, p: dict) -> tuple[int, int]:
    """An (H, W) that leaves at least one window position."""
    return tuple(draw(st.integers(d * (k - 1) + 1 - a - b, d * (k - 1) + 4))
                 for k, d, a, b in zip(p["kernel"], p["dilation"], p["padding"][::2],
                                       p["padding"][1::2]))


def unfold_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    p = _window_params(draw)
    h, w = (max(1, s) for s in _image_size(draw, p))
    x = _leaf(rng.standard_normal((draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)))
    return (lambda t: P.Unfold.apply(t, **p)), (x,)


def fold_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    p = _window_params(draw)
    h, w = (max(1, s) for s in _image_size(draw, p))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    oh = P.conv_output_size(h, p["kernel"][0], p["stride"][0], p["padding"][0], p["padding"][1],
                            p["dilation"][0])
    ow = P.conv_output_size(w, p["kernel"][1], p["stride"][1], p["padding"][2], p["padding"][3],
                            p["dilation"][1])
    cols = _leaf(rng.standard_normal((n, oh, ow, c) + p["kernel"]))
    return (lambda t: P.Fold.apply(t, size=(h, w), **p)), (cols,)


RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {
    "Linear": linear_rule,
    "Softplus": softplus_rule,
    "Erf": erf_rule,
    "ClampedLog": clamped_log_rule,
    "CrossEntropy": cross_entropy_rule,
    "BCEWithLogits": bce_with_logits_rule,
    "BinaryCrossEntropy": binary_cross_entropy_rule,
    "Unfold": unfold_rule,
    "Fold": fold_rule,
}


def expm1_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    # the ELU family applies it to min(x, 0); positive inputs too, within exp's comfortable range
    return P.Expm1.apply, (_leaf(rng.uniform(-4, 2, _shape(draw))),)


RULES["Expm1"] = expm1_rule
