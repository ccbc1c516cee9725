"""Byte-level fuzzing of `am.load`: every truncation and many corrupted bytes of a real archive.

    python benchmarks/stress/fuzz_load.py          # every prefix, every byte x 3 values
    python benchmarks/stress/fuzz_load.py --values 1

The archive is a model's state dict and its Adam state, saved with `am.save`. Each broken copy
must either load to exactly the saved values (a change the format does not cover, such as a zip
timestamp) or raise `am.serialization.SerializationError` naming the problem. Any other
exception (a struct, zlib, Unicode or NumPy error from deep inside a reader) or a load that
returns different values is a failure, printed with the offset. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import collections
import io
import sys

import numpy as np

import autograd_mini as am


def _archive() -> tuple[bytes, dict]:
    am.manual_seed(0)
    model = am.nn.Sequential(am.nn.Linear(3, 4), am.nn.Tanh(), am.nn.Linear(4, 2))
    opt = am.optim.Adam(model.parameters())
    model(am.randn(5, 3)).sum().backward()
    opt.step()
    state = {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}
    buffer = io.BytesIO()
    am.save(state, buffer)
    return buffer.getvalue(), state


def _same(a: object, b: object) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, am.Tensor):
        return isinstance(b, am.Tensor) and a.dtype == b.dtype and np.array_equal(a.data, b.data)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _outcome(data: bytes, want: dict) -> str:
    try:
        got = am.load(io.BytesIO(data))
    except am.serialization.SerializationError:
        return "refused"
    except Exception as exc:  # noqa: BLE001 (anything else is what we are looking for)
        return f"FAILED: {type(exc).__name__}: {str(exc)[:120]}"
    return "loaded, equal" if _same(want, got) else "FAILED: loaded different values"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=3, help="corrupt values tried per byte")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data, state = _archive()
    rng = np.random.default_rng(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    failures = 0
    cases = [(f"truncated to {n} bytes", data[:n]) for n in range(len(data))]
    for offset in range(len(data)):
        for value in rng.choice(np.delete(np.arange(256), data[offset]), args.values,
                                replace=False):
            broken = bytearray(data)
            broken[offset] = int(value)
            cases.append((f"byte {offset} set to {int(value)}", bytes(broken)))
    for label, broken in cases:
        outcome = _outcome(broken, state)
        counts[outcome.split(":")[0]] += 1
        if outcome.startswith("FAILED"):
            failures += 1
            if failures <= 20:
                print(f"{label}: {outcome}")
    print(f"archive of {len(data)} bytes; {len(cases)} broken copies: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
