"""`am.backends.mps`: Apple's Metal (MPS) backend is never available (autograd_mini computes on
the CPU with NumPy)."""

from __future__ import annotations

__all__ = ["is_available", "is_built"]


def is_available() -> bool:
    """Whether the MPS device can be used: never."""
    return False


def is_built() -> bool:
    """Whether autograd_mini was built with MPS support: no."""
    return False
