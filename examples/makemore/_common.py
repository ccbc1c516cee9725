"""What the makemore examples share: command-line flags, the training loop's bookkeeping, the
progress bar, the loss curves (PNG), sampling names, and saving/loading weights."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or imported by the tests: data.py is a sibling
    sys.path.insert(0, str(HERE))

import data  # noqa: E402

import autograd_mini as am  # noqa: E402
import autograd_mini.nn.functional as F  # noqa: E402
from autograd_mini import nn  # noqa: E402


def base_parser(description: str, out: str, steps: int) -> argparse.ArgumentParser:
    """The flags every example takes: --steps, --quick, --seed, --out, --no-progress."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--steps", type=int, default=steps, help="optimisation steps")
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds: few steps, a small model (used by the tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for initialisation, batches, "
                        "dropout and sampling")
    parser.add_argument("--out", type=Path, default=Path(out), help="output folder")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def check_positive(parser: argparse.ArgumentParser, args: argparse.Namespace,
                   names: Iterable[str]) -> None:
    """Stop with a usage error when one of the named integer flags is below 1."""
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")


@dataclass
class History:
    """Losses along training: the mean training-batch loss since the previous evaluation, and
    the validation loss, at each evaluated step."""

    steps: list[int] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    val: list[float] = field(default_factory=list)


def progress(total: int, disable: bool) -> Any:
    """A tqdm bar over the training steps (the running loss goes in its postfix)."""
    from tqdm import tqdm

    return tqdm(range(total), unit="step", disable=disable, mininterval=0.5,
                bar_format="step {n_fmt}/{total_fmt} |{bar:20}| {elapsed}<{remaining}{postfix}")


@am.no_grad()
def split_loss(model: nn.Module, x: np.ndarray, y: np.ndarray, batch: int = 4096,
               ignore_index: int = -100) -> float:
    """Mean cross-entropy per predicted character over a whole split, in eval mode."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(x), batch):
        xb, yb = am.tensor(x[start:start + batch]), y[start:start + batch]
        logits = model(xb)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), am.tensor(yb.reshape(-1)),
                               ignore_index=ignore_index, reduction="sum")
        total += loss.item()
        count += int(np.sum(yb != ignore_index))
    model.train(was_training)
    return total / count


def plot_curves(history: History, path: Path, title: str,
                lines: dict[str, float] | None = None,
                train_label: str = "training (batches)") -> Path:
    """Training and validation loss against the step (log-scaled steps), as a PNG; `lines` adds
    labelled horizontal reference lines (e.g. the count model's losses)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no window
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(history.steps, history.train, "-", label=train_label)
    ax.plot(history.steps, history.val, "-", label="validation")
    for k, (label, value) in enumerate((lines or {}).items()):
        ax.axhline(value, color=f"C{k + 2}", ls="--", lw=1, label=f"{label} {value:.3f}")
    if history.val:
        ax.annotate(f"val {history.val[-1]:.3f}", (history.steps[-1], history.val[-1]),
                    textcoords="offset points", xytext=(-6, 10), ha="right", color="C1")
    if len(history.steps) > 1 and history.steps[0] > 0:
        ax.set_xscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy per character (nats)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


@am.no_grad()
def sample_names(next_logits: Callable[[am.Tensor], am.Tensor], block_size: int, count: int,
                 generator: am.Generator, max_length: int = 30) -> list[str]:
    """Names drawn one character at a time from a model over a fixed context window.

    Args:
        next_logits: (batch, block_size) int64 contexts -> (batch, 27) logits of the next one.
        block_size: the context length (the window starts as '.' * block_size).
        count: how many names (drawn together, one row each).
        generator: the source of randomness for `am.multinomial`.
        max_length: stop a name that has not ended after this many letters.
    """
    context = np.zeros((count, block_size), dtype=np.int64)
    letters: list[list[int]] = [[] for _ in range(count)]
    done = np.zeros(count, dtype=bool)
    for _ in range(max_length + 1):
        probs = F.softmax(next_logits(am.tensor(context)), dim=-1)
        ix = am.multinomial(probs, 1, generator=generator).numpy()[:, 0]
        for row in np.flatnonzero(~done):
            if ix[row] == 0:
                done[row] = True
            else:
                letters[row].append(int(ix[row]))
        if done.all():
            break
        context = np.concatenate([context[:, 1:], ix[:, None]], axis=1)
    return [data.decode(w) for w in letters]


def save_and_reload(model: nn.Module, path: Path) -> nn.Module:
    """Write the model's state_dict with am.save, read it back with am.load into the model (the
    round trip every example performs), and return the model."""
    am.save(model.state_dict(), path)
    model.load_state_dict(am.load(path))
    return model


def report(name: str, result: dict[str, Any]) -> None:
    """Print the measured losses, the time, the sampled names and the files written."""
    print(f"{name}: train loss {result['train_loss']:.4f}, val loss {result['val_loss']:.4f} "
          f"(training: {result['train_seconds']:.1f} s, {result['cpu_seconds']:.1f} s of CPU)")
    print("samples: " + " ".join(result["samples"]))
    print("wrote: " + ", ".join(str(f) for f in result["files"]))


def train_windows(model: nn.Module, train: tuple[np.ndarray, np.ndarray],
                  val: tuple[np.ndarray, np.ndarray], steps: int, lr: float, batch_size: int,
                  seed: int, show_progress: bool, evaluations: int = 60) -> History:
    """Mini-batch SGD on (context, target) pairs, makemore's schedule: `lr` for the first half
    of the steps, lr / 10 after; the validation loss is measured `evaluations` times, spread
    evenly on a log scale of steps (the curves are drawn with log-scaled steps)."""
    rng = np.random.default_rng(seed)
    optimizer = am.optim.SGD(model.parameters(), lr=lr)
    scheduler = am.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0 if s < steps // 2 else 0.1)
    checkpoints = set(np.unique(np.geomspace(1, steps, evaluations).astype(int)).tolist())
    history, running = History(), []
    xtr, ytr = train
    model.train()
    bar = progress(steps, not show_progress)
    for step in bar:
        rows = rng.integers(0, len(xtr), batch_size)
        loss = F.cross_entropy(model(am.tensor(xtr[rows])), am.tensor(ytr[rows]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        running.append(loss.item())
        if step + 1 in checkpoints:
            history.steps.append(step + 1)
            history.train.append(float(np.mean(running)))
            history.val.append(split_loss(model, *val))
            running = []
            bar.set_postfix_str(f"loss {history.train[-1]:.4f}  val {history.val[-1]:.4f}")
    return history
