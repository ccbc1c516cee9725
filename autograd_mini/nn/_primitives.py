"""The fused primitives of `nn`, registered in the one registry next to the core's.

Each is fused where a composite would be slower (one `Linear` instead of matmul + transpose + add)
or less stable (cross-entropy and binary cross-entropy from logits, softplus). Forward takes
NumPy arrays; backward is written with Tensor operations, so every one of them can be
differentiated again (`create_graph=True`). Argument checking lives in `nn.functional`, before a
primitive is applied; the primitives trust their inputs.

`Unfold` (im2col) and `Fold` (col2im) are each other's vector-Jacobian products. Their column
layout is `(N, out_h, out_w, C, kh, kw)`: reshaped to `(N * out_h * out_w, C * kh * kw)` it is
the left operand of one large matrix product (`Linear`), which is how `conv2d` uses it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._grad_mode import is_grad_enabled
from ..autograd.function import Function
from ..autograd.record import SAVES_OTHER_INPUT
from ..primitives import (  # noqa: F401  (Erf: nn's users reach it here)
    Erf,
    Expm1,
    LogSoftmax,
    Sigmoid,
    Softmax,
    Where,
    const,
    first_axis_sum,
    register,
    shift_by_max,
)
from ..tensor import Tensor


def _weighted(term: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """coef * term, with 0 where coef is 0 (so 0 * inf gives 0, not NaN)."""
    with np.errstate(invalid="ignore"):
        return np.where(coef == 0, 0, coef * term)


# ---- linear ---------------------------------------------------------------------------------
@register
class Linear(Function):
    """x @ W.T + b over the last axis of x, for any number of leading axes (one BLAS call).
    Saves x only when W needs a gradient and W only when x does (as PyTorch): an optimizer step
    between a forward on constant inputs and its backward is no in-place error."""

    array_backward = True
    saves = SAVES_OTHER_INPUT

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        if x.ndim > 2:  # one large matrix product instead of a batch of small ones
            # explicit row counts: -1 is ambiguous when a dimension is 0
            rows = math.prod(x.shape[:-1])
            out = (x.reshape(rows, x.shape[-1]) @ weight.T).reshape(x.shape[:-1] + (weight.shape[0],))
        else:
            out = x @ weight.T
        if bias is not None:
            out += bias  # out is a fresh array
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        # operators and methods ndarrays and Tensors share: runs in the engine's array mode too
        x, weight = ctx.saved_tensors  # (x only if need[1], weight only if need[0])
        need = ctx.needs_input_grad
        rows = math.prod(g.shape[:-1])  # explicit: -1 is ambiguous when a dimension is 0
        g2 = g if g.ndim == 2 else g.reshape((rows, g.shape[-1]))  # one large matrix product
        gx = gw = gb = None
        if need[0]:
            gx = g2 @ weight
            if g.ndim != 2:
                gx = gx.reshape(g.shape[:-1] + (weight.shape[1],))
        if need[1]:
            x2 = x if x.ndim == 2 else x.reshape((rows, x.shape[-1]))
            gw = g2.T @ x2
        if len(need) > 2 and need[2]:
            gb = first_axis_sum(g2)
        return (gx, gw, gb) if len(need) > 2 else (gx, gw)


# ---- elementwise helpers --------------------------------------------------------------------
@register
class Softplus(Function):
    """log(1 + exp(x)), exact for +-1000 and +-inf; d/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * Sigmoid.apply(x)


# Erf (the exact GELU's) lives in autograd_mini.primitives, shared with am.erf.


@register
class ClampedLog(Function):
    """max(log(x), floor): BCELoss's log, finite at x = 0. The gradient is 1/x where the log is
    above the floor and 0 where it is clamped (never 0 * inf)."""

    @staticmethod
    def forward(ctx: Any, x: Any, floor: float = -100.0) -> Any:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore"):
            return np.maximum(np.log(x), floor).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            above = np.log(x.data) > ctx.params.get("floor", -100.0)
        safe = Where.apply(above, x, 1.0)  # 1/x only where it is used, so no inf reaches the graph
        return Where.apply(above, g / safe, 0.0)


# PyTorch's floor under x (1 - x) in BCE's gradient: the float32 number nearest 1e-12.
_BCE_EPSILON = float(np.float32(1e-12))


