"""The two examples written only in PyTorch spellings run, converge, and give PyTorch's losses.

`examples/pytorch_polynomial.py` and `examples/pytorch_spirals.py` take `--backend torch`: the
same lines run with PyTorch. Their quick runs' losses under torch 2.13 are written in below;
where torch is importable the examples also run with it and the two are compared live.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import pytorch_polynomial  # noqa: E402
import pytorch_spirals  # noqa: E402

# torch 2.13, `--quick`: the polynomial's losses at steps 1, 100 and 200 of each part, and the
# spirals' mean training loss of each of 5 epochs
TORCH_BY_HAND = [1438.113037109375, 325.25390625, 218.44119262695312]
TORCH_WITH_NN = [1438.113037109375, 303.3779296875, 192.9766845703125]
TORCH_SPIRALS = [0.866327695051829, 0.62695987423261, 0.4659275432427724, 0.29033517142136894,
                 0.16064176112413406]


def quietly(main: object, *argv: str) -> object:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(list(argv))  # type: ignore[operator]


def picked(losses: list[float]) -> list[float]:
    return [losses[0], losses[99], losses[-1]]


def test_polynomial_converges_with_torchs_losses() -> None:
    by_hand, with_nn = quietly(pytorch_polynomial.main, "--quick")
    assert by_hand[-1] < by_hand[0] / 6 and with_nn[-1] < with_nn[0] / 7
    # float32 sums over 2,000 points, accumulated in a different order: 1e-5 apart at most
    np.testing.assert_allclose(picked(by_hand), TORCH_BY_HAND, rtol=1e-5)
    np.testing.assert_allclose(picked(with_nn), TORCH_WITH_NN, rtol=1e-5)


def test_spirals_converge_with_torchs_losses() -> None:
    losses = quietly(pytorch_spirals.main, "--quick")
    assert losses[-1] < losses[0] / 5
    np.testing.assert_allclose(losses, TORCH_SPIRALS, rtol=1e-4)


def test_the_same_files_run_with_torch() -> None:
    pytest.importorskip("torch")
    by_hand, with_nn = quietly(pytorch_polynomial.main, "--quick", "--backend", "torch")
    np.testing.assert_allclose(picked(by_hand), TORCH_BY_HAND, rtol=1e-6)
    np.testing.assert_allclose(picked(with_nn), TORCH_WITH_NN, rtol=1e-6)
    spirals = quietly(pytorch_spirals.main, "--quick", "--backend", "torch")
    np.testing.assert_allclose(spirals, TORCH_SPIRALS, rtol=1e-6)
