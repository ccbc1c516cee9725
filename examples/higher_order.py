"""Higher-order derivatives: a Hessian-vector product and derivatives of derivatives.

Every primitive's backward is written with Tensor operations, so a gradient computed with
`create_graph=True` is itself a graph that can be differentiated again. This example checks three
results against their closed forms:

1. Derivatives of tanh up to the third order, elementwise, by calling `am.autograd.grad` on the
   previous derivative:  tanh' = 1 - t^2,  tanh'' = -2 t (1 - t^2),  tanh''' = -2 (1 - t^2)(1 - 3 t^2).
2. A Hessian-vector product of log-sum-exp by double backward (never forming the Hessian):
   H = diag(p) - p p^T with p = softmax(x), so H v = p * v - p (p . v).
3. The full Hessian of the Rosenbrock function from `am.func.hessian`, against the hand-derived one.

Run: python examples/higher_order.py [--dim 6] [--seed 0] [--out out/higher_order]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import autograd_mini as am


def tanh_derivatives(x: am.Tensor, order: int = 3) -> list[am.Tensor]:
    """[f, f', f'', ...] of tanh at every element of x, each derivative taken from the previous one.

    Summing before differentiating is valid because tanh acts elementwise: d/dx_i of sum_j f(x_j)
    is f'(x_i).
    """
    x = x.detach().requires_grad_()
    values = [x.tanh()]
    for _ in range(order):
        (d,) = am.autograd.grad(values[-1].sum(), x, create_graph=True)
        values.append(d)
    return [v.detach() for v in values]


def tanh_derivatives_closed_form(x: np.ndarray) -> list[np.ndarray]:
    t = np.tanh(x)
    return [t, 1 - t**2, -2 * t * (1 - t**2), -2 * (1 - t**2) * (1 - 3 * t**2)]


def logsumexp_hvp(x: am.Tensor, v: am.Tensor) -> am.Tensor:
    """H(x) v for f(x) = logsumexp(x), as the gradient of (grad f . v): two backward passes."""
    x = x.detach().requires_grad_()
    (g,) = am.autograd.grad(x.logsumexp(dim=0), x, create_graph=True)
    (hv,) = am.autograd.grad((g * v).sum(), x)
    return hv.detach()


def logsumexp_hvp_closed_form(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    p = np.exp(x - x.max())
    p /= p.sum()
    return p * v - p * (p @ v)


def rosenbrock(x: am.Tensor) -> am.Tensor:
    """sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2."""
    head, tail = x[:-1], x[1:]
    return (100 * (tail - head**2) ** 2 + (1 - head) ** 2).sum()


def rosenbrock_hessian_closed_form(x: np.ndarray) -> np.ndarray:
    n = x.size
    h = np.zeros((n, n))
    for i in range(n - 1):
        # the term 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 touches x_i and x_{i+1} only
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i, i + 1] += -400 * x[i]
        h[i + 1, i] += -400 * x[i]
        h[i + 1, i + 1] += 200
    return h


def max_relative_error(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.max(np.abs(got - want) / (1.0 + np.abs(want))))


def plot_tanh_derivatives(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-3, 3, 301)
    autograd = tanh_derivatives(am.tensor(grid))
    closed = tanh_derivatives_closed_form(grid)
    labels = ["tanh", "tanh'", "tanh''", "tanh'''"]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for k, (a, c, label) in enumerate(zip(autograd, closed, labels)):
        ax.plot(grid, c, color=f"C{k}", linewidth=6, alpha=0.3)
        ax.plot(grid, a.numpy(), color=f"C{k}", linewidth=1.4, label=label)
    ax.set_title("tanh and its derivatives: autograd (thin) over the closed form (wide)")
    ax.set_xlabel("x")
    ax.axhline(0, color="0.7", linewidth=0.8)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dim", type=int, default=6, help="size of the input vectors (default 6)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("out/higher_order"),
                        help="folder for the plot (default out/higher_order)")
    parser.add_argument("--no-plot", action="store_true", help="skip the matplotlib figure")
    args = parser.parse_args(argv)
    if args.dim < 2:
        parser.error(f"--dim must be at least 2, got {args.dim}")
    return args


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the three checks; returns the largest relative error of each against its closed form."""
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x = rng.normal(size=args.dim)
    v = rng.normal(size=args.dim)

    derivatives = tanh_derivatives(am.tensor(x))
    closed = tanh_derivatives_closed_form(x)
    errors = {f"tanh_order_{k}": max_relative_error(d.numpy(), c)
              for k, (d, c) in enumerate(zip(derivatives, closed))}

    hv = logsumexp_hvp(am.tensor(x), am.tensor(v))
    errors["logsumexp_hvp"] = max_relative_error(hv.numpy(), logsumexp_hvp_closed_form(x, v))

    point = rng.uniform(-1.5, 1.5, size=args.dim)
    hessian = am.func.hessian(rosenbrock)(am.tensor(point))
    errors["rosenbrock_hessian"] = max_relative_error(
        hessian.detach().numpy(), rosenbrock_hessian_closed_form(point))

    print(f"largest relative error against the closed form (float64, dim {args.dim}):")
    for name, err in errors.items():
        print(f"  {name:<20} {err:.2e}")
    if not args.no_plot:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "tanh_derivatives.png"
        plot_tanh_derivatives(path)
        print(f"plot written to {path}")
    return errors


if __name__ == "__main__":
    errors = main(sys.argv[1:])
    sys.exit(0 if max(errors.values()) < 1e-10 else 1)
