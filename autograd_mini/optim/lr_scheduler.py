"""Learning-rate schedulers.

Each scheduler computes every learning rate in closed form from the epoch counter and the group's
initial learning rate: lr_t = f(base_lr, t). PyTorch's `get_lr()` updates most schedules
recursively from the current lr (so that schedulers can be chained); when a schedule alone sets the
learning rate both give the same values, up to rounding. The closed form was chosen because it
cannot drift, resumes exactly from `state_dict()`, and is the formula written in each docstring.
A consequence: a scheduler overwrites the learning rate at each `step()`, so do not chain two on
the same optimizer by stepping both; `ChainedScheduler` composes the multiplicative ones and
`SequentialLR` runs schedulers one after another, as PyTorch's.

Call `scheduler.step()` once per epoch (or iteration), after `optimizer.step()`.
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "LambdaLR", "LinearLR", "ConstantLR", "PolynomialLR", "CosineAnnealingWarmRestarts",
           "OneCycleLR", "SequentialLR", "ReduceLROnPlateau", "ChainedScheduler"]


# PyTorch's text, word for word
_STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value "
    "of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")


class LRScheduler:
    """Base class: sets each group's 'lr' to `get_lr()` at construction (epoch 0) and at every
    `step()`.

    Args:
        optimizer: the optimizer whose param groups are scheduled.
        last_epoch: the index of the last epoch when resuming; -1 starts afresh (and records
            each group's 'initial_lr').
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   "when resuming with last_epoch != -1")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0  # calls of step(), the constructor's first (PyTorch's counter)
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rate of each group at epoch `self.last_epoch`."""
        return [self._lr(base, self.last_epoch) for base in self.base_lrs]

    def _lr(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the groups' learning rates. The first call warns, as
        PyTorch, when `optimizer.step()` was never called before it (the old order, which skips
        the schedule's first rate)."""
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(_STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        lrs = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last `step()` (or the constructor)."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer (and functions, which cannot be saved)."""
        return {k: v for k, v in self.__dict__.items()
                if k != "optimizer" and not callable(v) and k != "lr_lambdas"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the scheduler's state from `state_dict()`.

        Args:
            state_dict: a dict returned by `state_dict()`; unknown keys are a ValueError.
        """
        unknown = set(state_dict) - set(self.state_dict())
        if unknown:
            raise ValueError(f"{type(self).__name__}.load_state_dict: unexpected keys "
                             f"{sorted(unknown)}")
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Decay each group's lr by `gamma` every `step_size` epochs: base_lr * gamma ** (epoch //
    step_size).

    Args:
        optimizer: the wrapped optimizer.
        step_size: the number of epochs between decays.
        gamma: the multiplicative factor of each decay.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).

    Examples:
        >>> import autograd_mini as am
        >>> w = am.zeros(2, requires_grad=True)
        >>> opt = am.optim.SGD([w], lr=1.0)
        >>> scheduler = am.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()  # (a training epoch)
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> lrs
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """Decay each group's lr by `gamma` at each milestone: base_lr * gamma ** (number of milestones
    <= epoch); a repeated milestone counts twice.

    Args:
        optimizer: the wrapped optimizer.
        milestones: the epochs at which to decay.
        gamma: the multiplicative factor of each decay.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(LRScheduler):
    """Decay each group's lr by `gamma` every epoch: base_lr * gamma ** epoch.

    Args:
        optimizer: the wrapped optimizer.
        gamma: the multiplicative factor per epoch.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2.

    The closed form of SGDR without restarts; past T_max it rises again along the same cosine
    (period 2 T_max), as PyTorch's recursive form does.

    Args:
        optimizer: the wrapped optimizer.
        T_max: the number of epochs of a half period (lr from base_lr down to eta_min).
        eta_min: the smallest learning rate.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, got {T_max}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (
            1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch), with one function for all groups or one per group.

    The functions are not part of `state_dict()`.

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the epoch returning a factor, or a list of them, one per
            param group.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas (one per param group), got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The learning rate of each group: base_lr * lr_lambda(last_epoch)."""
        return [base * fn(self.last_epoch) for base, fn in zip(self.base_lrs, self.lr_lambdas)]


class LinearLR(LRScheduler):
    """lr = base_lr * factor, the factor going linearly from start_factor (epoch 0) to
    end_factor (epoch total_iters) and staying there.

    Args:
        optimizer: the wrapped optimizer.
        start_factor: the factor at epoch 0, in (0, 1].
        end_factor: the factor from epoch total_iters on, in [0, 1].
        total_iters: the number of epochs the change takes.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1] and end_factor in [0, 1], "
                             f"got {start_factor} and {end_factor}")
        if total_iters <= 0:
            raise ValueError(f"LinearLR: total_iters must be positive, got {total_iters}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class ConstantLR(LRScheduler):
    """lr = base_lr * factor before epoch total_iters, base_lr from then on (PyTorch's closed
    form: base_lr * (factor + (epoch >= total_iters) * (1 - factor))).

    Args:
        optimizer: the wrapped optimizer.
        factor: the factor before epoch total_iters, in [0, 1].
        total_iters: the number of epochs the factor applies.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return base_lr * (self.factor + (epoch >= self.total_iters) * (1 - self.factor))


class PolynomialLR(LRScheduler):
    """Polynomial decay to zero: base_lr * (1 - min(epoch, total_iters) / total_iters) ** power.

    Args:
        optimizer: the wrapped optimizer.
        total_iters: the epochs the decay takes.
        power: the power of the polynomial.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _lr(self, base_lr: float, epoch: int) -> float:
        return base_lr * (1.0 - min(self.total_iters, epoch) / self.total_iters) ** self.power


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where T_cur
    counts the epochs since the last restart and T_i, the length of the current cycle, starts
    at T_0 and is multiplied by T_mult at each restart.

    `step(epoch)` may be given a (possibly fractional) epoch, as PyTorch's, e.g.
    `step(epoch + i / iters)` inside an epoch.

    Args:
        optimizer: the wrapped optimizer.
        T_0: the length of the first cycle, in epochs.
        T_mult: the factor by which each cycle is longer than the one before (an int >= 1).
        eta_min: the smallest learning rate.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                             f"{type(eta_min)}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The learning rate of each group at position `T_cur` of the current cycle."""
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i))
                / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:  # type: ignore[override]
        """Advance one epoch, or jump to `epoch`, and set the groups' learning rates.

        Args:
            epoch: the (possibly fractional) epoch to jump to, e.g. `epoch + i / iters` within an
                epoch; None advances by one.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        _apply_lrs(self, self.get_lr())


def _apply_lrs(scheduler: LRScheduler, lrs: list[float]) -> None:
    for group, lr in zip(scheduler.optimizer.param_groups, lrs):
        group["lr"] = lr
    scheduler._last_lr = [group["lr"] for group in scheduler.optimizer.param_groups]


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per param group: a list or tuple of that length, or one value repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. "
                             f"{name} has {len(value)} values, param_groups has {n}.")
        return list(value)
    return [value] * n


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin), PyTorch's (fastai's) version: the lr goes from
    max_lr / div_factor up to max_lr over the first pct_start of total_steps, then down to
    initial_lr / final_div_factor ('cos' or 'linear' annealing). With three_phase=True it comes
    back down to initial_lr symmetrically, then anneals to the minimum over the rest.

    With cycle_momentum (the default) the momentum (SGD's 'momentum', or beta1 of 'betas') goes
    the other way, between max_momentum and base_momentum. Call `step()` after every batch;
    stepping past total_steps raises ValueError. The groups' 'initial_lr', 'max_lr', 'min_lr'
    (and 'max_momentum', 'base_momentum') are stored in the param groups, as PyTorch.

    Args:
        optimizer: the wrapped optimizer.
        max_lr: the peak learning rate, one for all groups or one per group.
        total_steps: the number of steps of the cycle (or give epochs and steps_per_epoch).
        epochs: the number of epochs, with steps_per_epoch, when total_steps is None.
        steps_per_epoch: the number of steps per epoch, with epochs.
        pct_start: the fraction of the cycle spent increasing the lr.
        anneal_strategy: "cos" or "linear".
        cycle_momentum: move the momentum inversely to the lr.
        base_momentum: the lowest momentum (at the peak lr).
        max_momentum: the highest momentum (at the start and end).
        div_factor: initial_lr = max_lr / div_factor.
        final_div_factor: the final lr is initial_lr / final_div_factor.
        three_phase: come back down to initial_lr before the final annealing.
        last_epoch: the index of the last step when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got "
                                 f"{steps_per_epoch}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        # (end_step, start_lr, end_lr, start_momentum, end_momentum), keys of the param groups
        if three_phase:
            self._schedule_phases = [
                (float(pct_start * self.total_steps) - 1, "initial_lr", "max_lr",
                 "max_momentum", "base_momentum"),
                (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr",
                 "base_momentum", "max_momentum"),
                (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases = [
                (float(pct_start * self.total_steps) - 1, "initial_lr", "max_lr",
                 "max_momentum", "base_momentum"),
                (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        if not isinstance(pct_start, float) or pct_start < 0 or pct_start > 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for m, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = m / div_factor
                group["max_lr"] = m
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                                 "option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            max_ms = _per_group("max_momentum", optimizer, max_momentum)
            base_ms = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for m, b, group in zip(max_ms, base_ms, optimizer.param_groups):
                    if self.use_beta1:
                        group["betas"] = (m, *group["betas"][1:])
                    else:
                        group["momentum"] = m
                    group["max_momentum"] = m
                    group["base_momentum"] = b
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """The rates at step `last_epoch`; sets the groups' momentum too (cycle_momentum)."""
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(f"Tried to step {step_num} times. The specified number of total "
                             f"steps is {self.total_steps}")
        lrs = []
        last = len(self._schedule_phases) - 1
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, s_lr, e_lr, s_m, e_m) in enumerate(self._schedule_phases):
                if step_num <= end_step or i == last:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[s_lr], group[e_lr], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[s_m], group[e_m], pct)
                        if self.use_beta1:
                            group["betas"] = (momentum, *group["betas"][1:])
                        else:
                            group["momentum"] = momentum
                    break
                start_step = end_step
        return lrs


