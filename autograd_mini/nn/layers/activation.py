"""Activation layers: thin Modules over `nn.functional`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import _device, _dtypes
from ...tensor import Tensor
from .. import functional as F
from .. import init as _init
from ..module import Module
from ..parameter import Parameter


class _InplaceActivation(Module):
    """An elementwise activation whose one setting is `inplace` (write the result into the input's
    array): the module calls `function(input, inplace=...)`."""

    function: Any  # the nn.functional function, set by each subclass
    shows_inplace = True  # PyTorch's repr says `inplace=True` (Hardsigmoid's and Hardswish's do not)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply the activation elementwise; the result has the input's shape (any shape)."""
        return type(self).function(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return "inplace=True" if self.inplace and self.shows_inplace else ""


class ReLU(_InplaceActivation):
    """The rectified linear unit, elementwise: max(x, 0); with `inplace=True` written into the input's
    array (see `Tensor.relu_`).

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    function = staticmethod(F.relu)


class LeakyReLU(Module):
    """The leaky rectified linear unit, elementwise: x where x > 0, else negative_slope * x.

    Args:
        negative_slope: the slope for x < 0.
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply LeakyReLU elementwise; the result has the input's shape (any shape)."""
        return F.leaky_relu(input, self.negative_slope, inplace=self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + exp(-x))."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply Sigmoid elementwise; the result has the input's shape (any shape)."""
        return F.sigmoid(input)


class Tanh(Module):
    """tanh(x), elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply Tanh elementwise; the result has the input's shape (any shape)."""
        return F.tanh(input)


class GELU(Module):
    """The Gaussian error linear unit, elementwise: x * Phi(x) (approximate='none', with erf) or its tanh
    approximation.

    Args:
        approximate: "none" (exact, with erf) or "tanh".

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        """Apply GELU elementwise; the result has the input's shape (any shape)."""
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x)."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply SiLU elementwise; the result has the input's shape (any shape)."""
        return F.silu(input)


class Softplus(Module):
    """A smooth approximation of ReLU, elementwise: log(1 + exp(beta x)) / beta, linear above
    `threshold`.

    Args:
        beta: the sharpness (larger: closer to ReLU).
        threshold: above beta * x > threshold the function is x itself, for stability.

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        """Apply Softplus elementwise; the result has the input's shape (any shape)."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """Softmax along `dim`: the values of each slice are positive and sum to one.

    Args:
        dim: the dimension to normalise over (None: PyTorch's legacy choice, with a warning).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """Softmax of `input` along `dim`; the result has the input's shape."""
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """The logarithm of softmax along a dimension, computed stably: log_softmax along `dim`.

    Args:
        dim: the dimension to normalise over (None: PyTorch's legacy choice, with a warning).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """LogSoftmax of `input` along `dim`; the result has the input's shape."""
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"dim={self.dim}"


def _inplace_suffix(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class ELU(Module):
    """The exponential linear unit, elementwise: x where x > 0, else alpha * (exp(x) - 1).

    Args:
        alpha: the value approached as x -> -inf is -alpha.
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply ELU elementwise; the result has the input's shape (any shape)."""
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"alpha={self.alpha}{_inplace_suffix(self.inplace)}"


class SELU(Module):
    """The scaled exponential linear unit (self-normalising), elementwise: scale * elu(x, alpha) with
    PyTorch's self-normalising constants.

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply SELU elementwise; the result has the input's shape (any shape)."""
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return "inplace=True" if self.inplace else ""


class CELU(Module):
    """The continuously differentiable exponential linear unit, elementwise: max(0, x) + min(0, alpha *
    (exp(x / alpha) - 1)).

    Args:
        alpha: the scale of the negative part.
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply CELU elementwise; the result has the input's shape (any shape)."""
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"alpha={self.alpha}{_inplace_suffix(self.inplace)}"


class Hardtanh(Module):
    """Clamp elementwise into [min_val, max_val] (gradient 0 at the bounds, as PyTorch).

    Args:
        min_val: the lower bound.
        max_val: the upper bound.
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val cannot be greater than max_val, got "
                             f"min_val={min_val} and max_val={max_val}")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply Hardtanh elementwise; the result has the input's shape (any shape)."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self.inplace)}"


class ReLU6(Hardtanh):
    """ReLU capped at 6, elementwise: min(max(x, 0), 6): Hardtanh(0, 6), as PyTorch.

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return "inplace=True" if self.inplace else ""


class Hardsigmoid(_InplaceActivation):
    """A piecewise-linear sigmoid, elementwise: relu6(x + 3) / 6.

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    function = staticmethod(F.hardsigmoid)
    shows_inplace = False


class Hardswish(_InplaceActivation):
    """A piecewise approximation of SiLU, elementwise: x * relu6(x + 3) / 6.

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    function = staticmethod(F.hardswish)
    shows_inplace = False


class Mish(_InplaceActivation):
    """The Mish activation, elementwise: x * tanh(softplus(x)).

    Args:
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    function = staticmethod(F.mish)


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply Softsign elementwise; the result has the input's shape (any shape)."""
        return F.softsign(input)


class LogSigmoid(Module):
    """log(sigmoid(x)), stable."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply LogSigmoid elementwise; the result has the input's shape (any shape)."""
        return F.logsigmoid(input)


class Softmin(Module):
    """Softmin along a dimension: softmax of -x: softmax(-x) along `dim`.

    Args:
        dim: the dimension to normalise over.

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """Softmin of `input` along `dim`; the result has the input's shape."""
        return F.softmin(input, self.dim)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"dim={self.dim}"


class GLU(Module):
    """The gated linear unit: a * sigmoid(b) for the two halves a, b of the input along `dim`.

    Args:
        dim: the dimension to split in two (its size must be even).

    Shape:
        - input: any shape.
        - output: the input's shape with `dim` halved.
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """GLU of `input`: its size along `dim` (even) is halved in the result."""
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"dim={self.dim}"


class PReLU(Module):
    """x where x > 0, else a * x, with a learnable slope a: one shared (num_parameters=1) or one
    per channel (the input's axis 1), each starting at `init`.

    Args:
        num_parameters: 1 or the number of input channels.
        init: the slopes' initial value (0.25, as PyTorch).
        dtype: the parameter's dtype (the default dtype unless set).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, (int, np.integer)) \
                or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive int, got "
                             f"{num_parameters!r}")
        _device.check_device(device, "PReLU")
        self.num_parameters = int(num_parameters)
        self.init = init
        self.weight = Parameter(np.full((self.num_parameters,), init,
                                        dtype=dtype or _dtypes.get_default_dtype()))

    def reset_parameters(self) -> None:
        """Set every slope back to `init`."""
        _init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        """PReLU of `input`: shape (N, C, ...), or any shape with one slope; the result has its shape."""
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"num_parameters={self.num_parameters}"


class Tanhshrink(Module):
    """x - tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        """Apply Tanhshrink elementwise; the result has the input's shape (any shape)."""
        return F.tanhshrink(input)


class Threshold(Module):
    """Replace the values at or below a threshold, elementwise: x where x > threshold, else value.

    Args:
        threshold: the threshold.
        value: the value that replaces x where x <= threshold.
        inplace: write the result into the input's array (no copy).

    Shape:
        - input: any shape.
        - output: the input's shape.
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Apply Threshold elementwise; the result has the input's shape (any shape)."""
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self.inplace)}"
