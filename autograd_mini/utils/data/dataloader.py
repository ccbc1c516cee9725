"""DataLoader, as `torch.utils.data.DataLoader` for map-style datasets."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from ...creation import Generator
from ...tensor import Tensor
from ._collate import collate_tensor_fn, default_collate, default_collate_fn_map, default_convert
from .dataset import _index_array, batch_fetcher
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, check_generator

__all__ = ["DataLoader", "get_worker_info"]

T_co = TypeVar("T_co", covariant=True)


def get_worker_info() -> None:
    """Information about the current loader worker process: always None, since autograd_mini
    loads data in the main process (PyTorch returns None there too)."""
    return None


def _uses_default_collate(collate_fn: Any) -> bool:
    """Whether batches are collated as default_collate collates tensors (so a whole batch may
    be read at once with the same result)."""
    return (collate_fn is default_collate
            and default_collate_fn_map.get(Tensor) is collate_tensor_fn)


class DataLoader(Generic[T_co]):
    """Iterates over a map-style dataset in batches, as `torch.utils.data.DataLoader`.

    Args:
        dataset: a map-style dataset (`__getitem__` and `__len__`): a `Dataset`, or any object
            with both (a list, a range, ...).
        batch_size: samples per batch (default 1); None turns batching off: each item is one
            sample, passed through `collate_fn` (default `default_convert`).
        shuffle: a new random order every epoch (a `RandomSampler` drawing from `generator`).
        sampler: the order of the indices (a `Sampler` or any iterable of indices); exclusive
            with `shuffle`.
        batch_sampler: yields lists of indices, one per batch; exclusive with `batch_size`,
            `shuffle`, `sampler` and `drop_last`.
        num_workers: accepted for PyTorch code, but the data is always loaded in the main
            process, whatever its value (there are no worker processes: `worker_init_fn` is
            never called, `get_worker_info()` is None, `timeout`, `prefetch_factor`,
            `persistent_workers` and `multiprocessing_context` have no effect beyond PyTorch's
            argument checks). NumPy indexing of a `TensorDataset` is fast enough not to need
            them.
        collate_fn: turns a list of samples into a batch (default `default_collate`).
        pin_memory: accepted; autograd_mini has no accelerator, so it only warns, as PyTorch
            does on a machine without one.
        drop_last: drop the last batch when it is smaller than `batch_size`.
        generator: an `am.Generator` for the shuffling (None: the global stream, so
            `am.manual_seed(n)` makes the order reproducible).

    `len(loader)` is the number of batches (from the sampler's length). A loader can be
    iterated again and again; each iteration with `shuffle=True` draws a new order.

    A `TensorDataset` (or a `Subset` of one) with the default collation is read a whole batch
    at a time (one NumPy indexing per tensor instead of one per sample): the batches are the
    same as PyTorch's sample-by-sample reading gives, a list of tensors of shape
    (batch, *sample_shape). Collated tensors are new arrays that do not require grad (unless
    the dataset's own tensors do).

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.utils.data import DataLoader, TensorDataset
        >>> dataset = TensorDataset(am.arange(10.0).reshape(5, 2), am.arange(5))
        >>> loader = DataLoader(dataset, batch_size=2)
        >>> len(loader)
        3
        >>> for x, y in loader:
        ...     print(x.shape, y)
        (2, 2) tensor([0, 1])
        (2, 2) tensor([2, 3])
        (1, 2) tensor([4])
    """

    dataset: Any
    batch_size: int | None
    num_workers: int
    pin_memory: bool
    drop_last: bool
    timeout: float
    sampler: Sampler[Any] | Iterable[Any]
    batch_sampler: Sampler[Any] | Iterable[Any] | None
    collate_fn: Callable[[Any], Any]
    generator: Generator | None
    prefetch_factor: int | None
    __initialized = False

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler[Any] | Iterable[Any] | None = None,
                 batch_sampler: Sampler[Any] | Iterable[Any] | None = None,
                 num_workers: int = 0, collate_fn: Callable[[Any], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if isinstance(num_workers, bool) or not isinstance(num_workers, int):
            raise TypeError(f"num_workers should be an int, got {type(num_workers).__name__}")
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process "
                             "loading (num_workers > 0), but got num_workers=0")
        if not (hasattr(dataset, "__getitem__") and callable(dataset.__getitem__)):
            raise TypeError(f"DataLoader: the dataset must be map-style (with __getitem__ and "
                            f"__len__), got {type(dataset).__name__}; autograd_mini does not "
                            "support iterable-style datasets")
        check_generator(generator, "DataLoader")

        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle \
                else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.persistent_workers = persistent_workers
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.__initialized = True

    def __setattr__(self, attr: str, val: Any) -> None:
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                           "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        """What yields the keys read at each step: the batch sampler when batching, else the
        sampler."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        """The number of batches an iteration yields (samples, with batch_size=None)."""
        return len(self._index_sampler)

    def __iter__(self) -> _DataLoaderIter:
        if self.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        return _DataLoaderIter(self)

    def _batches(self) -> Iterator[Any]:
        dataset, collate_fn = self.dataset, self.collate_fn
        if not self._auto_collation:
            for index in self.sampler:
                yield collate_fn(dataset[index])
            return
        batch_sampler: Any = self.batch_sampler
        fetch = batch_fetcher(dataset) if _uses_default_collate(collate_fn) else None
        if fetch is not None and type(batch_sampler).__iter__ is BatchSampler.__iter__:
            batches: Iterable[Any] = batch_sampler._array_batches()
        else:
            batches = batch_sampler
        getitems = getattr(dataset, "__getitems__", None)
        for indices in batches:
            if fetch is not None:
                array = _index_array(indices)
                if array is not None:
                    yield fetch(array)  # the whole batch in one indexing per tensor
                    continue
            data = getitems(indices) if getitems else [dataset[i] for i in indices]
            yield collate_fn(data)


class _DataLoaderIter:
    """One pass over a DataLoader: an iterator with a `len` (the number of batches)."""

    def __init__(self, loader: DataLoader[Any]) -> None:
        self._index_sampler = loader._index_sampler
        self._batches = loader._batches()
        self._num_yielded = 0

    def __iter__(self) -> _DataLoaderIter:
        return self

    def __next__(self) -> Any:
        batch = next(self._batches)
        self._num_yielded += 1
        return batch

    def __len__(self) -> int:
        return len(self._index_sampler)
