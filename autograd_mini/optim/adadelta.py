"""Adadelta."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_eps, check_lr, check_range, check_weight_decay
from .optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), PyTorch's algorithm:

    ```text
    g <- -g                                   if maximize
    g <- g + weight_decay * p                 if weight_decay != 0
    v <- rho * v + (1 - rho) * g**2                       ('square_avg')
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u <- rho * u + (1 - rho) * delta**2                   ('acc_delta')
    p <- p - lr * delta
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: coefficient that scales delta before it is applied.
        rho: decay rate of the running averages, in [0, 1].
        eps: added inside both square roots.
        weight_decay: L2 penalty added to the gradient.
        foreach: accepted for PyTorch compatibility; there is one implementation.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0.0, foreach: bool | None = None, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        self._validate_group(dict(defaults))
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        check_lr(group["lr"])
        check_range("Invalid rho value", group["rho"], 0.0, 1.0)
        check_eps(group["eps"])
        check_weight_decay(group["weight_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            state["acc_delta"] = np.zeros_like(p)
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        v, u = state["square_avg"], state["acc_delta"]
        buf = self._buffer(param)
        v *= rho
        np.multiply(grad, 1.0 - rho, out=buf)  # (torch's addcmul order: value * g * g)
        buf *= grad
        v += buf
        std = np.add(v, eps)
        np.sqrt(std, out=std)
        np.add(u, eps, out=buf)
        np.sqrt(buf, out=buf)
        buf /= std
        buf *= grad  # buf is delta
        u *= rho
        np.multiply(buf, 1.0 - rho, out=std)
        std *= buf
        u += std
        buf *= -group["lr"]
        p += buf
