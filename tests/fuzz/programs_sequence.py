"""The attention, recurrent, 1-D convolution and pooling ops for random programs (see
`programs`): F.scaled_dot_product_attention, the recurrent primitives (RNN, LSTM, GRU over a
sequence), F.conv1d, F.max_pool1d, F.avg_pool1d, F.avg_pool2d and the adaptive average poolings.

Each reshapes values into the shapes the op needs (a sequence, a kernel, a matrix of weights), so
the random graphs mix them with everything else. The recurrent ops take their weights from a
slice of another value; their initial states are zeros (constants).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_mini import Tensor, cat
from autograd_mini.nn import _sequence_primitives as SP
from autograd_mini.nn import functional as F

from .programs import EXCLUDED, MARGIN, MAX_SIZE, _pick, op

EXCLUDED.update({
    "F.multi_head_attention_forward": "a composite of linear, reshapes and the fused attention "
                                      "(each exercised here); checked against PyTorch in "
                                      "tests/test_nn_sequence.py",
})


def _factor_pairs(n: int) -> list[tuple[int, int]]:
    return [(a, n // a) for a in range(1, n + 1) if n % a == 0]


def _signal_shapes(size: int) -> list[tuple[int, int, int]]:
    """Every (N, C, L) with N * C * L == size, N and C at most 2."""
    return [(n, c, size // (n * c)) for n in (1, 2) for c in (1, 2) if size % (n * c) == 0]


def _distinct(v: np.ndarray) -> bool:
    s = np.sort(v.reshape(-1))
    return bool(np.all(np.diff(s) >= MARGIN))


# ---- attention ------------------------------------------------------------------------------
def _attention(q: Tensor, k: Tensor, v: Tensor, q_shape: tuple, k_shape: tuple, v_shape: tuple,
               mask: Any, causal: bool, scale: Any) -> Tensor:
    return F.scaled_dot_product_attention(q.reshape(q_shape), k.reshape(k_shape),
                                          v.reshape(v_shape), attn_mask=mask, is_causal=causal,
                                          scale=scale)


@op("attention", ("F.scaled_dot_product_attention",), _attention)
def _propose_attention(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1)
    if i is None:
        return None
    length, e = draw(st.sampled_from(_factor_pairs(values[i].size)))
    j = _pick(draw, values, lambda v: v.size >= e and v.size % e == 0)
    if j is None:
        return None
    source = values[j].size // e
    m = _pick(draw, values, lambda v: v.size >= source and v.size % source == 0)
    if m is None or length * (values[m].size // source) > MAX_SIZE:
        return None
    ev = values[m].size // source
    causal = draw(st.booleans())
    mask = None
    if not causal and draw(st.booleans()):
        mask = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).random((length, source))
        mask = mask < 0.7
    scale = draw(st.sampled_from([None, 0.5]))
    return (i, j, m), {"q_shape": (length, e), "k_shape": (source, e), "v_shape": (source, ev),
                       "mask": mask, "causal": causal, "scale": scale}


# ---- recurrent layers -----------------------------------------------------------------------
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _recurrent(x: Tensor, w: Tensor, kind: str, shape: tuple, hidden: int,
               reverse: bool) -> Tensor:
    """One recurrent layer over x reshaped to (T, B, I); its weights are w's elements, repeated
    as often as needed."""
    steps, batch, size = shape
    gates = _GATES[kind] * hidden
    need = gates * (size + hidden)
    flat = w.reshape(-1)
    if flat.shape[0] < need:
        flat = cat([flat] * -(-need // flat.shape[0]))
    w_ih = flat[:gates * size].reshape(gates, size)
    w_hh = flat[gates * size:need].reshape(gates, hidden)
    h0 = Tensor(np.zeros((batch, hidden)))
    params = {"reverse": True} if reverse else {}
    if kind == "lstm":
        return SP.LSTMSequence.apply(x.reshape(shape), h0, h0, w_ih, w_hh, **params)[0]
    cls = SP.GRUSequence if kind == "gru" else SP.RNNSequence
    return cls.apply(x.reshape(shape), h0, w_ih, w_hh, **params)[0]


def _propose_recurrent(kind: str) -> Any:
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, lambda v: v.size >= 1 and bool(np.all(np.abs(v) < 5)))
        if i is None:
            return None
        total = values[i].size
        steps = draw(st.sampled_from([d for d in (1, 2, 3) if total % d == 0]))
        batch = draw(st.sampled_from([d for d in (1, 2) if (total // steps) % d == 0]))
        hidden = draw(st.integers(1, 2))
        if steps * batch * hidden > MAX_SIZE:
            return None
        j = _pick(draw, values, lambda v: v.size >= 1 and bool(np.all(np.abs(v) < 5)))
        if j is None:
            return None
        return (i, j), {"kind": kind, "shape": (steps, batch, total // (steps * batch)),
                        "hidden": hidden, "reverse": draw(st.booleans())}
    return propose


for _kind, _primitive in (("rnn", "RNNSequence"), ("lstm", "LSTMSequence"),
                          ("gru", "GRUSequence")):
    op(f"{_kind}_sequence", (), _recurrent)(_propose_recurrent(_kind))


# ---- 1-D convolution ------------------------------------------------------------------------
def _conv1d(x: Tensor, w: Tensor, *b: Tensor, signal: tuple, kernel: tuple, stride: int,
            padding: Any, dilation: int, groups: int) -> Tensor:
    return F.conv1d(x.reshape(signal), w.reshape(kernel), b[0].reshape(-1) if b else None,
                    stride=stride, padding=padding, dilation=dilation, groups=groups)


@op("conv1d", ("F.conv1d",), _conv1d)
def _propose_conv1d(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1)
    if i is None:
        return None
    n, c, length = draw(st.sampled_from(_signal_shapes(values[i].size)))
    groups = draw(st.sampled_from([g for g in (1, 2) if c % g == 0]))
    stride, dilation = draw(st.sampled_from([1, 1, 2])), draw(st.sampled_from([1, 1, 2]))
    padding = draw(st.sampled_from([0, 0, 1, "same", "valid"]))
    if padding == "same" and stride != 1:
        return None
    pad = 1 if padding == 1 else 0
    out_channels = draw(st.sampled_from([o for o in (1, 2) if o % groups == 0]))
    per = (c // groups) * out_channels

    def fits(v: np.ndarray) -> bool:
        k = v.size // per if v.size % per == 0 else 0
        return k >= 1 and dilation * (k - 1) < length + 2 * pad

    j = _pick(draw, values, fits)
    if j is None:
        return None
    k = values[j].size // per
    b = _pick(draw, values, lambda v: v.size == out_channels)
    args = (i, j) if b is None or draw(st.booleans()) else (i, j, b)
    out = length if padding == "same" else (length + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    if n * out_channels * out > MAX_SIZE:
        return None
    return args, {"signal": (n, c, length), "kernel": (out_channels, c // groups, k),
                  "stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


# ---- pooling --------------------------------------------------------------------------------
def _pool1d(x: Tensor, signal: tuple, kind: str, kernel: int, stride: Any, padding: int,
            ceil_mode: bool, count_include_pad: bool) -> Tensor:
    x = x.reshape(signal)
    if kind == "max":
        return F.max_pool1d(x, kernel, stride, padding, ceil_mode=ceil_mode)
    return F.avg_pool1d(x, kernel, stride, padding, ceil_mode, count_include_pad)


@op("pool1d", ("F.max_pool1d", "F.avg_pool1d"), _pool1d)
def _propose_pool1d(draw: Any, values: list) -> Any:
    kind = draw(st.sampled_from(["max", "avg"]))
    # (distinct values keep every max window free of ties)
    i = _pick(draw, values, lambda v: v.size >= 2 and (kind == "avg" or _distinct(v)))
    if i is None:
        return None
    signal = draw(st.sampled_from(_signal_shapes(values[i].size)))
    length = signal[2]
    if length < 2:
        return None
    kernel = draw(st.integers(2, min(length, 3)))
    return (i,), {"signal": signal, "kind": kind, "kernel": kernel,
                  "stride": draw(st.one_of(st.none(), st.integers(1, 2))),
                  "padding": draw(st.integers(0, kernel // 2)), "ceil_mode": draw(st.booleans()),
                  "count_include_pad": draw(st.booleans())}


def _avg_pool2d(x: Tensor, image: tuple, kernel: tuple, stride: Any, padding: int,
                ceil_mode: bool, count_include_pad: bool, divisor: Any) -> Tensor:
    return F.avg_pool2d(x.reshape(image), kernel, stride, padding, ceil_mode, count_include_pad,
                        divisor)


@op("avg_pool2d", ("F.avg_pool2d",), _avg_pool2d)
def _propose_avg_pool2d(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 2)
    if i is None:
        return None
    n, c, rest = draw(st.sampled_from(_signal_shapes(values[i].size)))
    h, w = draw(st.sampled_from(_factor_pairs(rest)))
    kernel = (draw(st.integers(1, min(h, 3))), draw(st.integers(1, min(w, 3))))
    return (i,), {"image": (n, c, h, w), "kernel": kernel,
                  "stride": draw(st.one_of(st.none(), st.integers(1, 2))),
                  "padding": draw(st.integers(0, min(kernel) // 2)),
                  "ceil_mode": draw(st.booleans()), "count_include_pad": draw(st.booleans()),
                  "divisor": draw(st.sampled_from([None, None, 3]))}


def _adaptive(x: Tensor, shape: tuple, out: tuple) -> Tensor:
    x = x.reshape(shape)
    return F.adaptive_avg_pool1d(x, out[0]) if len(out) == 1 else F.adaptive_avg_pool2d(x, out)


@op("adaptive_avg_pool", ("F.adaptive_avg_pool1d", "F.adaptive_avg_pool2d"), _adaptive)
def _propose_adaptive(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1)
    if i is None:
        return None
    n, c, rest = draw(st.sampled_from(_signal_shapes(values[i].size)))
    if draw(st.booleans()):
        out = (draw(st.integers(1, 4)),)
        shape: tuple = (n, c, rest)
    else:
        h, w = draw(st.sampled_from(_factor_pairs(rest)))
        out = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        shape = (n, c, h, w)
    if n * c * math.prod(out) > MAX_SIZE:
        return None
    return (i,), {"shape": shape, "out": out}
