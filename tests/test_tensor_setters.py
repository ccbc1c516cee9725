"""`requires_grad` and `.grad` are checked on assignment, as in PyTorch.

Each case runs a statement on fresh tensors (`x`: a float leaf that requires grad, `y = x * 2`, `n`:
an int64 leaf) and expects PyTorch's outcome, written into the table: no error, or the error class
and a fragment of what the message names. Where torch is installed, the same statements run on
torch's tensors and must give the same outcome class.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

# statement -> (PyTorch 2.13's outcome: None or the exception class, a regex the message matches)
CASES: dict[str, tuple[type[Exception] | None, str]] = {
    "y.requires_grad = False": (RuntimeError, r"leaf variables.*detach\(\)"),
    "y.requires_grad = True": (RuntimeError, r"leaf variables"),
    "y.requires_grad_(False)": (RuntimeError, r"leaf variables.*detach\(\)"),
    "y.requires_grad_(True)": (None, ""),
    "x.requires_grad = False": (None, ""),
    "x.requires_grad_(False)": (None, ""),
    "n.requires_grad = True": (TypeError, r"floating"),  # PyTorch: RuntimeError (see below)
    "n.requires_grad_()": (TypeError, r"floating"),
    "x.grad = ones(3)": (RuntimeError, r"shape \(3,\).*shape \(2,\)"),
    "x.grad = ones(2, 'float64')": (RuntimeError, r"dtype float64.*dtype float32"),
    "x.grad = ones(2, 'int64')": (RuntimeError, r"dtype int64.*dtype float32"),
    "x.grad = 3": (TypeError, r"Tensor or None.*int"),
    "x.grad = [1.0, 1.0]": (TypeError, r"Tensor or None.*list"),
    "x.grad = ones(2)": (None, ""),
    "x.grad = None": (None, ""),
    "n.grad = n * 1": (None, ""),
}
# Where autograd_mini raises another class than PyTorch (a dtype refused for requires_grad is a
# TypeError here, as everywhere in autograd_mini; PyTorch raises RuntimeError).
TORCH_CLASS = {"n.requires_grad = True": RuntimeError, "n.requires_grad_()": RuntimeError}


def _namespace(lib: Any, ones: Any) -> dict[str, Any]:
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return {"x": x, "y": x * 2, "n": lib.tensor(np.array([1, 2])), "ones": ones}


def _am_ones(n: int, dtype: str = "float32") -> am.Tensor:
    return am.tensor(np.ones(n, dtype=dtype))


def _run(statement: str, namespace: dict[str, Any]) -> Exception | None:
    try:
        exec(statement, {}, namespace)
    except Exception as exc:  # noqa: BLE001 (the outcome is compared with the table)
        return exc
    return None


@pytest.mark.parametrize("statement", list(CASES))
def test_assignment_outcome_matches_pytorch(statement: str) -> None:
    kind, pattern = CASES[statement]
    namespace = _namespace(am, _am_ones)
    before = (namespace["x"].requires_grad, namespace["x"].grad, namespace["y"].grad_fn)
    error = _run(statement, namespace)
    if kind is None:
        assert error is None, f"{statement}: {error!r}"
        return
    assert isinstance(error, kind), f"{statement}: expected {kind.__name__}, got {error!r}"
    assert re.search(pattern, str(error)), str(error)
    # refused before anything changed
    after = (namespace["x"].requires_grad, namespace["x"].grad, namespace["y"].grad_fn)
    assert after == before


def test_the_values_assigned_are_kept() -> None:
    x = am.tensor([1.0, 2.0], requires_grad=True)
    g = am.ones(2)
    x.grad = g
    assert x.grad is g
    x.requires_grad = False
    assert not x.requires_grad and x.is_leaf
    y = am.tensor([1.0], requires_grad=True) * 2
    assert y.requires_grad_(True) is y and y.requires_grad


def test_a_leaf_whose_flag_was_turned_off_is_not_reached_by_backward() -> None:
    a = am.tensor([1.0, 2.0], requires_grad=True)
    b = am.tensor([3.0, 4.0], requires_grad=True)
    b.requires_grad = False
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0])
    assert b.grad is None


@pytest.mark.parametrize("statement", list(CASES))
def test_the_same_statements_in_pytorch(statement: str) -> None:
    torch = pytest.importorskip("torch")

    def ones(n: int, dtype: str = "float32") -> Any:
        return torch.ones(n, dtype=getattr(torch, dtype))

    error = _run(statement, _namespace(torch, ones))
    kind = TORCH_CLASS.get(statement, CASES[statement][0])
    if kind is None:
        assert error is None, f"{statement}: torch raised {error!r}"
    else:
        assert isinstance(error, kind), f"{statement}: torch gave {error!r}"