@register
class BinaryCrossEntropy(Function):
    """Elementwise binary cross-entropy of probabilities x in [0, 1] and targets y, as PyTorch:
    -w [y max(log x, -100) + (1 - y) max(log(1 - x), -100)].

    The gradient in x is PyTorch's, w (x - y) / max(x (1 - x), 1e-12): finite at x = 0 and 1
    (-1e12 w for x = 0, y = 1; 0 where x already equals y), the exact derivative inside (0, 1).
    The gradient in y is PyTorch's too, w [log(1 - x) - log x], unclamped: +-inf at x = 0 or 1.
    `weight` is a constant.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, weight: Any = None) -> Any:
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100.0)
            log_1mx = np.maximum(np.log1p(-x), -100.0)
        loss = -(y * log_x + (1 - y) * log_1mx)
        if weight is not None:
            loss = loss * weight
        return loss.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        weight = ctx.params.get("weight")
        if weight is not None:
            g = g * const(weight.astype(x.dtype, copy=False))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / (x * (1.0 - x)).clamp(min=_BCE_EPSILON)
        if ctx.needs_input_grad[1]:
            gy = g * (ClampedLog.apply(1.0 - x, floor=-math.inf)
                      - ClampedLog.apply(x, floor=-math.inf))
        return gx, gy


# ---- losses from logits ---------------------------------------------------------------------
def _class_weights(weight: np.ndarray | None, ndim: int, dtype: np.dtype) -> np.ndarray | None:
    """Per-class weights shaped to broadcast along axis 1 of an (N, C, d1, ...) array."""
    if weight is None:
        return None
    return weight.astype(dtype, copy=False).reshape((1, -1) + (1,) * (ndim - 2))


def _gather_classes(a: np.ndarray, index: np.ndarray) -> np.ndarray:
    """a[n, index[n, ...], ...]: pick one class per sample along axis 1."""
    if a.ndim == 2:
        return a[np.arange(a.shape[0]), index]
    return np.take_along_axis(a, index[:, None], axis=1)[:, 0]


class _IndexTargets:
    """Per-sample coefficients of cross-entropy with class-index targets (all constants).

    The loss of sample n is  A_n * logsumexp(z_n) - sum_c B_nc * z_nc,  with
    A_n = (1 - eps) w_t + (eps / C) * sum_c w_c  and  B_nc = (1 - eps) w_t [c == t] + (eps / C) w_c,
    both zero for an ignored sample, so the gradient is  A_n * softmax(z_n) - B_n.
    The common case (no weight, nothing ignored) keeps w_t = None: every w_t is 1.
    """

    def __init__(self, z: np.ndarray, target: np.ndarray, weight: np.ndarray | None,
                 ignore_index: int, eps: float) -> None:
        valid = target != ignore_index
        self.all_valid = bool(valid.all())
        self.valid = valid
        self.index = target if self.all_valid else np.where(valid, target, 0)
        self.w = _class_weights(weight, z.ndim, z.dtype)
        if weight is None:
            self.w_t = None if self.all_valid else valid.astype(z.dtype)
        else:
            picked = weight.astype(z.dtype, copy=False)[self.index]
            self.w_t = picked if self.all_valid else np.where(valid, picked, 0).astype(z.dtype)
        self.eps = eps
        self.n_classes = z.shape[1]
        self.total_w = float(self.n_classes) if weight is None else float(np.sum(weight))

    def losses(self, logp: np.ndarray) -> np.ndarray:
        picked = _gather_classes(logp, self.index)
        loss = -picked if self.w_t is None else _weighted(-picked, self.w_t)
        if self.eps:
            smooth = -np.sum(logp if self.w is None else _weighted(logp, self.w), axis=1)
            if not self.all_valid:
                smooth = np.where(self.valid, smooth, 0)
            loss = (1.0 - self.eps) * loss + (self.eps / self.n_classes) * smooth
        return loss.astype(logp.dtype, copy=False)

    def denominator(self) -> float:
        return float(self.index.size) if self.w_t is None else float(np.sum(self.w_t))

    def coefficients(self, dtype: np.dtype) -> tuple[Any, np.ndarray]:
        """(A shaped to broadcast along axis 1, or a number; B)."""
        eps, n_classes = self.eps, self.n_classes
        w_t = 1.0 if self.w_t is None else self.w_t
        shape = list(self.index.shape)
        shape.insert(1, n_classes)
        b = np.zeros(shape, dtype=dtype)
        values = (1.0 - eps) * w_t
        if b.ndim == 2:
            b[np.arange(b.shape[0]), self.index] = values
        else:
            np.put_along_axis(b, self.index[:, None],
                              values if np.ndim(values) == 0 else values[:, None], axis=1)
        if not eps:
            a = w_t
        else:
            per_class = np.ones((1, n_classes) + (1,) * (b.ndim - 2), dtype) if self.w is None \
                else self.w
            valid = 1.0 if self.all_valid else np.expand_dims(self.valid, 1)
            b += (eps / n_classes) * per_class * valid
            a = (1.0 - eps) * w_t + (eps / n_classes) * self.total_w * (
                1.0 if self.all_valid else self.valid)
        if np.ndim(a):
            a = np.expand_dims(a, 1).astype(dtype, copy=False)
        return a, b


def _log_softmax_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(log_softmax(z), exp(z - max), its sum) along axis 1, shifted by the max; a group that is
    all -inf is shifted by 0 (its log-probabilities are NaN: there is no distribution)."""
    shifted, m = shift_by_max(z, 1)  # (a new array: the log-probabilities are made in it)
    e = np.exp(shifted)
    total = np.sum(e, axis=1, keepdims=True)
    if np.isfinite(m).all():  # every sum is at least 1
        return np.subtract(shifted, np.log(total), out=shifted), e, total
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.subtract(shifted, np.log(total), out=shifted), e, total


