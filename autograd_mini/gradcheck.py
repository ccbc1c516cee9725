"""Finite-difference gradient checking, for the project's tests and for users' own suites.

`gradcheck` compares the whole analytic Jacobian of every (input, output) pair with central
differences computed on float64 copies of the inputs; `gradgradcheck` first checks the first
derivatives along random directions, then does the same for the gradient itself, contracted with
random upstream vectors. A failure names the input, output and worst element with both values,
and says so when one-sided slopes disagree (a kink), instead of reporting a plain mismatch.

No check can be fooled by a backward that ignores its upstream gradient: every upstream gradient
(cotangent) the checkers choose is random, with magnitudes in [0.5, 0.9] or [1.1, 1.5] and random
signs (never 1, not even for a one-element output), and the Jacobian built one unit cotangent at a
time is also compared with one vector-Jacobian product for a random cotangent (a backward must be
linear in its upstream gradient).

Inputs of a lower precision than float64 (float32, float16) are checked on float64 copies, with a
warning: finite differences in float32 are too coarse. `check_dtypes=True` also runs the function
on the inputs as given and compares its outputs and gradients with the float64 path.
"""

from __future__ import annotations

import warnings
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


def _random_signed(rng: np.random.Generator, shape: Any) -> np.ndarray:
    """Random cotangents and directions: magnitudes uniform in [0.5, 0.9] or [1.1, 1.5], random
    signs. Never near 0 (a wrong element cannot hide behind a tiny weight) and at least 10% away
    from 1 (a backward that ignores its upstream gradient returns the same for 1 and for u)."""
    shape = tuple(shape)
    magnitude = rng.uniform(0.5, 0.9, shape) + 0.6 * rng.integers(0, 2, shape)
    return np.asarray(magnitude * rng.choice([-1.0, 1.0], shape), dtype=np.float64)  # (0-d too)


# ---- lower-precision inputs ---------------------------------------------------------------------
# rtol for outputs and for gradients when check_dtypes compares a lower-precision path with the
# float64 one, by itemsize (float32, float16): about a hundred and a thousand units in the last place
_DTYPE_RTOL = {4: (1e-5, 1e-4), 2: (1e-2, 5e-2)}


