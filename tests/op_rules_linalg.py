"""Sample-input rules for the linear-algebra primitives (`autograd_mini._linalg_primitives`)
and their composites, read by `test_registry_gradcheck.py`.

Inputs are drawn inside each function's smooth domain: well-conditioned matrices (a random
orthogonal pair around singular values 1, 2, 3, ... with a small jitter), symmetric inputs built
as X + X^T from a leaf X (cholesky and eigh read one triangle, so only symmetric perturbations
are meaningful, as in PyTorch's own tests), distinct singular values and eigenvalues (at least
~0.8 apart), and gauge-fixed U / Vh / eigenvectors (each singular pair or eigenvector multiplied
by the sign of its first entry, a constant under a finite-difference step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import linalg as LA

RULES: dict[str, Callable[[Any], tuple[Callable, tuple]]] = {}


def rule(*keys: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for key in keys:
            assert key not in RULES, f"duplicate rule {key}"
            RULES[key] = fn
        return fn

    return register


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _leaf(array: Any) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def _batch(draw: Any) -> tuple:
    return tuple(draw(st.lists(st.integers(1, 2), max_size=2)))


def _orthogonal(r: np.random.Generator, shape: tuple) -> np.ndarray:
    q, _ = np.linalg.qr(r.standard_normal(shape))
    return q


def _conditioned(r: np.random.Generator, batch: tuple, m: int, n: int) -> np.ndarray:
    """(batch, m, n) matrices with singular values near 1, 2, ..., min(m, n) (in random order:
    distinct, at least ~0.8 apart, condition number at most 4 for n <= 4)."""
    k = min(m, n)
    s = np.arange(1.0, k + 1) + r.uniform(-0.1, 0.1, batch + (k,))
    u = _orthogonal(r, batch + (m, k))
    v = _orthogonal(r, batch + (n, k))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def _square(draw: Any, max_n: int = 4) -> tuple[np.random.Generator, tuple, int]:
    return _rng(draw), _batch(draw), draw(st.integers(1, max_n))


def _half_symmetric(r: np.random.Generator, batch: tuple, n: int, spd: bool) -> np.ndarray:
    """X with X + X^T symmetric, eigenvalues distinct (positive when spd)."""
    w = np.arange(1.0, n + 1) + r.uniform(-0.1, 0.1, batch + (n,))
    if not spd:
        w = w - (n + 1) / 2.0 + 0.25  # mixed signs, still ~1 apart and away from 0
    q = _orthogonal(r, batch + (n, n))
    sym = (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)
    skew = r.standard_normal(batch + (n, n))
    return sym / 2.0 + (skew - np.swapaxes(skew, -1, -2)) / 2.0  # X + X^T = sym


def _gauge(columns: am.Tensor) -> am.Tensor:
    """+1/-1 per column: the sign of its first entry (constant near the point)."""
    return am.tensor(np.where(columns.data[..., :1, :] < 0, -1.0, 1.0).astype(columns.dtype))


@rule("LinalgInv", "linalg.inv", "inverse")
def _inv(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    return LA.inv, (_leaf(_conditioned(r, batch, n, n)),)


@rule("LinalgDet", "linalg.det", "det")
def _det(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    return LA.det, (_leaf(_conditioned(r, batch, n, n)),)


@rule("LinalgSlogdet", "linalg.slogdet")
def _slogdet(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    return (lambda a: tuple(LA.slogdet(a))), (_leaf(_conditioned(r, batch, n, n)),)


@rule("LinalgSolve", "linalg.solve")
def _solve(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    a = _leaf(_conditioned(r, batch, n, n))
    kind = draw(st.sampled_from(["matrix", "vector", "broadcast", "left=False"]))
    if kind == "vector":
        return LA.solve, (a, _leaf(r.standard_normal(batch + (n,))))
    if kind == "broadcast":  # B with one more batch dimension than A
        return LA.solve, (a, _leaf(r.standard_normal((2,) + batch + (n, 2))))
    if kind == "left=False":
        return (lambda a, b: LA.solve(a, b, left=False)), (a, _leaf(r.standard_normal(
            batch + (3, n))))
    return LA.solve, (a, _leaf(r.standard_normal(batch + (n, draw(st.integers(1, 3))))))


@rule("LinalgCholesky", "linalg.cholesky")
def _cholesky(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    upper = draw(st.booleans())
    return (lambda x: LA.cholesky(x + x.mT, upper=upper)), (
        _leaf(_half_symmetric(r, batch, n, spd=True)),)


@rule("LinalgQR", "linalg.qr")
def _qr(draw: Any) -> tuple:
    r, batch = _rng(draw), _batch(draw)
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    mode = "complete" if m <= n and draw(st.booleans()) else "reduced"
    return (lambda a: tuple(LA.qr(a, mode))), (_leaf(_conditioned(r, batch, m, n)),)


def _svd_fixed(a: am.Tensor, full: bool) -> tuple:
    """svd with each singular pair's sign fixed by U's first row (U, Vh narrowed to k)."""
    u, s, vh = LA.svd(a, full_matrices=full)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    sign = _gauge(u)
    return u * sign, s, vh * sign.mT


@rule("LinalgSVD", "linalg.svd")
def _svd(draw: Any) -> tuple:
    r, batch = _rng(draw), _batch(draw)
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    full = draw(st.booleans())
    return (lambda a: _svd_fixed(a, full)), (_leaf(_conditioned(r, batch, m, n)),)


@rule("linalg.svdvals")
def _svdvals(draw: Any) -> tuple:
    r, batch = _rng(draw), _batch(draw)
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return LA.svdvals, (_leaf(_conditioned(r, batch, m, n)),)


@rule("matrix_norm[nuc, 2, -2]", "linalg.matrix_norm[nuc, 2, -2]")
def _matrix_norm_singular(draw: Any) -> tuple:
    r, batch = _rng(draw), _batch(draw)
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ord_ = draw(st.sampled_from(["nuc", 2, -2]))
    keepdim = draw(st.booleans())
    a = _conditioned(r, batch, m, n)
    if batch and draw(st.booleans()):  # the matrix dims not last: dim=(0, -1)
        a = np.moveaxis(a, -2, 0)
        return (lambda x: LA.matrix_norm(x, ord_, (0, -1), keepdim)), (_leaf(a),)
    return (lambda x: LA.matrix_norm(x, ord_, keepdim=keepdim)), (_leaf(a),)


@rule("LinalgEigh", "linalg.eigh")
def _eigh(draw: Any) -> tuple:
    r, batch, n = _square(draw)
    uplo = draw(st.sampled_from(["L", "U"]))

    def fn(x: am.Tensor) -> tuple:
        w, v = LA.eigh(x + x.mT, uplo)
        return w, v * _gauge(v)

    return fn, (_leaf(_half_symmetric(r, batch, n, spd=False)),)


@rule("LinalgPinv", "linalg.pinv")
def _pinv(draw: Any) -> tuple:
    r, batch = _rng(draw), _batch(draw)
    if draw(st.booleans()):
        n = draw(st.integers(1, 4))
        return (lambda x: LA.pinv(x + x.mT, hermitian=True)), (
            _leaf(_half_symmetric(r, batch, n, spd=False)),)
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return LA.pinv, (_leaf(_conditioned(r, batch, m, n)),)


# ---- CTC loss (autograd_mini/nn/_ctc.py) -------------------------------------------------------
def _ctc_targets(r: np.random.Generator, steps: int, n: int, classes: int,
                 blank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(padded targets (N, S), input_lengths, target_lengths) with every alignment possible:
    a target of length S with R adjacent repeats needs S + R input steps."""
    labels = [c for c in range(classes) if c != blank]
    input_lengths = r.integers(1, steps + 1, n)
    input_lengths[0] = steps
    rows, lengths = [], []
    for il in input_lengths:
        seq = list(r.choice(labels, size=r.integers(0, il + 1)))
        while seq and len(seq) + sum(a == b for a, b in zip(seq, seq[1:])) > il:
            seq.pop()
        rows.append(seq)
        lengths.append(len(seq))
    width = max(max(lengths), 1)
    padded = np.array([s + [labels[0]] * (width - len(s)) for s in rows], dtype=np.int64)
    return padded, input_lengths, np.array(lengths)


