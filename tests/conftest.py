"""Project-wide test options.

- `--runslow`: also run tests marked `slow` (long runs: deep profiles, 10,000-step trainings).
- The hypothesis profile "autograd_mini-dev" (no deadline: the machines running the suite are
  shared and timings vary) is loaded unless a deep run asks for more examples with
  `--gradcheck-examples N` (the am.testing pytest plugin).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("autograd_mini-dev", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked slow (long runs)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("gradcheck_examples", None) is None:
        settings.load_profile("autograd_mini-dev")


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
