"""Keep glibc's malloc from handing every large array's memory back to the system.

A training step allocates its activations (arrays of 0.1-30 MB) in the forward pass and frees
them after the backward pass, every step. With glibc's defaults, arrays above a threshold get
their own mmap and freed heap memory above another is returned to the system, so each step
maps, zero-fills and page-faults the same memory again: on a small GPT that cost about a third
of the step (35 ms -> 22 ms per step with the settings below, in a process that runs only
autograd_mini). glibc raises both thresholds by itself after it frees a large mapped block
(its "dynamic threshold"), but only as far as the largest block seen so far; this sets them
once, at import, to what that heuristic reaches on a model whose arrays are up to 32 MB:

- M_MMAP_THRESHOLD = 32 MiB (glibc's own ceiling for the dynamic threshold): smaller arrays come
  from the heap and are reused;
- M_TRIM_THRESHOLD = 128 MiB: up to that much free heap is kept for the next step instead of
  being returned to the system.

Only on Linux with glibc, and only when the user has set none of glibc's MALLOC_* variables
(their settings win). `AUTOGRAD_MINI_MALLOC=default` turns it off. Nothing else changes: memory
is still returned to the system beyond 128 MiB of free heap, and allocations above 32 MiB are
still mapped on their own.
"""

from __future__ import annotations

import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 128 * 1024 * 1024

# Whether the thresholds were set (for the tests and for anyone who asks why RSS stays up).
tuned = False


def _wanted() -> bool:
    if sys.platform != "linux" or os.environ.get("AUTOGRAD_MINI_MALLOC") == "default":
        return False
    if any(name.startswith("MALLOC_") for name in os.environ):
        return False  # the user tunes glibc's malloc: leave it alone
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None  # glibc, not musl
    except (ValueError, OSError):
        return False


def tune() -> bool:
    """Set the two thresholds (see the module's doc) once; returns whether they are set."""
    global tuned
    if tuned or not _wanted():
        return tuned
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        tuned = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
            bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        tuned = False
    return tuned


tune()  # at import (autograd_mini/__init__.py imports this module first)
