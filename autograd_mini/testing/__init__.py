"""`am.testing`: check the gradients of your own functions, layers and custom `Function`s.

    import autograd_mini as am
    from hypothesis import given
    from autograd_mini.testing import assert_grads_match, tensors

    @given(tensors(shape=(3, 4)))
    def test_my_softplus(x):
        assert_grads_match(my_softplus, x)          # first and second order, float64

- `assert_grads_match(fn, *inputs, order=2)`: gradcheck and gradgradcheck in one call; `fn` may be
  a Module (its parameters are checked too, on a float64 copy) or a custom `Function`.
- `taylor_test(fn, x)`: the first-order Taylor remainder must shrink at order 2; no tolerance.
- Both feed backward random upstream gradients (never 1, also for one-element outputs), so a
  backward that ignores or mis-scales its upstream gradient fails; float32 inputs are checked on
  float64 copies with a warning, and `check_dtypes=True` compares the float32 path with float64.
- Hypothesis strategies (need the `testing` extra): `shapes`, `broadcastable_shapes`, `tensors`,
  `axes`.
- A pytest plugin, opt-in (`-p autograd_mini.testing.plugin`, or `pytest_plugins =
  ["autograd_mini.testing.plugin"]` in a conftest.py): a `gradcheck` fixture and
  `--gradcheck-examples N`.

Nothing here is imported by `import autograd_mini`; hypothesis is imported only when a strategy
is first used.
"""

from __future__ import annotations

from typing import Any

from ._checks import TaylorResult, assert_grads_match, taylor_test
from ._config import max_examples

_STRATEGIES = ("shapes", "broadcastable_shapes", "tensors", "axes")

__all__ = ["assert_grads_match", "taylor_test", "TaylorResult", "max_examples", *_STRATEGIES]


def __getattr__(name: str) -> Any:
    # The strategies need hypothesis; import it only when one is asked for, so the checks work
    # without it.
    if name in _STRATEGIES:
        try:
            from . import strategies
        except ModuleNotFoundError as err:
            if err.name != "hypothesis":
                raise
            raise ImportError(f"am.testing.{name} needs hypothesis: pip install "
                              "'autograd_mini[testing]' (or pip install hypothesis)") from None
        return getattr(strategies, name)
    raise AttributeError(f"module 'autograd_mini.testing' has no attribute {name!r}")
