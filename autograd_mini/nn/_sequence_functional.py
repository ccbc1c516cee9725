"""Functional attention, 1-D convolution and pooling, as PyTorch's `torch.nn.functional`.

`scaled_dot_product_attention` and `multi_head_attention_forward` run on the fused
`ScaledDotProductAttention` primitive (`nn._sequence_primitives`); `conv1d`, `max_pool1d` and the
average poolings on the im2col primitive `Unfold` (a 1-D signal is an image of height 1);
the adaptive average poolings are products with constant averaging matrices. Every gradient is
differentiable again. Arguments are checked here, before anything is computed; `nn.functional`
re-exports every public name.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .. import ops
from .._dtypes import ShapeError
from ..primitives import const
from ..tensor import Tensor
from . import _primitives as P
from ._sequence_primitives import ScaledDotProductAttention

__all__ = [
    "scaled_dot_product_attention", "multi_head_attention_forward", "conv1d", "max_pool1d",
    "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
]


# ---- argument helpers -----------------------------------------------------------------------
def _describe(t: Any) -> str:
    array = t.data if isinstance(t, Tensor) else np.asarray(t)
    return f"shape {array.shape} and dtype {array.dtype}"


def _float_tensor(name: str, what: str, x: Any) -> Tensor:
    x = ops.tensor_arg(x, name)
    if x.data.dtype.kind != "f":
        raise TypeError(f"{name}: {what} must be a floating-point tensor, got {_describe(x)}")
    return x


def _ints(name: str, what: str, value: Any, n: int) -> tuple[int, ...]:
    """An int, or a sequence of n ints, as a tuple of n ints (PyTorch's _single / _pair)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        items = tuple(value)
    except TypeError:
        items = ()
    if len(items) != n or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                  for v in items):
        raise TypeError(f"{name}: {what} must be an int or a sequence of {n} int(s), got "
                        f"{value!r}")
    return tuple(int(v) for v in items)


def _positive(name: str, **values: tuple[int, ...]) -> None:
    for what, value in values.items():
        if min(value) <= 0:
            raise ValueError(f"{name}: {what} must be positive, got {value}")


# ---- attention ------------------------------------------------------------------------------
def _repeat_heads(x: Tensor, repeats: int) -> Tensor:
    """x (..., H, S, E) with every head repeated `repeats` times in place (repeat_interleave)."""
    if repeats == 1:
        return x
    shape = x.shape
    wide = ops.broadcast_to(ops.unsqueeze(x, -3), shape[:-2] + (repeats,) + shape[-2:])
    return ops.reshape(wide, shape[:-3] + (shape[-3] * repeats,) + shape[-2:])


def _attention(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | None, mask: np.ndarray | None,
               scale: float, dropout_p: float, need_weights: bool) -> Any:
    """The fused primitive (float16 computes in float32 and casts back, as softmax does)."""
    narrow = None
    if q.data.dtype.char == "e":
        narrow = q.data.dtype
        q, k, v = (ops.cast(t, np.float32) for t in (q, k, v))
        bias = None if bias is None else ops.cast(bias, np.float32)
    params: dict[str, Any] = {"scale": scale}
    if mask is not None:
        params["mask"] = mask
    if dropout_p > 0.0:
        params["dropout_p"] = dropout_p
    if need_weights:
        params["need_weights"] = True
    args = (q, k, v) if bias is None else (q, k, v, bias)
    out = ScaledDotProductAttention.apply(*args, **params)
    if narrow is None:
        return out
    if need_weights:
        return ops.cast(out[0], narrow), ops.cast(out[1], narrow)
    return ops.cast(out, narrow)