def _low_precision(inputs: Sequence, labels: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """(label, dtype) of each float Tensor that requires grad and is less precise than float64."""
    found = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.kind == "f" and \
                x.dtype.itemsize < 8:
            found.append((f"input {i}" if labels is None else labels[i], x.dtype))
    return found


def _warn_low_precision(what: str, found: list[tuple[str, Any]], hint: bool = True,
                        stacklevel: int = 3) -> None:
    """One UserWarning per call, naming every lower-precision input (like PyTorch's gradcheck,
    which warns that an input "is not a double precision floating point" and proceeds).
    stacklevel is counted as if the caller had called warnings.warn itself."""
    if not found:
        return
    dtypes = "/".join(sorted({str(d) for _, d in found}))
    names = ", ".join(f"{label} ({dtype})" for label, dtype in found)
    verb = "requires" if len(found) == 1 else "require"
    warnings.warn(
        f"{what}: {names} {verb} gradient and {'is' if len(found) == 1 else 'are'} not float64: "
        f"finite differences in {dtypes} are too coarse to check gradients, so the check runs on "
        f"float64 copies of the inputs and the {dtypes} code path itself is not checked"
        + (" (pass check_dtypes=True to compare it with the float64 path)." if hint else "."),
        UserWarning, stacklevel=stacklevel + 1)


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


def _diff_outputs(outputs: Sequence[Tensor]) -> list[int]:
    return [k for k, o in enumerate(outputs) if o.requires_grad and o.dtype.kind == "f"]


def _check(what: str, fn: Callable, args: list, diff: list[int], eps: float, atol: float,
           rtol: float, fast_mode: bool, seed: int) -> str | None:
    with enable_grad():
        outputs = _outputs(fn, args)
    analytic_jacobians = {}
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
        analytic_jacobians[i] = (analytic, numeric)
    if fast_mode:  # (the projections used random cotangents already)
        return None
    return _check_cotangent(what, outputs, args, diff, analytic_jacobians, atol, rtol, seed)


def _check_cotangent(what: str, outputs: tuple, args: list, diff: list[int], jacobians: dict,
                     atol: float, rtol: float, seed: int) -> str | None:
    """The rows of the Jacobian came from unit cotangents (0 and 1 only), which cannot tell a
    backward that ignores or squares its upstream gradient from a right one. So compare one
    vector-Jacobian product for random cotangents u (all outputs at once) with u^T J."""
    ks = _diff_outputs(outputs)
    if not ks:
        return None
    rng = np.random.default_rng([seed, 1])
    us = [_random_signed(rng, outputs[k].shape) for k in ks]
    grads = _grad([outputs[k] for k in ks], [args[i] for i in diff],
                  grad_outputs=[Tensor._make(u.astype(outputs[k].dtype)) for u, k in zip(us, ks)],
                  retain_graph=True, allow_unused=True)
    for i, g in zip(diff, grads):
        analytic_rows, numeric_rows = jacobians[i]
        expected = sum(u.reshape(-1) @ analytic_rows[k] for u, k in zip(us, ks))
        numeric = sum(u.reshape(-1) @ numeric_rows[k] for u, k in zip(us, ks))
        scale = sum(np.abs(u.reshape(-1)) @ np.abs(analytic_rows[k]) for u, k in zip(us, ks))
        got = np.zeros(args[i].data.size) if g is None else g.data.reshape(-1).astype(np.float64)
        excess = np.abs(got - expected) - (atol + rtol * scale)
        if (excess <= 0).all():
            continue
        worst = int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess)))
        shape = args[i].shape
        pos = [int(v) for v in np.unravel_index(worst, shape)] if shape else []
        return (
            f"{what}: mismatch with a random cotangent: the gradient with respect to input {i} "
            f"(shape {shape}) for upstream gradients u drawn at random (|u| in [0.5, 1.5], never "
            "1) is not u^T J, although the Jacobian J built one unit cotangent at a time matched "
            "finite differences: backward is not linear in its upstream gradient (does it ignore "
            "it, use it twice, or assume it is 1?).\n"
            f"  worst: (u^T J)[{', '.join(map(str, pos))}]: from backward {got[worst]:.8g}, "
            f"u^T J {expected[worst]:.8g} (numeric {numeric[worst]:.8g}), |error| "
            f"{abs(got[worst] - expected[worst]):.3g} > atol + rtol*|u|^T|J| = {atol:g} + "
            f"{rtol:g}*{scale[worst]:.3g}")
    return None


def _check_projection(what: str, fn: Callable, args: list, outputs: tuple, i: int, eps: float,
                      atol: float, rtol: float, seed: int,
                      prefix: str | None = None) -> str | None:
    """fast_mode: compare u^T J v for random u, v instead of the whole Jacobian."""
    rng = np.random.default_rng(seed + i)
    x = args[i]
    v = _random_signed(rng, x.shape)
    plus = _evaluate(fn, _shifted(args, i, None, eps * v))
    minus = _evaluate(fn, _shifted(args, i, None, -eps * v))
    for k, o in enumerate(outputs):
        if not (o.requires_grad and o.dtype.kind == "f"):
            continue
        u = _random_signed(rng, o.shape)
        numeric = float(np.sum(u * (plus[k] - minus[k]) / (2 * eps)))
        (g,) = _grad(o, [x], grad_outputs=[Tensor._make(u.astype(o.dtype))], retain_graph=True,
                     allow_unused=True)
        analytic = 0.0 if g is None else float(np.sum(g.data * v))
        if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
            return (f"{prefix or what + ' (fast_mode)'}: output {k} with respect to input {i} (shape "
                    f"{x.shape}): projection u^T J v (random cotangent u, random direction v) "
                    f"analytic {analytic:.8g}, numeric {numeric:.8g}, |error| "
                    f"{abs(analytic - numeric):.3g} > atol + rtol*|numeric| = {atol:g} + "
                    f"{rtol:g}*{abs(numeric):.3g}")
    return None


