"""Conv1d and ConvTranspose1d, as PyTorch's: 1-D (transposed) convolutions over (N, C, L),
computed as 2-D ones of a height-1 image."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import _dtypes, ops
from ..._device import check_device
from ...tensor import Tensor
from .. import init
from .._sequence_functional import _ints, conv1d
from ..functional import conv_transpose1d
from ..module import Module
from ..parameter import Parameter
from .conv import _ConvTransposeNd, conv_extra_repr

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pad_indices(length: int, left: int, right: int, mode: str) -> np.ndarray:
    """The source position of every position of the padded signal (reflect, replicate or
    circular padding, as PyTorch's F.pad)."""
    positions = np.arange(-left, length + right)
    if mode == "replicate":
        return np.clip(positions, 0, length - 1)
    if mode == "circular":
        return positions % length
    period = 2 * (length - 1)  # reflect, without repeating the edge
    if period == 0:
        return np.zeros_like(positions)
    folded = np.abs(positions) % period
    return np.where(folded < length, folded, period - folded)


class Conv1d(Module):
    """1-D convolution (cross-correlation) over (N, C_in, L) or (C_in, L) input.

    Weight (C_out, C_in / groups, k) and bias (C_out,) start from
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in / groups * k, as PyTorch.

    Args:
        in_channels: C_in, the input's channels.
        out_channels: C_out, the output's channels.
        kernel_size: k, an int (or a 1-tuple).
        stride: an int (or a 1-tuple).
        padding: an int, 'valid' or 'same'.
        dilation: the spacing of the kernel's elements.
        groups: independent channel groups (in_channels and out_channels divisible by it).
        bias: learn an additive bias per output channel.
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular' (the last three pad the
            input first).
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Conv1d")
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"Conv1d: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ValueError("Conv1d: in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("Conv1d: out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"Conv1d: padding_mode must be one of {_PADDING_MODES}, got "
                             f"{padding_mode!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ints("Conv1d", "kernel_size", kernel_size, 1)
        self.stride = _ints("Conv1d", "stride", stride, 1)
        self.dilation = _ints("Conv1d", "dilation", dilation, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Conv1d: invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and self.stride != (1,):
                raise ValueError("Conv1d: padding='same' is not supported for strided "
                                 "convolutions")
            self.padding: Any = padding
        else:
            self.padding = _ints("Conv1d", "padding", padding, 1)
        self.groups = groups
        self.padding_mode = padding_mode
        dtype = np.dtype(dtype or _dtypes.get_default_dtype())
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch."""
        fan_in = self.weight.shape[1] * self.kernel_size[0]
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def _mode_padding(self) -> tuple[int, int]:
        if self.padding == "valid":
            return 0, 0
        if self.padding == "same":
            total = self.dilation[0] * (self.kernel_size[0] - 1)
            return total // 2, total - total // 2
        return self.padding[0], self.padding[0]

    def forward(self, input: Tensor) -> Tensor:
        """Convolve `input`, (N, C_in, L) or (C_in, L), into (N, C_out, L_out)."""
        if self.padding_mode == "zeros":
            return conv1d(input, self.weight, self.bias, self.stride, self.padding,
                          self.dilation, self.groups)
        x = ops.tensor_arg(input, "Conv1d")
        left, right = self._mode_padding()
        length = x.shape[-1]
        limit = length - 1 if self.padding_mode == "reflect" else length
        if max(left, right) > limit or length == 0:
            raise ValueError(f"Conv1d: padding ({left}, {right}) is too large for "
                             f"padding_mode={self.padding_mode!r} and an input of length {length}")
        if left or right:
            x = x[..., _pad_indices(length, left, right, self.padding_mode)]
        return conv1d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        """PyTorch's summary: channels, kernel and stride, then the options not at default."""
        return conv_extra_repr(self, 1)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C_in, L) or (C_in, L) input, as PyTorch's: weight
    (C_in, C_out / groups, k), bias (C_out,); arguments as ConvTranspose2d's (ints or 1-tuples).
    `forward(input, output_size=None)`: an `output_size` picks the output_padding that reaches
    it.

    Args:
        in_channels: C_in, the input's channels.
        out_channels: C_out, the output's channels.
        kernel_size: the kernel's size, an int or a 1-tuple.
        stride: the stride, an int or a 1-tuple.
        padding: dilation * (kernel_size - 1) - padding zeros are added on each side (an int
            or a tuple).
        output_padding: extra size added to one side of the output (smaller than stride or
            dilation).
        groups: independent channel groups (in_channels and out_channels divisible by it).
        bias: learn an additive bias per output channel.
        dilation: the spacing of the kernel's elements.
        padding_mode: 'zeros' (the only mode).
        device: the parameters' device (only the CPU).
        dtype: the parameters' dtype (None: the default dtype).
    """

    _spatial = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        """The transposed convolution of `input`; `output_size` ([L] or [N, C, L]) replaces
        output_padding by the one that reaches it."""
        output_padding = self._output_padding(input, output_size)
        return conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)