def _reduce_array(loss: np.ndarray, reduction: str, denominator: float) -> np.ndarray:
    if reduction == "none":
        return loss
    total = np.sum(loss)
    if reduction == "sum":
        return total
    if denominator:
        return np.asarray(total / denominator, dtype=loss.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):  # all samples ignored: 0/0, as PyTorch
        return np.asarray(total / denominator, dtype=loss.dtype)


def _upstream(g: Tensor, reduction: str, denominator: float, ndim: int) -> Tensor:
    """The upstream gradient shaped to broadcast against (N, C, d1, ...)."""
    if reduction == "none":
        return g.unsqueeze(1)
    if reduction == "mean":
        # nothing counted (every target ignored): the loss is 0/0 as in PyTorch, the gradient 0
        return g * (1.0 / denominator if denominator else 0.0)
    return g


@register
class CrossEntropy(Function):
    """Cross-entropy from logits z of shape (N, C, d1, ...), class axis 1, as
    logsumexp(z) - z[target] without ever forming log(softmax(z)) from a softmax.

    `target` holds class indices (integer, shape (N, d1, ...)) or probabilities (float, z's
    shape; it may require grad). `weight` (C,) rescales classes, samples whose target is
    `ignore_index` add nothing, `label_smoothing` mixes the target with the uniform distribution.
    'mean' divides by the summed weights of the counted samples (index targets) or by the number of
    samples (probability targets), as PyTorch does.
    """

    @staticmethod
    def forward(ctx: Any, z: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                label_smoothing: float = 0.0, reduction: str = "mean") -> Any:
        logp, e, total = _log_softmax_parts(z)
        if target.dtype.kind == "f":
            ctx.save_for_backward(z, target)
            return CrossEntropy._probability_forward(ctx, logp, target, weight, label_smoothing,
                                                     reduction)
        ctx.save_for_backward(z)
        terms = _IndexTargets(z, target, weight, ignore_index, label_smoothing)
        denominator = terms.denominator() if reduction == "mean" else 1.0
        ctx.terms = terms
        if ctx.needs_input_grad is not None:  # kept for a backward that is not recorded
            ctx.softmax = np.divide(e, total, out=e)  # (in place: e is this forward's own)
        ctx.denominator = denominator
        return _reduce_array(terms.losses(logp), reduction, denominator)

    @staticmethod
    def _probability_forward(ctx: Any, logp: np.ndarray, target: np.ndarray, weight: Any,
                             eps: float, reduction: str) -> np.ndarray:
        n_classes = logp.shape[1]
        mixed = target if not eps else (1.0 - eps) * target + eps / n_classes
        w = _class_weights(weight, logp.ndim, logp.dtype)
        coef = mixed if w is None else mixed * w
        loss = -np.sum(_weighted(logp, coef), axis=1).astype(logp.dtype)
        denominator = loss.size if reduction == "mean" else 1.0
        ctx.denominator = denominator
        return _reduce_array(loss, reduction, denominator)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        reduction = p.get("reduction", "mean")
        eps = p.get("label_smoothing", 0.0)
        saved = ctx.saved_tensors
        z = saved[0]
        up = _upstream(g, reduction, ctx.denominator, z.ndim)
        if len(saved) == 2:
            return CrossEntropy._probability_backward(ctx, z, saved[1], up, eps)
        a, b = ctx.terms.coefficients(z.dtype)
        if is_grad_enabled():  # create_graph: softmax as an op, so this can be differentiated again
            soft = Softmax.apply(z, axis=1)
            return (soft * (a if np.ndim(a) == 0 else const(a)) - const(b)) * up, None
        # not recorded: softmax and coefficients are constants, combined in NumPy
        soft = ctx.softmax
        np.subtract(soft if np.ndim(a) == 0 and a == 1.0 else soft * a, b, out=b)
        return const(b) * up, None

    @staticmethod
    def _probability_backward(ctx: Any, z: Tensor, target: Tensor, up: Tensor,
                              eps: float) -> tuple:
        n_classes = z.shape[1]
        w = _class_weights(ctx.params.get("weight"), z.ndim, z.dtype)
        mixed = target if not eps else target * (1.0 - eps) + eps / n_classes
        coef = mixed if w is None else mixed * const(w)
        gz = (Softmax.apply(z, axis=1) * coef.sum(1, keepdim=True) - coef) * up
        gt = None
        if ctx.needs_input_grad[1]:
            scale = -(1.0 - eps) if w is None else const(-(1.0 - eps) * w)
            gt = LogSoftmax.apply(z, axis=1) * scale * up
        return gz, gt


