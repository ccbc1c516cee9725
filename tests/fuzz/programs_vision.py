"""Random-program ops for the vision functions of `nn.functional` (see `programs`): transposed
convolutions, interpolate, pixel (un)shuffle and adaptive max pooling; registered into the same
`OPS` on import (`from . import programs_vision` in programs.py)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_mini import Tensor
from autograd_mini.nn import functional as F

from .programs import MAX_SIZE, _pick, op
from .programs_nn import _distinct, _image_shapes


def _divisors(n: int, most: int = 3) -> list[int]:
    return [d for d in range(1, min(n, most) + 1) if n % d == 0]


def _transpose_out(size: int, k: int, s: int, p: int, op_: int, d: int) -> int:
    return (size - 1) * s - 2 * p + d * (k - 1) + op_ + 1


def _conv_transpose(x: Tensor, w: Tensor, *b: Tensor, image: tuple, kernel: tuple,
                    options: dict) -> Tensor:
    fn = F.conv_transpose2d if len(image) == 4 else F.conv_transpose1d
    return fn(x.reshape(image), w.reshape(kernel), b[0].reshape(-1) if b else None, **options)


@op("conv_transpose", ("F.conv_transpose1d", "F.conv_transpose2d"), _conv_transpose)
def _propose_conv_transpose(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1)
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    if draw(st.booleans()):  # 1-D: (N, C, L)
        image = (image[0], image[1], image[2] * image[3])
    n, c, spatial = image[0], image[1], image[2:]
    groups = draw(st.sampled_from([1, c]))
    stride = draw(st.sampled_from([1, 2]))
    dilation = draw(st.sampled_from([1, 1, 2]))
    options = {"stride": stride, "padding": draw(st.sampled_from([0, 0, 1])),
               "output_padding": draw(st.integers(0, max(stride, dilation) - 1)),
               "groups": groups, "dilation": dilation}
    j = _pick(draw, values, lambda v: v.size % c == 0)
    if j is None:
        return None
    per_channel = values[j].size // c  # (C_out / groups) * prod(kernel)
    out_per_group = draw(st.sampled_from(_divisors(per_channel, 2)))
    k = per_channel // out_per_group
    if len(spatial) == 1:
        kernel_sizes = [(k,)] if k <= 3 else []
    else:
        kernel_sizes = [(kh, k // kh) for kh in _divisors(k) if k // kh <= 3]
    if not kernel_sizes:
        return None
    ks = draw(st.sampled_from(kernel_sizes))
    out = [_transpose_out(size, kk, stride, options["padding"], options["output_padding"],
                          dilation) for size, kk in zip(spatial, ks)]
    out_channels = out_per_group * groups
    if min(out) <= 0 or n * out_channels * int(np.prod(out)) > MAX_SIZE:
        return None
    b = _pick(draw, values, lambda v: v.size == out_channels)
    args = (i, j) if b is None or draw(st.booleans()) else (i, j, b)
    return args, {"image": image, "kernel": (c, out_per_group) + ks, "options": options}


def _interpolate(x: Tensor, image: tuple, options: dict) -> Tensor:
    return F.interpolate(x.reshape(image), **options)


@op("interpolate", ("F.interpolate",), _interpolate)
def _propose_interpolate(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1)
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    mode = draw(st.sampled_from(["nearest", "nearest-exact", "bilinear", "linear"]))
    if mode == "linear" or (mode.startswith("nearest") and draw(st.booleans())):
        image = (image[0], image[1], image[2] * image[3])
    options: dict = {"mode": mode}
    if mode in ("linear", "bilinear"):
        options["align_corners"] = draw(st.booleans())
    spatial = len(image) - 2
    if draw(st.booleans()):
        options["size"] = tuple(draw(st.integers(1, 4)) for _ in range(spatial))
        out = options["size"]
    else:
        factor = draw(st.sampled_from([0.5, 1.5, 2.0]))
        options["scale_factor"] = factor
        out = tuple(int(size * factor) for size in image[2:])
    if min(out) <= 0 or image[0] * image[1] * int(np.prod(out)) > MAX_SIZE:
        return None
    return (i,), {"image": image, "options": options}


def _pixel_shuffle(x: Tensor, shape: tuple, factor: int, up: bool) -> Tensor:
    if up:
        return F.pixel_shuffle(x.reshape(shape), factor)
    return F.pixel_unshuffle(x.reshape(shape), factor)


@op("pixel_shuffle", ("F.pixel_shuffle", "F.pixel_unshuffle"), _pixel_shuffle)
def _propose_pixel_shuffle(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size % 4 == 0)
    if i is None:
        return None
    size, factor, up = values[i].size, 2, draw(st.booleans())
    shapes = [(n, c, h, w) for n, c, h in itertools.product((1, 2), (1, 2, 4), (1, 2, 4))
              if size % (n * c * h) == 0 for w in [size // (n * c * h)]]
    if up:
        shapes = [s for s in shapes if s[1] % 4 == 0]
    else:
        shapes = [s for s in shapes if s[2] % 2 == 0 and s[3] % 2 == 0]
    if not shapes:
        return None
    return (i,), {"shape": draw(st.sampled_from(shapes)), "factor": factor, "up": up}


def _adaptive_max_pool(x: Tensor, image: tuple, output_size: tuple) -> Tensor:
    if len(image) == 3:
        return F.adaptive_max_pool1d(x.reshape(image), output_size)
    return F.adaptive_max_pool2d(x.reshape(image), output_size)


@op("adaptive_max_pool", ("F.adaptive_max_pool1d", "F.adaptive_max_pool2d"), _adaptive_max_pool)
def _propose_adaptive_max_pool(draw: Any, values: list) -> Any:
    # distinct values everywhere keep every window free of ties
    i = _pick(draw, values, lambda v: v.size >= 2 and _distinct(v))
    if i is None:
        return None
    image = draw(st.sampled_from(_image_shapes(values[i].size)))
    if draw(st.booleans()):
        image = (image[0], image[1], image[2] * image[3])
    output_size = tuple(draw(st.integers(1, size + 1)) for size in image[2:])
    return (i,), {"image": image, "output_size": output_size}
