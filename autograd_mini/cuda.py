"""`am.cuda`: PyTorch's `torch.cuda` queries, answered for a package that computes on the CPU.

autograd_mini computes with NumPy on the CPU, so CUDA is never available; code written for
PyTorch that asks first (`device = "cuda" if am.cuda.is_available() else "cpu"`) picks "cpu".
"""

from __future__ import annotations

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all"]


def is_available() -> bool:
    """Whether CUDA can be used: never (autograd_mini computes on the CPU with NumPy)."""
    return False


def device_count() -> int:
    """The number of CUDA devices: 0."""
    return 0


def manual_seed(seed: int) -> None:
    """Seed the CUDA generator: nothing to seed (PyTorch, too, ignores this without CUDA); the
    CPU's random numbers are seeded by `am.manual_seed`.

    Args:
        seed: ignored (there is no CUDA generator).
    """


def manual_seed_all(seed: int) -> None:
    """Seed every CUDA generator: nothing to seed (see `manual_seed`).

    Args:
        seed: ignored (there is no CUDA generator).
    """
