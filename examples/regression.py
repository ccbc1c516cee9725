"""Regression with `nn.MSELoss` and a learning-rate schedule: fitting a noisy 1-D curve.

The targets are f(x) = sin(3x) + 0.3x plus Gaussian noise (sigma 0.1) at random points in [-2, 2].
An MLP 1 -> 64 -> 64 -> 1 with tanh is trained on the full batch with Adam, and `StepLR` divides
the learning rate by 5 every third of the run: big steps first, fine ones at the end.

A well-fitted model's mean squared error on fresh noisy points approaches the noise variance
(0.01), the part no model can explain; its error against the noiseless curve approaches 0.

Run: python examples/regression.py [--steps 900] [--lr 0.01] [--seed 0] [--out out/regression]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import nn

NOISE = 0.1


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(3 * x) + 0.3 * x


def make_data(samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-2, 2, size=(samples, 1))
    return x.astype(np.float32), (target(x) + rng.normal(scale=NOISE, size=x.shape)).astype(np.float32)


def build_model(hidden: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                         nn.Linear(hidden, 1))


def plot(model: nn.Module, x: np.ndarray, y: np.ndarray, history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-2.2, 2.2, 400, dtype=np.float32)[:, None]
    with am.no_grad():
        fit = model(am.tensor(grid)).numpy()
    fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    ax_fit.scatter(x[:, 0], y[:, 0], s=10, color="0.6", label="training data")
    ax_fit.plot(grid, target(grid), "k--", linewidth=1, label="true curve")
    ax_fit.plot(grid, fit, color="C3", linewidth=2, label="model")
    ax_fit.set_title("fit")
    ax_fit.set_xlabel("x")
    ax_fit.legend()
    steps = np.arange(1, len(history["train"]) + 1)
    ax_loss.plot(steps, history["train"], label="training MSE")
    ax_loss.plot(steps, history["test"], label="test MSE")
    ax_loss.axhline(NOISE**2, color="k", linestyle=":", linewidth=1, label="noise variance")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step")
    ax_loss.set_title("mean squared error, and the learning rate (StepLR)")
    ax_lr = ax_loss.twinx()
    ax_lr.step(steps, history["lr"], color="C2", where="post", alpha=0.7, label="learning rate")
    ax_lr.set_yscale("log")
    ax_lr.set_ylabel("learning rate", color="C2")
    lines = ax_loss.get_legend_handles_labels()
    lr_lines = ax_lr.get_legend_handles_labels()
    ax_loss.legend(lines[0] + lr_lines[0], lines[1] + lr_lines[1], loc="upper right")
    ax_loss.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--steps", type=int, default=900, help="Adam steps on the full batch")
    parser.add_argument("--lr", type=float, default=0.01, help="initial learning rate")
    parser.add_argument("--hidden", type=int, default=64, help="width of the hidden layers")
    parser.add_argument("--samples", type=int, default=200, help="training points")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--out", type=Path, default=Path("out/regression"), help="output folder")
    args = parser.parse_args(argv)
    if args.steps < 3 or args.samples < 1 or args.hidden < 1:
        parser.error("--steps must be at least 3, --samples and --hidden at least 1")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train; returns the MSE history, the final test MSE and error against the true curve."""
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x_train, y_train = make_data(args.samples, rng)
    x_test, y_test = make_data(500, rng)
    am.manual_seed(args.seed)
    model = build_model(args.hidden)
    loss_fn = nn.MSELoss()
    optimizer = am.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = am.optim.lr_scheduler.StepLR(optimizer, step_size=args.steps // 3, gamma=0.2)
    inputs, targets = am.tensor(x_train), am.tensor(y_train)
    test_inputs, test_targets = am.tensor(x_test), am.tensor(y_test)
    history: dict[str, list[float]] = {"train": [], "test": [], "lr": []}
    for step in range(args.steps):
        history["lr"].append(scheduler.get_last_lr()[0])
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        with am.no_grad():
            history["test"].append(loss_fn(model(test_inputs), test_targets).item())
        history["train"].append(loss.item())
        if step % max(1, args.steps // 6) == 0 or step == args.steps - 1:
            print(f"step {step:5d}  lr {history['lr'][-1]:.1e}  train MSE {loss.item():.5f}  "
                  f"test MSE {history['test'][-1]:.5f}")

    with am.no_grad():
        grid = np.linspace(-2, 2, 401, dtype=np.float32)[:, None]
        curve_mse = float(np.mean((model(am.tensor(grid)).numpy() - target(grid)) ** 2))
    print(f"test MSE {history['test'][-1]:.5f} (noise variance {NOISE**2:.5f}); "
          f"MSE against the noiseless curve {curve_mse:.5f}")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "regression.png"
    plot(model, x_train, y_train, history, path)
    print(f"wrote {path}")
    return dict(history=history, test_mse=history["test"][-1], curve_mse=curve_mse, files=[path])


if __name__ == "__main__":
    main(sys.argv[1:])