# ---- check_dtypes: the lower-precision path against the float64 one -----------------------------
def _close(low: np.ndarray, high: np.ndarray, rtol: float) -> tuple[bool, int, int]:
    """Whether low matches high within rtol * (|high| + max|high|): (ok, bad count, worst)."""
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    if low.shape != high.shape:
        return False, max(low.size, high.size), -1
    if not high.size:
        return True, 0, -1
    scale = float(np.max(np.abs(high))) if np.isfinite(high).all() else 0.0
    excess = np.abs(low - high) - rtol * (np.abs(high) + scale)
    excess = np.where(np.isnan(excess) & ~(np.isnan(low) & np.isnan(high)), np.inf, excess)
    bad = excess > 0
    return not bad.any(), int(bad.sum()), int(np.nanargmax(np.where(np.isnan(excess), -np.inf,
                                                                    excess)))


def _difference(what: str, dtypes: str, thing: str, low: np.ndarray, high: np.ndarray,
                rtol: float) -> str | None:
    ok, count, worst = _close(low, high, rtol)
    if ok:
        return None
    head = (f"{what}: the {dtypes} path of fn differs from its float64 path (check_dtypes=True): "
            f"{thing}")
    if worst < 0:
        return f"{head}: shape {np.shape(low)} in the {dtypes} path, {np.shape(high)} in float64"
    shape = np.shape(high)
    pos = [int(v) for v in np.unravel_index(worst, shape)] if shape else []
    lo, hi = np.asarray(low).reshape(-1)[worst], np.asarray(high).reshape(-1)[worst]
    return (f"{head}: {count} of {np.size(high)} elements differ by more than rtol*(|float64| + "
            f"max|float64|) with rtol {rtol:g}; worst [{', '.join(map(str, pos))}]: {dtypes} path "
            f"{float(lo):.8g}, float64 path {float(hi):.8g}. The function computes something "
            f"else for {dtypes} inputs (a cast to a lower precision, or a dtype-dependent branch "
            "in forward or backward).")


def _compare_dtypes(what: str, low_fn: Callable, low_inputs: Sequence, high_fn: Callable,
                    high_args: list, diff: list[int], seed: int) -> str | None:
    """Run fn on the inputs as given and on the float64 copies; compare outputs and gradients
    (for one random cotangent)."""
    low = {i: low_inputs[i].dtype for i in diff
           if isinstance(low_inputs[i], Tensor) and low_inputs[i].dtype.itemsize < 8}
    if not low:
        return None
    dtypes = "/".join(sorted({str(d) for d in low.values()}))
    rtol_out, rtol_grad = (max(r) for r in zip(*(_DTYPE_RTOL.get(d.itemsize, _DTYPE_RTOL[2])
                                                  for d in low.values())))
    names = ", ".join(f"input {i} ({d})" for i, d in low.items())
    low_args = [Tensor._make(np.array(x.data), True) if i in diff else x
                for i, x in enumerate(low_inputs)]
    with enable_grad():
        lo = _outputs(low_fn, low_args)
        hi = _outputs(high_fn, high_args)
    if len(lo) != len(hi):
        return (f"{what}: the {dtypes} path of fn returns {len(lo)} outputs, the float64 path "
                f"{len(hi)} (check_dtypes=True)")
    for k, (a, b) in enumerate(zip(lo, hi)):
        message = _difference(what, dtypes, f"output {k} (shape {b.shape}) computed from "
                                             f"{names}", a.data, b.data, rtol_out)
        if message:
            return message
    ks = _diff_outputs(hi)
    if not ks:
        return None
    rng = np.random.default_rng([seed, 2])
    us = [_random_signed(rng, hi[k].shape) for k in ks]

    def gradients(outs: tuple, xs: list) -> list:
        roots = [(outs[k], u) for k, u in zip(ks, us) if outs[k].requires_grad]
        if not roots:
            return [None] * len(diff)
        return list(_grad([o for o, _ in roots], [xs[i] for i in diff],
                          grad_outputs=[Tensor._make(u.astype(o.dtype)) for o, u in roots],
                          retain_graph=True, allow_unused=True))

    for i, ga, gb in zip(diff, gradients(lo, low_args), gradients(hi, high_args)):
        a = np.zeros(low_args[i].shape) if ga is None else ga.data
        b = np.zeros(high_args[i].shape) if gb is None else gb.data
        label = f"{low[i]}" if i in low else f"{low_inputs[i].dtype}"
        message = _difference(what, dtypes, f"gradient for input {i} ({label}, shape "
                                             f"{high_args[i].shape}) for a random cotangent, "
                                             f"computed from {names}", a, b, rtol_grad)
        if message:
            return message
    return None


