"""The functional forms of every layer and loss (`import autograd_mini.nn.functional as F`).

The maths of `nn` lives here, once: the Modules in `nn.layers` and `nn.losses` hold parameters and
options and call these functions. Arguments are checked up front, before anything is computed,
and errors name the shapes and dtypes involved. Fused primitives (`nn._primitives`) do the work
where stability or speed asks for it: `linear`, `cross_entropy`,
`binary_cross_entropy_with_logits`, and the im2col pair behind `conv2d`/`max_pool2d`;
`Expm1` gives the ELU family exp(x) - 1 accurate near 0.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import creation, ops
from .. import primitives as _core
from .._dtypes import ShapeError
from ..tensor import Tensor
from . import _primitives as P
from . import _transformer_primitives as _TP
from ._sequence_functional import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    conv1d,
    max_pool1d,
    multi_head_attention_forward,
    scaled_dot_product_attention,
)

__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "softplus", "softmax", "log_softmax",
    "linear", "dropout", "conv2d", "max_pool2d", "unfold", "fold", "one_hot", "embedding",
    "layer_norm", "batch_norm", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    # activations, normalize and distances, and more losses (PyTorch's)
    "elu", "selu", "celu", "relu6", "hardtanh", "hardsigmoid", "hardswish", "mish", "softsign",
    "logsigmoid", "softmin", "glu", "prelu", "tanhshrink", "threshold", "normalize",
    "cosine_similarity", "pairwise_distance", "huber_loss", "smooth_l1_loss", "kl_div",
    "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
    "triplet_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
]

_REDUCTIONS = ("none", "mean", "sum")


# ---- argument helpers -----------------------------------------------------------------------
def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _describe(t: Any) -> str:
    return f"shape {tuple(np.shape(t.data if isinstance(t, Tensor) else t))} and dtype " \
           f"{(t.data if isinstance(t, Tensor) else np.asarray(t)).dtype}"


def _check_float(name: str, what: str, t: Tensor) -> None:
    if t.data.dtype.kind != "f":
        raise TypeError(f"{name}: {what} must be a floating-point tensor, got {_describe(t)}")


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _constant_array(name: str, what: str, value: Any, dtype: np.dtype) -> np.ndarray | None:
    """A loss weight as a constant array; a weight that requires grad is refused, not ignored."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise ValueError(f"{name}: {what} is a constant of the loss and gets no gradient; pass "
                             f"{what}.detach()")
        value = value.data
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: {what} must be numeric, got dtype {array.dtype}")
    return array.astype(dtype, copy=False)


def _pair(name: str, what: str, value: Any) -> tuple[int, int]:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = (int(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: {what} must be an int or a pair of ints, got {value!r}") from None
    if (a, b) != tuple(value):
        raise TypeError(f"{name}: {what} must be an int or a pair of ints, got {value!r}")
    return a, b


# ---- activations ----------------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), with relu'(0) = 0; with `inplace=True` written into input's array (relu_).

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape.

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.relu(am.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    input = ops.tensor_arg(input, "relu")
    return ops.relu_(input) if inplace else ops.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x (the slope at 0 is negative_slope, as PyTorch);
    with `inplace=True` written into input's array.

    Args:
        input: a tensor of any shape.
        negative_slope: the slope for x < 0.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "leaky_relu")
    if inplace:
        return ops.elementwise_in_place(
            input, "leaky_relu_", lambda old: leaky_relu(old, negative_slope),
            lambda a: np.copyto(a, np.where(a > 0, a, a * negative_slope)))
    return _core.LeakyRelu.apply(input, negative_slope=negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), stable for +-1000.

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "sigmoid")
    return ops.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent of each element (see `am.tanh`).

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape.
    """
    input = ops.tensor_arg(input, "tanh")
    return ops.tanh(input)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) with Phi the standard normal CDF: 0.5 x (1 + erf(x / sqrt(2))); with
    approximate='tanh', 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3))).

    Args:
        input: a tensor of any shape.
        approximate: 'none' (the exact erf form) or 'tanh'.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "gelu")
    if approximate == "none":
        return _TP.Gelu.apply(input)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * (ops.tanh(inner) + 1.0) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input: Tensor) -> Tensor:
    """x * sigmoid(x).

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "silu")
    return input * ops.sigmoid(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta * x > threshold (as PyTorch).

    Args:
        input: a tensor of any shape.
        beta: the sharpness (positive).
        threshold: above beta * x > threshold the result is x.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "softplus")
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    smooth = P.Softplus.apply(input if beta == 1 else input * beta)
    if beta != 1:
        smooth = smooth * (1.0 / beta)
    return ops.where(input.data * beta > threshold, input, smooth)


