"""GPT and makemore-MLP training steps: autograd_mini against PyTorch CPU eager, one thread each.

    python benchmarks/bench_gpt.py                 # a few minutes
    python benchmarks/bench_gpt.py --quick         # fewer repetitions
    python benchmarks/bench_gpt.py --profile       # also: cProfile of autograd_mini's small step
    python benchmarks/bench_gpt.py --wall          # wall time instead of CPU time

Workloads (float32, the models of examples/makemore/, dropout 0):
- GPT small: vocab 27, block 16, 4 layers, 4 heads, n_embd 64, batch 32.
- GPT large: vocab 27, block 64, 6 layers, 6 heads, n_embd 192, batch 64.
  One step: forward, cross-entropy, backward, AdamW (weight decay on the matrices only).
- makemore MLP: context 3, Embedding(27, 10), Linear(30, 200), tanh, Linear(200, 27), batch 32;
  forward, cross-entropy, backward, SGD (the example's step).

Before timing, both frameworks start from the same weights and batch, and their losses and
gradients are checked to agree (rtol 1e-4), so nothing wrong is timed. Steps are timed in
interleaved rounds after a warm-up; the table shows medians of this process's CPU time per step
(a single-threaded step's CPU time does not count waiting for a core on a shared machine) and
the ratio autograd_mini / PyTorch. Targets (issue 19): <= 0.8x small GPT, <= 1.0x large GPT,
<= 0.8x MLP.

Memory: autograd_mini's peak is measured with tracemalloc (it sees every NumPy buffer) during
one step. tracemalloc does not see PyTorch's allocator, so for both frameworks the step's memory
is also measured as the rise of resident memory during one step: in a fresh process per
framework and workload (only that framework's step runs there), the peak (VmHWM, reset through
/proc/self/clear_refs just before the step; Linux only) minus the resident memory just before.
Reported for the first step (which also creates AdamW's state) and for a later one.
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
import importlib.util  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import check_close, interleaved, load_torch  # noqa: E402

import autograd_mini as am  # noqa: E402
import autograd_mini.nn.functional as F  # noqa: E402

HERE = Path(__file__).resolve().parent
MAKEMORE = HERE.parent / "examples" / "makemore"
GPT_SIZES = {
    "gpt_small": dict(block_size=16, n_layer=4, n_head=4, n_embd=64, batch=32),
    "gpt_large": dict(block_size=64, n_layer=6, n_head=6, n_embd=192, batch=64),
}
MLP_SIZE = dict(block_size=3, n_embd=10, n_hidden=200, batch=32, lr=0.1)
LR, WEIGHT_DECAY = 1e-3, 0.1
TARGETS = {"gpt_small": 0.8, "gpt_large": 1.0, "mlp": 0.8}


def makemore(name: str) -> Any:
    """examples/makemore/<name>.py as module makemore_<name> (benchmarks/ has its own mlp.py)."""
    if str(MAKEMORE) not in sys.path:
        sys.path.append(str(MAKEMORE))
    key = f"makemore_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, MAKEMORE / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


# ---- GPT ------------------------------------------------------------------------------------------
def gpt_steps(key: str, torch: Any, check: bool = True) -> tuple[dict[str, Callable[[], Any]], Any]:
    """The two frameworks' training steps on one fixed batch (same weights, checked equal)."""
    gpt = makemore("gpt")
    size = GPT_SIZES[key]
    config = gpt.GPTConfig(block_size=size["block_size"], n_layer=size["n_layer"],
                           n_head=size["n_head"], n_embd=size["n_embd"], dropout=0.0)
    am.manual_seed(0)
    model = gpt.GPT(config)
    rng = np.random.default_rng(0)
    x = rng.integers(0, config.vocab_size, (size["batch"], config.block_size))
    y = rng.integers(0, config.vocab_size, (size["batch"], config.block_size))
    xa, ya = am.tensor(x), am.tensor(y).view(-1)
    optimizer = am.optim.AdamW(model.param_groups(WEIGHT_DECAY), lr=LR, betas=(0.9, 0.99))

    def ours() -> float:
        logits = model(xa)
        loss = F.cross_entropy(logits.view(-1, config.vocab_size), ya)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    steps: dict[str, Callable[[], Any]] = {"autograd_mini": ours}
    if torch is None:
        return steps, model
    twin = makemore("torch_twin")
    theirs_model = twin.from_autograd_mini(model)
    if check:
        _check_gpt(model, theirs_model, x, y, torch)
    xt, yt = torch.tensor(x), torch.tensor(y).view(-1)
    t_opt = torch.optim.AdamW(theirs_model.param_groups(WEIGHT_DECAY), lr=LR, betas=(0.9, 0.99))

    def theirs() -> float:
        logits = theirs_model(xt)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, config.vocab_size), yt)
        t_opt.zero_grad(set_to_none=True)
        loss.backward()
        t_opt.step()
        return loss.item()

    steps["PyTorch"] = theirs
    return steps, model


