"""am.utils.data: datasets, samplers, collation and DataLoader, as torch.utils.data (map-style).

Deterministic behaviour (lengths, batch shapes and dtypes, collated structures, random_split
lengths, error messages) is pinned with literals and, where torch is installed, compared live
with torch.utils.data. Random orders are not PyTorch's numbers (NumPy's streams), so only their
properties and their reproducibility are checked. The DataLoader's batch-at-once path for
TensorDataset is checked against the sample-by-sample path (a collate_fn that is not
default_collate itself turns it off).
"""

from __future__ import annotations

import collections
import math
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    collate,
    default_collate,
    default_collate_fn_map,
    default_convert,
    get_worker_info,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


def per_sample(batch: list[Any]) -> Any:
    """default_collate, but not default_collate itself: DataLoader reads sample by sample."""
    return default_collate(batch)


def make_dataset(n: int = 10, features: int = 3) -> TensorDataset:
    x = am.tensor(np.arange(n * features, dtype=np.float32).reshape(n, features))
    y = am.tensor(np.arange(n) % 3)
    return TensorDataset(x, y)


def flat(obj: Any) -> Any:
    """An am or torch structure as plain Python: tensors as (shape, dtype name, values)."""
    if isinstance(obj, am.Tensor):
        return ("tensor", tuple(obj.shape), str(obj.dtype), obj.numpy().tolist())
    if type(obj).__module__.startswith("torch") and hasattr(obj, "numpy"):
        return ("tensor", tuple(obj.shape), str(obj.dtype).removeprefix("torch."),
                obj.numpy().tolist())
    if isinstance(obj, dict):
        return {k: flat(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, *(flat(v) for v in obj))
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [flat(v) for v in obj])
    return obj


def batches(loader: Any) -> list[Any]:
    return [flat(b) for b in loader]


# ---- the package ----------------------------------------------------------------------------
def test_utils_is_a_lazy_submodule_reachable_as_am_utils_data() -> None:
    code = ("import sys, autograd_mini as am; lazy = 'autograd_mini.utils' not in sys.modules; "
            "ok = am.utils.data.DataLoader is not None; print(lazy, ok)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
    assert "utils" in am.__all__
    import autograd_mini.utils.data as data_module
    assert am.utils.data is data_module
    for name in data_module.__all__:
        assert hasattr(data_module, name), name


# ---- Dataset, TensorDataset -----------------------------------------------------------------
class Squares(Dataset[int]):
    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i

    def __len__(self) -> int:
        return self.n


def test_dataset_base_class_needs_getitem_and_adds_into_a_concat_dataset() -> None:
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        Dataset()[0]
    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset)
    assert len(both) == 5 and [both[i] for i in range(5)] == [0, 1, 4, 0, 1]


def test_tensor_dataset_samples_are_tuples_of_views() -> None:
    ds = make_dataset(4)
    assert len(ds) == 4
    x, y = ds[2]
    assert x.shape == (3,) and x.dtype == np.float32 and x.numpy().tolist() == [6.0, 7.0, 8.0]
    assert y.shape == () and y.dtype == np.int64 and y.item() == 2
    assert np.shares_memory(x.numpy(), ds.tensors[0].numpy())
    assert [t.shape for t in ds[1:3]] == [(2, 3), (2,)]


def test_tensor_dataset_accepts_numpy_arrays_without_a_copy() -> None:
    images = np.zeros((5, 2, 2), dtype=np.float32)
    labels = np.arange(5)
    ds = TensorDataset(images, am.tensor(labels))
    assert all(isinstance(t, am.Tensor) for t in ds.tensors)
    assert ds.tensors[0].dtype == np.float32 and ds.tensors[1].dtype == np.int64
    images[1] = 7.0
    assert ds[1][0].numpy().tolist() == [[7.0, 7.0], [7.0, 7.0]]


def test_tensor_dataset_errors() -> None:
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(am.zeros(3, 2), am.zeros(4))  # PyTorch's AssertionError ...
    with pytest.raises(ValueError, match=r"\[3, 4\]"):
        TensorDataset(am.zeros(3, 2), am.zeros(4))  # ... and a ValueError naming the sizes
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(am.tensor(1.0))
    with pytest.raises(TypeError, match="tensor 1 must be an am.Tensor or a NumPy array, got list"):
        TensorDataset(am.zeros(2), [1, 2])


def test_tensor_dataset_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.data import TensorDataset as TorchTensorDataset
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TorchTensorDataset(torch.zeros(3, 2), torch.zeros(4))


# ---- Subset, ConcatDataset ------------------------------------------------------------------
def test_subset() -> None:
    base = Squares(10)
    sub = Subset(base, [7, 2, 5])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [49, 4, 25]
    assert sub[-1] == 25
    assert sub.__getitems__([2, 0]) == [25, 49]
    tensors = Subset(make_dataset(6), [5, 0])
    assert tensors[0][1].item() == 5 % 3
    with pytest.raises(IndexError):
        sub[3]


