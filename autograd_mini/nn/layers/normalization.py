"""LayerNorm and BatchNorm1d."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ... import _dtypes
from ...tensor import Tensor
from .. import functional as F
from ..module import Module
from ..parameter import Parameter


class LayerNorm(Module):
    """Normalise over the trailing `normalized_shape` axes, then scale by `weight` (ones) and
    shift by `bias` (zeros) when `elementwise_affine`.

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last dimension).
        eps: added to the variance before the square root.
        elementwise_affine: learn a weight and a bias of shape `normalized_shape`.
        bias: learn the bias (with `elementwise_affine`).
        dtype: the parameters' dtype (default: the default float dtype).

    Shape:
        - input: (*, *normalized_shape).
        - output: the input's shape.

    Examples:
        >>> import autograd_mini as am
        >>> norm = am.nn.LayerNorm(4)
        >>> y = norm(am.randn(2, 4))
        >>> y.mean(-1).abs().max().item() < 1e-6
        True
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
            else tuple(normalized_shape)
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = dtype or _dtypes.get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if bias else None
        else:
            self.weight = None
            self.bias = None

    def forward(self, input: Tensor) -> Tensor:
        """Normalise `input` over its trailing `normalized_shape` axes; the result has its shape."""
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class _NormBase(Module):
    """The parameters (weight: ones, bias: zeros, when `affine`) and buffers (running_mean,
    running_var, num_batches_tracked, when `track_running_stats`) of batch and instance norm."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = dtype or _dtypes.get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if bias else None
        else:
            self.weight = None
            self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.zeros((), dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Reset running_mean to zeros, running_var to ones and num_batches_tracked to 0."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        """Reset the running statistics, and the weight to ones and the bias to zeros."""
        self.reset_running_stats()
        if self.weight is not None:
            self.weight.data[...] = 1
        if self.bias is not None:
            self.bias.data[...] = 0

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


def _batch_norm_forward(module: _NormBase, input: Tensor) -> Tensor:
    momentum = 0.0 if module.momentum is None else module.momentum
    if module.training and module.track_running_stats:
        module.num_batches_tracked.data += 1
        module.num_batches_tracked._bump_version()
        if module.momentum is None:  # cumulative moving average
            momentum = 1.0 / float(module.num_batches_tracked.data)
    use_batch = module.training or not module.track_running_stats
    return F.batch_norm(input, module.running_mean, module.running_var, module.weight,
                        module.bias, use_batch, momentum, module.eps)


class BatchNorm1d(_NormBase):
    """Batch normalisation over the channel axis of (N, C) or (N, C, L) input.

    Training: normalise with the batch mean and biased variance, and update the buffers
    running_mean / running_var with `momentum` (the unbiased batch variance goes into
    running_var); with momentum=None, a cumulative average over `num_batches_tracked` batches.
    Eval: normalise with the running statistics.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance before the square root.
        momentum: the weight of each new batch in the running statistics (None: a cumulative
            average).
        affine: learn a per-channel weight (ones) and bias (zeros).
        track_running_stats: keep running statistics (used in eval mode); without them the
            batch statistics are used in eval mode too.
        dtype: the dtype of the parameters and buffers (default: the default float dtype).
        bias: learn the bias (with `affine`).

    Shape:
        - input: (N, C) or (N, C, L).
        - output: the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """Normalise `input`, shape (N, C) or (N, C, L), per channel; the result has its shape."""
        if input.ndim not in (2, 3) or input.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d({self.num_features}): expected input of shape (N, "
                             f"{self.num_features}) or (N, {self.num_features}, L), got "
                             f"{input.shape}")
        return _batch_norm_forward(self, input)