def _check_dropout(name: str, p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{name}: dropout probability must be a number in [0, 1], got {p!r}")
    return float(p)


def _mask_array(name: str, mask: Any, shape: tuple, dtype: np.dtype) -> tuple:
    """(bool mask array or None, float bias Tensor or None) from an attention mask that must
    broadcast to the scores' shape."""
    if isinstance(mask, Tensor):
        array = mask.data
    else:
        array = np.asarray(mask)
    try:
        fits = np.broadcast_shapes(array.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{name}: attn_mask of shape {array.shape} does not broadcast to the "
                         f"attention scores' shape {shape}")
    if array.dtype == np.bool_:
        return array, None
    if array.dtype.kind != "f":
        raise TypeError(f"{name}: attn_mask must be bool (True takes part) or floating-point "
                        f"(added to the scores), got dtype {array.dtype}")
    bias = mask if isinstance(mask, Tensor) else Tensor._make(array)
    if bias.data.dtype != dtype:
        bias = ops.cast(bias, dtype)
    return None, bias


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as PyTorch's, in one fused primitive.

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev). Leading (batch) dimensions
            broadcast. All three share one floating dtype.
        attn_mask: None; a bool mask broadcasting to (..., L, S), True where a position takes
            part; or a float mask added to the scores (it may require grad). A row where nothing
            takes part gives zeros (and no gradient), as PyTorch.
        dropout_p: drop attention weights with this probability (always, as PyTorch: pass 0.0
            outside training); the mask comes from the global generator (`am.manual_seed`).
        is_causal: position i attends to positions j <= i (the top-left aligned lower
            triangle); attn_mask must then be None.
        scale: the factor on the scores; 1 / sqrt(E) by default.
        enable_gqa: grouped-query attention: key and value have fewer heads (axis -3) than the
            query, each repeated to match.

    Returns:
        (..., L, Ev).
    """
    name = "scaled_dot_product_attention"
    q = _float_tensor(name, "query", query)
    k = _float_tensor(name, "key", key)
    v = _float_tensor(name, "value", value)
    if q.dtype != k.dtype or q.dtype != v.dtype:
        raise TypeError(f"{name}: query, key and value must have the same dtype, got "
                        f"{q.dtype}, {k.dtype} and {v.dtype}")
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ShapeError(f"{name}: query, key and value need at least 2 dimensions (..., L, E), "
                         f"got shapes {q.shape}, {k.shape} and {v.shape}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ShapeError(f"{name}: query {q.shape}, key {k.shape} and value {v.shape} do not fit: "
                         "expected (..., L, E), (..., S, E) and (..., S, Ev)")
    if enable_gqa:
        if min(q.ndim, k.ndim, v.ndim) < 3:
            raise ShapeError(f"{name}: enable_gqa needs a head dimension (axis -3)")
        heads = q.shape[-3]
        for what, t in (("key", k), ("value", v)):
            if t.shape[-3] == 0 or heads % t.shape[-3]:
                raise ShapeError(f"{name}: the query's {heads} heads are not a multiple of the "
                                 f"{what}'s {t.shape[-3]}")
        k = _repeat_heads(k, heads // k.shape[-3])
        v = _repeat_heads(v, heads // v.shape[-3])
    try:
        batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ShapeError(f"{name}: the batch dimensions of query {q.shape}, key {k.shape} and "
                         f"value {v.shape} do not broadcast together") from None
    p = _check_dropout(name, dropout_p)
    length, source = q.shape[-2], k.shape[-2]
    mask = bias = None
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{name}: an explicit attn_mask must not be set when "
                             "is_causal=True")
        mask = np.tril(np.ones((length, source), dtype=bool))
    elif attn_mask is not None:
        mask, bias = _mask_array(name, attn_mask, batch + (length, source), q.dtype)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0
    return _attention(q, k, v, bias, mask, float(scale), p, need_weights=False)


def _canonical_mask(name: str, mask: Any, what: str, dtype: np.dtype) -> Tensor | None:
    """PyTorch's `_canonical_mask`: a bool mask (True = does NOT take part) becomes 0 / -inf in
    the query's dtype; a float mask is kept (it is added to the scores)."""
    if mask is None:
        return None
    array = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype == np.bool_:
        return Tensor._make(np.where(array, -np.inf, 0.0).astype(dtype))
    if array.dtype.kind != "f":
        raise TypeError(f"{name}: only bool and floating types of {what} are supported, got "
                        f"{array.dtype}")
    return mask if isinstance(mask, Tensor) else Tensor._make(array)


def _mask_dtype(mask: Any) -> np.dtype | None:
    if mask is None:
        return None
    return mask.data.dtype if isinstance(mask, Tensor) else np.asarray(mask).dtype


