"""The deep profile of the random-program check: many programs, every failure kept.

    python benchmarks/stress/deep_random_programs.py --programs 50000 --order 2
    python benchmarks/stress/deep_random_programs.py --minutes 60 --seed 7 --fast --jobs 16

Each chunk of programs is drawn by hypothesis from a fresh seed (generation only: the shrinker is
too slow on programs this expensive); a failing program is cut down to the one loss term and the
steps it needs (`minimize`), recorded under a signature (error type and ops), and the run
goes on. Prints progress, then a table of what ran (ops, sizes, time) and every distinct failure
with a program that reproduces it. Exit status 1 if anything failed. With `--jobs N`, N worker
processes run chunks (consecutive seeds) side by side and the parent merges what they found.

The programs come from the fuzzer in tests/fuzz/ (test code, not shipped in the package), which
this script imports with tests/ on sys.path. The same check runs in the test suite
(tests/test_random_programs.py); there a deep run is
`pytest tests/test_random_programs.py --gradcheck-examples N`, which stops at the first failure.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))  # the fuzzer: tests/fuzz

from fuzz.programs import Program, check_program, minimize, programs  # noqa: E402


class Tally:
    def __init__(self) -> None:
        self.programs = 0
        self.steps = 0
        self.ops: collections.Counter[str] = collections.Counter()
        self.failures: dict[tuple, dict[str, Any]] = {}
        self.generation_errors: collections.Counter[str] = collections.Counter()

    def merge(self, other: Tally) -> None:
        """Add a worker's chunk to this tally (the first program kept for each failure)."""
        self.programs += other.programs
        self.steps += other.steps
        self.ops.update(other.ops)
        for key, entry in other.failures.items():
            mine = self.failures.setdefault(key, dict(entry, count=0))
            mine["count"] += entry["count"]
        self.generation_errors.update(other.generation_errors)

    def record_failure(self, program: Program, exc: BaseException, order: int,
                       fast: bool) -> None:
        small = minimize(program, order, fast)
        key = (type(exc).__name__, tuple(sorted({s.op for s in small.steps})))
        if key not in self.failures:
            self.failures[key] = {"count": 0, "program": str(small),
                                  "message": _first_lines(small, order, fast, exc)}
            print(f"\nnew failure: {key[0]} in programs of {', '.join(key[1])}\n"
                  f"{self.failures[key]['message']}\n{small}\n", flush=True)
        self.failures[key]["count"] += 1


def _first_lines(program: Program, order: int, fast: bool, original: BaseException) -> str:
    try:
        check_program(program, order, fast)
    except BaseException as exc:  # noqa: BLE001 (we report whatever the program raised)
        return "\n".join(f"{type(exc).__name__}: {exc}".splitlines()[:4])
    return "\n".join(f"{type(original).__name__}: {original}".splitlines()[:4])


def run_chunk(tally: Tally, chunk: int, chunk_seed: int, order: int, fast: bool = False) -> None:
    @seed(chunk_seed)
    @settings(max_examples=chunk, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(programs())
    def one(program: Program) -> None:
        tally.programs += 1
        tally.steps += len(program.steps)
        tally.ops.update(s.op for s in program.steps)
        try:
            check_program(program, order, fast)
        except Exception as exc:  # noqa: BLE001
            tally.record_failure(program, exc, order, fast)

    try:
        one()
    except Exception:  # an error while drawing a program: the generator or an op refused it
        text = traceback.format_exc().strip()
        # the exception's own line (hypothesis adds a "while generating ..." note after it)
        key = next(line for line in reversed(text.splitlines())
                   if not line.startswith("while generating"))
        if key not in tally.generation_errors:
            print(f"\nnew error while drawing a program (seed {chunk_seed}):\n{text}\n", flush=True)
        tally.generation_errors[key] += 1


def report(tally: Tally, elapsed: float) -> None:
    print(f"\nprograms checked: {tally.programs}  steps: {tally.steps}  "
          f"({tally.steps / max(tally.programs, 1):.1f} per program)  time: {elapsed:.0f} s  "
          f"({1e3 * elapsed / max(tally.programs, 1):.0f} ms per program)")
    print("\nsteps per op:")
    for name, count in sorted(tally.ops.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<18} {count:>8}")
    print(f"\ndistinct failures: {len(tally.failures)}")
    for (kind, op_names), entry in tally.failures.items():
        print(f"\n--- {kind} in programs of {', '.join(op_names)} ({entry['count']} times)")
        print(entry["message"])
        print(entry["program"])
    if tally.generation_errors:
        print("\nerrors while drawing programs:")
        for line, count in tally.generation_errors.items():
            print(f"  {count} x {line}")


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _chunk_tally(chunk: int, chunk_seed: int, order: int, fast: bool) -> Tally:
    """One chunk in a worker process, returned as its own tally."""
    tally = Tally()
    run_chunk(tally, chunk, chunk_seed, order, fast)
    return tally


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C and kill are the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _progress(tally: Tally, start: float) -> None:
    print(f"[{time.perf_counter() - start:7.0f} s] {tally.programs} programs, "
          f"{sum(e['count'] for e in tally.failures.values())} failing "
          f"({len(tally.failures)} distinct), {sum(tally.generation_errors.values())} "
          "generation errors", flush=True)


def _run_parallel(args: argparse.Namespace, tally: Tally, start: float) -> None:
    """Keep `args.jobs` chunks in flight until the budget is spent, merging them in order."""
    def budget_left() -> bool:
        late = args.minutes is not None and time.perf_counter() - start > 60 * args.minutes
        return not late and submitted < args.programs

    submitted = k = 0
    with multiprocessing.Pool(args.jobs, initializer=_worker_init) as pool:
        in_flight: collections.deque = collections.deque()
        while in_flight or budget_left():
            while len(in_flight) < args.jobs and budget_left():
                size = min(args.chunk, args.programs - submitted)
                in_flight.append(pool.apply_async(
                    _chunk_tally, (size, args.seed + k, args.order, args.fast)))
                submitted += size
                k += 1
            tally.merge(in_flight.popleft().get())
            _progress(tally, start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000, help="stop after this many")
    parser.add_argument("--minutes", type=float, default=None, help="or after this long")
    parser.add_argument("--order", type=int, default=2, choices=(1, 2))
    parser.add_argument("--seed", type=int, default=0, help="first chunk's seed")
    parser.add_argument("--fast", action="store_true",
                        help="check random projections u^T J v instead of whole Jacobians")
    parser.add_argument("--chunk", type=int, default=200, help="programs per hypothesis run")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (one per core)")
    args = parser.parse_args(argv)
    tally = Tally()
    start = time.perf_counter()
    # `kill` (SIGTERM) or Ctrl-C ends the run early and still prints the report
    signal.signal(signal.SIGTERM, _stop)
    k = 0
    try:
        if args.jobs > 1:
            _run_parallel(args, tally, start)
        while args.jobs == 1 and tally.programs < args.programs:
            if args.minutes is not None and time.perf_counter() - start > 60 * args.minutes:
                break
            run_chunk(tally, min(args.chunk, args.programs - tally.programs), args.seed + k,
                      args.order, args.fast)
            k += 1
            _progress(tally, start)
    except KeyboardInterrupt:
        print("\nstopped early" + (" (chunks still running in the workers are not counted)"
                                   if args.jobs > 1 else f" during chunk {k} (seed {args.seed + k})"),
              flush=True)
    report(tally, time.perf_counter() - start)
    return 1 if tally.failures or tally.generation_errors else 0


if __name__ == "__main__":
    sys.exit(main())
