"""Shared benchmark machinery: thread pinning, interleaved timing, correctness checks.

Every workload runs in its own process (started by `run_all.py`) whose environment pins
OMP/OpenBLAS/MKL to the same number of threads for NumPy, autograd_mini and PyTorch. That
environment must be in place before NumPy is imported, which is why the parent sets it for the
child rather than the child setting it for itself.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def pinned_env(threads: int, cpu_clock: bool = False) -> dict[str, str]:
    """The environment for a workload process: every BLAS and OpenMP pool at `threads`."""
    env = dict(os.environ)
    if cpu_clock:
        env["AM_BENCH_CLOCK"] = "cpu"
    for var in THREAD_VARS:
        env[var] = str(threads)
    env["AM_BENCH_THREADS"] = str(threads)
    return env


def load_torch() -> Any:
    """PyTorch pinned to the workload's thread count, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    threads = int(os.environ.get("AM_BENCH_THREADS", "1"))
    torch.set_num_threads(threads)
    return torch


def clock() -> Callable[[], float]:
    """Wall time, or with AM_BENCH_CLOCK=cpu this process's CPU time: on a machine shared with
    other jobs, a single-threaded step's CPU time does not count the time spent waiting for a core.
    """
    return time.process_time if os.environ.get("AM_BENCH_CLOCK") == "cpu" else time.perf_counter


def interleaved(steps: dict[str, Callable[[], Any]], repeats: int, inner: int = 1,
                warmup: int = 2) -> dict[str, float]:
    """Median seconds per call of each step, measured in rounds that visit every step in turn.

    Interleaving spreads slow phases of a shared machine over every contender instead of one.
    The order rotates each round, so no contender always runs right after another's garbage.
    Each sample times `inner` back-to-back calls (tiny steps are shorter than the clock's grain).
    The cyclic garbage collector stays on: that is how users run their code.
    """
    names = list(steps)
    for name in names:
        for _ in range(warmup):
            steps[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    now = clock()
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            step = steps[name]
            gc.collect()
            start = now()
            for _ in range(inner):
                step()
            samples[name].append((now() - start) / inner)
    return {name: float(np.median(s)) for name, s in samples.items()}


def check_close(what: str, got: Any, want: Any, rtol: float, atol: float) -> None:
    """Refuse to time a step whose results differ from the hand-written reference."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        raise AssertionError(f"{what}: shape {got.shape}, reference {want.shape}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        err = np.max(np.abs(got - want) / (atol + rtol * np.abs(want)))
        raise AssertionError(f"{what}: differs from the hand-written NumPy reference "
                             f"(worst error {err:.3g} x tolerance, rtol={rtol}, atol={atol})")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6
