"""Tracing: run a forward once and record every registry primitive it applies, in order.

Every op of autograd_mini ends in a registry primitive (`autograd_mini.primitives.PRIMITIVES`)
whose forward takes and returns ndarrays; the arrays flow from one primitive to the next
unchanged (`Tensor.data`). While a trace runs, each primitive's `forward` is wrapped (for the
tracing thread only; other threads run the plain forward) to record the class, the arguments,
the keyword parameters and the result. Array identity then links the calls into a graph: an
argument is the result of an earlier call, an example input, a parameter or buffer, or else a
constant (a value computed outside the primitives, which `compare_traces` checks did not come
from the inputs). Calls made inside another primitive's forward (fused ops reuse others'
forwards) are not recorded: the outer one stands for them.
"""

from __future__ import annotations

import threading
import zlib
from typing import Any

import numpy as np

_local = threading.local()
_lock = threading.Lock()  # one trace at a time: the wrapping is process-wide


class Call:
    """One recorded primitive application."""

    __slots__ = ("cls", "args", "params", "out", "scope")

    def __init__(self, cls: Any, args: tuple, params: dict, out: Any, scope: str | None) -> None:
        self.cls, self.args, self.params, self.out, self.scope = cls, args, params, out, scope

    @property
    def name(self) -> str:
        return self.cls.__name__

    @property
    def outputs(self) -> tuple:
        """The result as a tuple of ndarrays (NumPy scalars as 0-d arrays)."""
        out = self.out if isinstance(self.out, tuple) else (self.out,)
        return tuple(o if isinstance(o, np.ndarray) else np.asarray(o) for o in out)


class Trace:
    """The calls of one forward, the arrays they made (kept alive: ids stay unique), and a
    checksum of each result (an array written in place after it was made is not exportable)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.depth = 0
        self.keep: list[Any] = []
        self.sums: list[tuple[np.ndarray, int, Call]] = []

    def record(self, call: Call) -> None:
        outs = call.outputs
        if not isinstance(call.out, tuple) and outs[0] is not call.out:
            call.out = outs[0]  # (a NumPy scalar result: record the 0-d array)
        self.calls.append(call)
        self.keep.append(call)
        for out in outs:
            self.sums.append((out, checksum(out), call))

    def check_unchanged(self) -> None:
        """Refuse results written in place after they were made (the graph would be wrong)."""
        from ._errors import ExportError

        for array, total, call in self.sums:
            if checksum(array) != total:
                where = f" in module {call.scope!r}" if call.scope else ""
                raise ExportError(f"the result of {call.name}{where} (shape {array.shape}) was "
                                  "written in place later in the forward; in-place updates "
                                  "cannot be exported: compute them out of place")


def checksum(array: np.ndarray) -> int:
    """A CRC of the array's bytes (its values as laid out; a 0-d array too)."""
    data = np.ascontiguousarray(array).reshape(-1)
    return zlib.crc32(data.view(np.uint8)) if data.size else 0


def _primitives() -> dict[str, Any]:
    """Every registered primitive (importing the modules that register nn's and sequence's)."""
    import importlib
    import pkgutil

    import autograd_mini

    from ..primitives import PRIMITIVES

    nn = importlib.import_module("autograd_mini.nn")
    for package in (autograd_mini, nn):  # the modules that register primitives, unimported
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name.endswith("primitives"):  # (nn._primitives, _linalg_primitives, ...)
                importlib.import_module(info.name)
    return PRIMITIVES


def _wrap(cls: Any, forward: Any) -> Any:
    def traced(ctx: Any, *args: Any, **params: Any) -> Any:
        trace = getattr(_local, "trace", None)
        if trace is None:
            return forward(ctx, *args, **params)
        trace.depth += 1
        try:
            out = forward(ctx, *args, **params)
        finally:
            trace.depth -= 1
        if trace.depth == 0:
            from .._grad_mode import thread_state

            trace.record(Call(cls, args, dict(params), out, thread_state.scope))
        return out

    return staticmethod(traced)


def run_traced(fn: Any, args: tuple) -> tuple[Trace, Any]:
    """Call `fn(*args)` with every primitive's forward recorded; (the trace, fn's result)."""
    prims = _primitives()
    count = len(prims)
    trace, result = _run_once(fn, args, prims)
    if len(prims) != count:  # a primitive registered during the forward: trace it again
        trace, result = _run_once(fn, args, prims)
    trace.check_unchanged()
    return trace, result


def _run_once(fn: Any, args: tuple, prims: dict) -> tuple[Trace, Any]:
    with _lock:
        saved = {cls: (cls.__dict__.get("forward"), cls.forward) for cls in prims.values()}
        for cls, (_, forward) in saved.items():
            cls.forward = _wrap(cls, forward)
        trace = Trace()
        _local.trace = trace
        try:
            result = fn(*args)
        finally:
            _local.trace = None
            for cls, (own, _) in saved.items():
                if own is None:
                    del cls.forward
                else:
                    cls.forward = own
    return trace, result
