"""How fast can a Python reverse-mode engine on NumPy be? The chain workloads against a floor.

    python benchmarks/floor_engine.py            # both chains, about a minute
    python benchmarks/floor_engine.py --quick

The floor is the smallest tape that still computes the right gradients of the chain benchmark
(`chain.py`): a node class, an output class, three hard-wired VJPs and a backward sweep in creation
order. It has none of what an engine for users needs (no broadcasting or dtype handling, no
version checks, no hooks, no second derivatives, no error messages, no graph metadata for
drawing), so its per-op cost is a lower bound for any engine written in Python on NumPy. Printed
next to hand-written NumPy, autograd_mini and PyTorch (when installed), timed in interleaved rounds
in one process (CPU time, one thread), each checked against the hand-written gradients first.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("AM_BENCH_CLOCK", "cpu")

import numpy as np  # noqa: E402
from _harness import check_close, interleaved, load_torch  # noqa: E402
from chain import am_chain, make_inputs, numpy_chain, torch_chain  # noqa: E402


class _Out:
    __slots__ = ("data", "node")

    def __init__(self, data: np.ndarray, node: Any = None) -> None:
        self.data = data
        self.node = node


class _Node:
    __slots__ = ("kind", "inputs", "saved", "seq")


_counter = [0]


def _record(kind: int, inputs: tuple, saved: Any, out: np.ndarray) -> _Out:
    node = _Node()
    node.kind, node.inputs, node.saved = kind, inputs, saved
    node.seq = _counter[0] = _counter[0] + 1
    return _Out(out, node)


def _add(a: _Out, b: _Out) -> _Out:
    return _record(0, (a, b), None, a.data + b.data)


def _mul(a: _Out, b: _Out) -> _Out:
    return _record(1, (a, b), (a.data, b.data), a.data * b.data)


def _tanh(a: _Out) -> _Out:
    out = np.tanh(a.data)
    return _record(2, (a,), out, out)


def _backward(root: _Out) -> dict[int, np.ndarray]:
    """Gradients of root.data.sum() for every leaf, keyed by id(leaf)."""
    nodes, stack, seen = [], [root.node], {id(root.node)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for t in node.inputs:
            if t.node is not None and id(t.node) not in seen:
                seen.add(id(t.node))
                stack.append(t.node)
    nodes.sort(key=lambda n: -n.seq)
    grads = {id(root): np.ones_like(root.data)}
    leaves: dict[int, np.ndarray] = {}
    outputs = {id(root.node): root}
    for node in nodes:
        g = grads.pop(id(outputs.pop(id(node))))
        if node.kind == 0:
            parts = (g, g)
        elif node.kind == 1:
            parts = (g * node.saved[1], g * node.saved[0])
        else:
            parts = (g * (1.0 - node.saved * node.saved),)
        for t, part in zip(node.inputs, parts):
            table = leaves if t.node is None else grads
            if t.node is not None:
                outputs[id(t.node)] = t
            old = table.get(id(t))
            table[id(t)] = part if old is None else old + part
    return leaves


def floor_chain(x: _Out, w: _Out, n_ops: int) -> tuple[float, dict]:
    y = x
    for i in range(n_ops):
        kind = i % 3
        y = _add(y, w) if kind == 0 else _mul(y, w) if kind == 1 else _tanh(y)
    return float(y.data.sum()), _backward(y)


def _row(am: Any, torch: Any, n_ops: int, shape: tuple, repeats: int) -> str:
    """One workload: every contender checked against the hand-written gradients, then timed."""
    x, w = make_inputs(shape)
    ref_loss, ref_gx, ref_gw = numpy_chain(x, w, n_ops)
    fx, fw = _Out(x), _Out(w)
    loss, leaves = floor_chain(fx, fw, n_ops)
    check_close("floor loss", loss, ref_loss, 1e-5, 1e-6)
    check_close("floor dL/dx", leaves[id(fx)], ref_gx, 1e-5, 1e-6)
    check_close("floor dL/dw", leaves[id(fw)], ref_gw, 1e-5, 1e-6)
    ax, aw = am.tensor(x, requires_grad=True), am.tensor(w, requires_grad=True)
    steps = {"numpy": lambda: numpy_chain(x, w, n_ops),
             "floor": lambda: floor_chain(fx, fw, n_ops),
             "autograd_mini": lambda: am_chain(am, ax, aw, n_ops)}
    if torch is not None:
        tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        steps["pytorch"] = lambda: torch_chain(torch, tx, tw, n_ops)
    per_op = {k: 1e6 * v / n_ops for k, v in interleaved(steps, repeats).items()}
    t = per_op.get("pytorch", float("nan"))
    return (f"| {n_ops:,} ops on {shape} + backward | {per_op['numpy']:.2f} us/op | "
            f"{per_op['floor']:.2f} us/op | {per_op['autograd_mini']:.2f} us/op | {t:.2f} us/op | "
            f"{per_op['floor'] / t:.2f}x | {per_op['autograd_mini'] / t:.2f}x |")


def main() -> None:
    import autograd_mini as am

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    torch = load_torch()
    print("| workload | NumPy by hand | floor engine | autograd_mini | PyTorch | floor / PyTorch "
          "| autograd_mini / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for n_ops, shape, repeats in ((100, (10, 10), 200), (10_000, (1,), 9)):
        print(_row(am, torch, n_ops, shape, max(3, repeats // 4) if args.quick else repeats))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
