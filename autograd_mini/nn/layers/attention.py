"""MultiheadAttention, TransformerEncoderLayer and TransformerEncoder, as PyTorch's.

Parameter names and shapes are PyTorch's (`in_proj_weight` (3E, E), `in_proj_bias`,
`out_proj.weight`, `out_proj.bias`; `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim
or vdim differ from embed_dim; `bias_k`, `bias_v`; an encoder's `layers.0.self_attn...`), so a
state_dict moves between the two one to one. The attention itself is one fused primitive
(`F.scaled_dot_product_attention`'s), also when the weights are returned.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _dtypes
from ..._device import check_device
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._sequence_functional import multi_head_attention_forward
from ..containers import ModuleList
from ..module import Module
from ..parameter import Parameter
from .linear import Dropout, Linear
from .normalization import LayerNorm


class MultiheadAttention(Module):
    """Multi-head attention: softmax(Q K^T / sqrt(head_dim) + mask) V per head, then out_proj.

    Initialisation as PyTorch: xavier_uniform_ for the projection weights, zeros for
    in_proj_bias and out_proj.bias, xavier_normal_ for bias_k and bias_v; out_proj.weight is a
    Linear's.

    Args:
        embed_dim: E, the model's feature size (divisible by num_heads).
        num_heads: the number of heads; each attends with head_dim = E // num_heads features.
        dropout: the dropout probability on the attention weights, while training.
        bias: learn in_proj_bias and out_proj.bias.
        add_bias_kv: learn bias_k and bias_v, (1, 1, E), appended to the keys and values.
        add_zero_attn: append a zero key and value.
        kdim: the key's feature size (default embed_dim).
        vdim: the value's feature size (default embed_dim).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E).
        device: only the CPU ("cpu", or None).
        dtype: the parameters' dtype (default: the default float dtype).

    Examples:
        >>> import autograd_mini as am
        >>> attn = am.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
        >>> x = am.randn(3, 5, 8)  # (N, L, E)
        >>> out, weights = attn(x, x, x)
        >>> out.shape, weights.shape
        ((3, 5, 8), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "MultiheadAttention")
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than "
                             f"0, got embed_dim={embed_dim} and num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by "
                             f"num_heads ({num_heads})")
        dtype = np.dtype(dtype or _dtypes.get_default_dtype())

        def empty(*shape: int) -> Parameter:
            return Parameter(np.empty(shape, dtype=dtype))

        if not self._qkv_same_embed_dim:
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = empty(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = empty(1, 1, embed_dim)
            self.bias_v = empty(1, 1, embed_dim)
        else:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            if self.out_proj.bias is not None:
                init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None,
                average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attend from query (L, N, E) to key (S, N, kdim) / value (S, N, vdim) ((N, L, E) with
        batch_first; unbatched (L, E) too).

        key_padding_mask (N, S) and attn_mask (L, S) or (N * num_heads, L, S): bool masks are
        True where a position must NOT take part; float masks are added to the scores.
        `is_causal` is a hint that attn_mask is the causal mask (attn_mask is still required).

        Returns:
            (output (L, N, E), weights or None): the attention weights (after dropout) when
            need_weights, averaged over the heads (N, L, S) or not (N, num_heads, L, S).
        """
        batched = query.ndim == 3
        if self.batch_first and batched:  # keep which of query, key and value are the same
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and batched:
            return out.transpose(1, 0), weights
        return out, weights

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        text = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if not self._qkv_same_embed_dim:
            text += f", kdim={self.kdim}, vdim={self.vdim}"
        if self.batch_first:
            text += ", batch_first=True"
        return text


def _activation(activation: Any) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if isinstance(activation, str) or not callable(activation):
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block, each with a residual connection and LayerNorm,
    as PyTorch's (post-norm by default, pre-norm with norm_first=True).

    Sub-modules, as PyTorch's: self_attn, linear1, dropout, linear2, norm1, norm2, dropout1,
    dropout2.

    Args:
        d_model: E, the model's feature size.
        nhead: the number of attention heads.
        dim_feedforward: the hidden size of the feed-forward block.
        dropout: the dropout probability (attention weights, feed-forward, residuals).
        activation: "relu", "gelu" or a callable (a Module becomes a sub-module).
        layer_norm_eps: the LayerNorms' eps.
        batch_first: inputs and output are (N, S, E) instead of (S, N, E).
        norm_first: pre-norm (LayerNorm before each block) instead of post-norm.
        bias: learn biases in the linear layers, the attention and the LayerNorms.
        device: only the CPU ("cpu", or None).
        dtype: the parameters' dtype (default: the default float dtype).
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Any = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "TransformerEncoderLayer")
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, src: Tensor, src_mask: Any = None, src_key_padding_mask: Any = None,
                is_causal: bool = False) -> Tensor:
        """src (S, N, E) ((N, S, E) with batch_first, or unbatched (S, E)); the masks as
        MultiheadAttention's attn_mask and key_padding_mask."""
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Any, key_padding_mask: Any,
                  is_causal: bool) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """A stack of `num_layers` deep copies of `encoder_layer` (`layers.0`, `layers.1`, ...),
    then the optional `norm`, as PyTorch's. `enable_nested_tensor` and `mask_check` are accepted
    for PyTorch's signature (nested tensors are a fast path PyTorch itself may skip).

    Args:
        encoder_layer: the layer to copy.
        num_layers: the number of copies.
        norm: a module applied to the last layer's output (e.g. a LayerNorm), or None.
        enable_nested_tensor: accepted for PyTorch's signature.
        mask_check: accepted for PyTorch's signature.
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Any = None, src_key_padding_mask: Any = None,
                is_causal: bool | None = None) -> Tensor:
        """Each layer in turn with the same masks; `is_causal` (a hint: mask is still needed)."""
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                           is_causal=bool(is_causal) and mask is not None)
        if self.norm is not None:
            output = self.norm(output)
        return output


def generate_square_subsequent_mask(sz: int, dtype: Any = None) -> Tensor:
    """The causal mask for a sequence of length sz, as PyTorch's
    `nn.Transformer.generate_square_subsequent_mask`: 0 on and below the diagonal, -inf above."""
    dtype = np.dtype(dtype or _dtypes.get_default_dtype())
    return Tensor._make(np.triu(np.full((sz, sz), -math.inf, dtype=dtype), k=1))


__all__ = ["MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder",
           "generate_square_subsequent_mask"]
