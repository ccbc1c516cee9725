"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, _check_number, required


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's algorithm. For each parameter with a gradient g:

    ```text
    g <- -g                             if maximize
    g <- g + weight_decay * p           if weight_decay != 0
    if momentum != 0:
        b <- g                          on the parameter's first step
        b <- momentum * b + (1 - dampening) * g   afterwards
        g <- g + momentum * b           if nesterov, else g <- b
    p <- p - lr * g
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate (required).
        momentum: momentum factor.
        dampening: dampening of the momentum (0 with nesterov).
        weight_decay: L2 penalty added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend instead of descend.

    Examples:
        >>> import autograd_mini as am
        >>> w = am.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = am.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w ** 2).sum().backward()  # grad = 2 w
        >>> opt.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
        >>> opt.zero_grad()  # .grad back to None before the next backward
    """

    def __init__(self, params: Iterable[Any], lr: float = required, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_number("learning rate (lr)", group["lr"])
        _check_number("momentum", group["momentum"])
        _check_number("dampening", group["dampening"])
        _check_number("weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"invalid nesterov: Nesterov momentum needs momentum > 0 and "
                             f"dampening = 0, got momentum={group['momentum']} and "
                             f"dampening={group['dampening']}")

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        state["step"] = state.get("step", 0) + 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=p.dtype, copy=True)
            else:
                buf *= momentum
                buf += (1.0 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        p -= group["lr"] * grad
