"""`Optimizer`: parameter groups, lazily created per-parameter state, and state dicts.

Subclasses implement `_update(param, grad, group, state)`, which changes `param.data` in place
with NumPy arithmetic, outside the graph. Parameters whose `.grad` is None are skipped entirely:
no state is created for them and no weight decay touches them.
"""

from __future__ import annotations

import copy
import functools
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._grad_mode import enable_grad
from ..tensor import Tensor


class _Required:
    """Marks a hyperparameter that has no default and must be given."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def _check_number(name: str, value: Any, low: float = 0.0, high: float | None = None,
                  low_open: bool = False, high_open: bool = True) -> None:
    """A ValueError naming the hyperparameter when value is not a number in the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise ValueError(f"invalid {name}: {value!r} (expected a number)")
    if value < low or (low_open and value == low):
        raise ValueError(f"invalid {name}: {value} (must be {'>' if low_open else '>='} {low})")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"invalid {name}: {value} (must be {'<' if high_open else '<='} {high})")


class Optimizer:
    """Base class of the optimizers, with PyTorch's structure.

    Args:
        params: an iterable of Tensors, or of dicts that each hold 'params' (Tensors) and the
            hyperparameters that differ from `defaults` for that group.
        defaults: the hyperparameters of every group.

    Attributes:
        param_groups: list of dicts, one per group: 'params' plus every hyperparameter.
        state: parameter -> dict of that parameter's state (NumPy arrays and the step count),
            created on its first update.

    Examples:
        A training loop, and per-group hyperparameters:

        >>> import autograd_mini as am
        >>> model = am.nn.Linear(3, 1)
        >>> opt = am.optim.SGD([{"params": [model.weight]},
        ...                     {"params": [model.bias], "lr": 0.01}], lr=0.1)
        >>> x, y = am.randn(8, 3), am.randn(8, 1)
        >>> for _ in range(5):
        ...     opt.zero_grad()
        ...     loss = am.nn.functional.mse_loss(model(x), y)
        ...     loss.backward()
        ...     opt.step()
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.01]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors or of dicts, got a single "
                            "Tensor; wrap it in a list")
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)
        self._scratch: dict[Tensor, np.ndarray] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass's own `step` is wrapped to note that it was called (`_opt_called`), as the
        base class's does, so a scheduler can tell `scheduler.step()` called before
        `optimizer.step()` (PyTorch's warning) with any optimizer."""
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if callable(step) and not getattr(step, "_notes_call", False):
            cls.step = _noting_the_call(step)  # type: ignore[method-assign]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params")
        return "\n".join(lines) + "\n)"

    # -- groups -------------------------------------------------------------------------------
    def _validate_group(self, group: dict[str, Any]) -> None:
        """Subclasses check their hyperparameters here (ValueError naming them)."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (the defaults fill the rest).

        Args:
            param_group: a dict with 'params' (a Tensor or a sequence of them) and any
                hyperparameters that differ from the defaults.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("a param group's params must be an ordered sequence, not a set (the "
                            "order defines the state dict)")
        params = list(params) if params is not None else []
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"an optimizer can only optimize Tensors, got "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"can't optimize a non-leaf Tensor (shape {p.shape}); "
                                 "optimize the leaf it was computed from")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("a param group holds the same parameter more than once")
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        group["params"] = params
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {key!r}")
            group.setdefault(key, default)
        self._validate_group(group)
        self.param_groups.append(group)

    # -- stepping -----------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to None (the default), or to zeros in place.

        With set_to_none=False each `.grad` stays the same Tensor, first cut from any graph
        (a gradient built with create_graph=True would otherwise chain every later gradient onto
        this one, and keep its graph alive), then zeroed: PyTorch's
        `grad.detach_()` (or `grad.requires_grad_(False)`) and `grad.zero_()`.

        Args:
            set_to_none: set each `.grad` to None instead of zeroing it.
        """
        for group in self.param_groups:
            for p in group["params"]:
                p._reset_grad(set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient.

        Args:
            closure: re-evaluates the model and returns the loss (called with grad enabled).

        Returns:
            The closure's loss, or None.
        """
        self._opt_called = True  # (read by the schedulers: see LRScheduler.step)
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if grad.data.shape != p.data.shape:  # broadcasting would update silently wrong
                    raise ValueError(f"{type(self).__name__}.step: a parameter of shape "
                                     f"{p.data.shape} has a gradient of shape {grad.data.shape}")
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                self._update(p, grad.data, group, state)
                p._bump_version()  # the parameter changed in place
        return loss

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any],
                state: dict[str, Any]) -> None:
        raise NotImplementedError

    def _buffer(self, param: Tensor) -> np.ndarray:
        """A scratch array shaped like `param`, reused across steps (not part of the state)."""
        buf = self._scratch.get(param)
        if buf is None or buf.shape != param.data.shape or buf.dtype != param.data.dtype:
            buf = self._scratch[param] = np.empty_like(param.data)
        return buf

    # -- state dicts --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: {name: value}}, 'param_groups': [{..., 'params': [index, ...]}]}.

        Parameters are numbered in group order; arrays are copies (a snapshot).
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state and hyperparameters saved by `state_dict()`.

        The groups must match this optimizer's in number and size, and every state array must
        fit its parameter's shape; everything is checked before anything changes.

        Args:
            state_dict: a dict returned by `state_dict()`.
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError("optimizer state dict must be a dict with exactly the keys 'state' "
                             "and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter group(s), the "
                             f"optimizer has {len(self.param_groups)}")
        by_index: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"loaded state dict's parameter group {i} has "
                                 f"{len(saved['params'])} parameter(s), the optimizer's has "
                                 f"{len(group['params'])}")
            for index, p in zip(saved["params"], group["params"]):
                by_index[int(index)] = p
        new_state = {}
        for key, values in state_dict["state"].items():
            param = by_index.get(int(key))
            if param is None:
                raise ValueError(f"loaded state dict has state for parameter {key}, which is in "
                                 "no parameter group")
            new_state[param] = {name: _state_value(name, value, param)
                                for name, value in values.items()}
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            merged = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            merged["params"] = group["params"]
            self._validate_group(merged)
            new_groups.append(merged)
        self.state = new_state
        self.param_groups = new_groups


def _noting_the_call(step: Callable[..., Any]) -> Callable[..., Any]:
    """`step` that first notes on the optimizer that it was called (see __init_subclass__)."""
    @functools.wraps(step)
    def noted(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        self._opt_called = True
        return step(self, *args, **kwargs)

    noted._notes_call = True  # type: ignore[attr-defined]
    return noted


def _state_value(name: str, value: Any, param: Tensor) -> Any:
    """A loaded state entry: arrays shaped like the parameter, in its dtype; numbers as they are."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.shape != param.data.shape:
            raise ValueError(f"loaded optimizer state {name!r} has shape {value.shape}, but its "
                             f"parameter has shape {param.data.shape}")
        if value.dtype.kind != "f":
            raise ValueError(f"loaded optimizer state {name!r} has dtype {value.dtype}, expected "
                             "floating point")
        return value.astype(param.data.dtype, copy=True)
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return value.item()
    return value
