"""Fit y = sin(x) on [-pi, pi] with a cubic polynomial, in the style of PyTorch's beginner
tutorial "Learning PyTorch with Examples": first with tensors and autograd, updating the weights
by hand; then with `nn` and `optim`.

Every line below the imports is PyTorch code. Run it with autograd_mini, or with PyTorch
installed, `--backend torch`, and it prints the same losses (the starting weights are fixed
numbers, not random draws, so that both take the same path):

    python examples/pytorch_polynomial.py
    python examples/pytorch_polynomial.py --backend torch

Default run: 2,000 steps of each part; the loss (a sum of squares over 2,000 points) falls to
about 9 in both (8.95 by hand, 8.92 with RMSprop). `--quick` runs 200 steps of each.
"""

from __future__ import annotations

import argparse
import math
from typing import Any


def load_backend(name: str) -> tuple[Any, Any, Any]:
    """(torch, nn, optim) of the chosen library: the only lines that differ between the two."""
    if name == "torch":
        import torch
        from torch import nn, optim
    else:
        import autograd_mini as torch
        from autograd_mini import nn, optim
    return torch, nn, optim


def fit_by_hand(torch: Any, steps: int, learning_rate: float = 1e-6) -> list[float]:
    """Tensors and autograd: the polynomial's four coefficients updated by hand."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a = torch.tensor(0.1, requires_grad=True)
    b = torch.tensor(0.2, requires_grad=True)
    c = torch.tensor(-0.1, requires_grad=True)
    d = torch.tensor(0.05, requires_grad=True)
    losses = []
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        if t % (steps // 4) == steps // 4 - 1:
            print(f"by hand, step {t + 1}: loss {loss:.4f}")
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    print(f"by hand: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + "
          f"{d.item():.4f} x^3")
    return losses


def fit_with_nn(torch: Any, nn: Any, optim: Any, steps: int) -> list[float]:
    """nn.Sequential and an optimizer: the features x, x^2, x^3 feed one linear layer."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[0.2, -0.1, 0.05]]))
        model[0].bias.fill_(0.1)
    loss_fn = nn.MSELoss(reduction="sum")
    optimizer = optim.RMSprop(model.parameters(), lr=1e-3)
    losses = []
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        if t % (steps // 4) == steps // 4 - 1:
            print(f"nn + RMSprop, step {t + 1}: loss {loss.item():.4f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear = model[0]
    w = linear.weight[:, 0].item(), linear.weight[:, 1].item(), linear.weight[:, 2].item()
    print(f"nn: y = {linear.bias.item():.4f} + {w[0]:.4f} x + {w[1]:.4f} x^2 + {w[2]:.4f} x^3")
    return losses


def main(argv: list[str] | None = None) -> tuple[list[float], list[float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("autograd_mini", "torch"), default="autograd_mini")
    parser.add_argument("--quick", action="store_true", help="200 steps of each part")
    args = parser.parse_args(argv)
    torch, nn, optim = load_backend(args.backend)
    steps = 200 if args.quick else 2000
    return fit_by_hand(torch, steps), fit_with_nn(torch, nn, optim, steps)


if __name__ == "__main__":
    main()
