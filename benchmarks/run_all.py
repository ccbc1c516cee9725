"""Run every timing workload (workloads.py) and print one Markdown table of medians and ratios.

    python benchmarks/run_all.py                 # everything (`make bench`), a few minutes
    python benchmarks/run_all.py --only chain_100,small_mlp --quick

Each workload runs in a fresh process whose OpenMP/OpenBLAS/MKL pools (and PyTorch's intra-op
pool) are pinned to `--threads` (default 1), times NumPy by hand, autograd_mini and PyTorch (when
it is installed) in interleaved rounds after a warm-up, and reports medians. Peak memory of the
large MLP step is the whole process's peak RSS, one process per framework; import time is the
median over fresh interpreters, with bytecode caching on as in a normal installation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("numpy", "autograd_mini", "pytorch")
IMPORT_TARGET_S = 0.15
MEMORY_TARGET = 1.3


# ---- worker processes (environment already pinned by the parent) -----------------------------
def worker_time(key: str, quick: bool) -> dict[str, Any]:
    from _harness import interleaved, load_torch
    from workloads import BY_KEY

    workload = BY_KEY[key]
    steps = workload.build(load_torch())
    repeats = max(3, workload.repeats // 4) if quick else workload.repeats
    result: dict[str, Any] = {"seconds": interleaved(steps, repeats, workload.inner)}
    accuracy = getattr(workload.build, "accuracy", None)
    if accuracy:
        result["accuracy"] = accuracy
    return result


def worker_memory(framework: str) -> dict[str, Any]:
    from _harness import load_torch, peak_rss_mb
    from workloads import build_memory_step

    torch = load_torch() if framework == "pytorch" else None
    step = build_memory_step(framework, torch)
    for _ in range(3):
        step()
    return {"peak_mb": peak_rss_mb()}


# ---- the parent ---------------------------------------------------------------------------------
def run_worker(args: list[str], threads: int, cpu_clock: bool = False) -> dict[str, Any]:
    from _harness import pinned_env

    proc = subprocess.run([sys.executable, str(Path(__file__)), *args],
                          env=pinned_env(threads, cpu_clock),
                          capture_output=True, text=True, cwd=HERE)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_available() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True)
    return probe.returncode == 0


def import_seconds(module: str, threads: int, runs: int, cpu_clock: bool) -> float:
    """Median time of `import module` in fresh interpreters (after one run that caches
    bytecode, as any installed package has)."""
    from _harness import pinned_env

    env = pinned_env(threads)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    now = "time.process_time()" if cpu_clock else "time.perf_counter()"
    code = f"import time; t = {now}; import {module}; print({now} - t)"
    times = []
    for i in range(runs + 1):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, cwd=HERE.parent)
        if i:
            times.append(float(out.stdout))
    return statistics.median(times)


def machine_line(threads: int) -> str:
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    parts = [f"{cpu}, {os.cpu_count()} cores", f"Python {platform.python_version()}",
             f"NumPy {np.__version__}"]
    try:
        import torch

        parts.append(f"PyTorch {torch.__version__}")
    except ImportError:
        parts.append("PyTorch not installed")
    parts.append(f"{threads} thread(s) each")
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        parts.append(f"OPENBLAS_CORETYPE={coretype} (slows NumPy's BLAS here)")
    return "; ".join(parts)


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    ms = seconds * 1e3
    return f"{ms:.3g} ms" if ms >= 0.1 else f"{ms * 1e3:.3g} us"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}x"


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| workload | NumPy by hand | autograd_mini | PyTorch | am / NumPy | am / PyTorch "
            "| target | met |")
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| " + " | ".join(r["cells"]) + " |")
    return "\n".join(lines)


def time_row(workload: Any, seconds: dict[str, float]) -> dict[str, Any]:
    np_s, am_s, pt_s = (seconds.get(f) for f in FRAMEWORKS)
    base = pt_s if workload.target == "pytorch" else np_s
    target = f"<= {workload.max_ratio}x {'PyTorch' if workload.target == 'pytorch' else 'NumPy'}"
    met = "-" if base is None else ("yes" if am_s / base <= workload.max_ratio else "NO")
    cells = [workload.label, fmt_time(np_s), fmt_time(am_s), fmt_time(pt_s),
             fmt_ratio(am_s, np_s), fmt_ratio(am_s, pt_s), target, met]
    return {"cells": cells}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated workload keys (also: memory, import)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time steps by process CPU time instead of wall time (a busy "
                             "shared machine; only meaningful with --threads 1)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    if args.worker:
        print(json.dumps(worker_time(args.worker, args.quick)))
        return
    if args.memory:
        print(json.dumps(worker_memory(args.memory)))
        return

    from workloads import WORKLOADS

    keys = [w.key for w in WORKLOADS] + ["memory", "import"]
    if args.only:
        wanted = args.only.split(",")
        unknown = sorted(set(wanted) - set(keys))
        if unknown:
            parser.error(f"unknown workload(s) {unknown}; choose from {keys}")
        keys = [k for k in keys if k in wanted]
    has_torch = torch_available()
    clock = "process CPU time" if args.cpu_time else "wall time"
    print(f"Machine: {machine_line(args.threads)}; medians of {clock}\n", flush=True)
    rows = []
    notes = []
    for w in WORKLOADS:
        if w.key not in keys:
            continue
        print(f"running {w.key} ...", file=sys.stderr, flush=True)
        result = run_worker(["--worker", w.key] + (["--quick"] if args.quick else []),
                            args.threads, args.cpu_time)
        rows.append(time_row(w, result["seconds"]))
        if "accuracy" in result:
            accs = ", ".join(f"{k} {v:.1%}" for k, v in result["accuracy"].items())
            notes.append(f"digits test accuracy: {accs}")
    if "memory" in keys:
        print("running memory ...", file=sys.stderr, flush=True)
        peak = {f: run_worker(["--memory", f], args.threads)["peak_mb"]
                for f in FRAMEWORKS if f != "pytorch" or has_torch}
        np_mb, am_mb, pt_mb = (peak.get(f) for f in FRAMEWORKS)
        met = "yes" if am_mb / np_mb <= MEMORY_TARGET else "NO"
        rows.append({"cells": [
            "peak memory of the large step (whole process)", f"{np_mb:.0f} MB", f"{am_mb:.0f} MB",
            "-" if pt_mb is None else f"{pt_mb:.0f} MB", fmt_ratio(am_mb, np_mb),
            fmt_ratio(am_mb, pt_mb), f"<= {MEMORY_TARGET}x NumPy", met]})
    if "import" in keys:
        print("running import ...", file=sys.stderr, flush=True)
        runs = 3 if args.quick else 9
        secs = {"numpy": import_seconds("numpy", args.threads, runs, args.cpu_time),
                "autograd_mini": import_seconds("autograd_mini", args.threads, runs,
                                                args.cpu_time)}
        if has_torch:
            secs["pytorch"] = import_seconds("torch", args.threads, runs, args.cpu_time)
        am_s = secs["autograd_mini"]
        rows.append({"cells": [
            "`import` in a fresh process (NumPy column: numpy alone)", fmt_time(secs["numpy"]),
            fmt_time(am_s), fmt_time(secs.get("pytorch")), fmt_ratio(am_s, secs["numpy"]),
            fmt_ratio(am_s, secs.get("pytorch")), f"< {IMPORT_TARGET_S} s",
            "yes" if am_s < IMPORT_TARGET_S else "NO"]})
    print(table(rows))
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
