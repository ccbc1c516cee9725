"""Fused primitives for attention and recurrent layers, registered in the one registry.

`ScaledDotProductAttention` is softmax(q k^T * scale + bias, masked) @ v in one node (optionally
with a dropout mask drawn in the forward, and the attention weights as a second output);
`RNNSequence`, `LSTMSequence` and `GRUSequence` run a whole recurrent layer (one direction) over a
sequence: one matrix product for every step's input projection, then a loop over time in NumPy,
and backpropagation through time in the backward.

Each forward is written once, as a function of a small "kit" (`_ArrayKit` or `_TensorKit`) that
supplies the few operations whose NumPy and Tensor spellings differ (sigmoid, tanh, softmax,
where, stack, cat): the forward runs it on the arrays and keeps what its backward needs; a
backward with `create_graph=True` runs the very same function on Tensors, so the activations it
differentiates are recorded ops of the inputs and every gradient can be differentiated again.
The array kit calls the core primitives' own forwards (`Softmax.forward`, `Tanh.forward`,
`Clip.forward`, ...), so both runs compute the same numbers bit for bit, and so do the two
backward modes (the registry's tests hold every primitive to that). A plain backward (no
create_graph) runs on the arrays the forward saved, with no Tensor built per operation; those
arrays are saved with the inputs (`save_for_backward`), so a backward without retain_graph frees
them. Argument checking happens before a primitive is applied (`nn._sequence_functional`, the
recurrent layers); these primitives trust their inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _random, ops
from .._grad_mode import is_grad_enabled
from ..autograd.function import Function
from ..primitives import (
    Clip,
    Exp,
    Relu,
    Rsqrt,
    Sigmoid,
    Softmax,
    Tanh,
    Where,
    const,
    finite_or_zero,
    last_axis_max,
    last_axis_sum,
    register,
    softmax_last_axis_,
)
from ..tensor import Tensor


class _Scratch:
    """A throwaway ctx to run a core primitive's forward as a plain function (saves nothing)."""

    needs_input_grad = None
    params: dict = {}

    def save_for_backward(self, *items: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass


_SCRATCH = _Scratch()


# The recurrent gates' sigmoid is 1 / (1 + exp(-x)) of x clipped where exp(-x) would overflow
# (the true derivative there is below 1e-30): five passes over the array instead of the core
# primitive's nine, exact to rounding. float16 takes the core primitive.
_EXP_LIMIT = {np.dtype(np.float32): 80.0, np.dtype(np.float64): 700.0}


class _ArrayKit:
    """The NumPy side: each function computes exactly what the core primitives' forwards do."""

    @staticmethod
    def const(a: np.ndarray) -> np.ndarray:
        return a

    @staticmethod
    def data(a: np.ndarray) -> np.ndarray:
        return a

    @staticmethod
    def sigmoid(a: np.ndarray) -> np.ndarray:
        limit = _EXP_LIMIT.get(a.dtype)
        if limit is None:
            return Sigmoid.forward(_SCRATCH, a)
        return 1.0 / (1.0 + Exp.forward(_SCRATCH, -Clip.forward(_SCRATCH, a, -limit, limit)))

    @staticmethod
    def tanh(a: np.ndarray) -> np.ndarray:
        return Tanh.forward(_SCRATCH, a)

    @staticmethod
    def relu(a: np.ndarray) -> np.ndarray:
        return Relu.forward(_SCRATCH, a)

    @staticmethod
    def rsqrt(a: np.ndarray) -> np.ndarray:
        return Rsqrt.forward(_SCRATCH, a)

    @staticmethod
    def softmax(a: np.ndarray) -> np.ndarray:
        return Softmax.forward(_SCRATCH, a, axis=-1)

    @staticmethod
    def where(cond: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
        return Where.forward(_SCRATCH, cond, a, b)

    @staticmethod
    def stack(items: list) -> np.ndarray:
        return np.stack(items)

    @staticmethod
    def cat(items: list, axis: int) -> np.ndarray:
        return np.concatenate(items, axis=axis)

    contiguous = staticmethod(np.ascontiguousarray)


class _TensorKit:
    """The Tensor side: the core primitives themselves, recorded (differentiable again)."""

    const = staticmethod(const)

    @staticmethod
    def data(a: Any) -> np.ndarray:
        return a.data

    @staticmethod
    def sigmoid(a: Any) -> Any:
        limit = _EXP_LIMIT.get(a.dtype)
        if limit is None:
            return Sigmoid.apply(a)
        return 1.0 / (1.0 + Exp.apply(-Clip.apply(a, lo=-limit, hi=limit)))

    tanh = staticmethod(Tanh.apply)
    relu = staticmethod(Relu.apply)
    rsqrt = staticmethod(Rsqrt.apply)

    @staticmethod
    def softmax(a: Any) -> Any:
        return Softmax.apply(a, axis=-1)

    @staticmethod
    def where(cond: np.ndarray, a: Any, b: float) -> Any:
        return Where.apply(cond, a, b)

    @staticmethod
    def stack(items: list) -> Any:
        return ops.stack(items)

    @staticmethod
    def cat(items: list, axis: int) -> Any:
        return ops.cat(items, axis)

    @staticmethod
    def contiguous(a: Any) -> Any:
        return a.contiguous()


def _kit(g: Any) -> Any:
    """The Tensor kit when the backward is recorded (its gradient is a Tensor), else the array kit
    (the engine's array mode, where a 0-d gradient may arrive as a NumPy scalar)."""
    return _TensorKit if isinstance(g, Tensor) else _ArrayKit


def _plain_backward(ctx: Any, grads: tuple) -> tuple[Any, tuple, tuple]:
    """(kit, output gradients, saved items) for a recurrent primitive's backward: arrays and the
    array kit when nothing is recorded (a plain backward), else Tensors and the Tensor kit.

    The recurrent primitives have several outputs, so the engine never trusts their VJPs
    (`array_backward` stays False: it hands them Tensors); without create_graph they unwrap
    the arrays here and run on NumPy all the same."""
    saved = ctx.saved_tensors
    if is_grad_enabled():
        return _TensorKit, grads, saved
    return (_ArrayKit, tuple(g.data if isinstance(g, Tensor) else g for g in grads),
            tuple(a.data if isinstance(a, Tensor) else a for a in saved))


# ---- attention ------------------------------------------------------------------------------
def _attention_probabilities(kit: Any, q: Any, k: Any, bias: Any, mask: np.ndarray | None,
                             scale: np.ndarray) -> Any:
    """softmax(q k^T * scale + bias, with -inf where mask is False) over the last axis.

    k^T is copied compact first: BLAS multiplies by a compact matrix up to twice as fast as by a
    transposed view when the inner size is small (head sizes of 16 to 64)."""
    s = (q @ kit.contiguous(k.mT)) * kit.const(scale)
    if bias is not None:
        s = s + bias
    if mask is not None:
        s = kit.where(mask, s, -np.inf)
    return kit.softmax(s)


def _fits(shape: tuple, into: tuple) -> bool:
    """Whether an operand of `shape` broadcasts into `into` (so an in-place op can take it)."""
    try:
        return np.broadcast_shapes(shape, into) == into
    except ValueError:
        return False


def _masked_scores(q: np.ndarray, k: np.ndarray, bias: np.ndarray | None,
                   mask: np.ndarray | None, scale: np.ndarray, add_mask: bool = False
                   ) -> np.ndarray:
    """q k^T * scale + bias with -inf where mask is False, as a fresh array: the numbers of
    `_attention_probabilities`'s scores, with the scale, bias and mask applied in place.

    `add_mask` adds a 0 / -inf bias made from a mask smaller than the scores (a causal (L, S)
    mask: four times faster than a masked copy); that gives the same numbers unless a masked
    score is +inf or NaN (then NaN): the caller checks (a NaN row max) and redoes it exactly."""
    s = np.matmul(q, np.ascontiguousarray(k.mT))
    np.multiply(s, scale, out=s)
    if bias is not None:
        if _fits(bias.shape, s.shape):
            np.add(s, bias, out=s)
        else:
            s = s + bias
    if mask is not None:
        if not _fits(mask.shape, s.shape):
            s = Where.forward(_SCRATCH, mask, s, -np.inf)
        elif add_mask and mask.size < s.size:
            kind = s.dtype.type
            with np.errstate(invalid="ignore"):  # inf - inf: NaN, seen and redone by the caller
                np.add(s, np.where(mask, kind(0), kind(-np.inf)), out=s)
        else:
            np.copyto(s, -np.inf, where=~mask)
    return s


def _softmax_scores(ctx: Any, q: np.ndarray, k: np.ndarray, bias: np.ndarray | None,
                    mask: np.ndarray | None, scale: np.ndarray) -> tuple:
    """(probabilities, row max) of the masked scores, the softmax in place on them;
    notes on ctx how the mask went in (`add_mask`), for the backward to do the same."""
    s = _masked_scores(q, k, bias, mask, scale, add_mask=True)
    m = last_axis_max(s)
    added = not np.isnan(m).any()
    if not added:  # a NaN score, maybe a masked +inf or NaN: mask exactly
        s = _masked_scores(q, k, bias, mask, scale)
        m = last_axis_max(s)
    ctx.add_mask = added
    m = finite_or_zero(m)
    return _exp_rows_(s, m), m


# True: the forward keeps the probabilities for the backward (no recomputation, L * S floats per
# query kept); False: only the row max (one number per query, as PyTorch's CPU flash attention
# keeps a log-sum-exp), the row sums recomputed with the probabilities.
_KEEP_PROBABILITIES = False


def _exp_rows_(s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """softmax(s) in place on the scores, from their (finite) row max: the forward computes the
    probabilities with it and the backward recomputes them with it, the same numbers bit for
    bit."""
    np.subtract(s, m, out=s)
    softmax_last_axis_(s)
    return s


def _scores_grad(kit: Any, p: Any, gw: Any) -> Any:
    """The softmax's VJP p * (gw - sum(gw * p)) over the last axis; on arrays in place on gw
    (which the caller owns), the same calls in the same order."""
    if kit is _TensorKit:
        return p * (gw - last_axis_sum(gw * p))
    np.subtract(gw, last_axis_sum(gw * p), out=gw)
    np.multiply(gw, p, out=gw)
    return gw


def _times_scale(kit: Any, a: Any, scale: np.ndarray) -> Any:
    """a * scale (in place on an array the caller owns)."""
    if kit is _TensorKit:
        return a * kit.const(scale)
    return np.multiply(a, scale, out=a)


@register
class ScaledDotProductAttention(Function):
    """softmax(q k^T * scale + bias) @ v over the last two axes, any leading (batch) axes.

    Inputs: q (..., L, E), k (..., S, E), v (..., S, Ev) and optionally an additive float `bias`
    broadcasting to (..., L, S) (it may require grad: its gradient is the scores'). Constants:
    `mask`, a bool array broadcasting to (..., L, S) (True takes part; a row with no True gives
    zeros and no gradient, as PyTorch); `scale`; `dropout_p` with an optional `generator` (an
    am.Generator): the dropout mask is drawn in the forward and kept for the backward.
    `need_weights=True` returns the attention weights (after dropout) as a second output.
    The softmax is max-shifted (stable for scores of +-1000).

    Without dropout and weights (float32 / float64) the forward keeps, as PyTorch's CPU flash
    attention, only a row max per query instead of the probabilities; the backward recomputes
    the scores and their softmax from it, the forward's numbers bit for bit.
    """

    array_backward = True

    @staticmethod
    def forward(ctx: Any, q: Any, k: Any, v: Any, bias: Any = None, *,
                mask: np.ndarray | None = None, scale: float = 1.0, dropout_p: float = 0.0,
                generator: Any = None, need_weights: bool = False) -> Any:
        sc = np.asarray(scale, dtype=q.dtype)
        inputs = (q, k, v) if bias is None else (q, k, v, bias)
        if dropout_p == 0.0 and not need_weights and q.dtype in (np.float32, np.float64):
            # softmax in place on the scores; kept: the row max (freed with the inputs)
            p, m = _softmax_scores(ctx, q, k, bias, mask, sc)
            ctx.recompute = not _KEEP_PROBABILITIES
            ctx.save_for_backward(*inputs, p if _KEEP_PROBABILITIES else m)
            return np.matmul(p, v)
        ctx.recompute = False
        s = _masked_scores(q, k, bias, mask, sc)
        p = Softmax.forward(_SCRATCH, s, axis=-1)
        drop = None
        if dropout_p > 0.0:
            draw = q.dtype if q.dtype in (np.float32, np.float64) else np.float64
            rng = _random.numpy_generator(generator, "scaled_dot_product_attention")
            keep = rng.random(p.shape, dtype=draw) >= dropout_p
            factor = 0.0 if dropout_p >= 1.0 else 1.0 / (1.0 - dropout_p)
            drop = keep * q.dtype.type(factor)
        weights = p if drop is None else p * drop
        out = np.matmul(weights, v)
        # the probabilities (and the dropout mask) are saved with the inputs: freed with them
        ctx.save_for_backward(*inputs, p, *(() if drop is None else (drop,)))
        if need_weights:
            return out, (weights.copy() if drop is None else weights)
        return out

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        need = ctx.needs_input_grad
        saved = ctx.saved_tensors
        q, k, v = saved[:3]
        bias = saved[3] if len(need) > 3 else None
        rest = saved[len(need):]
        recompute = getattr(ctx, "recompute", False)
        drop = rest[1] if len(rest) > 1 and not recompute else None
        params = ctx.params
        sc = np.asarray(params.get("scale", 1.0), dtype=q.dtype)
        g = grads[0]
        kit = _kit(g)
        if kit is _TensorKit:  # recorded: the probabilities as ops of q, k and the bias
            p = _attention_probabilities(kit, q, k, bias, params.get("mask"), sc)
        elif recompute:  # a fresh array, this backward's own
            scores = _masked_scores(q, k, bias, params.get("mask"), sc, ctx.add_mask)
            p = _exp_rows_(scores, *rest)
        else:
            p = rest[0]
        weights = p if drop is None else p * drop
        gq = gk = gv = None
        if need[2]:
            gv = weights.mT @ g
        if need[0] or need[1] or (len(need) > 3 and need[3]):
            gw = g @ kit.contiguous(v.mT)  # (compact: see _attention_probabilities)
            if params.get("need_weights", False):
                gw = gw + grads[1]
            if drop is not None:
                gw = gw * drop
            gs = _scores_grad(kit, p, gw)
            if need[0]:
                gq = _times_scale(kit, gs @ k, sc)
            if need[1]:
                gk = _times_scale(kit, gs.mT @ q, sc)
        if len(need) == 3:
            return gq, gk, gv
        return gq, gk, gv, (gs if need[3] else None)


# ---- recurrent layers -----------------------------------------------------------------------
def _order(steps: int, reverse: bool) -> range:
    return range(steps - 1, -1, -1) if reverse else range(steps)


def _input_projection(x: Any, w_ih: Any, b1: Any, b2: Any) -> Any:
    """x @ w_ih^T (+ b1 (+ b2)) for every step at once: (T, B, I) -> (T, B, G)."""
    steps, batch, size = x.shape
    xp = x.reshape((steps * batch, size)) @ w_ih.mT
    if b1 is not None and b2 is not None:
        xp = xp + (b1 + b2)
    elif b1 is not None:
        xp = xp + b1
    return xp.reshape((steps, batch, w_ih.shape[0]))


def _save_steps(ctx: Any, inputs: tuple, steps: list) -> None:
    """Save the inputs (None left out) and every step's activations, in step order: all of them
    are freed with the graph's saved tensors by a backward without retain_graph."""
    ctx.save_for_backward(*[a for a in inputs if a is not None],
                          *[a for step in steps for a in step])


def _saved_steps(saved: tuple, n_inputs: int, width: int) -> list:
    """The per-step activations `_save_steps` saved after the inputs, as tuples of `width`."""
    extra = saved[n_inputs:]
    return [extra[k:k + width] for k in range(0, len(extra), width)]


def _split_inputs(saved: tuple, n_states: int) -> tuple:
    """(x, states, w_ih, w_hh, b_ih, b_hh) from the saved inputs (biases None when absent)."""
    x = saved[0]
    states = saved[1:1 + n_states]
    w_ih, w_hh = saved[1 + n_states:3 + n_states]
    rest = saved[3 + n_states:]
    b_ih, b_hh = rest if rest else (None, None)
    return x, states, w_ih, w_hh, b_ih, b_hh


def _sequence_grads(kit: Any, need: tuple, n_states: int, x: Any, w_ih: Any, w_hh: Any,
                    d_in: list, d_hid: list | None, h_prev: list, d_states: tuple) -> tuple:
    """The gradients of (x, states..., w_ih, w_hh, b_ih, b_hh) from every step's gradient of
    the input-side pre-activations `d_in` and of the hidden-side ones `d_hid` (None: the same),
    each one matrix product over all the steps."""
    steps, batch, size = x.shape
    gates = w_ih.shape[0]
    dx_all = kit.stack(d_in).reshape((steps * batch, gates))
    dh_all = dx_all if d_hid is None else kit.stack(d_hid).reshape((steps * batch, gates))
    i_w = 1 + n_states
    grads: list = [None] * len(need)
    if need[0]:
        grads[0] = (dx_all @ w_ih).reshape(x.shape)
    for j in range(n_states):
        if need[1 + j]:
            grads[1 + j] = d_states[j]
    if need[i_w]:
        grads[i_w] = dx_all.mT @ x.reshape((steps * batch, size))
    if need[i_w + 1]:
        hp = kit.stack(h_prev).reshape((steps * batch, w_hh.shape[1]))
        grads[i_w + 1] = dh_all.mT @ hp
    if len(need) > i_w + 2:
        if need[i_w + 2]:
            grads[i_w + 2] = dx_all.sum(axis=0)
        if need[i_w + 3]:
            grads[i_w + 3] = dh_all.sum(axis=0)
    return tuple(grads)


def _rnn_steps(kit: Any, x: Any, h0: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any,
               reverse: bool, nonlinearity: str) -> tuple[list, list]:
    """Elman RNN: h' = act(x W_ih^T + b_ih + b_hh + h W_hh^T). (hs, per-step (h_prev, h))."""
    xp = _input_projection(x, w_ih, b_ih, b_hh)
    act = kit.tanh if nonlinearity == "tanh" else kit.relu
    h = h0
    hs: list = [None] * x.shape[0]
    saved: list = [None] * x.shape[0]
    for t in _order(x.shape[0], reverse):
        h_prev = h
        h = act(xp[t] + h @ w_hh.mT)
        hs[t] = h
        saved[t] = (h_prev, h)
    return hs, saved


@register
class RNNSequence(Function):
    """One direction of one Elman RNN layer (tanh or relu) over a whole sequence.

    Inputs x (T, B, I), h0 (B, H), w_ih (H, I), w_hh (H, H) and optionally b_ih, b_hh (H,);
    outputs (every step's h (T, B, H), the last h (B, H)). `reverse=True` runs from the last
    step to the first (the backward direction of a bidirectional layer).
    """

    @staticmethod
    def forward(ctx: Any, x: Any, h0: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,
                b_hh: Any = None, *, reverse: bool = False, nonlinearity: str = "tanh") -> Any:
        hs, saved = _rnn_steps(_ArrayKit, x, h0, w_ih, w_hh, b_ih, b_hh, reverse, nonlinearity)
        _save_steps(ctx, (x, h0, w_ih, w_hh, b_ih, b_hh), saved)
        last = hs[0 if reverse else -1]
        return np.stack(hs), last.copy()

    @staticmethod
    def backward(ctx: Any, g_out: Any, g_h: Any) -> Any:
        kit, (g_out, g_h), all_saved = _plain_backward(ctx, (g_out, g_h))
        reverse = ctx.params.get("reverse", False)
        nonlinearity = ctx.params.get("nonlinearity", "tanh")
        n = len(ctx.needs_input_grad)
        x, (h0,), w_ih, w_hh, b_ih, b_hh = _split_inputs(all_saved[:n], 1)
        saved = _saved_steps(all_saved, n, 2) if kit is _ArrayKit else \
            _rnn_steps(kit, x, h0, w_ih, w_hh, b_ih, b_hh, reverse, nonlinearity)[1]
        dh = g_h
        d_pre: list = [None] * x.shape[0]
        for t in _order(x.shape[0], not reverse):
            _, h = saved[t]
            dh = dh + g_out[t]
            if nonlinearity == "tanh":
                d = dh * (1.0 - h * h)
            else:  # relu'(0) = 0, as PyTorch
                d = dh * kit.const((kit.data(h) > 0).astype(kit.data(h).dtype))
            d_pre[t] = d
            dh = d @ w_hh
        h_prev = [s[0] for s in saved]
        return _sequence_grads(kit, ctx.needs_input_grad, 1, x, w_ih, w_hh, d_pre, None, h_prev,
                               (dh,))


def _lstm_steps(kit: Any, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any,
                b_hh: Any, reverse: bool, w_hr: Any = None) -> tuple[list, Any, list]:
    """LSTM, PyTorch's gate order (i, f, g, o): c' = f c + i g, h' = o tanh(c'), or with a
    projection w_hr (P, H), h' = (o tanh(c')) W_hr^T (h of size P, c of size H).
    (hs, the last c, per-step (i, f, g, o, c_prev, tanh(c'), h_prev), with o tanh(c') appended
    when projected)."""
    n = w_hh.shape[0] // 4
    xp = _input_projection(x, w_ih, b_ih, b_hh)
    h, c = h0, c0
    hs: list = [None] * x.shape[0]
    saved: list = [None] * x.shape[0]
    for t in _order(x.shape[0], reverse):
        c_prev, h_prev = c, h
        i, f, g, o, c, tc = _lstm_cell(kit, xp[t] + h @ w_hh.mT, c, n)
        m = o * tc
        if w_hr is None:
            h = m
            saved[t] = (i, f, g, o, c_prev, tc, h_prev)
        else:
            h = m @ w_hr.mT
            saved[t] = (i, f, g, o, c_prev, tc, h_prev, m)
        hs[t] = h
    return hs, c, saved


def _lstm_step_grads(kit: Any, saved: list, g_out: Any, dh: Any, dc: Any, w_hh: Any,
                     reverse: bool, w_hr: Any = None) -> tuple[list, list, Any, Any]:
    """Backpropagation through time over `_lstm_steps`' saved steps, from every step's output
    gradient g_out and the last states' (dh, dc): (every step's gate gradients, every step's
    gradient of h, and the gradients of h0 and c0). With a projection, h = m W_hr^T."""
    d_gates: list = [None] * len(saved)
    d_hs: list = [None] * len(saved)
    for t in _order(len(saved), not reverse):
        i, f, g, o, c_prev, tc = saved[t][:6]
        dh = dh + g_out[t]
        d_hs[t] = dh
        dm = dh if w_hr is None else dh @ w_hr  # the gradient of o tanh(c')
        dc = dc + dm * o * (1.0 - tc * tc)
        d = kit.cat([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f),
                     dc * i * (1.0 - g * g), dm * tc * o * (1.0 - o)], 1)
        d_gates[t] = d
        dc = dc * f
        dh = d @ w_hh
    return d_gates, d_hs, dh, dc


def _lstm_cell(kit: Any, gates: Any, c: Any, n: int) -> tuple:
    """One LSTM cell update from its gates' pre-activations (PyTorch's order i, f, g, o, each of
    width n): (i, f, g, o, c' = f c + i g, tanh(c'))."""
    in_forget = kit.sigmoid(gates[:, :2 * n])
    i, f = in_forget[:, :n], in_forget[:, n:]
    g = kit.tanh(gates[:, 2 * n:3 * n])
    o = kit.sigmoid(gates[:, 3 * n:])
    c = f * c + i * g
    return i, f, g, o, c, kit.tanh(c)


@register
class LSTMSequence(Function):
    """One direction of one LSTM layer over a whole sequence.

    Inputs x (T, B, I), h0 and c0 (B, H), w_ih (4H, I), w_hh (4H, H) and optionally b_ih, b_hh
    (4H,); outputs (every step's h (T, B, H), the last h, the last c). `reverse=True` runs from
    the last step to the first.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,
                b_hh: Any = None, *, reverse: bool = False) -> Any:
        hs, c, saved = _lstm_steps(_ArrayKit, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        _save_steps(ctx, (x, h0, c0, w_ih, w_hh, b_ih, b_hh), saved)
        last = hs[0 if reverse else -1]
        return np.stack(hs), last.copy(), c.copy()

    @staticmethod
    def backward(ctx: Any, g_out: Any, g_h: Any, g_c: Any) -> Any:
        kit, (g_out, g_h, g_c), all_saved = _plain_backward(ctx, (g_out, g_h, g_c))
        reverse = ctx.params.get("reverse", False)
        n = len(ctx.needs_input_grad)
        x, (h0, c0), w_ih, w_hh, b_ih, b_hh = _split_inputs(all_saved[:n], 2)
        saved = _saved_steps(all_saved, n, 7) if kit is _ArrayKit else \
            _lstm_steps(kit, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)[2]
        d_gates, _, dh, dc = _lstm_step_grads(kit, saved, g_out, g_h, g_c, w_hh, reverse)
        h_prev = [s[6] for s in saved]
        return _sequence_grads(kit, ctx.needs_input_grad, 2, x, w_ih, w_hh, d_gates, None,
                               h_prev, (dh, dc))


def _gru_steps(kit: Any, x: Any, h0: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any,
               reverse: bool) -> tuple[list, list]:
    """GRU, PyTorch's gate order (r, z, n): n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),
    h' = (h - n) z + n. (hs, per-step (r, z, n, h W_hn^T + b_hn, h_prev))."""
    m = w_hh.shape[1]
    xp = _input_projection(x, w_ih, b_ih, None)
    h = h0
    hs: list = [None] * x.shape[0]
    saved: list = [None] * x.shape[0]
    for t in _order(x.shape[0], reverse):
        hp = h @ w_hh.mT
        if b_hh is not None:
            hp = hp + b_hh
        xt = xp[t]
        rz = kit.sigmoid(xt[:, :2 * m] + hp[:, :2 * m])
        r, z = rz[:, :m], rz[:, m:]
        hn = hp[:, 2 * m:]
        n = kit.tanh(xt[:, 2 * m:] + r * hn)
        h_prev = h
        h = (h - n) * z + n
        hs[t] = h
        saved[t] = (r, z, n, hn, h_prev)
    return hs, saved


@register
class GRUSequence(Function):
    """One direction of one GRU layer over a whole sequence.

    Inputs x (T, B, I), h0 (B, H), w_ih (3H, I), w_hh (3H, H) and optionally b_ih, b_hh (3H,);
    outputs (every step's h (T, B, H), the last h). `reverse=True` runs from the last step to
    the first.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, h0: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,
                b_hh: Any = None, *, reverse: bool = False) -> Any:
        hs, saved = _gru_steps(_ArrayKit, x, h0, w_ih, w_hh, b_ih, b_hh, reverse)
        _save_steps(ctx, (x, h0, w_ih, w_hh, b_ih, b_hh), saved)
        last = hs[0 if reverse else -1]
        return np.stack(hs), last.copy()

    @staticmethod
    def backward(ctx: Any, g_out: Any, g_h: Any) -> Any:
        kit, (g_out, g_h), all_saved = _plain_backward(ctx, (g_out, g_h))
        reverse = ctx.params.get("reverse", False)
        n = len(ctx.needs_input_grad)
        x, (h0,), w_ih, w_hh, b_ih, b_hh = _split_inputs(all_saved[:n], 1)
        saved = _saved_steps(all_saved, n, 5) if kit is _ArrayKit else \
            _gru_steps(kit, x, h0, w_ih, w_hh, b_ih, b_hh, reverse)[1]
        dh = g_h
        d_in: list = [None] * x.shape[0]
        d_hid: list = [None] * x.shape[0]
        for t in _order(x.shape[0], not reverse):
            r, z, n, hn, h_prev = saved[t]
            dh = dh + g_out[t]
            dn = dh * (1.0 - z) * (1.0 - n * n)
            dz = dh * (h_prev - n) * z * (1.0 - z)
            dr = dn * hn * r * (1.0 - r)
            d_in[t] = kit.cat([dr, dz, dn], 1)
            d_hid[t] = kit.cat([dr, dz, dn * r], 1)
            dh = dh * z + d_hid[t] @ w_hh
        h_prev_all = [s[4] for s in saved]
        return _sequence_grads(kit, ctx.needs_input_grad, 1, x, w_ih, w_hh, d_in, d_hid,
                               h_prev_all, (dh,))



# ---- LSTM with projections (nn.LSTM(proj_size=P)) --------------------------------------------
@register
class LSTMProjSequence(Function):
    """One direction of one LSTM layer with projections over a whole sequence.

    Inputs x (T, B, I), h0 (B, P), c0 (B, H), w_ih (4H, I), w_hh (4H, P), w_hr (P, H) and
    optionally b_ih, b_hh (4H,); outputs (every step's h (T, B, P), the last h, the last c
    (B, H)). `reverse=True` runs from the last step to the first.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, w_hr: Any,
                b_ih: Any = None, b_hh: Any = None, *, reverse: bool = False) -> Any:
        hs, c, saved = _lstm_steps(_ArrayKit, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse,
                                   w_hr)
        _save_steps(ctx, (x, h0, c0, w_ih, w_hh, w_hr, b_ih, b_hh), saved)
        last = hs[0 if reverse else -1]
        return np.stack(hs), last.copy(), c.copy()

    @staticmethod
    def backward(ctx: Any, g_out: Any, g_h: Any, g_c: Any) -> Any:
        kit, (g_out, g_h, g_c), all_saved = _plain_backward(ctx, (g_out, g_h, g_c))
        reverse = ctx.params.get("reverse", False)
        need = ctx.needs_input_grad
        n = len(need)
        x, h0, c0, w_ih, w_hh, w_hr = all_saved[:6]
        b_ih, b_hh = all_saved[6:n] if n > 6 else (None, None)
        saved = _saved_steps(all_saved, n, 8) if kit is _ArrayKit else \
            _lstm_steps(kit, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, w_hr)[2]
        d_gates, d_hs, dh, dc = _lstm_step_grads(kit, saved, g_out, g_h, g_c, w_hh, reverse,
                                                 w_hr)
        steps = x.shape[0]
        h_prev = [s[6] for s in saved]
        # _sequence_grads knows (x, h0, c0, w_ih, w_hh, b_ih, b_hh): w_hr's is added here
        grads = list(_sequence_grads(kit, need[:5] + need[6:], 2, x, w_ih, w_hh, d_gates, None,
                                     h_prev, (dh, dc)))
        d_hr = None
        if need[5]:
            rows = steps * x.shape[1]
            d_hr = kit.stack(d_hs).reshape((rows, w_hr.shape[0])).mT @ \
                kit.stack([s[7] for s in saved]).reshape((rows, w_hr.shape[1]))
        return tuple(grads[:5] + [d_hr] + grads[5:])
