"""Grad mode: one flag that says whether operations record a graph.

`no_grad`, `enable_grad` and `set_grad_enabled` flip it, as context managers or decorators.
Each thread has its own flag, starting as True, so a `no_grad` block in one thread never affects
another. (A thread-local, not a ContextVar: NumPy reads a ContextVar of its own on every ufunc
call, which is fast only while no variable has been set in the context.)
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
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


class _DecoratorContextManager:
    """Base of the grad-mode context managers: used as a decorator, the function runs in the mode
    `_mode`, and the caller's mode is restored when it returns or raises. A generator function is
    wrapped so that every step of the generator (each `next()`, `send()`, `throw()` and its
    `close()`) runs in the mode, and the caller's mode is back in force between steps, as in
    PyTorch."""

    _mode: bool

    def __call__(self, fn: F) -> F:
        mode = self._mode
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(mode, fn)  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            saved = thread_state.grad_enabled
            _set_enabled(mode)
            try:
                return fn(*args, **kwargs)
            finally:
                _set_enabled(saved)

        return wrapper  # type: ignore[return-value]


def _in_mode(mode: bool, step: Callable[..., Any], *args: Any) -> Any:
    saved = thread_state.grad_enabled
    _set_enabled(mode)
    try:
        return step(*args)
    finally:
        _set_enabled(saved)


def _wrap_generator(mode: bool, fn: Callable[..., Generator[Any, Any, Any]]
                    ) -> Callable[..., Generator[Any, Any, Any]]:
    """Wrap a generator function so each resumption of its generators runs in `mode` (PyTorch's
    `_wrap_generator`): the wrapper forwards every value, sent value, thrown exception and close
    to the real generator, setting the mode around each and restoring the caller's after."""

    @functools.wraps(fn)
    def generator_context(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        gen = fn(*args, **kwargs)  # (creating a generator runs none of its code)
        try:
            response = _in_mode(mode, gen.send, None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    _in_mode(mode, gen.close)
                    raise
                except BaseException as exc:  # thrown in by the caller: pass it on
                    response = _in_mode(mode, gen.throw, exc)
                else:
                    response = _in_mode(mode, gen.send, request)
        except StopIteration as stop:  # the generator finished: return what it returned
            return stop.value

    return generator_context


class _GradModeContext(_DecoratorContextManager):
    """Base for `no_grad`/`enable_grad`: a context manager that is also a decorator, used as
    `@am.no_grad()` or, as in recent PyTorch, `@am.no_grad`."""

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


class no_grad(_GradModeContext):
    """Context manager and decorator that disables graph recording in the current thread.

    Inside it, results do not require grad even when their inputs do: use it for evaluation and
    for updating parameters by hand. Used as a decorator, the whole function runs without
    recording.

    Args:
        func: a function to wrap when used as a decorator, or None.

    Examples:
        >>> import autograd_mini as am
        >>> w = am.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> with am.no_grad():
        ...     w -= 0.1 * w.grad  # an update in place, not recorded
        >>> w
        tensor([0.8000, 1.6000], requires_grad=True)
        >>> with am.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    _mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that re-enables graph recording inside a `no_grad` block.

    Args:
        func: a function to wrap when used as a decorator, or None.
    """

    _mode = True


class set_grad_enabled(_DecoratorContextManager):
    """Turn graph recording on or off for the current thread, as PyTorch's `set_grad_enabled`.

    Called, it sets the mode at once (`am.set_grad_enabled(False)`). Used as a context manager,
    the mode before the call is restored on exit (`with am.set_grad_enabled(is_train): ...`); as
    a decorator (`@am.set_grad_enabled(False)`), the call leaves the mode as it was and the
    function runs in `mode`.

    Args:
        mode: True to record, False not to (a bool: anything else is a TypeError, as in PyTorch).
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not "
                            f"{type(mode).__name__}")
        self.prev = thread_state.grad_enabled
        self.mode = self._mode = mode
        _set_enabled(mode)

    def __call__(self, fn: F) -> F:
        _set_enabled(self.prev)  # a decorator: the mode changes only while fn runs
        return super().__call__(fn)

    def __enter__(self) -> None:
        _set_enabled(self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self.prev)

    def __repr__(self) -> str:
        return f"autograd_mini.set_grad_enabled(mode={self.mode})"