def _check_children(owner: str, optimizer: Optimizer, schedulers: Sequence[Any]) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it "
                             "requires additional kwargs to be specified when calling `step`, "
                             f"but got one at index {i} in the given schedulers sequence.")
        if optimizer is not scheduler.optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, "
                             f"but got scheduler {type(scheduler).__name__} at index {i} with a "
                             "different optimizer.")


class SequentialLR(LRScheduler):
    """Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` from its epoch 0, and so
    on, as PyTorch: at each milestone the next scheduler restarts at epoch 0 (its base_lrs);
    otherwise the active scheduler steps. The schedulers must share `optimizer`, and
    `len(milestones) == len(schedulers) - 1`.

    Args:
        optimizer: the wrapped optimizer.
        schedulers: the schedulers, in the order they run.
        milestones: the epochs at which the next scheduler takes over.
        last_epoch: the index of the last epoch when resuming (-1: start afresh).
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        _check_children(type(self).__name__, optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be "
                             "one more than the number of milestone points, but got number of "
                             f"schedulers {len(schedulers)} and the number of milestones to be "
                             f"equal to {len(milestones)}")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # back to the initial rates
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:  # undo the step of each scheduler's constructor
            _undo(s)
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        if type(first) in _RATIO_SCHEDULES:
            # PyTorch's recursive form scales the current lr (just reset to 'initial_lr'), which
            # differs from the base_lrs recorded by the constructor when a later scheduler (as
            # OneCycleLR) rewrote 'initial_lr'
            first.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        first._step_count = 0
        first.step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch: step the active scheduler, or restart the next one at its milestone."""
        self.last_epoch += 1
        idx = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler.last_epoch = 0  # (restart: PyTorch's _update_lr(0))
            _apply_lrs(scheduler, scheduler.get_lr())
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Its own attributes, and the children's state dicts under '_schedulers'."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore this scheduler's and its children's state from `state_dict()`."""
        state = dict(state_dict)
        children = state.pop("_schedulers")
        unknown = set(state) - set(self.state_dict())
        if unknown:
            raise ValueError(f"{type(self).__name__}.load_state_dict: unexpected keys "
                             f"{sorted(unknown)}")
        if len(children) != len(self._schedulers):
            raise ValueError(f"{type(self).__name__}.load_state_dict: expected "
                             f"{len(self._schedulers)} scheduler states, got {len(children)}")
        self.__dict__.update(state)
        for s, child in zip(self._schedulers, children):
            s.load_state_dict(child)


