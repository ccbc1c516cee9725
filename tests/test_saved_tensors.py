"""Ops save only what their backward needs, decided when they are recorded, as PyTorch does.

So a write in place into a value that backward does not need is no error, and one into a value it
does need is. Each case's expected gradients are PyTorch 2.13's (written into the test); where
torch is installed the same program runs on torch too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.nn import functional as F


def division_then_in_place_add(lib: Any) -> dict[str, Any]:
    """Division saves its inputs, not its result: the result may be updated in place."""
    total = lib.tensor([2.0, 6.0], requires_grad=True)
    n = lib.tensor(4.0, requires_grad=True)
    loss = total.sum() / n
    loss += 1.0
    loss.backward()
    return {"total": total.grad, "n": n.grad, "loss": loss}


def constant_times_weight_then_weight_update(lib: Any) -> dict[str, Any]:
    """c * w saves only c (what d/dw needs): an update of w before backward is no error."""
    c = lib.tensor([1.0, 2.0])
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    y = c * w
    with lib.no_grad():
        w += 1.0
    y.sum().backward()
    return {"w": w.grad}


def linear_on_constant_input_then_optimizer_step(lib: Any) -> dict[str, Any]:
    """Linear saves its weight only when its input needs a gradient: an optimizer step
    between the forward on a constant input and its backward is no error."""
    if lib is am:
        layer, opt_cls, functional = nn.Linear(2, 1), optim.SGD, F
    else:
        layer, opt_cls, functional = lib.nn.Linear(2, 1), lib.optim.SGD, lib.nn.functional
    with lib.no_grad():
        layer.weight.copy_(lib.tensor([[0.5, -1.0]]))
        layer.bias.copy_(lib.tensor([0.25]))
    opt = opt_cls(layer.parameters(), lr=0.1)
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = functional.linear(x, layer.weight, layer.bias)
    layer.weight.grad = lib.ones(1, 2)
    layer.bias.grad = lib.ones(1)
    opt.step()  # writes into the weight in place
    opt.zero_grad()
    out.sum().backward()
    return {"weight": layer.weight.grad, "bias": layer.bias.grad}


# name -> (program, PyTorch's gradients)
CASES: dict[str, tuple[Callable[[Any], dict[str, Any]], dict[str, Any]]] = {
    "division": (division_then_in_place_add,
                 {"total": [0.25, 0.25], "n": -0.5, "loss": 3.0}),
    "mul": (constant_times_weight_then_weight_update, {"w": [1.0, 2.0]}),
    "linear": (linear_on_constant_input_then_optimizer_step,
               {"weight": [[4.0, 6.0]], "bias": [2.0]}),
}


def _values(result: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v.detach().numpy(), dtype=np.float64) for k, v in result.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_equal_pytorchs(name: str) -> None:
    program, expected = CASES[name]
    got = _values(program(am))
    for key, want in expected.items():
        np.testing.assert_allclose(got[key], want, rtol=1e-6, err_msg=f"{name}: {key}")


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_programs_in_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    program, expected = CASES[name]
    got = _values(program(torch))
    for key, want in expected.items():
        np.testing.assert_allclose(got[key], want, rtol=1e-6, err_msg=f"torch {name}: {key}")


def test_a_write_into_a_value_backward_needs_is_still_an_error() -> None:
    """exp saves its result (as PyTorch): writing into it in place makes backward refuse."""
    x = am.tensor([0.0, 1.0], requires_grad=True)
    y = x.exp()
    with am.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match=r"ExpBackward.*modified in place"):
        y.sum().backward()
    # c * w where both need a gradient saves both: updating either is refused
    c = am.tensor([1.0, 2.0], requires_grad=True)
    w = am.tensor([3.0, 4.0], requires_grad=True)
    y = c * w
    with am.no_grad():
        w += 1.0
    with pytest.raises(RuntimeError, match=r"MulBackward.*modified in place"):
        y.sum().backward()


def test_a_linear_whose_input_needs_a_gradient_saves_the_weight() -> None:
    layer = nn.Linear(2, 1)
    x = am.tensor([[1.0, 2.0]], requires_grad=True)
    out = layer(x)
    with am.no_grad():
        layer.weight += 1.0
    with pytest.raises(RuntimeError, match=r"LinearBackward.*modified in place"):
        out.sum().backward()


def test_matmul_saves_each_operand_only_for_the_others_gradient() -> None:
    """x @ w with a constant x saves only x (PyTorch's MmBackward likewise): an update of w
    before backward is no error, and the gradient is x.T @ g (PyTorch 2.13: [[4, 4], [6, 6]])."""
    x = am.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = am.tensor([[0.5, -1.0], [2.0, 1.0]], requires_grad=True)
    y = x @ w
    with am.no_grad():
        w += 1.0
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[4.0, 4.0], [6.0, 6.0]])
    # every operand rank, with only the right operand needing a gradient: ones @ ones summed,
    # so each element of b gets the number of rows that use it
    for shape_a, shape_b, rows in [((3,), (3,), 1), ((3,), (3, 2), 1), ((2, 3), (3,), 2),
                                   ((4, 2, 3), (3, 2), 8)]:
        a = am.tensor(np.ones(shape_a))
        b = am.tensor(np.ones(shape_b), requires_grad=True)
        (a @ b).sum().backward()
        np.testing.assert_array_equal(b.grad.data, np.full(shape_b, float(rows)))
