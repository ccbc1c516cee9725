"""Memory stays flat over long training, and graphs are freed by reference counting alone.

The classic leak, documented here and in the README: accumulating the loss *tensor* for logging,

    running_loss += loss          # keeps every step's graph alive: memory grows each step
    running_loss += loss.item()   # a Python float: nothing is kept

`loss` carries its graph (`loss.grad_fn` and, through its edges, the nodes of the whole forward
pass); adding it to a running total that is itself a tensor records one more node per step that
points at that step's graph, so no graph is ever freed. `loss.detach()` works too.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.nn import functional as F

WARMUP = 300  # steps run under tracing before the baseline: the steady-state working set
BOUND = 64 * 1024  # bytes of growth allowed after the warm-up (a 56-byte leak per step exceeds it)


def _trainer(seed: int = 0):
    am.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = am.optim.Adam(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(seed)
    x = am.tensor(rng.standard_normal((16, 4)).astype(np.float32))
    y = am.tensor(rng.standard_normal((16, 1)).astype(np.float32))

    def step() -> am.Tensor:
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _growth_over(steps: int, step) -> tuple[list[int], int, int, float]:
    """Run `steps` training steps with the cyclic GC off.

    At ten checkpoints a full collection runs: it must find nothing (every graph was freed by
    reference counting), and it empties CPython's free lists, so the traced memory read after it
    is live memory only. Returns that memory above the post-warm-up baseline at each checkpoint,
    the peak above it, the number of objects the collections found, and the last loss.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # graphs must be freed by reference counting alone
    tracemalloc.start()
    try:
        for _ in range(WARMUP):
            step()
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        marks, found, loss = [], 0, float("nan")
        for i in range(steps):
            loss = step().item()
            if (i + 1) % (steps // 10) == 0:
                found += gc.collect()
                marks.append(tracemalloc.get_traced_memory()[0] - base)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()
    return marks, peak, found, loss


def _assert_flat(steps: int) -> None:
    marks, peak, found, loss = _growth_over(steps, _trainer())
    assert np.isfinite(loss)
    assert found == 0, f"the cyclic collector found {found} objects: a training step made cycles"
    assert max(marks) < BOUND, f"live memory grew by {marks} bytes over {steps} steps"
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes above the baseline"


def test_training_memory_is_flat() -> None:
    _assert_flat(1000)


@pytest.mark.slow
def test_ten_thousand_training_steps_keep_memory_flat() -> None:
    _assert_flat(10_000)


def test_graph_is_freed_after_backward_without_the_cyclic_collector() -> None:
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
    x = am.tensor(np.ones((2, 3), dtype=np.float32))
    gc.disable()
    try:
        loss = model(x).sum()
        nodes = []
        stack = [loss.grad_fn]
        while stack:  # every node of the graph, through weak references
            node = stack.pop()
            nodes.append(weakref.ref(node))
            stack.extend(fn for fn, _ in node.next_functions if isinstance(fn, am.autograd.Node))
        loss.backward()
        del loss, node, stack
        assert all(ref() is None for ref in nodes), "a graph node outlived its loss"
    finally:
        gc.enable()


def test_running_loss_of_tensors_keeps_every_graph_alive() -> None:
    """The documented mistake leaks; the float version does not."""
    def run(mistake: bool) -> int:
        step = _trainer()
        for _ in range(20):
            step()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            running: object = 0.0
            for _ in range(200):
                loss = step()
                if mistake:
                    running += loss  # noqa: SIM114 (the point of the test)
                else:
                    running += loss.item()
            return tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()

    leaked, flat = run(mistake=True), run(mistake=False)
    assert leaked > 200 * 1024, leaked  # kilobytes per step: one graph's nodes each time
    assert flat < BOUND, flat
