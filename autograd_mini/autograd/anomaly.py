"""Anomaly detection: remember where each node was created, and stop at the first NaN/inf
gradient with an error that names the op, its input shapes and the user's line."""

from __future__ import annotations

import linecache
import os
import sys
import threading
from typing import Any

import numpy as np

from . import record

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_lock = threading.Lock()
_depth = 0


def enabled() -> bool:
    return _depth > 0


def _record_creation(node: Any) -> None:
    """Store the innermost stack frame outside autograd_mini: the user's line."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            _PACKAGE_DIR):
        frame = frame.f_back
    if frame is not None:
        code = frame.f_code
        text = linecache.getline(code.co_filename, frame.f_lineno).strip()
        node.trace = f"{code.co_filename}:{frame.f_lineno} in {code.co_name}" + (
            f": {text}" if text else "")


class detect_anomaly:
    """Context manager: record where each op was created and raise on a NaN or inf gradient.

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([0.0, 1.0], requires_grad=True)
        >>> with am.autograd.detect_anomaly():
        ...     loss = x.sqrt().sum()
        ...     loss.backward()  # the derivative of sqrt at 0 is inf
        Traceback (most recent call last):
        ...
        RuntimeError: SqrtBackward returned inf in the gradient for its input 0 (input shapes: (2,)). ...
    """

    def __enter__(self) -> detect_anomaly:
        global _depth
        with _lock:
            _depth += 1
            record.set_creation_hook(_record_creation)
        return self

    def __exit__(self, *exc: object) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0:
                record.set_creation_hook(None)


def _input_shapes(node: Any) -> str:
    """Every input's shape; inputs that take no gradient are marked constant."""
    consts = getattr(node, "_const_inputs", None) or ()
    parts = []
    for k, shape in enumerate(node.input_shapes):
        if shape is not None:
            parts.append(str(shape))
            continue
        const = consts[k] if k < len(consts) else None
        if const is not None and getattr(const, "shape", None) is not None:
            parts.append(f"{const.shape} constant")
        elif const is not None and getattr(const, "value", None) is not None:
            parts.append(f"{const.value!r} constant")
    return ", ".join(parts)


def check_gradient(node: Any, i: int, g: Any) -> None:
    """Raise if gradient g (a Tensor, or an ndarray in the engine's array mode) is not finite."""
    data = g if isinstance(g, np.ndarray) else g.data
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        kind = "NaN" if np.isnan(data).any() else "inf"
        where = node.trace or "an unknown place (created before detect_anomaly was entered)"
        raise RuntimeError(
            f"{node.name()} returned {kind} in the gradient for its input {i} (input "
            f"shapes: {_input_shapes(node)}). The op was created at {where}. Look for a log, "
            "sqrt, division or power at zero, or an overflowing exp, in that op's inputs.")
