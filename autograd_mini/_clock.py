"""One clock orders recorded ops and in-place writes.

A node takes its creation number from `ticks` when it is recorded (so a node's inputs' nodes always
have smaller numbers: the engine runs nodes by decreasing number), and every in-place write
records the clock's time in `last_write`. A node numbered after the latest write saved arrays that
no write has touched since, so its backward can skip the version checks (Node.saved_tensors).
"""

from __future__ import annotations

import itertools

ticks = itertools.count()
last_write = -1


def note_write() -> None:
    """Record that some tensor's array was changed in place (Tensor._bump_version calls this)."""
    global last_write
    last_write = next(ticks)
