"""Sample-input rules for the vision ops of `nn.functional`: transposed convolutions, interpolate,
pixel (un)shuffle, adaptive max pooling and conv2d's groups/asymmetric padding.

They are composites of registered primitives (matrix products, `Fold`/`Unfold`, `Pad`, `Max`,
and the one pair they add, `AxisTake`/`AxisScatterAdd`, with rules of their own below); these
rules run each composite through the registry's gradcheck and gradgradcheck in float64
(`tests/test_registry_gradcheck.py`), on shapes and options drawn by hypothesis. Each rule
returns `(fn, args)`: args are float64 leaves that require grad.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import numpy as np

import autograd_mini.nn.functional as F
from autograd_mini import Tensor
from autograd_mini.nn import _primitives as P

_SEEDS = st.integers(0, 2**32 - 1)


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(_SEEDS))


def _leaf(array: np.ndarray) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def _transpose_options(draw: Any, n: int) -> dict:
    stride = tuple(draw(st.integers(1, 3)) for _ in range(n))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(n))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(n))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    return {"stride": stride, "padding": padding, "output_padding": output_padding,
            "dilation": dilation, "groups": draw(st.sampled_from([1, 1, 2]))}


def _transpose_args(draw: Any, n: int) -> tuple[dict, tuple]:
    """Options and (x, weight[, bias]) whose output has at least one position per axis."""
    rng = _rng(draw)
    opts = _transpose_options(draw, n)
    g = opts["groups"]
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(n))
    sizes = []
    for k, s, p, op, d in zip(kernel, opts["stride"], opts["padding"], opts["output_padding"],
                              opts["dilation"]):
        low = 1  # the smallest input size with a positive output
        while (low - 1) * s - 2 * p + d * (k - 1) + op + 1 <= 0:
            low += 1
        sizes.append(draw(st.integers(low, low + 2)))
    c_in, c_out = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2))
    x = _leaf(rng.standard_normal((draw(st.integers(1, 2)), c_in) + tuple(sizes)))
    w = _leaf(rng.standard_normal((c_in, c_out // g) + kernel))
    args: tuple = (x, w)
    if draw(st.booleans()):
        args += (_leaf(rng.standard_normal(c_out)),)
    return opts, args


def conv_transpose2d_rule(draw: Any) -> tuple[Callable, tuple]:
    opts, args = _transpose_args(draw, 2)
    return (lambda *t: F.conv_transpose2d(*t, **opts)), args


def conv_transpose1d_rule(draw: Any) -> tuple[Callable, tuple]:
    opts, args = _transpose_args(draw, 1)
    return (lambda *t: F.conv_transpose1d(*t, **opts)), args


def conv2d_groups_rule(draw: Any) -> tuple[Callable, tuple]:
    """conv2d with groups (depthwise included), a (ph, pw) padding or 'same' with even kernels."""
    rng = _rng(draw)
    g = draw(st.integers(1, 3))
    c_in, c_out = g, g * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding: Any = draw(st.sampled_from(["same", "valid", (1, 0), (0, 2)]))
    stride = (1, 1) if padding == "same" else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h, w = (d * (k - 1) + 1 + draw(st.integers(0, 2)) for k, d in zip(kernel, dilation))
    x = _leaf(rng.standard_normal((1, c_in, h, w)))
    weight = _leaf(rng.standard_normal((c_out, 1) + kernel))
    return (lambda a, b: F.conv2d(a, b, None, stride, padding, dilation, g)), (x, weight)


def interpolate_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    mode = draw(st.sampled_from(["nearest", "nearest-exact", "linear", "bilinear"]))
    spatial = 1 if mode == "linear" else draw(st.integers(1, 2)) if mode.startswith("nearest") \
        else 2
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(
        draw(st.integers(1, 4)) for _ in range(spatial))
    x = _leaf(rng.standard_normal(shape))
    kw: dict = {"mode": mode}
    if mode in ("linear", "bilinear"):
        kw["align_corners"] = draw(st.booleans())
    if draw(st.booleans()):
        kw["size"] = tuple(draw(st.integers(1, 6)) for _ in range(spatial))
    else:
        kw["scale_factor"] = draw(st.sampled_from([0.5, 1.5, 2.0, 2.5]))
        if any(int(n * kw["scale_factor"]) == 0 for n in shape[2:]):  # an empty output
            kw["scale_factor"] = 2.0
    return (lambda t: F.interpolate(t, **kw)), (x,)


def pixel_shuffle_rule(draw: Any) -> tuple[Callable, tuple]:
    rng = _rng(draw)
    r = draw(st.integers(1, 3))
    lead = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2))))
    c, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    if draw(st.booleans()):
        x = _leaf(rng.standard_normal(lead + (c * r * r, h, w)))
        return (lambda t: F.pixel_shuffle(t, r)), (x,)
    x = _leaf(rng.standard_normal(lead + (c, h * r, w * r)))
    return (lambda t: F.pixel_unshuffle(t, r)), (x,)


def adaptive_max_pool_rule(draw: Any) -> tuple[Callable, tuple]:
    """Distinct values (a tie is a kink of max): a permutation, spaced well beyond eps."""
    rng = _rng(draw)
    spatial = draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(
        draw(st.integers(1, 5)) for _ in range(spatial))
    x = _leaf(rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1)
    out = tuple(draw(st.integers(1, 4)) for _ in range(spatial))
    if spatial == 1:
        return (lambda t: F.adaptive_max_pool1d(t, out)), (x,)
    return (lambda t: F.adaptive_max_pool2d(t, out)), (x,)


RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {
    "nn.functional.conv_transpose2d": conv_transpose2d_rule,
    "nn.functional.conv_transpose1d": conv_transpose1d_rule,
    "nn.functional.conv2d[groups, padding]": conv2d_groups_rule,
    "nn.functional.interpolate": interpolate_rule,
    "nn.functional.pixel_shuffle": pixel_shuffle_rule,
    "nn.functional.adaptive_max_pool": adaptive_max_pool_rule,
}


def _take_args(draw: Any) -> tuple[np.random.Generator, tuple, int, np.ndarray, int]:
    """A shape, an axis, an index (sorted or not, with repeats, maybe missing positions)."""
    rng = _rng(draw)
    shape = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 3))))
    axis = draw(st.integers(0, len(shape) - 1))
    size = shape[axis]
    index = rng.integers(0, size, draw(st.integers(0, 5)))
    if draw(st.booleans()):
        index = np.sort(index)
    return rng, shape, axis, index, size


def axis_take_rule(draw: Any) -> tuple[Callable, tuple]:
    rng, shape, axis, index, _ = _take_args(draw)
    return (lambda t: P.AxisTake.apply(t, index=index, axis=axis)), (
        _leaf(rng.standard_normal(shape)),)


def axis_scatter_add_rule(draw: Any) -> tuple[Callable, tuple]:
    rng, shape, axis, index, size = _take_args(draw)
    g_shape = shape[:axis] + (index.size,) + shape[axis + 1:]
    return (lambda t: P.AxisScatterAdd.apply(t, index=index, axis=axis, size=size)), (
        _leaf(rng.standard_normal(g_shape)),)


RULES["AxisTake"] = axis_take_rule
RULES["AxisScatterAdd"] = axis_scatter_add_rule
