"""Upsample (and its fixed-mode forms) and PixelShuffle/PixelUnshuffle, as PyTorch's modules:
options only, the work in `nn.functional.interpolate` and `pixel_shuffle`/`pixel_unshuffle`."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from ..module import Module


class Upsample(Module):
    """Resample (N, C, *spatial) input to `size` or by `scale_factor` with `mode` ('nearest',
    'nearest-exact', 'linear', 'bilinear', 'trilinear', 'area'), as PyTorch's Upsample; see
    `nn.functional.interpolate`.

    Args:
        size: the output's spatial size (an int or a tuple), or None.
        scale_factor: a multiplier (a number or a tuple) of the spatial size, or None.
        mode: 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear' or 'area'.
        align_corners: for the linear modes: line up the corner pixels' centres (None: False).
        recompute_scale_factor: compute the source positions from the output size.
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor: Any = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor is not None else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        """`F.interpolate` of `input` with this module's options."""
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        """PyTorch's summary: the scale factor (or else the size) and the mode."""
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest' (PyTorch's fixed-mode form).

    Args:
        size: the output's spatial size (an int or a tuple), or None.
        scale_factor: a multiplier (a number or a tuple) of the spatial size, or None.
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True (PyTorch's fixed-mode form).

    Args:
        size: the output's spatial size (an int or a tuple), or None.
        scale_factor: a multiplier (a number or a tuple) of the spatial size, or None.
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r) with r = upscale_factor (sub-pixel convolution).

    Args:
        upscale_factor: r.
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        """`F.pixel_shuffle` of `input`."""
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        """PyTorch's summary: `upscale_factor=...`."""
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W) with r = downscale_factor (PixelShuffle's inverse).

    Args:
        downscale_factor: r.
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        """`F.pixel_unshuffle` of `input`."""
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        """PyTorch's summary: `downscale_factor=...`."""
        return f"downscale_factor={self.downscale_factor}"