def _legacy_softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(f"{name}: implicit dimension choice is deprecated (as in PyTorch); pass dim=",
                  UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """exp(x - max) / sum along `dim` (PyTorch's legacy choice of dim, with a warning, if None).

    Args:
        input: a tensor of any shape.
        dim: the dimension whose slices sum to one.
        dtype: the dtype to compute in (the input is cast first).

    Returns:
        A tensor of input's shape, positive, summing to one along `dim`.

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.softmax(am.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([0.0900, 0.2447, 0.6652])
    """
    input = ops.tensor_arg(input, "softmax")
    if dtype is not None:
        input = ops.cast(input, dtype)
    if dim is None:
        dim = _legacy_softmax_dim("softmax", input.ndim)
    return ops.softmax(input, dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along `dim`, never log(softmax(x)).

    Args:
        input: a tensor of any shape.
        dim: the dimension to normalise over.
        dtype: the dtype to compute in (the input is cast first).

    Returns:
        A tensor of input's shape.
    """
    input = ops.tensor_arg(input, "log_softmax")
    if dtype is not None:
        input = ops.cast(input, dtype)
    if dim is None:
        dim = _legacy_softmax_dim("log_softmax", input.ndim)
    return ops.log_softmax(input, dim)


# ---- linear and dropout ---------------------------------------------------------------------
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, one fused primitive; input may have any number of leading axes.

    Args:
        input: (..., in_features).
        weight: (out_features, in_features).
        bias: (out_features,) or None.

    Raises:
        ValueError: the shapes do not fit. TypeError: dtypes differ (as PyTorch; convert the input
            with `.float()`/`.double()` or the model with `model.to(dtype)`).
    """
    input = ops.tensor_arg(input, "linear")
    weight = ops.tensor_arg(weight, "linear")
    x_shape, w_shape = input.data.shape, weight.data.shape
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ShapeError(f"linear: input of shape {x_shape} does not fit weight of shape "
                         f"{w_shape} (expected weight (out_features, in_features) with "
                         f"in_features = the input's last dimension)")
    if input.data.dtype != weight.data.dtype:
        raise TypeError(f"linear: input dtype {input.data.dtype} differs from weight dtype "
                        f"{weight.data.dtype}; convert one of them (x.to(...) or model.to(...))")
    if bias is None:
        return P.Linear.apply(input, weight)
    if bias.data.shape != w_shape[:1] or bias.data.dtype != weight.data.dtype:
        raise ShapeError(f"linear: bias of {_describe(bias)} does not fit weight of "
                         f"{_describe(weight)}: expected shape ({w_shape[0]},)")
    return P.Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout), so
    the expected value is unchanged; the identity when not training. The mask comes from the
    generator seeded by `am.manual_seed`. With `inplace=True` written into input's array.

    Args:
        input: a tensor of any shape.
        p: the probability of zeroing an element.
        training: apply dropout (False: return the input).
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape.
    """
    input = ops.tensor_arg(input, "dropout")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or \
            not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p must be a number in [0, 1], got {p!r}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    dtype = input.data.dtype if input.data.dtype.kind == "f" else np.dtype(np.float64)
    # the generator draws float32 or float64 only
    draw = dtype if dtype in (np.float32, np.float64) else np.float64
    keep = creation.generator().random(input.data.shape, dtype=draw) >= p
    mask = Tensor._make(keep * dtype.type(1.0 / (1.0 - p)))
    mask.name = "dropout mask"  # how am.viz labels this constant
    if inplace:
        return ops.elementwise_in_place(input, "dropout_", lambda old: old * mask,
                                        lambda a: np.multiply(a, mask.data, out=a))
    return input * mask


# ---- convolution and pooling ----------------------------------------------------------------
def _batched_image(name: str, input: Tensor) -> tuple[Tensor, bool]:
    if input.ndim == 3:
        return ops.unsqueeze(input, 0), True
    if input.ndim != 4:
        raise ShapeError(f"{name}: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"{input.shape}")
    return input, False


def _same_padding(kernel: tuple, dilation: tuple) -> tuple[int, int, int, int]:
    """'same' padding; when the total is odd the extra row/column goes after, as PyTorch."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return total[0] // 2, total[0] - total[0] // 2, total[1] // 2, total[1] - total[1] // 2


def _conv_padding(name: str, padding: Any, kernel: tuple, stride: tuple,
                  dilation: tuple) -> tuple[int, int, int, int]:
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{name}: padding='same' needs stride 1, got stride {stride}")
            return _same_padding(kernel, dilation)
        raise ValueError(f"{name}: padding must be an int, a pair, 'valid' or 'same', got "
                         f"{padding!r}")
    ph, pw = _pair(name, "padding", padding)
    if ph < 0 or pw < 0:
        raise ValueError(f"{name}: padding must be non-negative, got {padding!r}")
    return (ph, ph, pw, pw)


def _output_hw(name: str, hw: tuple, kernel: tuple, stride: tuple, padding: tuple,
               dilation: tuple) -> tuple[int, int]:
    oh = P.conv_output_size(hw[0], kernel[0], stride[0], padding[0], padding[1], dilation[0])
    ow = P.conv_output_size(hw[1], kernel[1], stride[1], padding[2], padding[3], dilation[1])
    if oh <= 0 or ow <= 0:
        raise ShapeError(f"{name}: the input's spatial size {hw} (padding {padding}) is smaller "
                         f"than the kernel {kernel} with dilation {dilation}")
    return oh, ow


def _window_args(name: str, kernel_size: Any, stride: Any, dilation: Any) -> tuple:
    kernel = _pair(name, "kernel_size", kernel_size)
    stride_ = _pair(name, "stride", stride)
    dilation_ = _pair(name, "dilation", dilation)
    for what, pair in (("kernel_size", kernel), ("stride", stride_), ("dilation", dilation_)):
        if min(pair) <= 0:
            raise ValueError(f"{name}: {what} must be positive, got {pair}")
    return kernel, stride_, dilation_


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation, as PyTorch's conv2d, computed as im2col + one matrix product.

    Args:
        input: (N, C_in, H, W) or unbatched (C_in, H, W).
        weight: (C_out, C_in / groups, kh, kw).
        bias: (C_out,) or None.
        stride: an int or a pair.
        padding: an int, a pair, 'valid' or 'same'.
        dilation: an int or a pair.
        groups: split the channels into this many independent convolutions.

    Returns:
        (N, C_out, H_out, W_out), H_out = (H + 2 pad - dilation (kh - 1) - 1) // stride + 1.
    """
    input = ops.tensor_arg(input, "conv2d")
    weight = ops.tensor_arg(weight, "conv2d")
    x, unbatched = _batched_image("conv2d", input)
    if weight.ndim != 4:
        raise ShapeError(f"conv2d: weight must have shape (C_out, C_in / groups, kh, kw), got "
                         f"{weight.shape}")
    out_channels, per_group, kh, kw = weight.shape
    if groups <= 0 or x.shape[1] != per_group * groups or out_channels % groups:
        raise ShapeError(f"conv2d: input of shape {tuple(input.shape)} does not fit weight of shape "
                         f"{weight.shape} with groups={groups} (expected {per_group * groups} "
                         f"input channels and C_out divisible by groups)")
    if x.dtype != weight.dtype:
        raise TypeError(f"conv2d: input dtype {x.dtype} differs from weight dtype {weight.dtype}")
    if bias is not None and bias.shape != (out_channels,):
        raise ShapeError(f"conv2d: bias of shape {bias.shape} does not fit {out_channels} output "
                         "channels")
    kernel, stride_, dilation_ = _window_args("conv2d", (kh, kw), stride, dilation)
    pads = _conv_padding("conv2d", padding, kernel, stride_, dilation_)
    n = x.shape[0]
    oh, ow = _output_hw("conv2d", x.shape[2:], kernel, stride_, pads, dilation_)
    cols = P.Unfold.apply(x, kernel=kernel, stride=stride_, padding=pads, dilation=dilation_)
    if groups == 1:
        rows = ops.reshape(cols, (n * oh * ow, per_group * kh * kw))
        out = linear(rows, ops.reshape(weight, (out_channels, -1)), bias)
    else:  # one batched product per group: (G, N*L, K) @ (G, K, C_out/G)
        rows = ops.reshape(cols, (n * oh * ow, groups, per_group * kh * kw)).permute(1, 0, 2)
        w = ops.reshape(weight, (groups, out_channels // groups, -1)).permute(0, 2, 1)
        out = ops.reshape((rows @ w).permute(1, 0, 2), (n * oh * ow, out_channels))
        if bias is not None:
            out = out + bias
    out = ops.reshape(out, (n, oh, ow, out_channels)).permute(0, 3, 1, 2)
    return out[0] if unbatched else out


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Maximum over each kernel window, built on im2col with -inf padding.

    Tied maxima in a window share the gradient evenly (the project's convention for max);
    `return_indices=True` also returns the flat index (h * W + w) of each window's first maximum.

    Args:
        input: a tensor (N, C, H, W) or (C, H, W).
        kernel_size: the window, an int or a pair.
        stride: an int or a pair (None: kernel_size).
        padding: implicit -inf padding on each side, an int or a pair (at most half the kernel).
        dilation: the spacing of the window's elements, an int or a pair.
        ceil_mode: round the output size up instead of down.
        return_indices: also return the int64 flat index of each window's first maximum.

    Returns:
        A tensor (N, C, H_out, W_out) or (C, H_out, W_out); with return_indices, a tuple (output,
            indices).
    """
    input = ops.tensor_arg(input, "max_pool2d")
    x, unbatched = _batched_image("max_pool2d", input)
    kernel, stride_, dilation_ = _window_args(
        "max_pool2d", kernel_size, kernel_size if stride is None else stride, dilation)
    ph, pw = _pair("max_pool2d", "padding", padding)
    if not (0 <= ph <= kernel[0] // 2 and 0 <= pw <= kernel[1] // 2):
        raise ShapeError(f"max_pool2d: padding {(ph, pw)} must be at most half the kernel size "
                         f"{kernel}")
    h, w = x.shape[2:]
    out_hw = []
    extra = []
    for size, k, s, p, d in zip((h, w), kernel, stride_, (ph, pw), dilation_):
        span = size + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside
            out -= 1
        if out <= 0:
            raise ShapeError(f"max_pool2d: input of spatial size {(h, w)} is smaller than the "
                             f"kernel {kernel} (padding {(ph, pw)}, dilation {dilation_})")
        out_hw.append(out)
        extra.append(max(0, (out - 1) * s + d * (k - 1) + 1 - (size + 2 * p)))
    pads = (ph, ph + extra[0], pw, pw + extra[1])
    cols = P.Unfold.apply(x, kernel=kernel, stride=stride_, padding=pads, dilation=dilation_,
                          pad_value=-np.inf)
    n, oh, ow, c = cols.shape[:4]
    flat = ops.reshape(cols, (n, oh, ow, c, kernel[0] * kernel[1]))
    out = ops.max(flat, axis=-1).permute(0, 3, 1, 2)
    if unbatched:
        out = out[0]
    if not return_indices:
        return out
    first = np.argmax(flat.data, axis=-1).transpose(0, 3, 1, 2)  # (N, C, oh, ow)
    rows = np.arange(oh)[:, None] * stride_[0] - ph + (first // kernel[1]) * dilation_[0]
    columns = np.arange(ow) * stride_[1] - pw + (first % kernel[1]) * dilation_[1]
    indices = Tensor._make((rows * w + columns).astype(np.int64))
    return out, (indices[0] if unbatched else indices)


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """Sliding local blocks as columns, PyTorch's layout: (N, C * kh * kw, L), L = oh * ow.

    Args:
        input: a tensor (N, C, H, W) or (C, H, W).
        kernel_size: an int or a pair.
        dilation: an int or a pair.
        padding: zero padding, an int or a pair.
        stride: an int or a pair.

    Returns:
        A tensor (N, C * kh * kw, L) (or without N).

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.unfold(am.ones(1, 3, 4, 4), 2).shape  # C * 2 * 2 rows, 3 * 3 blocks
        (1, 12, 9)
    """
    input = ops.tensor_arg(input, "unfold")
    if input.ndim != 4:
        raise ValueError(f"unfold: expected input of shape (N, C, H, W), got {input.shape}")
    kernel, stride_, dilation_ = _window_args("unfold", kernel_size, stride, dilation)
    ph, pw = _pair("unfold", "padding", padding)
    pads = (ph, ph, pw, pw)
    _output_hw("unfold", input.shape[2:], kernel, stride_, pads, dilation_)
    cols = P.Unfold.apply(input, kernel=kernel, stride=stride_, padding=pads, dilation=dilation_)
    n, oh, ow, c = cols.shape[:4]
    return ops.reshape(cols, (n, oh * ow, c * kernel[0] * kernel[1])).permute(0, 2, 1)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """The adjoint of `unfold`: columns (N, C * kh * kw, L) summed into (N, C, H, W).

    Args:
        input: columns (N, C * kh * kw, L) or (C * kh * kw, L).
        output_size: the spatial size (H, W), an int or a pair.
        kernel_size: an int or a pair.
        dilation: an int or a pair.
        padding: an int or a pair.
        stride: an int or a pair.

    Returns:
        A tensor (N, C, H, W) (or (C, H, W)).
    """
    input = ops.tensor_arg(input, "fold")
    kernel, stride_, dilation_ = _window_args("fold", kernel_size, stride, dilation)
    size = _pair("fold", "output_size", output_size)
    ph, pw = _pair("fold", "padding", padding)
    pads = (ph, ph, pw, pw)
    oh, ow = _output_hw("fold", size, kernel, stride_, pads, dilation_)
    k = kernel[0] * kernel[1]
    if input.ndim != 3 or input.shape[1] % k or input.shape[2] != oh * ow:
        raise ValueError(f"fold: input of shape {input.shape} does not fit kernel {kernel} and "
                         f"output size {size}: expected (N, C * {k}, {oh * ow})")
    n, ck = input.shape[:2]
    cols = ops.reshape(input.permute(0, 2, 1), (n, oh, ow, ck // k, kernel[0], kernel[1]))
    return P.Fold.apply(cols, size=size, kernel=kernel, stride=stride_, padding=pads,
                        dilation=dilation_)


# ---- transposed convolution, resampling and adaptive max pooling ----------------------------
# Composites of registered primitives, so every gradient is differentiable again: a transposed
# convolution is a matrix product followed by `Fold` (col2im), whose VJP is `Unfold` (im2col),
# so the transposed convolution's input gradient is a convolution (and conv2d's is a transposed
# convolution). Resampling gathers slices along one spatial axis at a time (`AxisTake`, whose
# VJP `AxisScatterAdd` sums them back). Adaptive max pooling gathers each window the same way and
# takes `max` (ties share the gradient evenly, the project's convention for max, as `max_pool2d`).
__all__ += [
    "conv_transpose1d", "conv_transpose2d", "interpolate", "pixel_shuffle", "pixel_unshuffle",
    "adaptive_max_pool1d", "adaptive_max_pool2d",
]


def _int_arg(name: str, what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: {what} must be an int, got {value!r}")
    return int(value)


def _conv_transpose(name: str, x: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple,
                    padding: tuple, output_padding: tuple, groups: int,
                    dilation: tuple) -> Tensor:
    """The transposed convolution of a batched (N, C_in, H, W) x with a checked weight
    (C_in, C_out / groups, kh, kw): every input pixel scatters weight * value into its window.

    Computed as (N H W, C_in) @ (C_in, C_out kh kw) -> columns (N, H, W, C_out, kh, kw), summed
    into the image by `Fold`; the rows that only output_padding adds (past the last window) stay
    zero, as PyTorch."""
    n, in_channels, h, w = x.shape
    _, per_group, kh, kw = weight.shape
    out_channels = per_group * groups
    full = [(size - 1) * s + d * (k - 1) + 1
            for size, s, d, k in zip((h, w), stride, dilation, (kh, kw))]
    out = [f - 2 * p + op for f, p, op in zip(full, padding, output_padding)]
    if min(out) <= 0:
        raise ShapeError(f"{name}: input of spatial size {(h, w)} gives a non-positive output "
                         f"size {tuple(out)} (stride {stride}, padding {padding}, "
                         f"output_padding {output_padding}, dilation {dilation})")
    rows = ops.reshape(x.permute(0, 2, 3, 1), (n * h * w, in_channels))
    if groups == 1:
        cols = rows @ ops.reshape(weight, (in_channels, out_channels * kh * kw))
    else:  # one batched product per group: (G, N*H*W, C_in/G) @ (G, C_in/G, C_out/G*kh*kw)
        rows = ops.reshape(rows, (n * h * w, groups, in_channels // groups)).permute(1, 0, 2)
        w3 = ops.reshape(weight, (groups, in_channels // groups, per_group * kh * kw))
        cols = ops.reshape((rows @ w3).permute(1, 0, 2), (n * h * w, out_channels * kh * kw))
    cols = ops.reshape(cols, (n, h, w, out_channels, kh, kw))
    # output_padding beyond padding adds rows no window reaches: Fold what windows cover, then
    # append those zero rows (padded, so their gradient is dropped)
    extra = [max(0, op - p) for p, op in zip(padding, output_padding)]
    pads = (padding[0], max(0, padding[0] - output_padding[0]),
            padding[1], max(0, padding[1] - output_padding[1]))
    y = P.Fold.apply(cols, size=(out[0] - extra[0], out[1] - extra[1]), kernel=(kh, kw),
                     stride=stride, padding=pads, dilation=dilation)
    if extra[0] or extra[1]:
        y = _core.Pad.apply(y, pad_width=((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
    if bias is not None:
        y = y + ops.reshape(bias, (1, out_channels, 1, 1))
    return y


def _check_conv_transpose(name: str, x: Tensor, weight: Tensor, bias: Any, groups: Any,
                          spatial: int) -> Tensor | None:
    """Checks shared by conv_transpose1d/2d (x already batched); returns the bias as a Tensor."""
    _check_float(name, "input", x)
    _check_float(name, "weight", weight)
    if weight.ndim != spatial + 2:
        raise ShapeError(f"{name}: weight must have shape (C_in, C_out / groups"
                         f"{', k' if spatial == 1 else ', kh, kw'}), got {weight.shape}")
    groups = _int_arg(name, "groups", groups)
    if groups <= 0:
        raise ValueError(f"{name}: groups must be a positive integer, got {groups}")
    in_channels, per_group = weight.shape[:2]
    if x.shape[1] != in_channels or in_channels % groups:
        raise ShapeError(f"{name}: input of shape {x.shape} does not fit weight of shape "
                         f"{weight.shape} with groups={groups} (expected {in_channels} input "
                         f"channels, divisible by groups)")
    if x.dtype != weight.dtype:
        raise TypeError(f"{name}: input dtype {x.dtype} differs from weight dtype {weight.dtype}")
    if bias is None:
        return None
    bias = ops.tensor_arg(bias, name)
    if bias.shape != (per_group * groups,) or bias.dtype != weight.dtype:
        raise ShapeError(f"{name}: bias of {_describe(bias)} does not fit "
                         f"{per_group * groups} output channels of dtype {weight.dtype}")
    return bias


def _transpose_args(name: str, n: int, stride: Any, padding: Any, output_padding: Any,
                    dilation: Any) -> tuple:
    """(stride, padding, output_padding, dilation), each n ints, checked as PyTorch does."""
    from ._sequence_functional import _ints
    stride_ = _ints(name, "stride", stride, n)
    padding_ = _ints(name, "padding", padding, n)
    output_padding_ = _ints(name, "output_padding", output_padding, n)
    dilation_ = _ints(name, "dilation", dilation, n)
    if min(stride_) <= 0 or min(dilation_) <= 0:
        raise ValueError(f"{name}: stride {stride_} and dilation {dilation_} must be positive")
    if min(padding_) < 0 or min(output_padding_) < 0:
        raise ValueError(f"{name}: padding {padding_} and output_padding {output_padding_} must "
                         "be non-negative")
    for op, s, d in zip(output_padding_, stride_, dilation_):
        if op >= max(s, d):
            raise ShapeError(f"{name}: output padding must be smaller than either stride or "
                             f"dilation, got output_padding {output_padding_}, stride "
                             f"{stride_}, dilation {dilation_}")
    return stride_, padding_, output_padding_, dilation_


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """2-D transposed convolution ("deconvolution"), as PyTorch's conv_transpose2d: the adjoint
    of conv2d in its input, plus a bias.

    Args:
        input: (N, C_in, H, W) or unbatched (C_in, H, W).
        weight: (C_in, C_out / groups, kh, kw) (PyTorch's layout: input channels first).
        bias: (C_out,) or None.
        stride: an int or a pair.
        padding: an int or a pair: crops that many rows/columns from each side of the full
            result.
        output_padding: an int or a pair, smaller than stride or dilation: adds rows/columns at
            the bottom/right, as PyTorch.
        dilation: an int or a pair.
        groups: split the channels into this many independent transposed convolutions.

    Returns:
        (N, C_out, H_out, W_out), H_out = (H - 1) stride - 2 padding + dilation (kh - 1)
        + output_padding + 1.
    """
    name = "conv_transpose2d"
    input = ops.tensor_arg(input, name)
    weight = ops.tensor_arg(weight, name)
    x, unbatched = _batched_image(name, input)
    bias = _check_conv_transpose(name, x, weight, bias, groups, 2)
    args = _transpose_args(name, 2, stride, padding, output_padding, dilation)
    out = _conv_transpose(name, x, weight, bias, *args[:3], int(groups), args[3])
    return out[0] if unbatched else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """1-D transposed convolution, as PyTorch's conv_transpose1d (a height-1 conv_transpose2d).

    Args:
        input: (N, C_in, L) or unbatched (C_in, L).
        weight: (C_in, C_out / groups, k).
        bias: (C_out,) or None.
        stride: an int (or a 1-tuple).
        padding: an int (or a 1-tuple).
        output_padding: an int (or a 1-tuple).
        dilation: an int (or a 1-tuple).
        groups: split the channels into this many independent transposed convolutions.

    Returns:
        (N, C_out, L_out), L_out = (L - 1) stride - 2 padding + dilation (k - 1)
        + output_padding + 1.
    """
    name = "conv_transpose1d"
    input = ops.tensor_arg(input, name)
    weight = ops.tensor_arg(weight, name)
    if input.ndim not in (2, 3):
        raise ShapeError(f"{name}: expected input of shape (N, C, L) or (C, L), got "
                         f"{input.shape}")
    x = input if input.ndim == 3 else ops.unsqueeze(input, 0)
    bias = _check_conv_transpose(name, x, weight, bias, groups, 1)
    (s,), (p,), (op,), (d,) = _transpose_args(name, 1, stride, padding, output_padding, dilation)
    out = _conv_transpose(name, ops.unsqueeze(x, 2), ops.unsqueeze(weight, 2), bias, (1, s),
                          (0, p), (0, op), int(groups), (1, d))
    out = ops.squeeze(out, 2)
    return out if input.ndim == 3 else out[0]


# -- interpolate --
_INTERPOLATE_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area")
_LINEAR_MODES = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _nearest_source(size: int, out: int, scale: float | None, exact: bool) -> np.ndarray:
    """The input index each output position copies, PyTorch's float32 arithmetic: floor(dst *
    in/out) ('nearest'; exact for out = in and out = 2 in) or floor((dst + 0.5) * in/out)
    ('nearest-exact'), with in/out replaced by 1/scale_factor when one was given."""
    dst = np.arange(out)
    if not exact and out == size:
        return dst
    if not exact and out == 2 * size:
        return dst >> 1
    ratio = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
        np.float32(size) / np.float32(out)
    if exact:
        src = np.floor(((dst + 0.5) * np.float64(ratio)).astype(np.float32))
    else:
        src = np.floor(dst.astype(np.float32) * ratio)
    return np.minimum(src.astype(np.int64), size - 1)


def _linear_source(size: int, out: int, scale: float | None, align_corners: bool,
                   dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(i0, i1, w0, w1) per output position along one axis: out = w0 x[i0] + w1 x[i1], with
    PyTorch's source positions, computed in the input's dtype as PyTorch does."""
    one = dtype.type(1)
    if align_corners:
        ratio = dtype.type(size - 1) / dtype.type(out - 1) if out > 1 else dtype.type(0)
        src = ratio * np.arange(out, dtype=dtype)
    else:
        ratio = dtype.type(1.0 / scale) if scale is not None and scale > 0 else \
            dtype.type(size) / dtype.type(out)
        src = ratio * (np.arange(out, dtype=dtype) + dtype.type(0.5)) - dtype.type(0.5)
        src = np.maximum(src, dtype.type(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    w1 = np.clip(src - i0.astype(dtype), 0, 1).astype(dtype)
    i1 = i0 + (i0 < size - 1)
    return i0, i1, (one - w1).astype(dtype), w1


def _along(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    return P.AxisTake.apply(x, index=index, axis=axis)


def _resample_axis(x: Tensor, axis: int, out: int, mode: str, scale: float | None,
                   align_corners: bool) -> Tensor:
    """x resampled to `out` positions along `axis` (one spatial axis)."""
    size = x.shape[axis]
    if mode.startswith("nearest"):
        index = _nearest_source(size, out, scale, mode == "nearest-exact")
        return _along(x, axis, index)
    i0, i1, w0, w1 = _linear_source(size, out, scale, align_corners, x.data.dtype)
    shape = (out,) + (1,) * (x.ndim - axis - 1)
    return _along(x, axis, i0) * _core.const(w0.reshape(shape)) + \
        _along(x, axis, i1) * _core.const(w1.reshape(shape))


def _interpolate_sizes(name: str, x: Tensor, size: Any, scale_factor: Any,
                       recompute_scale_factor: bool | None) -> tuple[list, list]:
    """(output sizes, scale factors passed to the kernel or None each), as PyTorch computes
    them."""
    spatial = x.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError(f"{name}: only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError(f"{name}: recompute_scale_factor is not meaningful with an "
                             "explicit size.")
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * spatial
        if len(sizes) != spatial:
            raise ValueError(f"{name}: input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(x.shape[2:])} and output size of {size}")
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"{name}: size must be an int or a tuple of ints, got {size!r}")
        return [int(s) for s in sizes], [None] * spatial
    if scale_factor is None:
        raise ValueError(f"{name}: either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else \
        [scale_factor] * spatial
    if len(scales) != spatial:
        raise ValueError(f"{name}: input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of "
                         f"{list(x.shape[2:])} and scale_factor of shape {scale_factor}")
    scales = [float(s) for s in scales]
    sizes = [math.floor(float(n) * s) for n, s in zip(x.shape[2:], scales)]
    return sizes, ([None] * spatial if recompute_scale_factor else scales)


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resample (N, C, *spatial) input to `size` or by `scale_factor`, as PyTorch's interpolate.

    Modes: 'nearest' (PyTorch's floor(dst * in / out) source), 'nearest-exact' (pixel centres),
    'linear' (3-D input), 'bilinear' (4-D), 'trilinear' (5-D), with `align_corners` (the corner
    pixels' centres line up; default False) and 'area' (adaptive average pooling). With
    `scale_factor` the output size is floor(in * scale_factor) and the source positions use
    1 / scale_factor unless `recompute_scale_factor=True` (then in / out), as PyTorch.

    Args:
        input: a tensor (N, C, *spatial) with 1 to 3 spatial dimensions.
        size: the output's spatial size (an int or a tuple), or None.
        scale_factor: a multiplier (a number or a tuple) of the spatial size, or None.
        mode: 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear' or 'area'.
        align_corners: for the linear modes: line up the corner pixels' centres (None: False).
        recompute_scale_factor: compute the source positions from the output size.
        antialias: only False (antialiasing is not supported).

    Returns:
        A tensor (N, C, *size).

    Raises:
        ValueError: both or neither of size and scale_factor, sizes of the wrong length,
            align_corners with a nearest mode, antialias.
        NotImplementedError: a mode that does not fit the input's number of dimensions.
    """
    name = "interpolate"
    x = ops.tensor_arg(input, name)
    if mode not in _INTERPOLATE_MODES:
        raise NotImplementedError(f"{name}: mode must be one of {_INTERPOLATE_MODES}, got "
                                  f"{mode!r}")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError(f"{name}: align_corners option can only be set with the "
                             "interpolating modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if x.ndim not in (3, 4, 5):
        raise NotImplementedError(f"{name}: only 3D, 4D and 5D input tensors are supported "
                                  f"(got {x.ndim}D of shape {x.shape}) for mode {mode!r}")
    if mode in _LINEAR_MODES and _LINEAR_MODES[mode] != x.ndim:
        raise NotImplementedError(f"{name}: got {x.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR_MODES[mode]}D input")
    if antialias:
        raise NotImplementedError(f"{name}: antialias=True is not supported")
    if mode != "nearest" and mode != "nearest-exact" and x.data.dtype.kind != "f":
        raise TypeError(f"{name}: mode {mode!r} needs a floating-point input, got "
                        f"{_describe(x)}")
    sizes, scales = _interpolate_sizes(name, x, size, scale_factor,
                                       True if mode == "area" and size is None
                                       else recompute_scale_factor)
    if min(sizes) <= 0 or min(x.shape[2:]) <= 0:
        raise ShapeError(f"{name}: input and output sizes should be greater than 0, but got "
                         f"input {tuple(x.shape[2:])} and output {tuple(sizes)}")
    if mode == "area":
        if x.ndim == 3:
            return adaptive_avg_pool1d(x, sizes)
        if x.ndim == 4:
            return adaptive_avg_pool2d(x, sizes)
        raise NotImplementedError(f"{name}: mode 'area' supports 3D and 4D input only")
    # the last axis first: PyTorch's bilinear sums w0 (v0 w0' + v1 w1') + w1 (...), W innermost
    for axis in reversed(range(2, x.ndim)):
        if sizes[axis - 2] != x.shape[axis] or mode in _LINEAR_MODES:
            x = _resample_axis(x, axis, sizes[axis - 2], mode, scales[axis - 2],
                               bool(align_corners))
    return x


# -- pixel shuffle --
def _shuffle_args(name: str, input: Any, factor: Any, what: str) -> tuple[Tensor, int]:
    x = ops.tensor_arg(input, name)
    factor = _int_arg(name, what, factor)
    if factor <= 0:
        raise ShapeError(f"{name}: {what} must be greater than 0, but got {factor}")
    if x.ndim < 3:
        raise ShapeError(f"{name}: expects input to have at least 3 dimensions, but got input "
                         f"with {x.ndim} dimension(s) (shape {x.shape})")
    return x, factor


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = in[c r^2 + i r + j, h, w],
    as PyTorch's pixel_shuffle (sub-pixel convolution's rearrangement).

    Args:
        input: a tensor (*, C r^2, H, W).
        upscale_factor: r.

    Returns:
        A tensor (*, C, H r, W r).
    """
    x, r = _shuffle_args("pixel_shuffle", input, upscale_factor, "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise ShapeError(f"pixel_shuffle: expects its input's 'channel' dimension to be "
                         f"divisible by the square of upscale_factor, but input.size(-3)={c} is "
                         f"not divisible by {r * r} (input shape {x.shape})")
    k = len(lead)
    y = ops.reshape(x, (*lead, c // (r * r), r, r, h, w))
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return ops.reshape(y, (*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of pixel_shuffle, as PyTorch's.

    Args:
        input: a tensor (*, C, H r, W r).
        downscale_factor: r.

    Returns:
        A tensor (*, C r^2, H, W).
    """
    x, r = _shuffle_args("pixel_unshuffle", input, downscale_factor, "downscale_factor")
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise ShapeError(f"pixel_unshuffle: expects height and width to be divisible by "
                         f"downscale_factor, but input.size(-2)={h} and input.size(-1)={w} are "
                         f"not both divisible by {r} (input shape {x.shape})")
    k = len(lead)
    y = ops.reshape(x, (*lead, c, h // r, r, w // r, r))
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return ops.reshape(y, (*lead, c * r * r, h // r, w // r))


# -- adaptive max pooling --
def _adaptive_windows(size: int, out: int) -> tuple[np.ndarray, int]:
    """(index (out, k) into the axis padded with one -inf at the end, k): window i covers
    floor(i size / out) to ceil((i + 1) size / out), PyTorch's adaptive windows; shorter
    windows point their spare slots at the -inf pad."""
    starts = (np.arange(out) * size) // out
    ends = -(-((np.arange(out) + 1) * size) // out)
    k = int((ends - starts).max()) if out else 1
    index = starts[:, None] + np.arange(k)
    return np.where(index < ends[:, None], index, size), k


def _adaptive_input(name: str, input: Any, spatial: int, output_size: Any) -> tuple:
    from ._sequence_functional import _output_sizes
    x = ops.tensor_arg(input, name)
    if x.ndim not in (spatial + 1, spatial + 2):
        shape = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise ShapeError(f"{name}: expected input of shape {shape}, got {x.shape}")
    if x.data.dtype.kind != "f":
        raise TypeError(f"{name}: input must be a floating-point tensor, got {_describe(x)}")
    if min(x.shape[-spatial:]) <= 0:
        raise ShapeError(f"{name}: expected input to have non-zero size for non-batch "
                         f"dimensions, got {x.shape}")
    return x, _output_sizes(name, output_size, x.shape[-spatial:])


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over an output_size grid of windows of (N, C, H, W) or (C, H, W) input (an int,
    or a pair whose None entries keep the input's size), PyTorch's windows. Tied maxima share the
    gradient evenly; `return_indices=True` also returns the flat index h * W + w of each window's
    first maximum.

    Args:
        input: a tensor (N, C, H, W) or (C, H, W).
        output_size: (H_out, W_out): an int, or a pair whose None entries keep the input's size.
        return_indices: also return the int64 flat index of each window's first maximum.

    Returns:
        A tensor (N, C, H_out, W_out) or (C, H_out, W_out); with return_indices, a tuple (output,
            indices).
    """
    name = "adaptive_max_pool2d"
    x, (oh, ow) = _adaptive_input(name, input, 2, output_size)
    h, w = x.shape[-2:]
    rows, kh = _adaptive_windows(h, oh)
    columns, kw = _adaptive_windows(w, ow)
    lead = x.ndim - 2
    if h % oh or w % ow:  # windows of different sizes: gather them, padded with -inf
        xp = _core.Pad.apply(x, pad_width=((0, 0),) * lead + ((0, 1), (0, 1)), value=-np.inf)
        windows = _along(_along(xp, lead, rows.ravel()), lead + 1, columns.ravel())
    else:  # equal windows tile the input: a reshape
        windows = x
    windows = ops.reshape(windows, (*x.shape[:-2], oh, kh, ow, kw))
    # (*, oh, kh, ow, kw) -> (*, oh, ow, kh * kw)
    windows = ops.reshape(windows.permute(*range(lead), lead, lead + 2, lead + 1, lead + 3),
                          (*x.shape[:-2], oh, ow, kh * kw))
    out = ops.max(windows, axis=-1)
    if not return_indices:
        return out
    first = np.argmax(windows.data, axis=-1)  # (*, oh, ow), into the window's kh * kw
    r = rows[np.arange(oh)[:, None], first // kw]
    c = columns[np.arange(ow), first % kw]
    return out, Tensor._make((r * w + c).astype(np.int64))


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over `output_size` windows covering the last axis of (N, C, L) or (C, L) input,
    PyTorch's windows; ties and `return_indices` as adaptive_max_pool2d (indices along L).

    Args:
        input: a tensor (N, C, L) or (C, L).
        output_size: the output length L_out (an int).
        return_indices: also return the int64 index of each window's first maximum.

    Returns:
        A tensor (N, C, L_out) or (C, L_out); with return_indices, a tuple (output, indices).
    """
    name = "adaptive_max_pool1d"
    x, (ol,) = _adaptive_input(name, input, 1, output_size)
    length = x.shape[-1]
    index, _ = _adaptive_windows(length, ol)
    lead = x.ndim - 1
    xp = _core.Pad.apply(x, pad_width=((0, 0),) * lead + ((0, 1),), value=-np.inf)
    windows = ops.reshape(_along(xp, lead, index.ravel()), (*x.shape[:-1], ol, index.shape[1]))
    out = ops.max(windows, axis=-1)
    if not return_indices:
        return out
    first = np.argmax(windows.data, axis=-1)  # (*, ol), into the window
    return out, Tensor._make(index[np.arange(ol), first].astype(np.int64))


# ---- embedding and normalisation ------------------------------------------------------------
def _index_array(name: str, indices: Any, size: int) -> np.ndarray:
    if not isinstance(indices, Tensor):
        ops.shape_of(indices, name)  # a ragged list fails here, clearly
    array = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name}: indices must be integers, got {_describe(array)}")
    if array.size and (array.min() < 0 or array.max() >= size):
        bad = array[(array < 0) | (array >= size)].flat[0]
        raise IndexError(f"{name}: index {bad} is out of range for {size} rows (indices of "
                         f"{_describe(array)})")
    return array


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding with a new last axis of length num_classes (max + 1 if -1).

    Args:
        tensor: integer class indices, any shape.
        num_classes: the length of the new axis (-1: the largest index + 1).

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.one_hot(am.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor):
        ops.shape_of(tensor, "one_hot")  # a ragged list fails here, clearly
    array = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if array.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got {_describe(array)}")
    if num_classes == -1:
        num_classes = int(array.max()) + 1 if array.size else 0
    _index_array("one_hot", array, num_classes)
    return Tensor._make((array[..., None] == np.arange(num_classes)).astype(np.int64))


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` picked by integer `input` (any shape): output (*input.shape, dim).

    Repeated ids accumulate their gradients; the row at `padding_idx` gets no gradient. With
    `max_norm`, every looked-up row whose `norm_type`-norm exceeds it is first rescaled in place
    (outside the graph, bumping weight's version) to max_norm / (norm + 1e-7) of itself, as
    PyTorch's embedding_renorm_.

    Args:
        input: integer indices of any shape, in [0, num_embeddings).
        weight: the table (num_embeddings, embedding_dim).
        padding_idx: the row that gets no gradient, or None.
        max_norm: renormalise looked-up rows to at most this norm, or None.
        norm_type: the p of the norm for max_norm.
        scale_grad_by_freq: accepted for PyTorch's signature (only False: not supported).
        sparse: accepted for PyTorch's signature (only False: the gradient is dense).

    Returns:
        A tensor (*input.shape, embedding_dim) of weight's dtype.
    """
    weight = ops.tensor_arg(weight, "embedding")
    if weight.ndim != 2:
        raise ShapeError(f"embedding: weight must be 2-D (num_embeddings, dim), got {weight.shape}")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse are not supported")
    ids = _index_array("embedding", input, weight.shape[0])
    if max_norm is not None:
        _embedding_renorm(weight, ids, float(max_norm), float(norm_type))
    out = _core.GetItem.apply(weight, index=ids)
    if padding_idx is None:
        return out
    pad = padding_idx + weight.shape[0] if padding_idx < 0 else padding_idx
    # the padding row still reads its value, but as a constant
    return ops.where((ids != pad)[..., None], out, out.detach())


def _embedding_renorm(weight: Tensor, ids: np.ndarray, max_norm: float,
                      norm_type: float) -> None:
    """PyTorch's embedding_renorm_: each distinct looked-up row with norm > max_norm is scaled
    in place by max_norm / (norm + 1e-7) (the scale cast to weight's dtype, as PyTorch's
    row *= scale)."""
    rows = np.unique(ids)
    if rows.size == 0:
        return
    data = weight.data[rows]
    norms = np.linalg.norm(data, ord=norm_type, axis=1)
    over = norms > max_norm
    if not over.any():
        return
    scale = (max_norm / (norms[over].astype(np.float64) + 1e-7)).astype(weight.dtype)
    from .._grad_mode import no_grad
    with no_grad():  # a write in place outside the graph (weight's version is bumped)
        weight[rows[over]] = data[over] * scale[:, None]


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing `normalized_shape` axes,
    with the biased variance (as PyTorch).

    Args:
        input: a tensor (*, *normalized_shape).
        normalized_shape: the trailing shape to normalise over (an int or a tuple).
        weight: the elementwise scale, of normalized_shape, or None.
        bias: the elementwise shift, of normalized_shape, or None.
        eps: added to the variance for stability.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "layer_norm")
    try:
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
            else tuple(normalized_shape)
    except TypeError:
        raise TypeError(f"layer_norm: normalized_shape must be an int or a sequence of ints, got "
                        f"{normalized_shape!r}") from None
    k = len(shape)
    if k == 0 or input.shape[input.ndim - k:] != shape or input.ndim < k:
        raise ShapeError(f"layer_norm: normalized_shape {shape} does not match the trailing "
                         f"dimensions of input of shape {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(f"layer_norm: expected {name} of shape {shape} (normalized_shape), "
                             f"got {tuple(t.shape)}")
    # one fused primitive (float16 normalises in float32, as PyTorch)
    affine = () if weight is None and bias is None else (weight, bias)
    return _TP.LayerNorm.apply(input, *affine, ndim=k, eps=eps)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (axis 1) of (N, C) or (N, C, L) input.

    Training (or without running statistics): the batch mean and biased variance normalise, and
    the running statistics (when given) are updated in place:
    running = (1 - momentum) * running + momentum * batch, with the unbiased batch variance.
    Evaluation: the running statistics normalise.

    Args:
        input: a tensor (N, C) or (N, C, *).
        running_mean: a tensor (C,), or None.
        running_var: a tensor (C,), or None.
        weight: the per-channel scale gamma (C,), or None.
        bias: the per-channel shift beta (C,), or None.
        training: use the batch statistics (and update the running ones).
        momentum: the running statistics' update factor.
        eps: added to the variance for stability.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "batch_norm")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...), got {input.shape}")
    channels = input.shape[1]
    axes = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    running_mean, running_var, weight, bias = (
        None if t is None else ops.tensor_arg(t, "batch_norm")
        for t in (running_mean, running_var, weight, bias))
    for what, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.shape != (channels,):
            raise ShapeError(f"batch_norm: {what} of shape {t.shape} does not fit input of shape "
                             f"{input.shape} ({channels} channels)")
    if training or running_mean is None or running_var is None:
        count = math.prod(input.shape[i] for i in axes)  # values per channel (C may be 0)
        if training and count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {input.shape}")
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        if training and running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean.data, var.data, count, momentum)
    else:
        centred = input - Tensor._make(running_mean.data.reshape(shape))
        var = Tensor._make(running_var.data.reshape(shape))
    out = centred * (var + eps) ** -0.5
    if weight is not None:
        out = out * ops.reshape(weight, shape)
    if bias is not None:
        out = out + ops.reshape(bias, shape)
    return out


def _update_running(running_mean: Tensor, running_var: Tensor, mean: np.ndarray, var: np.ndarray,
                    count: int, momentum: float) -> None:
    unbiased = var.reshape(-1) * (count / (count - 1))
    for buffer, batch in ((running_mean, mean.reshape(-1)), (running_var, unbiased)):
        buffer.data *= 1.0 - momentum
        buffer.data += momentum * batch.astype(buffer.data.dtype, copy=False)
        buffer._bump_version()


# ---- losses ---------------------------------------------------------------------------------
def _class_target(name: str, input: Tensor, target: Any, ignore_index: int) -> Tensor:
    """Check a class-index or probability target against input (N, C, d1, ...) or (C,)."""
    target = _tensor(target)
    _check_float(name, "input", input)
    if input.ndim == 0:
        raise ValueError(f"{name}: input must have a class dimension, got a 0-d tensor")
    kind = target.data.dtype.kind
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    index_shape = (input.shape[0],) + input.shape[2:] if input.ndim > 1 else ()
    if kind in "iu":
        if target.shape != index_shape:
            raise ValueError(f"{name}: target of {_describe(target)} does not fit input of "
                             f"{_describe(input)}: class-index targets need shape {index_shape}, "
                             f"probability targets a float tensor of shape {input.shape}")
        t = target.data
        if t.size and (t.min() < 0 or t.max() >= n_classes):
            bad = ((t < 0) | (t >= n_classes)) & (t != ignore_index)
        else:
            bad = None
        if bad is not None and bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise IndexError(f"{name}: target value {t[where]} at {where} is not a class index in "
                             f"[0, {n_classes}) nor ignore_index={ignore_index} (target of "
                             f"{_describe(target)}, input of {_describe(input)})")
        return target
    if kind == "f" and name == "cross_entropy":
        if target.shape != input.shape:
            raise ShapeError(f"{name}: target of {_describe(target)} does not fit input of "
                             f"{_describe(input)}: probability targets need the input's shape, "
                             f"class-index targets an integer tensor of shape {index_shape} "
                             "(convert with target.long())")
        return ops.cast(target, input.dtype)
    expected = "integer class indices or float probabilities" if name == "cross_entropy" \
        else "integer class indices"
    raise TypeError(f"{name}: target must hold {expected}, got target of {_describe(target)} "
                    f"for input of {_describe(input)}")


def _class_weight(name: str, weight: Any, input: Tensor) -> np.ndarray | None:
    w = _constant_array(name, "weight", weight, input.dtype)
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if w is not None and w.shape != (n_classes,):
        raise ShapeError(f"{name}: weight of shape {w.shape} does not fit {n_classes} classes "
                         f"(input of shape {input.shape})")
    return w


def cross_entropy(input: Tensor, target: Any, weight: Any = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and targets, fused and stable (logsumexp(z) - z[t]).

    Args:
        input: logits (N, C), (N, C, d1, ...) or unbatched (C,).
        target: class indices (integer, (N,) / (N, d1, ...) / ()) in [0, C) or equal to
            `ignore_index`; or class probabilities (float, the input's shape).
        weight: (C,) per-class rescaling (a constant).
        ignore_index: class-index targets equal to it add nothing (nor to the mean's denominator).
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: eps in [0, 1]: the target becomes (1 - eps) target + eps / C.

    With class indices, l_n = -w_{y_n} log softmax(x_n)_{y_n} (plus the smoothing term
    -(eps / C) sum_c w_c log softmax(x_n)_c, both 0 for ignored n), and 'mean' divides the sum by
    sum_n w_{y_n} over the samples not ignored. With probabilities,
    l_n = -sum_c w_c y_nc log softmax(x_n)_c and 'mean' divides by the number of samples.
    Every target with 'mean' ignored gives NaN, as in PyTorch (and a zero gradient).

    Examples:
        >>> import autograd_mini as am
        >>> logits = am.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> am.nn.functional.cross_entropy(logits, am.tensor([0, 2]))
        tensor(0.1755)
    """
    input = ops.tensor_arg(input, "cross_entropy")
    _check_reduction("cross_entropy", reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    target = _class_target("cross_entropy", input, target, ignore_index)
    w = _class_weight("cross_entropy", weight, input)
    unbatched = input.ndim == 1
    if unbatched:
        input = ops.unsqueeze(input, 0)
        target = ops.unsqueeze(target, 0)
    input, narrow = ops.in_float32(input)  # float16 logits: computed in float32, as PyTorch
    out = P.CrossEntropy.apply(input, target, weight=w, ignore_index=int(ignore_index),
                               label_smoothing=float(label_smoothing), reduction=reduction)
    out = ops.back_to(out, narrow)
    return out[0] if unbatched and reduction == "none" else out


def _masked_mean(total: Tensor, denominator: float) -> Tensor:
    if denominator:
        return total * (1.0 / denominator)
    return total * 0.0 + float("nan")  # nothing counted: NaN as PyTorch, with a zero gradient


def nll_loss(input: Tensor, target: Any, weight: Any = None, *, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities `input` (N, C, d1, ...) or (C,) at class-index
    targets: l_n = -w_{y_n} input[n, y_n], 0 where y_n == ignore_index; 'mean' divides by the sum
    of w_{y_n} over the samples not ignored.

    Args:
        input: log-probabilities (N, C), (N, C, d1, ...) or (C,).
        target: int64 class indices (N,), (N, d1, ...) or 0-d, in [0, C).
        weight: a per-class weight (C,), or None.
        ignore_index: the target value that contributes nothing.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    input = ops.tensor_arg(input, "nll_loss")
    _check_reduction("nll_loss", reduction)
    target = _class_target("nll_loss", input, target, ignore_index)
    w = _class_weight("nll_loss", weight, input)
    if input.ndim == 1:
        input, target = ops.unsqueeze(input, 0), ops.unsqueeze(target, 0)
        out = nll_loss(input, target, weight, ignore_index=ignore_index, reduction=reduction)
        return out[0] if reduction == "none" else out
    t = target.data
    valid = t != ignore_index
    index = np.where(valid, t, 0)
    grid = np.indices(t.shape, sparse=True)
    picked = _core.GetItem.apply(input, index=(grid[0], index) + tuple(grid[1:]))
    w_t = valid.astype(input.dtype) if w is None else np.where(valid, w[index], 0).astype(input.dtype)
    weights = Tensor._make(-w_t)
    weights.name = "-weight[target]"  # how am.viz labels this constant (0 where ignored)
    loss = picked * weights
    if reduction == "mean":
        return _masked_mean(loss.sum(), float(w_t.sum()))
    return _reduce(loss, reduction)


def _check_pair(name: str, input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        raise ShapeError(f"{name}: target of {_describe(target)} does not match input of "
                         f"{_describe(input)}; shapes must be equal (broadcasting them is a "
                         "classic silent bug)")
    _check_float(name, "input", input)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(input - target)**2, reduced. Input and target must have the same shape.

    Args:
        input: a tensor of any shape.
        target: a tensor of input's shape.
        reduction: 'mean' (the default), 'sum' or 'none' (elementwise).

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.mse_loss(am.tensor([1.0, 2.0]), am.tensor([1.5, 2.0]))
        tensor(0.1250)
    """
    input = ops.tensor_arg(input, "mse_loss")
    _check_reduction("mse_loss", reduction)
    target = _tensor(target)
    _check_pair("mse_loss", input, target)
    diff = input - ops.cast(target, input.dtype)
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|input - target|, reduced (the gradient at 0 is 0). Same shapes required.

    Args:
        input: a tensor of any shape.
        target: a tensor (or array-like) of input's shape.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    input = ops.tensor_arg(input, "l1_loss")
    _check_reduction("l1_loss", reduction)
    target = _tensor(target)
    _check_pair("l1_loss", input, target)
    return _reduce(ops.abs(input - ops.cast(target, input.dtype)), reduction)


def _broadcast_weight(name: str, what: str, value: Any, input: Tensor) -> np.ndarray | None:
    w = _constant_array(name, what, value, input.dtype)
    if w is not None:
        try:
            ok = np.broadcast_shapes(w.shape, input.shape) == input.shape
        except ValueError:
            ok = False
        if not ok:
            raise ShapeError(f"{name}: {what} of shape {w.shape} does not broadcast to the input's "
                             f"shape {input.shape}")
    return w


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """-w [y log(x) + (1 - y) log(1 - x)] for probabilities x in [0, 1], each log clamped at
    -100 as in PyTorch, so x = 0 or 1 gives a finite loss. The gradient is PyTorch's,
    w (x - y) / max(x (1 - x), 1e-12): finite and of the right sign at x = 0 or 1 (-1e12 for x = 0
    with target 1), 0 where x equals the target. Prefer `binary_cross_entropy_with_logits`, which
    is stable.

    Args:
        input: probabilities in [0, 1], of any shape.
        target: a tensor of input's shape, values in [0, 1].
        weight: a rescaling weight broadcastable to input's shape, or None.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    input = ops.tensor_arg(input, "binary_cross_entropy")
    _check_reduction("binary_cross_entropy", reduction)
    target = _tensor(target)
    _check_pair("binary_cross_entropy", input, target)
    x = input.data
    if x.size and not (np.all(x >= 0) and np.all(x <= 1)):
        raise ValueError(f"binary_cross_entropy: input values must be probabilities in [0, 1], got "
                         f"min {np.nanmin(x)} and max {np.nanmax(x)} (input of {_describe(input)}); "
                         "for logits use binary_cross_entropy_with_logits")
    w = _broadcast_weight("binary_cross_entropy", "weight", weight, input)
    y = ops.cast(target, input.dtype)
    return _reduce(P.BinaryCrossEntropy.apply(input, y, weight=w), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Tensor:
    """Binary cross-entropy from logits, fused and stable for logits of +-1000 and -inf:
    l = w [p y softplus(-x) + (1 - y) softplus(x)], where p = pos_weight broadcasts along the
    last (class) axis and w = weight broadcasts against the input.

    Args:
        input: logits, of any shape.
        target: a tensor of input's shape, values in [0, 1].
        weight: a rescaling weight broadcastable to input's shape, or None.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        pos_weight: the weight of positive examples, broadcast along the last (class) dimension, or
            None.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    input = ops.tensor_arg(input, "binary_cross_entropy_with_logits")
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    target = _tensor(target)
    _check_pair("binary_cross_entropy_with_logits", input, target)
    name = "binary_cross_entropy_with_logits"
    w = _broadcast_weight(name, "weight", weight, input)
    pw = _broadcast_weight(name, "pos_weight", pos_weight, input)
    loss = P.BCEWithLogits.apply(input, ops.cast(target, input.dtype), weight=w, pos_weight=pw)
    return _reduce(loss, reduction)


# ---- more activations -----------------------------------------------------------------------
# Composed from ops (where, clip, abs, tanh, sigmoid, softplus, ...), so every derivative is the
# ops' own and differentiable again; the one fused piece is `P.Expm1` (exp(x) - 1 accurate near
# 0, as PyTorch's ELU family). Where an activation has a kink, the gradient there is PyTorch's.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_tensor_arg(name: str, input: Any) -> Tensor:
    input = ops.tensor_arg(input, name)
    _check_float(name, "input", input)
    return input


def _apply_maybe_in_place(input: Tensor, inplace: bool, name: str,
                          fn: Callable[[Tensor], Tensor]) -> Tensor:
    """fn(input); with `inplace=True` written into input's array instead (recorded, when it must
    be, as fn of input's old value, as `leaky_relu(inplace=True)`)."""
    if not inplace:
        return fn(input)
    return ops.elementwise_in_place(
        input, f"{name}_", fn,
        lambda a: np.copyto(a, fn(Tensor._make(a.copy())).data, casting="unsafe"))


def _elu(input: Tensor, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    """scale * x for x > 0, else scale * alpha * expm1(input_scale * x) (x <= 0: the gradient at 0
    is that branch's, as PyTorch)."""
    negative = ops.clip(input, max=0.0)  # expm1 never sees a large positive x
    if input_scale != 1.0:
        negative = negative * input_scale
    below = P.Expm1.apply(negative) * (alpha * scale)
    return ops.where(input.data > 0, input if scale == 1.0 else input * scale, below)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1); elu'(0) = alpha, as PyTorch.

    Args:
        input: a tensor of any shape.
        alpha: the value approached for large negative x.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("elu", input)
    return _apply_maybe_in_place(input, inplace, "elu", lambda x: _elu(x, alpha))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with PyTorch's constants alpha = 1.6732632423543772 and
    scale = 1.0507009873554805; selu'(0) = scale * alpha.

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("selu", input)
    return _apply_maybe_in_place(input, inplace, "selu",
                                 lambda x: _elu(x, _SELU_ALPHA, _SELU_SCALE))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); celu'(0) = 1. alpha must not be 0.

    Args:
        input: a tensor of any shape.
        alpha: the scale of the negative side (not 0).
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("celu", input)
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (it divides x)")
    return _apply_maybe_in_place(input, inplace, "celu",
                                 lambda x: _elu(x, alpha, input_scale=1.0 / alpha))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val]; the gradient is 1 strictly inside and 0 at the bounds and
    outside, as PyTorch (unlike `clamp`, whose gradient is 1 at the bounds too).

    Args:
        input: a tensor of any shape.
        min_val: the lower bound.
        max_val: the upper bound.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "hardtanh")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got min_val={min_val} "
                         f"and max_val={max_val}")

    def fn(x: Tensor) -> Tensor:
        a = x.data
        clamped = np.clip(a, min_val, max_val).astype(a.dtype, copy=False)
        return ops.where((a > min_val) & (a < max_val), x, Tensor._make(clamped))

    return _apply_maybe_in_place(input, inplace, "hardtanh", fn)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) = hardtanh(x, 0, 6): the gradient is 0 at 0 and at 6, as PyTorch.

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "relu6")
    return hardtanh(input, 0.0, 6.0, inplace=inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 for x <= -3, 1 for x >= 3, (x + 3) / 6 between; the gradient is 1/6
    strictly inside (-3, 3), 0 elsewhere, as PyTorch.

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("hardsigmoid", input)

    def fn(x: Tensor) -> Tensor:
        a = x.data
        outside = (np.clip(a + 3.0, 0.0, 6.0) / 6.0).astype(a.dtype, copy=False)
        return ops.where((a > -3.0) & (a < 3.0), (x + 3.0) / 6.0, Tensor._make(outside))

    return _apply_maybe_in_place(input, inplace, "hardsigmoid", fn)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6; the gradient is 0 for x <= -3, x / 3 + 1/2 for -3 < x < 3 and 1 for
    x >= 3, as PyTorch.

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("hardswish", input)

    def fn(x: Tensor) -> Tensor:
        a = x.data
        with np.errstate(over="ignore"):  # x * (x + 3) of a huge x is not the branch taken
            middle = ops.where(a < 3.0, x * (x + 3.0) / 6.0, x)
        return ops.where(a <= -3.0, Tensor._make(np.zeros_like(a)), middle)

    return _apply_maybe_in_place(input, inplace, "hardswish", fn)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x)), with the stable softplus (exact for +-1000).

    Args:
        input: a tensor of any shape.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("mish", input)
    return _apply_maybe_in_place(input, inplace, "mish",
                                 lambda x: x * ops.tanh(P.Softplus.apply(x)))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|) (its gradient 1 / (1 + |x|)**2, 1 at 0).

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "softsign")
    return input / (ops.abs(input) + 1.0)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable: -1000 at x = -1000 and 0 at x = 1000, never
    log(0); the gradient sigmoid(-x) is stable too.

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("logsigmoid", input)
    return -P.Softplus.apply(-input)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """softmax(-x) along `dim` (PyTorch's legacy choice of dim, with a warning, if None).

    Args:
        input: a tensor.
        dim: the dimension to normalize over (None: PyTorch's legacy choice, with a warning).
        dtype: cast input to this dtype first (None: keep it).

    Returns:
        A tensor of input's shape.
    """
    input = ops.tensor_arg(input, "softmin")
    if dtype is not None:
        input = ops.cast(input, dtype)
    if dim is None:
        dim = _legacy_softmax_dim("softmin", input.ndim)
    return ops.softmax(-input, dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit a * sigmoid(b), where a and b are the first and second halves of the
    input along `dim` (whose length must be even).

    Args:
        input: a tensor whose size along dim is even.
        dim: the dimension to split in halves.

    Returns:
        A tensor of input's shape with half the size along dim.
    """
    input = ops.tensor_arg(input, "glu")
    if input.ndim == 0:
        raise ShapeError("glu: a 0-d input has no dimension to halve")
    axis = ops.normalize_axis(dim, input.ndim, "glu")
    n = input.shape[axis]
    if n % 2:
        raise ShapeError(f"glu: halving dimension must be even, but dimension {axis} of input of "
                         f"shape {input.shape} is size {n}")
    a, b = ops.split(input, n // 2, axis)
    return a * ops.sigmoid(b)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x, with one learnable slope, or one per channel (axis 1 of
    the input; an input of fewer than 2 dimensions has one channel). At x = 0 the gradient is
    weight for x and 0 for the weight, as PyTorch.

    Args:
        input: a tensor (N, C, *) (or of fewer than 2 dimensions).
        weight: a 1-D tensor of 1 or C slopes.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "prelu")
    weight = ops.tensor_arg(weight, "prelu")
    if weight.ndim > 1:
        raise ShapeError(f"prelu: weight must be a 0-d or 1-D tensor, got shape {weight.shape}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    count = weight.data.size
    if count == 1:
        slope = ops.reshape(weight, ())
    elif count == channels:
        slope = ops.reshape(weight, (channels,) + (1,) * (input.ndim - 2))
    else:
        raise ShapeError(f"prelu: weight of shape {weight.shape} does not fit input of shape "
                         f"{input.shape}: expected 1 parameter or one per channel ({channels}, "
                         "the input's axis 1)")
    return ops.where(input.data > 0, input, input * slope)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x).

    Args:
        input: a tensor of any shape.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "tanhshrink")
    return input - ops.tanh(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else `value` (the gradient is 0 at the threshold, as PyTorch).

    Args:
        input: a tensor of any shape.
        threshold: the value x must exceed to be kept.
        value: the replacement at or below the threshold.
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "threshold")
    return _apply_maybe_in_place(input, inplace, "threshold",
                                 lambda x: ops.where(x.data > threshold, x, value))


# ---- norms, normalize and distances ---------------------------------------------------------
def _vector_norm(x: Tensor, p: float, dim: int, keepdim: bool) -> Tensor:
    """torch.linalg.vector_norm of x along `dim`, with PyTorch's subgradients: a zero vector has
    the gradient 0 (p > 0), tied largest |x| share the gradient evenly (p = inf), and p = 0 (the
    number of non-zero elements) has the gradient 0."""
    if p == 0:
        count = np.count_nonzero(x.data, axis=dim, keepdims=keepdim).astype(x.dtype)
        return (x * 0.0).sum(dim, keepdim=keepdim) + Tensor._make(count)
    if p == 1:
        return ops.abs(x).sum(dim, keepdim=keepdim)
    if p == math.inf:
        return ops.max(ops.abs(x), axis=dim, keepdims=keepdim)
    if p == -math.inf:
        return ops.min(ops.abs(x), axis=dim, keepdims=keepdim)
    total = (x * x if p == 2 else ops.abs(x) ** p).sum(dim, keepdim=keepdim)
    positive = total.data > 0
    if positive.all():
        return ops.sqrt(total) if p == 2 else total ** (1.0 / p)
    # a zero vector: its root's infinite derivative must not meet the zero gradient (0 * inf)
    safe = ops.where(positive, total, 1.0)
    root = ops.sqrt(safe) if p == 2 else safe ** (1.0 / p)
    return ops.where(positive, root, 0.0)


def _norm_order(name: str, p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or \
            math.isnan(p):
        raise TypeError(f"{name}: p must be a number (or inf), got {p!r}")
    return float(p)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: None = None) -> Tensor:
    """x / max(||x||_p, eps) along `dim`, as PyTorch: a zero vector gives 0 and the gradient
    1/eps (only the numerator's: the clamped norm contributes nothing).

    Args:
        input: a tensor.
        p: the norm's order.
        dim: the dimension of the vectors.
        eps: the floor of the norm.
        out: accepted for PyTorch's signature (only None).

    Returns:
        A tensor of input's shape and dtype.
    """
    input = _float_tensor_arg("normalize", input)
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    axis = ops.normalize_axis(dim, input.ndim, "normalize")
    norm = _vector_norm(input, _norm_order("normalize", p), axis, keepdim=True)
    return input / ops.clip(norm, min=eps)


def _floor_passing_gradient(t: Tensor, eps: float) -> Tensor:
    """max(t, eps) whose gradient is t's everywhere (PyTorch clamps its norms in place under
    no_grad in cosine_similarity, and the variance in gaussian_nll_loss)."""
    low = t.data < eps
    if not low.any():
        return t
    return ops.where(low, (t - t.detach()) + eps, t)


def _float_pair(name: str, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    x1, x2 = ops.tensor_arg(x1, name), ops.tensor_arg(x2, name)
    for t in (x1, x2):
        if t.data.dtype.kind != "f":
            raise TypeError(f"{name}: x1 and x2 must be floating-point tensors, got x1 of "
                            f"{_describe(x1)} and x2 of {_describe(x2)}")
    return x1, x2


def _broadcast_pair(name: str, x1: Tensor, x2: Tensor) -> tuple[Tensor, Tensor]:
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"{name}: x1 of shape {x1.shape} and x2 of shape {x2.shape} do not "
                         "broadcast together") from None
    return (x1 if x1.shape == shape else ops.broadcast_to(x1, shape),
            x2 if x2.shape == shape else ops.broadcast_to(x2, shape))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along `dim`, computed as PyTorch does
    (each vector normalised first, so |result| <= 1). x1 and x2 broadcast together. The norms are
    floored at eps as PyTorch floors them (in place, without recording): the gradient treats the
    floor as absent, and a zero vector's norm contributes the gradient 0.

    Args:
        x1: a tensor.
        x2: a tensor broadcastable with x1.
        dim: the dimension of the vectors.
        eps: the floor of each norm.

    Returns:
        A tensor of the broadcast shape without dim.
    """
    x1, x2 = _float_pair("cosine_similarity", x1, x2)
    if eps < 0:
        raise ValueError(f"cosine_similarity: eps must be non-negative, got {eps}")
    x1, x2 = _broadcast_pair("cosine_similarity", x1, x2)
    axis = ops.normalize_axis(dim, x1.ndim, "cosine_similarity")
    n1 = _floor_passing_gradient(_vector_norm(x1, 2.0, axis, keepdim=True), eps)
    n2 = _floor_passing_gradient(_vector_norm(x2, 2.0, axis, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dimension (of the broadcast shape), as PyTorch; where
    x1 - x2 + eps is a zero vector the gradient is 0.

    Args:
        x1: a tensor (*, D).
        x2: a tensor broadcastable with x1.
        p: the norm's order.
        eps: added to the difference (avoids a zero vector).
        keepdim: keep the last dimension with size 1.

    Returns:
        A tensor of the broadcast shape without the last dimension.
    """
    x1, x2 = _float_pair("pairwise_distance", x1, x2)
    order = _norm_order("pairwise_distance", p)
    x1, x2 = _broadcast_pair("pairwise_distance", x1, x2)
    diff = x1 - x2 + eps
    if diff.ndim == 0:  # PyTorch reduces a 0-d difference over "dimension -1": itself
        return _vector_norm(ops.reshape(diff, (1,)), order, 0, keepdim=False)
    return _vector_norm(diff, order, diff.ndim - 1, keepdim=bool(keepdim))


# ---- more losses ----------------------------------------------------------------------------
def _legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """PyTorch's deprecated size_average/reduce pair, mapped to `reduction` (with its warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    legacy = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{legacy}' instead.", UserWarning, stacklevel=3)
    return legacy


def _regression_pair(name: str, input: Any, target: Any, reduction: str) -> tuple[Tensor, Tensor]:
    input = ops.tensor_arg(input, name)
    _check_reduction(name, reduction)
    target = _tensor(target)
    _check_pair(name, input, target)
    return input, ops.cast(target, input.dtype)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target; the
    gradient is d clamped to [-delta, delta]. `weight` (the input's shape) multiplies each
    element's loss before the reduction ('mean' still divides by the number of elements).

    Args:
        input: a tensor of any shape.
        target: a tensor (or array-like) of input's shape.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        delta: where the loss turns from quadratic to linear (positive).
        weight: per-element weights of input's shape, or None.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    input, target = _regression_pair("huber_loss", input, target, reduction)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    d = input - target
    ad = ops.abs(d)
    loss = ops.where(ad.data < delta, d * d * 0.5, (ad - 0.5 * delta) * delta)
    if weight is not None:
        weight = _tensor(weight)
        if weight.shape != input.shape:
            raise ShapeError(f"huber_loss: weight of {_describe(weight)} does not match input of "
                             f"{_describe(input)}; shapes must be equal")
        loss = loss * ops.cast(weight, input.dtype)
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Any, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target (huber_loss
    divided by beta); beta = 0 is l1_loss.

    Args:
        input: a tensor of any shape.
        target: a tensor (or array-like) of input's shape.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        beta: where the loss turns from quadratic to linear (non-negative).

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    input, target = _regression_pair("smooth_l1_loss", input, target, reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    d = input - target
    ad = ops.abs(d)
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce(ops.where(ad.data < beta, d * d * 0.5 / beta, ad - 0.5 * beta), reduction)


_KL_REDUCTIONS = ("none", "mean", "sum", "batchmean")


def kl_div(input: Tensor, target: Any, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of log-probabilities `input` from `target`, elementwise
    target * (log(target) - input) (0 where target is 0), or with `log_target=True`
    exp(target) * (target - input).

    reduction: 'none' | 'mean' (over every element, with PyTorch's warning) | 'sum' |
    'batchmean' (the sum divided by the batch size, the input's first dimension: the KL
    divergence's definition). Input and target must have the same shape. The target may require
    grad; as in PyTorch its gradient is NaN where a probability target is 0.

    Args:
        input: log-probabilities of any shape.
        target: probabilities (log-probabilities with log_target), of input's shape.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none', 'batchmean' (the mathematical KL divergence), 'mean' or 'sum'.
        log_target: target holds log-probabilities.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    input = ops.tensor_arg(input, "kl_div")
    if reduction not in _KL_REDUCTIONS:
        raise ValueError(f"kl_div: reduction must be one of {_KL_REDUCTIONS}, got {reduction!r}")
    target = _tensor(target)
    _check_pair("kl_div", input, target)
    target = ops.cast(target, input.dtype)
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        t = target.data
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 log 0 is 0, by definition
            entropy = ops.where(t != 0, target * ops.log(target), 0.0)
        loss = entropy - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)


def _index_like_target(name: str, target: Any, shape: tuple, what: str) -> np.ndarray:
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "biuf":
        raise TypeError(f"{name}: target must be numeric, got {_describe(t)}")
    if t.shape != shape:
        raise ShapeError(f"{name}: target of {_describe(t)} does not fit {what}: expected shape "
                         f"{shape}")
    return t


def _embedding_loss_floor() -> float:
    """PyTorch's EPSILON under the squared norms of cosine_embedding_loss: the float32 1e-12."""
    return float(np.float32(1e-12))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1 (0 for any
    other target), with cos = <x1, x2> / sqrt((||x1||**2 + 1e-12) (||x2||**2 + 1e-12)) along the
    last dimension, as PyTorch.

    Args:
        input1: (N, D), or (D,) for one pair.
        input2: shaped like input1.
        target: (N,), or () for one pair, holding 1 or -1 (a constant).
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    name = "cosine_embedding_loss"
    x1, x2 = ops.tensor_arg(input1, name), ops.tensor_arg(input2, name)
    _check_reduction(name, reduction)
    for t in (x1, x2):
        _check_float(name, "input", t)
    if x1.shape != x2.shape or x1.ndim not in (1, 2):
        raise ShapeError(f"{name}: input1 of shape {x1.shape} and input2 of shape {x2.shape} must "
                         "have the same shape, (N, D) or (D,)")
    x2 = ops.cast(x2, x1.dtype)
    t = _index_like_target(name, target, x1.shape[:1] if x1.ndim == 2 else (),
                           f"inputs of shape {x1.shape}")
    axis = x1.ndim - 1
    floor = _embedding_loss_floor()
    dot = (x1 * x2).sum(axis)
    squares = ((x1 * x1).sum(axis) + floor) * ((x2 * x2).sum(axis) + floor)
    cos = dot / ops.sqrt(squares)
    zero = Tensor._make(np.zeros(cos.shape, dtype=cos.dtype))
    loss = ops.where(t == 1, 1.0 - cos, zero) + ops.where(t == -1, ops.clip(cos - margin, min=0.0),
                                                           zero)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin): target 1 asks for input1 ranked above
    input2, -1 the reverse. The three must have the same shape; the target may require grad. At
    the kink the gradient is the linear side's, as PyTorch.

    Args:
        input1: a tensor of any shape.
        input2: a tensor of input1's shape.
        target: 1 or -1 per element, of input1's shape.
        margin: the margin.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    name = "margin_ranking_loss"
    x1, x2 = ops.tensor_arg(input1, name), ops.tensor_arg(input2, name)
    _check_reduction(name, reduction)
    target = _tensor(target)
    if not x1.shape == x2.shape == target.shape:
        raise ShapeError(f"{name}: input1 of shape {x1.shape}, input2 of shape {x2.shape} and "
                         f"target of shape {target.shape} must have the same shape")
    _check_float(name, "input1", x1)
    y = ops.cast(target, x1.dtype)
    return _reduce(ops.clip(-y * (x1 - ops.cast(x2, x1.dtype)) + margin, min=0.0), reduction)


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """x where target is 1, max(0, margin - x) where it is -1 (both terms for any other target),
    as PyTorch. Input and target (a constant) must have the same shape.

    Args:
        input: a tensor of any shape.
        target: 1 or -1 per element, of input's shape.
        margin: the margin for the -1 targets.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    name = "hinge_embedding_loss"
    input = ops.tensor_arg(input, name)
    _check_reduction(name, reduction)
    _check_float(name, "input", input)
    t = _index_like_target(name, target, input.shape, f"input of shape {input.shape}")
    zero = Tensor._make(np.zeros(input.shape, dtype=input.dtype))
    loss = ops.where(t != 1, ops.clip(margin - input, min=0.0), zero) + \
        ops.where(t != -1, input, zero)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) with d = pairwise_distance(., ., p, eps) along the
    last dimension; with `swap=True`, d(a, n) is replaced by min(d(a, n), d(p, n)) (ties share
    the gradient evenly, as PyTorch's minimum).

    Args:
        anchor: a tensor (N, D) or (D,).
        positive: a tensor of anchor's shape.
        negative: a tensor of anchor's shape.
        margin: the margin.
        p: the norm's order for the distances.
        eps: added to the differences.
        swap: use the distance swap (see above).
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or (N,) with reduction='none'.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    name = "triplet_margin_loss"
    a, pos, neg = (ops.tensor_arg(t, name) for t in (anchor, positive, negative))
    _check_reduction(name, reduction)
    if not margin > 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    if not a.ndim == pos.ndim == neg.ndim:
        raise ShapeError(f"{name}: the anchor, positive, and negative tensors are expected to have "
                         f"the same number of dimensions, but got shapes {a.shape}, {pos.shape} "
                         f"and {neg.shape}")
    d_pos = pairwise_distance(a, pos, p, eps)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = ops.minimum(d_neg, pairwise_distance(pos, neg, p, eps))
    return _reduce(ops.clip(margin + d_pos - d_neg, min=0.0), reduction)


def poisson_nll_loss(input: Tensor, target: Any, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Poisson target: exp(x) - target * x with `log_input=True`,
    else x - target * log(x + eps). `full=True` adds Stirling's approximation of log(target!),
    target log(target) - target + 0.5 log(2 pi target), where target > 1. Input and target must
    have the same shape; the target may require grad (as in PyTorch its gradient is NaN where
    target is 0 with `full=True`).

    Args:
        input: the predicted rates (their logs with log_input), of any shape.
        target: the counts, of input's shape.
        log_input: input holds log-rates.
        full: add Stirling's approximation of log(target!).
        size_average: PyTorch's deprecated flag (None: use reduction).
        eps: added to input before its log when log_input is False.
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    input, target = _regression_pair("poisson_nll_loss", input, target, reduction)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        t = target.data
        with np.errstate(divide="ignore", invalid="ignore"):  # masked where target <= 1
            stirling = target * ops.log(target) - target + ops.log(target * (2 * math.pi)) * 0.5
            loss = loss + ops.where(t > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def _gaussian_var(name: str, var: Any, input: Tensor) -> Tensor:
    """The variance fitted to the input's shape as PyTorch accepts it: the input's shape, the
    input's shape without its last dimension, or with exactly one dimension of size 1."""
    if isinstance(var, (int, float, np.integer, np.floating)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{name}: var has negative entry/entries, got {var}")
        return Tensor._make(np.full(input.shape, var, dtype=input.dtype))
    var = _tensor(var)
    if var.data.dtype.kind not in "iuf":
        raise TypeError(f"{name}: var must be a number or a numeric tensor, got {_describe(var)}")
    if np.any(var.data < 0):
        raise ValueError(f"{name}: var has negative entry/entries (var of {_describe(var)})")
    var = ops.cast(var, input.dtype)
    if var.shape == input.shape:
        return var
    if input.shape[:-1] == var.shape and input.ndim:
        return ops.unsqueeze(var, -1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ShapeError(f"{name}: var is of incorrect size: var of shape {var.shape} does not fit "
                     f"input of shape {input.shape} (expected the input's shape, the input's "
                     "shape without its last dimension, or the input's shape with one dimension "
                     "of size 1)")


def gaussian_nll_loss(input: Tensor, target: Any, var: Any, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """0.5 (log(max(var, eps)) + (input - target)**2 / max(var, eps)), plus 0.5 log(2 pi) with
    `full=True`: the negative log-likelihood of a Gaussian with mean `input`.

    var: a number, a tensor of the input's shape, of the input's shape without its last dimension
    (one variance per sample), or with one dimension of size 1 (it broadcasts). Negative entries
    are an error. As in PyTorch, var is floored at eps without recording the floor: its gradient
    is the formula's at the floored value. The target has the input's shape, or that shape with
    one dimension of size 1.

    Args:
        input: the predicted means, of any shape.
        target: the observations (see above for its shape).
        var: the predicted variances (see above for its shape).
        full: add the constant 0.5 log(2 pi).
        eps: the floor of var.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.

    Returns:
        A 0-d tensor, or the per-element losses with reduction='none'.
    """
    name = "gaussian_nll_loss"
    input = ops.tensor_arg(input, name)
    _check_float(name, "input", input)
    target = _tensor(target)
    if target.shape != input.shape and not (
            target.ndim == input.ndim and
            sum(1 for i, t in zip(input.shape, target.shape) if i != t) == 1 and
            all(t == 1 for i, t in zip(input.shape, target.shape) if i != t)):
        raise ShapeError(f"{name}: target of {_describe(target)} does not fit input of "
                         f"{_describe(input)}: expected the input's shape, or that shape with one "
                         "dimension of size 1")
    var = _gaussian_var(name, var, input)
    _check_reduction(name, reduction)
    var = _floor_passing_gradient(var, eps)
    d = input - ops.cast(target, input.dtype)
    loss = (ops.log(var) + d * d / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---- attention, 1-D convolution and pooling (defined in nn/_sequence_functional.py) ----------
__all__ += [
    "scaled_dot_product_attention", "multi_head_attention_forward", "conv1d", "max_pool1d",
    "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
]


# ---- group/instance/RMS normalisation, channel dropout and padding modes (PyTorch's) ---------
def _affine_channels(out: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """out * weight + bias with per-channel (axis 1) weight and bias."""
    shape = (1, out.shape[1]) + (1,) * (out.ndim - 2)
    if weight is not None:
        out = out * ops.reshape(weight, shape)
    if bias is not None:
        out = out + ops.reshape(bias, shape)
    return out


def _check_channel_vectors(name: str, input: Tensor, **vectors: Any) -> list:
    channels = input.shape[1]
    checked = []
    for what, t in vectors.items():
        if t is not None:
            t = ops.tensor_arg(t, name)
            if t.shape != (channels,):
                raise ShapeError(f"{name}: {what} of shape {t.shape} does not fit input of shape "
                                 f"{input.shape} ({channels} channels)")
        checked.append(t)
    return checked


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise input (N, C, *) over each of `num_groups` groups of C // num_groups channels
    (with all their spatial positions) with the biased variance, then scale and shift per
    channel by `weight` and `bias`.

    Args:
        input: a tensor (N, C, *).
        num_groups: the number of groups (divides C).
        weight: the per-channel scale (C,), or None.
        bias: the per-channel shift (C,), or None.
        eps: added to the variance for stability.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "group_norm")
    if input.ndim < 2:
        raise ValueError(f"group_norm: expected at least 2 dimensions for input tensor but "
                         f"received {input.ndim}")
    channels = input.shape[1]
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral) or \
            num_groups <= 0 or channels % num_groups:
        raise ValueError(f"group_norm: expected number of channels in input to be divisible by "
                         f"num_groups, but got input of shape {input.shape} and num_groups="
                         f"{num_groups}")
    weight, bias = _check_channel_vectors("group_norm", input, weight=weight, bias=bias)
    n = input.shape[0]
    x, narrow = ops.in_float32(input)
    grouped = ops.reshape(x, (n, int(num_groups), -1))
    centred = grouped - grouped.mean(2, keepdim=True)
    var = (centred * centred).mean(2, keepdim=True)
    out = ops.reshape(centred * (var + eps) ** -0.5, input.shape)
    return _affine_channels(ops.back_to(out, narrow), weight, bias)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample of input (N, C, *) over its spatial positions.

    With `use_input_stats` the per-instance mean and biased variance normalise, and the running
    statistics (when given) are updated in place with the batch averages of the per-instance
    mean and unbiased variance; without, the running statistics normalise.

    Args:
        input: a tensor (N, C, *).
        running_mean: a tensor (C,), or None.
        running_var: a tensor (C,), or None.
        weight: the per-channel scale (C,), or None.
        bias: the per-channel shift (C,), or None.
        use_input_stats: normalise with each instance's statistics (else the running ones).
        momentum: the running statistics' update factor.
        eps: added to the variance for stability.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "instance_norm")
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *spatial), got "
                         f"{input.shape}")
    running_mean, running_var, weight, bias = _check_channel_vectors(
        "instance_norm", input, running_mean=running_mean, running_var=running_var,
        weight=weight, bias=bias)
    axes = tuple(range(2, input.ndim))
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if use_input_stats:
        count = math.prod(input.shape[2:])
        if count <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element when "
                             f"training, got input of shape {input.shape}")
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean.data.mean(0), var.data.mean(0),
                            count, momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: expected running_mean and running_var to be "
                             "defined when use_input_stats is False")
        centred = input - Tensor._make(running_mean.data.reshape(shape))
        var = Tensor._make(running_var.data.reshape(shape))
    return _affine_channels(centred * (var + eps) ** -0.5, weight, bias)


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x**2) + eps) * weight over the trailing `normalized_shape` axes; eps=None
    means the machine epsilon of input's dtype (torch.finfo(dtype).eps), as PyTorch.

    Args:
        input: a tensor (*, *normalized_shape).
        normalized_shape: the trailing shape to normalise over (an int or a tuple).
        weight: the elementwise scale, of normalized_shape, or None.
        eps: added to the mean square (None: the dtype's machine epsilon).

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "rms_norm")
    try:
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
            else tuple(int(s) for s in normalized_shape)
    except TypeError:
        raise TypeError(f"rms_norm: normalized_shape must be an int or a sequence of ints, got "
                        f"{normalized_shape!r}") from None
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ShapeError(f"rms_norm: normalized_shape {shape} does not match the trailing "
                         f"dimensions of input of shape {input.shape}")
    if weight is not None:
        weight = ops.tensor_arg(weight, "rms_norm")
        if tuple(weight.shape) != shape:
            raise ShapeError(f"rms_norm: weight of shape {weight.shape} does not fit "
                             f"normalized_shape {shape}")
    if eps is None:
        eps = float(np.finfo(input.data.dtype if input.data.dtype.kind == "f"
                             else np.float64).eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    x, narrow = ops.in_float32(input)
    out = ops.back_to(x * ((x * x).mean(axes, keepdim=True) + eps) ** -0.5, narrow)
    if weight is not None:
        out = out * weight
    return out


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout: zero whole channels input[i, j] with probability p and scale the rest by
    1/(1-p). As PyTorch, a 3-D input is taken as (N, C, L) (with a warning), and other than 3-D or
    4-D input is deprecated (a warning).

    Args:
        input: a tensor (N, C, H, W) (a 3-D input is taken as (N, C, L), with a warning).
        p: the probability of zeroing a channel.
        training: apply dropout (else return input unchanged).
        inplace: write the result into input's array.

    Returns:
        A tensor of input's shape and dtype.
    """
    input = ops.tensor_arg(input, "dropout2d")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or \
            not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      "deprecated and will result in an error in a future release. To retain "
                      "the behavior and silence this warning, please use dropout instead.",
                      stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.", stacklevel=2)
    if not training or p == 0.0:
        return input
    if input.ndim < 2:
        return dropout(input, p, training, inplace)
    dtype = input.data.dtype if input.data.dtype.kind == "f" else np.dtype(np.float64)
    if p == 1.0:
        keep = np.zeros(input.shape[:2] + (1,) * (input.ndim - 2), dtype=bool)
        scale = 0.0
    else:
        draw = dtype if dtype in (np.float32, np.float64) else np.float64
        keep = creation.generator().random(input.shape[:2] + (1,) * (input.ndim - 2),
                                           dtype=draw) >= p
        scale = 1.0 / (1.0 - p)
    mask = Tensor._make(keep * dtype.type(scale))
    mask.name = "dropout mask"  # how am.viz labels this constant
    if inplace:
        return ops.elementwise_in_place(input, "dropout2d_", lambda old: old * mask,
                                        lambda a: np.multiply(a, mask.data, out=a))
    return input * mask


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _pad_indices(mode: str, n: int, before: int, after: int) -> np.ndarray:
    i = np.arange(-before, n + after)
    if mode == "reflect":
        i = np.abs(i)
        return np.where(i >= n, 2 * (n - 1) - i, i)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    # circular: crop first, then wrap around what is left (as PyTorch)
    lo, hi = max(-before, 0), max(-after, 0)
    kept = n - lo - hi
    return lo + np.mod(np.arange(-max(before, 0), kept + max(after, 0)), kept)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """torch.nn.functional.pad: `pad` = (left, right) for the last dimension, then (top, bottom)
    for the one before, and so on. 'constant' fills with `value` (0 if None) and negative widths
    crop; 'reflect' mirrors without repeating the edge (widths < the size), 'replicate' repeats
    the edge, 'circular' wraps around (widths <= the size); these three pad the last 1, 2 or 3
    dimensions of a (N, C, ...) or (C, ...) input. Differentiable to any order (slicing, constant
    padding and index_select).

    Args:
        input: a tensor.
        pad: widths (left, right, top, bottom, ...) from the last dimension backward (an even number
            of ints).
        mode: 'constant', 'reflect', 'replicate' or 'circular'.
        value: the fill value for 'constant' (None: 0).

    Returns:
        A tensor padded in the last len(pad) // 2 dimensions.

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.functional.pad(am.ones(1, 2), (1, 2))
        tensor([[0., 1., 1., 0., 0.]])
    """
    input = ops.tensor_arg(input, "pad")
    try:
        widths = [int(w) for w in pad]
    except TypeError:
        raise TypeError(f"pad: pad must be a sequence of ints, got {pad!r}") from None
    if len(widths) % 2:
        raise ValueError(f"pad: padding length must be divisible by 2, got {len(widths)}")
    if len(widths) // 2 > input.ndim:
        raise ValueError(f"pad: padding length ({len(widths)}) too large for an input of "
                         f"{input.ndim} dimensions")
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r}; expected one of "
                                  f"{_PAD_MODES}")
    pairs = [(input.ndim - 1 - j, widths[2 * j], widths[2 * j + 1])
             for j in range(len(widths) // 2)]
    if mode == "constant":
        fill = 0.0 if value is None else value
        out = input
        if any(b < 0 or a < 0 for _, b, a in pairs):
            index = [slice(None)] * input.ndim
            for d, b, a in pairs:
                index[d] = slice(max(-b, 0), input.shape[d] - max(-a, 0))
            out = out[tuple(index)]
        for d, b, a in pairs:
            if out.shape[d] + max(b, 0) + max(a, 0) < 0 or input.shape[d] + b + a < 0:
                raise ValueError(f"pad: the padded size of dimension {d} would be negative "
                                 f"(input of shape {input.shape}, pad {tuple(widths)})")
        if any(b > 0 or a > 0 for _, b, a in pairs):
            full = [(0, 0)] * input.ndim
            for d, b, a in pairs:
                full[d] = (max(b, 0), max(a, 0))
            out = ops.pad(out, full, value=fill)
        return out
    if value is not None and value != 0:
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in value argument")
    k = len(pairs)
    if not 1 <= k <= 3 or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"pad: only 2D, 3D, 4D, 5D padding with non-constant padding "
                                  f"are supported for now; got {mode!r} padding {tuple(widths)} "
                                  f"of input of shape {input.shape}")
    out = input
    for d, b, a in pairs:
        n = input.shape[d]
        if mode == "reflect" and (b >= n or a >= n):
            raise ValueError(f"pad: padding size should be less than the corresponding input "
                             f"dimension, but got padding ({b}, {a}) at dimension {d} of input "
                             f"{input.shape}")
        if mode == "circular" and (b > n or a > n):
            raise ValueError(f"pad: padding value ({b}, {a}) must be no larger than the size "
                             f"{n} of dimension {d} of input {input.shape} for circular padding")
        if mode == "replicate" and n == 0 and (b > 0 or a > 0):
            raise ValueError(f"pad: cannot replicate-pad the empty dimension {d} of input "
                             f"{input.shape}")
        if n + b + a < 0 or (mode == "circular" and n - max(-b, 0) - max(-a, 0) <= 0):
            raise ValueError(f"pad: the padded size of dimension {d} would be negative "
                             f"(input of shape {input.shape}, pad {tuple(widths)})")
        out = ops.index_select(out, d, _pad_indices(mode, n, b, a))
    return out


__all__ += ["group_norm", "instance_norm", "rms_norm", "dropout2d", "pad"]


def ctc_loss(log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss of log_probs (T, N, C) against padded (N, S)
    or concatenated targets, as torch's F.ctc_loss (one fused primitive, see `nn._ctc`).

    Args:
        log_probs: log-probabilities (T, N, C) (or (T, C) unbatched), from log_softmax over C.
        targets: class indices, (N, S) padded or 1-D concatenated (blank excluded).
        input_lengths: the length of each input, (N,) (each <= T).
        target_lengths: the length of each target, (N,).
        blank: the blank label's index.
        reduction: 'none' (per sample), 'mean' (each divided by its target length, then averaged) or
            'sum'.
        zero_infinity: replace infinite losses (impossible alignments) and their gradients by zero.

    Returns:
        A 0-d tensor, or (N,) with reduction='none'.
    """
    from ._ctc import ctc_loss as _ctc_loss  # (nn._ctc imports nothing from this module)

    return _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
                     zero_infinity)


__all__ += ["ctc_loss"]
