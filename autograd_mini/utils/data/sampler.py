"""Samplers, as `torch.utils.data.sampler`: the order in which a DataLoader visits a map-style
dataset (`SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler`)
and how it groups the indices into batches (`BatchSampler`).

The random ones draw one epoch's indices when iteration starts, from their `generator` (an
`am.Generator`) or, when it is None, from the global stream (`am.manual_seed`); a new iteration
draws a new order. The numbers are NumPy's, not PyTorch's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from ... import creation
from ...creation import Generator
from ...tensor import Tensor
from .dataset import _index_array

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]

T_co = TypeVar("T_co", covariant=True)


def check_generator(generator: Any, name: str) -> None:
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{name}: generator must be an am.Generator (or None for the global "
                        f"stream), got {type(generator).__name__}")


def _positive_int(value: Any) -> bool:
    return bool(isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
                and value > 0)


class Sampler(Generic[T_co]):
    """Base class of samplers: `__iter__` yields indices (or lists of indices, for a batch
    sampler); `__len__`, when there is one, says how many (DataLoader's `len` needs it)."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1, always in that order.

    Args:
        data_source: the dataset (anything with a length).
    """

    data_source: Sized

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _indices(self) -> np.ndarray | None:
        return np.arange(len(self.data_source), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    _fast_iter = __iter__

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """The indices of `data_source` in random order: a permutation, or with `replacement=True`
    `num_samples` indices drawn independently. Without replacement, `num_samples` larger than
    the dataset chains several permutations (each index once per pass, as in PyTorch).

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw with replacement (default False).
        num_samples: how many indices an iteration yields (default len(data_source)).
        generator: an `am.Generator`, or None for the global stream.
    """

    data_source: Sized
    replacement: bool

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if not _positive_int(self.num_samples):
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")
        check_generator(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """How many indices an iteration yields."""
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def _indices(self) -> np.ndarray:
        """One iteration's indices, an int64 array (what iterating yields)."""
        n, count = len(self.data_source), int(self.num_samples)
        if n == 0:
            raise ValueError("RandomSampler: cannot sample from an empty data_source")
        if self.replacement:
            return creation.randint(0, n, (count,), generator=self.generator).data
        parts = [creation.randperm(n, generator=self.generator).data for _ in range(count // n)]
        if count % n:
            parts.append(creation.randperm(n, generator=self.generator).data[:count % n])
        return np.concatenate(parts)

    def __iter__(self) -> Iterator[int]:
        yield from self._indices().tolist()

    _fast_iter = __iter__

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given `indices` in random order (without replacement), e.g. to draw a validation
    split of one dataset.

    Args:
        indices: the indices to draw from.
        generator: the `am.Generator` for the order (default: the global stream).
    """

    indices: Sequence[int]

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator
        check_generator(generator, "SubsetRandomSampler")

    def _indices(self) -> np.ndarray | None:
        # None (then iterate) before drawing anything when the indices are not plain ints
        own = _index_array(self.indices)
        if own is None:
            return None
        permuted: np.ndarray = own[creation.randperm(len(own), generator=self.generator).data]
        return permuted

    def __iter__(self) -> Iterator[int]:
        for i in creation.randperm(len(self.indices), generator=self.generator).data.tolist():
            yield self.indices[i]

    _fast_iter = __iter__

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """`num_samples` indices of `weights` (0 .. len(weights) - 1), each drawn with probability
    proportional to its weight (weights need not sum to 1); without `replacement` an index is
    drawn at most once.

    Args:
        weights: a 1-D sequence (list, array or tensor) of non-negative weights.
        num_samples: how many indices an iteration yields.
        replacement: draw with replacement (default True).
        generator: an `am.Generator`, or None for the global stream.
    """

    weights: Tensor
    num_samples: int
    replacement: bool

    def __init__(self, weights: Sequence[float] | np.ndarray | Tensor, num_samples: int,
                 replacement: bool = True, generator: Generator | None = None) -> None:
        if not _positive_int(num_samples):
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError("replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        check_generator(generator, "WeightedRandomSampler")
        source = weights.data if isinstance(weights, Tensor) else weights
        weights_tensor = creation.tensor(source, dtype=np.float64)
        if weights_tensor.ndim != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def _indices(self) -> np.ndarray:
        return creation.multinomial(self.weights, self.num_samples, self.replacement,
                                    generator=self.generator).data

    def __iter__(self) -> Iterator[int]:
        yield from self._indices().tolist()

    _fast_iter = __iter__

    def __len__(self) -> int:
        return self.num_samples


def epoch_indices(sampler: Any) -> np.ndarray | None:
    """One epoch of a built-in sampler's indices as an int array, drawn as iterating it would
    draw them (the same indices for the same random state), or None (without drawing anything)
    for any other sampler, a subclass that changes `__iter__` included."""
    fast = getattr(type(sampler), "_fast_iter", None)
    if fast is None or type(sampler).__iter__ is not fast:
        return None
    return sampler._indices()  # type: ignore[no-any-return]


class BatchSampler(Sampler[list[int]]):
    """Groups the indices of `sampler` (any iterable of indices) into lists of `batch_size`;
    the last one may be shorter, unless `drop_last`.

    Args:
        sampler: a `Sampler` or any iterable of indices.
        batch_size: the number of indices per batch.
        drop_last: drop the last batch when it is shorter than batch_size.

    Examples:
        >>> from autograd_mini.utils.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if not _positive_int(batch_size):
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def _split(self, indices: np.ndarray) -> Iterator[np.ndarray]:
        size = self.batch_size
        stop = len(indices) - len(indices) % size if self.drop_last else len(indices)
        for start in range(0, stop, size):
            yield indices[start:start + size]

    def _array_batches(self) -> Iterator[np.ndarray | list[Any]]:
        """The batches as int arrays when the sampler is a built-in one (the same batches as
        iterating gives), else as the lists iterating gives."""
        indices = epoch_indices(self.sampler)
        if indices is None:
            yield from self
        else:
            yield from self._split(indices)

    def __iter__(self) -> Iterator[list[int]]:
        indices = epoch_indices(self.sampler)
        if indices is not None:
            for batch in self._split(indices):
                yield batch.tolist()
            return
        sampler_iter = iter(self.sampler)
        if self.drop_last:
            for full in zip(*[sampler_iter] * self.batch_size):
                yield [*full]
        else:
            batch_list = [*itertools.islice(sampler_iter, self.batch_size)]
            while batch_list:
                yield batch_list
                batch_list = [*itertools.islice(sampler_iter, self.batch_size)]

    def __len__(self) -> int:
        sized: Any = self.sampler  # (a sampler with a length)
        n = len(sized)
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size
