"""Conv2d, ConvTranspose2d and MaxPool2d, vectorised with im2col/col2im (strided views), no loop
over pixels."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import _dtypes
from ..._device import check_device
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .._sequence_functional import _ints
from ..module import Module
from ..parameter import Parameter


def conv_extra_repr(m: Module, spatial: int) -> str:
    """A convolution's summary, as PyTorch's _ConvNd.extra_repr: channels, kernel and stride, then
    each option that is not at its default (a string padding such as 'valid' is shown)."""
    text = (f"{m.in_channels}, {m.out_channels}, kernel_size={m.kernel_size}, "
            f"stride={m.stride}")
    if m.padding != (0,) * spatial:
        text += f", padding={m.padding}"
    if m.dilation != (1,) * spatial:
        text += f", dilation={m.dilation}"
    if getattr(m, "output_padding", (0,) * spatial) != (0,) * spatial:
        text += f", output_padding={m.output_padding}"
    if m.groups != 1:
        text += f", groups={m.groups}"
    if m.bias is None:
        text += ", bias=False"
    if getattr(m, "padding_mode", "zeros") != "zeros":
        text += f", padding_mode={m.padding_mode}"
    return text


class Conv2d(Module):
    """2-D convolution (cross-correlation) over (N, C_in, H, W) input.

    Weight (C_out, C_in / groups, kh, kw) and bias (C_out,) start from
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in / groups * kh * kw, as PyTorch.

    Args:
        in_channels: C_in, the input's channels.
        out_channels: C_out, the output's channels.
        kernel_size: an int or a pair.
        stride: an int or a pair.
        dilation: an int or a pair.
        padding: an int, a pair, 'valid' or 'same' (zeros).
        groups: independent channel groups (in_channels and out_channels divisible by it).
        bias: learn an additive bias per output channel.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must be divisible by groups ({groups})")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = F._pair("Conv2d", "kernel_size", kernel_size)
        self.stride = F._pair("Conv2d", "stride", stride)
        self.padding = padding if isinstance(padding, str) else F._pair("Conv2d", "padding",
                                                                        padding)
        self.dilation = F._pair("Conv2d", "dilation", dilation)
        self.groups = groups
        dtype = dtype or _dtypes.get_default_dtype()
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty((out_channels,), dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch."""
        fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        """Convolve `input`, (N, C_in, H, W) or (C_in, H, W), into (N, C_out, H_out, W_out)."""
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def extra_repr(self) -> str:
        """PyTorch's summary: channels, kernel and stride, then the options not at default."""
        return conv_extra_repr(self, 2)


class MaxPool2d(Module):
    """Maximum over kernel windows of (N, C, H, W) input (stride defaults to the kernel size).

    Args:
        kernel_size: the window, an int or a pair.
        stride: an int or a pair (None: kernel_size).
        padding: implicit -inf padding on each side, an int or a pair (at most half the kernel).
        dilation: the spacing of the window's elements, an int or a pair.
        return_indices: forward also returns the int64 index of each window's maximum.
        ceil_mode: round the output size up instead of down.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        """Max-pool `input`, (N, C, H, W) or (C, H, W) (with the indices when `return_indices`)."""
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


# ---- transposed convolution -----------------------------------------------------------------
def _transpose_output_padding(name: str, input: Tensor, output_size: Any, stride: tuple,
                              padding: tuple, kernel_size: tuple, dilation: tuple) -> tuple:
    """The output_padding that makes a transposed convolution produce `output_size` (the
    spatial sizes, optionally with the batch/channel sizes in front), as PyTorch's
    _ConvTransposeNd._output_padding; an unreachable size is a ValueError naming the range."""
    spatial = len(stride)
    leading = 2 if input.ndim == spatial + 2 else 1
    sizes = [int(s) for s in output_size]
    if len(sizes) == leading + spatial:
        sizes = sizes[leading:]
    if len(sizes) != spatial:
        raise ValueError(f"{name}: for {input.ndim}D input, output_size must have {spatial} or "
                         f"{leading + spatial} elements (got {len(sizes)})")
    low = [(input.shape[d - spatial] - 1) * stride[d] - 2 * padding[d]
           + dilation[d] * (kernel_size[d] - 1) + 1 for d in range(spatial)]
    high = [lo + s - 1 for lo, s in zip(low, stride)]
    if any(not lo <= size <= hi for size, lo, hi in zip(sizes, low, high)):
        raise ValueError(f"{name}: requested an output size of {sizes}, but valid sizes range "
                         f"from {low} to {high} (for an input of {list(input.shape[-spatial:])})")
    return tuple(size - lo for size, lo in zip(sizes, low))


class _ConvTransposeNd(Module):
    """What ConvTranspose1d and ConvTranspose2d share: PyTorch's arguments, attributes, weight
    layout (C_in, C_out / groups, *kernel) and initialisation U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    with fan_in = C_out / groups * prod(kernel) (PyTorch's kaiming_uniform_(a=sqrt(5)) on that
    weight), the bias from the same bound."""

    _spatial = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) must be divisible by groups "
                             f"({groups})")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels ({out_channels}) must be divisible by groups "
                             f"({groups})")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}, got '
                             f"{padding_mode!r}")
        n = self._spatial
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ints(name, "kernel_size", kernel_size, n)
        self.stride = _ints(name, "stride", stride, n)
        self.padding = _ints(name, "padding", padding, n)
        self.output_padding = _ints(name, "output_padding", output_padding, n)
        self.dilation = _ints(name, "dilation", dilation, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self.transposed = True
        dtype = np.dtype(dtype or _dtypes.get_default_dtype())
        shape = (in_channels, out_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch."""
        fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        if output_size is None:
            return self.output_padding
        return _transpose_output_padding(type(self).__name__, input, output_size, self.stride,
                                         self.padding, self.kernel_size, self.dilation)

    def extra_repr(self) -> str:
        """PyTorch's summary: channels, kernel and stride, then the options not at default."""
        return conv_extra_repr(self, self._spatial)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C_in, H, W) or (C_in, H, W) input, as PyTorch's:
    weight (C_in, C_out / groups, kh, kw), bias (C_out,).

    `forward(input, output_size=None)`: an `output_size` picks the output_padding that reaches
    it.

    Args:
        in_channels: C_in, the input's channels.
        out_channels: C_out, the output's channels.
        kernel_size: the kernel's size, an int or a pair.
        stride: the stride, an int or a pair.
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

    _spatial = 2

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        """The transposed convolution of `input`; `output_size` (spatial sizes, optionally
        with N and C in front) replaces output_padding by the one that reaches it."""
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)
