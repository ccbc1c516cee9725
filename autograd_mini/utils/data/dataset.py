"""Map-style datasets, as `torch.utils.data.dataset`: `Dataset`, `TensorDataset`, `Subset`,
`ConcatDataset` and `random_split`."""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

import numpy as np

from ... import creation
from ..._grad_mode import is_grad_enabled
from ...creation import Generator
from ...tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "ConcatDataset", "Subset", "random_split"]

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")

# A whole batch fetched at once: int64 indices in, the collated batch (a list of tensors) out.
BatchFetcher = Callable[[np.ndarray], list[Tensor]]


class DatasetCheckError(ValueError, AssertionError):
    """A dataset built from inconsistent parts: a ValueError, and an AssertionError too, as
    PyTorch raises one ("Size mismatch between tensors")."""


class Dataset(Generic[T_co]):
    """A map-style dataset: `dataset[i]` is sample i. Subclasses implement `__getitem__` and
    (for samplers and `len(loader)`) `__len__`; they may implement `__getitems__(indices)`,
    a list of samples at once, which DataLoader then uses. `ds1 + ds2` is their
    `ConcatDataset`."""

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


def _first_dim(t: Tensor, i: int) -> int:
    if t.ndim == 0:
        raise DatasetCheckError(f"TensorDataset: tensor {i} is 0-dimensional: every tensor needs "
                                "a first dimension to index the samples along")
    return int(t.shape[0])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples from tensors of equal first dimension: `dataset[i]` is
    `tuple(t[i] for t in tensors)`, views sharing memory with the tensors.

    NumPy arrays are accepted and wrapped without a copy (`am.as_tensor`). A DataLoader with
    the default collation reads a whole batch at once (one indexing per tensor instead of one
    per sample, with the same batches).

    Args:
        *tensors: tensors (or ndarrays) with the same size of dimension 0.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.utils.data import TensorDataset
        >>> dataset = TensorDataset(am.arange(10.0).reshape(5, 2), am.arange(5))
        >>> len(dataset)
        5
        >>> dataset[1]
        (tensor([2., 3.]), tensor(1))
    """

    tensors: tuple[Tensor, ...]

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        converted = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = creation.as_tensor(t)
            elif not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: tensor {i} must be an am.Tensor or a NumPy "
                                f"array, got {type(t).__name__}")
            converted.append(t)
        sizes = [_first_dim(t, i) for i, t in enumerate(converted)]
        if any(n != sizes[0] for n in sizes):
            raise DatasetCheckError(f"Size mismatch between tensors: their first dimensions are "
                                    f"{sizes} (TensorDataset needs them equal)")
        self.tensors = tuple(converted)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])

    def _batch_fetcher(self) -> BatchFetcher | None:
        """How DataLoader reads a batch at once: what default_collate would make of
        `[self[i] for i in indices]` (a list of stacked tensors), by one indexing per tensor.
        None when a subclass changes `__getitem__`."""
        if type(self).__getitem__ is not TensorDataset.__getitem__:
            return None
        tensors = self.tensors

        def fetch(indices: np.ndarray) -> list[Tensor]:
            return [_gather(t, indices) for t in tensors]
        return fetch


def _gather(t: Tensor, indices: np.ndarray) -> Tensor:
    """t[indices] along the first axis: a new array, as stacking t[i] for each i would give."""
    if t.requires_grad and is_grad_enabled():
        return t[indices]  # differentiable, as the stack of t[i] would be
    return Tensor._make(t.data[indices])


def _index_array(indices: Any) -> np.ndarray | None:
    """A non-empty 1-D integer index array for `indices` (an array, a tensor, a list or tuple of
    ints, a range), or None when it is anything else (then it is read index by index)."""
    if isinstance(indices, np.ndarray):
        array = indices
    elif isinstance(indices, Tensor):
        array = indices.data
    elif isinstance(indices, (list, tuple, range)):
        if len(indices) == 0:
            return None
        try:
            array = np.asarray(indices)
        except (TypeError, ValueError):
            return None
    else:
        return None
    if array.ndim != 1 or array.dtype.kind not in "iu" or array.size == 0:
        return None
    return array


def batch_fetcher(dataset: Any) -> BatchFetcher | None:
    """The dataset's way to read a batch at once (TensorDataset, and Subsets of one), or None."""
    method = getattr(dataset, "_batch_fetcher", None)
    return cast("BatchFetcher | None", method()) if callable(method) else None


