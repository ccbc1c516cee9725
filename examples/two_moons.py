"""micrograd's demo at tensor speed: a two-moons classifier and its decision boundary.

The same set-up as micrograd's demo notebook: 100 points of two interleaved half-circles (noise
0.1, labels -1 and +1), an MLP 2 -> 16 -> 16 -> 1 with ReLU, the max-margin (hinge) loss
mean(relu(1 - y * score)) plus 1e-4 times the sum of squared weights, and 100 steps of SGD whose
learning rate falls linearly from 1.0 to 0.1. micrograd computes with one Python object per scalar;
here each step is a handful of array operations on the whole batch.

Run: python examples/two_moons.py [--samples 100] [--steps 100] [--seed 0] [--out out/two_moons]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn


def make_moons(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-circles with Gaussian noise; labels -1 (upper) and +1 (lower)."""
    rng = np.random.default_rng(seed)
    upper = samples // 2
    t_upper = np.linspace(0, np.pi, upper)
    t_lower = np.linspace(0, np.pi, samples - upper)
    points = np.concatenate([
        np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1),
        np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1),
    ])
    labels = np.concatenate([-np.ones(upper), np.ones(samples - upper)])
    points += rng.normal(scale=noise, size=points.shape)
    order = rng.permutation(samples)
    return points[order].astype(np.float32), labels[order].astype(np.float32)


def build_model() -> nn.Sequential:
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 1))
    # micrograd's initialisation: weights uniform in [-1, 1], biases 0 (larger than PyTorch's
    # default, which learns this task more slowly with micrograd's learning rates).
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            nn.init.uniform_(p, -1.0, 1.0)
        else:
            nn.init.zeros_(p)
    return model


def hinge_loss(model: nn.Module, x: am.Tensor, y: am.Tensor,
               alpha: float = 1e-4) -> tuple[am.Tensor, float]:
    """micrograd's max-margin loss with L2 regularisation; also returns the accuracy."""
    scores = model(x).squeeze(1)
    data_loss = F.relu(1 - y * scores).mean()
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    accuracy = float(np.mean((scores.detach().numpy() > 0) == (y.numpy() > 0)))
    return data_loss + reg_loss, accuracy


def plot_boundary(model: nn.Module, x: np.ndarray, y: np.ndarray, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # One forward pass over a 300 x 300 grid: 90,000 points at once.
    lo, hi = x.min(axis=0) - 0.6, x.max(axis=0) + 0.6
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    with am.no_grad():
        scores = model(am.tensor(grid)).numpy().reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(6.5, 5), dpi=110)
    # Colour saturates beyond the margins (|score| > 2), so both sides stay clearly tinted.
    ax.contourf(gx, gy, np.clip(scores, -2, 2), levels=np.linspace(-2, 2, 17), cmap="RdBu",
                vmin=-3.5, vmax=3.5, alpha=0.6)
    ax.contour(gx, gy, scores, levels=[0.0], colors="k", linewidths=1.5)
    ax.contour(gx, gy, scores, levels=[-1.0, 1.0], colors="k", linewidths=0.8, linestyles="--")
    for label, color, marker in ((-1, "#b2182b", "o"), (1, "#2166ac", "s")):
        pts = x[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], c=color, marker=marker, s=28, edgecolors="white",
                   linewidths=0.6, label=f"class {label:+d}")
    ax.set_title("two moons: decision boundary (solid) and margins (dashed)")
    ax.legend(loc="upper right")
    ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--samples", type=int, default=100, help="number of points")
    parser.add_argument("--noise", type=float, default=0.1, help="standard deviation of the noise")
    parser.add_argument("--steps", type=int, default=100, help="SGD steps on the full batch")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--out", type=Path, default=Path("out/two_moons"), help="output folder")
    args = parser.parse_args(argv)
    if args.samples < 2 or args.steps < 1:
        parser.error("--samples must be at least 2 and --steps at least 1")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train; returns the losses, final accuracy, time per step and the files written."""
    args = parse_args(argv)
    x, y = make_moons(args.samples, args.noise, args.seed)
    inputs, targets = am.tensor(x), am.tensor(y)
    am.manual_seed(args.seed)
    model = build_model()
    optimizer = am.optim.SGD(model.parameters(), lr=1.0)
    steps = args.steps
    schedule = am.optim.lr_scheduler.LambdaLR(optimizer, lambda k: 1.0 - 0.9 * k / steps)
    losses = []
    started = time.perf_counter()
    for k in range(steps):
        loss, accuracy = hinge_loss(model, inputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if k % max(1, steps // 10) == 0:
            print(f"step {k:3d}  loss {loss.item():.4f}  accuracy {accuracy:.0%}")
    seconds = time.perf_counter() - started
    loss, accuracy = hinge_loss(model, inputs, targets)
    print(f"final: loss {loss.item():.4f}, accuracy {accuracy:.0%}; {steps} steps in "
          f"{seconds:.2f} s ({1000 * seconds / steps:.2f} ms per step)")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "decision_boundary.png"
    plot_boundary(model, x, y, path)
    print(f"wrote {path}")
    return dict(losses=losses, accuracy=accuracy, seconds=seconds, files=[path])


if __name__ == "__main__":
    main(sys.argv[1:])
