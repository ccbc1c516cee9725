"""The recording fast paths (apply1, apply2) record exactly the node the general path records.

Every op rule's graph is built with a spy on the fast paths: each call also runs the general path,
`record.apply`, on the same arguments, and the two nodes are compared attribute by attribute (edges,
needs_input_grad, metadata, parameters, constant inputs, scope, saved tensors and their versions)
as are the two results. Every primitive that can take the fast path must be met this way.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_registry_gradcheck import CASES

import autograd_mini as am
from autograd_mini import ops
from autograd_mini.autograd import record
from autograd_mini.autograd.node import ConstantInput, Node, SavedOutput
from autograd_mini.autograd.record import set_scope
from autograd_mini.primitives import PRIMITIVES


def _fast_path_primitives() -> set[str]:
    """Primitives whose forward takes one or two arrays (the others always take `apply`)."""
    names = set()
    for name, cls in PRIMITIVES.items():
        params = list(inspect.signature(cls.forward).parameters.values())[1:]  # after ctx
        required = [p for p in params if p.default is inspect.Parameter.empty
                    and p.kind is not inspect.Parameter.KEYWORD_ONLY]
        if all(p.kind is not inspect.Parameter.VAR_POSITIONAL for p in params) \
                and 1 <= len(required) <= 2:
            names.add(name)
    return names


def _same_saved(fast: Node, general: Node) -> None:
    assert (fast._saved is None) == (general._saved is None)
    if fast._saved is None:
        return
    assert len(fast._saved) == len(general._saved)
    for f, g in zip(fast._saved, general._saved):
        assert type(f) is type(g)
        if isinstance(f, SavedOutput):  # each path made its own output
            assert f.output_nr == g.output_nr and f.version == g.version
            np.testing.assert_array_equal(f.data, g.data)
        elif f.grad_fn is None and not f.requires_grad and f is not g:  # a number, wrapped anew
            np.testing.assert_array_equal(f.data, g.data)
        else:
            assert f is g
    assert fast._saved_versions == general._saved_versions


def _same_constants(fast: Node, general: Node) -> None:
    assert (fast._const_inputs is None) == (general._const_inputs is None)
    for f, g in zip(fast._const_inputs or (), general._const_inputs or ()):
        assert (f is None) == (g is None)
        if isinstance(f, ConstantInput):
            assert (f.shape, f.dtype, f.ref and f.ref()) == (g.shape, g.dtype, g.ref and g.ref())
            assert f.value == g.value or (f.value != f.value and g.value != g.value)  # NaN


def assert_same_recording(fast_out: Any, general_out: Any) -> None:
    """The fast path's result and node equal the general path's."""
    assert type(fast_out) is type(general_out) is am.Tensor
    assert fast_out.dtype == general_out.dtype and fast_out.shape == general_out.shape
    np.testing.assert_array_equal(fast_out.data, general_out.data)
    assert fast_out.requires_grad == general_out.requires_grad
    fast, general = fast_out.grad_fn, general_out.grad_fn
    assert (fast is None) == (general is None)
    if fast is None:
        return
    assert type(fast) is type(general) is Node
    assert fast.fn is general.fn
    assert fast.needs_input_grad == general.needs_input_grad
    assert len(fast.next_edges) == len(general.next_edges)
    for f, g in zip(fast.next_edges, general.next_edges):
        assert f is g or (type(f) is tuple and f[0] is g[0] and f[1] == g[1])
    if fast._multi:  # a node of several outputs has metadata of its own (record._metadata)
        slots = type(fast.meta).__slots__
        assert [getattr(fast.meta, k) for k in slots] == [getattr(general.meta, k) for k in slots]
    else:
        assert fast.meta is general.meta  # shared metadata: the same object, not just equal
    assert dict(fast.params) == dict(general.params) or fast.params is general.params
    assert fast.scope == general.scope and fast._multi == general._multi
    _same_constants(fast, general)
    _same_saved(fast, general)


class _Spy:
    """Wraps apply1/apply2: runs the general path first on the same arguments, then the fast
    path, compares them, and returns the fast path's result."""

    def __init__(self) -> None:
        self.compared: set[str] = set()
        self.apply1, self.apply2 = record.apply1, record.apply2

    def spy1(self, cls: Any, a: Any, params: dict = record._NO_PARAMS) -> Any:
        general = record.apply(cls, (a,), params)
        fast = self.apply1(cls, a, params)
        self._compare(cls, fast, general)
        return fast

    def spy2(self, cls: Any, a: Any, b: Any, params: dict = record._NO_PARAMS) -> Any:
        general = record.apply(cls, (a, b), params)
        fast = self.apply2(cls, a, b, params)
        self._compare(cls, fast, general)
        return fast

    def _compare(self, cls: Any, fast: Any, general: Any) -> None:
        if isinstance(fast, tuple):
            for f, g in zip(fast, general, strict=True):
                assert_same_recording(f, g)
        else:
            assert_same_recording(fast, general)
        if fast is not None and any(isinstance(o, am.Tensor) and o.grad_fn is not None
                                    for o in (fast if isinstance(fast, tuple) else (fast,))):
            self.compared.add(cls.__name__)


@pytest.fixture()
def spy(monkeypatch: pytest.MonkeyPatch) -> _Spy:
    s = _Spy()
    for module in (record, ops):
        monkeypatch.setattr(module, "apply1", s.spy1)
        monkeypatch.setattr(module, "apply2", s.spy2)
    return s


def test_fast_paths_record_what_the_general_path_records(spy: _Spy) -> None:
    for _, make in sorted(CASES.values(), key=lambda case: case[0]):
        if make is None:
            continue

        @settings(max_examples=4, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            fn, args = make(data.draw)  # noqa: B023  (run at once, in this iteration)
            fn(*args)

        check()
    missing = _fast_path_primitives() - spy.compared
    assert not missing, f"never recorded both ways: {sorted(missing)}"


def test_both_paths_agree_on_scope_constants_and_saved_numbers(spy: _Spy) -> None:
    x = am.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    set_scope("Model.layer")
    try:
        (x * 2.0 + np.ones(3)).tanh().sum()  # constants on either side, a module scope
        (3.0 / x) ** 2
    finally:
        set_scope(None)
    assert {"Mul", "Add", "Tanh", "Div", "PowConst"} <= spy.compared


def test_the_spy_sees_a_difference() -> None:
    """A node that differs in any recorded attribute fails the comparison."""
    x = am.tensor([1.0, 2.0], requires_grad=True)
    fast = record.apply1(PRIMITIVES["Exp"], x)
    general = record.apply(PRIMITIVES["Exp"], (x,), {})
    assert_same_recording(fast, general)
    general.grad_fn.needs_input_grad = (False,)
    with pytest.raises(AssertionError):
        assert_same_recording(fast, general)
    other = record.apply(PRIMITIVES["Exp"], (x,), {})
    other.grad_fn._saved_versions = (1,)
    with pytest.raises(AssertionError):
        assert_same_recording(fast, other)
