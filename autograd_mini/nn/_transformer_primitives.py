"""Fused primitives for transformer blocks: the exact GELU and layer normalisation.

Both were compositions of core ops (GELU: five nodes around erf; layer_norm: eight), which on a
small GPT cost more than the matrix products beside them. Fused, each is one node that keeps what
PyTorch keeps (GELU: its input; LayerNorm: its input, mean and 1/std) and computes its VJP in a few
NumPy operations, recomputing the rest (the normal CDF; the normalised input).

Each backward is written twice over the same formulas: on ndarrays (the engine's array mode,
with the saved arrays) and on Tensors (create_graph), where what was saved is recomputed from the
inputs with recorded ops, so the VJP is differentiable again (the registry's gradgradcheck runs on
both). float16 computes in float32 and casts back, as PyTorch does on the CPU.

float32 (and float16) take fast array paths (tests/test_transformer_fast_paths.py holds them to
the float64 results and to PyTorch's): GELU's forward and VJP run the erf polynomial block by
block in one pass over memory, with no activation-sized temporary; LayerNorm takes its sums over
the normalised axes as BLAS matrix-vector products. float64 keeps the operations the recorded VJP
repeats, so its array and recorded VJPs agree to the bit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.record import SAVES_INPUTS
from ..primitives import (
    _ERF32_POLY,
    Erf,
    _erf,
    cache_blocks,
    first_axis_sum,
    flat32,
    horner_,
    register,
)
from ..tensor import Tensor
from ._sequence_primitives import _ArrayKit, _TensorKit

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _wide(x: np.ndarray) -> np.ndarray:
    """float16 widened to float32 (the computing dtype), other dtypes as they are."""
    return x.astype(np.float32) if x.dtype.char == "e" else x


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2 in x's dtype, as a new array (float64 GELU). Computed
    twice per GELU (forward and VJP) rather than kept: keeping it for a large GPT held 75 MB more
    than PyTorch does."""
    cdf = _erf(x * x.dtype.type(_INV_SQRT2))
    cdf += 1.0
    cdf *= 0.5
    return cdf


# float32 GELU, fused: erf(u) = tanh(u * p(u**2)) with u = x / sqrt 2 is primitives._erf's
# polynomial (_ERF32_POLY, in s = u**2). The forward evaluates it in h = x / 2 instead, so that
# x * Phi(x) = (1 + tanh(.)) * h: u**2 = 2 h**2, so coefficient k is times 2**k (exact), and
# u = sqrt 2 * h, so every coefficient is times sqrt 2 (rounded: within an ulp of the same values).
_GELU32_POLY = tuple(c * 2.0 ** k * math.sqrt(2.0) for k, c in enumerate(_ERF32_POLY))
_LOG_2_OVER_SQRT_PI = math.log(2.0 / math.sqrt(math.pi))


def _gelu32(x: np.ndarray) -> np.ndarray:
    """x * Phi(x) for float32 (and float16, computed in float32), fused block by block."""
    flat = flat32(x)
    out = np.empty_like(flat)
    for xb, yb, h, v in cache_blocks(2, flat, out):
        np.multiply(xb, 0.5, out=h)
        np.multiply(h, h, out=v)
        np.clip(v, 0.0, 8.0, out=v)  # |u| <= 4, as primitives._erf
        horner_(v, yb, _GELU32_POLY)
        yb *= h
        np.tanh(yb, out=yb)  # erf(x / sqrt 2)
        yb += 1.0
        yb *= h  # (in this order, as PyTorch: -0.0 and large negative x give -0.0)
    return out.reshape(x.shape)


