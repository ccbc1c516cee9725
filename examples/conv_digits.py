"""A small convolutional network on the digits, compared with the demo's MLP.

Both models see the same standardised 8x8 images, the same training loop (Adam, mini-batches, a
cosine schedule: `demo.train`) and the same test split; the convolutional one reshapes each row of
64 pixels back into a 1x8x8 image. Printed: test accuracy, parameter count and training time of
each; written: both models' test-accuracy curves, and the maps the first convolution makes of a
test digit.

Run: python examples/conv_digits.py [--epochs 10] [--channels 16] [--seed 0] [--out out/conv_digits]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from demo import MLP, History, _pyplot, evaluate, load_data, train

import autograd_mini as am
from autograd_mini import nn


class ConvNet(nn.Module):
    """conv 3x3 -> ReLU -> max-pool 2 -> conv 3x3 -> ReLU -> max-pool 2 -> dropout -> linear.

    Padding keeps each convolution's output at the input's size; each pool halves it: 8 -> 4 -> 2.
    """

    def __init__(self, channels: int = 16, classes: int = 10, dropout: float = 0.3) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, 2 * channels, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout),
                                        nn.Linear(2 * channels * 2 * 2, classes))

    def forward(self, x: am.Tensor) -> am.Tensor:
        return self.classifier(self.features(x.reshape(-1, 1, 8, 8)))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def plot_comparison(histories: dict[str, History], path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=110)
    for name, history in histories.items():
        epochs = np.arange(1, len(history.test_accuracy) + 1)
        ax.plot(epochs, 100 * np.array(history.test_accuracy), "o-", ms=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Digits: convolutional network vs MLP")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_feature_maps(model: ConvNet, image: np.ndarray, raw: np.ndarray, path: Path) -> None:
    """One test digit and what the first convolution (after its ReLU) makes of it, per channel."""
    plt = _pyplot()
    model.eval()
    with am.no_grad():
        maps = model.features[1](model.features[0](am.tensor(image.reshape(1, 1, 8, 8)))).numpy()[0]
    cols = 9
    rows = -(-(len(maps) + 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.15 * cols, 1.3 * rows + 0.3), dpi=110,
                             squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    axes[0, 0].imshow(raw, cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
    axes[0, 0].set_title("input", fontsize=9)
    for k, (ax, m) in enumerate(zip(axes.ravel()[1:], maps)):
        ax.imshow(m, cmap="magma", vmin=0, vmax=maps.max() or 1.0, interpolation="nearest")
        ax.set_title(f"channel {k}", fontsize=8)
    fig.suptitle("first convolution + ReLU: one 8x8 map per channel (same colour scale)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training set")
    parser.add_argument("--channels", type=int, default=16,
                        help="channels of the first convolution (the second has twice as many)")
    parser.add_argument("--hidden", type=int, default=128, help="hidden width of the MLP")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's initial learning rate")
    parser.add_argument("--batch-size", type=int, default=32, help="images per mini-batch")
    parser.add_argument("--seed", type=int, default=0, help="seed for both models")
    parser.add_argument("--out", type=Path, default=Path("out/conv_digits"), help="output folder")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    args = parser.parse_args(argv)
    for name in ("epochs", "channels", "hidden", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train both models; returns {name: {accuracy, parameters, seconds, history}} and the files."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    data = load_data()
    builders = {"conv net": lambda: ConvNet(args.channels), "MLP": lambda: MLP(hidden=args.hidden)}
    results: dict[str, dict] = {}
    for name, build in builders.items():
        am.manual_seed(args.seed)
        model = build()
        print(f"{name}: {count_parameters(model):,} parameters")
        started = time.perf_counter()
        history = train(model, data, args.epochs, args.lr, args.batch_size, args.seed,
                        progress=not args.no_progress)
        seconds = time.perf_counter() - started
        _, accuracy, _ = evaluate(model, data.x_test, data.y_test)
        results[name] = dict(accuracy=accuracy, parameters=count_parameters(model),
                             seconds=seconds, history=history, model=model)

    print(f"\n{'model':<10} {'parameters':>10} {'test accuracy':>14} {'training time':>14}")
    for name, r in results.items():
        print(f"{name:<10} {r['parameters']:>10,} {r['accuracy']:>14.2%} {r['seconds']:>12.1f} s")
    files = [args.out / "accuracy.png", args.out / "feature_maps.png"]
    plot_comparison({name: r["history"] for name, r in results.items()}, files[0])
    plot_feature_maps(results["conv net"]["model"], data.x_test[0], data.images_test[0], files[1])
    print("wrote: " + ", ".join(str(f) for f in files))
    return dict(results=results, files=files)


if __name__ == "__main__":
    main(sys.argv[1:])
