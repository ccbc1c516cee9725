"""Grad mode and the engine from several threads at once."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import numpy as np

import autograd_mini as am

THREADS = 8


def _run_all(target: Callable[[int], None], n: int = THREADS) -> None:
    """Start n threads together and re-raise the first error any of them hit."""
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def body(k: int) -> None:
        try:
            start.wait()
            target(k)
        except BaseException as exc:  # noqa: BLE001 (reported in the main thread)
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


def test_each_threads_no_grad_is_its_own() -> None:
    inside = threading.Barrier(2)
    leave = threading.Event()
    seen: dict[str, bool] = {}
    x = am.tensor(np.ones(3), requires_grad=True)

    def in_no_grad() -> None:
        with am.no_grad():
            inside.wait()
            seen["no_grad thread"] = (x * 2).requires_grad
            leave.wait(timeout=30)
        seen["no_grad thread after"] = (x * 2).requires_grad

    def recording() -> None:
        inside.wait()  # the other thread is inside no_grad now
        seen["other thread"] = am.is_grad_enabled() and (x * 2).requires_grad
        leave.set()

    threads = [threading.Thread(target=in_no_grad), threading.Thread(target=recording)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert seen == {"no_grad thread": False, "other thread": True, "no_grad thread after": True}
    assert am.is_grad_enabled()


def test_new_threads_start_with_grad_enabled() -> None:
    results = []
    with am.no_grad():
        t = threading.Thread(target=lambda: results.append(am.is_grad_enabled()))
        t.start()
        t.join()
    assert results == [True]


def test_grad_mode_toggling_in_many_threads_does_not_leak() -> None:
    def body(k: int) -> None:
        x = am.tensor(np.ones(2), requires_grad=True)
        for i in range(300):
            if (i + k) % 2:
                with am.no_grad():
                    assert not (x + 1).requires_grad
            else:
                assert (x + 1).requires_grad
            assert am.is_grad_enabled()

    _run_all(body)
    assert am.is_grad_enabled()


def _expected_grads(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # loss = sum(tanh(a @ b) ** 2) + sum(a * a): the chain rule by hand
    t = np.tanh(a @ b)
    up = 2 * t * (1 - t * t)
    return up @ b.T + 2 * a, a.T @ up


def test_concurrent_backward_on_separate_graphs_is_correct() -> None:
    def body(k: int) -> None:
        rng = np.random.default_rng(k)
        for _ in range(100):
            a_np, b_np = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
            a = am.tensor(a_np, requires_grad=True)
            b = am.tensor(b_np, requires_grad=True)
            loss = (am.tanh(a @ b) ** 2).sum() + (a * a).sum()
            loss.backward()
            ga, gb = _expected_grads(a_np, b_np)
            np.testing.assert_allclose(a.grad.data, ga, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(b.grad.data, gb, rtol=1e-12, atol=1e-12)

    _run_all(body)


def test_concurrent_higher_order_and_autograd_grad() -> None:
    def body(k: int) -> None:
        for i in range(100):
            x = am.tensor(np.array([0.3 + 0.01 * k, -0.5 - 0.001 * i]), requires_grad=True)
            (g,) = am.autograd.grad((x ** 3).sum(), x, create_graph=True)
            (h,) = am.autograd.grad(g.sum(), x)
            np.testing.assert_allclose(g.data, 3 * x.data ** 2, rtol=1e-12)
            np.testing.assert_allclose(h.data, 6 * x.data, rtol=1e-12)

    _run_all(body)


def test_concurrent_training_of_separate_models_matches_a_serial_run() -> None:
    from autograd_mini import nn

    def train(seed: int) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        for p, w in zip(model.parameters(), [rng.standard_normal(p.shape).astype(np.float32)
                                             for p in model.parameters()]):
            p.data[...] = w
        opt = am.optim.SGD(model.parameters(), lr=0.05)
        x = am.tensor(rng.standard_normal((16, 3)).astype(np.float32))
        y = am.tensor(rng.standard_normal((16, 1)).astype(np.float32))
        for _ in range(50):
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        return [p.data.copy() for p in model.parameters()]

    serial = [train(k) for k in range(THREADS)]
    threaded: dict[int, list[np.ndarray]] = {}
    _run_all(lambda k: threaded.__setitem__(k, train(k)))
    for k in range(THREADS):
        for a, b in zip(serial[k], threaded[k]):
            assert np.array_equal(a, b)  # bit-identical: threads share nothing


def test_concurrent_backward_into_a_shared_leaf_accumulates_every_contribution() -> None:
    """Graphs built in different threads from one shared parameter: no update is lost."""
    w = am.tensor(np.ones(3), requires_grad=True)
    per_thread = 1000

    def body(k: int) -> None:
        for _ in range(per_thread):
            (w * 2.0).sum().backward()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: a lost update shows
    try:
        _run_all(body)
    finally:
        sys.setswitchinterval(interval)
    np.testing.assert_array_equal(w.grad.data, np.full(3, 2.0 * per_thread * THREADS))


def test_retain_grads_is_per_thread() -> None:
    inside, done = threading.Barrier(2), threading.Event()
    nodes = {}

    def retaining() -> None:
        with am.autograd.retain_grads():
            inside.wait()
            done.wait(timeout=30)

    def plain() -> None:
        inside.wait()  # the other thread is inside retain_grads now
        x = am.tensor(np.ones(2), requires_grad=True)
        y = x * 3.0
        y.sum().backward()
        nodes["kept"] = y.grad_fn.retained_grads
        done.set()

    threads = [threading.Thread(target=retaining), threading.Thread(target=plain)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert nodes == {"kept": None}


def test_module_scope_is_per_thread() -> None:
    """Modules called in several threads label their own ops (and leave no scope behind)."""
    from autograd_mini import nn
    from autograd_mini.autograd import record
    from autograd_mini.autograd.record import current_scope

    class Outer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.Linear(2, 2)

        def forward(self, x):
            return self.inner(x).tanh()

    scopes: dict[int, set] = {}

    def body(k: int) -> None:
        model = Outer()
        x = am.tensor(np.ones((1, 2), dtype=np.float32))
        seen = set()
        for _ in range(200):
            out = model(x)
            seen.add(out.grad_fn.scope)
            assert current_scope() is None
        scopes[k] = seen

    _run_all(body)
    assert all(seen == {"Outer"} for seen in scopes.values()), scopes
    assert current_scope() is None
    assert record._threads_with_scope == 0  # (counted right under concurrent module calls)
