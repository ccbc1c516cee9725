"""Random programs: hypothesis builds expression graphs of 5-40 ops over reused, broadcast leaves and
checks every leaf's gradient against finite differences, first and second order.

The ops come from the fuzzer's `OPS` (tests/fuzz/programs*.py); every primitive in the registry
and every public differentiable function must be exercised by one of them or be excluded with a
reason.

A deep run: `pytest tests/test_random_programs.py --gradcheck-examples 200000`, or
`python benchmarks/stress/deep_random_programs.py`, which keeps going after a failure and reports
them all.
"""

from __future__ import annotations

import numpy as np
from fuzz.programs import (
    EXCLUDED,
    OPS,
    Program,
    Step,
    check_program,
    focused_programs,
    minimize,
    primitives_used,
    programs,
)
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini.nn import functional as F
from autograd_mini.primitives import PRIMITIVES
from autograd_mini.testing import max_examples


@settings(max_examples=max_examples(12), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(programs())
def test_random_program_gradients_match_finite_differences(program: Program) -> None:
    check_program(program, order=2)


def _public_differentiable() -> set[str]:
    core = {n for n in am.__all__
            if getattr(getattr(am, n, None), "__module__", "") == "autograd_mini.ops"}
    return core | {f"F.{n}" for n in F.__all__}


def test_every_public_function_is_exercised_or_excluded() -> None:
    exercised = {name for spec in OPS.values() for name in spec.api}
    missing = sorted(_public_differentiable() - exercised - set(EXCLUDED))
    assert not missing, (f"public functions no random-program op uses: {missing}; add an op in "
                         "tests/fuzz/programs*.py or an EXCLUDED entry with the reason")
    stale = sorted(set(EXCLUDED) & exercised)
    assert not stale, f"excluded but exercised: {stale}"


def test_every_primitive_is_recorded_by_some_op() -> None:
    """Walk the forward and the differentiated backward graphs of a few small programs per op
    (seeded: the same programs every run)."""
    seen: set[str] = set()

    for name in sorted(OPS):
        @seed(20240501)
        @settings(max_examples=4, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(focused_programs(name))
        def collect(program: Program) -> None:
            seen.update(primitives_used(program, order=2))

        collect()
    missing = sorted(set(PRIMITIVES) - seen - set(EXCLUDED))
    assert not missing, (f"primitives no random program records: {missing}; add an op in "
                         "tests/fuzz/programs*.py or an EXCLUDED entry with the reason")


def test_a_wrong_gradient_in_a_program_is_caught(monkeypatch) -> None:
    """The check can fail: a Mul whose VJP is 1% off is reported."""
    mul = PRIMITIVES["Mul"]
    original = mul.backward

    def off_by_one_percent(ctx, g):
        ga, gb = original(ctx, g)
        return (None if ga is None else ga * 1.01), gb

    monkeypatch.setattr(mul, "backward", staticmethod(off_by_one_percent))
    leaf = np.array([0.7, -1.3])
    program = Program([leaf], [Step("binary", (0, 0), {"kind": "mul"}), Step("sin", (1,))],
                      [(2, np.array([1.0, 0.5]))])
    try:
        check_program(program, order=1)
    except AssertionError as exc:
        assert "first derivatives" in str(exc)
    else:
        raise AssertionError("a 1% error in Mul's VJP went unnoticed")


def test_minimize_keeps_only_the_failing_term(monkeypatch) -> None:
    monkeypatch.setattr(PRIMITIVES["Sin"], "backward",
                        staticmethod(lambda ctx, g: g * am.cos(ctx.saved_tensors[0]) * 2.0))
    leaf = np.array([0.4, 1.1])
    program = Program([leaf], [Step("exp", (0,)), Step("sin", (0,)), Step("tanh", (1,))],
                      [(3, np.ones(2)), (2, np.ones(2))])
    small = minimize(program, order=1)
    assert [s.op for s in small.steps] == ["sin"] and len(small.outputs) == 1


@given(st.data())
@settings(max_examples=max_examples(5), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_programs_replay_identically(data) -> None:
    """A program is a pure function of its leaves: its text and its value are reproducible."""
    program = data.draw(programs(max_steps=10))
    leaves = [am.Tensor(a.copy()) for a in program.leaves]
    first, second = program.run(*leaves), program.run(*leaves)
    assert np.array_equal(first.data, second.data, equal_nan=True)
    assert str(program).count("\n") == len(program.leaves) + len(program.steps)