def test_subset_with_a_list_index_and_through_the_datasets_getitems() -> None:
    class Batched(Squares):
        def __getitems__(self, indices: list[int]) -> list[str]:
            return [f"batched {i}" for i in indices]

    sub = Subset(Batched(10), [4, 8])
    assert sub.__getitems__([1, 0]) == ["batched 8", "batched 4"]
    listed = Subset(list(range(100, 110)), [3, 4])
    assert listed[0] == 103 and len(listed) == 2

    class Indexable(Squares):
        def __getitem__(self, i: Any) -> Any:
            return ("many", i) if isinstance(i, list) else super().__getitem__(i)

    assert Subset(Indexable(10), [3, 6, 9])[[0, 2]] == ("many", [3, 9])


def test_subset_subclass_overriding_getitem_alone_is_refused_as_in_torch() -> None:
    class Doubled(Subset):
        def __getitem__(self, idx: Any) -> Any:
            return 2 * super().__getitem__(idx)

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Doubled(Squares(3), [0, 1])


def test_concat_dataset() -> None:
    ds = ConcatDataset([Squares(2), Squares(0), Squares(3)])
    assert len(ds) == 5 and ds.cumulative_sizes == [2, 2, 5]
    assert [ds[i] for i in range(5)] == [0, 1, 0, 1, 4]
    assert ds[-1] == 4 and ds[-5] == 0
    assert ConcatDataset.cumsum([[1], [2, 3]]) == [1, 3]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        ds[-6]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        ds[5]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="not a map-style dataset"):
        ConcatDataset([Squares(1), 3])
    nested = (Squares(1) + Squares(1)) + make_dataset(2)
    assert len(nested) == 4 and nested[3][1].item() == 1


# ---- random_split ---------------------------------------------------------------------------
@pytest.mark.parametrize("n, lengths, expected", [
    (10, [3, 7], [3, 7]),
    (10, [0.3, 0.3, 0.4], [3, 3, 4]),
    (10, [0.33, 0.33, 0.34], [4, 3, 3]),
    (7, [0.5, 0.5], [4, 3]),
    (11, [0.1, 0.2, 0.7], [2, 2, 7]),
    (5, [1.0], [5]),
    (3, [0, 3], [0, 3]),
])
def test_random_split_lengths(n: int, lengths: list[float], expected: list[int]) -> None:
    parts = random_split(range(n), lengths, generator=am.Generator().manual_seed(0))
    assert [len(p) for p in parts] == expected
    assert all(isinstance(p, Subset) for p in parts)
    seen = sorted(i for p in parts for i in p.indices)
    assert seen == list(range(n))  # disjoint, and covering the dataset
    torch = pytest.importorskip("torch")
    from torch.utils.data import random_split as torch_split
    theirs = torch_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in theirs] == expected


def test_random_split_is_reproducible_with_a_generator_and_with_the_global_seed() -> None:
    def split(**kw: Any) -> list[list[int]]:
        return [list(p) for p in random_split(range(20), [0.5, 0.5], **kw)]

    a = split(generator=am.Generator().manual_seed(3))
    assert a == split(generator=am.Generator().manual_seed(3))
    assert a != split(generator=am.Generator().manual_seed(4))
    am.manual_seed(5)
    b = split()
    am.manual_seed(5)
    assert b == split()
    assert sorted(a[0] + a[1]) == list(range(20)) and a != [list(range(10)), list(range(10, 20))]


def test_random_split_of_a_tensor_dataset_gives_subsets_that_load() -> None:
    train, val = random_split(make_dataset(10), [8, 2], generator=am.Generator().manual_seed(1))
    xs, ys = next(iter(DataLoader(train, batch_size=8)))
    assert xs.shape == (8, 3) and ys.shape == (8,)
    val_rows = sorted(int(x[0].item()) // 3 for x, _ in (val[0], val[1]))
    assert sorted(set(range(10)) - {int(v) // 3 for v in xs[:, 0].numpy()}) == val_rows


def test_random_split_errors() -> None:
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the "
                                         "input dataset!"):
        random_split(range(10), [3, 6])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(10), [1.0, 0.0])
    with pytest.raises(ValueError, match="negative"):
        random_split(range(10), [-1, 11])
    with pytest.raises(ValueError, match="fractions summing to 1"):
        random_split(range(10), [2.5, 7.5])
    with pytest.raises(TypeError, match="generator must be an am.Generator"):
        random_split(range(10), [5, 5], generator=np.random.default_rng(0))
    with pytest.raises(TypeError, match="length at index 0 must be an int"):
        random_split(range(10), ["5", 5])


def test_random_split_error_messages_match_torch() -> None:
    pytest.importorskip("torch")
    from torch.utils.data import random_split as torch_split
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        torch_split(range(10), [3, 6])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        torch_split(range(10), [1.5, -0.5])


# ---- samplers -------------------------------------------------------------------------------
def test_sequential_sampler() -> None:
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and list(s) == [0, 1, 2, 3, 4] and len(s) == 5
    assert list(SequentialSampler([])) == []
    with pytest.raises(NotImplementedError):
        iter(Sampler())


def test_random_sampler_without_replacement_is_a_permutation_each_epoch() -> None:
    s = RandomSampler(range(50), generator=am.Generator().manual_seed(0))
    first, second = list(s), list(s)
    assert len(s) == 50
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second and first != list(range(50))
    assert all(type(i) is int for i in first)


def test_random_sampler_num_samples_and_replacement() -> None:
    g = am.Generator().manual_seed(1)
    chained = list(RandomSampler(range(4), num_samples=10, generator=g))
    assert len(chained) == 10
    assert sorted(chained[:4]) == sorted(chained[4:8]) == [0, 1, 2, 3]  # whole passes first
    assert len(set(chained[8:])) == 2
    short = list(RandomSampler(range(10), num_samples=3, generator=g))
    assert len(short) == 3 and len(set(short)) == 3
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=300, generator=g))
    assert len(drawn) == 300 and set(drawn) == {0, 1, 2}
    assert len(RandomSampler(range(3), replacement=True, num_samples=7)) == 7
    assert len(RandomSampler(range(3), replacement=True)) == 3


