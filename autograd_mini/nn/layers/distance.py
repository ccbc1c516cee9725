"""Distance layers: CosineSimilarity and PairwiseDistance, thin Modules over `nn.functional`."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from ..module import Module


class CosineSimilarity(Module):
    """Cosine similarity of x1 and x2 along `dim`, each norm floored at `eps` (see
    `functional.cosine_similarity`).

    Args:
        dim: the dimension to compare along (reduced in the output).
        eps: the smallest norm (avoids division by zero).

    Shape:
        - x1: (*, D, *), D along `dim`.
        - x2: broadcastable with x1.
        - output: the broadcast shape without `dim`.
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Cosine similarity of `x1` and `x2` (broadcast together) along `dim`, which is reduced."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last dimension (see `functional.pairwise_distance`).

    Args:
        p: the norm's order.
        eps: added to the difference (avoids an infinite gradient at zero distance).
        keepdim: keep the last dimension, with size 1.

    Shape:
        - x1: (N, D) or (D,).
        - x2: broadcastable with x1.
        - output: (N,) or () (with a trailing 1 when keepdim).
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """p-norm distance of `x1` and `x2`, shape (N, D) or (D,), along the last dimension."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