def _mha_check_shapes(name: str, query: Tensor, key: Tensor, value: Tensor,
                      key_padding_mask: Any, attn_mask: Any, num_heads: int) -> bool:
    """Whether the input is batched (3-D) or not (2-D), with PyTorch's checks."""
    batched = query.ndim == 3
    if query.ndim not in (2, 3):
        raise ShapeError(f"{name}: query should be unbatched 2-D or batched 3-D, got a "
                         f"{query.ndim}-D query")
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise ShapeError(f"{name}: for a {query.ndim}-D query, key and value must be "
                         f"{query.ndim}-D too, got {key.ndim}-D and {value.ndim}-D")
    if key_padding_mask is not None and np.ndim(_data(key_padding_mask)) != query.ndim - 1:
        raise ShapeError(f"{name}: for a {query.ndim}-D query, key_padding_mask must be "
                         f"{query.ndim - 1}-D, got shape {np.shape(_data(key_padding_mask))}")
    if attn_mask is not None:
        mask_ndim = np.ndim(_data(attn_mask))
        if mask_ndim not in (2, 3):
            raise ShapeError(f"{name}: attn_mask must be 2-D or 3-D, got shape "
                             f"{np.shape(_data(attn_mask))}")
        if not batched and mask_ndim == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if np.shape(_data(attn_mask)) != expected:
                raise ShapeError(f"{name}: expected attn_mask of shape {expected}, got "
                                 f"{np.shape(_data(attn_mask))}")
    return batched


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _linear(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    return P.Linear.apply(x, weight) if bias is None else P.Linear.apply(x, weight, bias)


def _in_projection_packed(q: Tensor, k: Tensor, v: Tensor, w: Tensor,
                          b: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """q, k, v projected by the packed (3E, E) weight: one product for self-attention."""
    e = q.shape[-1]
    if k is v and q is k:
        proj = _linear(q, w, b)
        return proj[..., :e], proj[..., e:2 * e], proj[..., 2 * e:]
    w_q, w_k, w_v = w[:e], w[e:2 * e], w[2 * e:]
    b_q, b_k, b_v = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
    if k is v:
        kv = _linear(k, w[e:], None if b is None else b[e:])
        return _linear(q, w_q, b_q), kv[..., :e], kv[..., e:]
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """One more column of zeros at the end of the last axis (bias_k / add_zero_attn)."""
    if mask is None:
        return None
    zeros = Tensor._make(np.zeros(mask.shape[:-1] + (1,), dtype=mask.data.dtype))
    return ops.cat([mask, zeros], mask.ndim - 1)


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Tensor | None, training: bool = True, key_padding_mask: Any = None,
        need_weights: bool = True, attn_mask: Any = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
        static_v: Tensor | None = None, average_attn_weights: bool = True,
        is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """PyTorch's multi-head attention (what `nn.MultiheadAttention` calls), sequence first.

    query (L, N, E) or unbatched (L, E); key and value (S, N, kdim / vdim). Boolean masks are
    True where a position must NOT take part (PyTorch's MHA convention, the opposite of
    `scaled_dot_product_attention`'s); float masks are added to the scores. key_padding_mask is
    (N, S); attn_mask (L, S) or (N * num_heads, L, S). `is_causal` is a hint that attn_mask is
    the causal mask (which must still be given).

    Args:
        query: (L, N, E) or unbatched (L, E).
        key: (S, N, kdim) or (S, kdim).
        value: (S, N, vdim) or (S, vdim).
        embed_dim_to_check: E, checked against query's last dimension.
        num_heads: the number of heads (divides E).
        in_proj_weight: the packed q, k, v projection (3 E, E), or None with
            use_separate_proj_weight.
        in_proj_bias: the packed projection bias (3 E,), or None.
        bias_k: a bias (1, 1, E) appended to the projected keys, or None (given with bias_v).
        bias_v: a bias (1, 1, E) appended to the projected values, or None (given with bias_k).
        add_zero_attn: append a zero key and value (one more source position).
        dropout_p: the dropout probability on the attention weights (while training).
        out_proj_weight: the output projection (E, E).
        out_proj_bias: the output projection's bias (E,), or None.
        training: apply dropout.
        key_padding_mask: (N, S) (or (S,) unbatched), bool (True: ignore) or float (added), or None.
        need_weights: also return the attention weights.
        attn_mask: (L, S) or (N * num_heads, L, S), bool (True: ignore) or float (added), or None.
        use_separate_proj_weight: project with q_proj_weight, k_proj_weight, v_proj_weight.
        q_proj_weight: the query projection (E, E), with use_separate_proj_weight.
        k_proj_weight: the key projection (E, kdim), with use_separate_proj_weight.
        v_proj_weight: the value projection (E, vdim), with use_separate_proj_weight.
        static_k: projected keys (N * num_heads, S, E / num_heads) used as they are, or None.
        static_v: projected values (N * num_heads, S, E / num_heads) used as they are, or None.
        average_attn_weights: average the returned weights over the heads.
        is_causal: a hint that attn_mask is the causal mask (it must still be given).

    Returns:
        (output (L, N, E), weights): the weights after dropout, (N, L, S) averaged over the
        heads or (N, num_heads, L, S), when need_weights; else None.
    """
    name = "multi_head_attention_forward"
    query = _float_tensor(name, "query", query)
    key = key if key is query else _float_tensor(name, "key", key)
    value = value if value is key else _float_tensor(name, "value", value)
    batched = _mha_check_shapes(name, query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:  # a batch of one, keeping which of query, key and value are the same
        q1 = ops.unsqueeze(query, 1)
        k1 = q1 if key is query else ops.unsqueeze(key, 1)
        v1 = k1 if value is key else q1 if value is query else ops.unsqueeze(value, 1)
        query, key, value = q1, k1, v1
        if key_padding_mask is not None:
            key_padding_mask = ops.unsqueeze(ops.tensor_arg(key_padding_mask, name), 0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    dtype = query.data.dtype
    if key_padding_mask is not None and attn_mask is not None and \
            _mask_dtype(key_padding_mask) != _mask_dtype(attn_mask):
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use "
                      "same type for both instead.", stacklevel=2)
    kpm = _canonical_mask(name, key_padding_mask, "key_padding_mask", dtype)
    if is_causal and attn_mask is None:
        raise ValueError(f"{name}: is_causal is a hint that attn_mask is the causal mask; pass "
                         "attn_mask too (e.g. an upper triangle of True above the diagonal)")
    causal = is_causal and kpm is None and not need_weights
    mask = None if causal else _canonical_mask(name, attn_mask, "attn_mask", dtype)
    if embed_dim != embed_dim_to_check:
        raise ShapeError(f"{name}: expected embedding dimension {embed_dim_to_check}, got "
                         f"{embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise ValueError(f"{name}: embed_dim {embed_dim} is not divisible by num_heads "
                         f"{num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise ShapeError(f"{name}: key's sequence and batch dims {key.shape[:2]} do not "
                             f"match value's {value.shape[:2]}")
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise ValueError(f"{name}: use_separate_proj_weight needs q_proj_weight, "
                             "k_proj_weight and v_proj_weight")
        e = embed_dim
        b = in_proj_bias
        q = _linear(query, q_proj_weight, None if b is None else b[:e])
        k = _linear(key, k_proj_weight, None if b is None else b[e:2 * e])
        v = _linear(value, v_proj_weight, None if b is None else b[2 * e:])
    else:
        if key.shape != value.shape:
            raise ShapeError(f"{name}: key shape {key.shape} does not match value shape "
                             f"{value.shape}")
        if in_proj_weight is None:
            raise ValueError(f"{name}: in_proj_weight is None without use_separate_proj_weight")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    if mask is not None:
        if mask.ndim == 2:
            if mask.shape != (tgt_len, src_len):
                raise ShapeError(f"{name}: the 2-D attn_mask has shape {mask.shape}, expected "
                                 f"{(tgt_len, src_len)}")
            mask = ops.unsqueeze(mask, 0)
        elif mask.shape != (bsz * num_heads, tgt_len, src_len):
            raise ShapeError(f"{name}: the 3-D attn_mask has shape {mask.shape}, expected "
                             f"{(bsz * num_heads, tgt_len, src_len)}")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise ValueError(f"{name}: bias_k and bias_v cannot be added to static_k/static_v")
        k = ops.cat([k, ops.broadcast_to(bias_k, (1, bsz, embed_dim))], 0)
        v = ops.cat([v, ops.broadcast_to(bias_v, (1, bsz, embed_dim))], 0)
        mask, kpm = _pad_last(mask), _pad_last(kpm)
    elif bias_k is not None or bias_v is not None:
        raise ValueError(f"{name}: bias_k and bias_v must be given together")
    q = ops.reshape(q, (tgt_len, bsz * num_heads, head_dim)).transpose(0, 1)
    k = ops.reshape(k, (k.shape[0], bsz * num_heads, head_dim)).transpose(0, 1) \
        if static_k is None else _static(name, "static_k", static_k, bsz * num_heads, head_dim)
    v = ops.reshape(v, (v.shape[0], bsz * num_heads, head_dim)).transpose(0, 1) \
        if static_v is None else _static(name, "static_v", static_v, bsz * num_heads, head_dim)
    if add_zero_attn:
        zeros = Tensor._make(np.zeros((bsz * num_heads, 1, head_dim), dtype=k.data.dtype))
        k, v = ops.cat([k, zeros], 1), ops.cat([v, zeros], 1)
        mask, kpm = _pad_last(mask), _pad_last(kpm)
    src_len = k.shape[1]
    if kpm is not None:
        if kpm.shape != (bsz, src_len):
            raise ShapeError(f"{name}: expected key_padding_mask of shape {(bsz, src_len)}, got "
                             f"{kpm.shape}")
        kpm = ops.reshape(ops.broadcast_to(ops.reshape(kpm, (bsz, 1, 1, src_len)),
                                           (bsz, num_heads, 1, src_len)),
                          (bsz * num_heads, 1, src_len))
        mask = kpm if mask is None else mask + kpm
    p = _check_dropout(name, dropout_p) if training else 0.0
    bool_mask = np.tril(np.ones((tgt_len, src_len), dtype=bool)) if causal else None
    if mask is not None and mask.data.dtype != dtype:
        mask = ops.cast(mask, dtype)
    result = _attention(q, k, v, mask, bool_mask, 1.0 / math.sqrt(head_dim), p, need_weights)
    out, weights = result if need_weights else (result, None)
    out = ops.reshape(out.transpose(0, 1), (tgt_len * bsz, embed_dim))
    out = ops.reshape(_linear(out, out_proj_weight, out_proj_bias), (tgt_len, bsz, embed_dim))
    if weights is not None:
        weights = ops.reshape(weights, (bsz, num_heads, tgt_len, src_len))
        if average_attn_weights:
            weights = weights.mean(1)
    if not batched:
        out = ops.squeeze(out, 1)
        if weights is not None:
            weights = ops.squeeze(weights, 0)
    return out, weights


def _static(name: str, what: str, t: Tensor, rows: int, head_dim: int) -> Tensor:
    t = _float_tensor(name, what, t)
    if t.ndim != 3 or t.shape[0] != rows or t.shape[2] != head_dim:
        raise ShapeError(f"{name}: expected {what} of shape ({rows}, S, {head_dim}), got "
                         f"{t.shape}")
    return t


# ---- 1-D convolution ------------------------------------------------------------------------
def _signal(name: str, input: Any) -> tuple[Tensor, bool]:
    """(N, C, L) input (a (C, L) one gets a batch axis); whether it was unbatched."""
    x = _float_tensor(name, "input", input)
    if x.ndim == 2:
        return ops.unsqueeze(x, 0), True
    if x.ndim != 3:
        raise ShapeError(f"{name}: expected input of shape (N, C, L) or (C, L), got {x.shape}")
    return x, False


def _conv1d_padding(name: str, padding: Any, kernel: int, stride: int,
                    dilation: int) -> tuple[int, int]:
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            if stride != 1:
                raise ValueError(f"{name}: padding='same' needs stride 1, got stride {stride}")
            total = dilation * (kernel - 1)
            return total // 2, total - total // 2  # the odd one after, as PyTorch
        raise ValueError(f"{name}: padding must be an int, 'valid' or 'same', got {padding!r}")
    (pad,) = _ints(name, "padding", padding, 1)
    if pad < 0:
        raise ValueError(f"{name}: padding must be non-negative, got {padding!r}")
    return pad, pad


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation, as PyTorch's conv1d: im2col of a height-1 image + one product.

    Args:
        input: (N, C_in, L) or unbatched (C_in, L).
        weight: (C_out, C_in / groups, k).
        bias: (C_out,) or None.
        stride: an int (or a 1-tuple).
        padding: an int, 'valid' or 'same' (zeros; with 'same' an odd total puts the extra zero
            after, as PyTorch).
        dilation: an int (or a 1-tuple).
        groups: split the channels into this many independent convolutions.

    Returns:
        (N, C_out, L_out), L_out = (L + 2 pad - dilation (k - 1) - 1) // stride + 1.
    """
    name = "conv1d"
    x, unbatched = _signal(name, input)
    weight = _float_tensor(name, "weight", weight)
    if weight.ndim != 3:
        raise ShapeError(f"{name}: weight must have shape (C_out, C_in / groups, k), got "
                         f"{weight.shape}")
    out_channels, per_group, kernel = weight.shape
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups <= 0 or \
            x.shape[1] != per_group * groups or out_channels % groups:
        raise ShapeError(f"{name}: input of shape {tuple(_data(input).shape)} does not fit weight "
                         f"of shape {weight.shape} with groups={groups} (expected "
                         f"{per_group * groups} input channels and C_out divisible by groups)")
    if x.dtype != weight.dtype:
        raise TypeError(f"{name}: input dtype {x.dtype} differs from weight dtype {weight.dtype}")
    if bias is not None:
        bias = _float_tensor(name, "bias", bias)
        if bias.shape != (out_channels,) or bias.dtype != weight.dtype:
            raise ShapeError(f"{name}: bias of {_describe(bias)} does not fit {out_channels} "
                             f"output channels of dtype {weight.dtype}")
    (stride_,) = _ints(name, "stride", stride, 1)
    (dilation_,) = _ints(name, "dilation", dilation, 1)
    _positive(name, stride=(stride_,), dilation=(dilation_,), kernel_size=(kernel,))
    left, right = _conv1d_padding(name, padding, kernel, stride_, dilation_)
    n, _, length = x.shape
    out_len = P.conv_output_size(length, kernel, stride_, left, right, dilation_)
    if out_len <= 0:
        raise ShapeError(f"{name}: the input's length {length} (padding {(left, right)}) is "
                         f"smaller than the kernel {kernel} with dilation {dilation_}")
    image = ops.unsqueeze(x, 2)  # (N, C, 1, L)
    cols = P.Unfold.apply(image, kernel=(1, kernel), stride=(1, stride_),
                          padding=(0, 0, left, right), dilation=(1, dilation_))
    if groups == 1:
        rows = ops.reshape(cols, (n * out_len, per_group * kernel))
        w = ops.reshape(weight, (out_channels, per_group * kernel))
        out = _linear(rows, w, bias)
    else:  # one batched product per group: (G, N*L, K) @ (G, K, C_out/G)
        rows = ops.reshape(cols, (n * out_len, groups, per_group * kernel)).permute(1, 0, 2)
        w = ops.reshape(weight, (groups, out_channels // groups, per_group * kernel))
        out = ops.reshape((rows @ w.permute(0, 2, 1)).permute(1, 0, 2), (n * out_len, out_channels))
        if bias is not None:
            out = out + bias
    out = ops.reshape(out, (n, out_len, out_channels)).permute(0, 2, 1)
    return out[0] if unbatched else out


# ---- pooling --------------------------------------------------------------------------------
def _image(name: str, input: Any) -> tuple[Tensor, bool]:
    x = ops.tensor_arg(input, name)
    if x.ndim == 3:
        return ops.unsqueeze(x, 0), True
    if x.ndim != 4:
        raise ShapeError(f"{name}: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"{x.shape}")
    return x, False


def _pool_size(name: str, size: int, kernel: int, stride: int, pad: int, dilation: int,
               ceil_mode: bool) -> tuple[int, int]:
    """(number of windows, extra padding after) along one axis, as PyTorch (ceil_mode adds a
    last window only if it starts inside the input or the padding before it)."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    if out <= 0:
        raise ShapeError(f"{name}: the input's size {size} (padding {pad}) is smaller than the "
                         f"kernel {kernel} (dilation {dilation})")
    extra = max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - (size + 2 * pad))
    return out, extra


def _pool_args(name: str, n: int, kernel_size: Any, stride: Any, padding: Any,
               dilation: Any = 1) -> tuple:
    kernel = _ints(name, "kernel_size", kernel_size, n)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    stride_ = kernel if no_stride else _ints(name, "stride", stride, n)
    pad = _ints(name, "padding", padding, n)
    dilation_ = _ints(name, "dilation", dilation, n)
    _positive(name, kernel_size=kernel, stride=stride_, dilation=dilation_)
    for k, p in zip(kernel, pad):  # half the kernel, not the dilated one, as PyTorch
        if p < 0 or p > k // 2:
            raise ValueError(f"{name}: padding {pad} should be at most half of kernel size "
                             f"{kernel}")
    return kernel, stride_, pad, dilation_


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Maximum over each window of (N, C, L) or (C, L) input (-inf padding); tied maxima share
    the gradient evenly (the project's convention for max). `return_indices=True` also returns
    the index (along L) of each window's first maximum.

    Args:
        input: a tensor (N, C, L) or (C, L).
        kernel_size: the window length, an int.
        stride: an int (None: kernel_size).
        padding: implicit -inf padding on each side (at most half the kernel).
        dilation: the spacing of the window's elements.
        ceil_mode: round the output size up instead of down.
        return_indices: also return the int64 index (along L) of each window's first maximum.

    Returns:
        A tensor (N, C, L_out) or (C, L_out); with return_indices, a tuple (output, indices).
    """
    name = "max_pool1d"
    x = ops.tensor_arg(input, name)
    if x.ndim not in (2, 3):
        raise ShapeError(f"{name}: expected input of shape (N, C, L) or (C, L), got {x.shape}")
    unbatched = x.ndim == 2
    if unbatched:
        x = ops.unsqueeze(x, 0)
    (k,), (s,), (p,), (d,) = _pool_args(name, 1, kernel_size, stride, padding, dilation)
    length = x.shape[2]
    out_len, extra = _pool_size(name, length, k, s, p, d, ceil_mode)
    cols = P.Unfold.apply(ops.unsqueeze(x, 2), kernel=(1, k), stride=(1, s),
                          padding=(0, 0, p, p + extra), dilation=(1, d), pad_value=-np.inf)
    n, _, ol, c = cols.shape[:4]
    flat = ops.reshape(cols, (n, ol, c, k))
    out = ops.max(flat, axis=-1).permute(0, 2, 1)
    if unbatched:
        out = out[0]
    if not return_indices:
        return out
    first = np.argmax(flat.data, axis=-1).transpose(0, 2, 1)  # (N, C, L_out)
    indices = Tensor._make((np.arange(ol) * s - p + first * d).astype(np.int64))
    return out, (indices[0] if unbatched else indices)


def _avg_divisor(size: int, out: int, kernel: int, stride: int, pad: int,
                 count_include_pad: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per window along one axis: (its size clipped to the padded input, clipped to the input)."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)
    padded = end - start
    inside = np.minimum(end, size) - np.maximum(start, 0)
    return (padded if count_include_pad else inside), padded


def _avg_pool(name: str, x: Tensor, kernel: tuple, stride: tuple, pad: tuple, ceil_mode: bool,
              count_include_pad: bool, divisor_override: Any) -> Tensor:
    """Average pooling of (N, C, H, W) x (zero padding), PyTorch's divisors."""
    _, _, h, w = x.shape
    oh, extra_h = _pool_size(name, h, kernel[0], stride[0], pad[0], 1, ceil_mode)
    ow, extra_w = _pool_size(name, w, kernel[1], stride[1], pad[1], 1, ceil_mode)
    cols = P.Unfold.apply(x, kernel=kernel, stride=stride,
                          padding=(pad[0], pad[0] + extra_h, pad[1], pad[1] + extra_w),
                          dilation=(1, 1))
    n, _, _, c = cols.shape[:4]
    sums = ops.reshape(cols, (n, oh, ow, c, kernel[0] * kernel[1])).sum(-1)
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override,
                                                                numbers.Integral) \
                or divisor_override == 0:
            raise ValueError(f"{name}: divisor_override must be a non-zero int, got "
                             f"{divisor_override!r}")
        out = sums / float(divisor_override)
    else:
        rows = _avg_divisor(h, oh, kernel[0], stride[0], pad[0], count_include_pad)[0]
        columns = _avg_divisor(w, ow, kernel[1], stride[1], pad[1], count_include_pad)[0]
        divisor = (rows[:, None] * columns[None, :]).astype(x.data.dtype)
        out = sums / const(divisor[:, :, None])
    return out.permute(0, 3, 1, 2)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window of (N, C, H, W) or (C, H, W) input, as PyTorch: zero padding
    counts in the divisor when `count_include_pad` (windows cut by ceil_mode never count the
    part past the padding); `divisor_override` replaces the divisor.

    Args:
        input: a tensor (N, C, H, W) or (C, H, W).
        kernel_size: the window, an int or a pair.
        stride: an int or a pair (None: kernel_size).
        padding: zero padding on each side, an int or a pair (at most half the kernel).
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the zero padding in the divisor.
        divisor_override: the divisor of every window, or None.

    Returns:
        A tensor (N, C, H_out, W_out) or (C, H_out, W_out).
    """
    name = "avg_pool2d"
    x, unbatched = _image(name, input)
    _float_tensor(name, "input", x)
    kernel, stride_, pad, _ = _pool_args(name, 2, kernel_size, stride, padding)
    out = _avg_pool(name, x, kernel, stride_, pad, ceil_mode, count_include_pad, divisor_override)
    return out[0] if unbatched else out


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over each window of (N, C, L) or (C, L) input, as PyTorch's avg_pool1d.

    Args:
        input: a tensor (N, C, L) or (C, L).
        kernel_size: the window length, an int.
        stride: an int (None: kernel_size).
        padding: zero padding on each side (at most half the kernel).
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the zero padding in the divisor.

    Returns:
        A tensor (N, C, L_out) or (C, L_out).
    """
    name = "avg_pool1d"
    x = _float_tensor(name, "input", input)
    if x.ndim not in (2, 3):
        raise ShapeError(f"{name}: expected input of shape (N, C, L) or (C, L), got {x.shape}")
    (k,), (s,), (p,), _ = _pool_args(name, 1, kernel_size, stride, padding)
    image = ops.unsqueeze(x, -2)
    if image.ndim == 3:
        image = ops.unsqueeze(image, 0)
    out = _avg_pool(name, image, (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None)
    out = ops.squeeze(out, 2)
    return out[0] if x.ndim == 2 else out


def _adaptive_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, size): row i averages input positions floor(i size / out) to
    ceil((i + 1) size / out) (exclusive), PyTorch's adaptive windows."""
    matrix = np.zeros((out, size), dtype=np.float64)
    for i in range(out):
        start = (i * size) // out
        end = -(-((i + 1) * size) // out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix.astype(dtype)


def _output_sizes(name: str, output_size: Any, sizes: tuple) -> tuple[int, ...]:
    n = len(sizes)
    if output_size is None or isinstance(output_size, numbers.Integral):
        items: tuple = (output_size,) * n
    else:
        try:
            items = tuple(output_size)
        except TypeError:
            items = ()
    if len(items) != n:
        raise TypeError(f"{name}: output_size must be an int or a sequence of {n}, got "
                        f"{output_size!r}")
    result = []
    for item, size in zip(items, sizes):
        if item is None:
            result.append(size)
        elif isinstance(item, bool) or not isinstance(item, numbers.Integral) or item < 0:
            raise ValueError(f"{name}: output sizes must be non-negative ints or None, got "
                             f"{output_size!r}")
        else:
            result.append(int(item))
    return tuple(result)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average over `output_size` windows covering the last axis of (N, C, L) or (C, L) input,
    PyTorch's windows (window i spans floor(i L / out) to ceil((i + 1) L / out)).

    Args:
        input: a tensor (N, C, L) or (C, L).
        output_size: the output length L_out (an int).

    Returns:
        A tensor (N, C, L_out) or (C, L_out).
    """
    name = "adaptive_avg_pool1d"
    x = _float_tensor(name, "input", input)
    if x.ndim not in (2, 3):
        raise ShapeError(f"{name}: expected input of shape (N, C, L) or (C, L), got {x.shape}")
    (out,) = _output_sizes(name, output_size, x.shape[-1:])
    return x @ const(_adaptive_matrix(x.shape[-1], out, x.data.dtype).T)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average over an output_size grid of windows of (N, C, H, W) or (C, H, W) input (an int,
    or a pair whose None entries keep the input's size), PyTorch's windows.

    Args:
        input: a tensor (N, C, H, W) or (C, H, W).
        output_size: (H_out, W_out): an int, or a pair whose None entries keep the input's size.

    Returns:
        A tensor (N, C, H_out, W_out) or (C, H_out, W_out).
    """
    name = "adaptive_avg_pool2d"
    x = _float_tensor(name, "input", input)
    if x.ndim not in (3, 4):
        raise ShapeError(f"{name}: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"{x.shape}")
    oh, ow = _output_sizes(name, output_size, x.shape[-2:])
    dtype = x.data.dtype
    rows = const(_adaptive_matrix(x.shape[-2], oh, dtype))
    columns = const(_adaptive_matrix(x.shape[-1], ow, dtype).T)
    return rows @ (x @ columns)
