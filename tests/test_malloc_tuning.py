"""autograd_mini/_malloc.py: on Linux with glibc, importing autograd_mini raises malloc's mmap and
trim thresholds (so a training step's activations reuse the heap instead of being mapped and
page-faulted again every step), unless the user tunes malloc or opts out. Speed is measured in
benchmarks/, not here; this checks when the setting is applied and that it is harmless."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GLIBC = sys.platform == "linux" and bool(os.confstr("CS_GNU_LIBC_VERSION"))


def _tuned(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")
           and k != "AUTOGRAD_MINI_MALLOC"}
    env.update(extra_env)
    code = "import autograd_mini as am; print(am._malloc.tuned)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="glibc's mallopt only")
def test_import_sets_the_thresholds_unless_the_user_tunes_malloc_or_opts_out() -> None:
    assert _tuned({}) == "True"
    assert _tuned({"AUTOGRAD_MINI_MALLOC": "default"}) == "False"
    assert _tuned({"MALLOC_ARENA_MAX": "2"}) == "False"  # the user's settings win


def test_large_arrays_still_work_and_memory_above_the_threshold_is_mapped() -> None:
    # arrays above the 32 MiB threshold and many below it, allocated and freed repeatedly
    import numpy as np

    import autograd_mini as am

    x = am.randn(3000, 3000, requires_grad=True)  # 36 MB: above the mmap threshold
    for _ in range(3):
        y = (x * 2.0).tanh().sum()
        y.backward()
    assert x.grad.shape == (3000, 3000) and np.isfinite(x.grad.numpy()).all()