@rule("CTCLoss", "nn.functional.ctc_loss")
def _ctc(draw: Any) -> tuple:
    """Through log_softmax, as PyTorch's own gradcheck of ctc_loss: the VJP is PyTorch's, the
    gradient with respect to the logits (see nn/_ctc.py)."""
    r = _rng(draw)
    steps, n, classes = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
    blank = draw(st.integers(0, classes - 1))
    reduction = draw(st.sampled_from(["none", "sum", "mean"]))
    targets, il, tl = _ctc_targets(r, steps, n, classes, blank)
    concatenated = draw(st.booleans())
    if concatenated:
        targets = np.concatenate([row[:k] for row, k in zip(targets, tl)])

    def fn(x: am.Tensor) -> am.Tensor:
        return am.nn.functional.ctc_loss(x.log_softmax(2), targets, il, tl, blank=blank,
                                         reduction=reduction)

    return fn, (_leaf(r.standard_normal((steps, n, classes))),)


# ---- LSTM with projections (autograd_mini/nn/_sequence_primitives.py) ------------------------
@rule("LSTMProjSequence", "nn.LSTM[proj_size]")
def _lstm_proj(draw: Any) -> tuple:
    """x (T, B, I), h0 (B, P), c0 (B, H), w_ih (4H, I), w_hh (4H, P), w_hr (P, H), biases
    optional, either direction."""
    from autograd_mini.nn import _sequence_primitives as SP

    r = _rng(draw)
    steps, batch, size = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    hidden = draw(st.integers(2, 3))
    proj = draw(st.integers(1, hidden - 1))
    args = (_leaf(r.standard_normal((steps, batch, size))),
            _leaf(r.standard_normal((batch, proj)) * 0.5),
            _leaf(r.standard_normal((batch, hidden)) * 0.5),
            _leaf(r.standard_normal((4 * hidden, size)) * 0.8),
            _leaf(r.standard_normal((4 * hidden, proj)) * 0.8),
            _leaf(r.standard_normal((proj, hidden)) * 0.8))
    if draw(st.booleans()):
        args += (_leaf(r.standard_normal(4 * hidden) * 0.5),
                 _leaf(r.standard_normal(4 * hidden) * 0.5))
    params = {"reverse": True} if draw(st.booleans()) else {}
    return (lambda *t: SP.LSTMProjSequence.apply(*t, **params)), args