def test_random_sampler_is_reproducible() -> None:
    def draw(**kw: Any) -> list[int]:
        return list(RandomSampler(range(30), **kw))

    assert draw(generator=am.Generator().manual_seed(7)) == \
        draw(generator=am.Generator().manual_seed(7))
    am.manual_seed(7)
    a = draw()
    am.manual_seed(7)
    assert a == draw()


def test_random_sampler_errors_match_torch() -> None:
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got "
                                        "replacement=1"):
        RandomSampler(range(3), replacement=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        RandomSampler(range(0))
    with pytest.raises(ValueError, match="num_samples=-1"):
        RandomSampler(range(3), num_samples=-1)
    with pytest.raises(TypeError, match="generator must be an am.Generator"):
        RandomSampler(range(3), generator=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty data_source"):
        list(RandomSampler([], num_samples=2))
    pytest.importorskip("torch")
    from torch.utils.data import RandomSampler as TorchRandomSampler
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        TorchRandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        TorchRandomSampler(range(0))


def test_subset_random_sampler() -> None:
    indices = [10, 20, 30, 40, 50]
    s = SubsetRandomSampler(indices, generator=am.Generator().manual_seed(0))
    drawn = list(s)
    assert len(s) == 5 and sorted(drawn) == indices and drawn != indices
    assert list(SubsetRandomSampler(indices, generator=am.Generator().manual_seed(0))) == drawn
    assert sorted(SubsetRandomSampler(("a", "b"))) == ["a", "b"]  # any indexable keys


def test_weighted_random_sampler() -> None:
    g = am.Generator().manual_seed(0)
    s = WeightedRandomSampler([0.0, 1.0, 3.0, 0.0], num_samples=2000, generator=g)
    drawn = np.array(list(s))
    assert len(s) == 2000 and len(drawn) == 2000 and set(drawn.tolist()) == {1, 2}
    assert 0.7 < (drawn == 2).mean() < 0.8
    no_repeat = list(WeightedRandomSampler(np.array([1.0, 2.0, 3.0, 4.0]), 4, replacement=False,
                                           generator=g))
    assert sorted(no_repeat) == [0, 1, 2, 3]
    s2 = WeightedRandomSampler(am.tensor([1.0, 1.0]), 3)
    assert s2.weights.dtype == np.float64 and s2.weights.shape == (2,)
    assert len(list(s2)) == 3
    again = [list(WeightedRandomSampler([1, 2, 3], 10, generator=am.Generator().manual_seed(4)))
             for _ in range(2)]
    assert again[0] == again[1]


def test_weighted_random_sampler_errors_match_torch() -> None:
    cases = [
        (dict(weights=[1.0], num_samples=0), "num_samples should be a positive integer value, "
                                             "but got num_samples=0"),
        (dict(weights=[1.0], num_samples=True), "num_samples=True"),
        (dict(weights=[1.0], num_samples=1, replacement=0), "replacement should be a boolean "
                                                            "value, but got replacement=0"),
        (dict(weights=[[1.0, 2.0]], num_samples=1), r"weights should be a 1d sequence but given "
                                                    r"weights have shape \(1, 2\)"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            WeightedRandomSampler(**kwargs)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist"):
        list(WeightedRandomSampler([1.0, 1.0], 3, replacement=False))
    pytest.importorskip("torch")
    from torch.utils.data import WeightedRandomSampler as TorchWeighted
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            TorchWeighted(**kwargs)


def test_batch_sampler() -> None:
    assert list(BatchSampler(SequentialSampler(range(10)), 3, drop_last=False)) == \
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, drop_last=True)) == \
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4 and len(BatchSampler(range(10), 3, True)) == 3
    assert list(BatchSampler([5, 1, 4], 2, False)) == [[5, 1], [4]]  # any iterable of indices
    assert list(BatchSampler(iter("abc"), 2, True)) == [["a", "b"]]
    batches = list(BatchSampler(RandomSampler(range(7), generator=am.Generator().manual_seed(0)),
                                3, False))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sorted(sum(batches, [])) == list(range(7))
    assert all(type(i) is int for b in batches for i in b)


def test_batch_sampler_matches_torch() -> None:
    pytest.importorskip("torch")
    from torch.utils.data import BatchSampler as TorchBatchSampler
    from torch.utils.data import SequentialSampler as TorchSequential
    for n in (0, 1, 6, 7, 10):
        for size in (1, 3, 6, 11):
            for drop in (False, True):
                ours = BatchSampler(SequentialSampler(range(n)), size, drop)
                theirs = TorchBatchSampler(TorchSequential(range(n)), size, drop)
                assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_batch_sampler_errors_match_torch() -> None:
    cases = [(dict(batch_size=0, drop_last=False), "batch_size should be a positive integer "
                                                   "value, but got batch_size=0"),
             (dict(batch_size=2.0, drop_last=False), "batch_size=2.0"),
             (dict(batch_size=True, drop_last=False), "batch_size=True"),
             (dict(batch_size=2, drop_last=1), "drop_last should be a boolean value, but got "
                                               "drop_last=1")]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            BatchSampler(range(3), **kwargs)
    pytest.importorskip("torch")
    from torch.utils.data import BatchSampler as TorchBatchSampler
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            TorchBatchSampler(range(3), **kwargs)


def test_a_sampler_subclass_that_changes_iteration_is_followed() -> None:
    class Reversed(SequentialSampler):
        def __iter__(self) -> Iterator[int]:
            return iter(range(len(self.data_source) - 1, -1, -1))

    loader = DataLoader(make_dataset(5), batch_size=2, sampler=Reversed(range(5)))
    assert [b[1].numpy().tolist() for b in loader] == [[4 % 3, 3 % 3], [2, 1], [0]]


# ---- collation ------------------------------------------------------------------------------
COLLATE_CASES: list[tuple[str, Any, Any]] = [
    ("ints", [1, 2, 3], ("tensor", (3,), "int64", [1, 2, 3])),
    ("bools", [True, False], ("tensor", (2,), "bool", [True, False])),
    ("floats", [1.5, 2.0], ("tensor", (2,), "float64", [1.5, 2.0])),
    ("int then float", [1, 2.5], ("tensor", (2,), "float32", [1.0, 2.5])),
    ("strings", ["a", "b"], ("list", ["a", "b"])),
    ("bytes", [b"a", b"b"], ("list", [b"a", b"b"])),
    ("numpy arrays", [np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)],
     ("tensor", (2, 2), "int32", [[1, 2], [3, 4]])),
    ("numpy 0-d arrays", [np.array(1.0, dtype=np.float32)] * 2,
     ("tensor", (2,), "float32", [1.0, 1.0])),
    ("numpy float32 scalars", [np.float32(1), np.float32(2)],
     ("tensor", (2,), "float32", [1.0, 2.0])),
    ("numpy int32 scalars", [np.int32(1), np.int32(2)], ("tensor", (2,), "int32", [1, 2])),
    ("numpy float64 scalars", [np.float64(1), np.float64(2)],
     ("tensor", (2,), "float64", [1.0, 2.0])),
    ("numpy bool scalars", [np.bool_(True), np.bool_(False)],
     ("tensor", (2,), "bool", [True, False])),
    ("tuples become lists", [(1, 2.0), (3, 4.0)],
     ("list", [("tensor", (2,), "int64", [1, 3]), ("tensor", (2,), "float64", [2.0, 4.0])])),
    ("lists", [[1, 2], [3, 4]],
     ("list", [("tensor", (2,), "int64", [1, 3]), ("tensor", (2,), "int64", [2, 4])])),
    ("dicts", [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
     {"a": ("tensor", (2,), "int64", [1, 2]), "b": ("list", ["x", "y"])}),
    ("namedtuples", [Point(1, 2.0), Point(3, 4.0)],
     ("Point", ("tensor", (2,), "int64", [1, 3]), ("tensor", (2,), "float64", [2.0, 4.0]))),
    ("nested", [{"p": (np.float32(1), [1])}, {"p": (np.float32(2), [2])}],
     {"p": ("list", [("tensor", (2,), "float32", [1.0, 2.0]),
                     ("list", [("tensor", (2,), "int64", [1, 2])])])}),
]


@pytest.mark.parametrize("name, batch, expected", COLLATE_CASES, ids=[c[0] for c in COLLATE_CASES])
def test_default_collate(name: str, batch: Any, expected: Any) -> None:
    assert flat(default_collate(batch)) == expected


@pytest.mark.parametrize("name, batch, expected", COLLATE_CASES, ids=[c[0] for c in COLLATE_CASES])
def test_default_collate_matches_torch(name: str, batch: Any, expected: Any) -> None:
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    assert flat(torch_collate(batch)) == expected


def test_default_collate_stacks_tensors() -> None:
    batch = [am.tensor([[1.0, 2.0]]), am.tensor([[3.0, 4.0]])]
    out = default_collate(batch)
    assert flat(out) == ("tensor", (2, 1, 2), "float32", [[[1.0, 2.0]], [[3.0, 4.0]]])
    assert not out.requires_grad and out.grad_fn is None
    assert not np.shares_memory(out.numpy(), batch[0].numpy())
    ints = default_collate([am.tensor(1), am.tensor(2)])
    assert flat(ints) == ("tensor", (2,), "int64", [1, 2])
    samples = [(am.ones(2), am.tensor(0)), (am.zeros(2), am.tensor(1))]
    x, y = default_collate(samples)
    assert isinstance(default_collate(samples), list)
    assert x.shape == (2, 2) and y.numpy().tolist() == [0, 1]


def test_default_collate_of_tensors_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    arrays = [np.arange(6, dtype=np.float32).reshape(2, 3) + i for i in range(4)]
    samples = [(a, i, {"k": a[0]}) for i, a in enumerate(arrays)]
    ours = default_collate([(am.tensor(a), i, {"k": am.tensor(d["k"])}) for a, i, d in samples])
    theirs = torch_collate([(torch.tensor(a), i, {"k": torch.tensor(d["k"])})
                            for a, i, d in samples])
    assert flat(ours) == flat(theirs)


def test_default_collate_keeps_the_graph_of_tensors_that_require_grad() -> None:
    w = am.tensor([1.0, 2.0], requires_grad=True)
    out = default_collate([w * 2, w * 3])
    assert out.requires_grad
    out.sum().backward()
    assert w.grad.numpy().tolist() == [5.0, 5.0]
    with am.no_grad():
        assert not default_collate([w, w]).requires_grad


def test_default_collate_errors() -> None:
    message = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
               "lists; found <class 'NoneType'>")
    with pytest.raises(TypeError, match=message):
        default_collate([None, None])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(IndexError, match="empty"):
        default_collate([])
    with pytest.raises(am.ShapeError):
        default_collate([am.zeros(2), am.zeros(3)])
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    with pytest.raises(TypeError, match=message):
        torch_collate([None, None])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        torch_collate([[1, 2], [3]])


def test_collate_with_a_map_of_ones_own_and_extending_the_default_map() -> None:
    class Box:
        def __init__(self, v: int) -> None:
            self.v = v

    def collate_box(batch: list[Box], *, collate_fn_map: Any = None) -> list[int]:
        return [b.v for b in batch]

    assert collate([Box(1), Box(2)], collate_fn_map={Box: collate_box}) == [1, 2]
    default_collate_fn_map[Box] = collate_box
    try:
        assert default_collate([(Box(1), 1), (Box(2), 2)])[0] == [1, 2]
    finally:
        del default_collate_fn_map[Box]
    with pytest.raises(TypeError):
        default_collate([Box(1)])


def test_default_convert() -> None:
    array = np.arange(3, dtype=np.int16)
    converted = default_convert(array)
    assert isinstance(converted, am.Tensor) and converted.dtype == np.int16
    assert np.shares_memory(converted.numpy(), array)
    assert flat(default_convert(np.float32(2.5))) == ("tensor", (), "float32", 2.5)
    t = am.ones(2)
    assert default_convert(t) is t
    assert default_convert((1, "a")) == [1, "a"]
    assert flat(default_convert({"a": np.zeros(1), "b": 3})) == \
        {"a": ("tensor", (1,), "float64", [0.0]), "b": 3}
    assert flat(default_convert(Point(np.int64(1), 2))) == ("Point", ("tensor", (), "int64", 1), 2)
    strings = np.array(["x"])
    assert default_convert(strings) is strings
    assert default_convert("text") == "text" and default_convert(None) is None
    assert get_worker_info() is None


# ---- DataLoader -----------------------------------------------------------------------------
@pytest.mark.parametrize("n, batch_size, drop_last, expected_len, last", [
    (10, 3, False, 4, 1), (10, 3, True, 3, 3), (9, 3, False, 3, 3), (9, 3, True, 3, 3),
    (2, 5, False, 1, 2), (2, 5, True, 0, None), (10, 1, False, 10, 1), (0, 4, False, 0, None),
])
def test_loader_length_and_batch_shapes(n: int, batch_size: int, drop_last: bool,
                                        expected_len: int, last: int | None) -> None:
    ds = make_dataset(n)
    loader = DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    assert len(loader) == expected_len
    out = list(loader)
    assert len(out) == expected_len
    for i, batch in enumerate(out):
        assert isinstance(batch, list) and len(batch) == 2
        x, y = batch
        rows = last if i == len(out) - 1 else batch_size
        assert x.shape == (rows, 3) and x.dtype == np.float32
        assert y.shape == (rows,) and y.dtype == np.int64
        assert not x.requires_grad and not y.requires_grad
    if out:
        assert np.concatenate([b[0].numpy() for b in out]).tolist() == \
            ds.tensors[0].numpy()[:expected_len * batch_size if drop_last else n].tolist()


def test_loader_matches_torch_sequentially() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import TensorDataset as TorchTensorDataset
    x = np.arange(2 * 11 * 3, dtype=np.float32).reshape(11, 2, 3)
    y = np.arange(11) % 4
    ours_ds = TensorDataset(am.tensor(x), am.tensor(y))
    theirs_ds = TorchTensorDataset(torch.tensor(x), torch.tensor(y))
    for kw in (dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=1),
               dict(batch_size=20), dict(batch_size=None)):
        ours, theirs = DataLoader(ours_ds, **kw), TorchLoader(theirs_ds, **kw)
        assert len(ours) == len(theirs)
        assert batches(ours) == batches(theirs)
        assert batches(DataLoader(ours_ds, collate_fn=per_sample, **kw)
                       if kw.get("batch_size", 1) is not None else ours) == batches(theirs)


