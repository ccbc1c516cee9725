"""Weight initialisation, in place, from the global stream (`am.manual_seed`) or a `generator=`.

Each function fills `tensor.data` in place (outside the graph, bumping the tensor's version) and
returns the tensor, as PyTorch's `torch.nn.init` does. Fans for a weight of shape
(out, in, *kernel) are fan_in = in * prod(kernel) and fan_out = out * prod(kernel).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _random
from ..tensor import Tensor

if TYPE_CHECKING:
    from ..creation import Generator

__all__ = [
    "calculate_gain", "uniform_", "normal_", "zeros_", "ones_", "constant_", "xavier_uniform_",
    "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]


def _fill(tensor: Tensor, values: Any) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a Tensor, got {type(tensor).__name__}")
    np.copyto(tensor.data, values, casting="unsafe")
    tensor._bump_version()
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh,
    sqrt(2) for relu, sqrt(2 / (1 + slope**2)) for leaky_relu (slope 0.01 by default), 3/4 for
    selu.

    Args:
        nonlinearity: the function's name ("relu", "tanh", "leaky_relu", "linear", ...).
        param: the negative slope of leaky_relu.

    Returns:
        The gain, a float.

    Examples:
        >>> import autograd_mini as am
        >>> am.nn.init.calculate_gain("tanh")
        1.6666666666666667
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got "
                         f"shape {tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Generator | None = None) -> Tensor:
    """Fill with samples from U(a, b) (from `generator`, an am.Generator, or the global
    stream).

    Args:
        tensor: the tensor to fill, in place.
        a: the lower bound.
        b: the upper bound.
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.
    """
    if a > b:
        raise ValueError(f"uniform_: lower bound a={a} is greater than upper bound b={b}")
    rng = _random.numpy_generator(generator, "uniform_")
    return _fill(tensor, rng.uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill with samples from N(mean, std**2) (from `generator` or the global stream).

    Args:
        tensor: the tensor to fill, in place.
        mean: the mean.
        std: the standard deviation.
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.
    """
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    rng = _random.numpy_generator(generator, "normal_")
    return _fill(tensor, rng.normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill `tensor` with `val`, in place and without recording.

    Args:
        tensor: the tensor to fill (any shape).
        val: the value.

    Returns:
        `tensor`.
    """
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with zeros, in place and without recording.

    Args:
        tensor: the tensor to fill (any shape).

    Returns:
        `tensor`.
    """
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with ones, in place and without recording.

    Args:
        tensor: the tensor to fill (any shape).

    Returns:
        `tensor`.
    """
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).

    Args:
        tensor: the tensor to fill, in place (a weight of shape (out, in, *kernel) for the fans).
        gain: a scaling factor (see `calculate_gain`).
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.

    Examples:
        >>> import autograd_mini as am
        >>> w = am.nn.init.xavier_uniform_(am.empty(3, 5))
        >>> bool((w.abs() <= (6 / (5 + 3)) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with N(0, std**2), std = gain * sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio).

    Args:
        tensor: the tensor to fill, in place (a weight of shape (out, in, *kernel) for the fans).
        gain: a scaling factor (see `calculate_gain`).
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Generator | None = None) -> Tensor:
    """Fill with U(-bound, bound), bound = gain * sqrt(3 / fan) (He et al., 2015); gain from
    `calculate_gain(nonlinearity, a)`.

    Args:
        tensor: the tensor to fill, in place (a weight of shape (out, in, *kernel) for the fans).
        a: the negative slope of the leaky_relu that follows (for the gain).
        mode: "fan_in" (keeps the forward pass's variance) or "fan_out" (the backward's).
        nonlinearity: the nonlinearity's name, for `calculate_gain`.
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.
    """
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Generator | None = None) -> Tensor:
    """Fill with N(0, std**2), std = gain / sqrt(fan) (He et al., 2015).

    Args:
        tensor: the tensor to fill, in place (a weight of shape (out, in, *kernel) for the fans).
        a: the negative slope of the leaky_relu that follows (for the gain).
        mode: "fan_in" (keeps the forward pass's variance) or "fan_out" (the backward's).
        nonlinearity: the nonlinearity's name, for `calculate_gain`.
        generator: the `am.Generator` to draw from (default: the global stream).

    Returns:
        `tensor`.
    """
    gain = calculate_gain(nonlinearity, a)
    return normal_(tensor, 0.0, gain / math.sqrt(_fan(tensor, mode)), generator)
