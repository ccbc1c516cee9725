"""Loss Modules: options held here, the maths in `nn.functional`."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        """The module's settings, as shown in its repr."""
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class CrossEntropyLoss(_Loss):
    """Cross-entropy from logits; see `functional.cross_entropy` for the formulas.

    Args:
        weight: (C,) per-class rescaling, stored as a buffer.
        ignore_index: class-index targets equal to it are skipped.
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: in [0, 1].
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be in [0, 1], got "
                             f"{label_smoothing}")
        self.register_buffer("weight", None if weight is None else F._tensor(weight))
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of the logits `input`, (N, C) or (N, C, *), against class indices or probabilities
        `target`, reduced as `reduction` says (a scalar for 'mean' and 'sum', one value per element or
        sample for 'none').
        """
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities at class-index targets.

    Args:
        weight: a per-class weight (C,), or None.
        ignore_index: the target value that contributes nothing.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else F._tensor(weight))
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of the log-probabilities `input`, (N, C) or (N, C, *), against class indices
        `target`, reduced as `reduction` says (a scalar for 'mean' and 'sum', one value per element or
        sample for 'none').
        """
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error (input - target)**2.

    Args:
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against `target`, both of one shape, reduced as `reduction` says (a scalar
        for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error |input - target|.

    Args:
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against `target`, both of one shape, reduced as `reduction` says (a scalar
        for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.l1_loss(input, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities, logs clamped at -100 (as PyTorch).

    Args:
        weight: a rescaling weight broadcastable to the input's shape, or None.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else F._tensor(weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of the probabilities `input` against `target` in [0, 1], both of one shape, reduced
        as `reduction` says (a scalar for 'mean' and 'sum', one value per element or sample for
        'none').
        """
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits, stable for +-1000 and -inf.

    Args:
        weight: a rescaling weight broadcastable to the input's shape, or None.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        pos_weight: the weight of positive examples, broadcast along the last (class) dimension, or
            None.
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else F._tensor(weight))
        self.register_buffer("pos_weight", None if pos_weight is None else F._tensor(pos_weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of the logits `input` against `target` in [0, 1], both of one shape, reduced as
        `reduction` says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


def _legacy(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    return F._legacy_reduction(size_average, reduce, reduction)


class HuberLoss(_Loss):
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta), d = input - target.

    Args:
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        delta: where the loss turns from quadratic to linear (positive).
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta}")
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against `target`, both of one shape, reduced as `reduction` says (a scalar
        for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (L1 for beta = 0).

    Args:
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
        beta: where the loss turns from quadratic to linear (non-negative).
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        if beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be non-negative, got {beta}")
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against `target`, both of one shape, reduced as `reduction` says (a scalar
        for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities from a target (probabilities, or log-probabilities with
    `log_target=True`); reduction 'none' | 'mean' | 'sum' | 'batchmean' (see `functional.kl_div`).

    Args:
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none', 'batchmean', 'mean' or 'sum'.
        log_target: the target holds log-probabilities.
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        Module.__init__(self)
        reduction = _legacy(size_average, reduce, reduction)
        if reduction not in F._KL_REDUCTIONS:
            raise ValueError(f"KLDivLoss: reduction must be one of {F._KL_REDUCTIONS}, got "
                             f"{reduction!r}")
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of the log-probabilities `input` against `target`, both of one shape, reduced as
        `reduction` says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1.

    Args:
        margin: the margin for the -1 targets (in [-1, 1]).
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        """The loss of the pairs (`input1`, `input2`), (N, D), labelled 1 or -1 by `target`, reduced as
        `reduction` says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -target * (input1 - input2) + margin).

    Args:
        margin: the margin.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        """The loss of the pairs (`input1`, `input2`) ranked by `target` (1 or -1), reduced as
        `reduction` says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x for target 1, max(0, margin - x) for target -1.

    Args:
        margin: the margin for the -1 targets.
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, margin: float = 1.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        self.margin = margin

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against labels 1 or -1 `target`, reduced as `reduction` says (a scalar for
        'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance.

    Args:
        margin: the margin.
        p: the norm's order for the distances.
        eps: added to the differences.
        swap: use the distance swap (min(d(a, n), d(p, n)))).
        size_average: PyTorch's deprecated flag (None: use reduction).
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        """The loss of the triplets (`anchor`, `positive`, `negative`), (N, D), reduced as `reduction`
        says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood (see `functional.poisson_nll_loss`).

    Args:
        log_input: the input holds log-rates.
        full: add Stirling's approximation of log(target!).
        size_average: PyTorch's deprecated flag (None: use reduction).
        eps: added to the input before its log when log_input is False.
        reduce: PyTorch's deprecated flag (None: use reduction).
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, log_input: bool = True, full: bool = False,
                 size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(_legacy(size_average, reduce, reduction))
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Any) -> Tensor:
        """The loss of the (log-)rates `log_input` against the counts `target`, reduced as `reduction`
        says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with predicted variance (see
    `functional.gaussian_nll_loss`).

    Args:
        full: add the constant 0.5 log(2 pi).
        eps: the floor of the variance.
        reduction: 'none' (the per-element losses), 'mean' or 'sum'.
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Any, var: Any) -> Tensor:
        """The loss of the means `input` and variances `var` against `target`, reduced as `reduction`
        says (a scalar for 'mean' and 'sum', one value per element or sample for 'none').
        """
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class CTCLoss(_Loss):
    """Connectionist temporal classification loss (see `functional.ctc_loss`): forward takes
    log_probs (T, N, C), targets (padded (N, S) or concatenated), input_lengths and
    target_lengths, as torch.nn.CTCLoss.

    Args:
        blank: the blank label's index.
        reduction: 'none' (per sample), 'mean' (each divided by its target length, then averaged) or
            'sum'.
        zero_infinity: replace infinite losses and their gradients by zero.
    """

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:
        super().__init__(reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Any, input_lengths: Any,
                target_lengths: Any) -> Tensor:
        """The loss of log_probs (T, N, C) against targets (see `functional.ctc_loss`)."""
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)
