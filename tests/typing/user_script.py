"""A user's script, built from the README's snippets, that type checkers must accept.

tests/test_typing.py runs `mypy --strict` and `basedpyright` on this file and also runs it as a
plain script (it checks its own results), so it stays both type-correct and true. It is written
as a careful PyTorch user writes under a strict type checker: functions annotated, and
`assert t.grad is not None` before reading a gradient (`.grad` is `Tensor | None`, as in PyTorch).
The `assert_type` lines state what an editor must show for the common expressions: a Tensor, not
`int`, `Any` or an error.
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:  # at run time: no dependency on typing_extensions (typing has it only from 3.11)

    def assert_type(value: object, typ: object) -> object:
        return value


Tensor = am.Tensor


# -- tensors and backward (README: "Tensors and backward") --------------------------------------
def tensors_and_backward() -> None:
    x = am.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = am.randn(2, 3, requires_grad=True)
    y = (x @ w).tanh().sum()
    y.backward()
    assert x.grad is not None and w.grad is not None
    assert x.grad.shape == (2, 2) and x.grad.dtype == np.float32

    b = am.tensor(3.0, requires_grad=True)
    c = b * b + b
    c.backward()
    assert b.grad is not None
    assert b.grad.item() == 7.0

    # Creation functions.
    z = am.zeros(2, 3)
    o = am.ones((2, 3), dtype=np.float64)
    f = am.full((2, 3), 0.5)
    r = am.rand(2, 3)
    e = am.eye(3)
    a = am.arange(6)
    zl = am.zeros_like(z)
    ol = am.ones_like(o)
    t = am.Tensor(np.arange(6.0).reshape(2, 3))
    for made in (z, o, f, r, e, a, zl, ol, t):
        assert_type(made, Tensor)
    assert a.dtype == np.int64 and o.dtype == np.float64 and z.shape == (2, 3)


# -- operators and methods: each gives a Tensor ---------------------------------------------------
def operators_and_methods() -> None:
    am.manual_seed(0)
    x = am.randn(3, 4, requires_grad=True)
    v = am.rand(3, 4) + 0.5

    # Arithmetic operators, reflected forms with Python numbers, and ndarrays on the right.
    assert_type(x + 1, Tensor)
    assert_type(1 + x, Tensor)
    assert_type(x - 2.5, Tensor)
    assert_type(2.5 - x, Tensor)
    assert_type(x * 3, Tensor)
    assert_type(3 * x, Tensor)
    assert_type(x / 2, Tensor)
    assert_type(2 / v, Tensor)
    assert_type(x**2, Tensor)
    assert_type(2**x, Tensor)
    assert_type(x + v, Tensor)
    assert_type(x * np.ones(4), Tensor)
    assert_type(x @ am.randn(4, 2), Tensor)
    assert_type(-x, Tensor)
    assert_type(+x, Tensor)
    assert_type(abs(x), Tensor)
    assert_type(x > 0, Tensor)
    assert_type((x > 0) & (x < 1), Tensor)

    # Unary methods, and the am. functions of the same names.
    assert_type(x.exp(), Tensor)
    assert_type(v.log(), Tensor)
    assert_type(v.log1p(), Tensor)
    assert_type(v.sqrt(), Tensor)
    assert_type(x.abs(), Tensor)
    assert_type(x.sin(), Tensor)
    assert_type(x.cos(), Tensor)
    assert_type(x.tanh(), Tensor)
    assert_type(x.sigmoid(), Tensor)
    assert_type(x.relu(), Tensor)
    assert_type(x.clamp(-1.0, 1.0), Tensor)
    assert_type(am.exp(x), Tensor)
    assert_type(am.tanh(x), Tensor)
    assert_type(am.maximum(x, 0.0), Tensor)
    assert_type(am.where(x > 0, x, 0.0), Tensor)

    # Reductions, PyTorch and NumPy spellings.
    assert_type(x.sum(), Tensor)
    assert_type(x.sum(dim=0, keepdim=True), Tensor)
    assert_type(x.sum(axis=0, keepdims=True), Tensor)
    assert_type(x.mean(1), Tensor)
    assert_type(x.var(), Tensor)
    assert_type(x.std(dim=1), Tensor)
    assert_type(x.logsumexp(1), Tensor)
    assert_type(x.softmax(-1), Tensor)
    assert_type(x.log_softmax(dim=1), Tensor)
    assert_type(x.argmax(1), Tensor)

    # Shapes and indexing.
    assert_type(x.reshape(4, 3), Tensor)
    assert_type(x.view(-1), Tensor)
    assert_type(x.T, Tensor)
    assert_type(x.transpose(0, 1), Tensor)
    assert_type(x.unsqueeze(0), Tensor)
    assert_type(x[0], Tensor)
    assert_type(x[:, 1:3], Tensor)
    assert_type(am.cat([x, x], dim=0), Tensor)
    assert_type(am.stack([x, x]), Tensor)

    # A small expression with everything above, differentiated.
    y = (x.tanh() * 2 + 1 - x.exp() / 3 + abs(x) + (-x).relu() + x.sigmoid() ** 2).sum()
    y.backward()
    assert x.grad is not None
    g = x.grad
    assert_type(g, Tensor)
    assert g.shape == (3, 4)

    # The same derivative by hand.
    xd = x.detach()
    expected = (1 - xd.tanh() ** 2) * 2 - xd.exp() / 3 + xd.sign() + (xd < 0).float() * -1.0 \
        + 2 * xd.sigmoid() ** 2 * (1 - xd.sigmoid())
    np.testing.assert_allclose(g.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)

    # Conversions to Python values.
    s = float(x.detach().sum())
    n = x.numel()
    shape: tuple[int, ...] = x.shape
    assert isinstance(s, float) and n == 12 and shape == (3, 4)


# -- grad mode -----------------------------------------------------------------------------------
def grad_mode() -> None:
    w = am.randn(3, requires_grad=True)
    with am.no_grad():
        y = w * 2
    assert not y.requires_grad

    (w * w).sum().backward()
    assert w.grad is not None
    with am.no_grad():  # a hand-written SGD step, in place
        w -= 0.1 * w.grad
    w.grad = None
    assert w.is_leaf and w.requires_grad


# -- higher-order derivatives and function transforms ---------------------------------------------
def higher_order() -> None:
    x = am.tensor(np.array([0.5, -1.0]), requires_grad=True)
    (g,) = am.autograd.grad((x**3).sum(), x, create_graph=True)
    assert g is not None
    (h,) = am.autograd.grad(g.sum(), x)
    assert h is not None
    np.testing.assert_allclose(h.numpy(), 6 * x.data)

    def f(v: am.Tensor) -> am.Tensor:
        return (v.sin() * v).sum()

    hessian = am.func.hessian(f)(x)
    assert hessian.shape == (2, 2)

    df = am.func.grad(f)
    gx: am.Tensor = df(x)
    expected = x.detach().cos() * x.detach() + x.detach().sin()
    np.testing.assert_allclose(gx.detach().numpy(), expected.numpy(), rtol=1e-6)


# -- custom operations ----------------------------------------------------------------------------
class Cube(am.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: am.Tensor) -> npt.NDArray[Any]:
        ctx.save_for_backward(x)
        return x.data**3

    @staticmethod
    def backward(ctx: Any, grad: am.Tensor) -> am.Tensor:
        (x,) = ctx.saved_tensors
        result: am.Tensor = grad * 3 * x**2  # Tensor ops: differentiable again
        return result


def custom_function() -> None:
    x = am.tensor(np.array([1.0, -2.0]), requires_grad=True)
    assert am.gradcheck(Cube.apply, (x,)) and am.gradgradcheck(Cube.apply, (x,))
    y = Cube.apply(x).sum()
    y.backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])


# -- gradient checking ----------------------------------------------------------------------------
def softplus(x: am.Tensor) -> am.Tensor:
    return (1 + x.exp()).log()


def gradient_checking() -> None:
    x = am.randn(3, 4, dtype=np.float64, requires_grad=True)
    assert am.gradcheck(softplus, (x,))
    assert am.gradgradcheck(softplus, (x,))


# -- nn and optim ---------------------------------------------------------------------------------
class MLP(nn.Module):
    def __init__(self, n_in: int, n_hidden: int, n_out: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_out)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: am.Tensor) -> am.Tensor:
        h = F.relu(self.fc1(x))
        out: am.Tensor = self.fc2(self.dropout(h))  # (Module.__call__ returns Any, as PyTorch's)
        return out


@am.no_grad()
def accuracy(model: nn.Module, inputs: am.Tensor, targets: am.Tensor) -> float:
    logits: am.Tensor = model(inputs)
    return float((logits.argmax(1) == targets).float().mean())


def make_data(n: int, seed: int) -> tuple[am.Tensor, am.Tensor]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, 4)) * 3
    labels = rng.integers(0, 3, n)
    points = centers[labels] + rng.normal(size=(n, 4))
    return am.tensor(points, dtype=np.float32), am.tensor(labels)


def train_mlp() -> None:
    am.manual_seed(0)
    inputs, targets = make_data(96, seed=0)
    model = MLP(4, 16, 3, dropout=0.1)
    optimizer = am.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = am.optim.lr_scheduler.StepLR(optimizer, step_size=50, gamma=0.5)

    first = math.inf
    loss = am.tensor(0.0)
    model.train()
    for step in range(60):
        loss = F.cross_entropy(model(inputs), targets)
        if step == 0:
            first = loss.item()
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        scheduler.step()
    assert loss.item() < first
    model.eval()
    assert accuracy(model, inputs, targets) > 0.8

    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert p.grad.shape == p.shape

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.npz")
        am.save(model.state_dict(), path)
        clone = MLP(4, 16, 3)
        clone.load_state_dict(am.load(path))
        clone.eval()
        np.testing.assert_array_equal(clone(inputs).detach().numpy(),
                                      model(inputs).detach().numpy())


def train_sequential_sgd() -> None:
    am.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    optimizer = am.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.MSELoss()
    x = am.randn(32, 4)
    target = x.sum(dim=1, keepdim=True) * 0.5
    losses: list[float] = []
    for _ in range(30):
        optimizer.zero_grad()
        loss: am.Tensor = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.item()))
    assert losses[-1] < losses[0]

    am.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    out = F.cross_entropy(mlp(am.randn(5, 4)), am.tensor(np.array([0, 1, 2, 1, 0])))
    out.backward(retain_grads=True)
    dot_text = am.viz.to_dot(out, params=mlp, show_grads=True)
    assert "0.weight" in dot_text


def main() -> None:
    tensors_and_backward()
    operators_and_methods()
    grad_mode()
    higher_order()
    custom_function()
    gradient_checking()
    train_mlp()
    train_sequential_sgd()
    print("user_script: ok")


if __name__ == "__main__":
    main()