def _gelu32_vjp(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """g * (Phi(x) + x phi(x)) for float32, fused block by block: with u = x / sqrt 2,
    2 (Phi + x phi) = 1 + erf(u) + 2 u exp(-u**2) / sqrt pi, erf(u) as primitives._erf."""
    flat, gflat = flat32(x), flat32(np.broadcast_to(g, x.shape))
    out = np.empty_like(flat)
    for xb, gb, yb, u, v, e in cache_blocks(3, flat, gflat, out):
        np.multiply(xb, _INV_SQRT2, out=u)
        np.multiply(u, u, out=v)
        np.subtract(_LOG_2_OVER_SQRT_PI, v, out=e)
        np.exp(e, out=e)
        e *= u  # 2 u exp(-u**2) / sqrt pi
        np.clip(v, 0.0, 16.0, out=v)
        horner_(v, yb, _ERF32_POLY)
        yb *= u
        np.tanh(yb, out=yb)  # erf(u)
        yb += e
        yb += 1.0
        yb *= gb
        yb *= 0.5
    return out.reshape(x.shape)


@register
class Gelu(Function):
    """x * Phi(x), Phi the standard normal CDF = (1 + erf(x / sqrt 2)) / 2 (PyTorch's
    approximate='none'); d/dx = Phi(x) + x * phi(x), phi the normal density."""

    array_backward = True

    saves = SAVES_INPUTS  # only x, as PyTorch: Phi is recomputed in the VJP (see _normal_cdf)

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        if x.dtype.char in "fe":
            out = _gelu32(x)
            return out if x.dtype.char == "f" else out.astype(x.dtype)
        out = _normal_cdf(x)
        out *= x
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        if not isinstance(g, Tensor):  # array mode (g may be a NumPy scalar for a 0-d x)
            xw = np.asarray(x)
            if xw.dtype.char in "fe":
                out = _gelu32_vjp(xw, g)
                return out if out.dtype == g.dtype else out.astype(g.dtype)
            cdf = _normal_cdf(xw)
            pdf = np.exp(xw * xw * -0.5)
            pdf *= xw.dtype.type(_INV_SQRT_2PI)
            pdf *= xw
            pdf += cdf
            pdf *= g
            return pdf if pdf.dtype == g.dtype else pdf.astype(g.dtype)
        # recorded (create_graph): Phi and phi as ops of x, so this VJP differentiates again
        cdf = (Erf.apply(x * _INV_SQRT2) + 1.0) * 0.5
        return g * (cdf + x * ((x * x * -0.5).exp() * _INV_SQRT_2PI))


def _mean(a: Any, axes: tuple) -> Any:
    """The mean over `axes`, kept, computed as am.mean computes it (a sum times 1/n) whether `a`
    is an ndarray or a Tensor, so the array and the recorded VJPs agree to the bit."""
    n = math.prod(a.shape[i] for i in axes)
    return a.sum(axes, keepdims=True) * (1.0 / n)


def _normalise(kit: Any, x: Any, axes: tuple, eps: float) -> tuple[Any, Any, Any]:
    """(xhat, mean, rstd): x centred and scaled by rstd = 1 / sqrt(biased variance + eps), with the
    same operations on ndarrays (the forward) and on Tensors (a recorded VJP)."""
    mean = _mean(x, axes)
    centred = x - mean
    rstd = kit.rsqrt(_mean(centred * centred, axes) + eps)
    return centred * rstd, mean, rstd


class _Widened:
    """A node's view for a float16 array VJP run in float32: the same params and needs, the saved
    arrays widened."""

    def __init__(self, ctx: Any) -> None:
        self.params, self.needs_input_grad = ctx.params, ctx.needs_input_grad
        self.saved_tensors = tuple(_wide(a) for a in ctx.saved_tensors)


# float32 (and float16, computed in float32) layer norm over rows of n = the normalised size: NumPy
# reduces a short contiguous last axis (64, 192) row by row, many times slower than a matrix-vector
# product with a ones vector (BLAS, one call), so every sum below is one. (float64 keeps the
# operations above: its array VJP must equal the recorded one to the bit.)
def _fast(x: np.ndarray) -> bool:
    return x.dtype.char in "fe" and x.size > 0


def _row_sums_of_squares(a: np.ndarray) -> np.ndarray:
    """(a * a).sum(axis=1) of a float32 matrix without forming a * a: np.vecdot (NumPy >= 2.0,
    3x faster than the square and a matrix-vector product) or einsum."""
    if hasattr(np, "vecdot"):
        return np.vecdot(a, a)
    return np.einsum("ij,ij->i", a, a)


def _layer_norm32(x: np.ndarray, weight: Any, bias: Any, ndim: int,
                  eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(out, mean, rstd) in float32, mean and rstd of shape lead + (1,) * ndim."""
    keep = x.shape[:x.ndim - ndim] + (1,) * ndim
    rows = _wide(x).reshape(-1, math.prod(x.shape[x.ndim - ndim:]))
    inv_n = np.full(rows.shape[1], 1.0 / rows.shape[1], np.float32)  # means as sums of x / n
    mean = rows @ inv_n
    out = rows - mean[:, None]
    var = _row_sums_of_squares(out)  # (no activation-sized square: it raised a step's peak)
    var *= np.float32(1.0 / rows.shape[1])
    var += eps
    rstd = np.sqrt(var, out=var)
    np.divide(1.0, rstd, out=rstd)
    out *= rstd[:, None]
    if weight is not None:
        out *= _wide(weight).reshape(-1)
    if bias is not None:
        out += _wide(bias).reshape(-1)
    return out.reshape(x.shape), mean.reshape(keep), rstd.reshape(keep)


def _layer_norm32_vjp(ctx: Any, g: np.ndarray) -> tuple:
    """LayerNorm's array VJP in float32 (see LayerNorm): with xm = x - mean, xhat = xm * rstd,
    gx = rstd * gxhat - rstd * mean(gxhat) - xm * rstd**3 * mean(gxhat * xm) and
    gweight = rstd @ (g * xm) over the rows, gbias = ones @ g, already reduced. The row sums of
    gxhat = g * weight and gxhat * xm are products with weight (g @ weight, (g * xm) @ weight), so
    neither is formed; two activation-sized temporaries in all, gx written into the second."""
    x, mean, rstd, *rest = ctx.saved_tensors
    need = tuple(ctx.needs_input_grad) + (False,) * (3 - len(ctx.needs_input_grad))
    normalised = x.shape[x.ndim - ctx.params.get("ndim", 1):]
    n = math.prod(normalised)
    rows, grows = _wide(x).reshape(-1, n), _wide(g).reshape(-1, n)
    r = rstd.reshape(-1)
    gx = gw = gb = None
    if need[2]:
        gb = first_axis_sum(grows).reshape(normalised)
    if need[0] or need[1]:
        xm = rows - mean.reshape(-1, 1)
        p = np.multiply(grows, xm)  # g * xhat / rstd
        if need[1]:
            gw = (r @ p).reshape(rest[0].shape)
    if need[0]:
        w = _wide(rest[0]).reshape(-1) if rest else np.ones(n, np.float32)
        shift = grows @ w
        shift *= r * (1.0 / n)  # rstd * mean(gxhat)
        scale = p @ w
        scale *= r * r * r * (1.0 / n)  # rstd**3 * mean(gxhat * xm)
        if rest:
            np.multiply(grows, w, out=p)
            p *= r[:, None]
        else:
            np.multiply(grows, r[:, None], out=p)
        xm *= scale[:, None]
        p -= xm
        p -= shift[:, None]
        gx = p.reshape(g.shape)
    return (gx, gw, gb)[:len(ctx.needs_input_grad)]


@register
class LayerNorm(Function):
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing `ndim` axes (biased
    variance, as PyTorch); weight and bias (of those axes' shape) may be None.

    VJP: with xhat the normalised input and rstd = 1 / sqrt(var + eps), over the normalised axes,
    gx = rstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)) where gxhat = g * weight;
    gweight = g * xhat and gbias = g, summed over the leading axes (by the engine, which sums
    every broadcast gradient back to its input's shape; float32's array VJP sums them itself).
    """

    array_backward = True

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any = None, bias: Any = None, *, ndim: int = 1,
                eps: float = 1e-5) -> Any:
        if _fast(x):
            out, mean, rstd = _layer_norm32(x, weight, bias, ndim, eps)
            ctx.save_for_backward(x, mean, rstd, *(() if weight is None else (weight,)))
            return out if out.dtype == x.dtype else out.astype(x.dtype)
        axes = tuple(range(x.ndim - ndim, x.ndim))
        xhat, mean, rstd = _normalise(_ArrayKit, _wide(x), axes, eps)
        # xhat is recomputed in the VJP from these (two operations): keeping it held a second
        # activation-sized array per layer, which PyTorch does not
        ctx.save_for_backward(x, mean, rstd, *(() if weight is None else (weight,)))
        out = xhat * weight if weight is not None else xhat  # (xhat is not kept: no copy)
        if bias is not None:
            out += bias
        return out if out.dtype == x.dtype else out.astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, mean, rstd, *rest = ctx.saved_tensors
        weight = rest[0] if rest else None
        params = ctx.params
        ndim, eps = params.get("ndim", 1), params.get("eps", 1e-5)
        axes = tuple(range(g.ndim - ndim, g.ndim))
        need = ctx.needs_input_grad
        if isinstance(g, Tensor):  # recorded: xhat and rstd as ops of x
            xhat, _, rstd = _normalise(_TensorKit, x, axes, eps)
        elif _fast(g):
            grads = _layer_norm32_vjp(ctx, g)
            return tuple(a if a is None or a.dtype == g.dtype else a.astype(g.dtype)
                         for a in grads)
        elif g.dtype.char == "e":  # float16: the VJP in float32, the gradients back in float16
            grads = LayerNorm.backward(_Widened(ctx), g.astype(np.float32))
            return tuple(None if a is None else a.astype(np.float16) for a in grads)
        else:
            xhat = _wide(x) - mean  # (the forward's operations: the same bits)
            xhat *= rstd
        gx = gw = gb = None
        if need[0]:
            gxhat = g * weight if weight is not None else g
            mean_g = _mean(gxhat, axes)
            mean_gx = _mean(gxhat * xhat, axes)
            gx = (gxhat - mean_g - xhat * mean_gx) * rstd
        if len(need) > 1 and need[1]:
            gw = g * xhat
        if len(need) > 2 and need[2]:
            gb = g
        return (gx, gw, gb)[:len(need)]  # (weight and bias may not have been passed)
