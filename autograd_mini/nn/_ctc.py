"""Connectionist temporal classification loss, `F.ctc_loss` / `nn.CTCLoss`, as PyTorch's.

One fused primitive, `CTCLoss`, gives each sample's negative log-likelihood -log p(target |
log_probs) by the forward (alpha) recursion in log space (Graves et al. 2006) over the extended
label sequence (blank, l1, blank, l2, ..., blank). Its VJP is PyTorch's:

    d nll_n / d log_probs[t, n, c] = exp(log_probs[t, n, c]) - sum_{s: l'_s = c}
                                     exp(alpha_t(s) + beta_t(s) + nll_n - log_probs[t, n, c])

for t < input_lengths[n] and 0 after. The first term is not the partial derivative with respect
to `log_probs` itself (that is the second term alone): PyTorch returns the gradient with respect
to the logits under a log_softmax, which log_softmax's backward passes through unchanged (each
row of that gradient sums to 0). So `log_probs.grad` is exactly PyTorch's, and a model's
gradient through `log_softmax` is exact; gradcheck on log_probs passes only through a
log_softmax, as in PyTorch's own tests. The VJP recomputes alpha and beta in Tensor ops (with a
large finite negative number for log 0, so no inf - inf appears), so it is differentiable again:
second-order gradients (which PyTorch does not implement) are exact for this VJP. A sample whose
target cannot be aligned (nll = inf) has a NaN gradient, as in PyTorch, or loss and gradient 0
with zero_infinity=True.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..autograd.function import Function
from ..primitives import const, register
from ..tensor import Tensor

# log 0 in the differentiable recursion: exp(_NEG - m) is exactly 0, with finite gradients
_NEG = -1e30


def _extended(targets: np.ndarray, offsets: np.ndarray, lengths: np.ndarray,
              blank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(labels (N, L), valid (N, L), skip (N, L)): each sample's extended label sequence (blank
    between and around its labels, padded with blank to L = 2 max(S) + 1), which positions are
    inside it, and where the two-step transition s-2 -> s is allowed (a label position whose
    label differs from the previous label)."""
    n = len(lengths)
    width = 2 * int(lengths.max(initial=0)) + 1
    labels = np.full((n, width), blank, dtype=np.int64)
    for i in range(n):
        labels[i, 1:2 * lengths[i]:2] = targets[offsets[i]:offsets[i] + lengths[i]]
    valid = np.arange(width)[None, :] < (2 * lengths + 1)[:, None]
    skip = np.zeros((n, width), dtype=bool)  # label positions are the odd ones (by position,
    skip[:, 3::2] = labels[:, 3::2] != labels[:, 1:-2:2]  # as PyTorch, even for a blank label)
    return labels, valid, skip & valid


def _alpha_numpy(lpe: np.ndarray, valid: np.ndarray, skip: np.ndarray,
                 input_lengths: np.ndarray) -> np.ndarray:
    """The forward recursion in log space on arrays (-inf for log 0): each sample's
    log p(target), read at its last input step."""
    steps, n, width = lpe.shape
    alpha = np.full((n, width), -np.inf, dtype=lpe.dtype)
    alpha[:, :2] = lpe[0, :, :2]
    alpha[~valid] = -np.inf
    last = np.full(n, -np.inf, dtype=lpe.dtype)
    lengths = valid.sum(1) - 1  # 2S (the index of the final blank)
    with np.errstate(invalid="ignore"):
        for t in range(steps):
            if t > 0:
                one = np.concatenate([np.full((n, 1), -np.inf, lpe.dtype), alpha[:, :-1]], 1)
                two = np.concatenate([np.full((n, 2), -np.inf, lpe.dtype), alpha[:, :-2]],
                                     1)[:, :width]
                two = np.where(skip, two, -np.inf)
                alpha = np.logaddexp(np.logaddexp(alpha, one), two) + lpe[t]
                alpha[~valid] = -np.inf
            ends = input_lengths - 1 == t
            if ends.any():
                rows = np.nonzero(ends)[0]
                final = alpha[rows, lengths[rows]]
                before = np.where(lengths[rows] > 0, alpha[rows, lengths[rows] - 1], -np.inf)
                last[rows] = np.logaddexp(final, before)
    empty = input_lengths == 0  # no steps: p = 1 for an empty target, 0 otherwise
    last[empty] = np.where(lengths[empty] == 0, 0.0, -np.inf)
    return last


def _lse3(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """log(e^a + e^b + e^c) elementwise, the max taken as a constant (exact gradient)."""
    m = Tensor._make(np.maximum(np.maximum(a.data, b.data), c.data))
    return m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).log()


def _shift(x: Tensor, k: int, right: bool) -> Tensor:
    """x moved k positions along its last axis (right: x[s - k] at s), filled with log 0."""
    fill = const(np.full(x.shape[:-1] + (k,), _NEG, dtype=x.dtype))
    if right:
        return ops.cat([fill, x[..., :-k]], -1) if k < x.shape[-1] else fill[..., :x.shape[-1]]
    return ops.cat([x[..., k:], fill], -1) if k < x.shape[-1] else fill[..., :x.shape[-1]]


