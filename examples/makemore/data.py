"""The names corpus shared by the makemore examples: reading, vocabulary, split, datasets.

Corpus: examples/data/names.txt, 5,163 lower-case first names from the 1990 US Census (see
examples/data/README.md), 2 to 11 letters long.

Vocabulary (27 characters): '.' (index 0) marks both the start and the end of a name, then the
letters 'a'..'z' (indices 1..26).

Split: the names are shuffled with a fixed seed (SPLIT_SEED) and cut 80/10/10 into training,
validation and test names: 4,130 / 516 / 517 names. Every model predicts each letter of a name
and the final '.', so each split is counted in characters the same way for every model
(len(name) + 1 targets per name): 28,842 / 3,628 / 3,652 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "names.txt"
VOCAB = "." + "abcdefghijklmnopqrstuvwxyz"
VOCAB_SIZE = len(VOCAB)  # 27
STOI = {ch: i for i, ch in enumerate(VOCAB)}
ITOS = dict(enumerate(VOCAB))
SPLIT_SEED = 42
SPLIT = (0.8, 0.1, 0.1)


def read_names(path: Path = DATA_FILE) -> list[str]:
    """The names of the corpus, in file order; a character outside the vocabulary is an error."""
    names = [line.strip() for line in path.read_text(encoding="ascii").splitlines()]
    names = [n for n in names if n]
    for name in names:
        bad = set(name) - set(VOCAB[1:])
        if bad:
            raise ValueError(f"{path}: name {name!r} has characters outside a-z: {sorted(bad)}")
    return names


def encode(name: str) -> list[int]:
    """The indices of a name's letters (no start or end marker)."""
    return [STOI[ch] for ch in name]


def decode(indices: list[int]) -> str:
    """The characters of a list of indices ('.' included as is)."""
    return "".join(ITOS[int(i)] for i in indices)


@dataclass
class Splits:
    """Names split into training, validation and test sets."""

    train: list[str]
    val: list[str]
    test: list[str]


def split_names(names: list[str], seed: int = SPLIT_SEED) -> Splits:
    """Shuffle with `seed` and cut 80/10/10 (the same split for every model and every run)."""
    order = np.random.default_rng(seed).permutation(len(names))
    shuffled = [names[i] for i in order]
    n_train = int(SPLIT[0] * len(names))
    n_val = int((SPLIT[0] + SPLIT[1]) * len(names))
    return Splits(shuffled[:n_train], shuffled[n_train:n_val], shuffled[n_val:])


def load_splits() -> Splits:
    """The corpus, split (the fixed 80/10/10 split every example uses)."""
    return split_names(read_names())


def build_dataset(names: list[str], block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(context, target) pairs: every character of every name (and the closing '.') with the
    `block_size` characters before it ('.'-padded at the start).

    Returns:
        X, int64 (N, block_size), and Y, int64 (N,), N = sum(len(name) + 1).
    """
    xs, ys = [], []
    for name in names:
        context = [0] * block_size
        for ix in encode(name) + [0]:
            xs.append(context)
            ys.append(ix)
            context = context[1:] + [ix]
    x = np.array(xs, dtype=np.int64).reshape(len(xs), block_size)
    return x, np.array(ys, dtype=np.int64)


def build_sequences(names: list[str], block_size: int,
                    ignore_index: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """One row per name for a sequence model: the input is '.' then the name, the target is the
    name then '.', shifted by one; positions past the end are padded ('.' in X, `ignore_index`
    in Y, which the loss skips). The targets are exactly `build_dataset`'s, so losses compare.

    Returns:
        X, int64 (len(names), block_size), and Y, int64 (len(names), block_size).

    Raises:
        ValueError: a name does not fit: block_size must be at least the longest name + 1.
    """
    x = np.zeros((len(names), block_size), dtype=np.int64)
    y = np.full((len(names), block_size), ignore_index, dtype=np.int64)
    for row, name in enumerate(names):
        ids = encode(name)
        if len(ids) + 1 > block_size:
            raise ValueError(f"name {name!r} ({len(ids)} letters) needs block_size >= "
                             f"{len(ids) + 1}, got {block_size}")
        x[row, 1:len(ids) + 1] = ids
        y[row, :len(ids)] = ids
        y[row, len(ids)] = 0
    return x, y


def max_name_length(names: list[str]) -> int:
    """The number of letters of the longest name."""
    return max(len(n) for n in names)
