"""Sample-input rules for the attention and recurrent primitives (`nn._sequence_primitives`).

Each rule takes hypothesis's `draw` and returns `(fn, args)`: `fn(*args)` is a Tensor (or a tuple
of them), `args` hold float64 Tensors that require grad (plus constants).
`tests/test_registry_gradcheck.py` runs gradcheck and gradgradcheck on every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import numpy as np

import autograd_mini as am
from autograd_mini import Tensor
from autograd_mini.nn import _sequence_primitives as SP

_SEEDS = st.integers(0, 2**32 - 1)


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(_SEEDS))


def _leaf(array: np.ndarray) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def attention_rule(draw: Any) -> tuple[Callable, tuple]:
    """Batched q, k, v (the batch axes may broadcast), with or without a float bias (that
    requires grad), a bool mask (a row may be all False), dropout with a fixed generator and
    the weights as a second output."""
    rng = _rng(draw)
    batch = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2))))
    length, source = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    e, ev = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k_batch = tuple(1 if draw(st.booleans()) else b for b in batch)  # broadcast batch axes
    q = _leaf(rng.standard_normal(batch + (length, e)))
    k = _leaf(rng.standard_normal(k_batch + (source, e)))
    v = _leaf(rng.standard_normal(k_batch + (source, ev)))
    params: dict[str, Any] = {"scale": float(draw(st.sampled_from([1.0, 0.5, 1.7])))}
    if draw(st.booleans()):
        mask = rng.random((length, source)) < 0.7
        if draw(st.booleans()):
            mask[0] = False  # a row where nothing takes part: zeros, no gradient
        params["mask"] = mask
    need_weights = draw(st.booleans())
    if need_weights:
        params["need_weights"] = True
    dropout = draw(st.sampled_from([0.0, 0.0, 0.4]))
    seed = draw(st.integers(0, 1000))
    args: tuple = (q, k, v)
    if draw(st.booleans()):
        args = args + (_leaf(rng.standard_normal((length, source))),)

    def fn(*tensors: Tensor) -> Any:
        extra = {}
        if dropout:  # a fresh generator each call: the same dropout mask every time
            extra = {"dropout_p": dropout, "generator": am.Generator().manual_seed(seed)}
        return SP.ScaledDotProductAttention.apply(*tensors, **params, **extra)

    return fn, args


def _sequence_args(draw: Any, rng: np.random.Generator, gates: int, states: int) -> tuple:
    steps, batch = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    size, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    scale = 0.8
    x = _leaf(rng.standard_normal((steps, batch, size)))
    hs = tuple(_leaf(rng.standard_normal((batch, hidden)) * 0.5) for _ in range(states))
    w_ih = _leaf(rng.standard_normal((gates * hidden, size)) * scale)
    w_hh = _leaf(rng.standard_normal((gates * hidden, hidden)) * scale)
    args = (x,) + hs + (w_ih, w_hh)
    if draw(st.booleans()):
        args = args + (_leaf(rng.standard_normal(gates * hidden) * 0.5),
                       _leaf(rng.standard_normal(gates * hidden) * 0.5))
    return args


def rnn_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    args = _sequence_args(draw, rng, 1, 1)
    params: dict[str, Any] = {}
    if draw(st.booleans()):
        params["reverse"] = True
    if draw(st.booleans()):
        params["nonlinearity"] = "relu"  # (a pre-activation within eps of the kink: never drawn)

    def fn(*tensors: Tensor) -> Any:
        return SP.RNNSequence.apply(*tensors, **params)

    return fn, args


def lstm_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    args = _sequence_args(draw, rng, 4, 2)
    params = {"reverse": True} if draw(st.booleans()) else {}

    def fn(*tensors: Tensor) -> Any:
        return SP.LSTMSequence.apply(*tensors, **params)

    return fn, args


def gru_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    args = _sequence_args(draw, rng, 3, 1)
    params = {"reverse": True} if draw(st.booleans()) else {}

    def fn(*tensors: Tensor) -> Any:
        return SP.GRUSequence.apply(*tensors, **params)

    return fn, args


RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {
    "ScaledDotProductAttention": attention_rule,
    "RNNSequence": rnn_rule,
    "LSTMSequence": lstm_rule,
    "GRUSequence": gru_rule,
}
