"""Linear, Identity, Flatten, Dropout and Embedding."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import _dtypes, ops
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


def _empty(*shape: int, dtype: Any = None) -> Parameter:
    return Parameter(np.empty(shape, dtype=dtype or _dtypes.get_default_dtype()))


def _check_size(name: str, **sizes: Any) -> None:
    for what, n in sizes.items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{name}: {what} must be a non-negative int, got {n!r}")


class Identity(Module):
    """Returns its input (arguments to the constructor are accepted and ignored, as PyTorch).

    Args:
        *args: ignored.
        **kwargs: ignored.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        """Return `input` unchanged."""
        return input


class Linear(Module):
    """y = x W^T + b over the last axis of x, one fused primitive.

    Both W (out_features, in_features) and b (out_features,) start from
    U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's default (kaiming_uniform_ with
    a = sqrt(5) for the weight gives exactly that bound).

    Args:
        in_features: size of each input's last axis.
        out_features: size of each output's last axis.
        bias: learn an additive bias.
        dtype: parameter dtype (the default dtype, float32, unless set).

    Shape:
        - input: (*, in_features).
        - output: (*, out_features).

    Examples:
        >>> import autograd_mini as am
        >>> layer = am.nn.Linear(3, 2)
        >>> layer
        Linear(in_features=3, out_features=2, bias=True)
        >>> layer.weight.shape, layer.bias.shape
        ((2, 3), (2,))
        >>> layer(am.randn(4, 3)).shape
        (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        _check_size("Linear", in_features=in_features, out_features=out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = _empty(out_features, in_features, dtype=dtype)
        self.bias = _empty(out_features, dtype=dtype) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        """`input @ weight.T + bias`: (*, in_features) -> (*, out_features)."""
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Flatten(Module):
    """Merge axes start_dim..end_dim (by default everything but the batch axis).

    Args:
        start_dim: the first dimension to merge.
        end_dim: the last dimension to merge (inclusive).
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        """`input` with dimensions start_dim..end_dim merged into one."""
        return ops.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Zero elements with probability p while training and scale the rest by 1/(1-p); the
    identity in eval mode.

    Args:
        p: the probability of zeroing an element.
        inplace: write the result into the input's array.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """`input` with elements zeroed at random while training (the identity in eval mode)."""
        return F.dropout(input, self.p, self.training, inplace=self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"p={self.p}"


class Embedding(Module):
    """A lookup table: integer ids of any shape -> rows of `weight` (num_embeddings, dim).

    The weight starts from N(0, 1) (PyTorch's default), with the `padding_idx` row zeroed; that
    row gets no gradient. Repeated ids accumulate their gradients. With `max_norm`, each forward
    first rescales (in place, outside the graph) the looked-up rows whose `norm_type`-norm exceeds
    it, as PyTorch.

    Args:
        num_embeddings: the number of rows (ids in [0, num_embeddings)).
        embedding_dim: the size of each row.
        padding_idx: the row kept at zero that gets no gradient, or None.
        max_norm: renormalise looked-up rows to at most this norm, or None.
        norm_type: the p of the norm for max_norm.
        scale_grad_by_freq: accepted for PyTorch's signature (only False: not supported).
        sparse: accepted for PyTorch's signature (only False: the gradient is dense).
        dtype: the weight's dtype (None: the default dtype).
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 dtype: Any = None) -> None:
        super().__init__()
        _check_size("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: scale_grad_by_freq and sparse are not supported")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} is out of range for "
                                 f"{num_embeddings} embeddings")
            padding_idx %= num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        self.weight = _empty(num_embeddings, embedding_dim, dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weight from N(0, 1), with the padding_idx row zeroed, as PyTorch."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: Any) -> Tensor:
        """The rows of `weight` at the integer ids `input`: shape input.shape + (embedding_dim,)."""
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        pad = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        if self.max_norm is not None:
            pad += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            pad += f", norm_type={self.norm_type}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
