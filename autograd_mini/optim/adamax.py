"""Adamax."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_betas, check_eps, check_lr, check_weight_decay, lerp_
from .optimizer import Optimizer


class Adamax(Optimizer):
    r"""Adamax, Adam with the infinity norm (Kingma & Ba, 2015), PyTorch's algorithm. With t the
    parameter's own step count:

    ```text
    g <- -g                                   if maximize
    g <- g + weight_decay * p                 if weight_decay != 0
    m <- beta1 * m + (1 - beta1) * g                      ('exp_avg')
    u <- max(beta2 * u, |g| + eps)                        ('exp_inf')
    p <- p - (lr / (1 - beta1**t)) * m / u
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        betas: (beta1, beta2), each in [0, 1).
        eps: added to |g| before the maximum.
        weight_decay: L2 penalty added to the gradient.
        foreach: accepted for PyTorch compatibility; there is one implementation.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        self._validate_group(dict(defaults))
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        check_lr(group["lr"])
        check_eps(group["eps"])
        check_betas(group)
        check_weight_decay(group["weight_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_inf"] = np.zeros_like(p)
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        m, u = state["exp_avg"], state["exp_inf"]
        buf = self._buffer(param)
        lerp_(m, grad, 1.0 - beta1, buf)
        u *= beta2
        np.abs(grad, out=buf)
        buf += group["eps"]
        np.maximum(u, buf, out=u)
        clr = group["lr"] / (1.0 - beta1 ** step)
        np.multiply(m, -clr, out=buf)
        buf /= u
        p += buf
