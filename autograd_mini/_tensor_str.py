"""How a tensor prints: PyTorch's layout and number formatting (torch/_tensor_str.py), on NumPy.

    tensor([0.1000, 2.0000])    tensor(3.)    tensor([1, 2, 3])    tensor([], size=(0, 3))
    tensor([1.0000e-05, 1.0000e+03], dtype=float64, requires_grad=True)

One format for all the elements of a tensor: fixed point with 4 decimals, or scientific when the
nonzero finite magnitudes span more than 1000x or reach past 1e8 or below 1e-4; floats that are
all integers print as `1.`; elements are right-aligned to a common width; lines wrap at 80
characters, and a tensor of more than 1000 elements is summarised to its first and last 3 rows
along each dimension. The dtype is shown unless it is the default float dtype, int64 or bool.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80


class _Formatter:
    """One format for all the elements of a tensor (its summarised elements, when summarised)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite.astype(np.float64))
        lo, hi = float(magnitude.min()), float(magnitude.max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        for v in finite.tolist():
            if self.sci_mode:
                width = len(f"{v:.{PRECISION}e}")
            elif self.int_mode:
                width = len(f"{v:.0f}") + 1
            else:
                width = len(f"{v:.{PRECISION}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRECISION}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (the first and last EDGEITEMS along each axis)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * EDGEITEMS:
            return np.concatenate((a[:EDGEITEMS], a[-EDGEITEMS:]))
        return a
    rows = (list(range(EDGEITEMS)) + list(range(a.shape[0] - EDGEITEMS, a.shape[0]))
            if a.shape[0] > 2 * EDGEITEMS else range(a.shape[0]))
    return np.stack([_summarized(a[i]) for i in rows])


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (fmt.max_width + 2)))
    if summarize and a.shape[0] > 2 * EDGEITEMS:
        data = ([fmt.format(v) for v in a[:EDGEITEMS].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-EDGEITEMS:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        slices = ([_nested_str(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)]
                  + ["..."]
                  + [_nested_str(a[i], indent + 1, summarize, fmt)
                     for i in range(n - EDGEITEMS, n)])
    else:
        slices = [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def array_str(a: np.ndarray, indent: int) -> str:
    """The bracketed body of a tensor's repr, for an array starting `indent` columns in."""
    if a.size == 0:
        return "[]"
    summarize = a.size > THRESHOLD
    fmt = _Formatter(_summarized(a) if summarize else a)
    return _nested_str(a, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(a: np.ndarray, default_dtype: np.dtype, extras: list[str]) -> str:
    """`tensor(...)` for the array `a`: the body, then `size=`/`dtype=` where PyTorch shows them,
    then `extras` (grad_fn, requires_grad, ...), wrapped at LINEWIDTH as PyTorch wraps them."""
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:  # (a shape (0,) reads from `[]`; any other is shown, as NumPy does)
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != default_dtype:  # (nothing to tell an empty int64 tensor's dtype by)
            suffixes.append(f"dtype={a.dtype}")
    elif a.dtype not in (default_dtype, np.dtype(np.int64), np.dtype(np.bool_)):
        suffixes.append(f"dtype={a.dtype}")
    return _add_suffixes(prefix + array_str(a, indent), suffixes + extras, indent)
