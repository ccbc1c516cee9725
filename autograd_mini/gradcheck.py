"""Finite-difference gradient checking, for the project's tests and for users' own suites.

`gradcheck` compares the whole analytic Jacobian of every (input, output) pair with central
differences computed on float64 copies of the inputs; `gradgradcheck` does the same for the
gradient itself, contracted with random upstream vectors. A failure names the input, output and
worst element with both values, and says so when one-sided slopes disagree (a kink), instead of
reporting a plain mismatch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._grad_mode import enable_grad
from .autograd.engine import grad as _grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by gradcheck/gradgradcheck when analytic and numeric derivatives disagree."""


def _as_tuple(x: Any) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _float64_inputs(inputs: tuple) -> tuple[list, list[int]]:
    """Fresh float64 leaves for the differentiable inputs; the caller's tensors are untouched."""
    new = []
    diff = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.dtype.kind == "f" and x.requires_grad:
            new.append(Tensor._make(np.array(x.data, dtype=np.float64), True))
            diff.append(i)
        elif isinstance(x, Tensor):
            new.append(Tensor._make(np.array(x.data)))
        else:
            new.append(x)
    if not diff:
        raise ValueError("gradcheck: no input is a floating-point Tensor with requires_grad=True")
    return new, diff


def _outputs(fn: Callable, args: list) -> tuple[Tensor, ...]:
    out = _as_tuple(fn(*args))
    for o in out:
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: fn must return Tensors, got {type(o).__name__}")
    return out


def _evaluate(fn: Callable, args: list) -> list[np.ndarray]:
    with enable_grad():  # fn may itself differentiate (gradgradcheck's first derivative)
        return [np.array(o.data, dtype=np.float64) for o in _outputs(fn, args)]


def _shifted(args: list, i: int, flat_index: int | None, delta: Any) -> list:
    """A copy of args with input i moved by delta (at one element, or along a direction)."""
    data = args[i].data.copy()
    if flat_index is None:
        data += delta
    else:
        data.reshape(-1)[flat_index] += delta
    new = list(args)
    new[i] = Tensor._make(data, True)
    return new


def _numeric_jacobian(fn: Callable, args: list, i: int, eps: float) -> list[np.ndarray]:
    """d(output k)/d(input i) by central differences: one array (out.size, in.size) per output."""
    size = args[i].data.size
    base = _evaluate(fn, args)
    jac = [np.zeros((b.size, size)) for b in base]
    for m in range(size):
        plus = _evaluate(fn, _shifted(args, i, m, eps))
        minus = _evaluate(fn, _shifted(args, i, m, -eps))
        for k, (p, q) in enumerate(zip(plus, minus)):
            jac[k][:, m] = ((p - q) / (2 * eps)).reshape(-1)
    return jac


def _analytic_jacobian(outputs: tuple, args: list, i: int) -> list[np.ndarray]:
    x = args[i]
    jac = []
    for o in outputs:
        rows = np.zeros((o.data.size, x.data.size))
        if o.requires_grad and o.dtype.kind == "f":
            for k in range(o.data.size):
                seed = np.zeros(o.data.size, dtype=o.dtype)
                seed[k] = 1.0
                (g,) = _grad(o, [x], grad_outputs=[Tensor._make(seed.reshape(o.shape))],
                             retain_graph=True, allow_unused=True)
                if g is not None:
                    rows[k] = g.data.reshape(-1)
        jac.append(rows)
    return jac


def _one_sided(fn: Callable, args: list, i: int, m: int, k: int, out_index: int,
               eps: float) -> tuple[float, float]:
    f0 = _evaluate(fn, args)[k].reshape(-1)[out_index]
    fp = _evaluate(fn, _shifted(args, i, m, eps))[k].reshape(-1)[out_index]
    fm = _evaluate(fn, _shifted(args, i, m, -eps))[k].reshape(-1)[out_index]
    return (f0 - fm) / eps, (fp - f0) / eps


def _report(what: str, fn: Callable, args: list, i: int, k: int, analytic: np.ndarray,
            numeric: np.ndarray, eps: float, atol: float, rtol: float) -> str | None:
    tol = atol + rtol * np.abs(numeric)
    excess = np.abs(analytic - numeric) - tol
    bad = ~(excess <= 0)  # NaN counts as a failure
    if not bad.any():
        return None
    worst = int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess)))
    out_el, in_el = np.unravel_index(worst, analytic.shape)
    out_shape = np.shape(_evaluate(fn, args)[k])
    in_shape = args[i].shape
    out_pos = tuple(int(v) for v in np.unravel_index(out_el, out_shape)) if out_shape else ()
    in_pos = tuple(int(v) for v in np.unravel_index(in_el, in_shape)) if in_shape else ()
    a, n = analytic[out_el, in_el], numeric[out_el, in_el]
    lines = [
        f"{what}: mismatch for output {k} (shape {out_shape}) with respect to input {i} "
        f"(shape {in_shape}): {int(bad.sum())} of {bad.size} Jacobian entries are out of "
        "tolerance.",
        f"  worst: d output{list(out_pos)} / d input{list(in_pos)}: analytic {a:.8g}, "
        f"numeric {n:.8g}, |error| {abs(a - n):.3g} > atol + rtol*|numeric| = "
        f"{atol:g} + {rtol:g}*{abs(n):.3g}",
    ]
    if what == "gradcheck":
        left, right = _one_sided(fn, args, i, int(in_el), k, int(out_el), eps)
        gap = abs(right - left)
        if gap > atol + rtol * abs(n) and gap > 0.5 * abs(a - n):
            lines.append(
                f"  the function looks non-differentiable there: the one-sided slopes disagree "
                f"(left {left:.8g}, right {right:.8g}); move the input away from the kink "
                "rather than loosening the tolerance")
    return "\n".join(lines)