@register
class BCEWithLogits(Function):
    """Elementwise binary cross-entropy from logits x:
    w * [p * y * softplus(-x) + (1 - y) * softplus(x)], with softplus(t) = log(1 + exp(t)).

    Exact for x = +-1000 and +-inf (a zero coefficient makes its term 0, never 0 * inf).
    `weight` and `pos_weight` (p) are constants that broadcast against x.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, weight: Any = None, pos_weight: Any = None) -> Any:
        ctx.save_for_backward(x, y)
        pos = y if pos_weight is None else y * pos_weight
        loss = _weighted(np.logaddexp(0, -x), pos) + _weighted(np.logaddexp(0, x), 1 - y)
        if weight is not None:
            loss = loss * weight
        return loss.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        weight, pos_weight = ctx.params.get("weight"), ctx.params.get("pos_weight")
        if weight is not None:
            g = g * const(weight.astype(x.dtype, copy=False))
        pw = None if pos_weight is None else const(pos_weight.astype(x.dtype, copy=False))
        pos = y if pw is None else y * pw
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * ((1.0 - y) * Sigmoid.apply(x) - pos * Sigmoid.apply(-x))
        if ctx.needs_input_grad[1]:
            neg_x = Softplus.apply(-x)
            gy = g * ((neg_x if pw is None else neg_x * pw) - Softplus.apply(x))
        return gx, gy


# ---- im2col ---------------------------------------------------------------------------------
def conv_output_size(size: int, kernel: int, stride: int, pad_before: int, pad_after: int,
                     dilation: int) -> int:
    """Number of window positions along one spatial axis."""
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def _windows(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple,
             out_hw: tuple) -> np.ndarray:
    """A strided (read-only) view (N, oh, ow, C, kh, kw) of a padded channels-last (N, H, W, C)
    image: every window without a copy or a loop."""
    n, _, _, c = xp.shape
    sn, sh, sw, sc = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, shape=(n, out_hw[0], out_hw[1], c, kernel[0], kernel[1]),
        strides=(sn, sh * stride[0], sw * stride[1], sc, sh * dilation[0], sw * dilation[1]),
        writeable=False)


@register
class Unfold(Function):
    """im2col: every kernel window of x (N, C, H, W) as columns (N, oh, ow, C, kh, kw).

    `padding` is (top, bottom, left, right), filled with `pad_value` (0 for convolution, -inf for
    max pooling). The VJP is `Fold` (col2im), which sums overlapping windows back.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                pad_value: float = 0.0) -> Any:
        n, c, h, w = x.shape
        top, bottom, left, right = padding
        # channels last first: the window copy below then reads C contiguous values at a time
        shape = (n, h + top + bottom, w + left + right, c)
        xp = np.zeros(shape, x.dtype) if pad_value == 0 else np.full(shape, pad_value, x.dtype)
        xp[:, top:top + h, left:left + w, :] = x.transpose(0, 2, 3, 1)
        out_hw = (conv_output_size(shape[1], kernel[0], stride[0], 0, 0, dilation[0]),
                  conv_output_size(shape[2], kernel[1], stride[1], 0, 0, dilation[1]))
        return np.ascontiguousarray(_windows(xp, kernel, stride, dilation, out_hw))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        return Fold.apply(g, size=ctx.input_shapes[0][2:], kernel=p["kernel"], stride=p["stride"],
                          padding=p["padding"], dilation=p["dilation"])


