"""Gradient assertions for users' test suites: `assert_grads_match` and `taylor_test`.

Both weight fn's output with a random cotangent (never 1, also for a one-element output), so a
custom Function whose backward ignores or mis-scales its upstream gradient fails them; both warn
when an input is float32 (finite differences need float64, so the checks run on float64 copies).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import ops
from .._grad_mode import enable_grad, no_grad
from ..autograd.engine import grad as _grad
from ..autograd.function import Function
from ..gradcheck import (
    GradcheckError,
    _gradcheck,
    _gradgradcheck,
    _low_precision,
    _random_signed,
    _warn_low_precision,
)
from ..tensor import Tensor

_HINTS_FIRST = (
    "What to try:\n"
    "  - 'looks non-differentiable there' above: the input sits on a kink or a tie; draw it with\n"
    "    am.testing.tensors(avoid=[...kinks...]) or distinct=True instead of loosening tolerances.\n"
    "  - analytic 0 where numeric is not: backward returned None or 0 for that input, or the\n"
    "    output does not reach it through recorded ops (a .data or NumPy step cuts the graph).\n"
    "  - analytic a constant multiple of numeric: a factor is missing or doubled in backward.\n"
    "  - 'mismatch with a random cotangent': backward ignores its upstream gradient (or squares\n"
    "    it): multiply the local derivative by the grad argument, whatever its value.\n"
    "  - only broadcast inputs fail: return the gradient in the output's shape (the engine sums it\n"
    "    back) or sum it over exactly the broadcast axes.\n"
    "  - am.testing.taylor_test(fn, x) gives a second, tolerance-free opinion.")
_HINTS_SECOND = (
    "First derivatives matched; second derivatives did not. What to try:\n"
    "  - backward must be written with Tensor operations (not .data, .numpy() or NumPy calls) so\n"
    "    that the backward pass itself can be differentiated; a constant factor may be computed\n"
    "    with NumPy only if it does not depend on the inputs.\n"
    "  - if your function is only ever differentiated once, pass order=1.")


def _is_module(fn: Any) -> bool:
    return callable(fn) and callable(getattr(fn, "parameters", None)) and not isinstance(
        fn, type)


def _describe(fn: Any) -> str:
    if _is_module(fn):
        return f"module {type(fn).__name__}"
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, type) and issubclass(owner, Function):
        return f"{owner.__name__}.apply"
    return getattr(fn, "__qualname__", None) or type(fn).__name__


class _ModuleCall:
    """Call a float64 deep copy of a module with its parameters replaced by the given tensors.

    Each call rebinds every parameter of the copy onto an identity op of the tensor passed in,
    so gradients reach the tensors gradcheck perturbs; the caller's module is never touched (its
    parameters are only read, and its buffers, such as running statistics, keep their values).
    """

    def __init__(self, module: Any, n_inputs: int, float64: bool = True) -> None:
        original = _unique(module.parameters())
        self.checked = [i for i, p in enumerate(original)
                        if p.requires_grad and p.data.dtype.kind == "f"]
        self.values = [original[i] for i in self.checked]
        self.names = _parameter_names(module, original)
        self.copy = copy.deepcopy(module)
        self.params = _unique(self.copy.parameters())
        for t in self.params + _buffers(self.copy) if float64 else ():  # (else: as given)
            if t.data.dtype.kind == "f":
                t.data = t.data.astype(np.float64)
        self.n_inputs = n_inputs

    def __call__(self, *args: Any) -> Any:
        xs, ps = args[:self.n_inputs], args[self.n_inputs:]
        targets = [self.params[i] for i in self.checked]
        saved = [(p.data, p.grad_fn, p._output_nr, p._requires_grad) for p in targets]
        try:
            for p, q in zip(targets, ps):
                alias = ops.clone(q)
                p.data, p.grad_fn, p._output_nr = alias.data, alias.grad_fn, alias._output_nr
                p._requires_grad = alias.requires_grad
            return self.copy(*xs)
        finally:
            for p, (data, fn, nr, req) in zip(targets, saved):
                p.data, p.grad_fn, p._output_nr, p._requires_grad = data, fn, nr, req


def _unique(tensors: Any) -> list:
    seen: set[int] = set()
    out = []
    for t in tensors:
        if id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def _parameter_names(module: Any, params: list) -> list[str]:
    named = getattr(module, "named_parameters", None)
    names = {id(p): n for n, p in named()} if callable(named) else {}
    return [names.get(id(p), f"parameter {i}") for i, p in enumerate(params)]


def _buffers(module: Any) -> list:
    buffers = getattr(module, "buffers", None)
    if not callable(buffers):
        return []
    return [b for b in buffers() if isinstance(b, Tensor)]


def _outputs_as_arrays(out: Any) -> list[np.ndarray]:
    items = out if isinstance(out, (tuple, list)) else (out,)
    return [np.array(o.data if isinstance(o, Tensor) else o) for o in items]


def _check_deterministic(fn: Callable, args: tuple, name: str) -> int:
    """Finite differences assume fn is a function: the same inputs must give the same outputs.

    Returns the number of outputs."""
    def fresh() -> tuple:
        return tuple(Tensor._make(np.array(a.data, dtype=np.float64), a.requires_grad)
                     if isinstance(a, Tensor) and a.data.dtype.kind == "f" else a for a in args)

    with enable_grad():  # fn may differentiate internally
        first = _outputs_as_arrays(fn(*fresh()))
        second = _outputs_as_arrays(fn(*fresh()))
    same = len(first) == len(second) and all(
        a.shape == b.shape and np.array_equal(a, b, equal_nan=True) for a, b in zip(first, second))
    if not same:
        raise GradcheckError(
            f"assert_grads_match: {name} returned different outputs for the same inputs, so finite "
            "differences mean nothing. Make it deterministic for the check: call .eval() on a "
            "module with dropout, or seed its random draws (am.manual_seed) inside fn.")
    return len(first)


def _legend(labels: list[str], extra: list[str]) -> str:
    lines = [f"    input {i}: {label}" for i, label in enumerate(labels + extra)
             if not label.startswith("(")]
    lines += [f"    {label[1:-1]}" for label in extra if label.startswith("(")]
    return "  where\n" + "\n".join(lines)


def assert_grads_match(fn: Any, *inputs: Any, order: int = 2, eps: float = 1e-6,
                       atol: float = 1e-5, rtol: float = 1e-3, fast_mode: bool = False,
                       seed: int = 0, check_dtypes: bool = False) -> None:
    """Assert that fn's analytic derivatives match finite differences, to first and second order.

    Runs `am.gradcheck` and then (for order=2) `am.gradgradcheck` on float64 copies of the inputs:
    the whole Jacobian of every (input, output) pair, and the derivative of the gradient along
    random upstream vectors. Every upstream gradient fed to a backward is random (never 1, also for
    a one-element output), so a backward that ignores or mis-scales it fails. The caller's tensors
    and module are never modified. float32 inputs or parameters draw one UserWarning: finite
    differences in float32 are too coarse, so the check runs on float64 copies.

    Args:
        fn: a function of the inputs returning a Tensor or a tuple of Tensors; a custom
            `am.autograd.Function` subclass (its `apply` is used); or a Module, whose parameters
            that require grad are checked too (on a float64 copy of the module).
        *inputs: the arguments; float Tensors with requires_grad=True are checked, the rest are
            passed as they are.
        order: 1 for first derivatives only, 2 to check second derivatives as well.
        eps: finite-difference step, as in `am.gradcheck`.
        atol: absolute tolerance, as in `am.gradcheck`.
        rtol: relative tolerance, as in `am.gradcheck`.
        fast_mode: compare random projections, as in `am.gradcheck`.
        seed: for the random vectors, as in `am.gradcheck`.
        check_dtypes: also run fn (or the module) in the inputs' own dtypes (float32) and compare
            outputs, gradients and (order=2) second derivatives with the float64 path.

    Raises:
        GradcheckError (an AssertionError): with the worst mismatch, the name of each input and
            hints on what usually causes it; also when fn is not deterministic.
        ValueError: when nothing requires grad, or order is not 1 or 2.
    """
    if order not in (1, 2):
        raise ValueError(f"assert_grads_match: order must be 1 or 2, got {order!r}")
    if isinstance(fn, type) and issubclass(fn, Function):
        fn = fn.apply
    name = _describe(fn)
    labels = [f"argument {i}: Tensor of shape {tuple(x.shape)}, dtype {x.dtype}"
              if isinstance(x, Tensor) else f"argument {i}: {type(x).__name__}"
              for i, x in enumerate(inputs)]
    call: Callable = fn
    # float inputs that are not checked join the float64 computation too (a float32 batch fed
    # to a module whose float64 copy is checked would otherwise mix dtypes)
    args = tuple(Tensor._make(np.array(x.data, dtype=np.float64))
                 if isinstance(x, Tensor) and not x.requires_grad and x.dtype.kind == "f" else x
                 for x in inputs)
    low: tuple = (fn, inputs)  # what check_dtypes runs: the caller's dtypes
    originals = inputs
    if _is_module(fn):
        module_call = _ModuleCall(fn, len(inputs))
        call = module_call
        args = args + tuple(module_call.values)
        labels += [f"parameter {module_call.names[i]!r} of shape {tuple(p.shape)}"
                   for i, p in zip(module_call.checked, module_call.values)]
        originals = inputs + tuple(module_call.values)
        if check_dtypes:
            low = (_ModuleCall(fn, len(inputs), float64=False), originals)
    if not any(isinstance(a, Tensor) and a.requires_grad and a.dtype.kind == "f" for a in args):
        raise ValueError(f"assert_grads_match: nothing to check for {name}: no input is a float "
                         "Tensor with requires_grad=True" + (" and the module has no trainable "
                                                             "parameters" if call is not fn else ""))
    n_out = _check_deterministic(call, args, name)
    _warn_low_precision("assert_grads_match", _low_precision(originals, [
        f"input {i}" if i < len(inputs) else label.split(" of shape")[0]
        for i, label in enumerate(labels)]), hint=not check_dtypes, stacklevel=2)
    options = dict(eps=eps, atol=atol, rtol=rtol, raise_exception=True, fast_mode=fast_mode,
                   seed=seed, check_dtypes=check_dtypes, warn=False, low=low)
    try:
        _gradcheck(call, args, **options)
    except GradcheckError as exc:
        raise GradcheckError(f"assert_grads_match: first derivatives of {name} are wrong.\n{exc}\n"
                             f"{_legend(labels, [])}\n{_HINTS_FIRST}") from None
    if order == 2:
        upstream = [f"the random upstream vector v for output {k} of fn (checked as an input too)"
                    for k in range(n_out)]
        checked = [i for i, a in enumerate(args)
                   if isinstance(a, Tensor) and a.requires_grad and a.dtype.kind == "f"]
        upstream += [f"(output {j} here is the gradient v^T d fn / d input {i})"
                     for j, i in enumerate(checked)]
        try:
            _gradgradcheck(call, args, None, **options)
        except GradcheckError as exc:
            raise GradcheckError(
                f"assert_grads_match: second derivatives of {name} are wrong (gradgradcheck "
                f"differentiates the gradient along random upstream vectors).\n{exc}\n"
                f"{_legend(labels, upstream)}\n{_HINTS_SECOND}") from None


# ---- Taylor test --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaylorResult:
    """What `taylor_test` observed.

    Attributes:
        steps: the step sizes h, largest first.
        remainders: |f(x + h v) - f(x) - h <grad f(x), v>| for each step.
        orders: log2 of the ratio of consecutive remainders (2 for a correct gradient, 1 for a
            wrong one); NaN where the remainder is down at rounding level.
        order: the observed order: the median over the smallest usable steps; NaN when every
            remainder is at rounding level (f is linear along v and the gradient exact).
        passed: whether the observed order is at least expected_order - 0.5.
    """

    steps: tuple[float, ...]
    remainders: tuple[float, ...]
    orders: tuple[float, ...]
    order: float
    expected_order: float
    passed: bool

    def __str__(self) -> str:
        rows = [f"  {'h':>10}  {'remainder':>12}  {'order':>6}"]
        for k, (h, r) in enumerate(zip(self.steps, self.remainders)):
            o = "" if k == 0 else ("-" if math.isnan(self.orders[k - 1])
                                   else f"{self.orders[k - 1]:.2f}")
            rows.append(f"  {h:10.3e}  {r:12.4e}  {o:>6}")
        verdict = "linear along v: every remainder is at rounding level" if math.isnan(
            self.order) else f"observed order {self.order:.2f} (expected {self.expected_order:g})"
        return f"Taylor test: {verdict}\n" + "\n".join(rows)


def _as_tensor_list(x: Any) -> tuple[list[Tensor], bool]:
    single = isinstance(x, Tensor)
    xs = [x] if single else list(x)
    for t in xs:
        if not isinstance(t, Tensor) or t.data.dtype.kind != "f":
            raise TypeError("taylor_test: x must be a float Tensor or a sequence of them, got "
                            f"{type(t).__name__}" + (f" of dtype {t.dtype}" if isinstance(
                                t, Tensor) else ""))
    return xs, single


def _scalar(out: Any) -> float:
    if not isinstance(out, Tensor) or out.data.size != 1:
        got = f"shape {out.shape}" if isinstance(out, Tensor) else type(out).__name__
        raise ValueError(f"taylor_test: fn must return a one-element Tensor, got {got}; reduce it "
                         "first (e.g. (fn(x) * w).sum() with a fixed random w)")
    return float(out.data.reshape(()))


def taylor_test(fn: Callable[..., Tensor], x: Any, direction: Any = None,
                steps: Sequence[float] | None = None, expected_order: float = 2.0,
                seed: int = 0, raise_exception: bool = True) -> TaylorResult:
    """Check a gradient by the convergence order of the Taylor remainder: no tolerance needed.

    For a correct gradient g, r(h) = |f(x + h v) - f(x) - h <g, v>| is O(h^2), so halving h divides
    it by 4; a wrong gradient leaves an O(h) term, and the ratio falls to 2. The test evaluates f in
    float64 along a random direction v, for steps h = 1e-2 * 2^-k (scaled by the size of x), and
    reports log2 of each ratio. g is computed for a random upstream gradient c (|c| in [0.5, 1.5],
    never 1) and divided by c, so a backward that ignores its upstream gradient fails too. float32
    inputs draw a UserWarning (the test runs on float64 copies).

    Args:
        fn: takes the tensor(s) and returns a one-element Tensor.
        x: a float Tensor, or a sequence of them (fn is called as fn(*x)).
        direction: v, with x's shape(s) (default: standard normal, seeded).
        steps: the step sizes h, decreasing (default: 14 halvings from 1e-2 * max(1, max|x|)).
        expected_order: 2 for a gradient; 3 with a correct Hessian-vector term is not checked here.
        seed: for the random direction.
        raise_exception: raise GradcheckError when the observed order is too low.

    Returns:
        A TaylorResult (printable as a table of steps, remainders and orders).
    """
    xs, single = _as_tensor_list(x)
    _warn_low_precision("taylor_test", [(f"input {i}", t.dtype) for i, t in enumerate(xs)
                                        if t.dtype.itemsize < 8], hint=False, stacklevel=2)
    leaves = [Tensor._make(np.array(t.data, dtype=np.float64), True) for t in xs]
    rng = np.random.default_rng(seed)
    if direction is None:
        vs = [rng.standard_normal(t.shape) for t in leaves]
    else:
        given = [direction] if single else list(direction)
        vs = [np.array(d.data if isinstance(d, Tensor) else d, dtype=np.float64) for d in given]
        for v, t in zip(vs, leaves):
            if v.shape != t.shape:
                raise ValueError(f"taylor_test: direction of shape {v.shape} does not match x of "
                                 f"shape {t.shape}")
    # the gradient is taken for a random upstream gradient c (never 1) and divided by it, so a
    # backward that ignores its upstream gradient (right only for c = 1) shows an O(h) term
    c = float(_random_signed(np.random.default_rng([seed, 1]), ()))
    with enable_grad():
        out = fn(*leaves)
        f0 = _scalar(out)
        grads = _grad(out, leaves, grad_outputs=[Tensor._make(np.full(out.shape, c, out.dtype))],
                      allow_unused=True) if out.requires_grad else [None] * len(xs)
    slope = sum(float(np.sum(g.data * v)) for g, v in zip(grads, vs) if g is not None) / c
    if steps is None:
        scale = max([1.0] + [float(np.max(np.abs(t.data))) for t in leaves if t.data.size])
        steps = [1e-2 * scale * 2.0 ** -k for k in range(14)]
    steps = tuple(float(h) for h in steps)
    remainders, noise = [], []
    tiny = np.finfo(np.float64).eps
    with no_grad():
        for h in steps:
            moved = [Tensor._make(t.data + h * v) for t, v in zip(leaves, vs)]
            fh = _scalar(fn(*moved))
            remainders.append(abs(fh - f0 - h * slope))
            # rounding in f (about eps * |f|) sets the floor below which remainders are noise
            noise.append(1e3 * tiny * max(abs(f0), abs(fh), abs(h * slope), 1e-300))
    orders = []
    for k in range(1, len(steps)):
        usable = remainders[k] > noise[k] and remainders[k - 1] > noise[k - 1]
        orders.append(math.log(remainders[k - 1] / remainders[k]) / math.log(
            steps[k - 1] / steps[k]) if usable else math.nan)
    usable_orders = [o for o in orders if not math.isnan(o)]
    if usable_orders:
        tail = usable_orders[-min(3, len(usable_orders)):]
        order = float(np.median(tail))
        passed = order >= expected_order - 0.5
    else:
        order, passed = math.nan, True
    result = TaylorResult(steps, tuple(remainders), tuple(orders), order, expected_order, passed)
    if not passed and raise_exception:
        raise GradcheckError(
            f"taylor_test: the gradient of {_describe(fn)} looks wrong: the Taylor remainder "
            f"shrinks at order {order:.2f}, not {expected_order:g} (an O(h) term remains, so "
            f"<grad, v> is off by about {remainders[-1] / steps[-1]:.3g}).\n{result}")
    return result
