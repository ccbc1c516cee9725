"""L-BFGS, with an optional strong-Wolfe line search (PyTorch's algorithm, after minFunc)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._grad_mode import enable_grad
from ..tensor import Tensor
from ._checks import check_lr
from .optimizer import Optimizer

_ONE_GROUP = "LBFGS doesn't support per-parameter options (parameter groups)"
_LINE_SEARCHES = (None, "strong_wolfe")


def _cubic_interpolate(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                       bounds: tuple[float, float] | None = None) -> float:
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
    bounds (default: the interval between x1 and x2); the interval's midpoint when the cubic has
    no minimum."""
    if bounds is not None:
        low, high = bounds
    else:
        low, high = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, low), high)
    return (low + high) / 2.0


def _strong_wolfe(obj_func: Callable[[float], tuple[float, np.ndarray]], t: float,
                  d: np.ndarray, f: float, g: np.ndarray, gtd: float, c1: float = 1e-4,
                  c2: float = 0.9, tolerance_change: float = 1e-9,
                  max_ls: int = 25) -> tuple[float, np.ndarray, float, int]:
    """A step t along d that satisfies the strong Wolfe conditions (bracketing, then zooming
    with cubic interpolation). obj_func(t) gives the loss and flat gradient at x + t d.

    Returns (loss, flat gradient, t, number of evaluations)."""
    d_norm = float(np.abs(d).max())
    g = g.copy()
    f_new, g_new = obj_func(t)
    evals = 1
    gtd_new = float(np.dot(g_new, d))

    # bracket an interval that holds a point satisfying the conditions
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[float] = []
    bracket_f: list[float] = []
    bracket_g: list[np.ndarray] = []
    bracket_gtd: list[float] = []
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        previous = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = previous, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = float(np.dot(g_new, d))
        ls_iter += 1

    if ls_iter == max_ls:  # out of evaluations while bracketing
        bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point satisfies the conditions
    insufficient_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # a trial point too near an end of the bracket, twice or outside it, moves to 0.1 of
        # the bracket's length from that end
        top, bottom = max(bracket), min(bracket)
        margin = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < margin:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = float(np.dot(g_new, d))
        ls_iter += 1

        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low_pos]:
            # Armijo condition fails, or no lower than the lowest point: new high end
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True  # the strong Wolfe conditions hold
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # the old high end becomes the new low end
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            # the new point becomes the low end
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], evals


