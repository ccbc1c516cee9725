"""The same seed gives bit-identical parameters after training, in two fresh processes.

The training touches every source of randomness the library has (nn.init through Linear, dropout,
am.randn for the data) and a hash-seed-dependent order would show: the processes run with
different PYTHONHASHSEEDs.
"""

from __future__ import annotations

import os
import subprocess
import sys

_TRAIN = r"""
import hashlib, sys
import numpy as np
import autograd_mini as am
from autograd_mini import nn

am.manual_seed(int(sys.argv[1]))
model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 16), nn.GELU(),
                      nn.LayerNorm(16), nn.Linear(16, 3))
opt = am.optim.Adam(model.parameters(), lr=1e-2)
x = am.randn(64, 6)
y = am.tensor(np.arange(64) % 3)
for step in range(40):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
digest = hashlib.sha256()
for name, p in model.named_parameters():
    digest.update(name.encode())
    digest.update(np.ascontiguousarray(p.data).tobytes())
print(digest.hexdigest(), repr(loss.item()))
"""


def _train_in_fresh_process(seed: int, hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, "-c", _TRAIN, str(seed)], capture_output=True,
                          text=True, env=env, check=True, timeout=300)
    return done.stdout.strip()


def test_same_seed_gives_bit_identical_parameters_in_fresh_processes() -> None:
    first = _train_in_fresh_process(7, hash_seed="1")
    second = _train_in_fresh_process(7, hash_seed="2")
    assert first == second
    other = _train_in_fresh_process(8, hash_seed="1")
    assert other.split()[0] != first.split()[0]  # the seed matters: the test can fail
