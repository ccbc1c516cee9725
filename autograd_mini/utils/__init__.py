"""Utilities, as `torch.utils`: `am.utils.data` (datasets, samplers, collation and DataLoader).

Loaded on first use (`am.utils`), so `import autograd_mini` stays fast.
"""

from . import data

__all__ = ["data"]
