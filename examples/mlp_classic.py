"""The classic first network: an MLP 5 -> 10 -> 10 -> 3 with ReLU, trained with Adam.

Done the way that trains well and stays numerically sound:
- the model returns logits; `nn.CrossEntropyLoss` applies log-softmax inside, fused and stable
  (logsumexp(z) - z[target]), and takes the class indices (0, 1, 2) as targets, not one-hot rows;
- softmax is applied only to report probabilities, outside the loss and outside the graph.

The data is synthetic: three overlapping Gaussian clusters in 5 dimensions.

Run: python examples/mlp_classic.py [--steps 200] [--lr 0.01] [--seed 0] [--out out/mlp_classic]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import nn


def make_data(samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`samples` points in 5-D from three Gaussian clusters of unit variance; labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(3, 5))
    labels = rng.integers(0, 3, size=samples)
    points = centres[labels] + rng.normal(size=(samples, 5))
    return points.astype(np.float32), labels.astype(np.int64)


def build_model() -> nn.Sequential:
    # No softmax at the end: the loss wants logits.
    return nn.Sequential(nn.Linear(5, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 3))


def accuracy(logits: am.Tensor, labels: np.ndarray) -> float:
    return float(np.mean(logits.detach().numpy().argmax(axis=1) == labels))


def plot_loss(losses: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=110)
    ax.plot(np.arange(len(losses)), losses)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (training set)")
    ax.set_title("MLP 5-10-10-3, Adam, full batch")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--steps", type=int, default=200, help="Adam steps on the full batch")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
    parser.add_argument("--samples", type=int, default=600, help="points, a quarter held out")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--out", type=Path, default=Path("out/mlp_classic"), help="output folder")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.samples < 8:
        parser.error("--steps must be at least 1 and --samples at least 8")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train; returns the loss curve, train and test accuracy, and the files written."""
    args = parse_args(argv)
    x, y = make_data(args.samples, args.seed)
    split = args.samples * 3 // 4
    x_train, y_train = am.tensor(x[:split]), am.tensor(y[:split])
    x_test, y_test = am.tensor(x[split:]), y[split:]

    am.manual_seed(args.seed)
    model = build_model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = am.optim.Adam(model.parameters(), lr=args.lr)
    losses = []
    for step in range(args.steps):
        logits = model(x_train)
        loss = loss_fn(logits, y_train)  # logits and class indices
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % max(1, args.steps // 5) == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {loss.item():.4f}  "
                  f"train accuracy {accuracy(logits, y[:split]):.1%}")

    with am.no_grad():
        test_logits = model(x_test)
        probabilities = test_logits.softmax(dim=1).numpy()  # for reporting only
    test_accuracy = accuracy(test_logits, y_test)
    train_accuracy = accuracy(model(x_train), y[:split])
    print(f"test accuracy {test_accuracy:.1%} on {len(y_test)} held-out points")
    print("class probabilities of the first three test points:")
    for p, label in zip(probabilities[:3], y_test[:3]):
        print(f"  {np.array2string(p, precision=3, suppress_small=True)}  predicted {p.argmax()}, "
              f"true {label}")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "loss.png"
    plot_loss(losses, path)
    print(f"wrote {path}")
    return dict(losses=losses, train_accuracy=train_accuracy, test_accuracy=test_accuracy,
                probabilities=probabilities, files=[path])


if __name__ == "__main__":
    main(sys.argv[1:])
