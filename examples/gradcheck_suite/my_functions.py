"""Functions a user might add to autograd_mini: custom `am.autograd.Function`s with hand-written
backward passes, and one plain composite. `test_my_functions.py` next to this file checks them.

Each backward is written with Tensor operations (not NumPy), so it is itself differentiable and
second derivatives (`create_graph=True`, `am.gradgradcheck`) work too.
"""

from __future__ import annotations

import numpy as np

import autograd_mini as am


class Softplus(am.autograd.Function):
    """softplus(x) = log(1 + exp(x)), computed stably as logaddexp(0, x); d/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sigmoid()


class Hypot(am.autograd.Function):
    """sqrt(x^2 + y^2) elementwise, with NumPy broadcasting between x and y.

    The backward returns gradients in the broadcast (output) shape; the engine sums them back to
    each input's shape, exactly as for the built-in operations.
    """

    @staticmethod
    def forward(ctx, x, y):
        r = np.hypot(x.data, y.data)
        ctx.save_for_backward(x, y, r)
        return r

    @staticmethod
    def backward(ctx, grad):
        x, y, r = ctx.saved_tensors
        return grad * x / r, grad * y / r


def swish(x: am.Tensor, beta: float = 1.0) -> am.Tensor:
    """x * sigmoid(beta x): a composite of built-in ops, so its gradient needs no code at all."""
    return x * (beta * x).sigmoid()


class BuggySoftplus(am.autograd.Function):
    """Softplus with a classic mistake: the backward forgets to multiply by the incoming gradient.

    It agrees with the correct gradient whenever the upstream gradient is all ones (`y.sum()`), which
    is why hand-testing with a sum hides it; gradcheck, which seeds every output separately, does not.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return x.sigmoid()
