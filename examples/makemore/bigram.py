"""makemore 1: the bigram character model, counted and then learned by gradient descent.

Data: examples/data/names.txt (1990 US Census first names), vocabulary of 27 characters ('.' for
start and end, a-z), split 80/10/10 with a fixed seed: 4,130 / 516 / 517 names, i.e. 28,842 /
3,628 / 3,652 predicted characters (data.py).

Model: P(next | previous) as a 27x27 table.
1. Counts: the number of times each pair occurs in the training names, plus 1 (smoothing), each
   row normalised.
2. Gradient descent: a 27x27 weight matrix W (729 parameters), logits = one_hot(previous) @ W,
   softmax, cross-entropy, plus a little L2 on W (0.01 * mean(W^2), the same smoothing in
   spirit); full-batch steps of plain gradient descent (lr 50). softmax(W) converges to the
   count table, so both losses agree.

Measured with the defaults (500 steps, seed 0, one thread): counts train 2.3414 / val 2.3599
nats per character; gradient descent train 2.3422 / val 2.3592 (the L2 term left out), in about
4 s of CPU time.

Run: python examples/makemore/bigram.py [--steps 500] [--lr 50] [--quick] [--out out/makemore]
Writes bigram_curves.png (loss against step, counts as reference lines) and bigram.npz (W).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _common import (
    History,
    base_parser,
    check_positive,
    plot_curves,
    progress,
    report,
    sample_names,
    save_and_reload,
)
from data import VOCAB_SIZE, build_dataset, load_splits

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

REG = 0.01  # weight on mean(W^2)


def count_table(x: np.ndarray, y: np.ndarray, smoothing: float = 1.0) -> am.Tensor:
    """Row-normalised bigram counts (+ smoothing): P[previous, next], float32 (27, 27)."""
    counts = np.zeros((VOCAB_SIZE, VOCAB_SIZE), dtype=np.float32)
    np.add.at(counts, (x[:, -1], y), 1.0)
    counts += smoothing
    table = am.tensor(counts)
    return table / table.sum(dim=1, keepdim=True)


def table_loss(table: am.Tensor, x: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood of the targets under a probability table."""
    return -table[am.tensor(x[:, -1]), am.tensor(y)].log().mean().item()


class Bigram(nn.Module):
    """Logits of the next character: one_hot(previous) @ W."""

    def __init__(self, generator: am.Generator | None = None) -> None:
        super().__init__()
        self.W = nn.Parameter(am.randn(VOCAB_SIZE, VOCAB_SIZE, generator=generator))

    def forward(self, context: am.Tensor) -> am.Tensor:
        return F.one_hot(context[:, -1], VOCAB_SIZE).float() @ self.W


def parse_args(argv: list[str] | None):
    parser = base_parser("Bigram character model of first names: counts, and gradient descent.",
                         "out/makemore", steps=500)
    parser.add_argument("--lr", type=float, default=50.0, help="gradient-descent step size")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = min(args.steps, 100)
    check_positive(parser, args, ["steps"])
    return args


def main(argv: list[str] | None = None) -> dict:
    """Count, train, compare, sample, save; returns losses, samples and files written."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    splits = load_splits()
    (xtr, ytr), (xva, yva) = build_dataset(splits.train, 1), build_dataset(splits.val, 1)
    table = count_table(xtr, ytr)
    counts = {"counts train": table_loss(table, xtr, ytr), "counts val": table_loss(table, xva, yva)}

    generator = am.Generator().manual_seed(args.seed)
    model = Bigram(generator)
    inputs, targets = am.tensor(xtr), am.tensor(ytr)
    history = History()
    started, started_cpu = time.perf_counter(), time.process_time()
    bar = progress(args.steps, args.no_progress)
    for step in bar:
        loss = F.cross_entropy(model(inputs), targets) + REG * (model.W ** 2).mean()
        model.zero_grad()
        loss.backward()
        with am.no_grad():
            model.W -= args.lr * model.W.grad
        if step < 10 or step % 10 == 0 or step == args.steps - 1:
            history.steps.append(step + 1)
            history.train.append(loss.item())
            with am.no_grad():
                history.val.append(F.cross_entropy(model(am.tensor(xva)), am.tensor(yva)).item())
            bar.set_postfix_str(f"loss {history.train[-1]:.4f}")
    train_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    with am.no_grad():
        train_loss = F.cross_entropy(model(inputs), targets).item()
    weights = save_and_reload(model, args.out / "bigram.npz")

    samples = sample_names(lambda c: F.one_hot(c[:, -1], VOCAB_SIZE).float() @ weights.W, 1, 20,
                           generator)
    files = [plot_curves(history, args.out / "bigram_curves.png",
                         "Bigram by gradient descent (autograd_mini)", counts,
                         train_label="training (full batch, with the L2 term)"),
             args.out / "bigram.npz"]
    result = dict(train_loss=train_loss, val_loss=history.val[-1], counts=counts,
                  history=history, samples=samples, files=files,
                  train_seconds=train_seconds, cpu_seconds=cpu_seconds,
                  model=model)
    print(f"counts: train {counts['counts train']:.4f}, val {counts['counts val']:.4f}")
    report("gradient descent", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