# schedules whose PyTorch recursive form is the closed form's ratio times the current lr
_RATIO_SCHEDULES = (StepLR, MultiStepLR, ExponentialLR, LinearLR, ConstantLR, PolynomialLR)


def _undo(scheduler: Any) -> None:
    if hasattr(scheduler, "_schedulers"):
        for s in scheduler._schedulers:
            _undo(s)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


# PyTorch's text, word for word
_EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose.")


class ReduceLROnPlateau(LRScheduler):
    """Multiply each group's lr by `factor` (down to its min_lr) when the metric given to
    `step(metrics)` has not improved for more than `patience` epochs, then wait `cooldown`
    epochs, as PyTorch's.

    Improvement ('min' mode): metric < best * (1 - threshold) ('rel') or best - threshold
    ('abs'); 'max' mode mirrors it. A reduction smaller than `eps` is skipped. Unlike the other
    schedulers it changes the current lr (it does not record 'initial_lr') and starts at
    last_epoch 0.

    Args:
        optimizer: the wrapped optimizer.
        mode: "min" (the metric should fall, e.g. a loss) or "max" (rise, e.g. an accuracy).
        factor: the multiplier of each reduction (< 1).
        patience: the number of epochs without improvement tolerated before a reduction.
        threshold: the least change that counts as an improvement.
        threshold_mode: "rel" (relative to the best) or "abs".
        cooldown: the number of epochs to wait after a reduction before counting again.
        min_lr: the smallest learning rate, one for all groups or one per group.
        eps: a reduction smaller than this is skipped.

    Examples:
        >>> import autograd_mini as am
        >>> w = am.zeros(1, requires_grad=True)
        >>> opt = am.optim.SGD([w], lr=1.0)
        >>> scheduler = am.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
        >>> for val_loss in [1.0, 0.9, 0.9, 0.9, 0.9]:
        ...     scheduler.step(val_loss)
        >>> opt.param_groups[0]["lr"]
        0.5
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0, eps: float = 1e-8
                 ) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got "
                                 f"{len(min_lr)}")
            self.default_min_lr: float | None = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record one epoch's metric (a number or a one-element tensor)."""
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(_EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown are ignored
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"The number of param groups in the `optimizer` "
                    f"({len(self.optimizer.param_groups)}) differs from when `ReduceLROnPlateau` "
                    f"was initialized ({len(self.min_lrs)}), usually due to a new param group "
                    "being added to the optimizer. Please modify the `min_lrs` field to match "
                    "the length of the `optimizer` param groups.")
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for i, group in enumerate(self.optimizer.param_groups):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, self.min_lrs[i])
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    @property
    def in_cooldown(self) -> bool:
        """Whether the scheduler is waiting out its cooldown after a reduction."""
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in {"min", "max"}:
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in {"rel", "abs"}:
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the scheduler's state from `state_dict()`."""
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)


