"""Shape rules on plain NumPy arrays, shared by the engine and the primitives."""

from __future__ import annotations

from typing import Any

import numpy as np


def broadcasts_to(small: tuple, big: tuple) -> bool:
    """True when shape `small` broadcasts to `big`, so summing can undo the broadcast."""
    if len(small) > len(big):
        return False
    return all(s == b or s == 1 for s, b in zip(small[::-1], big[::-1]))


def sum_to_shape(a: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum over the leading axes `shape` lacks and over the axes where `shape` has 1: the adjoint
    of broadcasting `shape` to `a.shape`."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and a.shape[lead + i] != 1)
    out = np.add.reduce(a, axis=axes, keepdims=True) if axes else a  # (np.sum without its wrapper)
    return out.reshape(shape)


def is_basic_index(index: Any) -> bool:
    """True when the index only holds ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis
               for i in parts)