def test_loader_of_python_samples_matches_torch() -> None:
    samples = [{"id": i, "x": np.full(2, i, dtype=np.float32), "name": f"s{i}",
                "pair": (i, i / 2)} for i in range(5)]
    loader = DataLoader(samples, batch_size=2)
    got = batches(loader)
    assert got[0] == {"id": ("tensor", (2,), "int64", [0, 1]),
                      "x": ("tensor", (2, 2), "float32", [[0.0, 0.0], [1.0, 1.0]]),
                      "name": ("list", ["s0", "s1"]),
                      "pair": ("list", [("tensor", (2,), "int64", [0, 1]),
                                        ("tensor", (2,), "float64", [0.0, 0.5])])}
    assert len(got) == 3 and got[2]["name"] == ("list", ["s4"])
    pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader
    assert batches(TorchLoader(samples, batch_size=2)) == got
    assert batches(TorchLoader(samples, batch_size=None)) == batches(DataLoader(samples,
                                                                                batch_size=None))


def test_loader_is_re_iterable_and_its_iterator_has_a_length() -> None:
    loader = DataLoader(make_dataset(7), batch_size=3)
    assert batches(loader) == batches(loader)
    it = iter(loader)
    assert len(it) == 3 and iter(it) is it
    next(it)
    assert len(list(it)) == 2


