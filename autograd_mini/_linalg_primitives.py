"""The linear-algebra primitives behind `am.linalg`: LAPACK (through NumPy) forwards beside VJPs
written in Tensor ops, so every gradient can be differentiated again.

Registered primitives: LinalgInv, LinalgDet, LinalgSlogdet, LinalgSolve, LinalgCholesky,
LinalgQR, LinalgSVD, LinalgEigh, LinalgPinv. The VJPs are PyTorch's formulas
(torch/csrc/autograd/FunctionsManual.cpp), so gradients agree with torch's to rounding,
including the conventions for gauge-dependent outputs (svd's U/Vh and eigh's eigenvectors are
defined up to sign; the gradient formulas are torch's, for distinct singular values /
eigenvalues). Argument checks live in
`autograd_mini.linalg`; these only compute. float16 inputs are computed in float32 and the results
cast back (LAPACK has no half precision; PyTorch refuses float16 here).

Imports only downward (primitives, tensor, ops): nothing below imports this module at load time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.function import Function
from .primitives import Concat, Where, const, register
from .tensor import Tensor

__all__ = ["LinAlgError", "LinalgInv", "LinalgDet", "LinalgSlogdet", "LinalgSolve",
           "LinalgCholesky", "LinalgQR", "LinalgSVD", "LinalgEigh", "LinalgPinv"]


class LinAlgError(RuntimeError):
    """A matrix that a factorization or solve cannot handle (singular, not positive-definite):
    a RuntimeError, as torch.linalg.LinAlgError."""


def _wide(a: np.ndarray) -> np.ndarray:
    """a in a dtype LAPACK has (float16 widened to float32)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def _as(out: Any, dtype: np.dtype) -> np.ndarray:
    """A LAPACK result as an ndarray of the input's dtype (det of one matrix is a NumPy scalar)."""
    return np.asarray(out).astype(dtype, copy=False)


def _eye(n: int, like: Tensor) -> Tensor:
    return const(np.eye(n, dtype=like.dtype))


def _solve(a: Any, b: Any) -> Tensor:
    """a^-1 b for Tensors in a VJP (recorded under create_graph: differentiable again)."""
    return LinalgSolve.apply(a, b)


