"""RAdam."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_betas, check_eps, check_lr, check_weight_decay, lerp_
from .optimizer import Optimizer


class RAdam(Optimizer):
    r"""RAdam, rectified Adam (Liu et al., 2020), PyTorch's algorithm. With t the parameter's own
    step count:

    ```text
    g <- -g                                   if maximize
    p <- p * (1 - lr * weight_decay)          if decoupled_weight_decay (RAdamW)
    g <- g + weight_decay * p                 otherwise, if weight_decay != 0
    m <- beta1 * m + (1 - beta1) * g                      ('exp_avg')
    v <- beta2 * v + (1 - beta2) * g**2                   ('exp_avg_sq')
    m_hat = m / (1 - beta1**t)
    rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    if rho_t > 5:
        r = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
        p <- p - lr * m_hat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
    else:
        p <- p - lr * m_hat                   (plain momentum while the variance is unreliable)
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        betas: (beta1, beta2), each in [0, 1).
        eps: added to the denominator, after the square root.
        weight_decay: weight decay, L2 (added to the gradient) or decoupled.
        decoupled_weight_decay: decay the parameter directly, as AdamW does.
        foreach: accepted for PyTorch compatibility; there is one implementation.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
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
            state["exp_avg_sq"] = np.zeros_like(p)
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        lr, decay = group["lr"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if decay:
            if group["decoupled_weight_decay"]:
                p *= 1.0 - lr * decay
            else:
                grad = grad + decay * p
        m, v = state["exp_avg"], state["exp_avg_sq"]
        buf = self._buffer(param)
        lerp_(m, grad, 1.0 - beta1, buf)
        v *= beta2
        np.multiply(grad, 1.0 - beta2, out=buf)  # (torch's addcmul order: value * g * g)
        buf *= grad
        v += buf
        bias_correction1 = 1.0 - beta1 ** step
        bias_correction2 = 1.0 - beta2 ** step
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * step * (beta2 ** step) / bias_correction2
        np.divide(m, bias_correction1, out=buf)  # m_hat
        buf *= lr
        if rho_t > 5.0:
            rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)) ** 0.5
            adaptive = np.sqrt(v)
            adaptive += group["eps"]
            np.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
            buf *= adaptive
            buf *= rect
        p -= buf