@register
class Fold(Function):
    """col2im: columns (N, oh, ow, C, kh, kw) summed back into an (N, C, H, W) image, where
    overlapping windows add up. The VJP is `Unfold` (with zero padding). The loop runs over the
    kh * kw kernel offsets, each a strided slice of the whole batch, never over pixels."""

    @staticmethod
    def forward(ctx: Any, cols: Any, size: tuple, kernel: tuple, stride: tuple, padding: tuple,
                dilation: tuple) -> Any:
        n, oh, ow, c, kh, kw = cols.shape
        top, bottom, left, right = padding
        # accumulate channels last, the columns' own order; the result is an (N, C, H, W) view
        out = np.zeros((n, size[0] + top + bottom, size[1] + left + right, c), dtype=cols.dtype)
        for i in range(kh):
            rows = slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0])
            for j in range(kw):
                columns = slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1,
                                stride[1])
                out[:, rows, columns, :] += cols[:, :, :, :, i, j]
        return out[:, top:top + size[0], left:left + size[1], :].transpose(0, 3, 1, 2)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        return Unfold.apply(g, kernel=p["kernel"], stride=p["stride"], padding=p["padding"],
                            dilation=p["dilation"])


# ---- gathering along one axis (interpolate, adaptive max pooling) ---------------------------
def _along(ndim: int, axis: int, index: Any) -> tuple:
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


@register
class AxisTake(Function):
    """np.take(x, index, axis): whole slices of x picked (and repeated) along one axis by a 1-D
    integer `index`. Fused rather than `GetItem` because its VJP, `AxisScatterAdd`, sums the
    slices bound for one position with a few whole-array additions instead of `np.add.at`."""

    @staticmethod
    def forward(ctx: Any, x: Any, index: Any, axis: int) -> Any:
        return np.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p = ctx.params
        return AxisScatterAdd.apply(g, index=p["index"], axis=p["axis"],
                                    size=ctx.input_shapes[0][p["axis"]])


@register
class AxisScatterAdd(Function):
    """The adjoint of `AxisTake`: zeros with `size` slices along `axis`, slice g[..., k, ...]
    added at position index[k] (repeats accumulate). The VJP is `AxisTake`.

    The index is sorted first (stably), so the slices bound for one position form a run; the
    r-th slices of all runs are then added at once (a strided slice when every run has the same
    length, as for nearest upsampling by an integer factor; else one `take`, shorter runs taking
    a zero slice). Runs are short, so this is a few whole-array additions (`np.add.at` and
    `np.add.reduceat` over short runs are 10-50x slower)."""

    @staticmethod
    def forward(ctx: Any, g: Any, index: Any, axis: int, size: int) -> Any:
        shape = list(g.shape)
        shape[axis] = size
        out = np.zeros(shape, dtype=g.dtype)
        if index.size == 0:
            return out
        if (index[1:] < index[:-1]).any():
            order = np.argsort(index, kind="stable")
            index, g = index[order], np.take(g, order, axis=axis)
        targets, starts, counts = np.unique(index, return_index=True, return_counts=True)
        ndim, k = g.ndim, int(counts[0])
        if (counts == k).all():  # runs of one length: starts is 0, k, 2k, ...
            total = g[_along(ndim, axis, slice(0, None, k))].copy()
            for r in range(1, k):
                total += g[_along(ndim, axis, slice(r, None, k))]
        else:  # a zero slice appended: shorter runs add it (exactly 0) instead of being masked
            zero = np.zeros(shape[:axis] + [1] + shape[axis + 1:], dtype=g.dtype)
            padded = np.concatenate([g, zero], axis=axis)
            total = np.take(g, starts, axis=axis)
            for r in range(1, int(counts.max())):
                total += np.take(padded, np.where(counts > r, starts + r, index.size), axis=axis)
        out[_along(ndim, axis, slice(None) if targets.size == size else targets)] = total
        return out

    @staticmethod
    def backward(ctx: Any, gg: Any) -> Any:
        p = ctx.params
        return AxisTake.apply(gg, index=p["index"], axis=p["axis"])


# ---- exp(x) - 1 -----------------------------------------------------------------------------
# Expm1 (exp(x) - 1, accurate near 0: the ELU family's negative branch) lives in
# autograd_mini.primitives, shared with am.expm1; imported above.
