"""Random-program ops for am.linalg and LSTM with projections (see `programs`); registered into
the same `OPS` on import (`from . import programs_linalg` in programs.py).

Each linear-algebra op builds its matrix from a value's elements so that it stays inside the
function's smooth domain whatever the program computed: M = D + 0.3 tanh(X), D a diagonal with
well-separated entries (1, 3, 5, ...) that dominates the perturbation (at most 0.3 n <= 0.9 in
norm for n <= 3): invertible, distinct singular values; symmetric inputs as D + 0.15 (T + T^T),
which keep distinct eigenvalues (and positive ones for cholesky). U, Vh and eigenvectors, defined
up to sign, enter the program only through U diag(c) U^T.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_mini import Tensor, cat
from autograd_mini import linalg as LA
from autograd_mini.nn import _sequence_primitives as SP

from .programs import EXCLUDED, _pick, op

EXCLUDED.update({
    "F.ctc_loss": "needs integer targets and lengths, and its VJP is PyTorch's (the logits' "
                  "gradient under a log_softmax, not d/d log_probs): gradchecked through "
                  "log_softmax by the registry rule and tests/test_ctc_loss.py",
    "CTCLoss": "the primitive of F.ctc_loss (see there)",
})


def _elements(x: Tensor, count: int) -> Tensor:
    """count elements from x's, repeated as often as needed (differentiable)."""
    flat = x.reshape(-1)
    if flat.shape[0] < count:
        flat = cat([flat] * -(-count // flat.shape[0]))
    return flat[:count]


def _matrix(x: Tensor, n: int, m: int) -> Tensor:
    """D + 0.3 tanh(X): (n, m) with singular values near 1, 3, 5, ... (distinct, nonzero)."""
    d = np.zeros((n, m))
    k = min(n, m)
    d[np.arange(k), np.arange(k)] = 1.0 + 2.0 * np.arange(k)
    return Tensor(d) + 0.3 * _elements(x, n * m).reshape(n, m).tanh()


def _symmetric(x: Tensor, n: int) -> Tensor:
    t = 0.15 * _elements(x, n * n).reshape(n, n).tanh()
    return Tensor(np.diag(1.0 + 2.0 * np.arange(n))) + t + t.mT


def _gauge_free(u: Tensor) -> Tensor:
    """U diag(1, 2, ...) U^T: independent of each column's sign."""
    c = Tensor(np.arange(1.0, u.shape[-1] + 1))
    return (u * c) @ u.mT


def _linalg(x: Tensor, *rest: Tensor, fn: str, n: int, m: int) -> Tensor:
    if fn == "inv":
        return LA.inv(_matrix(x, n, n))
    if fn == "det":
        return LA.det(_matrix(x, n, n)).reshape(1)
    if fn == "slogdet":
        return LA.slogdet(_matrix(x, n, n)).logabsdet.reshape(1)
    if fn == "solve":
        return LA.solve(_matrix(x, n, n), _elements(rest[0], n * m).reshape(n, m))
    if fn == "cholesky":
        return LA.cholesky(_symmetric(x, n), upper=m > 1)
    if fn == "qr":
        q, r = LA.qr(_matrix(x, n, m))
        return cat([q.reshape(-1), r.reshape(-1)])
    if fn == "svd":
        u, s, vh = LA.svd(_matrix(x, n, m), full_matrices=False)
        return cat([s, _gauge_free(u).reshape(-1), _gauge_free(vh.mT).reshape(-1)])
    if fn == "eigh":
        w, v = LA.eigh(_symmetric(x, n))
        return cat([w, _gauge_free(v).reshape(-1)])
    if fn == "pinv":
        return LA.pinv(_matrix(x, n, m))
    return LA.matrix_norm(_matrix(x, n, m), "nuc").reshape(1)


def _propose_linalg(fn: str) -> Any:
    def propose(draw: Any, values: list) -> Any:
        i = _pick(draw, values, lambda v: v.size >= 1 and bool(np.all(np.abs(v) < 50)))
        if i is None:
            return None
        n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        if fn == "solve":
            j = _pick(draw, values, lambda v: v.size >= 1)
            return (i, j), {"fn": fn, "n": n, "m": m}
        return (i,), {"fn": fn, "n": n, "m": m}
    return propose


for _fn in ("inv", "det", "slogdet", "solve", "cholesky", "qr", "svd", "eigh", "pinv", "nuc"):
    op(f"linalg_{_fn}", (), _linalg)(_propose_linalg(_fn))


# ---- LSTM with projections --------------------------------------------------------------------
def _lstm_proj(x: Tensor, w: Tensor, shape: tuple, hidden: int, reverse: bool) -> Tensor:
    """An LSTM layer with proj_size 1 over x reshaped to (T, B, I); its weights are w's elements,
    repeated as often as needed."""
    steps, batch, size = shape
    gates = 4 * hidden
    flat = _elements(w, gates * (size + 1) + hidden)
    w_ih = flat[:gates * size].reshape(gates, size)
    w_hh = flat[gates * size:gates * (size + 1)].reshape(gates, 1)
    w_hr = flat[gates * (size + 1):].reshape(1, hidden)
    h0, c0 = Tensor(np.zeros((batch, 1))), Tensor(np.zeros((batch, hidden)))
    params = {"reverse": True} if reverse else {}
    return SP.LSTMProjSequence.apply(x.reshape(shape), h0, c0, w_ih, w_hh, w_hr, **params)[0]


@op("lstm_proj_sequence", (), _lstm_proj)
def _propose_lstm_proj(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.size >= 1 and bool(np.all(np.abs(v) < 5)))
    j = _pick(draw, values, lambda v: v.size >= 1 and bool(np.all(np.abs(v) < 5)))
    if i is None or j is None:
        return None
    total = values[i].size
    steps = draw(st.sampled_from([d for d in (1, 2, 3) if total % d == 0]))
    batch = draw(st.sampled_from([d for d in (1, 2) if (total // steps) % d == 0]))
    return (i, j), {"shape": (steps, batch, total // (steps * batch)),
                    "hidden": draw(st.integers(2, 3)), "reverse": draw(st.booleans())}