def test_shuffle_is_a_new_permutation_each_epoch_and_reproducible() -> None:
    ds = make_dataset(40, 1)

    def epoch(loader: DataLoader[Any]) -> list[int]:
        return [int(v) for x, _ in loader for v in x.numpy()[:, 0]]

    loader = DataLoader(ds, batch_size=8, shuffle=True, generator=am.Generator().manual_seed(0))
    first, second = epoch(loader), epoch(loader)
    assert sorted(first) == sorted(second) == list(range(40))
    assert first != second and first != list(range(40))
    again = DataLoader(ds, batch_size=8, shuffle=True, generator=am.Generator().manual_seed(0))
    assert epoch(again) == first and epoch(again) == second
    other = DataLoader(ds, batch_size=8, shuffle=True, generator=am.Generator().manual_seed(1))
    assert epoch(other) != first
    am.manual_seed(11)
    global_first = epoch(DataLoader(ds, batch_size=8, shuffle=True))
    am.manual_seed(11)
    assert epoch(DataLoader(ds, batch_size=8, shuffle=True)) == global_first
    assert isinstance(loader.sampler, RandomSampler)
    assert isinstance(DataLoader(ds).sampler, SequentialSampler)


@pytest.mark.parametrize("make_sampler", [
    lambda g: dict(shuffle=True, generator=g),
    lambda g: dict(sampler=RandomSampler(range(23), replacement=True, num_samples=30, generator=g)),
    lambda g: dict(sampler=RandomSampler(range(23), num_samples=50, generator=g)),
    lambda g: dict(sampler=SubsetRandomSampler([3, 1, 4, 15, 9, 2, 6], generator=g)),
    lambda g: dict(sampler=WeightedRandomSampler(np.arange(23) + 1.0, 17, generator=g)),
    lambda g: dict(sampler=[5, -1, 0, 5]),
    lambda g: dict(sampler=iter([2, 4, 6, 8, 10, 12])),
], ids=["shuffle", "replacement", "chained", "subset", "weighted", "list", "iterator"])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_at_once_reading_gives_the_sample_by_sample_batches(make_sampler: Any,
                                                                    drop_last: bool) -> None:
    ds = TensorDataset(am.randn(23, 2, 3), am.tensor(np.arange(23)), np.arange(23.0) * 2)
    fast = DataLoader(ds, batch_size=4, drop_last=drop_last,
                      **make_sampler(am.Generator().manual_seed(5)))
    slow = DataLoader(ds, batch_size=4, drop_last=drop_last, collate_fn=per_sample,
                      **make_sampler(am.Generator().manual_seed(5)))
    got = batches(fast)
    assert got == batches(slow) and got


