"""Adam and AdamW."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, _check_number


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), PyTorch's algorithm. With t the parameter's own step count:

    ```text
    g <- -g                                   if maximize
    g <- g + weight_decay * p                 (L2 added to the gradient; see AdamW)
    m <- beta1 * m + (1 - beta1) * g
    v <- beta2 * v + (1 - beta2) * g**2
    v_max <- max(v_max, v)                    if amsgrad (then v_max replaces v below)
    p <- p - (lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    ```

    that is p - lr * m_hat / (sqrt(v_hat) + eps): eps is added after the square root.

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        betas: (beta1, beta2), the decay rates of the moment estimates.
        eps: added to the denominator.
        weight_decay: L2 penalty added to the gradient.
        amsgrad: use the maximum of the second moments so far (Reddi et al., 2018).
        maximize: ascend instead of descend.

    Examples:
        >>> import autograd_mini as am
        >>> w = am.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = am.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()  # the first step moves each weight by about lr, whatever its gradient
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize}
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_number("learning rate (lr)", group["lr"])
        _check_number("epsilon value (eps)", group["eps"])
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"invalid betas: {betas!r} (expected a pair)")
        group["betas"] = tuple(betas)
        _check_number("beta parameter at index 0 (betas[0])", betas[0], 0.0, 1.0)
        _check_number("beta parameter at index 1 (betas[1])", betas[1], 0.0, 1.0)
        _check_number("weight_decay", group["weight_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        lr, decay = group["lr"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if decay:
            if self._decoupled:
                p *= 1.0 - lr * decay
            else:
                grad = grad + decay * p
        m, v = state["exp_avg"], state["exp_avg_sq"]
        buf = self._buffer(param)
        m *= beta1
        np.multiply(grad, 1.0 - beta1, out=buf)
        m += buf
        v *= beta2
        np.multiply(grad, grad, out=buf)
        buf *= 1.0 - beta2
        v += buf
        if group["amsgrad"]:
            v = state.setdefault("max_exp_avg_sq", np.zeros_like(p))
            np.maximum(v, state["exp_avg_sq"], out=v)
        np.sqrt(v, out=buf)
        buf /= math.sqrt(1.0 - beta2 ** step)
        buf += group["eps"]
        np.divide(m, buf, out=buf)
        buf *= -(lr / (1.0 - beta1 ** step))
        p += buf


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's algorithm:
    before the Adam update (without any L2 term in the gradient),

    ```text
    p <- p * (1 - lr * weight_decay)
    ```

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        betas: (beta1, beta2), the decay rates of the moment estimates.
        eps: added to the denominator.
        weight_decay: the decoupled weight decay (default 1e-2).
        amsgrad: use the maximum of the second moments so far.
        maximize: ascend instead of descend.
    """

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
