"""RMSprop."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, _check_number


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), PyTorch's algorithm:

    ```text
    g <- -g                                   if maximize
    g <- g + weight_decay * p                 if weight_decay != 0
    v <- alpha * v + (1 - alpha) * g**2
    if centered: a <- alpha * a + (1 - alpha) * g;  d = sqrt(v - a**2) + eps
    else:        d = sqrt(v) + eps
    if momentum > 0: b <- momentum * b + g / d;  p <- p - lr * b
    else:            p <- p - lr * g / d
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        alpha: smoothing constant of the squared-gradient average.
        eps: added to the denominator, after the square root.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor.
        centered: normalise by an estimate of the gradient's variance.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "maximize": maximize}
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_number("learning rate (lr)", group["lr"])
        _check_number("alpha", group["alpha"])
        _check_number("epsilon value (eps)", group["eps"])
        _check_number("weight_decay", group["weight_decay"])
        _check_number("momentum", group["momentum"])

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        alpha = group["alpha"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        v = state["square_avg"]
        buf = self._buffer(param)
        v *= alpha
        np.multiply(grad, grad, out=buf)
        buf *= 1.0 - alpha
        v += buf
        if group["centered"]:
            a = state.setdefault("grad_avg", np.zeros_like(p))
            a *= alpha
            a += (1.0 - alpha) * grad
            np.multiply(a, a, out=buf)
            np.subtract(v, buf, out=buf)
            np.sqrt(buf, out=buf)
        else:
            np.sqrt(v, out=buf)
        buf += group["eps"]
        if group["momentum"] > 0:
            b = state.setdefault("momentum_buffer", np.zeros_like(p))
            b *= group["momentum"]
            np.divide(grad, buf, out=buf)
            b += buf
            p -= group["lr"] * b
        else:
            np.divide(grad, buf, out=buf)
            buf *= -group["lr"]
            p += buf