def test_batch_at_once_reading_of_subsets_and_custom_batch_samplers() -> None:
    ds = make_dataset(30, 2)
    train, _ = random_split(ds, [0.6, 0.4], generator=am.Generator().manual_seed(0))
    for kw in (dict(batch_size=7), dict(batch_size=7, shuffle=True),
               dict(batch_sampler=[[0, 1], [17, 3, 3], [], [-1]])):
        fast = DataLoader(Subset(train, list(range(len(train)))[::-1]), **kw,
                          generator=am.Generator().manual_seed(2))
        slow = DataLoader(Subset(train, list(range(len(train)))[::-1]), **kw,
                          generator=am.Generator().manual_seed(2), collate_fn=per_sample)
        if "batch_sampler" in kw:
            with pytest.raises(IndexError):  # the empty batch, as PyTorch's collate
                batches(fast)
            fast = DataLoader(train, batch_sampler=[[0, 1], [17, 3, 3], [-1]])
            slow = DataLoader(train, batch_sampler=[[0, 1], [17, 3, 3], [-1]], collate_fn=per_sample)
        assert batches(fast) == batches(slow)


def test_tensor_dataset_is_read_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = make_dataset(100)
    expected = batches(DataLoader(ds, batch_size=10, collate_fn=per_sample))
    assert len(expected) == 10
    calls: list[Any] = []
    original = am.Tensor.__getitem__

    def counting(self: am.Tensor, index: Any) -> Any:
        calls.append(index)
        return original(self, index)

    monkeypatch.setattr(am.Tensor, "__getitem__", counting)
    assert batches(DataLoader(ds, batch_size=10)) == expected
    assert batches(DataLoader(Subset(ds, range(100)), batch_size=10, sampler=range(100))) == \
        expected
    assert calls == []  # no per-sample indexing
    assert batches(DataLoader(ds, batch_size=10, collate_fn=per_sample)) == expected
    assert len(calls) == 200  # (two tensors, 100 samples)