def _check_gpt(model: Any, theirs: Any, x: np.ndarray, y: np.ndarray, torch: Any) -> None:
    """Loss and every gradient agree before anything is timed."""
    loss = F.cross_entropy(model(am.tensor(x)).view(-1, 27), am.tensor(y).view(-1))
    loss.backward()
    t_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)).view(-1, 27),
                                               torch.tensor(y).view(-1))
    t_loss.backward()
    check_close("GPT loss", loss.item(), t_loss.item(), 1e-5, 1e-6)
    t_params = dict(theirs.named_parameters())
    for name, p in model.named_parameters():
        want = t_params[name].grad.numpy()
        check_close(f"GPT gradient {name}", p.grad.numpy(), want, 1e-4,
                    1e-4 * float(np.abs(want).max()) + 1e-7)
    model.zero_grad()
    theirs.zero_grad()


# ---- makemore MLP -----------------------------------------------------------------------------------
def mlp_steps(torch: Any, check: bool = True) -> tuple[dict[str, Callable[[], Any]], Any]:
    """The makemore MLP's SGD step in both frameworks (same weights, checked equal)."""
    mlp = makemore("mlp")
    am.manual_seed(0)
    model = mlp.MLP(MLP_SIZE["n_embd"], MLP_SIZE["n_hidden"], MLP_SIZE["block_size"])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 27, (MLP_SIZE["batch"], MLP_SIZE["block_size"]))
    y = rng.integers(0, 27, MLP_SIZE["batch"])
    xa, ya = am.tensor(x), am.tensor(y)
    optimizer = am.optim.SGD(model.parameters(), lr=MLP_SIZE["lr"])

    def ours() -> float:
        loss = F.cross_entropy(model(xa), ya)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    steps: dict[str, Callable[[], Any]] = {"autograd_mini": ours}
    if torch is None:
        return steps, model
    nn = torch.nn

    class TorchMLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(27, MLP_SIZE["n_embd"])
            self.hidden = nn.Linear(MLP_SIZE["n_embd"] * MLP_SIZE["block_size"],
                                    MLP_SIZE["n_hidden"])
            self.output = nn.Linear(MLP_SIZE["n_hidden"], 27)

        def forward(self, context: Any) -> Any:
            x = self.embedding(context).flatten(1)
            return self.output(torch.tanh(self.hidden(x)))

    twin = TorchMLP()
    twin.load_state_dict({k: torch.tensor(np.array(v.numpy()))
                          for k, v in model.state_dict().items()})
    xt, yt = torch.tensor(x), torch.tensor(y)
    if check:
        _check_mlp(model, twin, xa, ya, xt, yt, torch)
    t_opt = torch.optim.SGD(twin.parameters(), lr=MLP_SIZE["lr"])

    def theirs() -> float:
        loss = torch.nn.functional.cross_entropy(twin(xt), yt)
        t_opt.zero_grad(set_to_none=True)
        loss.backward()
        t_opt.step()
        return loss.item()

    steps["PyTorch"] = theirs
    return steps, model


def _check_mlp(model: Any, twin: Any, xa: Any, ya: Any, xt: Any, yt: Any, torch: Any) -> None:
    """Loss and every gradient agree before anything is timed."""
    loss = F.cross_entropy(model(xa), ya)
    loss.backward()
    t_loss = torch.nn.functional.cross_entropy(twin(xt), yt)
    t_loss.backward()
    check_close("MLP loss", loss.item(), t_loss.item(), 1e-5, 1e-6)
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        check_close(f"MLP gradient {name}", p.grad.numpy(), q.grad.numpy(), 1e-4,
                    1e-4 * float(np.abs(q.grad.numpy()).max()) + 1e-7)
    model.zero_grad()
    twin.zero_grad()


def build(key: str, torch: Any, check: bool = True) -> dict[str, Callable[[], Any]]:
    """The steps of one workload, by key; `check` compares the frameworks first."""
    return (mlp_steps(torch, check) if key == "mlp" else gpt_steps(key, torch, check))[0]


# ---- memory -------------------------------------------------------------------------------------------
def tracemalloc_peak_mb(step: Callable[[], Any]) -> float:
    """Peak of NumPy/Python allocations during one step (after warm-up), in MB."""
    import gc
    import tracemalloc

    step()
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"/proc/self/status has no {field}")


