"""BatchNorm2d, GroupNorm, InstanceNorm1d/2d, RMSNorm, Dropout2d, Unflatten and ZeroPad2d, with
PyTorch's parameter and buffer names, defaults and train/eval behaviour."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from ... import _dtypes, ops
from ...tensor import Tensor
from .. import functional as F
from ..module import Module
from ..parameter import Parameter
from .normalization import _batch_norm_forward, _NormBase


class BatchNorm2d(_NormBase):
    """Batch normalisation over the channel axis of (N, C, H, W) input (see BatchNorm1d):
    running statistics updated with `momentum` (the unbiased batch variance into running_var;
    momentum=None: a cumulative average) while training, used in eval mode.

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
        - input: (N, C, H, W).
        - output: the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """Normalise `input`, shape (N, C, H, W), per channel; the result has its shape."""
        input = ops.tensor_arg(input, "BatchNorm2d")
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")
        return _batch_norm_forward(self, input)


class GroupNorm(Module):
    """Group normalisation of (N, C, *) input over `num_groups` groups of channels, with a
    per-channel affine weight (ones) and bias (zeros) when `affine`.

    Args:
        num_groups: the number of groups (it divides num_channels).
        num_channels: C, the number of channels.
        eps: added to the variance before the square root.
        affine: learn a per-channel weight and bias.
        dtype: the parameters' dtype (default: the default float dtype).
        bias: learn the bias (with `affine`).

    Shape:
        - input: (N, C, *).
        - output: the input's shape.
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        dtype = dtype or _dtypes.get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
            self.bias = Parameter(np.zeros(num_channels, dtype=dtype)) if bias else None
        else:
            self.weight = None
            self.bias = None

    def forward(self, input: Tensor) -> Tensor:
        """Normalise `input`, shape (N, C, ...), over each group of channels (same shape out)."""
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_NormBase):
    """Instance normalisation (PyTorch's defaults: affine=False, track_running_stats=False);
    input with or without the batch axis."""

    _spatial = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype,
                         bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        """Normalise each channel of each sample of `input` (batched or not) over its spatial axes."""
        input = ops.tensor_arg(input, type(self).__name__)
        batched_dims = self._spatial + 2
        if input.ndim not in (batched_dims - 1, batched_dims):
            raise ValueError(f"expected {batched_dims - 1}D or {batched_dims}D input (got "
                             f"{input.ndim}D input)")
        feature_dim = input.ndim - self._spatial - 1
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You "
                          "can silence this warning by not passing in num_features, which is not "
                          "used because affine=False", stacklevel=2)
        unbatched = input.ndim == batched_dims - 1
        if unbatched:
            input = ops.unsqueeze(input, 0)
        out = F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              0.0 if self.momentum is None else self.momentum, self.eps)
        return ops.squeeze(out, 0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L) input: each channel of each sample over L.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance before the square root.
        momentum: the weight of each new batch in the running statistics (None: a cumulative
            average).
        affine: learn (default False) a per-channel weight (ones) and bias (zeros).
        track_running_stats: keep running statistics, used in eval mode (default False).
        dtype: the dtype of the parameters and buffers (default: the default float dtype).
        bias: learn the bias (with `affine`).
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W) input: each channel of each sample
    over H and W.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance before the square root.
        momentum: the weight of each new batch in the running statistics (None: a cumulative
            average).
        affine: learn (default False) a per-channel weight (ones) and bias (zeros).
        track_running_stats: keep running statistics, used in eval mode (default False).
        dtype: the dtype of the parameters and buffers (default: the default float dtype).
        bias: learn the bias (with `affine`).
    """

    _spatial = 2


class RMSNorm(Module):
    """x / sqrt(mean(x**2) + eps) * weight over the trailing `normalized_shape` axes; eps=None
    means the machine epsilon of the input's dtype.

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last dimension).
        eps: added to the mean square (None: the machine epsilon of the input's dtype).
        elementwise_affine: learn a weight of shape `normalized_shape` (ones).
        dtype: the weight's dtype (default: the default float dtype).

    Shape:
        - input: (*, *normalized_shape).
        - output: the input's shape.
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, dtype: Any = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
            else tuple(normalized_shape)
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = dtype or _dtypes.get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
        else:
            self.weight = None

    def reset_parameters(self) -> None:
        """Reset the weight to ones."""
        if self.weight is not None:
            self.weight.data[...] = 1

    def forward(self, input: Tensor) -> Tensor:
        """RMS-normalise `input` over its trailing `normalized_shape` axes; the result has its shape."""
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class Dropout2d(Module):
    """Zero whole channels with probability p while training and scale the rest by 1/(1-p);
    the identity in eval mode.

    Args:
        p: the probability of zeroing a channel.
        inplace: write the result into the input's array.

    Shape:
        - input: (N, C, H, W) or (C, H, W).
        - output: the input's shape.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Zero whole channels of `input`, shape (N, C, H, W) or (C, H, W), while training."""
        return F.dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"p={self.p}, inplace={self.inplace}"


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size`, the inverse of `Flatten`.

    Args:
        dim: the dimension to split.
        unflattened_size: the new sizes (a tuple or list; their product is the size of `dim`).
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError("unflattened_size must be tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        """`input` with dimension `dim` split into `unflattened_size`."""
        return ops.unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class ZeroPad2d(Module):
    """Pad the last two dimensions with zeros: `padding` an int or (left, right, top, bottom);
    negative widths crop.

    Args:
        padding: an int (all four sides) or (left, right, top, bottom).

    Shape:
        - input: (*, H, W).
        - output: (*, H + top + bottom, W + left + right).
    """

    def __init__(self, padding: Any) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (int(padding),) * 4
        padding = tuple(int(p) for p in padding)
        if len(padding) != 4:
            raise ValueError(f"ZeroPad2d: padding must be an int or 4 ints, got {padding}")
        self.padding = padding

    def forward(self, input: Tensor) -> Tensor:
        """`input`, shape (..., H, W), padded with zeros: (..., H + top + bottom, W + left + right)."""
        return F.pad(input, self.padding, "constant", 0.0)

    def extra_repr(self) -> str:
        """The padding, as shown in the module's repr."""
        return f"{self.padding}"