def test_a_tensor_dataset_subclass_with_its_own_getitem_is_read_sample_by_sample() -> None:
    class Scaled(TensorDataset):
        def __getitem__(self, index: Any) -> Any:
            x, y = super().__getitem__(index)
            return x * 10, y

    x, y = next(iter(DataLoader(Scaled(am.ones(4, 2), am.zeros(4)), batch_size=4)))
    assert x.numpy().tolist() == [[10.0, 10.0]] * 4 and y.shape == (4,)


def test_datasets_getitems_is_used_for_batches() -> None:
    class Batched(Squares):
        def __getitems__(self, indices: list[int]) -> list[tuple[int, int]]:
            return [(i, -i) for i in indices]

    assert batches(DataLoader(Batched(5), batch_size=2))[0] == \
        ("list", [("tensor", (2,), "int64", [0, 1]), ("tensor", (2,), "int64", [0, -1])])
    assert batches(DataLoader(Batched(3), batch_size=None)) == [0, 1, 4]


def test_sampler_and_batch_sampler_arguments() -> None:
    ds = make_dataset(10)
    loader = DataLoader(ds, batch_size=2, sampler=[9, 8, 7])
    assert [b[0].shape[0] for b in loader] == [2, 1] and len(loader) == 2
    assert loader.batch_sampler.sampler == [9, 8, 7]
    custom = DataLoader(ds, batch_sampler=[[0, 5], [1, 2, 3]])
    assert custom.batch_size is None and custom.drop_last is False and len(custom) == 2
    assert [b[1].shape for b in custom] == [(2,), (3,)]
    unbatched = DataLoader(ds, batch_size=None, sampler=[3, 1])
    assert len(unbatched) == 2 and unbatched.batch_sampler is None
    first = next(iter(unbatched))
    assert isinstance(first, list) and first[0].shape == (3,) and first[1].shape == ()


def test_batch_size_none_disables_batching_as_in_torch() -> None:
    samples = [np.arange(2) + i for i in range(3)]
    loader = DataLoader(samples, batch_size=None)
    got = list(loader)
    assert len(loader) == 3 and [type(t) for t in got] == [am.Tensor] * 3
    assert got[1].numpy().tolist() == [1, 2] and np.shares_memory(got[1].numpy(), samples[1])
    assert list(DataLoader([1, "a"], batch_size=None)) == [1, "a"]


def test_custom_collate_fn() -> None:
    loader = DataLoader(make_dataset(5), batch_size=2, collate_fn=lambda b: len(b))
    assert list(loader) == [2, 2, 1]
    stacked = DataLoader(make_dataset(4), batch_size=2, collate_fn=default_collate)
    assert batches(stacked) == batches(DataLoader(make_dataset(4), batch_size=2))


