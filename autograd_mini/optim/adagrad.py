"""Adagrad."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_eps, check_lr, check_range, check_weight_decay
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), PyTorch's algorithm. With t the parameter's own step count:

    ```text
    g <- -g                                   if maximize
    g <- g + weight_decay * p                 if weight_decay != 0
    lr_t = lr / (1 + (t - 1) * lr_decay)
    sum <- sum + g**2
    p <- p - lr_t * g / (sqrt(sum) + eps)
    ```

    As in PyTorch, the state of every parameter given to the constructor ('step' = 0 and 'sum'
    filled with initial_accumulator_value) is created by the constructor, and the accumulator
    starts at the optimizer's initial_accumulator_value (the constructor's argument), whatever a
    param group says.

    Args:
        params: Tensors or param-group dicts.
        lr: learning rate.
        lr_decay: learning-rate decay per step.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: starting value of the sum of squared gradients.
        eps: added to the denominator, after the square root.
        foreach: accepted for PyTorch compatibility; there is one implementation.
        maximize: ascend instead of descend.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "maximize": maximize}
        self._validate_group(dict(defaults))
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self._initial_state(p)

    def _validate_group(self, group: dict[str, Any]) -> None:
        check_lr(group["lr"])
        check_range("Invalid lr_decay value", group["lr_decay"])
        check_weight_decay(group["weight_decay"])
        check_range("Invalid initial_accumulator_value value",
                    group["initial_accumulator_value"])
        check_eps(group["eps"])

    def _initial_state(self, param: Tensor) -> dict[str, Any]:
        value = self.defaults["initial_accumulator_value"]
        return {"step": 0, "sum": np.full_like(param.data, value)}

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        p = param.data
        if not state:  # a parameter added by add_param_group after construction
            state.update(self._initial_state(param))
        step = state["step"] = state["step"] + 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = state["sum"]
        buf = self._buffer(param)
        np.multiply(grad, grad, out=buf)
        total += buf
        std = np.sqrt(total)
        std += group["eps"]
        np.multiply(grad, -clr, out=buf)  # (torch's addcdiv order: value * g / std)
        buf /= std
        p += buf
