"""Train a neural network on handwritten digits with autograd_mini, and draw what happened.

The data is scikit-learn's digits set (1,797 8x8 images, shipped inside the package: no download).
An MLP (64 -> 128 -> 10, ReLU, dropout) is trained with Adam on mini-batches, with a cosine
learning-rate schedule, and tested on a held-out fifth of the images. The output folder receives:

  curves.png         training and test loss (log scale) and accuracy, epoch by epoch
  predictions.png    test digits with the predicted and the true label (mistakes first, in red)
  graph_modules.svg  the computation graph of one training step, one box per module, coloured
                     by gradient norm: inputs at the top, the loss at the bottom
  graph.svg          the same step with every op, parameter and constant
                     (graph_modules.dot and graph.dot, the Graphviz source, when Graphviz's
                     `dot` program is missing)

Run: python examples/demo.py [--epochs 20] [--hidden 128] [--lr 0.003] [--seed 0] [--out out/demo]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

# The test split is fixed (scikit-learn's customary random_state=42), so that runs with different
# seeds are compared on the same held-out images; --seed drives initialisation, shuffling, dropout.
SPLIT_SEED = 42
TEST_FRACTION = 0.2


@dataclass
class Digits:
    """The digits split into training and test sets; x is standardised, images are raw 0-16."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    images_test: np.ndarray


def load_data() -> Digits:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float32) / 16.0
    x_train, x_test, y_train, y_test, _, images_test = train_test_split(
        x, digits.target, digits.images, test_size=TEST_FRACTION, stratify=digits.target,
        random_state=SPLIT_SEED)
    # Standardise each pixel with the training set's statistics only. The 0.1 keeps border
    # pixels that are almost always blank from being blown up to huge values.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 0.1
    return Digits((x_train - mean) / std, y_train.astype(np.int64), (x_test - mean) / std,
                  y_test.astype(np.int64), images_test)


class MLP(nn.Module):
    """A one-hidden-layer perceptron that returns logits (the loss applies the softmax)."""

    def __init__(self, inputs: int = 64, hidden: int = 128, classes: int = 10,
                 dropout: float = 0.3) -> None:
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x: am.Tensor) -> am.Tensor:
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


@dataclass
class History:
    """Per-epoch metrics, measured in eval mode on the whole training and test sets."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Mean cross-entropy, accuracy and predicted classes, without recording a graph."""
    was_training = model.training
    model.eval()
    with am.no_grad():
        logits = model(am.tensor(x))
        loss = F.cross_entropy(logits, am.tensor(y)).item()
    model.train(was_training)
    predictions = logits.numpy().argmax(axis=1)
    return loss, float(np.mean(predictions == y)), predictions


