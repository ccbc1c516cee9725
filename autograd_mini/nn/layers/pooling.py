"""1-D max and average pooling, 2-D average pooling, adaptive average and max pooling, as
PyTorch's modules: options only, the work in `nn._sequence_functional` and `nn.functional`."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import _sequence_functional as SF
from .. import functional as F
from ..module import Module


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class MaxPool1d(Module):
    """Maximum over windows of (N, C, L) or (C, L) input (stride defaults to the kernel size);
    `return_indices=True` also returns each window's argmax along L.

    Args:
        kernel_size: the window length, an int.
        stride: an int (None: kernel_size).
        padding: implicit -inf padding on each side (at most half the kernel).
        dilation: the spacing of the window's elements.
        return_indices: forward also returns the int64 index of each window's maximum.
        ceil_mode: round the output size up instead of down.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        """Max-pool `input`, (N, C, L) or (C, L) (with the indices when `return_indices`)."""
        return SF.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                             self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool1d(Module):
    """Mean over windows of (N, C, L) or (C, L) input (zero padding counted in the divisor when
    count_include_pad, as PyTorch).

    Args:
        kernel_size: the window length, an int.
        stride: an int (None: kernel_size).
        padding: zero padding on each side (at most half the kernel).
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the zero padding in the divisor.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        """Average-pool `input`, (N, C, L) or (C, L), into (N, C, L_out)."""
        return SF.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Mean over windows of (N, C, H, W) or (C, H, W) input; `divisor_override` replaces the
    window size as the divisor.

    Args:
        kernel_size: the window, an int or a pair.
        stride: an int or a pair (None: kernel_size).
        padding: zero padding on each side, an int or a pair (at most half the kernel).
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the zero padding in the divisor.
        divisor_override: the divisor of every window, or None.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        """Average-pool `input`, (N, C, H, W) or (C, H, W), into (N, C, H_out, W_out)."""
        return SF.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """Average over `output_size` windows covering the last axis, PyTorch's windows.

    Args:
        output_size: the output length (an int).
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        """Average-pool `input`, (N, C, L) or (C, L), into (N, C, output_size)."""
        return SF.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(Module):
    """Average over an `output_size` grid of windows (an int or a pair; None keeps that axis's
    size), PyTorch's windows.

    Args:
        output_size: (H_out, W_out): an int, or a pair whose None entries keep the input's size.
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        """Average-pool `input`, (N, C, H, W) or (C, H, W), into (N, C, *output_size)."""
        return SF.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(Module):
    """Adaptive max pooling: the module calls `pool(input, output_size, return_indices)`."""

    pool: Any  # F.adaptive_max_pool1d or 2d, set by each subclass

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        """The pooled input (and the indices when `return_indices`)."""
        return type(self).pool(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        """PyTorch's summary: `output_size=...`."""
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Maximum over `output_size` windows covering the last axis of (N, C, L) or (C, L) input,
    PyTorch's windows; `return_indices=True` also returns each window's argmax along L.

    Args:
        output_size: the output length (an int).
        return_indices: forward also returns the int64 index of each window's maximum.
    """

    pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Maximum over an `output_size` grid of windows of (N, C, H, W) or (C, H, W) input (an int
    or a pair; None keeps that axis's size), PyTorch's windows; `return_indices=True` also returns
    the flat index h * W + w of each window's maximum.

    Args:
        output_size: (H_out, W_out): an int, or a pair whose None entries keep the input's size.
        return_indices: forward also returns the int64 index of each window's maximum.
    """

    pool = staticmethod(F.adaptive_max_pool2d)