class ConcatDataset(Dataset[T_co]):
    """Datasets one after the other: indices 0 .. len(d0) - 1 are d0's samples, and so on.

    Args:
        datasets: the datasets to concatenate (map-style, at least one).
    """

    datasets: list[Dataset[T_co]]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        """The running totals of the lengths."""
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets: Iterable[Dataset[T_co]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise DatasetCheckError("datasets should not be an empty iterable")
        for i, d in enumerate(self.datasets):
            if not hasattr(d, "__len__") or not hasattr(d, "__getitem__"):
                raise TypeError(f"ConcatDataset: dataset {i} ({type(d).__name__}) is not a "
                                "map-style dataset (it needs __getitem__ and __len__)")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        idx = operator.index(idx)
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        if idx >= len(self):
            raise IndexError(f"ConcatDataset: index {idx} is out of range for a dataset of "
                             f"length {len(self)}")
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx - (self.cumulative_sizes[dataset_idx - 1] if dataset_idx else 0)
        return self.datasets[dataset_idx][sample_idx]


class Subset(Dataset[T_co]):
    """The samples of `dataset` at `indices`: `subset[i]` is `dataset[indices[i]]`.

    A subclass that overrides `__getitem__` must also override `__getitems__` (as in PyTorch:
    DataLoader reads batches through `__getitems__`).

    Args:
        dataset: the whole dataset.
        indices: the indices of the subset's samples, in order.
    """

    dataset: Dataset[T_co]
    indices: Sequence[int]

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. When subclassing "
                "Subset and overriding __getitem__, you must also override __getitems__ to "
                "ensure DataLoader works correctly with your custom logic. A simple "
                "implementation:\n\ndef __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, idx: Any) -> T_co:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        """The samples at `indices` (through the dataset's own `__getitems__` when it has one)."""
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return cast("list[T_co]", getitems([self.indices[i] for i in indices]))
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch_fetcher(self) -> BatchFetcher | None:
        """The dataset's batch fetcher through this subset's indices (see TensorDataset)."""
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ or cls.__getitems__ is not Subset.__getitems__:
            return None
        inner = batch_fetcher(self.dataset)
        if inner is None:
            return None
        own = _index_array(self.indices)
        if own is None:
            return None

        def fetch(positions: np.ndarray) -> list[Tensor]:
            return inner(own[positions])
        return fetch


def _split_lengths(n: int, lengths: Sequence[int | float]) -> list[int]:
    """Lengths as given, or from fractions summing to 1: floor(n * f) each, the remainder
    handed out one by one from the first split on (PyTorch's rule)."""
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence):
        raise TypeError(f"random_split: lengths must be a sequence of ints or of fractions, got "
                        f"{type(lengths).__name__}")
    for i, x in enumerate(lengths):
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer,
                                                                np.floating)):
            raise TypeError(f"random_split: length at index {i} must be an int or a fraction, got "
                            f"{type(x).__name__} {x!r}")
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                              "dataset.", stacklevel=3)
        return sizes
    for i, x in enumerate(lengths):
        if isinstance(x, (float, np.floating)) and not float(x).is_integer():
            raise ValueError(f"random_split: lengths must be ints, or fractions summing to 1; got "
                             f"{x!r} at index {i} (the lengths sum to {total})")
        if x < 0:
            raise ValueError(f"random_split: length at index {i} is negative ({x})")
    sizes = [int(x) for x in lengths]
    if sum(sizes) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset! "
                         f"(lengths {list(lengths)} sum to {sum(sizes)}, the dataset has {n})")
    return sizes


def random_split(dataset: Dataset[T], lengths: Sequence[int | float],
                 generator: Generator | None = None) -> list[Subset[T]]:
    """Split `dataset` at random into non-overlapping `Subset`s of the given lengths, as
    `torch.utils.data.random_split`. `lengths`: ints summing to len(dataset), or fractions
    summing to 1 (each split gets floor(fraction * len), the remainder handed out one by one
    from the first split on; a split of length 0 is a warning). The permutation is drawn from
    `generator` (an `am.Generator`) or, when None, from the global stream (`am.manual_seed`).

    Args:
        dataset: the dataset to split (anything with a length and indexing).
        lengths: the lengths of the splits, or fractions of len(dataset).
        generator: the `am.Generator` for the permutation (default: the global stream).

    Returns:
        A list of `Subset`s, one per length.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.utils.data import random_split
        >>> train, val = random_split(range(10), [0.7, 0.3], generator=am.Generator().manual_seed(0))
        >>> len(train), len(val)
        (7, 3)
    """
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"random_split: generator must be an am.Generator (or None for the "
                        f"global stream), got {type(generator).__name__}")
    sized: Any = dataset  # (any object with a length: a Dataset, a list, a range)
    sizes = _split_lengths(len(sized), lengths)
    indices = creation.randperm(sum(sizes), generator=generator).data.tolist()
    return [Subset(dataset, indices[end - size:end])
            for end, size in zip(itertools.accumulate(sizes), sizes)]
