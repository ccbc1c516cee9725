"""`am.linalg`: norms, as `torch.linalg` (the other linear-algebra functions are not here yet).

    am.linalg.vector_norm(x, ord=2, dim=None, keepdim=False)
    am.linalg.matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False)
    am.linalg.norm(x, ord=None, dim=None, keepdim=False)

Each is differentiable to any order; the gradient where a norm is 0 is 0 (PyTorch's subgradient).
"""

from __future__ import annotations

from typing import Any

from . import ops
from .tensor import Tensor

__all__ = ["norm", "vector_norm", "matrix_norm"]


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """(sum |x|**ord)**(1/ord) over `dim` (every element when None); ord inf/-inf: max/min |x|,
    ord 0: the number of nonzero elements."""
    return ops.vector_norm(x, ord, dim, keepdim, dtype=dtype)


def matrix_norm(x: Any, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """A matrix norm over the two axes `dim`: 'fro', 1, -1, inf or -inf ('nuc', 2 and -2, from
    singular values, are not supported yet)."""
    return ops.matrix_norm(x, ord, dim, keepdim, dtype=dtype)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """A vector norm (dim an int, a 1-D input, or ord None: the 2-norm of all elements) or a matrix
    norm (dim a 2-tuple, or a 2-D input with ord given), as torch.linalg.norm."""
    return ops._linalg_norm(x, ord, dim, keepdim, dtype=dtype)