def test_loader_argument_errors_match_torch() -> None:
    ds = make_dataset(4)
    cases = [
        (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive "
                                                  "with batch_size, shuffle, sampler, and "
                                                  "drop_last"),
        (dict(batch_sampler=[[0]], shuffle=True), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], sampler=[0]), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
        (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching "
                                                "and is mutually exclusive with drop_last"),
        (dict(num_workers=-1), "num_workers option should be non-negative; use num_workers=0 to "
                               "disable multiprocessing."),
        (dict(timeout=-1), "timeout option should be non-negative"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified in "
                                  "multiprocessing"),
        (dict(num_workers=1, prefetch_factor=-1), "prefetch_factor option should be "
                                                  "non-negative"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
        (dict(multiprocessing_context="spawn"), "multiprocessing_context can only be used with "
                                                "multi-process loading"),
        (dict(batch_size=0), "batch_size should be a positive integer value, but got "
                             "batch_size=0"),
        (dict(batch_size=2, drop_last="yes"), "drop_last should be a boolean value"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            DataLoader(ds, **kwargs)
    with pytest.raises(TypeError, match="generator must be an am.Generator"):
        DataLoader(ds, shuffle=True, generator=np.random.default_rng(0))
    with pytest.raises(TypeError, match="map-style"):
        DataLoader(iter(range(3)))
    with pytest.raises(TypeError, match="num_workers should be an int"):
        DataLoader(ds, num_workers=1.5)  # type: ignore[arg-type]
    loader = DataLoader(ds, batch_size=2)
    for attr in ("batch_size", "sampler", "batch_sampler", "drop_last", "dataset"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after "
                                             "DataLoader is initialized"):
            setattr(loader, attr, None)
    loader.collate_fn = per_sample  # other attributes may change
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import TensorDataset as TorchTensorDataset
    theirs = TorchTensorDataset(torch.zeros(4, 3), torch.zeros(4))
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            TorchLoader(theirs, **kwargs)


def test_num_workers_loads_in_the_main_process_with_the_same_batches() -> None:
    ds = make_dataset(9)
    calls: list[int] = []
    loader = DataLoader(ds, batch_size=4, num_workers=3, worker_init_fn=calls.append,
                        persistent_workers=True, prefetch_factor=4, timeout=5,
                        multiprocessing_context="spawn")
    assert loader.num_workers == 3 and loader.prefetch_factor == 4
    assert batches(loader) == batches(DataLoader(ds, batch_size=4)) and calls == []
    assert DataLoader(ds, num_workers=2).prefetch_factor == 2


def test_pin_memory_is_accepted_with_torchs_warning() -> None:
    loader = DataLoader(make_dataset(3), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no "
                                         "accelerator is found"):
        got = batches(loader)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert got == batches(DataLoader(make_dataset(3), batch_size=2))


def test_batches_flow_into_a_model_and_backward() -> None:
    am.manual_seed(0)
    model = am.nn.Linear(3, 2)
    x, y = next(iter(DataLoader(make_dataset(6), batch_size=6, shuffle=True)))
    assert not x.requires_grad and x.grad_fn is None
    loss = am.nn.functional.cross_entropy(model(x), y % 2)
    loss.backward()
    assert model.weight.grad is not None and model.weight.grad.shape == (2, 3)
    assert x.grad is None


def test_dataset_tensors_that_require_grad_get_the_same_gradients_either_way() -> None:
    grads = []
    for collate_fn in (None, per_sample):
        w = am.tensor(np.arange(12.0).reshape(6, 2), requires_grad=True)
        loader = DataLoader(TensorDataset(w), batch_size=4, collate_fn=collate_fn,
                            sampler=[0, 5, 5, 2, 1, 0])
        total = am.tensor(0.0, dtype=am.float64)
        for (batch,) in loader:
            assert batch.requires_grad and batch.shape[1] == 2
            total = total + (batch * batch).sum()
        total.backward()
        grads.append(w.grad.numpy().tolist())
    assert grads[0] == grads[1]
    assert grads[0][5] == [2 * 2 * 10.0, 2 * 2 * 11.0]  # sampled twice


def test_a_small_training_loop_over_a_dataloader() -> None:
    am.manual_seed(0)
    rng = np.random.default_rng(0)
    features = rng.standard_normal((256, 4)).astype(np.float32)
    true_w = np.array([[1.5], [-2.0], [0.5], [3.0]], dtype=np.float32)
    targets = features @ true_w + 0.25
    train, val = random_split(TensorDataset(features, targets), [0.75, 0.25],
                              generator=am.Generator().manual_seed(0))
    loader = DataLoader(train, batch_size=32, shuffle=True,
                        generator=am.Generator().manual_seed(0))
    model = am.nn.Linear(4, 1)
    optimizer = am.optim.SGD(model.parameters(), lr=0.1)

    def val_loss() -> float:
        with am.no_grad():
            x, y = next(iter(DataLoader(val, batch_size=len(val))))
            return am.nn.functional.mse_loss(model(x), y).item()

    before = val_loss()
    for _ in range(20):
        for x, y in loader:
            loss = am.nn.functional.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert len(loader) == 6
    assert val_loss() < 1e-4 < before
    np.testing.assert_allclose(model.weight.detach().numpy(), true_w.T, atol=1e-2)


def test_reading_60000_samples_covers_each_sample_once() -> None:
    """The MNIST-sized case: 60,000 samples of (784,) float32, batches of 64, shuffled: every
    sample once per epoch (its speed is measured in benchmarks, not asserted here)."""
    images = np.zeros((60000, 784), dtype=np.float32)
    ds = TensorDataset(images, np.arange(60000, dtype=np.int64))
    loader = DataLoader(ds, batch_size=64, shuffle=True, generator=am.Generator().manual_seed(0))
    seen = np.concatenate([labels.numpy() for _, labels in loader])
    assert len(loader) == math.ceil(60000 / 64)
    assert np.array_equal(np.sort(seen), np.arange(60000)) and not np.array_equal(seen,
                                                                                  np.arange(60000))
