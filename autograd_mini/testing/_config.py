"""Run-wide settings of the testing toolkit, set by the pytest plugin (kept free of imports)."""

from __future__ import annotations

DEEP_PROFILE = "autograd_mini-deep"

# The number of hypothesis examples asked for with `--gradcheck-examples N`; None for a normal run.
deep_examples: int | None = None


def max_examples(default: int) -> int:
    """The number of hypothesis examples a test should run: `default`, or N during a deep run.

    Use it where a test fixes its own count, so the deep run still reaches it:
    `@settings(max_examples=am.testing.max_examples(25), deadline=None)`.

    Args:
        default: the test's own number of examples.

    Returns:
        `default`, or the deep run's number (`--gradcheck-examples N`) when one is set.
    """
    return default if deep_examples is None else deep_examples