class ChainedScheduler(LRScheduler):
    """Steps every scheduler of `schedulers` at each `step()`, their effects multiplied, as
    PyTorch's: lr = initial_lr * the product of each schedule's factor at its own epoch.

    Only the multiplicative schedules (StepLR, MultiStepLR, ExponentialLR, LinearLR, ConstantLR,
    PolynomialLR) can be chained here: the others compute the lr itself (closed form), not a
    factor of it, so they are refused (ValueError). The constructor applies the product at once
    (PyTorch's children's constructors compose the same way); it does not step.

    Args:
        schedulers: the schedulers to chain (sharing one optimizer).
        optimizer: the optimizer (default: the first scheduler's).
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError(f"{type(self).__name__} expects at least one scheduler to be "
                             "chained, but got no scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_children(type(self).__name__, optimizer, schedulers)
        for i, s in enumerate(schedulers):
            if type(s) not in _RATIO_SCHEDULES:
                raise ValueError(f"{type(self).__name__}: the scheduler at index {i} "
                                 f"({type(s).__name__}) is not multiplicative; only "
                                 f"{', '.join(c.__name__ for c in _RATIO_SCHEDULES)} chain")
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._apply(self._schedulers)
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _apply(self, children: Sequence[LRScheduler]) -> None:
        lrs = [group["initial_lr"] for group in self.optimizer.param_groups]
        for s in self._schedulers:
            lrs = [lr * s._lr(1.0, s.last_epoch) for lr in lrs]
        for s in children:
            _apply_lrs(s, lrs)

    def step(self) -> None:  # type: ignore[override]
        """Step every chained scheduler once and apply the product of their factors."""
        for s in self._schedulers:
            s.step()
            self._apply([s])
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    state_dict = SequentialLR.state_dict
    load_state_dict = SequentialLR.load_state_dict
