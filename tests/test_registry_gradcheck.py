"""Every registered primitive and every public op, checked against finite differences.

The rules come from every `tests/op_rules*.py` module (each defines `RULES`). The test is
parametrised over the union of the rules and the registry `PRIMITIVES`, so a primitive that
has no rule fails here, and so does a public op of `autograd_mini` without one. Each case draws
shapes with hypothesis and runs `am.gradcheck` and `am.gradgradcheck` in float64.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import ops
from autograd_mini.primitives import PRIMITIVES

TESTS = Path(__file__).parent
# Public ops that have no derivative at all (their results are integers or signs).
NOT_DIFFERENTIABLE = {"argmax", "argmin", "sign",
                      # bool results, Python bools, integer bits; floor_divide has no derivative
                      # (backward through it is an error, as in PyTorch)
                      "all", "any", "allclose", "isclose", "equal", "floor_divide",
                      "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                      "logical_and", "logical_or", "logical_xor", "logical_not"}
# Examples per op; raise it (AM_GRADCHECK_EXAMPLES=200) for a deeper search before a release.
EXAMPLES = int(os.environ.get("AM_GRADCHECK_EXAMPLES", "12"))


def _import_package_modules() -> None:
    """Import every autograd_mini module, so primitives registered outside the core count too."""
    for info in pkgutil.walk_packages(am.__path__, "autograd_mini."):
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # an optional dependency that is not installed
            if exc.name and exc.name.startswith("autograd_mini"):
                raise


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_rules_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _collect_rules() -> dict[str, Callable]:
    rules: dict[str, Callable] = {}
    for path in sorted(TESTS.glob("op_rules*.py")):
        for key, fn in _load(path).RULES.items():
            if key in rules:
                raise AssertionError(f"rule {key!r} is defined twice (again in {path.name})")
            rules[key] = fn
    return rules


_import_package_modules()
RULES = _collect_rules()


def _cases() -> dict[str, tuple[list[str], Callable | None]]:
    """One case per distinct rule (keys sharing a rule are joined), plus one per primitive
    without a rule (which fails)."""
    by_rule: dict[int, list[str]] = {}
    for key, fn in RULES.items():
        by_rule.setdefault(id(fn), []).append(key)
    cases: dict[str, tuple[list[str], Callable | None]] = {}
    for keys in by_rule.values():
        cases[" | ".join(keys)] = (keys, RULES[keys[0]])
    for name in PRIMITIVES:
        if name not in RULES:
            cases[name] = ([name], None)
    return cases


CASES = _cases()


def _nodes(outputs: Any) -> list:
    """The nodes of the graph behind `outputs` (iteratively)."""
    outs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    stack = [o.grad_fn for o in outs if isinstance(o, am.Tensor) and o.grad_fn is not None]
    seen: dict[int, Any] = {}
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(fn for fn, _ in node.next_functions if isinstance(fn, am.autograd.Node))
    return list(seen.values())


def _primitives_in_graph(outputs: Any) -> set[str]:
    """Names of the Functions recorded in the graph behind `outputs`."""
    return {node.fn.__name__ for node in _nodes(outputs)}


def _check_args(args: tuple) -> None:
    tensors = [a for a in args if isinstance(a, am.Tensor) and a.requires_grad]
    assert tensors, "a rule must give at least one tensor that requires grad"
    for t in tensors:
        assert t.dtype == np.float64 and t.is_leaf


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradcheck_and_gradgradcheck(case: str) -> None:
    keys, make = CASES[case]
    if make is None:
        pytest.fail(f"primitive {case!r} is registered in PRIMITIVES but has no rule in "
                    "tests/op_rules*.py: add one (sample inputs inside its domain)")

    recorded: set[str] = set()

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        fn, args = make(data.draw)
        _check_args(args)
        snapshot = [np.copy(a.data) for a in args if isinstance(a, am.Tensor)]
        recorded.update(_primitives_in_graph(fn(*args)))
        assert am.gradcheck(fn, args)
        assert am.gradgradcheck(fn, args)
        after = [a.data for a in args if isinstance(a, am.Tensor)]
        for before, now in zip(snapshot, after):
            np.testing.assert_array_equal(before, now)  # gradcheck works on copies

    check()
    for key in keys:  # a rule keyed by a primitive must really exercise it
        if key in PRIMITIVES:
            assert key in recorded, f"the rule for {key} never recorded a {key} node: {recorded}"


def _public_ops() -> list[str]:
    return [name for name in am.__all__
            if callable(getattr(am, name)) and getattr(getattr(am, name), "__module__", "")
            == ops.__name__]


def test_every_public_op_has_a_rule() -> None:
    """A public op in am.__all__ (from autograd_mini.ops) needs a rule, under its own name, a
    variant `name[...]`, or the name of an alias (clamp -> clip)."""
    covered_functions = {id(getattr(am, k.split("[")[0])) for k in RULES
                         if hasattr(am, k.split("[")[0])}
    missing = [name for name in _public_ops()
               if name not in NOT_DIFFERENTIABLE and id(getattr(am, name)) not in covered_functions]
    assert not missing, f"public ops without a gradcheck rule in tests/op_rules*.py: {missing}"


def test_every_primitive_has_a_rule() -> None:
    missing = sorted(set(PRIMITIVES) - set(RULES))
    assert not missing, f"primitives without a rule in tests/op_rules*.py: {missing}"



# Cases whose VJP computes another way under create_graph, by design: prod with zeros builds
# the product of the other elements from differentiable ops (row products) instead of
# cumulative products, so the two agree to rounding, not bit for bit.
ANOTHER_FORMULA_WHEN_RECORDED = {"prod[with zeros]"}


@pytest.mark.parametrize("case", sorted(k for k, (_, make) in CASES.items() if make is not None))
def test_array_mode_backward_equals_the_recorded_backward(case: str) -> None:
    """Without create_graph the engine runs `array_backward` VJPs on ndarrays, and wraps the
    others in Tensors; with create_graph every VJP is recorded as Tensor ops. Both must give
    bit-identical gradients (the same NumPy calls on the same arrays)."""
    _, make = CASES[case]
    exact = case not in ANOTHER_FORMULA_WHEN_RECORDED

    @settings(max_examples=max(3, EXAMPLES // 3), deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        fn, args = make(data.draw)
        leaves = [a for a in args if isinstance(a, am.Tensor) and a.requires_grad]
        outs = fn(*args)
        outs = [o for o in (outs if isinstance(outs, tuple) else (outs,))
                if o.requires_grad and o.dtype.kind == "f"]
        rng = np.random.default_rng(0)
        vs = [am.tensor(rng.standard_normal(o.shape)) for o in outs]
        plain = am.autograd.grad(outs, leaves, vs, retain_graph=True, allow_unused=True)
        recorded = am.autograd.grad(outs, leaves, vs, create_graph=True, allow_unused=True)
        for k, (p, r) in enumerate(zip(plain, recorded)):
            assert (p is None) == (r is None), f"input {k}: one mode gave no gradient"
            if p is not None:
                assert type(p.data) is np.ndarray and p.dtype == r.dtype
                if exact:
                    np.testing.assert_array_equal(p.data, r.data, err_msg=f"input {k}")
                else:  # products of up to p.size factors each way: that many roundings apart
                    rtol = max(4, p.data.size) * np.finfo(p.dtype).eps
                    np.testing.assert_allclose(p.data, r.data, rtol=rtol, atol=0,
                                               err_msg=f"input {k}")

    check()


def _as_float32(a: Any) -> Any:
    if isinstance(a, am.Tensor) and a.dtype == np.float64:
        return am.tensor(a.data.astype(np.float32), requires_grad=a.requires_grad)
    return a


def _check_trusted_vjps(outputs: Any, where: str, checked: set[str]) -> None:
    rng = np.random.default_rng(0)
    for node in _nodes(outputs):
        if not (node.meta.inputs_like_output and node.fn.array_backward):
            continue
        (shape,), (dtype,) = node.meta.out_shapes, node.meta.out_dtypes
        node._arrays = True
        result = node.fn.backward(node, rng.standard_normal(shape).astype(dtype))
        node._arrays = False
        result = result if isinstance(result, tuple) else (result,)
        for i, g in enumerate(result):
            if g is not None and node.next_edges[i] is not None:
                what = f"{node.name()} ({where}), input {i}"
                assert type(g) is np.ndarray, f"{what}: {type(g)}"
                assert g.shape == node.input_shapes[i], f"{what}: shape {g.shape}"
                assert g.dtype == node.input_dtypes[i], f"{what}: dtype {g.dtype}"
        checked.add(node.fn.__name__)


def _f32(*shape: int) -> am.Tensor:
    return am.tensor(np.random.default_rng(1).uniform(0.5, 2.0, shape).astype(np.float32),
                     requires_grad=True)


# Graphs with nodes whose inputs are like their output (shape and dtype), of the primitives whose
# rules draw such shapes only now and then (or never), so that every array VJP is met on every run,
# whatever hypothesis draws.
TRUSTED_EXTRAS: dict[str, Callable[[], Any]] = {
    "add": lambda: _f32(3, 4) + _f32(3, 4),
    "div": lambda: _f32(3, 4) / _f32(3, 4),
    "sub": lambda: _f32(3, 4) - _f32(3, 4),
    "BroadcastTo": lambda: PRIMITIVES["BroadcastTo"].apply(_f32(3, 4), shape=(3, 4)),
    "sum over an axis of length 1": lambda: _f32(3, 1).sum(dim=1, keepdim=True),
    "linear without bias, square": lambda: am.nn.functional.linear(_f32(3, 3), _f32(3, 3)),
    "layer_norm without weight and bias": lambda: am.nn.functional.layer_norm(_f32(3, 4), (4,)),
}


def test_array_vjps_the_engine_trusts_keep_their_inputs_shape_and_dtype() -> None:
    """The engine does not check or fit the gradients of a primitive whose inputs all had the
    output's shape and dtype (its metadata's `inputs_like_output`) when it runs the VJP on arrays:
    they must then be ndarrays of each input's shape and dtype. Checked in float32 (a NumPy
    float64 scalar in a VJP would promote) for every rule's graph and a few more, and every
    array VJP must be met this way at least once."""
    checked: set[str] = set()
    for case, (_, make) in sorted(CASES.items()):
        if make is None:
            continue

        @settings(max_examples=6, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            fn, args = make(data.draw)  # noqa: B023  (run at once, in this iteration)
            outputs = fn(*[_as_float32(a) for a in args])
            _check_trusted_vjps(outputs, f"case {case}", checked)  # noqa: B023

        check()
    for name, build in TRUSTED_EXTRAS.items():
        _check_trusted_vjps(build(), name, checked)
    array_vjps = {name for name, cls in PRIMITIVES.items() if cls.array_backward}
    missing = array_vjps - checked
    assert not missing, f"never met with inputs like the output: {sorted(missing)}"


# Primitives that refuse float16 inputs, and why (none today: every primitive computes in the
# input's dtype; reductions and normalisations accumulate in float32, see ops.in_float32).
FLOAT16_REFUSED: dict[str, str] = {}
# float16 has 11 significant bits (eps ~ 1e-3); a composite of a few roundings stays within 3%
# of the float64 result, measured against the largest magnitude of that result.
FLOAT16_RTOL = 3e-2


def _to_float16(args: tuple) -> tuple:
    """float16 copies of the leaves and of float ndarray constants (a float64 array operand
    would promote the result to float64, as in PyTorch)."""
    def low(a: Any) -> Any:
        if isinstance(a, am.Tensor) and a.requires_grad:
            return am.tensor(a.data.astype(np.float16), requires_grad=True)
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            return a.astype(np.float16)
        return a
    return tuple(low(a) for a in args)


def _close_in_float16(low: np.ndarray, high: np.ndarray, what: str) -> None:
    high = np.asarray(high, dtype=np.float64)
    scale = float(np.max(np.abs(high[np.isfinite(high)]), initial=0.0)) + 1.0
    np.testing.assert_allclose(np.asarray(low, dtype=np.float64), high, rtol=0,
                               atol=FLOAT16_RTOL * scale, err_msg=what)


@pytest.mark.parametrize("case", sorted(k for k, (_, make) in CASES.items() if make is not None))
def test_float16_inputs_give_the_float64_result_to_float16_precision(case: str) -> None:
    """Each rule run on float16 copies of its inputs: float16 outputs and gradients, close to
    the float64 ones (a loose tolerance: this finds overflow, a lost dtype, a wrong formula in
    a float16-only path, not rounding)."""
    _, make = CASES[case]

    @settings(max_examples=3, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        fn, args = make(data.draw)
        low_args = _to_float16(args)
        outs = [o for o in _as_list(fn(*args)) if o.requires_grad]
        low_outs = [o for o in _as_list(fn(*low_args)) if o.requires_grad]
        # rules "...[ndarray]" close over a float64 array: a dimensioned one promotes the result
        # to float64, as a float64 tensor operand does in PyTorch (a 0-d one does not)
        want = (np.float16, np.float64) if "ndarray]" in case else (np.float16,)
        for k, (o, lo) in enumerate(zip(outs, low_outs)):
            assert lo.dtype in want, f"output {k} of a float16 call is {lo.dtype}"
            _close_in_float16(lo.data, o.data, f"output {k}")
        rng = np.random.default_rng(0)
        vs = [rng.uniform(-1, 1, o.shape) for o in outs]
        leaves = [a for a in args if isinstance(a, am.Tensor) and a.requires_grad]
        low_leaves = [a for a in low_args if isinstance(a, am.Tensor) and a.requires_grad]
        grads = am.autograd.grad(outs, leaves, [am.tensor(v) for v in vs], allow_unused=True)
        low_grads = am.autograd.grad(low_outs, low_leaves,
                                     [am.tensor(v.astype(np.float16)) for v in vs],
                                     allow_unused=True)
        for k, (g, lg) in enumerate(zip(grads, low_grads)):
            if g is not None and lg is not None:
                assert lg.dtype == np.float16, f"gradient {k} of a float16 call is {lg.dtype}"
                _close_in_float16(lg.data, g.data, f"gradient {k}")

    if case in FLOAT16_REFUSED:
        with pytest.raises(TypeError, match="float16"):
            check()
    else:
        check()


def _as_list(outs: Any) -> list:
    return list(outs) if isinstance(outs, (tuple, list)) else [outs]
