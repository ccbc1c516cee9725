"""Anomaly detection: remember where each node was created, and stop at the first NaN/inf
gradient with an error that names the op, its input shapes and the user's line."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import numpy as np

from . import function

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
        node.trace = f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"


class detect_anomaly:
    """Context manager: record where each op was created and raise on a NaN or inf gradient.

    Example:
        >>> with am.autograd.detect_anomaly():
        ...     loss = model(x).log().sum()
        ...     loss.backward()   # RuntimeError: LogBackward (created at train.py:12 ...) ...
    """

    def __enter__(self) -> detect_anomaly:
        global _depth
        with _lock:
            _depth += 1
            function._creation_hook = _record_creation
        return self

    def __exit__(self, *exc: object) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0:
                function._creation_hook = None


def check_gradient(node: Any, i: int, g: Any) -> None:
    data = g.data
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        kind = "NaN" if np.isnan(data).any() else "inf"
        shapes = ", ".join(str(s) for s in node.input_shapes if s is not None)
        where = node.trace or "an unknown place (created before detect_anomaly was entered)"
        raise RuntimeError(
            f"{type(node).__name__} returned {kind} in the gradient for its input {i} (input "
            f"shapes: {shapes}). The op was created at {where}.")
