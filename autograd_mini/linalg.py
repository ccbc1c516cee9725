"""`am.linalg`: norms, inverses, solves and decompositions, as `torch.linalg`.

    am.linalg.vector_norm(x, ord=2, dim=None, keepdim=False)
    am.linalg.matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False)
    am.linalg.norm(x, ord=None, dim=None, keepdim=False)
    am.linalg.inv / det / slogdet / solve / cholesky / qr / svd / svdvals / eigh / eigvalsh / pinv

Norms are differentiable to any order; the gradient where a norm is 0 is 0 (PyTorch's
subgradient). inv, det, slogdet, solve, cholesky, qr, svd, eigh and pinv are registry primitives
(`autograd_mini._linalg_primitives`: LAPACK forwards through NumPy, PyTorch's VJP formulas in
Tensor ops, differentiable again); svdvals, eigvalsh and the singular-value matrix norms
('nuc', 2, -2) are composites of those (exact: they are PyTorch's own composites). Every function
takes leading batch dimensions. Singular / not positive-definite inputs raise `LinAlgError`, a
RuntimeError, as torch.linalg.LinAlgError.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from . import _linalg_primitives as _lp
from . import ops
from ._linalg_primitives import LinAlgError
from .tensor import Tensor

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "cholesky",
           "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "LinAlgError"]


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """(sum |x|**ord)**(1/ord) over `dim` (every element when None); ord inf/-inf: max/min |x|,
    ord 0: the number of nonzero elements.

    Args:
        x: a tensor.
        ord: the order: a number, inf or -inf.
        dim: an int, a tuple of ints, or None (all elements).
        keepdim: keep the reduced dimensions with size 1.
        dtype: the dtype to compute in (None: x's).

    Returns:
        A tensor of x's shape without the reduced dimensions.
    """
    return ops.vector_norm(x, ord, dim, keepdim, dtype=dtype)


def matrix_norm(x: Any, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """A matrix norm over the two axes `dim`: 'fro', 'nuc' (the sum of the singular values),
    2 / -2 (the largest / smallest singular value), 1, -1, inf or -inf.

    Args:
        x: a tensor with at least 2 dimensions.
        ord: 'fro', 'nuc', 2, -2, 1, -1, inf or -inf.
        dim: the two dimensions of the matrices.
        keepdim: keep the two dimensions with size 1.
        dtype: the dtype to compute in (None: x's).

    Returns:
        A tensor of x's shape without the two dimensions.
    """
    return ops.matrix_norm(x, ord, dim, keepdim, dtype=dtype)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """A vector norm (dim an int, a 1-D input, or ord None: the 2-norm of all elements) or a matrix
    norm (dim a 2-tuple, or a 2-D input with ord given), as torch.linalg.norm.

    Args:
        x: a tensor.
        ord: the vector or matrix norm's order (None: 2-norm, or 'fro' for matrices).
        dim: an int (vector), a pair (matrix), or None.
        keepdim: keep the reduced dimensions with size 1.
        dtype: the dtype to compute in (None: x's).

    Returns:
        A tensor of x's shape without the reduced dimensions.
    """
    return ops._linalg_norm(x, ord, dim, keepdim, dtype=dtype)


# ---- decompositions, inverses and solves (primitives in _linalg_primitives) ------------------
LinalgSlogdetResult = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
LinalgQRResult = namedtuple("linalg_qr", ["Q", "R"])
LinalgSVDResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
LinalgEighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


def inv(A: Any) -> Tensor:
    """The inverse of each square matrix in A (..., n, n); a singular matrix raises LinAlgError
    (a RuntimeError), as torch.linalg.inv.

    Args:
        A: a tensor (..., n, n) of square matrices (batch dimensions allowed).

    Returns:
        A tensor (..., n, n).
    """
    return ops.inverse(A)


def det(A: Any) -> Tensor:
    """The determinant of each square matrix in A (..., n, n), shape (...).

    Args:
        A: a tensor (..., n, n) of square matrices (batch dimensions allowed).

    Returns:
        A tensor (...) of determinants.
    """
    return ops.det(A)


def slogdet(A: Any) -> LinalgSlogdetResult:
    """(sign, logabsdet) of det(A) per matrix; logabsdet is -inf for a singular matrix (sign 0).
    sign has no gradient.

    Args:
        A: a tensor (..., n, n) of square matrices (batch dimensions allowed).

    Returns:
        A named tuple (sign, logabsdet), each (...).
    """
    sign, logabsdet = _lp.LinalgSlogdet.apply(ops.matrices_arg(A, "linalg.slogdet"))
    return LinalgSlogdetResult(sign, logabsdet)


def solve(A: Any, B: Any, *, left: bool = True) -> Tensor:
    """X with A X = B (or X A = B when left=False). B is a batch of vectors when it is 1-D or has
    A's shape without its last dimension (PyTorch's rule), else a batch of matrices (..., n, k);
    batch dimensions broadcast. A singular A raises LinAlgError.

    Args:
        A: a tensor (..., n, n) of square matrices (batch dimensions allowed).
        B: the right-hand side: (..., n) vectors or (..., n, k) matrices (see above).
        left: solve A X = B (True) or X A = B (False).

    Returns:
        X, of B's shape (batch dimensions broadcast).
    """
    A = ops.matrices_arg(A, "linalg.solve")
    B = ops.tensor_arg(B, "linalg.solve")
    if B.ndim == 0:
        raise RuntimeError("linalg.solve: B must have at least 1 dimension, got a 0-d tensor")
    if B.dtype != A.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {ops.TORCH_DTYPE_NAMES.get(A.dtype.name, A.dtype)} and B of type "
                           f"{ops.TORCH_DTYPE_NAMES.get(B.dtype.name, B.dtype)} instead")
    n = A.shape[-1]
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    b = B.unsqueeze(-1) if vector else B  # a vector is a column, also for left=False
    if b.shape[-2 if left else -1] != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{b.shape[-2]}x{b.shape[-1]})")
    a, b = (A, b) if left else (A.mT, b.mT)
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {A.shape} and B {B.shape} "
                           "do not broadcast") from None
    x = _lp.LinalgSolve.apply(a, b)
    x = x if left else x.mT
    return x.squeeze(-1) if vector else x


def cholesky(A: Any, *, upper: bool = False) -> Tensor:
    """The Cholesky factor of each symmetric positive-definite matrix in A: lower L with
    A = L L^T (reading A's lower triangle), or with upper=True U = L^T (reading the upper
    triangle). A matrix that is not positive-definite raises LinAlgError.

    Args:
        A: a tensor (..., n, n) of symmetric positive-definite matrices (batch dimensions allowed).
        upper: return the upper factor U = L^T instead.

    Returns:
        A tensor (..., n, n), triangular.
    """
    A = ops.matrices_arg(A, "linalg.cholesky")
    if upper:  # the upper triangle of A is the lower one of A^T
        return _lp.LinalgCholesky.apply(A.mT).mT
    return _lp.LinalgCholesky.apply(A)


def qr(A: Any, mode: str = "reduced") -> LinalgQRResult:
    """(Q, R) with A = Q R: mode 'reduced' (Q (..., m, k), R (..., k, n), k = min(m, n)),
    'complete' (Q (..., m, m), R (..., m, n)) or 'r' (R only; Q empty, not differentiable).

    Args:
        A: a tensor (..., m, n).
        mode: 'reduced', 'complete' or 'r'.

    Returns:
        A named tuple (Q, R).
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    q, r = _lp.LinalgQR.apply(ops.matrices_arg(A, "linalg.qr", square=False), mode=mode)
    return LinalgQRResult(q, r)


def svd(A: Any, full_matrices: bool = True) -> LinalgSVDResult:
    """(U, S, Vh) with A = U diag(S) Vh, S descending. Differentiable for distinct nonzero
    singular values (U and Vh are defined up to the sign of each singular pair).

    Args:
        A: a tensor (..., m, n).
        full_matrices: U (..., m, m) and Vh (..., n, n) instead of the reduced k = min(m, n).

    Returns:
        A named tuple (U (..., m, k), S (..., k), Vh (..., k, n)) for full_matrices=False.
    """
    u, s, vh = _lp.LinalgSVD.apply(ops.matrices_arg(A, "linalg.svd", square=False),
                                   full_matrices=bool(full_matrices))
    return LinalgSVDResult(u, s, vh)


def svdvals(A: Any) -> Tensor:
    """The singular values of A (..., m, n), descending (composite: svd's S, so its gradient is
    svd's, exact and well defined for distinct singular values).

    Args:
        A: a tensor (..., m, n).

    Returns:
        A tensor (..., min(m, n)), descending.
    """
    return _lp.LinalgSVD.apply(ops.matrices_arg(A, "linalg.svdvals", square=False),
                               full_matrices=False)[1]


def _uplo(UPLO: Any, name: str) -> str:  # noqa: N803
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def eigh(A: Any, UPLO: str = "L") -> LinalgEighResult:  # noqa: N803  (PyTorch's name)
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix in A, reading
    its triangle UPLO. Differentiable for distinct eigenvalues.

    Args:
        A: a tensor (..., n, n) of symmetric matrices (batch dimensions allowed).
        UPLO: 'L' (read the lower triangle) or 'U'.

    Returns:
        A named tuple (eigenvalues (..., n), eigenvectors (..., n, n)).
    """
    w, v = _lp.LinalgEigh.apply(ops.matrices_arg(A, "linalg.eigh"), UPLO=_uplo(UPLO, "linalg.eigh"))
    return LinalgEighResult(w, v)


def eigvalsh(A: Any, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of each symmetric matrix in A, ascending (eigh's first output).

    Args:
        A: a tensor (..., n, n) of symmetric matrices (batch dimensions allowed).
        UPLO: 'L' (read the lower triangle) or 'U'.

    Returns:
        A tensor (..., n) of eigenvalues, ascending.
    """
    return eigh(A, UPLO)[0]


def pinv(A: Any, *, atol: float | None = None, rtol: float | None = None,
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse, as PyTorch's: from svd (or eigh when hermitian),
    singular values at or below max(atol, rtol * largest) treated as 0. rtol defaults to
    eps * max(m, n) when atol is None or 0, else to 0. Its gradient is PyTorch's pinv_backward
    (exact where the rank does not change).

    Args:
        A: a tensor (..., m, n).
        atol: the absolute threshold on singular values (None: 0).
        rtol: the relative threshold (None: see above).
        hermitian: A is symmetric (use eigh).

    Returns:
        A tensor (..., n, m).
    """
    A = ops.matrices_arg(A, "linalg.pinv", square=bool(hermitian))
    atol_v = 0.0 if atol is None else float(atol)
    if rtol is None:
        rtol = 0.0 if atol_v > 0 else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    return _lp.LinalgPinv.apply(A, atol=atol_v, rtol=float(rtol), hermitian=bool(hermitian))


def inverse(A: Any) -> Tensor:
    """torch.inverse: the same as linalg.inv.

    Args:
        A: a tensor (..., n, n) of square matrices (batch dimensions allowed).

    Returns:
        A tensor (..., n, n).
    """
    return inv(A)
