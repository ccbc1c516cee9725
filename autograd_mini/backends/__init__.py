"""`am.backends`: PyTorch's `torch.backends` queries, answered for a package that computes on the
CPU with NumPy (`am.backends.mps.is_available()` is False)."""

from . import mps

__all__ = ["mps"]