def _check(what: str, fn: Callable, args: list, diff: list[int], eps: float, atol: float,
           rtol: float, fast_mode: bool, seed: int) -> str | None:
    with enable_grad():
        outputs = _outputs(fn, args)
    for i in diff:
        if fast_mode:
            message = _check_projection(what, fn, args, outputs, i, eps, atol, rtol, seed)
            if message:
                return message
            continue
        numeric = _numeric_jacobian(fn, args, i, eps)
        analytic = _analytic_jacobian(outputs, args, i)
        for k, (a, n) in enumerate(zip(analytic, numeric)):
            message = _report(what, fn, args, i, k, a, n, eps, atol, rtol)
            if message:
                return message
    return None


def _check_projection(what: str, fn: Callable, args: list, outputs: tuple, i: int, eps: float,
                      atol: float, rtol: float, seed: int) -> str | None:
    """fast_mode: compare u^T J v for random u, v instead of the whole Jacobian."""
    rng = np.random.default_rng(seed + i)
    x = args[i]
    v = rng.standard_normal(x.shape)
    plus = _evaluate(fn, _shifted(args, i, None, eps * v))
    minus = _evaluate(fn, _shifted(args, i, None, -eps * v))
    for k, o in enumerate(outputs):
        if not (o.requires_grad and o.dtype.kind == "f"):
            continue
        u = rng.standard_normal(o.shape)
        numeric = float(np.sum(u * (plus[k] - minus[k]) / (2 * eps)))
        (g,) = _grad(o, [x], grad_outputs=[Tensor._make(u.astype(o.dtype))], retain_graph=True,
                     allow_unused=True)
        analytic = 0.0 if g is None else float(np.sum(g.data * v))
        if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
            return (f"{what} (fast_mode): output {k} with respect to input {i} (shape "
                    f"{x.shape}): projection u^T J v analytic {analytic:.8g}, numeric "
                    f"{numeric:.8g}, |error| {abs(analytic - numeric):.3g} > atol + "
                    f"rtol*|numeric| = {atol:g} + {rtol:g}*{abs(numeric):.3g}")
    return None


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast_mode: bool = False,
              seed: int = 0) -> bool:
    """Check fn's analytic first derivatives against central finite differences.

    Args:
        fn: takes the inputs, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence; tensors with requires_grad=True are checked (on float64
            copies: the caller's arrays are never modified), other arguments are passed as given.
        eps: finite-difference step.
        atol, rtol: an entry passes when |analytic - numeric| <= atol + rtol * |numeric|.
        raise_exception: raise GradcheckError on failure (else return False).
        fast_mode: compare random projections u^T J v instead of whole Jacobians (large inputs).
        seed: for the random vectors.

    Returns:
        True when every entry is within tolerance.
    """
    args, diff = _float64_inputs(_as_tuple(inputs))
    message = _check("gradcheck", fn, args, diff, eps, atol, rtol, fast_mode, seed)
    if message and raise_exception:
        raise GradcheckError(message)
    return message is None


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Sequence[Tensor] | None = None,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, fast_mode: bool = False, seed: int = 0) -> bool:
    """Check second derivatives: gradcheck of x -> (d fn(x) / dx)^T v for random upstream v.

    The upstream vectors v are drawn from a seeded generator unless given, and are checked as
    inputs too (the gradient is linear in them).
    """
    args, diff = _float64_inputs(_as_tuple(inputs))
    with enable_grad():
        outputs = _outputs(fn, args)
    rng = np.random.default_rng(seed)
    diff_outputs = [k for k, o in enumerate(outputs) if o.requires_grad and o.dtype.kind == "f"]
    if grad_outputs is None:
        vs = [Tensor._make(rng.standard_normal(outputs[k].shape), True) for k in diff_outputs]
    else:
        vs = [Tensor._make(np.array(_as_tuple(grad_outputs)[j].data, dtype=np.float64), True)
              for j in range(len(diff_outputs))]
    n_args = len(args)

    def first_derivative(*all_args: Any) -> tuple:
        xs, v = list(all_args[:n_args]), list(all_args[n_args:])
        outs = _outputs(fn, xs)
        grads = _grad([outs[k] for k in diff_outputs], [xs[i] for i in diff],
                      grad_outputs=v, create_graph=True, allow_unused=True)
        return tuple(Tensor._make(np.zeros_like(xs[i].data)) if g is None else g
                     for i, g in zip(diff, grads))

    all_args = args + vs
    all_diff = diff + list(range(n_args, n_args + len(vs)))
    message = _check("gradgradcheck", first_derivative, all_args, all_diff, eps, atol, rtol,
                     fast_mode, seed)
    if message and raise_exception:
        raise GradcheckError(message)
    return message is None