def _reset_peak() -> None:
    """Reset this process's peak resident memory (VmHWM) to the current one (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _step_peak_mb(step: Callable[[], Any]) -> float:
    """How far resident memory rises above its level before one call of `step`."""
    import gc

    gc.collect()
    base = _status_mb("VmRSS")
    _reset_peak()
    step()
    return _status_mb("VmHWM") - base


def worker_rss(key: str, framework: str) -> dict[str, float]:
    """Run in a fresh process: how far one framework's step raises resident memory, for the
    first step (which also creates AdamW's state) and for a later one. Only that framework's
    step ever runs in this process (no agreement check)."""
    torch = load_torch() if framework == "PyTorch" else None
    if framework == "PyTorch" and torch is None:
        return {}
    step = build(key, torch, check=False)[framework]
    first = _step_peak_mb(step)
    for _ in range(3):
        step()
    return {"first_step_mb": first, "step_mb": _step_peak_mb(step)}


def rss_in_subprocess(key: str, framework: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--rss-worker", key, framework],
                          capture_output=True, text=True, cwd=HERE,
                          env={**os.environ, "MALLOC_MMAP_THRESHOLD_": str(128 * 1024)})
    if proc.returncode != 0:
        raise RuntimeError(f"memory worker {key} {framework} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---- profile --------------------------------------------------------------------------------
def profile_small(steps: int = 30) -> None:
    """cProfile of autograd_mini's small GPT step: the top 15 functions by own time."""
    import cProfile
    import pstats

    step = gpt_steps("gpt_small", None)[0]["autograd_mini"]
    for _ in range(3):
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    print(f"\ncProfile of {steps} small GPT steps (autograd_mini), top 15 by tottime:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


# ---- report ---------------------------------------------------------------------------------
TITLES = {
    "gpt_small": "GPT small (block 16, 4 layers, 4 heads, n_embd 64, batch 32) fwd+bwd+AdamW",
    "gpt_large": "GPT large (block 64, 6 layers, 6 heads, n_embd 192, batch 64) fwd+bwd+AdamW",
    "mlp": "makemore MLP (ctx 3, emb 10, hidden 200, batch 32) fwd+bwd+SGD",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    parser.add_argument("--only", default="gpt_small,gpt_large,mlp", help="workloads, by key")
    parser.add_argument("--wall", action="store_true", help="wall time instead of CPU time")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    parser.add_argument("--profile", action="store_true", help="cProfile the small GPT step")
    parser.add_argument("--rss-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_worker:
        print(json.dumps(worker_rss(*args.rss_worker)))
        return
    if not args.wall:
        os.environ["AM_BENCH_CLOCK"] = "cpu"
    torch = load_torch()
    repeats = {"gpt_small": 30, "gpt_large": 8, "mlp": 200}
    rows = []
    for key in args.only.split(","):
        steps = build(key, torch)
        n = max(5, repeats[key] // 3) if args.quick else repeats[key]
        times = interleaved(steps, n, inner=10 if key == "mlp" else 1)
        print(f"\n{TITLES[key]}  ({'wall' if args.wall else 'CPU'} time, median of {n})")
        for name, seconds in times.items():
            print(f"  {name:14s} {seconds * 1e3:9.3f} ms")
        ratio = times["autograd_mini"] / times["PyTorch"] if "PyTorch" in times else float("nan")
        target = TARGETS[key]
        verdict = "meets" if ratio <= target else "misses"
        print(f"  ratio autograd_mini / PyTorch: {ratio:.2f}x ({verdict} the target <= {target}x)")
        if not args.no_memory:
            peak = tracemalloc_peak_mb(steps["autograd_mini"])
            print(f"  autograd_mini tracemalloc peak of one step: {peak:.1f} MB")
            for framework in steps:
                rss = rss_in_subprocess(key, framework)
                print(f"  {framework:14s} resident memory rise: first step "
                      f"{rss['first_step_mb']:.1f} MB, a later step {rss['step_mb']:.1f} MB")
        rows.append((key, times, ratio))
    print("\n| workload | autograd_mini (ms) | PyTorch (ms) | ratio | target |")
    print("|---|---|---|---|---|")
    for key, times, ratio in rows:
        print(f"| {key} | {times['autograd_mini'] * 1e3:.2f} | "
              f"{times.get('PyTorch', float('nan')) * 1e3:.2f} | {ratio:.2f}x | "
              f"<= {TARGETS[key]}x |")
    if args.profile:
        profile_small()


if __name__ == "__main__":
    main()
