"""API traps that gave silent wrong answers, each held to PyTorch 2.x's behaviour.

1. `Optimizer.zero_grad(set_to_none=False)` cuts `.grad` from its graph before zeroing it in place.
2. `backward(inputs=t)` with one Tensor means that tensor (not its rows); a 0-d one works too.
3. `autograd.grad` with a tensor listed twice in `inputs` returns its gradient in both places.
4. `no_grad`/`enable_grad`/`set_grad_enabled` as decorators of generator functions apply to every
   step of the generator; `set_grad_enabled` is a call, a context manager and a decorator.

Every case runs the same code on autograd_mini and, where it is installed, on PyTorch, against
the expected values written here (PyTorch 2.13's, which are also the closed forms).
"""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

BACKENDS = ["autograd_mini", "torch"]


def _lib(backend: str) -> Any:
    """autograd_mini, or torch (the test is skipped where torch is not installed)."""
    if backend == "torch":
        torch = pytest.importorskip("torch")
        return torch
    return am


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _close(t: Any, expected: Any) -> None:
    np.testing.assert_allclose(_np(t), np.asarray(expected, dtype=np.float64), rtol=1e-6)


@pytest.fixture(autouse=True)
def _quiet_create_graph_warning():
    """PyTorch warns that backward(create_graph=True) makes a parameter/gradient cycle."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using backward\\(\\) with create_graph=True")
        yield


# ---- 1. Optimizer.zero_grad(set_to_none=False) detaches, then zeros in place -------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_zero_grad_false_does_not_chain_create_graph_gradients(backend):
    lib = _lib(backend)
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1)
    for k in range(1, 4):
        (k * (w ** 3)).sum().backward(create_graph=True)  # d/dw = 3k w^2, d2/dw2 = 6k w
        _close(w.grad, [3.0 * k, 12.0 * k])
        # Only this iteration's graph: d(sum(w.grad))/dw = 6k w. (Before the fix the gradients
        # of earlier iterations were still chained in: 6 (1 + ... + k) w.)
        (second,) = lib.autograd.grad(w.grad.sum(), w, retain_graph=True)
        _close(second, [6.0 * k, 12.0 * k])
        grad = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is grad  # the same Tensor, zeroed in place
        _close(w.grad, [0.0, 0.0])
        assert w.grad.grad_fn is None and not w.grad.requires_grad


@pytest.mark.parametrize("backend", BACKENDS)
def test_zero_grad_false_zeroes_the_same_array(backend):
    lib = _lib(backend)
    w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    values = grad.numpy()  # shares the gradient's memory
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad
    np.testing.assert_array_equal(values, [0.0, 0.0, 0.0])
    (w * w).sum().backward()  # accumulates into the zeroed gradient
    _close(w.grad, [2.0, 4.0, 6.0])


def _live_nodes() -> int:
    gc.collect()
    return sum(issubclass(type(o), am.autograd.Node) for o in gc.get_objects())


def test_zero_grad_false_keeps_memory_flat_across_create_graph_iterations():
    w = am.tensor([1.0, 2.0], requires_grad=True)
    opt = am.optim.SGD([w], lr=0.01)
    counts = []
    previous = None
    for _ in range(6):
        loss = (w ** 3).sum()
        loss.backward(create_graph=True)
        node = weakref.ref(loss.grad_fn)
        opt.step()
        opt.zero_grad(set_to_none=False)
        del loss
        gc.collect()
        if previous is not None:
            assert previous() is None  # the previous iteration's graph is gone
        previous = node
        counts.append(_live_nodes())
    assert counts[-1] == counts[1], counts  # (before the fix: one more chain link per iteration)


@pytest.mark.parametrize("backend", BACKENDS)
def test_module_zero_grad_false_zeroes_the_same_tensor_cut_from_its_graph(backend):
    lib = _lib(backend)
    layer = lib.nn.Linear(2, 1)
    x = lib.tensor([[1.0, 2.0]])
    (layer(x) ** 2).sum().backward(create_graph=True)
    grad = layer.weight.grad
    assert grad.grad_fn is not None
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is grad and grad.grad_fn is None and not grad.requires_grad
    _close(grad, [[0.0, 0.0]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_graph_backward_stores_a_copy_of_the_callers_gradient(backend):
    lib = _lib(backend)
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    v = lib.tensor([3.0, 4.0], requires_grad=True)
    w.backward(v, create_graph=True)
    assert w.grad is not v
    with lib.no_grad():
        w.grad.zero_()
    _close(v, [3.0, 4.0])  # (the caller's tensor is untouched)


# ---- 2. backward(inputs=t): one Tensor is that tensor ------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_one_tensor_means_that_tensor(backend):
    lib = _lib(backend)
    for wrap in (lambda t: t, lambda t: [t], lambda t: (t,)):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)
        (x * w).sum().backward(inputs=wrap(x))  # (before the fix, inputs=x meant x's rows)
        _close(x.grad, [4.0, 5.0, 6.0])
        assert w.grad is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_zero_dim_tensor(backend):
    lib = _lib(backend)
    s = lib.tensor(3.0, requires_grad=True)
    w = lib.tensor(2.0, requires_grad=True)
    (s * s * w).backward(inputs=s)
    assert tuple(s.grad.shape) == ()
    _close(s.grad, 12.0)
    assert w.grad is None
    (s * s * w).backward(inputs=[s])  # accumulates
    _close(s.grad, 24.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_autograd_backward_function_takes_one_tensor_as_inputs(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = lib.tensor([1.0, 1.0, 1.0], requires_grad=True)
    lib.autograd.backward((x * x * w).sum(), inputs=x)
    _close(x.grad, [2.0, 4.0, 6.0])
    lib.autograd.backward([(x * x * w).sum()], inputs=(x,))
    _close(x.grad, [4.0, 8.0, 12.0])
    assert w.grad is None
    s = lib.tensor(2.0, requires_grad=True)
    lib.autograd.backward([s * s], grad_tensors=[lib.tensor(1.0)], inputs=s)
    _close(s.grad, 4.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_non_leaf_accumulates_and_is_retained(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    z = (y ** 2).sum()  # dz/dy = 2y = [6, 12]; dz/dx = 18x = [18, 36]
    assert not y.retains_grad
    z.backward(inputs=y, retain_graph=True)
    _close(y.grad, [6.0, 12.0])
    assert x.grad is None
    assert y.retains_grad  # PyTorch calls retain_grad() on every input
    z.backward(inputs=[y], retain_graph=True)
    _close(y.grad, [12.0, 24.0])
    z.backward()  # a plain backward now fills y.grad too, and x's
    _close(y.grad, [18.0, 36.0])
    _close(x.grad, [18.0, 36.0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_not_reached_keeps_grad_none(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    u = lib.tensor(5.0, requires_grad=True)
    v = u * 2.0
    (x * 2.0).sum().backward(inputs=u, retain_graph=True)  # no error, nothing written
    assert u.grad is None and x.grad is None
    (x * 2.0).sum().backward(inputs=v)
    assert v.grad is None and u.grad is None and x.grad is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_listed_twice_counts_once(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward(inputs=[x, x])
    _close(x.grad, [2.0, 4.0])
    y = x * 3.0
    (y ** 2).sum().backward(inputs=[y, x, y])
    _close(y.grad, [6.0, 12.0])
    _close(x.grad, [20.0, 40.0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_with_create_graph(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(inputs=x, create_graph=True)
    _close(x.grad, [3.0, 12.0])
    assert x.grad.grad_fn is not None
    (second,) = lib.autograd.grad(x.grad.sum(), x)
    _close(second, [6.0, 12.0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_inputs_refused(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    c = lib.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="empty"):
        (x * x).sum().backward(inputs=[])
    with pytest.raises(RuntimeError, match="requires_grad|require grad"):
        (x * x).sum().backward(inputs=[c])
    with pytest.raises(RuntimeError, match="Tensor"):
        (x * x).sum().backward(inputs=[1.0])
    assert x.grad is None


# ---- 3. autograd.grad with an input listed twice ----------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_input_listed_twice_gets_its_gradient_in_both_places(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    z = (y ** 2).sum()
    gx1, gx2 = lib.autograd.grad(z, [x, x], retain_graph=True)
    _close(gx1, [18.0, 36.0])
    _close(gx2, [18.0, 36.0])
    gy1, gy2 = lib.autograd.grad(z, [y, y], retain_graph=True)  # a non-leaf, twice
    _close(gy1, [6.0, 12.0])
    _close(gy2, [6.0, 12.0])
    got = lib.autograd.grad(z, (y, x, y))
    assert len(got) == 3
    for g, expected in zip(got, ([6.0, 12.0], [18.0, 36.0], [6.0, 12.0])):
        _close(g, expected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_input_listed_twice_with_allow_unused_and_create_graph(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    u = lib.tensor([1.0, 1.0], requires_grad=True)
    y = x * 3.0
    z = (y ** 3).sum()  # dz/dy = 3y^2 = [27, 108]
    g1, unused, g2 = lib.autograd.grad(z, [y, u, y], allow_unused=True, create_graph=True)
    assert unused is None
    _close(g1, [27.0, 108.0])
    _close(g2, [27.0, 108.0])
    assert g1.grad_fn is not None and g2.grad_fn is not None
    (second,) = lib.autograd.grad((g1 + g2).sum(), x)  # 2 * d(3 (3x)^2)/dx = 108 x
    _close(second, [108.0, 216.0])


def _two_outputs(lib: Any, x: Any) -> tuple[Any, Any]:
    """The two halves of x, as the two outputs of one node."""
    if lib is am:
        class Halves(am.autograd.Function):
            @staticmethod
            def forward(ctx, t):
                n = t.shape[0] // 2
                return t.data[:n].copy(), t.data[n:].copy()

            @staticmethod
            def backward(ctx, g_first, g_second):
                return am.cat([g_first, g_second])

        first, second = Halves.apply(x)
    else:
        first, second = x.split(2)
    assert first.grad_fn is second.grad_fn
    return first, second


@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_output_of_a_node_of_two_outputs_listed_twice(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    p, q = _two_outputs(lib, x)
    z = (p * q).sum()  # dz/dp = q = [3, 4], dz/dq = p = [1, 2]
    got = lib.autograd.grad(z, [p, q, p, q])
    for g, expected in zip(got, ([3.0, 4.0], [1.0, 2.0], [3.0, 4.0], [1.0, 2.0])):
        _close(g, expected)


# ---- 4. grad-mode decorators on generators; set_grad_enabled ----------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_no_grad_decorator_applies_to_every_step_of_a_generator(backend):
    lib = _lib(backend)

    @lib.no_grad()
    def steps():
        received = yield lib.is_grad_enabled()
        yield (received, lib.is_grad_enabled())
        return "done"

    assert lib.is_grad_enabled()
    gen = steps()
    assert next(gen) is False
    assert lib.is_grad_enabled()  # the caller's mode between steps
    assert gen.send("hello") == ("hello", False)
    assert lib.is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_bare_no_grad_decorator_on_a_generator_records_nothing(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0, 2.0], requires_grad=True)

    @lib.no_grad
    def doubled(n):
        for _ in range(n):
            yield x * 2.0

    results = list(doubled(3))
    assert [r.requires_grad for r in results] == [False, False, False]
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_enable_grad_decorator_on_a_generator_inside_no_grad(backend):
    lib = _lib(backend)

    @lib.enable_grad()
    def steps():
        yield lib.is_grad_enabled()
        yield lib.is_grad_enabled()

    with lib.no_grad():
        gen = steps()
        assert next(gen) is True
        assert not lib.is_grad_enabled()
    assert next(gen) is True
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_grad_generator_throw_and_close_run_in_the_mode(backend):
    lib = _lib(backend)
    seen = []

    @lib.no_grad()
    def steps():
        try:
            yield 1
        except ValueError:
            seen.append(("caught", lib.is_grad_enabled()))
            yield 2
        finally:
            seen.append(("finally", lib.is_grad_enabled()))

    gen = steps()
    assert next(gen) == 1
    assert gen.throw(ValueError("x")) == 2
    assert lib.is_grad_enabled()
    gen.close()
    assert lib.is_grad_enabled()
    assert seen == [("caught", False), ("finally", False)]

    @lib.no_grad()
    def failing():
        yield 1
        raise KeyError("inside")

    gen = failing()
    next(gen)
    with pytest.raises(KeyError, match="inside"):
        next(gen)
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_set_grad_enabled_as_a_call(backend):
    lib = _lib(backend)
    try:
        lib.set_grad_enabled(False)  # sets the mode at once
        assert not lib.is_grad_enabled()
        x = lib.tensor([1.0], requires_grad=True)
        assert not (x * 2.0).requires_grad
        lib.set_grad_enabled(True)
        assert lib.is_grad_enabled()
        assert (x * 2.0).requires_grad
        # What the call returns is a context manager that restores the mode before the call.
        switch = lib.set_grad_enabled(False)
        assert not lib.is_grad_enabled()
        with switch:
            assert not lib.is_grad_enabled()
        assert lib.is_grad_enabled()
        assert "mode=False" in repr(switch)
    finally:
        lib.set_grad_enabled(True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_set_grad_enabled_as_a_context_manager(backend):
    lib = _lib(backend)
    x = lib.tensor([1.0], requires_grad=True)
    with lib.set_grad_enabled(False):
        assert not lib.is_grad_enabled()
        assert not (x * 2.0).requires_grad
    assert lib.is_grad_enabled()
    with lib.no_grad():
        with lib.set_grad_enabled(True):
            assert lib.is_grad_enabled()
            assert (x * 2.0).requires_grad
        assert not lib.is_grad_enabled()
    assert lib.is_grad_enabled()
    with pytest.raises(ZeroDivisionError), lib.set_grad_enabled(False):
        raise ZeroDivisionError
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_set_grad_enabled_as_a_decorator(backend):
    lib = _lib(backend)

    @lib.set_grad_enabled(False)
    def mode():
        return lib.is_grad_enabled()

    assert lib.is_grad_enabled()  # decorating does not change the mode
    assert mode() is False
    assert lib.is_grad_enabled()
    assert mode() is False  # every call, not only the first

    @lib.set_grad_enabled(False)
    def steps():
        yield lib.is_grad_enabled()
        yield lib.is_grad_enabled()

    gen = steps()
    assert next(gen) is False
    assert lib.is_grad_enabled()
    assert next(gen) is False
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("backend", BACKENDS)
def test_set_grad_enabled_takes_only_a_bool(backend):
    lib = _lib(backend)
    for bad in ("no", 0, 1, None):
        with pytest.raises(TypeError, match="must be bool"):
            lib.set_grad_enabled(bad)
        assert lib.is_grad_enabled()