def _finish(message: str | None, raise_exception: bool) -> bool:
    if message and raise_exception:
        raise GradcheckError(message)
    return message is None


def _gradcheck(fn: Callable, inputs: Any, eps: float, atol: float, rtol: float,
               raise_exception: bool, fast_mode: bool, seed: int, check_dtypes: bool,
               warn: bool = True, low: tuple[Callable, Sequence] | None = None) -> bool:
    """gradcheck; `low` is (fn, inputs) to run for check_dtypes when they are not fn and inputs
    themselves (assert_grads_match checks a float64 copy of a module)."""
    inputs = _as_tuple(inputs)
    args, diff = _float64_inputs(inputs)
    if warn:
        _warn_low_precision("gradcheck", _low_precision(inputs), hint=not check_dtypes,
                            stacklevel=3)
    message = _check("gradcheck", fn, args, diff, eps, atol, rtol, fast_mode, seed)
    if message is None and check_dtypes:
        low_fn, low_inputs = low if low is not None else (fn, inputs)
        message = _compare_dtypes("gradcheck", low_fn, _as_tuple(low_inputs), fn, args, diff,
                                  seed)
    return _finish(message, raise_exception)


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast_mode: bool = False,
              seed: int = 0, check_dtypes: bool = False) -> bool:
    """Check fn's analytic first derivatives against central finite differences.

    Every upstream gradient the check feeds backward is random (never 1, not even for a
    one-element output): the Jacobian is built one unit cotangent at a time and then compared
    with a vector-Jacobian product for a random cotangent, so a backward that ignores or
    mis-scales its upstream gradient fails.

    Args:
        fn: takes the inputs, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence; tensors with requires_grad=True are checked (on float64
            copies: the caller's arrays are never modified), other arguments are passed as given.
            A float32 (or float16) input draws a UserWarning: finite differences in float32 are
            too coarse, so the check runs in float64.
        eps: finite-difference step.
        atol: absolute tolerance: an entry passes when |analytic - numeric| <= atol + rtol *
            |numeric|.
        rtol: relative tolerance (see atol).
        raise_exception: raise GradcheckError on failure (else return False).
        fast_mode: compare random projections u^T J v instead of whole Jacobians (large inputs).
        seed: for the random vectors.
        check_dtypes: also run fn on the inputs in their own dtypes (float32, float16) and compare
            its outputs and gradients with the float64 path (rtol 1e-5 and 1e-4 for float32): a
            function that computes something else in float32 fails.

    Returns:
        True when every entry is within tolerance.

    Raises:
        GradcheckError: when an entry is out of tolerance and `raise_exception` is True.

    Examples:
        >>> import autograd_mini as am
        >>> x = am.randn(3, dtype=am.float64, requires_grad=True)
        >>> am.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
        True
    """
    return _gradcheck(fn, inputs, eps, atol, rtol, raise_exception, fast_mode, seed, check_dtypes)


def _first_derivative(fn: Callable, n_args: int, diff: list[int],
                      diff_outputs: list[int]) -> Callable:
    """(inputs..., v...) -> the gradients of fn's outputs along upstream vectors v, w.r.t. the
    checked inputs: the function whose derivatives are fn's second derivatives."""

    def first_derivative(*all_args: Any) -> tuple:
        xs, v = list(all_args[:n_args]), list(all_args[n_args:])
        outs = _outputs(fn, xs)
        grads = _grad([outs[k] for k in diff_outputs], [xs[i] for i in diff],
                      grad_outputs=v, create_graph=True, allow_unused=True)
        return tuple(Tensor._make(np.zeros_like(xs[i].data)) if g is None else g
                     for i, g in zip(diff, grads))

    return first_derivative


