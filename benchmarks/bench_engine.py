"""The engine's cost per op against the same computation written in NumPy.

    python benchmarks/bench_engine.py            # about a minute
    python benchmarks/bench_engine.py --quick    # fewer repetitions

Two workloads, each a chain cycling through `y + w`, `y * w` and `tanh(y)`, summed and
differentiated with respect to the input and to `w` (reused by every add and mul):

- 100 ops on 10x10 float32 arrays: the per-op bookkeeping on small tensors;
- 100,000 ops on a shape-(1,) array: a graph far deeper than Python's recursion limit.

NumPy runs the same forward, keeps what its hand-written backward needs, and sweeps back. Both
results are checked against each other before anything is timed. Timings are medians of
interleaved repetitions after a warm-up (in the same process, so both share the machine's state);
the table gives microseconds per op (forward and backward together) and the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy is imported; tiny arrays never use threads

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import check_close, interleaved  # noqa: E402
from chain import am_chain, make_inputs, numpy_chain  # noqa: E402

import autograd_mini as am  # noqa: E402

WORKLOADS = {  # name -> (ops, shape, repetitions, calls per timed sample)
    "chain of 100 elementwise ops, 10x10": (100, (10, 10), 40, 5),
    "chain of 100,000 elementwise ops, shape (1,)": (100_000, (1,), 5, 1),
}


def check_gradients(n_ops: int, shape: tuple[int, ...]) -> None:
    """Refuse to time anything unless autograd_mini and the hand-written NumPy agree."""
    x, w = make_inputs(shape)
    loss, gx, gw = numpy_chain(x, w, n_ops)
    ax, aw = am.tensor(x, requires_grad=True), am.tensor(w, requires_grad=True)
    am_loss = am_chain(am, ax, aw, n_ops)
    check_close("loss", am_loss.item(), loss, 1e-5, 1e-6)
    check_close("dL/dx", ax.grad.numpy(), gx, 1e-4, 1e-6)
    check_close("dL/dw", aw.grad.numpy(), gw, 1e-4, 1e-6)
    if not np.any(aw.grad.numpy()):
        raise AssertionError("dL/dw is all zeros: the check would prove nothing")


def measure(n_ops: int, shape: tuple[int, ...], repeats: int, inner: int) -> dict[str, float]:
    x, w = make_inputs(shape)
    ax, aw = am.tensor(x, requires_grad=True), am.tensor(w, requires_grad=True)
    steps = {"numpy": lambda: numpy_chain(x, w, n_ops),
             "autograd_mini": lambda: am_chain(am, ax, aw, n_ops)}
    seconds = interleaved(steps, repeats, inner, warmup=1 if n_ops > 10_000 else 3)
    return {name: s / n_ops * 1e6 for name, s in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a third of the repetitions")
    args = parser.parse_args()

    print(f"autograd_mini {am.__version__}, NumPy {np.__version__}, Python "
          f"{platform.python_version()}, {platform.machine()}; recursion limit "
          f"{sys.getrecursionlimit()}")
    print()
    print("| workload | ops | NumPy by hand (µs/op) | autograd_mini (µs/op) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, (n_ops, shape, repeats, inner) in WORKLOADS.items():
        check_gradients(n_ops, shape)
        per_op = measure(n_ops, shape, max(3, repeats // 3) if args.quick else repeats, inner)
        ratio = per_op["autograd_mini"] / per_op["numpy"]
        print(f"| {name} | {n_ops:,} | {per_op['numpy']:.2f} | {per_op['autograd_mini']:.2f} | "
              f"{ratio:.1f}x |", flush=True)
    print()
    print("Per op = (forward + backward) / ops, medians of interleaved repetitions after a "
          "warm-up; gradients checked against the NumPy reference first.")


if __name__ == "__main__":
    main()
