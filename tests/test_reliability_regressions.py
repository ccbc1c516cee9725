"""Regression tests for core bugs found by the random-program fuzzer and the hostile-input table
(tests/test_random_programs.py, benchmarks/deep_random_programs.py, tests/test_hostile.py)."""

from __future__ import annotations

import numpy as np

import autograd_mini as am


def test_pad_of_a_zero_dimensional_tensor_is_the_tensor() -> None:
    """np.pad rejected the empty width list built for a 0-d tensor (a TypeError from NumPy)."""
    x = am.tensor(np.array(1.5), requires_grad=True)
    for width in (1, (1, 2)):
        out = am.pad(x, width)
        assert out.shape == () and out.item() == 1.5
    (am.pad(x, 2) * 3.0).backward()
    assert x.grad.item() == 3.0
