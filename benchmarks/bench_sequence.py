"""Attention and LSTM forward + backward against the same computation written by hand in NumPy.

    python benchmarks/bench_sequence.py            # about a minute
    python benchmarks/bench_sequence.py --quick    # fewer repetitions
    python benchmarks/bench_sequence.py --threads 2

Workloads (float32, the default dtype):
- F.scaled_dot_product_attention, (B=8, H=4, T=64, D=32): forward, then backward of a given
  upstream gradient into q, k and v.
- nn.LSTM(64, 128), batch 32, 20 steps: forward from zero states, then backward of a given
  upstream gradient of the output into the input and every parameter; also the fused primitive
  (`LSTMSequence`) alone, without the module's argument handling.

Before anything is timed, every output and gradient is checked against the hand-written NumPy
(and PyTorch's, when it is installed). Repetitions are interleaved after a warm-up; the table shows
medians and the ratio to hand-written NumPy (and to PyTorch). BLAS/OpenMP pools are pinned to
`--threads` (default 1) for every framework, before NumPy is imported.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # pin the thread pools before NumPy loads its BLAS
    _threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "AM_BENCH_THREADS"):
        os.environ[_var] = _threads

import argparse  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import check_close, interleaved, load_torch  # noqa: E402

import autograd_mini as am  # noqa: E402
import autograd_mini.nn.functional as F  # noqa: E402
from autograd_mini import nn  # noqa: E402
from autograd_mini.nn._sequence_primitives import LSTMSequence  # noqa: E402

B, H, T, D = 8, 4, 64, 32
BATCH, INPUT, HIDDEN, STEPS = 32, 64, 128, 20


# ---- attention ------------------------------------------------------------------------------
def numpy_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, g: np.ndarray) -> tuple:
    """softmax(q k^T / sqrt(D)) v and its gradients in q, k, v for the upstream gradient g."""
    scale = np.float32(1.0 / np.sqrt(q.shape[-1]))
    s = (q @ k.swapaxes(-1, -2)) * scale
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    out = p @ v
    gv = p.swapaxes(-1, -2) @ g
    gp = g @ v.swapaxes(-1, -2)
    gs = p * (gp - (gp * p).sum(axis=-1, keepdims=True))
    gq = (gs @ k) * scale
    gk = (gs.swapaxes(-1, -2) @ q) * scale
    return out, gq, gk, gv


def attention_steps(torch: Any) -> dict[str, Callable[[], Any]]:
    rng = np.random.default_rng(0)
    q, k, v, g = (rng.standard_normal((B, H, T, D)).astype(np.float32) for _ in range(4))
    leaves = [am.tensor(a, requires_grad=True) for a in (q, k, v)]
    upstream = am.tensor(g)

    def ours() -> tuple:
        for t in leaves:
            t.grad = None
        out = F.scaled_dot_product_attention(*leaves)
        out.backward(upstream)
        return (out.data,) + tuple(t.grad.data for t in leaves)

    steps = {"NumPy by hand": lambda: numpy_attention(q, k, v, g), "autograd_mini": ours}
    want = numpy_attention(q, k, v, g)
    for got_, want_, what in zip(ours(), want, ("out", "dq", "dk", "dv")):
        check_close(f"attention {what}", got_, want_, rtol=1e-4, atol=1e-5)
    if torch is not None:
        tl = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
        tg = torch.tensor(g)

        def theirs() -> tuple:
            for t in tl:
                t.grad = None
            out = torch.nn.functional.scaled_dot_product_attention(*tl)
            out.backward(tg)
            return (out.detach().numpy(),) + tuple(t.grad.numpy() for t in tl)

        for got_, want_, what in zip(theirs(), want, ("out", "dq", "dk", "dv")):
            check_close(f"torch attention {what}", got_, want_, rtol=1e-4, atol=1e-5)
        steps["PyTorch"] = theirs
    return steps


# ---- LSTM -----------------------------------------------------------------------------------
def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def numpy_lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray,
               b_hh: np.ndarray, g_out: np.ndarray) -> tuple:
    """An LSTM layer from zero states, and its gradients for the upstream gradient g_out of
    every step's h: (out, dx, dw_ih, dw_hh, db_ih, db_hh)."""
    steps, batch, size = x.shape
    n = w_hh.shape[1]
    xp = (x.reshape(steps * batch, size) @ w_ih.T + (b_ih + b_hh)).reshape(steps, batch, 4 * n)
    h = np.zeros((batch, n), x.dtype)
    c = np.zeros((batch, n), x.dtype)
    acts = np.empty((steps, batch, 4 * n), x.dtype)
    cs = np.empty((steps + 1, batch, n), x.dtype)
    hs = np.empty((steps + 1, batch, n), x.dtype)
    tcs = np.empty((steps, batch, n), x.dtype)
    cs[0], hs[0] = c, h
    for t in range(steps):
        gates = xp[t] + h @ w_hh.T
        a = acts[t]
        a[:, :2 * n] = _sigmoid(gates[:, :2 * n])
        a[:, 2 * n:3 * n] = np.tanh(gates[:, 2 * n:3 * n])
        a[:, 3 * n:] = _sigmoid(gates[:, 3 * n:])
        c = a[:, n:2 * n] * c + a[:, :n] * a[:, 2 * n:3 * n]
        tcs[t] = np.tanh(c)
        h = a[:, 3 * n:] * tcs[t]
        cs[t + 1], hs[t + 1] = c, h
    out = hs[1:]
    dgates = np.empty_like(acts)
    dh = np.zeros((batch, n), x.dtype)
    dc = np.zeros((batch, n), x.dtype)
    for t in range(steps - 1, -1, -1):
        a = acts[t]
        i, f, g, o = a[:, :n], a[:, n:2 * n], a[:, 2 * n:3 * n], a[:, 3 * n:]
        dh = dh + g_out[t]
        tc = tcs[t]
        dc = dc + dh * o * (1 - tc * tc)
        d = dgates[t]
        d[:, :n] = dc * g * i * (1 - i)
        d[:, n:2 * n] = dc * cs[t] * f * (1 - f)
        d[:, 2 * n:3 * n] = dc * i * (1 - g * g)
        d[:, 3 * n:] = dh * tc * o * (1 - o)
        dc = dc * f
        dh = d @ w_hh
    d2 = dgates.reshape(steps * batch, 4 * n)
    dx = (d2 @ w_ih).reshape(x.shape)
    dw_ih = d2.T @ x.reshape(steps * batch, size)
    dw_hh = d2.T @ hs[:-1].reshape(steps * batch, n)
    db = d2.sum(axis=0)
    return out, dx, dw_ih, dw_hh, db, db