# ---- inverse, determinant, solve --------------------------------------------------------------
@register
class LinalgInv(Function):
    """inv(A) for (..., n, n): d = -inv^T g inv^T."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        try:
            out = np.linalg.inv(_wide(a))
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.inv: The input matrix is singular (a zero pivot in its LU "
                              "factorization), the inversion could not be completed.") from None
        out = _as(out, a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (inv,) = ctx.saved_tensors
        inv_t = inv.mT
        return -(inv_t @ g @ inv_t)


def _det_backward_singular(a: Tensor, g: Tensor) -> Tensor:
    """g times the cofactor matrix of A, from its SVD (PyTorch's formula for singular A):
    U diag(sign * prod_{j != i} S_j) Vh, sign = det(U) det(Vh) (a constant +-1)."""
    u, s, vh = LinalgSVD.apply(a, full_matrices=False)
    sign = np.sign(np.linalg.det(_wide(u.data)) * np.linalg.det(_wide(vh.data)))
    n = s.shape[-1]
    eye = np.eye(n, dtype=bool)
    others = Where.apply(eye, const(np.ones((), s.dtype)), s.unsqueeze(-2)).prod(-1)
    d = others * (g * const(sign.astype(s.dtype))).unsqueeze(-1)
    return (u * d.unsqueeze(-2)) @ vh


@register
class LinalgDet(Function):
    """det(A) for (..., n, n): d = g det(A) inv(A)^T, or, when some matrix of the batch is
    exactly singular (det 0), g times the cofactor matrix from the SVD (PyTorch's two
    formulas; they agree wherever both apply)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = _as(np.linalg.det(_wide(a)), a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, det = ctx.saved_tensors
        if not np.all(det.data):  # an exactly singular matrix: no inverse
            return _det_backward_singular(a, g)
        scale = (g * det).unsqueeze(-1).unsqueeze(-1)
        return scale * LinalgInv.apply(a).mT


@register
class LinalgSlogdet(Function):
    """(sign(det A), log|det A|): sign has no gradient; d log|det| = g inv(A)^T."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        sign, logabs = np.linalg.slogdet(_wide(a))
        ctx.save_for_backward(a)
        return _as(sign, a.dtype), _as(logabs, a.dtype)

    @staticmethod
    def backward(ctx: Any, g_sign: Any, g_logabs: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g_logabs.unsqueeze(-1).unsqueeze(-1) * LinalgInv.apply(a).mT


@register
class LinalgSolve(Function):
    """X = A^-1 B for A (..., n, n) and B (..., n, k), batch dimensions broadcast:
    dB = A^-T g, dA = -dB X^T (in the broadcast batch shape; the engine sums it back)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        try:
            out = np.linalg.solve(_wide(a), _wide(b))
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular.") from None
        out = _as(out, np.result_type(a.dtype, b.dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, x = ctx.saved_tensors
        gb = _solve(a.mT, g)
        ga = -(gb @ x.mT) if ctx.needs_input_grad[0] else None
        return ga, (gb if ctx.needs_input_grad[1] else None)


# ---- factorizations ---------------------------------------------------------------------------
def _leading_minor(a: np.ndarray) -> int:
    """The order of the first leading minor of a (batch of) matrix that is not positive-definite
    (for the error message, as PyTorch's)."""
    flat = a.reshape(-1, *a.shape[-2:])
    for m in flat:
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return k
    return a.shape[-1]


@register
class LinalgCholesky(Function):
    """The lower Cholesky factor L of an SPD A (reads A's lower triangle, as LAPACK potrf 'L').
    VJP (PyTorch's): gA = L^-T phi(L^T gL) L^-1, symmetrized, phi = tril with the diagonal
    halved (the upper part of gL has no effect: L's upper triangle is constant)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        try:
            out = np.linalg.cholesky(_wide(a))
        except np.linalg.LinAlgError:
            raise LinAlgError(
                "linalg.cholesky: The factorization could not be completed because the input is "
                f"not positive-definite (the leading minor of order {_leading_minor(_wide(a))} "
                "is not positive-definite).") from None
        out = _as(out, a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (low,) = ctx.saved_tensors
        p = low.mT @ g
        p = p.tril() - 0.5 * p.diagonal(0, -2, -1).diag_embed()
        low_t = low.mT
        ga = _solve(low_t, _solve(low_t, p).mT).mT  # L^-T P L^-1
        return 0.5 * (ga + ga.mT)


def _copyltu(m: Tensor) -> Tensor:
    """The symmetric matrix with m's lower triangle (diagonal included) copied to the upper."""
    return m.tril() + m.tril(-1).mT


def _qr_backward_tall(q: Tensor, r: Tensor, gq: Tensor, gr: Tensor) -> Tensor:
    """The QR VJP for m >= n (reduced): gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q."""
    m = r @ gr.mT - gq.mT @ q
    b = gq + q @ _copyltu(m)
    return _solve(r, b.mT).mT


@register
class LinalgQR(Function):
    """(Q, R) of A (..., m, n), mode 'reduced', 'complete' or 'r' (Q empty, as PyTorch's).
    Differentiable in 'reduced' mode, and in 'complete' mode when m <= n (where it is the same
    factorization); PyTorch refuses the others in backward, and so does this."""

    @staticmethod
    def forward(ctx: Any, a: Any, *, mode: Any = "reduced") -> Any:
        if mode == "r":
            r = _as(np.linalg.qr(_wide(a), mode="r"), a.dtype)
            return np.empty((0,), a.dtype), r
        q, r = np.linalg.qr(_wide(a), mode=mode)
        q, r = _as(q, a.dtype), _as(r, a.dtype)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx: Any, gq: Any, gr: Any) -> Any:
        mode = ctx.params.get("mode", "reduced")
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_backward_tall(q, r, gq, gr)
        # m < n: A = [X | Y], X = Q U (square), Y = Q V; Y's gradient is Q gV
        u, v = r[..., :m], r[..., m:]
        gu, gv = gr[..., :m], gr[..., m:]
        gx = _qr_backward_tall(q, u, gq + q @ v @ gv.mT, gu)
        return Concat.apply(gx, q @ gv, axis=gx.ndim - 1)


@register
class LinalgSVD(Function):
    """(U, S, Vh) of A (..., m, n), singular values descending. VJP: PyTorch's svd_backward
    (distinct, nonzero singular values; with full_matrices the extra columns of U / rows of Vh
    get no gradient, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, a: Any, *, full_matrices: bool = True) -> Any:
        u, s, vh = np.linalg.svd(_wide(a), full_matrices=full_matrices)
        u, s, vh = _as(u, a.dtype), _as(s, a.dtype), _as(vh, a.dtype)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx: Any, gu: Any, gs: Any, gvh: Any) -> Any:
        u, s, vh = ctx.saved_tensors
        m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
        if u.shape[-1] != k:  # full_matrices: keep the first k columns of U, rows of Vh
            u, gu = u[..., :k], gu[..., :k]
        if vh.shape[-2] != k:
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        v, gv = vh.mT, gvh.mT
        uhgu = u.mT @ gu
        uhgu = uhgu - uhgu.mT
        vhgv = vh @ gv
        vhgv = vhgv - vhgv.mT
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye(k, s)
        core = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e + gs.diag_embed()
        if m > n:
            gus = gu / s.unsqueeze(-2)
            inner = u @ core + gus - u @ (u.mT @ gus)
            return inner @ vh
        if m < n:
            gvs = (gv / s.unsqueeze(-2)).mT
            inner = core @ vh + gvs - (gvs @ v) @ vh
            return u @ inner
        return u @ core @ vh


@register
class LinalgEigh(Function):
    """(eigenvalues ascending, eigenvectors) of a symmetric A, reading the triangle UPLO.
    VJP (PyTorch's, distinct eigenvalues): gA = V (skew(V^T gV) / (2E) + diag(gL)) V^T,
    E_ij = L_j - L_i (symmetric)."""

    @staticmethod
    def forward(ctx: Any, a: Any, *, UPLO: Any = "L") -> Any:  # noqa: N803  (PyTorch's name)
        w, v = np.linalg.eigh(_wide(a), UPLO=UPLO)
        w, v = _as(w, a.dtype), _as(v, a.dtype)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx: Any, gw: Any, gv: Any) -> Any:
        w, v = ctx.saved_tensors
        vhgv = v.mT @ gv
        vhgv = 0.5 * (vhgv - vhgv.mT)
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + _eye(w.shape[-1], w)
        return v @ ((vhgv / e + gw.diag_embed()) @ v.mT)


def _pinv_array(a: np.ndarray, atol: float, rtol: float, hermitian: bool) -> np.ndarray:
    """PyTorch's pinv algorithm on arrays: from svd (eigh when hermitian), the singular values
    at or below max(atol, rtol * largest) treated as 0."""
    if hermitian:
        w, v = np.linalg.eigh(a)
        big = np.abs(w)
        tol = np.maximum(atol, rtol * big.max(-1, keepdims=True, initial=0.0))
        with np.errstate(divide="ignore"):
            w_inv = np.where(big > tol, 1.0 / w, 0.0)
        return (v * w_inv[..., None, :]) @ np.swapaxes(v, -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    largest = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    tol = np.maximum(atol, rtol * largest)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > tol, 1.0 / s, 0.0)
    return (np.swapaxes(vh, -1, -2) * s_inv[..., None, :]) @ np.swapaxes(u, -1, -2)


@register
class LinalgPinv(Function):
    """The pseudo-inverse P of A (..., m, n). VJP: PyTorch's pinv_backward (the derivative of
    the pseudo-inverse at constant rank, in terms of A and P; for hermitian=True too, where it
    is not symmetric, as PyTorch's)."""

    @staticmethod
    def forward(ctx: Any, a: Any, *, atol: float = 0.0, rtol: float = 0.0,
                hermitian: bool = False) -> Any:
        out = _as(_pinv_array(_wide(a), atol, rtol, hermitian), a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, p = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        ph, gh = p.mT, g.mT
        if m <= n:
            k = gh @ p
            kph = k @ ph
            return -(p @ k).mT + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
        k = p @ gh
        phk = ph @ k
        return -(k @ p).mT + (gh - a @ k) @ p @ ph + phk - phk @ p @ a