class LBFGS(Optimizer):
    r"""L-BFGS (limited-memory BFGS), PyTorch's algorithm (after minFunc). Each `step(closure)`
    runs up to max_iter iterations on all the parameters flattened into one vector x, with g the
    flattened gradient (zeros for a parameter without one):

    ```text
    d = -g on the very first iteration, else the two-loop recursion on the last history_size
        pairs (s, y) = (t d, g - g_prev) with y.s > 1e-10, starting from H = y.s / y.y
    t = min(1, 1 / sum|g|) * lr on the very first iteration, else lr
    strong_wolfe: t from a strong-Wolfe line search along d (c1 = 1e-4, c2 = 0.9) that
        spends at most max_eval evaluations in the step
    x <- x + t d
    stop when: max|g| <= tolerance_grad, g.d > -tolerance_change, max_iter iterations or
        max_eval evaluations, max|t d| <= tolerance_change, or the loss changed by less than
        tolerance_change
    ```

    The closure must clear the gradients, compute the loss, call backward and return the loss;
    `step` returns the loss of its first evaluation. Without a line search the loss is not
    re-evaluated after the last iteration. As in PyTorch, the whole state ('func_evals',
    'n_iter', 'd', 't', 'old_dirs', 'old_stps', 'ro', 'H_diag', 'prev_flat_grad',
    'prev_loss', 'al') is kept as the state of the first parameter, with flat arrays of all the
    parameters' elements; there is exactly one parameter group.

    Args:
        params: Tensors (one group).
        lr: learning rate (the initial step length).
        max_iter: the most iterations per step.
        max_eval: the most loss evaluations per step (default max_iter * 5 // 4).
        tolerance_grad: stop when the largest gradient element is at most this.
        tolerance_change: stop when the loss or parameters change by less than this.
        history_size: the number of (s, y) pairs kept.
        line_search_fn: None (a fixed step lr) or "strong_wolfe".
    """

    def __init__(self, params: Iterable[Any], lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        self._validate_group(dict(defaults))
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        check_lr(group["lr"])
        if group["line_search_fn"] not in _LINE_SEARCHES:
            raise ValueError(f"only 'strong_wolfe' is supported, got line_search_fn="
                             f"{group['line_search_fn']!r}")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add the one parameter group (LBFGS supports exactly one, as PyTorch's)."""
        if self.param_groups:
            raise ValueError(_ONE_GROUP)
        super().add_param_group(param_group)

    # -- the parameters as one flat vector ------------------------------------------------------
    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]

    def _numel(self) -> int:
        return sum(p.data.size for p in self._params)

    def _gather_flat_grad(self) -> np.ndarray:
        views = []
        for p in self._params:
            grad = p.grad
            if grad is None:
                views.append(np.zeros(p.data.size, p.data.dtype))
                continue
            if grad.data.shape != p.data.shape:  # (broadcasting would update silently wrong)
                raise ValueError(f"LBFGS.step: a parameter of shape {p.data.shape} has a "
                                 f"gradient of shape {grad.data.shape}")
            views.append(grad.data.reshape(-1))
        return np.concatenate(views)

    def _add_grad(self, step_size: float, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p.data.size
            p.data += np.multiply(update[offset:offset + n], step_size).reshape(p.data.shape)
            p._bump_version()
            offset += n

    def _clone_param(self) -> list[np.ndarray]:
        return [p.data.copy() for p in self._params]

    def _set_param(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self._params, values):
            np.copyto(p.data, value)
            p._bump_version()

    @staticmethod
    def _evaluate(closure: Callable[[], Any]) -> Any:
        with enable_grad():
            return closure()

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[np.ndarray], t: float,
                              d: np.ndarray) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        loss = float(self._evaluate(closure))
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -- the step -------------------------------------------------------------------------------
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to max_iter L-BFGS iterations.

        Args:
            closure: clears the gradients, re-evaluates the model, calls backward and returns
                the loss (required).

        Returns:
            The loss the closure returned on its first call.
        """
        if closure is None:
            raise TypeError("LBFGS.step needs a closure that clears the gradients, re-evaluates "
                            "the model, calls backward and returns the loss")
        if len(self.param_groups) != 1:
            raise ValueError(_ONE_GROUP)
        group = self.param_groups[0]
        lr = group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        if line_search_fn not in _LINE_SEARCHES:
            raise RuntimeError("only 'strong_wolfe' is supported")

        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._evaluate(closure)
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:  # already optimal
            return orig_loss

        # the previous step's direction, step length and history (None on the first step)
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # the descent direction
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = float(np.dot(y, s))
                if ys > 1e-10:  # keep the pair (curvature condition)
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / float(np.dot(y, y))
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                # the two-loop recursion, on one buffer
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = float(np.dot(old_stps[i], q)) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = r = q * h_diag
                for i in range(num_old):
                    be_i = float(np.dot(old_dirs[i], r)) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss

            # the step length
            if state["n_iter"] == 1:
                total = float(np.abs(flat_grad).sum())
                t = min(1.0, 1.0 / total if total else math.inf) * lr
            else:
                t = lr
            gtd = float(np.dot(flat_grad, d))  # the directional derivative
            if gtd > -tolerance_change:
                break

            evals = 0
            if line_search_fn == "strong_wolfe":
                x_init = self._clone_param()

                def obj_func(step: float, x: list[np.ndarray] = x_init,
                             direction: np.ndarray = d) -> tuple[float, np.ndarray]:
                    return self._directional_evaluate(closure, x, step, direction)

                loss, flat_grad, t, evals = _strong_wolfe(obj_func, t, d, loss, flat_grad, gtd,
                                                          max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)  # a fixed step
                opt_cond = False
                if n_iter != max_iter:  # (no evaluation after the last iteration)
                    loss = float(self._evaluate(closure))
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change:  # no progress
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"] = d
        state["t"] = t
        state["old_dirs"] = old_dirs
        state["old_stps"] = old_stps
        state["ro"] = ro
        state["H_diag"] = h_diag
        state["prev_flat_grad"] = prev_flat_grad
        state["prev_loss"] = prev_loss
        return orig_loss

    # -- state dicts ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """As `Optimizer.state_dict`, with the history lists copied too (a snapshot)."""
        saved = super().state_dict()
        for entry in saved["state"].values():
            for key, value in entry.items():
                if isinstance(value, list):
                    entry[key] = [v.copy() if isinstance(v, np.ndarray) else v for v in value]
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by `state_dict()`; the flat arrays must have one element per
        parameter element. Everything is checked before anything changes."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError("optimizer state dict must be a dict with exactly the keys 'state' "
                             "and 'param_groups'")
        try:
            indices = [int(i) for g in state_dict["param_groups"] for i in g["params"]]
        except (TypeError, KeyError, ValueError) as err:
            raise ValueError("loaded state dict's param_groups are malformed") from err
        numel = self._numel()
        dtype = np.result_type(*(p.data.dtype for p in self._params))
        new_state: dict[int, dict[str, Any]] = {}
        for key, values in state_dict["state"].items():
            if int(key) not in indices:
                raise ValueError(f"loaded state dict has state for parameter {key}, which is in "
                                 "no parameter group")
            new_state[int(key)] = {name: _flat_value(name, value, numel, dtype)
                                   for name, value in values.items()}
        super().load_state_dict({"state": {}, "param_groups": state_dict["param_groups"]})
        by_index = dict(zip(indices, self._params))
        self.state = {by_index[i]: entry for i, entry in new_state.items()}


def _flat_value(name: str, value: Any, numel: int, dtype: np.dtype) -> Any:
    """A loaded LBFGS state entry: flat float arrays of numel elements (alone or in a list),
    numbers and None."""
    if isinstance(value, list):
        return [_flat_value(f"{name}[{i}]", v, numel, dtype) for i, v in enumerate(value)]
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.shape != (numel,):
            raise ValueError(f"loaded optimizer state {name!r} has shape {value.shape}, but the "
                             f"parameters have {numel} element(s) in all")
        if value.dtype.kind != "f":
            raise ValueError(f"loaded optimizer state {name!r} has dtype {value.dtype}, expected "
                             "floating point")
        return value.astype(dtype, copy=True)
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item()
    if value is None or isinstance(value, numbers.Number):
        return value
    raise ValueError(f"loaded optimizer state {name!r} is a {type(value).__name__}, expected an "
                     "array, a number or None")
