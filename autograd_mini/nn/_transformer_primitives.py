"""Fused primitives for transformer blocks: the exact GELU and layer normalisation.

Both were compositions of core ops (GELU: five nodes around erf; layer_norm: eight), which on a
small GPT cost more than the matrix products beside them. Fused, each is one node that keeps what
PyTorch keeps (GELU: its input; LayerNorm: its input, mean and 1/std) and computes its VJP in a few
NumPy operations, recomputing the rest (the normal CDF; the normalised input).

Each backward is written twice over the same formulas: on ndarrays (the engine's array mode,
with the saved arrays) and on Tensors (create_graph), where what was saved is recomputed from the
inputs with recorded ops, so the VJP is differentiable again (the registry's gradgradcheck runs on
both). float16 computes in float32 and casts back, as PyTorch does on the CPU.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.record import SAVES_INPUTS
from ..primitives import Erf, _erf, register
from ..tensor import Tensor
from ._sequence_primitives import _ArrayKit, _TensorKit

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _wide(x: np.ndarray) -> np.ndarray:
    """float16 widened to float32 (the computing dtype), other dtypes as they are."""
    return x.astype(np.float32) if x.dtype.char == "e" else x


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2 in x's dtype, as a new array. Computed twice per GELU
    (forward and VJP) rather than kept: keeping it for a large GPT held 75 MB more than PyTorch
    does, and recomputing costs one erf (~1% of that model's step)."""
    cdf = _erf(x * x.dtype.type(_INV_SQRT2))
    cdf += 1.0
    cdf *= 0.5
    return cdf


@register
class Gelu(Function):
    """x * Phi(x), Phi the standard normal CDF = (1 + erf(x / sqrt 2)) / 2 (PyTorch's
    approximate='none'); d/dx = Phi(x) + x * phi(x), phi the normal density."""

    array_backward = True

    saves = SAVES_INPUTS  # only x, as PyTorch: Phi is recomputed in the VJP (see _normal_cdf)

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        xw = _wide(x)
        out = _normal_cdf(xw)
        out *= xw
        return out if out.dtype == x.dtype else out.astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        if not isinstance(g, Tensor):  # array mode (g may be a NumPy scalar for a 0-d x)
            xw = _wide(np.asarray(x))
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


@register
class LayerNorm(Function):
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing `ndim` axes (biased
    variance, as PyTorch); weight and bias (of those axes' shape) may be None.

    VJP: with xhat the normalised input and rstd = 1 / sqrt(var + eps), over the normalised axes,
    gx = rstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)) where gxhat = g * weight;
    gweight = g * xhat and gbias = g, summed over the leading axes (by the engine, which sums
    every broadcast gradient back to its input's shape).
    """

    array_backward = True

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any = None, bias: Any = None, *, ndim: int = 1,
                eps: float = 1e-5) -> Any:
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
