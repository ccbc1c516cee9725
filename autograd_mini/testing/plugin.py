"""The pytest plugin of `am.testing` (opt-in: `pytest -p autograd_mini.testing.plugin`, or
`pytest_plugins = ["autograd_mini.testing.plugin"]` in a conftest.py).

- `--gradcheck-examples N`: a deep run. Registers and loads the hypothesis profile
  "autograd_mini-deep" (N examples per test, no deadline), and makes
  `am.testing.max_examples(default)` return N, for tests that fix their own count.
- the `gradcheck` fixture: `gradcheck(fn, *inputs, order=2)` is `assert_grads_match`;
  `gradcheck.taylor(fn, x)` is `taylor_test`; `gradcheck.max_examples(default)` as above.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import _config
from ._checks import TaylorResult, assert_grads_match, taylor_test


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("autograd_mini", "autograd_mini gradient checks")
    group.addoption(
        "--gradcheck-examples", type=int, default=None, metavar="N", dest="gradcheck_examples",
        help="deep run: N hypothesis examples per test (loads the hypothesis profile "
             f"'{_config.DEEP_PROFILE}', without deadline)")


def pytest_configure(config: Any) -> None:
    n = config.getoption("gradcheck_examples", None)
    if n is None:
        return
    if n < 1:
        raise pytest.UsageError(f"--gradcheck-examples must be a positive number, got {n}")
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        raise pytest.UsageError("--gradcheck-examples needs hypothesis: pip install "
                                "'autograd_mini[testing]' (or pip install hypothesis)") from None
    settings.register_profile(_config.DEEP_PROFILE, max_examples=n, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(_config.DEEP_PROFILE)
    _config.deep_examples = n


def pytest_unconfigure(config: Any) -> None:
    if config.getoption("gradcheck_examples", None) is not None:
        _config.deep_examples = None


def pytest_report_header(config: Any) -> str | None:
    n = config.getoption("gradcheck_examples", None)
    if n is None:
        return None
    return f"autograd_mini: deep gradient-check run, {n} hypothesis examples per test"


class GradcheckFixture:
    """What the `gradcheck` fixture gives a test: the checks of `am.testing` in one object."""

    def __call__(self, fn: Any, *inputs: Any, **options: Any) -> None:
        """`assert_grads_match(fn, *inputs, **options)`."""
        assert_grads_match(fn, *inputs, **options)

    def taylor(self, fn: Any, x: Any, **options: Any) -> TaylorResult:
        """`taylor_test(fn, x, **options)`."""
        return taylor_test(fn, x, **options)

    @staticmethod
    def max_examples(default: int) -> int:
        """`default`, or N during a `--gradcheck-examples N` run."""
        return _config.max_examples(default)

    @property
    def deep(self) -> bool:
        """True during a `--gradcheck-examples` run."""
        return _config.deep_examples is not None


@pytest.fixture
def gradcheck() -> GradcheckFixture:
    """Gradient checks: `gradcheck(fn, *inputs)` asserts first and second derivatives match
    finite differences; `gradcheck.taylor(fn, x)` runs the Taylor test."""
    return GradcheckFixture()
