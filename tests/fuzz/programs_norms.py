"""Random-program ops for group/instance/RMS normalisation and F.pad's modes (see `programs`);
registered into the same `OPS` on import (`from . import programs_norms` in programs.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from autograd_mini.nn import functional as F

from .programs import EXCLUDED, _pick, op
from .programs_nn import _spread_ok

EXCLUDED.update({
    "F.dropout2d": "random: finite differences need a deterministic function (nn's tests check "
                   "it)",
})


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@op("group_norm", ("F.group_norm",), lambda x, *wb, groups: F.group_norm(
    x, groups, *(wb or ())))
def _propose_group_norm(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 2 and v.shape[1] >= 1)
    if i is None:
        return None
    x = values[i]
    groups = draw(st.sampled_from(_divisors(x.shape[1])))
    grouped = x.reshape(x.shape[0], groups, -1)
    if not _spread_ok(grouped, (2,)):
        return None
    fits = [j for j, v in enumerate(values) if v.shape == (x.shape[1],)]
    if not fits or draw(st.booleans()):
        return (i,), {"groups": groups}
    return (i, draw(st.sampled_from(fits)), draw(st.sampled_from(fits))), {"groups": groups}


@op("instance_norm", ("F.instance_norm",), lambda x, *wb: F.instance_norm(
    x, weight=wb[0] if wb else None, bias=wb[1] if wb else None))
def _propose_instance_norm(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 3)
    if i is None:
        return None
    x = values[i]
    if not _spread_ok(x, tuple(range(2, x.ndim))):
        return None
    fits = [j for j, v in enumerate(values) if v.shape == (x.shape[1],)]
    if not fits or draw(st.booleans()):
        return (i,), {}
    return (i, draw(st.sampled_from(fits)), draw(st.sampled_from(fits))), {}


@op("rms_norm", ("F.rms_norm",), lambda x, *w, k: F.rms_norm(
    x, x.shape[x.ndim - k:], w[0] if w else None, eps=1e-2))
def _propose_rms_norm(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: v.ndim >= 1)
    if i is None:
        return None
    x = values[i]
    k = draw(st.integers(1, x.ndim))
    fits = [j for j, v in enumerate(values) if v.shape == x.shape[x.ndim - k:]]
    if not fits or draw(st.booleans()):
        return (i,), {"k": k}
    return (i, draw(st.sampled_from(fits))), {"k": k}


@op("pad_modes", ("F.pad",), lambda x, widths, mode: F.pad(x, widths, mode))
def _propose_pad(draw: Any, values: list) -> Any:
    i = _pick(draw, values, lambda v: 2 <= v.ndim <= 4 and min(v.shape) >= 2)
    if i is None:
        return None
    x = values[i]
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    # PyTorch pads the last 1-3 dimensions of a (C, ...) or (N, C, ...) input in the non-constant
    # modes: k padded dimensions need ndim k + 1 or k + 2 (a 4-d input takes 2 or 3)
    low_k = 1 if mode == "constant" else max(1, x.ndim - 2)
    k = draw(st.integers(low_k, min(x.ndim - 1, 3)))
    widths: list[int] = []
    for d in range(k):
        n = x.shape[x.ndim - 1 - d]
        low = -1 if mode != "reflect" or n > 2 else 0
        widths += [draw(st.integers(low, n - 1)), draw(st.integers(low, n - 1))]
    if mode == "circular" and any(x.shape[x.ndim - 1 - d] - max(-widths[2 * d], 0)
                                  - max(-widths[2 * d + 1], 0) <= 0 for d in range(k)):
        return None
    return (i,), {"widths": tuple(widths), "mode": mode}