def _gradgradcheck(fn: Callable, inputs: Any, grad_outputs: Sequence[Tensor] | None,
                   eps: float, atol: float, rtol: float, raise_exception: bool, fast_mode: bool,
                   seed: int, check_dtypes: bool, warn: bool = True,
                   low: tuple[Callable, Sequence] | None = None) -> bool:
    inputs = _as_tuple(inputs)
    args, diff = _float64_inputs(inputs)
    if warn:
        _warn_low_precision("gradgradcheck", _low_precision(inputs), hint=not check_dtypes,
                            stacklevel=3)
    with enable_grad():
        outputs = _outputs(fn, args)
    diff_outputs = _diff_outputs(outputs)
    # The first derivatives, along random directions and for random cotangents: a second
    # derivative checks only that backward is differentiable consistently with itself, which a
    # backward that ignores its upstream gradient (or has a wrong sign) also is.
    for i in diff:
        message = _check_projection("gradgradcheck", fn, args, outputs, i, eps, atol, rtol,
                                    seed + 7919, prefix="gradgradcheck: the first derivatives "
                                    "are wrong (so the second cannot be checked)")
        if message:
            return _finish(message, raise_exception)
    rng = np.random.default_rng(seed)
    if grad_outputs is None:
        vs = [Tensor._make(_random_signed(rng, outputs[k].shape), True) for k in diff_outputs]
    else:
        vs = [Tensor._make(np.array(_as_tuple(grad_outputs)[j].data, dtype=np.float64), True)
              for j in range(len(diff_outputs))]
    n_args = len(args)
    first_derivative = _first_derivative(fn, n_args, diff, diff_outputs)
    all_args = args + vs
    all_diff = diff + list(range(n_args, n_args + len(vs)))
    message = _check("gradgradcheck", first_derivative, all_args, all_diff, eps, atol, rtol,
                     fast_mode, seed)
    if message is None and check_dtypes:
        low_fn, low_inputs = low if low is not None else (fn, inputs)
        low_inputs = _as_tuple(low_inputs)
        message = _compare_dtypes("gradgradcheck", low_fn, low_inputs, fn, args, diff, seed)
        if message is None:  # the second derivatives, along the same upstream vectors
            dtypes = {str(low_inputs[i].dtype) for i in diff if isinstance(low_inputs[i], Tensor)
                      and low_inputs[i].dtype.itemsize < 8}
            v_dtype = sorted(dtypes)[-1] if dtypes else "float64"  # (float32 over float16)
            low_vs = [Tensor._make(v.data.astype(v_dtype), True) for v in vs]
            message = _compare_dtypes(
                "gradgradcheck", _first_derivative(low_fn, n_args, diff, diff_outputs),
                tuple(low_inputs) + tuple(low_vs), first_derivative, all_args, all_diff, seed)
    return _finish(message, raise_exception)


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Sequence[Tensor] | None = None,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, fast_mode: bool = False, seed: int = 0,
                  check_dtypes: bool = False) -> bool:
    """Check second derivatives: gradcheck of x -> (d fn(x) / dx)^T v for random upstream v.

    The first derivatives are checked first, as random projections u^T J w (random cotangent u,
    random direction w): the second-order check alone would pass a backward that ignores its
    upstream gradient. The upstream vectors v are drawn from a seeded generator unless given
    (magnitudes in [0.5, 1.5], never 1), and are checked as inputs too (the gradient is linear in
    them); the cotangents of the second-order check are random as well. float32 inputs and
    `check_dtypes` are handled as in `gradcheck` (the dtype comparison covers the gradients and
    their derivatives too).

    Args:
        fn: takes the inputs, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence, as for `gradcheck`.
        grad_outputs: the upstream vectors v, one per output (random when None).
        eps: finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance.
        raise_exception: raise GradcheckError on failure (else return False).
        fast_mode: compare random projections instead of whole Jacobians.
        seed: for the random vectors.
        check_dtypes: also compare the inputs' own dtypes with the float64 path.

    Returns:
        True when every entry is within tolerance.

    Examples:
        >>> import autograd_mini as am
        >>> x = am.randn(3, dtype=am.float64, requires_grad=True)
        >>> am.gradgradcheck(lambda t: (t.tanh() ** 2).sum(), (x,))
        True
    """
    return _gradgradcheck(fn, inputs, grad_outputs, eps, atol, rtol, raise_exception, fast_mode,
                          seed, check_dtypes)