def _where(mask: np.ndarray, x: Tensor) -> Tensor:
    """x where mask, log 0 elsewhere."""
    return ops.where(const(mask), x, const(np.asarray(_NEG, dtype=x.dtype)))


def _alpha_beta(lpe: Tensor, valid: np.ndarray, skip: np.ndarray,
                input_lengths: np.ndarray) -> tuple[Tensor, Tensor, Tensor]:
    """(alpha (T, N, L), beta (T, N, L), log p (N,)) in Tensor ops (differentiable)."""
    steps, _, width = lpe.shape
    ends = valid.sum(1) - 1  # index of the final blank per sample
    pos = np.arange(width)[None, :]
    first = valid & (pos < 2)
    alphas = [_where(first, lpe[0])]
    for t in range(1, steps):
        a = alphas[-1]
        alphas.append(_where(valid, _lse3(a, _shift(a, 1, True),
                                          _where(skip, _shift(a, 2, True))) + lpe[t]))
    skip_from = np.zeros_like(skip)  # the transition s -> s + 2
    skip_from[:, :-2] = skip[:, 2:]
    tail = valid & ((pos == ends[:, None]) | (pos == ends[:, None] - 1))
    betas: list[Tensor] = [None] * steps  # type: ignore[list-item]
    nxt = None
    for t in range(steps - 1, -1, -1):
        start = (input_lengths - 1 == t)[:, None] & tail
        if nxt is None:
            b = _where(start, lpe[t])
        else:
            rec = _lse3(nxt, _shift(nxt, 1, False), _where(skip_from, _shift(nxt, 2, False)))
            inside = (t < input_lengths - 1)[:, None] & valid
            b = _where(start, lpe[t]) if not inside.any() else ops.where(
                const(start), lpe[t], _where(inside, rec + lpe[t]))
        betas[t] = nxt = b
    alpha, beta = ops.stack(alphas), ops.stack(betas)
    last = np.maximum(input_lengths - 1, 0)
    rows = np.arange(len(input_lengths))
    at_end = alpha[last, rows]  # (N, L): each sample's last input step
    log_p = _row_logsumexp(_where(tail, at_end))  # over its final two positions
    return alpha, beta, log_p


def _row_logsumexp(x: Tensor) -> Tensor:
    """logsumexp over the last axis, the max taken as a constant."""
    m = Tensor._make(x.data.max(-1, keepdims=True))
    return (m + (x - m).exp().sum(-1, keepdim=True).log()).squeeze(-1)


class _Widened:
    """A ctx whose saved log_probs are cast to float32 (for the float16 backward)."""

    def __init__(self, ctx: Any) -> None:
        self.params = ctx.params
        self.saved_tensors = (ops.cast(ctx.saved_tensors[0], np.float32),)


@register
class CTCLoss(Function):
    """Per-sample CTC negative log-likelihood (N,) of log_probs (T, N, C). Parameters (constant
    arrays): targets (concatenated 1-D), offsets and target_lengths (N,), input_lengths (N,),
    blank, zero_infinity (inf losses become 0, their gradients 0)."""

    @staticmethod
    def forward(ctx: Any, log_probs: Any, *, targets: Any, offsets: Any, target_lengths: Any,
                input_lengths: Any, blank: int = 0, zero_infinity: bool = False) -> Any:
        labels, valid, skip = _extended(targets, offsets, target_lengths, blank)
        lp = log_probs.astype(np.float32) if log_probs.dtype == np.float16 else log_probs
        lpe = lp[:, np.arange(len(labels))[:, None], labels]  # (T, N, L)
        nll = -_alpha_numpy(lpe, valid, skip, input_lengths)
        if zero_infinity:
            nll = np.where(np.isinf(nll), 0.0, nll)
        ctx.save_for_backward(log_probs)
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (log_probs,) = ctx.saved_tensors
        if log_probs.dtype == np.float16:  # (_NEG is -inf in float16: compute in float32)
            return ops.cast(CTCLoss.backward(_Widened(ctx), ops.cast(g, np.float32)), np.float16)
        p = ctx.params
        blank, zero_inf = p.get("blank", 0), p.get("zero_infinity", False)
        lengths, input_lengths = p["target_lengths"], p["input_lengths"]
        labels, valid, skip = _extended(p["targets"], p["offsets"], lengths, blank)
        n, steps = len(labels), log_probs.shape[0]
        lpe = log_probs[:, np.arange(n)[:, None], labels]
        alpha, beta, log_p = _alpha_beta(lpe, valid, skip, input_lengths)
        joint = (alpha + beta - lpe - log_p.unsqueeze(-1)).exp()  # (T, N, L)
        onehot = np.zeros(labels.shape + (log_probs.shape[-1],), dtype=log_probs.dtype)
        np.put_along_axis(onehot, labels[..., None], valid[..., None].astype(onehot.dtype), -1)
        posterior = (joint.permute(1, 0, 2) @ const(onehot)).permute(1, 0, 2)  # (T, N, C)
        inside = (np.arange(steps)[:, None] < input_lengths[None, :])[..., None]
        impossible = np.isinf(log_p.data) | (log_p.data < _NEG / 2)
        scale = g
        if impossible.any():  # PyTorch: NaN, or 0 with zero_infinity
            fill = 0.0 if zero_inf else np.nan
            scale = ops.where(const(impossible), const(np.asarray(fill, g.dtype)), g)
        grad = (log_probs.exp() - posterior) * scale.unsqueeze(0).unsqueeze(-1)
        return ops.where(const(inside), grad, const(np.zeros((), grad.dtype)))


