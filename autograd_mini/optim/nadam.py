"""NAdam."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_betas, check_eps, check_lr, check_range, check_weight_decay, lerp_
from .optimizer import Optimizer


class NAdam(Optimizer):
    r"""NAdam, Adam with Nesterov momentum (Dozat, 2016), PyTorch's algorithm. With t the
    parameter's own step count and psi = momentum_decay:

    ```text
    g <- -g                                   if maximize
    p <- p * (1 - lr * weight_decay)          if decoupled_weight_decay (NAdamW)
    g <- g + weight_decay * p                 otherwise, if weight_decay != 0
    mu_t = beta1 * (1 - 0.5 * 0.96**(t * psi));  mu_next = beta1 * (1 - 0.5 * 0.96**((t+1) * psi))
    P <- P * mu_t                                         ('mu_product', from 1)
    m <- beta1 * m + (1 - beta1) * g                      ('exp_avg')
    v <- beta2 * v + (1 - beta2) * g**2                   ('exp_avg_sq')
    d = sqrt(v / (1 - beta2**t)) + eps
    p <- p - lr * (1 - mu_t) / (1 - P) * g / d - lr * mu_next / (1 - P * mu_next) * m / d
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        betas: (beta1, beta2), each in [0, 1).
        eps: added to the denominator, after the square root.
        weight_decay: weight decay, L2 (added to the gradient) or decoupled.
        momentum_decay: psi above.
        decoupled_weight_decay: decay the parameter directly, as AdamW does.
        foreach: accepted for PyTorch compatibility; there is one implementation.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        self._validate_group(dict(defaults))
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        check_lr(group["lr"])
        check_eps(group["eps"])
        check_betas(group)
        check_weight_decay(group["weight_decay"])
        check_range("Invalid momentum_decay value", group["momentum_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["mu_product"] = 1.0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        lr, decay, psi = group["lr"], group["weight_decay"], group["momentum_decay"]
        if group["maximize"]:
            grad = -grad
        if decay:
            if group["decoupled_weight_decay"]:
                p *= 1.0 - lr * decay
            else:
                grad = grad + decay * p
        bias_correction2 = 1.0 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        mu_product = state["mu_product"] = float(state["mu_product"]) * mu
        mu_product_next = mu_product * mu_next
        m, v = state["exp_avg"], state["exp_avg_sq"]
        buf = self._buffer(param)
        lerp_(m, grad, 1.0 - beta1, buf)
        v *= beta2
        np.multiply(grad, 1.0 - beta2, out=buf)  # (torch's addcmul order: value * g * g)
        buf *= grad
        v += buf
        denom = np.divide(v, bias_correction2)
        np.sqrt(denom, out=denom)
        denom += group["eps"]
        np.multiply(grad, -lr * (1.0 - mu) / (1.0 - mu_product), out=buf)
        buf /= denom
        p += buf
        np.multiply(m, (-lr * mu_next) / (1.0 - mu_product_next), out=buf)
        buf /= denom
        p += buf