def lstm_steps(torch: Any) -> dict[str, Callable[[], Any]]:
    rng = np.random.default_rng(1)
    am.manual_seed(0)
    lstm = nn.LSTM(INPUT, HIDDEN)
    params = [p.data for p in lstm.parameters()]  # w_ih, w_hh, b_ih, b_hh
    x = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    g = rng.standard_normal((STEPS, BATCH, HIDDEN)).astype(np.float32)
    xa = am.tensor(x, requires_grad=True)
    upstream = am.tensor(g)
    leaves = [xa] + list(lstm.parameters())

    def ours() -> tuple:
        for t in leaves:
            t.grad = None
        out, _ = lstm(xa)
        out.backward(upstream)
        return (out.data,) + tuple(t.grad.data for t in leaves)

    zeros = am.tensor(np.zeros((BATCH, HIDDEN), np.float32))

    def primitive() -> tuple:
        for t in leaves:
            t.grad = None
        out, _, _ = LSTMSequence.apply(xa, zeros, zeros, *lstm.parameters())
        out.backward(upstream)
        return (out.data,) + tuple(t.grad.data for t in leaves)

    def by_hand() -> tuple:
        return numpy_lstm(x, *params, g)

    want = by_hand()
    names = ("out", "dx", "dw_ih", "dw_hh", "db_ih", "db_hh")
    for fn in (ours, primitive):
        for got_, want_, what in zip(fn(), want, names):
            check_close(f"lstm {what}", got_, want_, rtol=2e-3, atol=2e-4)
    steps = {"NumPy by hand": by_hand, "autograd_mini nn.LSTM": ours,
             "autograd_mini LSTMSequence": primitive}
    if torch is not None:
        tm = torch.nn.LSTM(INPUT, HIDDEN)
        tm.load_state_dict({k: torch.tensor(v.data) for k, v in lstm.state_dict().items()})
        tx = torch.tensor(x, requires_grad=True)
        tg = torch.tensor(g)
        tleaves = [tx] + list(tm.parameters())

        def theirs() -> tuple:
            for t in tleaves:
                t.grad = None
            out, _ = tm(tx)
            out.backward(tg)
            return (out.detach().numpy(),) + tuple(t.grad.numpy() for t in tleaves)

        for got_, want_, what in zip(theirs(), want, names):
            check_close(f"torch lstm {what}", got_, want_, rtol=2e-3, atol=2e-4)
        steps["PyTorch"] = theirs
    return steps


def report(title: str, times: dict[str, float], per: int = 1) -> None:
    base = times["NumPy by hand"]
    print(f"\n{title}")
    for name, seconds in times.items():
        extra = f"  ({seconds / per * 1e6:.1f} us per step)" if per > 1 else ""
        print(f"  {name:28s} {seconds * 1e3:8.3f} ms  {seconds / base:5.2f}x NumPy{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads")
    args = parser.parse_args()
    repeats = 15 if args.quick else 60
    torch = load_torch()
    report(f"scaled_dot_product_attention (B={B}, H={H}, T={T}, D={D}), forward + backward",
           interleaved(attention_steps(torch), repeats))
    report(f"LSTM({INPUT}, {HIDDEN}), batch {BATCH}, {STEPS} steps, forward + backward",
           interleaved(lstm_steps(torch), repeats), per=STEPS)


if __name__ == "__main__":
    main()