# ---- the public function (argument checks as PyTorch's) --------------------------------------
_REDUCTIONS = ("none", "mean", "sum")


def _lengths(value: Any, what: str) -> np.ndarray:
    """input_lengths / target_lengths: a tensor, array or sequence of integers, as int64."""
    data = value.data if isinstance(value, Tensor) else np.asarray(value)
    if data.dtype.kind not in "iu":
        raise RuntimeError(f"{what} must be integral")
    return np.atleast_1d(data.astype(np.int64)).reshape(-1)


def _check_lengths(name: str, values: np.ndarray, n: int, most: int | None) -> None:
    if values.shape[0] != n:
        raise RuntimeError(f"{name} must be of size batch_size")
    for v in values:
        if v < 0:
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {v} "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        if most is not None and v > most:
            raise RuntimeError(f"Expected {name} to have value at most {most}, but got value "
                               f"{v} (while checking arguments for ctc_loss_allocate_outputs)")


def _flat_targets(targets: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(concatenated targets, each sample's offset into them) from padded (N, S) or
    concatenated 1-D targets, with PyTorch's size checks."""
    if targets.ndim == 2:
        if targets.shape[0] != lengths.shape[0]:
            raise RuntimeError(f"Expected tensor to have size {lengths.shape[0]} at dimension 0, "
                               f"but got size {targets.shape[0]} for argument #2 'targets' "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        need = int(lengths.max(initial=0))
        if targets.shape[1] < need:
            raise RuntimeError(f"Expected tensor to have size at least {need} at dimension 1, "
                               f"but got size {targets.shape[1]} for argument #2 'targets' "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        flat = np.concatenate([targets[i, :k] for i, k in enumerate(lengths)] or
                              [np.zeros(0, np.int64)])
    elif targets.ndim == 1:
        total = int(lengths.sum())
        if targets.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got "
                               f"size {targets.shape[0]} for argument #2 'targets' (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
        flat = targets
    else:
        raise RuntimeError(f"ctc_loss: targets must be 1-D (concatenated) or 2-D (N, S), got "
                           f"shape {targets.shape}")
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return flat.astype(np.int64), offsets


def ctc_loss(log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC loss of log_probs (T, N, C) (log-softmax outputs; (T, C) unbatched) against
    targets, padded (N, S) or concatenated (sum(target_lengths),), as torch's F.ctc_loss:
    reduction 'none' gives each sample's -log p(target), 'sum' their sum, 'mean' the mean over
    the batch of each divided by its target length (at least 1). zero_infinity: an impossible
    alignment (infinite loss) gives loss 0 and gradient 0."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not isinstance(log_probs, Tensor):
        log_probs = ops.tensor_arg(log_probs, "ctc_loss")
    if log_probs.dtype.kind != "f":
        raise RuntimeError(f"ctc_loss: log_probs must be a floating point tensor, got "
                           f"{log_probs.dtype}")
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got shape "
                           f"{log_probs.shape}")
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    steps, n, classes = lp.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    tg = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    tg = tg[None] if unbatched and tg.ndim == 1 else tg
    ilen, tlen = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths,
                                                                     "target_lengths")
    _check_lengths("input_lengths", ilen, n, steps)
    _check_lengths("target_lengths", tlen, n, None)
    flat, offsets = _flat_targets(np.asarray(tg).astype(np.int64), tlen)
    if flat.size and (flat.min() < 0 or flat.max() >= classes):
        raise RuntimeError(f"ctc_loss: target labels must be in [0, {classes}), got values "
                           f"from {flat.min()} to {flat.max()}")
    nll = CTCLoss.apply(lp, targets=flat, offsets=offsets, target_lengths=tlen,
                        input_lengths=ilen, blank=int(blank), zero_infinity=bool(zero_infinity))
    if reduction == "sum":
        return nll.sum()
    if reduction == "mean":
        return (nll / const(np.maximum(tlen, 1).astype(nll.dtype))).mean()
    return nll.squeeze(0) if unbatched else nll