def train(model: nn.Module, data: Digits, epochs: int, lr: float, batch_size: int, seed: int,
          progress: bool = True) -> History:
    """Adam on shuffled mini-batches with a cosine learning-rate schedule; returns the history."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    optimizer = am.optim.Adam(model.parameters(), lr=lr)
    scheduler = am.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = History()
    bar = tqdm(range(1, epochs + 1), unit="epoch", disable=not progress,
               bar_format="epoch {n_fmt}/{total_fmt} |{bar:20}| {elapsed}<{remaining}{postfix}")
    model.train()
    for _ in bar:
        order = rng.permutation(len(data.x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(am.tensor(data.x_train[batch])),
                                   am.tensor(data.y_train[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        for split, (x, y) in (("train", (data.x_train, data.y_train)),
                              ("test", (data.x_test, data.y_test))):
            split_loss, split_accuracy, _ = evaluate(model, x, y)
            getattr(history, f"{split}_loss").append(split_loss)
            getattr(history, f"{split}_accuracy").append(split_accuracy)
        bar.set_postfix_str(f"loss {history.train_loss[-1]:.4f}  "
                            f"train acc {history.train_accuracy[-1]:.1%}  "
                            f"test acc {history.test_accuracy[-1]:.1%}")
    return history


# ---- pictures ---------------------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no window: works over ssh and in CI
    import matplotlib.pyplot as plt

    return plt


def plot_curves(history: History, path: Path) -> None:
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    epochs = np.arange(1, len(history.train_loss) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    ax_loss.plot(epochs, history.train_loss, "o-", ms=3, label="training")
    ax_loss.plot(epochs, history.test_loss, "o-", ms=3, label="test")
    ax_loss.set_yscale("log")
    ax_loss.set_title("cross-entropy loss")
    ax_loss.set_ylabel("loss (log scale)")
    ax_acc.plot(epochs, 100 * np.array(history.train_accuracy), "o-", ms=3, label="training")
    ax_acc.plot(epochs, 100 * np.array(history.test_accuracy), "o-", ms=3, label="test")
    final = 100 * history.test_accuracy[-1]
    ax_acc.annotate(f"test {final:.1f}%", (epochs[-1], final), textcoords="offset points",
                    xytext=(0, -16), ha="right", va="top", color="C1", fontsize=11)
    low = min(90.0, 100 * min(history.test_accuracy[len(epochs) // 4:] or history.test_accuracy))
    ax_acc.set_ylim(max(0.0, low - 2), 100.5)
    ax_acc.set_title("accuracy (%)")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.suptitle("MLP on scikit-learn's digits, trained with autograd_mini")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_predictions(images: np.ndarray, predictions: np.ndarray, labels: np.ndarray, path: Path,
                     rows: int = 5, cols: int = 10) -> None:
    """A grid of test digits: every mistake first (up to half the grid), then correct ones.

    The digits are tiled into one image with the labels as text: one Axes instead of fifty keeps
    matplotlib quick.
    """
    plt = _pyplot()
    from matplotlib.patches import Rectangle

    wrong = np.flatnonzero(predictions != labels)
    shown_wrong = wrong[: (rows * cols) // 2]
    right = np.flatnonzero(predictions == labels)
    shown = np.concatenate([shown_wrong, right[: rows * cols - len(shown_wrong)]])
    side, gap_x, gap_y = images.shape[1], 3, 6  # pixels of one digit, and of the space around it
    step_x, step_y = side + gap_x, side + gap_y
    mosaic = np.full((rows * step_y, cols * step_x), np.nan)
    fig, ax = plt.subplots(figsize=(1.1 * cols, 1.25 * rows + 0.4), dpi=110)
    for k, i in enumerate(shown):
        top, left = (k // cols) * step_y + gap_y - 1, (k % cols) * step_x + gap_x // 2
        mosaic[top:top + side, left:left + side] = images[i]
        ok = predictions[i] == labels[i]
        color = "#1a7f37" if ok else "#cf222e"
        ax.text(left + side / 2 - 0.5, top - 1.2, f"pred {predictions[i]}  true {labels[i]}",
                ha="center", va="bottom", fontsize=8, color=color,
                fontweight="normal" if ok else "bold")
        if not ok:
            ax.add_patch(Rectangle((left - 0.9, top - 0.9), side + 0.8, side + 0.8, fill=False,
                                   edgecolor=color, linewidth=1.5))
    cmap = plt.get_cmap("gray_r").with_extremes(bad="white")
    ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=16, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"Test digits, predicted and true labels: {len(wrong)} of {len(labels)} wrong, "
                 "shown first in red", fontsize=11)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    fig.savefig(path)
    plt.close(fig)


# The two drawings of one training step (file name -> collapse): one box per module, every op.
GRAPHS = {"graph_modules": "module", "graph": None}


def draw_graph(model: nn.Module, data: Digits, folder: Path) -> tuple[list[Path], str | None]:
    """Draw one training step on four images: forward, loss, and backward with gradients kept.

    Writes graph_modules.svg (one box per module) and graph.svg (every op), both read from the
    inputs at the top down to the loss. Returns the files written and, when Graphviz's
    `dot` program is missing (the drawings are then written as .dot text), a note saying so.
    """
    model.train()
    images, labels = am.tensor(data.x_train[:4]), am.tensor(data.y_train[:4])
    images.name, labels.name = "images", "labels"  # names shown in the drawing
    loss = F.cross_entropy(model(images), labels)
    model.zero_grad()
    loss.backward(retain_grads=True)
    suffix, note = ".svg", None
    if shutil.which("dot") is None:
        suffix = ".dot"
        note = ("Graphviz's `dot` program is not installed, so the graphs were written as DOT "
                "text; install Graphviz (apt install graphviz, brew install graphviz, conda "
                "install graphviz) to get graph.svg and graph_modules.svg")
    paths = [Path(am.viz.render(loss, folder / (name + suffix), params=model, show_grads=True,
                                collapse=collapse))
             for name, collapse in GRAPHS.items()]
    return paths, note


# ---- command line -----------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train an MLP on scikit-learn's handwritten digits with autograd_mini and "
                    "write its learning curves, predictions and computation graph.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training set")
    parser.add_argument("--hidden", type=int, default=128, help="width of the hidden layer")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's initial learning rate "
                        "(annealed to 0 along a cosine)")
    parser.add_argument("--batch-size", type=int, default=32, help="images per mini-batch")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout after the hidden layer")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for initialisation, shuffling and dropout")
    parser.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    for name in ("epochs", "hidden", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if not args.lr > 0:
        parser.error(f"--lr must be positive, got {args.lr}")
    if not 0 <= args.dropout < 1:
        parser.error(f"--dropout must be in [0, 1), got {args.dropout}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run the demo; returns the history, test accuracy, timings and the files written."""
    args = parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    data = load_data()
    am.manual_seed(args.seed)
    model = MLP(hidden=args.hidden, dropout=args.dropout)
    print(f"autograd_mini {am.__version__}: MLP 64-{args.hidden}-10 on scikit-learn's digits "
          f"({len(data.x_train)} training, {len(data.x_test)} test images), Adam lr {args.lr:g}, "
          f"batch {args.batch_size}, {args.epochs} epochs")
    print(f"output folder: {args.out}/")

    train_started = time.perf_counter()
    history = train(model, data, args.epochs, args.lr, args.batch_size, args.seed,
                    progress=not args.no_progress)
    train_seconds = time.perf_counter() - train_started
    _, accuracy, predictions = evaluate(model, data.x_test, data.y_test)

    files = [args.out / "curves.png", args.out / "predictions.png"]
    plot_curves(history, files[0])
    plot_predictions(data.images_test, predictions, data.y_test, files[1])
    graphs, note = draw_graph(model, data, args.out)
    files.extend(graphs)
    seconds = time.perf_counter() - started

    correct = int(np.sum(predictions == data.y_test))
    print(f"test accuracy: {accuracy:.2%} ({correct}/{len(data.y_test)} images)")
    print(f"time: {seconds:.1f} s in all, {train_seconds:.1f} s training")
    if note:
        print(f"note: {note}")
    print("wrote: " + ", ".join(str(f) for f in files))
    return dict(history=history, test_accuracy=accuracy, seconds=seconds,
                train_seconds=train_seconds, files=files, model=model)


if __name__ == "__main__":
    main(sys.argv[1:])
