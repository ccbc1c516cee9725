"""Grad mode: one flag that says whether operations record a graph.

`no_grad` and `enable_grad` flip it, as context managers or decorators. Each thread has its own
flag, starting as True, so a `no_grad` block in one thread never affects another. (A thread-local,
not a ContextVar: NumPy reads a ContextVar of its own on every ufunc call, which is fast only while
no variable has been set in the context.)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _ThreadState(threading.local):
    """Per thread: whether grad mode is on, and the module scope (see autograd/record.py)."""

    grad_enabled = True  # (class attributes: every new thread starts with these)
    scope: str | None = None


thread_state = _ThreadState()


def _set_enabled(mode: bool) -> None:
    thread_state.grad_enabled = mode


def is_grad_enabled() -> bool:
    """Return True when operations on tensors that require grad record a graph."""
    return thread_state.grad_enabled


def set_grad_enabled(mode: bool) -> None:
    """Turn graph recording on or off for the current thread."""
    _set_enabled(bool(mode))


class _GradModeContext:
    """Base for `no_grad`/`enable_grad`: a context manager that is also a decorator, used as
    `@am.no_grad()` or, as in recent PyTorch, `@am.no_grad`."""

    _mode: bool

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        if func is None:
            return self
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no arguments, got {func!r}")
        self.__init__()
        return self(func)  # used as a bare decorator

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(thread_state.grad_enabled)
        _set_enabled(self._mode)

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._saved.pop())

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            saved = thread_state.grad_enabled
            _set_enabled(mode)
            try:
                return fn(*args, **kwargs)
            finally:
                _set_enabled(saved)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Context manager and decorator that disables graph recording in the current thread.

    Example:
        >>> with am.no_grad():
        ...     w -= lr * w.grad
    """

    _mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that re-enables graph recording inside a `no_grad` block."""

    _mode = True
